"""How statuses and timeline events read to the cardholder (not the staff wording)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _pl

_STATUS = {
    "received": (_pl("complaint status", "Received"), _l("We have your complaint. A complaint officer will look at it soon.")),
    "acknowledged": (_l("Acknowledged"), _l("A complaint officer has your complaint and will look into it.")),
    "in_progress": (_l("Being looked into"), _l("A complaint officer is working on your complaint.")),
    "awaiting_cardholder": (
        _l("Waiting for your answer"),
        _l("We have asked you a question. Please answer it below so we can continue."),
    ),
    "responded": (
        _l("Responded"),
        _l("We have sent our response. Please tell us below whether it resolved things."),
    ),
    "closed": (_l("Closed"), _l("Your complaint is closed. Our response and its outcome are below.")),
    "reopened": (_l("Reopened for review"), _l("You disputed the outcome, so your complaint will be reviewed again.")),
}

_EVENTS = {
    "submitted": _l("You sent your complaint"),
    "acknowledged": _l("Your complaint was acknowledged"),
    "information_requested": _l("We asked you a question"),
    "cardholder_answered": _l("You answered our question"),
    "information_added": _l("You added information"),
    "interim_response": _l("Update: we are working on it"),
    "final_response": _l("Our response"),
    "closed": _l("Your complaint was closed"),
    "marked_duplicate": _l("Closed: you already have a complaint about this"),
    "reopened": _l("Reopened for review at your request"),
    "feedback": _l("Your feedback on our response"),
    "access_code_reissued": _l("A new access code was sent to your e-mail address"),
    "complexity_changed": _l("More time is needed: the complaint is complex"),
    "appraisal_started": _l("An outside appraisal started: the time limits are paused"),
    "appraisal_ended": _l("The outside appraisal finished: the time limits run again"),
}


# The company responses of the CFPB, as the cardholder reads them.
_OUTCOMES = {
    "closed_with_explanation": _l("Closed with an explanation"),
    "closed_with_non_monetary_relief": _l("Closed with non-monetary relief"),
    "closed_with_monetary_relief": _l("Closed with monetary relief"),
    "duplicate": _l("Closed: you already have a complaint about this"),
}


def outcome_label(outcome: str | None) -> str:
    label = _OUTCOMES.get(outcome or "")
    return str(label) if label is not None else ""


def status_label(status: str) -> str:
    return str(_STATUS.get(status, (status,))[0])


def status_help(status: str) -> str:
    entry = _STATUS.get(status)
    return str(entry[1]) if entry else ""


def event_label(event) -> str:
    label = _EVENTS.get(event.kind)
    return str(label) if label is not None else str(_l("Update on your complaint"))
