"""What officers and supervisors do to a complaint, one function per action.

Each action checks the move with the status machine (portal.domain.status),
writes one timeline event (portal.timeline.record_event), updates the
complaint and recomputes its deadlines (portal.cases.clock) when they may
move. Free text is masked before it is stored. Nothing commits: the view or
command that called commits once.

Views check permissions (portal.access); these functions check what the
complaint allows, and raise CaseActionError with a message for the user.

Called from elsewhere:

    reopen_on_dispute(complaint, reason, now=None)
        the cardholder disputes the outcome from the tracking page (within the
        profile's review window); raises DisputeRefused when it is too late or
        the complaint has no outcome yet.
    resume_after_cardholder_reply(complaint, now=None) -> bool
        the cardholder answered a request for information: the clock restarts
        and the complaint goes back to in progress (True when it did).
    event_label(kind) -> str   a translated name for an event kind (timelines).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from classifiers.redaction import mask_sensitive
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _pl

from ..domain.deadlines import review_window_ends
from ..domain.profiles import load_profile
from ..domain.status import TransitionRefused, transition
from ..models import URGENCY_RANK, ClassificationFeedback, Complaint, StaffUser
from ..models.types import utcnow
from ..timeline import record_event
from .clock import end_pause, pause_counts, refresh_deadlines, start_pause

CATEGORIES = ("harassment", "threats", "third_party", "misrepresentation", "wrong_amount", "not_owed",
              "verification", "other")
URGENCIES = ("critical", "high", "normal", "low")

# CFPB company responses (closing outcomes), plus closing as a duplicate.
OUTCOMES = ("closed_with_explanation", "closed_with_non_monetary_relief", "closed_with_monetary_relief")
DUPLICATE = "duplicate"
RELIEF_CURRENCIES = ("USD", "CNY", "GBP", "EUR", "HKD")
# Relief is paid in the complaint's currency unless the officer says otherwise;
# a complaint that gave no amounts falls back to its jurisdiction's currency.
HOME_CURRENCY = {"us-cfpb": "USD", "cn-nfra": "CNY", "uk-fca": "GBP"}

TEXT_MAX = 10_000


class CaseActionError(ValueError):
    """The complaint does not allow this action now; the message says why (translated)."""


class DisputeRefused(CaseActionError):
    pass


# Lazy strings: built once, translated into the request's language when shown.
_CATEGORY_LABELS = {
    "harassment": _l("Harassment"),
    "threats": _l("Threats"),
    "third_party": _l("Third parties contacted"),
    "misrepresentation": _l("Misrepresentation"),
    "wrong_amount": _l("Wrong amount"),
    "not_owed": _l("Debt not owed"),
    "verification": _l("Verification of the debt"),
    "other": _l("Other"),
}
_URGENCY_LABELS = {"critical": _l("Critical"), "high": _l("High"), "normal": _l("Normal"), "low": _l("Low")}
_STATUS_LABELS = {
    "received": _pl("complaint status", "Received"),  # not the "Received" (date) column heading
    "acknowledged": _l("Acknowledged"),
    "in_progress": _l("In progress"),
    "awaiting_cardholder": _l("Awaiting the cardholder"),
    "responded": _l("Responded"),
    "closed": _l("Closed"),
    "reopened": _l("Reopened"),
}
_OUTCOME_LABELS = {
    "closed_with_explanation": _l("Closed with explanation"),
    "closed_with_non_monetary_relief": _l("Closed with non-monetary relief"),
    "closed_with_monetary_relief": _l("Closed with monetary relief"),
    DUPLICATE: _l("Duplicate of another complaint"),
}
_CHANNEL_LABELS = {
    "phone": _l("Phone calls"),
    "text": _l("Text messages"),
    "email": _l("E-mails"),
    "letter": _l("Letters"),
    "visit": _l("Visits in person"),
    "social_media": _l("Social media or chat apps"),
    "other": _l("Something else"),
}
_VULNERABILITY_LABELS = {
    "older_person": _l("Older person"),
    "illness_or_disability": _l("Illness or disability"),
    "servicemember": _l("Servicemember or veteran"),
    "mental_health_crisis": _l("Mental-health crisis"),
}
# Contact-log codes (SPEC section 5) as the case page shows them.
_LOG_LABELS = {
    "call": _l("call"), "sms": _l("text message"), "email": _l("e-mail"), "letter": _l("letter"),
    "visit": _l("visit"), "app": _l("app message"),
    "outbound": _l("outbound"), "inbound": _l("inbound"),
    "connected": _l("connected"), "no_answer": _l("no answer"), "voicemail": _l("voicemail"), "busy": _l("busy"),
    "failed": _l("failed"), "sent": _l("sent"), "delivered": _l("delivered"),
}
_COMPLEXITY_LABELS = {"standard": _l("Standard"), "complex": _l("Complex"), "especially_complex": _l("Especially complex")}
_EVENT_LABELS = {
    "submitted": _l("Complaint received"),
    "routed": _l("Routed by the classifier"),
    "acknowledged": _l("Complaint acknowledged"),
    "note": _l("Internal note"),
    "assigned": _l("Assigned"),
    "reclassified": _l("Classification corrected"),
    "information_requested": _l("Information requested from the cardholder"),
    "clock_resumed": _l("Clock restarted"),
    "cardholder_answered": _l("The cardholder answered"),
    "information_added": _l("The cardholder added information"),
    "feedback": _l("The cardholder gave feedback on the response"),
    "interim_response": _l("Update: we are working on it"),
    "final_response": _l("Response sent"),
    "closed": _l("Complaint closed"),
    "marked_duplicate": _l("Closed as a duplicate"),
    "reopened": _l("Reopened: the cardholder disputed the outcome"),
    "complexity_changed": _l("Deadline extended: complex complaint"),
    "appraisal_started": _l("Outside appraisal started: the clock is paused"),
    "appraisal_ended": _l("Outside appraisal finished: the clock restarted"),
    "contact_log_confirmed": _l("Contact log confirmed as evidence"),
    "contact_log_rejected": _l("Contact log rejected as evidence"),
    "contact_log_proposed": _l("Contact log proposed by an auditor"),
    "access_code_reissued": _l("The cardholder had a new access code sent to their e-mail address"),
}


def category_label(value: str | None) -> str:
    return str(_CATEGORY_LABELS.get(value or "", _l("Not yet routed")))


def urgency_label(value: str | None) -> str:
    return str(_URGENCY_LABELS.get(value or "", _l("Not yet routed")))


def status_label(value: str) -> str:
    return str(_STATUS_LABELS.get(value, value))


def outcome_label(value: str | None) -> str:
    return str(_OUTCOME_LABELS.get(value or "", value or ""))


def complexity_label(value: str | None) -> str:
    return str(_COMPLEXITY_LABELS.get(value or "standard", value))


def channel_label(value: str | None) -> str:
    return str(_CHANNEL_LABELS.get(value, value or ""))


def vulnerability_label(value: str | None) -> str:
    return str(_VULNERABILITY_LABELS.get(value, value or ""))


# What each classifier evidence label means (classifiers/rules.py signals and
# conduct labels; "cue:<category>" is a phrase that points to a category).
_EVIDENCE_LABELS = {
    "violence_threat": _l("threat of violence or harm"),
    "self_harm": _l("self-harm or suicide"),
    "arrest_with_date": _l("arrest or jail threat with a date"),
    "arrest_threat": _l("arrest or jail threat"),
    "home_or_work_visit": _l("collectors at the home or workplace"),
    "minor_contacted": _l("a child contacted"),
    "ongoing_harassment": _l("harassment still going on"),
    "third_party_disclosure": _l("told family or the employer"),
    "legal_threat": _l("threat of a lawsuit, seizure or garnishment"),
    "vulnerable_cardholder": _l("vulnerable cardholder"),
    "abusive_language": _l("abusive language"),
    "threat": _l("threatening language"),
    "impersonation": _l("impersonation"),
    "critical_unsure": _l("the model was unsure between high and critical: routed as critical"),
}


def evidence_label(value: str | None) -> str:
    """An evidence label as an officer reads it: a rule signal's meaning, a
    category or urgency name, "points to <category>" for a cue."""
    value = value or ""
    if value in _EVIDENCE_LABELS:
        return str(_EVIDENCE_LABELS[value])
    if value in _CATEGORY_LABELS:
        return str(_CATEGORY_LABELS[value])
    if value in _URGENCY_LABELS:
        return str(_URGENCY_LABELS[value])
    if value.startswith("cue:") and value[4:] in _CATEGORY_LABELS:
        return str(_l("points to: %(category)s", category=_CATEGORY_LABELS[value[4:]]))
    return value


def log_label(value: str | None) -> str:
    return str(_LOG_LABELS.get(value, value or ""))


def event_label(kind: str) -> str:
    label = _EVENT_LABELS.get(kind)
    return str(label) if label is not None else kind.replace("_", " ").capitalize()


# -- helpers ------------------------------------------------------------------


def _masked(text: str | None, what: str, required: bool = True) -> str | None:
    text = (text or "").strip()
    if not text:
        if required:
            raise CaseActionError(_("Please write the %(what)s.", what=what))
        return None
    if len(text) > TEXT_MAX:
        raise CaseActionError(_("The %(what)s is too long (at most %(max)d characters).", what=what, max=TEXT_MAX))
    return mask_sensitive(text).text


def _move(complaint: Complaint, target: str) -> str:
    """Change the status if the machine allows it; returns the old status."""
    try:
        new = transition(complaint.status, target)
    except TransitionRefused:
        raise CaseActionError(
            _("This complaint is %(current)s; it cannot become %(target)s.",
              current=status_label(complaint.status), target=status_label(target))
        ) from None
    old = complaint.status
    complaint.status = new.value
    return old


def _acknowledge_with(complaint: Complaint, now: dt.datetime) -> None:
    """Any answer to the cardholder acknowledges the complaint too."""
    if complaint.acknowledged_at is None:
        complaint.acknowledged_at = now


def _end_awaiting(complaint: Complaint, now: dt.datetime) -> None:
    if complaint.paused_since is not None and complaint.pause_kind == "awaiting_cardholder":
        end_pause(complaint, now)


# -- actions ------------------------------------------------------------------


def acknowledge(complaint: Complaint, actor: StaffUser, now: dt.datetime | None = None) -> None:
    now = now or utcnow()
    old = _move(complaint, "acknowledged")
    complaint.acknowledged_at = complaint.acknowledged_at or now
    record_event(complaint, "acknowledged", actor_type="staff", actor=actor, public=True,
                 data={"from": old, "to": complaint.status})
    refresh_deadlines(complaint, now)


def add_note(complaint: Complaint, actor: StaffUser, text: str) -> None:
    record_event(complaint, "note", actor_type="staff", actor=actor, public=False, body=_masked(text, _("note")))


def assign(complaint: Complaint, actor: StaffUser, assignee: StaffUser | None) -> None:
    if assignee is not None and assignee.role not in ("officer", "supervisor"):
        raise CaseActionError(_("Complaints can only be assigned to officers and supervisors."))
    if assignee is not None and not assignee.active:
        raise CaseActionError(_("That staff account is disabled."))
    old = complaint.assignee_id
    new = assignee.id if assignee is not None else None
    if old == new:
        raise CaseActionError(_("The complaint is already assigned that way."))
    complaint.assignee_id = new
    if assignee is not None:
        complaint.assignee = assignee
    record_event(complaint, "assigned", actor_type="staff", actor=actor, public=False,
                 data={"from": old, "to": new, "to_name": assignee.display_name if assignee else None})


def claim(complaint: Complaint, actor: StaffUser, *, may_reassign: bool) -> None:
    """"Assign to me": the officer takes the complaint.

    An unassigned complaint may be taken by any officer; one assigned to
    someone else only by whoever may reassign (a supervisor).
    """
    if complaint.assignee_id == actor.id:
        raise CaseActionError(_("%(reference)s is already assigned to you.", reference=complaint.reference))
    if complaint.assignee_id is not None and not may_reassign:
        name = complaint.assignee.display_name if complaint.assignee else "?"
        raise CaseActionError(_("%(reference)s is assigned to %(name)s; ask a supervisor to reassign it.",
                                reference=complaint.reference, name=name))
    if complaint.status == "closed":
        raise CaseActionError(_("%(reference)s is closed.", reference=complaint.reference))
    assign(complaint, actor, actor)


def reclassify(complaint: Complaint, actor: StaffUser, category: str | None, urgency: str | None,
               reason: str, now: dt.datetime | None = None) -> ClassificationFeedback:
    """Correct the routing; stored as training feedback and an internal event."""
    now = now or utcnow()
    if category not in CATEGORIES:
        raise CaseActionError(_("Choose a category."))
    if urgency not in URGENCIES:
        raise CaseActionError(_("Choose an urgency."))
    if category == complaint.category and urgency == complaint.urgency:
        raise CaseActionError(_("Change the category or the urgency (or both) to reclassify."))
    reason_text = _masked(reason, _("reason"))
    feedback = ClassificationFeedback(
        complaint_id=complaint.id,
        staff_id=actor.id,
        created_at=now,
        old_category=complaint.category,
        new_category=category,
        old_urgency=complaint.urgency,
        new_urgency=urgency,
        model_version=complaint.model_version,
        reason=reason_text,
    )
    from ..extensions import db

    db.session.add(feedback)
    record_event(complaint, "reclassified", actor_type="staff", actor=actor, public=False, body=reason_text,
                 data={"old_category": complaint.category, "new_category": category,
                       "old_urgency": complaint.urgency, "new_urgency": urgency})
    complaint.category = category
    complaint.urgency = urgency
    complaint.urgency_rank = URGENCY_RANK[urgency]
    refresh_deadlines(complaint, now)
    return feedback


def request_information(complaint: Complaint, actor: StaffUser, question: str,
                        now: dt.datetime | None = None) -> None:
    """Ask the cardholder; the clock pauses where the profile says so."""
    now = now or utcnow()
    body = _masked(question, _("question"))
    old = _move(complaint, "awaiting_cardholder")
    _acknowledge_with(complaint, now)
    paused = pause_counts(complaint, "awaiting_cardholder")
    if paused:
        start_pause(complaint, "awaiting_cardholder", now)
    record_event(complaint, "information_requested", actor_type="staff", actor=actor, public=True, body=body,
                 data={"from": old, "to": complaint.status, "clock_paused": paused})
    refresh_deadlines(complaint, now)


def resume_after_cardholder_reply(complaint: Complaint, now: dt.datetime | None = None) -> bool:
    """The cardholder answered: restart the clock, back to in progress.

    For the tracking page, after it records the cardholder's own message.
    Does nothing (False) unless the complaint was awaiting the cardholder.
    """
    if complaint.status != "awaiting_cardholder":
        return False
    now = now or utcnow()
    old = _move(complaint, "in_progress")
    pause = None
    if complaint.paused_since is not None and complaint.pause_kind == "awaiting_cardholder":
        pause = end_pause(complaint, now)
    record_event(complaint, "clock_resumed", actor_type="cardholder", public=False,
                 data={"from": old, "to": complaint.status, "pause": pause})
    refresh_deadlines(complaint, now)
    return True


def respond(complaint: Complaint, actor: StaffUser, text: str, *, final: bool,
            now: dt.datetime | None = None) -> None:
    """Send the cardholder a response: an interim ("in progress") or the final one."""
    now = now or utcnow()
    body = _masked(text, _("response"))
    if final:
        old = _move(complaint, "responded")
    elif complaint.status != "in_progress":
        old = _move(complaint, "in_progress")
    else:
        old = complaint.status
    _acknowledge_with(complaint, now)
    _end_awaiting(complaint, now)
    profile = load_profile(complaint.jurisdiction)
    if final:
        complaint.first_responded_at = complaint.first_responded_at or now
        complaint.responded_at = complaint.responded_at or now
        complaint.response_text = body
    elif profile.deadlines.in_progress_counts_as_first_response:
        complaint.first_responded_at = complaint.first_responded_at or now
    record_event(complaint, "final_response" if final else "interim_response", actor_type="staff", actor=actor,
                 public=True, body=body, data={"from": old, "to": complaint.status})
    refresh_deadlines(complaint, now)


def close(complaint: Complaint, actor: StaffUser, outcome: str, explanation: str | None,
          relief_amount: Decimal | None = None, now: dt.datetime | None = None, *,
          relief_currency: str | None = None) -> None:
    """Close with a CFPB company response; closing answers the cardholder if nothing did yet.

    Monetary relief is an amount in ``relief_currency``, by default the
    currency of the complaint's amounts."""
    now = now or utcnow()
    if outcome not in OUTCOMES:
        raise CaseActionError(_("Choose an outcome."))
    if outcome == "closed_with_monetary_relief":
        if relief_amount is None or relief_amount <= 0:
            raise CaseActionError(_("Give the amount of monetary relief (more than zero)."))
        relief_currency = relief_currency or complaint.currency or HOME_CURRENCY.get(complaint.jurisdiction)
        if relief_currency not in RELIEF_CURRENCIES:
            raise CaseActionError(_("Give the currency of the monetary relief."))
    else:
        relief_amount = relief_currency = None
    body = _masked(explanation, _("explanation"), required=complaint.responded_at is None)
    old = _move(complaint, "closed")
    _acknowledge_with(complaint, now)
    _end_awaiting(complaint, now)
    if complaint.paused_since is not None:  # an outside appraisal still running
        end_pause(complaint, now)
    complaint.first_responded_at = complaint.first_responded_at or now
    complaint.responded_at = complaint.responded_at or now
    complaint.closed_at = now
    complaint.outcome = outcome
    complaint.relief_amount = relief_amount
    complaint.relief_currency = relief_currency
    if body:
        complaint.response_text = body
    record_event(complaint, "closed", actor_type="staff", actor=actor, public=True, body=body,
                 data={"from": old, "to": "closed", "outcome": outcome,
                       "relief_amount": str(relief_amount) if relief_amount is not None else None,
                       "relief_currency": relief_currency})
    refresh_deadlines(complaint, now)


def mark_duplicate(complaint: Complaint, actor: StaffUser, original: Complaint | None,
                   now: dt.datetime | None = None) -> None:
    now = now or utcnow()
    if original is None:
        raise CaseActionError(_("No complaint has that reference."))
    if original.id == complaint.id:
        raise CaseActionError(_("A complaint cannot be a duplicate of itself."))
    if original.duplicate_of_id == complaint.id:
        raise CaseActionError(_("That complaint is already marked as a duplicate of this one."))
    old = _move(complaint, "closed")
    _end_awaiting(complaint, now)
    if complaint.paused_since is not None:
        end_pause(complaint, now)
    complaint.closed_at = now
    complaint.outcome = DUPLICATE
    complaint.duplicate_of_id = original.id
    record_event(complaint, "marked_duplicate", actor_type="staff", actor=actor, public=True,
                 data={"from": old, "to": "closed", "duplicate_of": original.reference})
    refresh_deadlines(complaint, now)


def reopen_on_dispute(complaint: Complaint, reason: str, now: dt.datetime | None = None) -> None:
    """The cardholder disputes the outcome within the review window: reopen for review.

    ``reason`` is the cardholder's own words (masked here). A new review
    deadline starts (see portal.cases.clock.review_due).
    """
    now = now or utcnow()
    decided_at = complaint.closed_at or complaint.responded_at
    if complaint.status not in ("responded", "closed") or decided_at is None:
        raise DisputeRefused(_("This complaint has no outcome to dispute yet."))
    if complaint.outcome == DUPLICATE:
        raise DisputeRefused(_("This complaint was closed as a duplicate; follow the original complaint instead."))
    if now > review_window_ends(complaint.jurisdiction, decided_at):
        raise DisputeRefused(
            _("The time to dispute this outcome has passed (%(days)d days after the decision).",
              days=load_profile(complaint.jurisdiction).deadlines.review_window_days)
        )
    body = _masked(reason, _("reason"))
    old = _move(complaint, "reopened")
    complaint.closed_at = None
    record_event(complaint, "reopened", actor_type="cardholder", public=True, body=body,
                 data={"from": old, "to": complaint.status, "outcome": complaint.outcome})
    refresh_deadlines(complaint, now)


def set_complexity(complaint: Complaint, actor: StaffUser, level: str, *, may_approve: bool,
                   note: str | None = None, now: dt.datetime | None = None) -> None:
    """Mark complex / especially complex where the profile has longer final deadlines (cn-nfra).

    Especially complex needs a supervisor's approval (``may_approve``), which is
    recorded; the cardholder is told by a public event.
    """
    now = now or utcnow()
    profile = load_profile(complaint.jurisdiction)
    levels = ("standard", *profile.deadlines.final_extended.keys())
    if len(levels) == 1:
        raise CaseActionError(_("This jurisdiction has no longer deadlines for complex complaints."))
    if level not in levels:
        raise CaseActionError(_("Choose a complexity level."))
    if complaint.status == "closed":
        raise CaseActionError(_("A closed complaint's deadlines cannot change."))
    if level == (complaint.complexity or "standard"):
        raise CaseActionError(_("The complaint is already marked that way."))
    extended = profile.deadlines.final_extended.get(level)
    needs_approval = extended is not None and extended.approval_required
    if needs_approval and not may_approve:
        raise CaseActionError(_("Only a supervisor can approve an especially complex extension."))
    old = complaint.complexity or "standard"
    complaint.complexity = level
    complaint.extension_approved_by_id = actor.id if needs_approval else None
    deadlines = refresh_deadlines(complaint, now)
    record_event(complaint, "complexity_changed", actor_type="staff", actor=actor, public=True,
                 body=_masked(note, _("note"), required=False),
                 data={"from": old, "to": level, "approved_by": actor.id if needs_approval else None,
                       "final_due": deadlines.final.due.isoformat()})


def start_appraisal(complaint: Complaint, actor: StaffUser, now: dt.datetime | None = None) -> None:
    """Outside appraisal (cn-nfra): the time it takes does not count."""
    now = now or utcnow()
    if not pause_counts(complaint, "outside_appraisal"):
        raise CaseActionError(_("This jurisdiction does not pause the clock for an outside appraisal."))
    if complaint.status == "closed":
        raise CaseActionError(_("The complaint is closed."))
    if complaint.paused_since is not None:
        raise CaseActionError(_("The clock is already paused."))
    start_pause(complaint, "outside_appraisal", now)
    record_event(complaint, "appraisal_started", actor_type="staff", actor=actor, public=True)
    refresh_deadlines(complaint, now)


def end_appraisal(complaint: Complaint, actor: StaffUser, now: dt.datetime | None = None) -> None:
    now = now or utcnow()
    if complaint.paused_since is None or complaint.pause_kind != "outside_appraisal":
        raise CaseActionError(_("No outside appraisal is under way."))
    pause = end_pause(complaint, now)
    record_event(complaint, "appraisal_ended", actor_type="staff", actor=actor, public=True, data={"pause": pause})
    refresh_deadlines(complaint, now)
