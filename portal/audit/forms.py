"""Forms of the compliance pages: uploads, audit runs, link decisions."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, Optional, ValidationError

from ..contacts.readers import FORMATS
from ..domain.profiles import profile_ids
from ..i18n import profile_name


def _known_file_type(form, field) -> None:
    name = (field.data.filename or "") if field.data else ""
    if not any(name.lower().endswith(suffix) for suffix in FORMATS):
        raise ValidationError(_l("Choose a .csv or .jsonl file."))


class UploadForm(FlaskForm):
    file = FileField(_l("Contact-log file (.csv or .jsonl)"),
                     validators=[FileRequired(_l("Choose a file to import.")), _known_file_type])
    source = StringField(_l("Source (used for rows that name none)"), validators=[Optional(), Length(max=120)])
    jurisdiction = SelectField(_l("Jurisdiction (for rows that name none)"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.jurisdiction.choices = [("", _l("From each row's consumer time zone"))] + [
            (p, profile_name(p)) for p in profile_ids()]


class RunAuditForm(FlaskForm):
    profile = SelectField(_l("Profile"), validators=[DataRequired()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.profile.choices = [(p, profile_name(p)) for p in profile_ids()]


class LinkDecisionForm(FlaskForm):
    decision = HiddenField(validators=[DataRequired(), AnyOf(["confirmed", "rejected"])])


class ProposeLinkForm(FlaskForm):
    """An auditor proposes a contact log (or a finding's) as evidence on a complaint."""

    reference = StringField(_l("Complaint reference"),
                            validators=[DataRequired(_l("Give the complaint's reference.")), Length(max=32)])
    note = TextAreaField(_l("Why (for the officer)"), validators=[Optional(), Length(max=2000)])


class ProposalDecisionForm(FlaskForm):
    """Officers confirm or reject several proposed links at once (``link`` values are their ids)."""

    decision = HiddenField(validators=[DataRequired(), AnyOf(["confirmed", "rejected"])])
