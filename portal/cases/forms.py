"""Forms of the case page. Each carries the complaint version it was rendered
with (``version``) and the last timeline event the officer saw
(``seen_event``), so a save over someone else's change is caught and the
officer is shown what changed instead of overwriting it."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DecimalField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.widgets import HiddenInput
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from .actions import CATEGORIES, OUTCOMES, RELIEF_CURRENCIES, URGENCIES, category_label, outcome_label, urgency_label

TEXT_MAX = 10_000


class CaseForm(FlaskForm):
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    seen_event = IntegerField(widget=HiddenInput(), validators=[Optional()])

    def stamp(self, complaint, last_event_id: int | None) -> "CaseForm":
        """Fill the hidden fields for a freshly rendered form."""
        self.version.data = complaint.version
        self.seen_event.data = last_event_id or 0
        return self


class AcknowledgeForm(CaseForm):
    pass


class ClaimForm(CaseForm):
    """"Assign to me"."""


class NoteForm(CaseForm):
    text = TextAreaField(_l("Internal note"), validators=[DataRequired(_l("Write the note.")), Length(max=TEXT_MAX)])


class AssignForm(CaseForm):
    assignee = SelectField(_l("Assign to"), coerce=str, validate_choice=True)


class ReclassifyForm(CaseForm):
    category = SelectField(_l("Category"), choices=[])
    urgency = SelectField(_l("Urgency"), choices=[])
    reason = TextAreaField(_l("Why (kept as training feedback)"),
                           validators=[DataRequired(_l("Say why the classification was wrong.")), Length(max=2000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = [(c, category_label(c)) for c in CATEGORIES]
        self.urgency.choices = [(u, urgency_label(u)) for u in URGENCIES]


class RequestInformationForm(CaseForm):
    question = TextAreaField(_l("Question for the cardholder"),
                             validators=[DataRequired(_l("Write the question.")), Length(max=TEXT_MAX)])


class RespondForm(CaseForm):
    kind = RadioField(_l("Kind of response"), choices=[], default="final",
                      validators=[InputRequired(_l("Choose the kind of response."))])
    text = TextAreaField(_l("Response to the cardholder"),
                         validators=[DataRequired(_l("Write the response.")), Length(max=TEXT_MAX)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [("final", _l("Final response")), ("interim", _l("Update: still in progress"))]


class CloseForm(CaseForm):
    outcome = SelectField(_l("Outcome"), choices=[])
    relief_amount = DecimalField(_l("Monetary relief amount"), places=2, validators=[Optional(), NumberRange(min=0)])
    # Checked by actions.close (only monetary relief has a currency).
    relief_currency = SelectField(_l("Currency of the relief"), choices=[], validate_choice=False)
    explanation = TextAreaField(_l("Explanation to the cardholder"), validators=[Length(max=TEXT_MAX)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcome.choices = [(o, outcome_label(o)) for o in OUTCOMES]
        self.relief_currency.choices = [("", _l("The complaint’s currency"))] + [(c, c) for c in RELIEF_CURRENCIES]


class DuplicateForm(CaseForm):
    original = StringField(_l("Reference of the original complaint"),
                           validators=[DataRequired(_l("Give the reference of the original complaint.")),
                                       Length(max=32)])


class ComplexityForm(CaseForm):
    level = SelectField(_l("Complexity"), choices=[])
    note = TextAreaField(_l("Message to the cardholder (optional)"), validators=[Length(max=2000)])


class AppraisalForm(CaseForm):
    pass


class BulkForm(FlaskForm):
    """The queue's bulk action; the ticked complaints come as ``complaint`` values."""

    action = SelectField(_l("With the ticked complaints"), choices=[], validators=[DataRequired()])
    assignee = SelectField(_l("Officer"), choices=[], validate_choice=True, validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.action.choices = [("claim", _l("Assign to me")), ("assign", _l("Assign to…")),
                               ("confirm_links", _l("Confirm proposed contact logs"))]
