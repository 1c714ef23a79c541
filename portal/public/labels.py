"""How the public record names its values, in the visitor's language."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

CHANNEL_LABELS = {
    "phone": _l("Phone calls"),
    "text": _l("Text messages"),
    "email": _l("E-mail"),
    "letter": _l("Letters"),
    "visit": _l("Visits"),
    "social_media": _l("Social media"),
    "other": _l("Other"),
}
RESPONSE_LABELS = {
    "closed_with_explanation": _l("Closed with explanation"),
    "closed_with_non_monetary_relief": _l("Closed with non-monetary relief"),
    "closed_with_monetary_relief": _l("Closed with monetary relief"),
    "responded": _l("Responded, not yet closed"),
}


def channel_label(value: str) -> str:
    return str(CHANNEL_LABELS.get(value, value))


def response_label(value: str | None) -> str:
    return str(RESPONSE_LABELS.get(value or "", value or ""))
