"""The cardholder's forms: the guided complaint steps and tracking.

Every message is written here with ``lazy_gettext`` so it appears in the
cardholder's language next to its field; WTForms' own parse errors (dates,
amounts) come translated through Flask-WTF's I18N support.
"""
from __future__ import annotations

import re
from datetime import date, timedelta

from classifiers.redaction import mask_sensitive
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Email, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from ..domain.display_text import localise_mask_markers
from ..domain.money import AmountUnreadable, format_money, parse_amount
from ..domain.profiles import profile_ids
from ..domain.region import region_problem
from ..i18n import current_language
from ..filing import (
    MAX_CONTACT_NUMBERS,
    NARRATIVE_MAX,
    NARRATIVE_MIN,
    REGION_MAX,
    looks_like_card_number,
)

# Digits with the separators people type: spaces, dashes, dots and brackets,
# an area code in brackets first ("(602) 555-0177", "（021）6234 5678"), an
# optional + or 00 prefix.
PHONE = re.compile(r"^\+?[(（]?[0-9０-９][0-9０-９ ()（）\-.]{2,24}$")
CURRENCIES = ("USD", "CNY", "GBP", "EUR", "HKD")
DOLLAR_SIGN = frozenset({"USD", "HKD"})  # what a bare "$" allows


class AmountField(DecimalField):
    """An amount of money as people type it: ``$4,870.22``, ``4 870,22``,
    ``21000元``, ``¥21,000``, ``2.1万`` (portal.domain.money). A text box,
    with the decimal keypad on phones, rather than a number input.

    ``currencies`` holds what the typed symbol allows (empty: no symbol)."""

    widget = TextInput()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "decimal", "autocomplete": "off"})
        super().__init__(*args, **kwargs)
        self.currencies: frozenset[str] = frozenset()
        self.chinese_magnitude = False

    def process_formdata(self, valuelist):
        self.data = None
        if not valuelist or not str(valuelist[0]).strip():
            return
        try:
            parsed = parse_amount(str(valuelist[0]))
        except AmountUnreadable:
            raise ValueError(_l("Please enter the amount in figures, for example 1250.50.")) from None
        self.data, self.currencies = parsed.value, parsed.currencies
        self.chinese_magnitude = parsed.chinese_magnitude

    def _value(self):
        # Shown back as typed, so "2.1万" stays "2.1万" on the form.
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)


def _amount_in_range(form, field):
    # No data means nothing typed (or a parse error already reported).
    if field.data is not None and not (0 <= field.data < 1_000_000_000_000):
        raise ValidationError(_l("Please enter an amount of 0 or more."))


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        # Unknown values are refused with our own translated message.
        values = {str(v) for v, _ in self.choices}
        if any(str(d) not in values for d in (self.data or [])):
            raise ValidationError(_l("Please choose only from the options shown."))


def channel_choices():
    return [
        ("phone", _l("Phone calls")),
        ("text", _l("Text messages")),
        ("email", _l("E-mails")),
        ("letter", _l("Letters")),
        ("visit", _l("Visits in person")),
        ("social_media", _l("Social media or chat apps")),
        ("other", _l("Something else")),
    ]


def vulnerability_choices():
    return [
        ("older_person", _l("I am an older person")),
        ("illness_or_disability", _l("I have an illness or a disability")),
        ("servicemember", _l("I am a servicemember or a veteran")),
        ("mental_health_crisis", _l("I am going through a mental-health crisis")),
    ]


def residence_choices(profile_ids):
    """Where the cardholder lives, which decides the rules that apply."""
    known = {
        "us-cfpb": _l("United States"),
        "cn-nfra": _l("Mainland China"),
        "uk-fca": _l("United Kingdom"),
    }
    return [("", _l("Choose where you live"))] + [
        (pid, known.get(pid, pid)) for pid in profile_ids
    ]


def region_wording(profile_id: str | None) -> tuple[object, object]:
    """The label and hint of the state-or-province question in the words of the
    cardholder's country, when the form knows it (the residence chosen, or
    preselected); one neutral wording otherwise. The hint says the answer is
    published: /data shows it with every published complaint."""
    wordings = {
        "us-cfpb": (_l("State"), _l(
            "For example Texas or CA. Optional; shown with your complaint in the public complaint database, never with your name.")),
        "cn-nfra": (_l("Province"), _l(
            "For example Guangdong or Shanghai. Optional; shown with your complaint in the public complaint database, never with your name.")),
        "uk-fca": (_l("County or region"), _l(
            "For example Greater Manchester or Wales. Optional; shown with your complaint in the public complaint database, never with your name.")),
    }
    return wordings.get(profile_id or "", (_l("State or province"), _l(
        "For example a US state, a Chinese province or a UK county. Optional; shown with your complaint in the public complaint database, never with your name.")))


def region_wordings(ids) -> dict[str, list[str]]:
    """Every residence's wording of the region question (key "" for none), for
    the form's script to reword the question as soon as a residence is chosen."""
    return {pid: [str(text) for text in region_wording(pid)] for pid in ["", *ids]}


def currency_choices():
    return [
        ("", _l("Choose a currency")),
        ("USD", _l("US dollars (USD)")),
        ("CNY", _l("Chinese yuan (RMB)")),
        ("GBP", _l("Pounds sterling (GBP)")),
        ("EUR", _l("Euros (EUR)")),
        ("HKD", _l("Hong Kong dollars (HKD)")),
    ]


def currency_name(code: str) -> str:
    return str(dict(currency_choices()).get(code, code))


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class StepForm(FlaskForm):
    """A step of the guided form; ``fields_saved`` are kept in the draft."""

    fields_saved: tuple[str, ...] = ()


class WhatHappenedForm(StepForm):
    fields_saved = ("narrative",)
    narrative = TextAreaField(
        _l("What happened?"),
        filters=[_strip],
        validators=[
            InputRequired(message=_l("Please tell us what happened.")),
            Length(
                min=NARRATIVE_MIN,
                max=NARRATIVE_MAX,
                message=_l("Please write between %(min)d and %(max)d characters."),
            ),
        ],
    )


class WhoContactedForm(StepForm):
    fields_saved = ("agency", "agent_name", "contact_numbers", "channels", "incident_start", "incident_end")
    agency = StringField(
        _l("Which company or collection agency contacted you?"),
        filters=[_strip],
        validators=[Optional(), Length(max=200, message=_l("Please keep this under %(max)d characters."))],
    )
    agent_name = StringField(
        _l("The name the person gave, if any"),
        filters=[_strip],
        validators=[Optional(), Length(max=200, message=_l("Please keep this under %(max)d characters."))],
    )
    contact_numbers = TextAreaField(
        _l("Phone numbers that called or texted you"),
        filters=[_strip],
        validators=[Optional(), Length(max=400, message=_l("Please keep this under %(max)d characters."))],
    )
    channels = MultiCheckboxField(_l("How did they contact you?"), choices=channel_choices)
    incident_start = DateField(
        _l("When did it start?"),
        validators=[Optional()],
    )
    incident_end = DateField(
        _l("When did it last happen?"),
        validators=[Optional()],
    )

    def validate_contact_numbers(self, field):
        numbers = self.numbers()
        if len(numbers) > MAX_CONTACT_NUMBERS:
            raise ValidationError(_l("Please list at most %(max)d numbers.", max=MAX_CONTACT_NUMBERS))
        for number in numbers:
            if not PHONE.match(number):
                # str(): a lazy string counts as safe HTML in a template, and this one
                # carries what was typed, which must be escaped like any other text.
                raise ValidationError(str(
                    _l("“%(number)s” does not look like a phone number. Use digits, with spaces, dashes or brackets if you like, and an optional + at the start.",
                       number=localise_mask_markers(mask_sensitive(number).text, current_language())[:40])
                ))

    def numbers(self) -> list[str]:
        return [n.strip() for n in re.split(r"[\n,;，；、]+", self.contact_numbers.data or "") if n.strip()]

    def validate_incident_start(self, field):
        if field.data and field.data > date.today() + timedelta(days=1):
            raise ValidationError(_l("This date is in the future."))

    def validate_incident_end(self, field):
        if field.data and field.data > date.today() + timedelta(days=1):
            raise ValidationError(_l("This date is in the future."))
        if field.data and self.incident_start.data and field.data < self.incident_start.data:
            raise ValidationError(_l("This date is before the date it started."))


class AmountsForm(StepForm):
    fields_saved = ("amount_demanded", "amount_believed_owed", "currency")
    amount_demanded = AmountField(
        _l("How much did they ask you to pay?"),
        places=2,
        validators=[Optional(), _amount_in_range],
    )
    amount_believed_owed = AmountField(
        _l("How much do you believe you owe?"),
        places=2,
        validators=[Optional(), _amount_in_range],
    )
    currency = SelectField(_l("Currency"), choices=currency_choices, validate_choice=False)

    def validate_currency(self, field):
        if field.data and field.data not in CURRENCIES:
            raise ValidationError(_l("Please choose only from the options shown."))
        typed = [f for f in (self.amount_demanded, self.amount_believed_owed) if f.data is not None and f.currencies]
        allowed = frozenset(CURRENCIES)
        for amount in typed:
            allowed &= amount.currencies
        if typed and not allowed:
            raise ValidationError(_l("The two amounts are written in different currencies. Please give both in one currency."))
        if field.data and typed and field.data not in allowed:
            raise ValidationError(
                _l("The currency chosen (%(chosen)s) does not match the symbol in the amount. Please check both.",
                   chosen=currency_name(field.data))
            )
        if not field.data and typed and (len(allowed) == 1 or allowed == DOLLAR_SIGN):
            # "21000元" says yuan, a bare "$" US dollars (Hong Kong dollars are
            # written HK$, or "$" with HKD chosen); keep it as if chosen, so the
            # draft remembers it.
            field.data = "USD" if allowed == DOLLAR_SIGN else next(iter(allowed))
            field.raw_data = [field.data]
        # "0" (nothing owed, as the hint invites) needs no currency.
        if not field.data and any(a.data for a in (self.amount_demanded, self.amount_believed_owed)):
            raise ValidationError(_l("Please choose the currency of the amounts."))


    def checks(self) -> list[str]:
        """Gentle questions about valid answers that may still be mistakes (no refusal)."""
        messages = []
        currency = self.currency.data
        for amount in (self.amount_demanded, self.amount_believed_owed):
            if amount.data is not None and amount.chinese_magnitude and currency and currency != "CNY":
                messages.append(str(_l(
                    "Please check: you wrote “%(typed)s” with 万 or 亿, which we read as %(amount)s in %(currency)s. If you meant yuan, go back to the amounts and choose Chinese yuan.",
                    typed=(amount.raw_data or [""])[0][:40], amount=format_money(amount.data, currency, current_language()),
                    currency=currency_name(currency),
                )))
        demanded, owed = self.amount_demanded.data, self.amount_believed_owed.data
        if demanded is not None and owed is not None and owed > demanded:
            messages.append(str(_l(
                "Please check: the amount you believe you owe is more than the amount they asked you to pay. If that is right, there is nothing to change."
            )))
        return messages


class WishForm(StepForm):
    fields_saved = ("desired_resolution",)
    desired_resolution = TextAreaField(
        _l("What would you like to happen?"),
        filters=[_strip],
        validators=[Optional(), Length(max=5000, message=_l("Please keep this under %(max)d characters."))],
    )


class EvidenceForm(StepForm):
    fields_saved = ()
    files = MultipleFileField(_l("Add files"))


class DetailsForm(StepForm):
    fields_saved = ("name", "email", "phone", "account_ref", "vulnerabilities", "jurisdiction", "region",
                    "consent", "publish_narrative")
    name = StringField(
        _l("Your name"),
        filters=[_strip],
        validators=[Optional(), Length(max=200, message=_l("Please keep this under %(max)d characters."))],
    )
    email = StringField(
        _l("Your e-mail address"),
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=254, message=_l("Please keep this under %(max)d characters.")),
            Email(message=_l("Please enter an e-mail address like name@example.com."), check_deliverability=False),
        ],
    )
    phone = StringField(
        _l("Your phone number"),
        filters=[_strip],
        validators=[Optional(), Length(max=40, message=_l("Please keep this under %(max)d characters."))],
    )
    account_ref = StringField(
        _l("Account reference"),
        filters=[_strip],
        validators=[Optional(), Length(max=64, message=_l("Please keep this under %(max)d characters."))],
    )
    vulnerabilities = MultiCheckboxField(
        _l("Does any of this apply to you?"), choices=vulnerability_choices
    )
    jurisdiction = SelectField(
        _l("Where do you live?"), choices=lambda: residence_choices(profile_ids()), validate_choice=False
    )
    # Worded for the residence by word_region(); published on /data like the agency.
    region = StringField(
        _l("State or province"),
        filters=[_strip],
        validators=[Optional(), Length(max=REGION_MAX, message=_l("Please keep this under %(max)d characters."))],
        render_kw={"autocomplete": "address-level1"},
    )
    consent = BooleanField(
        _l("I agree that Redress may use what I have written to handle my complaint and share it with the company concerned."),
        validators=[InputRequired(message=_l("Please tick this box so we can handle your complaint."))],
    )
    # Optional and off by default: publishing is a separate choice from handling (public record).
    publish_narrative = BooleanField(
        _l("You may publish what I wrote in the public complaint database, without my name, contact details, addresses or account numbers."),
        default=False,
    )

    def validate_phone(self, field):
        if field.data and not PHONE.match(field.data):
            raise ValidationError(_l("This does not look like a phone number. Use digits, with spaces, dashes or brackets if you like, and an optional + at the start."))

    def validate_account_ref(self, field):
        if looks_like_card_number(field.data):
            field.data = ""  # never echo a card number back
            raise ValidationError(
                _l("Please do not enter your full card number. Give only the last 4 digits, or the reference the card issuer uses.")
            )

    def validate_region(self, field):
        problem = region_problem(field.data)
        if problem is None:
            return
        field.data = ""  # never echo a number or contact detail back
        if problem == "number":
            raise ValidationError(
                _l("Please do not enter a card or ID number here: give only your state, province or county.")
            )
        raise ValidationError(
            _l("Please give only your state, province or county here, not a phone number, e-mail or street address.")
        )

    def word_region(self):
        """Word the region question for the residence chosen; returns its hint."""
        label, hint = region_wording(self.jurisdiction.data)
        self.region.label.text = label
        return hint

    def validate_jurisdiction(self, field):
        values = {value for value, _ in field.choices if value}
        if not field.data:
            raise ValidationError(_l("Please choose where you live."))
        if field.data not in values:
            raise ValidationError(_l("Please choose only from the options shown."))


class ReviewForm(FlaskForm):
    """Only the CSRF token: the submit button on the review page."""


class TrackForm(FlaskForm):
    reference = StringField(
        _l("Complaint reference"),
        filters=[_strip],
        validators=[InputRequired(message=_l("Please enter your complaint reference.")), Length(max=40)],
    )
    access_code = StringField(
        _l("Access code"),
        filters=[_strip],
        validators=[InputRequired(message=_l("Please enter your access code.")), Length(max=60)],
    )


class AddInformationForm(FlaskForm):
    body = TextAreaField(
        _l("What would you like to add?"),
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=NARRATIVE_MAX, message=_l("Please keep this under %(max)d characters.")),
        ],
    )
    files = MultipleFileField(_l("Add files"))


class AnswerForm(FlaskForm):
    answer = TextAreaField(
        _l("Your answer"),
        filters=[_strip],
        validators=[
            InputRequired(message=_l("Please write your answer.")),
            Length(min=2, max=NARRATIVE_MAX, message=_l("Please write between %(min)d and %(max)d characters.")),
        ],
    )
    files = MultipleFileField(_l("Add files"))


class FeedbackForm(FlaskForm):
    resolved = SelectField(
        _l("Did our response resolve things for you?"),
        choices=lambda: [("", "—"), ("yes", _l("Yes, it is resolved")), ("no", _l("No, it is not resolved"))],
        validate_choice=False,
    )
    comment = TextAreaField(
        _l("Anything you would like to tell us"),
        filters=[_strip],
        # No Optional(): it would stop validate_comment, which needs a reason for "no".
        validators=[Length(max=5000, message=_l("Please keep this under %(max)d characters."))],
    )

    def validate_resolved(self, field):
        if field.data not in ("yes", "no"):
            raise ValidationError(_l("Please choose yes or no."))

    def validate_comment(self, field):
        if self.resolved.data == "no" and not field.data:
            raise ValidationError(_l("Please tell us briefly what is still not resolved."))


class NewCodeForm(FlaskForm):
    """A lost access code: a new one goes to the e-mail address given with the complaint."""

    reference = StringField(
        _l("Complaint reference"),
        filters=[_strip],
        validators=[InputRequired(message=_l("Please enter your complaint reference.")), Length(max=40)],
    )
    email = StringField(
        _l("The e-mail address you gave with your complaint"),
        filters=[_strip],
        validators=[
            InputRequired(message=_l("Please enter the e-mail address you gave with your complaint.")),
            Length(max=254, message=_l("Please keep this under %(max)d characters.")),
            Email(message=_l("Please enter an e-mail address like name@example.com."), check_deliverability=False),
        ],
    )
