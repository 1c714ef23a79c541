"""Response templates per category, in the cardholder's language.

The officer starts from one and edits it before sending. The texts are
translatable strings rendered under the complaint's language (not the
officer's), so a Chinese-speaking cardholder gets a Chinese draft.
"""
from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _

from ..domain.profiles import load_profile
from ..models import Complaint


def _bodies() -> dict[str, str]:
    return {
        "harassment": _(
            "We have reviewed the contacts you described. We have instructed the collector to stop contacting "
            "you at inconvenient times and to respect any request you made to stop contact. "
            "If the contacts continue, please tell us at once through the tracking page."
        ),
        "threats": _(
            "We have reviewed the threats you described. A collector may not threaten arrest, jail or action "
            "that it cannot lawfully take or does not intend to take. We have raised this with the collection "
            "agency and recorded it against the agent."
        ),
        "third_party": _(
            "We have reviewed how the collector contacted other people about your debt. Collectors may not "
            "discuss your debt with family, friends, neighbours or your employer. We have instructed the agency "
            "to stop and recorded it against the agent."
        ),
        "misrepresentation": _(
            "We have reviewed the statements the collector made. A collector may not pretend to be a lawyer, "
            "the police, a court or a government body. We have raised this with the collection agency."
        ),
        "wrong_amount": _(
            "We have reviewed the amount demanded. Below is the breakdown of the balance, fees and interest "
            "on your account, and any correction we have made."
        ),
        "not_owed": _(
            "We have reviewed whether this debt is yours. Collection has been put on hold while we check the "
            "records; below is what we found."
        ),
        "verification": _(
            "We have reviewed your request for proof of the debt. We have asked the collector to send you "
            "written validation of the debt, and collection is on hold until it does."
        ),
        "other": _("We have reviewed your complaint. Below is what we found and what we have done."),
    }


def response_draft(complaint: Complaint) -> str:
    """A starting text for the response, in the complaint's language."""
    with force_locale(complaint.language or "en"):
        greeting = _("Dear %(name)s,", name=complaint.name) if complaint.name else _("Dear cardholder,")
        opening = _("Thank you for your complaint %(reference)s.", reference=complaint.reference)
        body = _bodies().get(complaint.category or "other", _bodies()["other"])
        closing = _("If you are not satisfied with this response, you can dispute it from the tracking page "
                    "within %(days)d days.", days=load_profile(complaint.jurisdiction).deadlines.review_window_days)
        sign_off = _("Complaints team")
        return f"{greeting}\n\n{opening}\n\n{body}\n\n{closing}\n\n{sign_off}"
