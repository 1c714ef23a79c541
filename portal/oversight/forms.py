"""Forms of the alerts and reports pages."""
from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.validators import InputRequired, ValidationError

from ..i18n import profile_name
from .reports import BUILDERS, FORMATS


class AcknowledgeAlertForm(FlaskForm):
    """Only the CSRF token."""


class RunAlertsForm(FlaskForm):
    """Only the CSRF token: the check always tests the latest weeks."""


class ReportForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that only reads: nothing to forge

    profile = SelectField(_l("Profile"), choices=[], validators=[InputRequired()])
    date_from = DateField(_l("From"), validators=[InputRequired(message=_l("Give the first day, like 2026-11-01."))])
    date_to = DateField(_l("To"), validators=[InputRequired(message=_l("Give the last day, like 2026-11-30."))])
    format = SelectField(_l("Format"), choices=[], default="csv")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.profile.choices = [(p, profile_name(p)) for p in BUILDERS]
        self.format.choices = [(f, f.upper()) for f in FORMATS]

    def prefill_last_full_month(self, today: dt.date) -> None:
        """Suggest the last full month before ``today`` for dates not given."""
        last = today.replace(day=1) - dt.timedelta(days=1)
        if self.date_from.data is None:
            self.date_from.data = last.replace(day=1)
        if self.date_to.data is None:
            self.date_to.data = last

    def validate_date_to(self, field):
        if self.date_from.data and field.data and field.data < self.date_from.data:
            raise ValidationError(_l("The last day is before the first day."))
