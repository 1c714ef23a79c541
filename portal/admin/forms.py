"""Administration forms: staff accounts, API keys, the default profile."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectChoice, SelectField, StringField
from email_validator import EmailNotValidError, validate_email
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError

from ..auth.passwords import MIN_LENGTH

ROLE_LABELS = {
    "officer": _l("Complaint officer"),
    "supervisor": _l("Supervisor"),
    "auditor": _l("Compliance auditor"),
    "admin": _l("Administrator"),
}
LANGUAGE_CHOICES = [SelectChoice("", _l("Browser's choice")), SelectChoice("en", "English"), SelectChoice("zh_Hans", "简体中文")]


def staff_email(form, field) -> None:
    """A well-formed address; a test domain such as ``redress.test`` is allowed."""
    try:
        validate_email(field.data or "", check_deliverability=False, test_environment=True)
    except EmailNotValidError:
        raise ValidationError(_l("Enter a valid e-mail address.")) from None


def iana_zone(form, field) -> None:
    """An IANA time zone name such as America/New_York (empty means UTC)."""
    from flask_babel import gettext as _

    from ..i18n import valid_timezone

    if (field.data or "").strip() and valid_timezone(field.data) is None:
        # gettext, not lazy_gettext: the typed text must be escaped when shown.
        raise ValidationError(_("“%(name)s” is not a time zone name. Use the IANA name, e.g. "
                                "America/Phoenix or Asia/Shanghai.", name=field.data.strip()))


def role_choices() -> list[SelectChoice]:
    return [SelectChoice(role, label) for role, label in ROLE_LABELS.items()]


class StaffCreateForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"),
        validators=[DataRequired(_l("Enter an e-mail address.")), Length(max=254), staff_email],
    )
    display_name = StringField(_l("Name shown to colleagues"), validators=[Optional(), Length(max=120)])
    role = SelectField(_l("Role"), choices=role_choices, validators=[DataRequired(_l("Choose a role."))])
    language = SelectField(_l("Language of the staff pages"), choices=LANGUAGE_CHOICES, validators=[Optional()])
    password = PasswordField(
        _l("First password"),
        validators=[Optional(), Length(min=MIN_LENGTH, max=1024,
                                       message=_l("The password must be at least %(min)d characters.", min=MIN_LENGTH))],
    )
    confirm = PasswordField(
        _l("The same password again"),
        validators=[EqualTo("password", message=_l("The two passwords are not the same."))],
    )


class StaffEditForm(FlaskForm):
    display_name = StringField(_l("Name shown to colleagues"), validators=[Optional(), Length(max=120)])
    role = SelectField(_l("Role"), choices=role_choices, validators=[DataRequired(_l("Choose a role."))])
    language = SelectField(_l("Language of the staff pages"), choices=LANGUAGE_CHOICES, validators=[Optional()])
    timezone = StringField(_l("Time zone of the staff pages"), validators=[Optional(), Length(max=64), iana_zone])


class ApiKeyCreateForm(FlaskForm):
    name = StringField(
        _l("Name of the system that will use the key"),
        validators=[DataRequired(_l("Enter a name, e.g. the bank's CRM.")), Length(max=120)],
    )


class DefaultProfileForm(FlaskForm):
    profile = SelectField(_l("Default jurisdiction profile"), validators=[DataRequired(_l("Choose a profile."))])


class ConfirmForm(FlaskForm):
    """A button that changes something: only the CSRF token."""
