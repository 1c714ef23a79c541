"""Staff sign-in and personal preferences forms."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(_l("Enter your e-mail address.")), Length(max=254)],
                       render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password.")), Length(max=1024)],
                             render_kw={"autocomplete": "current-password"})
    next = HiddenField()


LANGUAGE_CHOICES = [SelectChoice("", _l("Browser's choice")), SelectChoice("en", "English"), SelectChoice("zh_Hans", "简体中文")]
OTHER_ZONE = "other"


def timezone_choices() -> list[SelectChoice]:
    from ..i18n import COMMON_TIMEZONES

    return ([SelectChoice(zone, zone.replace("_", " ")) for zone in COMMON_TIMEZONES]
            + [SelectChoice(OTHER_ZONE, _l("Another zone (type its name below)"))])


class PreferencesForm(FlaskForm):
    """What a staff member chooses for their own pages: language and time zone."""

    language = SelectField(_l("Language of the staff pages"), choices=LANGUAGE_CHOICES, validators=[Optional()])
    timezone = SelectField(_l("Time zone"), choices=timezone_choices,
                           validators=[DataRequired(_l("Choose a time zone."))])
    # No Optional(): it would stop the check below when "other" is chosen and this is empty.
    other_timezone = StringField(_l("Other time zone"), validators=[Length(max=64)])

    def validate_other_timezone(self, field) -> None:
        from flask_babel import gettext as _

        from ..i18n import valid_timezone

        if self.timezone.data != OTHER_ZONE:
            return
        if not (field.data or "").strip():
            raise ValidationError(_("Type the name of the time zone, e.g. Europe/Madrid."))
        if valid_timezone(field.data) is None:
            # gettext, not lazy_gettext: the typed text must be escaped when shown.
            raise ValidationError(_("“%(name)s” is not a time zone name. Use the IANA name, e.g. "
                                    "America/Phoenix or Asia/Shanghai.", name=field.data.strip()))

    def chosen_timezone(self) -> str:
        if self.timezone.data == OTHER_ZONE:
            return self.other_timezone.data.strip()
        return self.timezone.data
