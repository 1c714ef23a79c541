"""Linking complaints to contact logs: suggestions, decisions, evidence.

``suggest_links`` asks the database only for logs that share the complaint's
account reference or one of its phone numbers inside the incident window
widened by seven days, through the indexes (account_ref, occurred_at) and
(phone_key, occurred_at); at most ``CANDIDATE_CAP`` of them (the latest) are
scored by ``portal.domain.linking``. Only a few columns are read for scoring;
full rows are loaded for the ``limit`` best.

Nothing here commits: the view that calls ``decide_link`` commits.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa

from ..domain.linking import LogFacts, Score, complaint_facts, rank
from ..domain.profiles import ProfileError, load_profile
from ..extensions import db
from ..models import Complaint, ComplaintContactLink, ContactLog, Finding, StaffUser
from ..models.types import utcnow
from ..timeline import record_event

CANDIDATE_CAP = 2000
DECISIONS = ("confirmed", "rejected")
LATE = time(21, 0, 0)
EARLY = time(8, 0, 0)


@dataclass
class Suggestion:
    log: ContactLog
    score: int
    reasons: tuple[str, ...]
    decision: str | None = None  # confirmed | rejected | None


def _profile_zone(complaint: Complaint) -> str:
    try:
        return load_profile(complaint.jurisdiction).timezone.key
    except (ProfileError, AttributeError):
        return "UTC"


def facts_for(complaint: Complaint):
    return complaint_facts(
        account_ref=complaint.account_ref,
        phone_numbers=[*(complaint.contact_numbers or []), complaint.phone],
        incident_start=complaint.incident_start,
        incident_end=complaint.incident_end,
        received_at=complaint.received_at or utcnow(),
        tz_name=_profile_zone(complaint),
        agency=complaint.agency,
        agent_name=complaint.agent_name,
    )


def suggest_links(complaint: Complaint, limit: int = 20) -> list[Suggestion]:
    """Ranked candidate logs for the complaint, each with its score and reasons,
    and the officer's earlier decision on it if any."""
    facts = facts_for(complaint)
    matches = []
    window = ContactLog.occurred_at.between(facts.search.start, facts.search.end)
    account_ref = (complaint.account_ref or "").strip()
    if account_ref:
        matches.append(sa.and_(ContactLog.account_ref == account_ref, window))
    if facts.phone_keys:
        matches.append(sa.and_(ContactLog.phone_key.in_(sorted(facts.phone_keys)), window))
    if not matches:
        return []
    # One round trip for the candidates and the officer's earlier decisions,
    # one for the full rows of the best few.
    decided = sa.and_(
        ComplaintContactLink.contact_log_id == ContactLog.id,
        ComplaintContactLink.complaint_id == complaint.id,
    )
    rows = db.session.execute(
        sa.select(
            ContactLog.id,
            ContactLog.account_ref,
            ContactLog.phone_key,
            ContactLog.occurred_at,
            ContactLog.agency,
            ContactLog.agent_id,
            ComplaintContactLink.status,
        )
        .outerjoin(ComplaintContactLink, decided)
        .where(sa.or_(*matches))
        .order_by(ContactLog.occurred_at.desc())
        .limit(CANDIDATE_CAP)
    ).all()
    decisions = {row.id: row.status for row in rows if row.status}
    ranked = rank(facts, ((row.id, LogFacts(row.account_ref, row.phone_key, row.occurred_at, row.agency,
                                            row.agent_id)) for row in rows), limit)
    if not ranked:
        return []
    ids = [log_id for log_id, _ in ranked]
    logs = {log.id: log for log in db.session.scalars(sa.select(ContactLog).where(ContactLog.id.in_(ids)))}
    return [Suggestion(logs[i], s.value, s.reasons, decisions.get(i)) for i, s in ranked]


def score_for(complaint: Complaint, log: ContactLog) -> Score:
    from ..domain.linking import score_log

    return score_log(facts_for(complaint), LogFacts(log.account_ref, log.phone_key, log.occurred_at,
                                                     log.agency, log.agent_id))


def decide_link(complaint: Complaint, log: ContactLog, decision: str, staff: StaffUser) -> ComplaintContactLink:
    """Confirm or reject one log for the complaint, with a timeline event.

    Deciding again changes the decision (and records that too).
    """
    if decision not in DECISIONS:
        raise ValueError(f"decision must be one of {', '.join(DECISIONS)}")
    link = db.session.scalar(
        sa.select(ComplaintContactLink).where(
            ComplaintContactLink.complaint_id == complaint.id,
            ComplaintContactLink.contact_log_id == log.id,
        )
    )
    score = score_for(complaint, log)
    if link is None:
        link = ComplaintContactLink(complaint_id=complaint.id, contact_log_id=log.id)
        db.session.add(link)
    link.status = decision
    link.score = float(score.value)
    link.reasons = list(score.reasons)
    link.decided_by_id = staff.id
    link.decided_at = utcnow()
    record_event(
        complaint,
        "contact_log_confirmed" if decision == "confirmed" else "contact_log_rejected",
        actor_type="staff",
        public=False,
        actor=staff,
        data={
            "contact_log_id": log.id,
            "source": log.source,
            "external_id": log.external_id,
            "occurred_at": log.occurred_at.isoformat(),
            "score": score.value,
            "reasons": list(score.reasons),
        },
    )
    return link


# --------------------------------------------------------------------------
# Evidence on the case page
# --------------------------------------------------------------------------


@dataclass
class ContactEvidence:
    """The confirmed logs of a complaint and what the audits found in them."""

    logs: list[ContactLog] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    findings_by_log: dict[int, list[Finding]] = field(default_factory=dict)
    findings_by_rule: dict[str, int] = field(default_factory=dict)
    calls: int = 0
    contacts: int = 0
    days: int = 0
    after_late: int = 0  # local time later than 21:00:00
    before_early: int = 0  # local time earlier than 08:00:00
    profile: str | None = None

    @property
    def empty(self) -> bool:
        return not self.logs


def _local(log: ContactLog) -> datetime:
    try:
        return log.occurred_at.astimezone(ZoneInfo(log.consumer_tz))
    except (ZoneInfoNotFoundError, ValueError):
        return log.occurred_at


def contact_evidence_for(complaint: Complaint) -> ContactEvidence:
    """Summary for the case page: "23 calls in 3 days, 4 after 21:00", and
    the findings of the confirmed logs (the complaint's profile first; if that
    profile was never audited, every profile's)."""
    logs = list(
        db.session.scalars(
            sa.select(ContactLog)
            .join(ComplaintContactLink, ComplaintContactLink.contact_log_id == ContactLog.id)
            .where(ComplaintContactLink.complaint_id == complaint.id, ComplaintContactLink.status == "confirmed")
            .order_by(ContactLog.occurred_at, ContactLog.source, ContactLog.external_id)
        )
    )
    evidence = ContactEvidence(logs=logs)
    if not logs:
        return evidence
    outbound = [log for log in logs if log.direction == "outbound"]
    evidence.contacts = len(outbound)
    evidence.calls = sum(1 for log in outbound if log.channel == "call")
    local = [_local(log) for log in outbound]
    if local:
        dates = sorted(moment.date() for moment in local)
        evidence.days = (dates[-1] - dates[0]).days + 1
        evidence.after_late = sum(1 for m in local if m.time().replace(microsecond=0) > LATE)
        evidence.before_early = sum(1 for m in local if m.time() < EARLY)
    ids = [log.id for log in logs]
    query = sa.select(Finding).where(Finding.contact_log_id.in_(ids))
    findings = list(db.session.scalars(query.where(Finding.profile == complaint.jurisdiction)))
    evidence.profile = complaint.jurisdiction
    if not findings:
        findings = list(db.session.scalars(query))
        evidence.profile = None
    findings.sort(key=lambda f: (f.occurred_at, f.rule_id, f.profile))
    evidence.findings = findings
    for finding in findings:
        evidence.findings_by_log.setdefault(finding.contact_log_id, []).append(finding)
    evidence.findings_by_rule = dict(sorted(Counter(f.rule_id for f in findings).items()))
    return evidence


def complaints_for_log(log: ContactLog) -> list[tuple[ComplaintContactLink, Complaint]]:
    """The complaints a log was confirmed or rejected for."""
    rows = db.session.execute(
        sa.select(ComplaintContactLink, Complaint)
        .join(Complaint, Complaint.id == ComplaintContactLink.complaint_id)
        .where(ComplaintContactLink.contact_log_id == log.id)
        .order_by(ComplaintContactLink.decided_at.desc())
    ).all()
    return [(link, complaint) for link, complaint in rows]


def complaints_for_logs(log_ids: list[int]) -> dict[int, list[Complaint]]:
    """Confirmed complaints of several logs at once (the finding page)."""
    if not log_ids:
        return {}
    rows = db.session.execute(
        sa.select(ComplaintContactLink.contact_log_id, Complaint)
        .join(Complaint, Complaint.id == ComplaintContactLink.complaint_id)
        .where(ComplaintContactLink.contact_log_id.in_(log_ids), ComplaintContactLink.status == "confirmed")
        .order_by(Complaint.id)
    ).all()
    found: dict[int, list[Complaint]] = {}
    for log_id, complaint in rows:
        found.setdefault(log_id, []).append(complaint)
    return found


def proposed_for_logs(log_ids: list[int]) -> list[Complaint]:
    """Complaints one of these logs is proposed for, awaiting an officer (the finding page)."""
    if not log_ids:
        return []
    proposed = sa.select(ComplaintContactLink.complaint_id).where(
        ComplaintContactLink.contact_log_id.in_(log_ids), ComplaintContactLink.status == "proposed")
    # IN, not DISTINCT: PostgreSQL cannot compare the complaint's JSON columns.
    return list(db.session.scalars(sa.select(Complaint).where(Complaint.id.in_(proposed)).order_by(Complaint.id)))


# --------------------------------------------------------------------------
# Auditors' proposals, confirmed by officers
# --------------------------------------------------------------------------


class ProposalRefused(ValueError):
    """The proposal cannot be made; the message says why (translated)."""


def propose_link(complaint: Complaint, log: ContactLog, staff: StaffUser, note: str | None = None,
                 finding: Finding | None = None) -> ComplaintContactLink:
    """An auditor proposes a log (or a finding's offending log) as evidence on a complaint.

    An officer then confirms or rejects it (``decide_link``). A log already
    confirmed, or already proposed, for the complaint is refused; one an
    officer rejected may be proposed again (with a note saying why). A
    closed complaint is refused too: no officer works it any more, and only
    the cardholder's dispute reopens it (SPEC section 1).
    """
    from flask_babel import gettext as _

    from classifiers.redaction import mask_sensitive

    link = db.session.scalar(
        sa.select(ComplaintContactLink).where(
            ComplaintContactLink.complaint_id == complaint.id,
            ComplaintContactLink.contact_log_id == log.id,
        )
    )
    if complaint.status == "closed":
        raise ProposalRefused(_("%(reference)s is closed, so no officer would confirm the link; nothing was "
                                "proposed. If the cardholder disputes the response the complaint reopens, and "
                                "the log can be proposed then.", reference=complaint.reference))
    if link is not None and link.status == "confirmed":
        raise ProposalRefused(_("Contact log %(id)s is already evidence on %(reference)s.",
                                id=log.external_id, reference=complaint.reference))
    if link is not None and link.status == "proposed":
        raise ProposalRefused(_("Contact log %(id)s is already proposed for %(reference)s.",
                                id=log.external_id, reference=complaint.reference))
    score = score_for(complaint, log)
    if link is None:
        link = ComplaintContactLink(complaint_id=complaint.id, contact_log_id=log.id)
        db.session.add(link)
    masked_note = mask_sensitive(note.strip()).text if note and note.strip() else None
    now = utcnow()
    link.status = "proposed"
    link.score = float(score.value)
    link.reasons = list(score.reasons)
    link.proposed_by_id = staff.id
    link.proposed_at = now
    link.proposal_note = masked_note
    link.finding_id = finding.id if finding is not None else None
    link.decided_by_id = None
    link.decided_at = now
    record_event(
        complaint,
        "contact_log_proposed",
        actor_type="staff",
        public=False,
        actor=staff,
        body=masked_note,
        data={
            "contact_log_id": log.id,
            "source": log.source,
            "external_id": log.external_id,
            "finding_id": finding.id if finding is not None else None,
            "rule_id": finding.rule_id if finding is not None else None,
        },
    )
    return link


@dataclass
class Proposal:
    link: ComplaintContactLink
    complaint: Complaint
    log: ContactLog


def proposals(*, complaint_ids: list[int] | None = None, limit: int = 200) -> list[Proposal]:
    """Links auditors proposed that no officer has decided, oldest first."""
    query = (
        sa.select(ComplaintContactLink, Complaint, ContactLog)
        .join(Complaint, Complaint.id == ComplaintContactLink.complaint_id)
        .join(ContactLog, ContactLog.id == ComplaintContactLink.contact_log_id)
        .where(ComplaintContactLink.status == "proposed")
        .order_by(ComplaintContactLink.proposed_at, ComplaintContactLink.id)
        .limit(limit)
    )
    if complaint_ids is not None:
        query = query.where(ComplaintContactLink.complaint_id.in_(complaint_ids))
    return [Proposal(link, complaint, log) for link, complaint, log in db.session.execute(query)]


def proposal_count() -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(ComplaintContactLink).where(ComplaintContactLink.status == "proposed")
    ) or 0
