"""A complaint's deadlines: computed by the deadline engine, stored, shown.

The engine (portal.domain.deadlines) is pure; this module feeds it what a
stored complaint says and writes the answer back, so the queue can sort and
filter on plain columns.

What the complaint says, and how it is read:

- received: ``received_at``; profile: ``jurisdiction``; urgency: ``urgency``
  (None until routed: the engine treats it as normal);
- complexity and approval: ``complexity`` and ``extension_approved_by_id``
  (cn-nfra: especially complex counts only once a supervisor approved it);
- pauses: the closed ones in ``pauses`` (``[{"kind", "start", "end"}]``,
  ISO 8601 UTC) plus the one going on (``paused_since``/``pause_kind``);
- met: acknowledgement by ``acknowledged_at`` (or any later step that
  answered the cardholder), first response by ``first_responded_at`` (or the
  final response), final by ``responded_at`` or ``closed_at``;
- after a reopening (a ``reopened`` event, the cardholder disputed the
  outcome), a fourth deadline: the review, due one final period after the
  dispute, met by the next final response or closing.

API::

    refresh_deadlines(complaint, now=None) -> Deadlines
        stores ack_due_at, first_response_due_at, final_due_at, next_due_at
        (the nearest deadline not met, overdue ones included; None when closed)
    deadline_items(complaint, now=None) -> list[DeadlineItem]
        for display (staff case page, cardholder tracking page); translated
    deadlines_of(complaint, now=None) -> Deadlines     (nothing stored)
    review_due(complaint, now=None) -> ReviewDeadline | None
    start_pause(complaint, kind, now=None) / end_pause(complaint, now=None)
        record a pause of the clock on the complaint (does not refresh)
    pause_counts(complaint, kind) -> bool   does the complaint's profile pause for it
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..domain.calendars import calendar_for
from ..domain.deadlines import Deadline, Deadlines, Pause, TimeLeft, deadlines_for
from ..domain.profiles import load_profile
from ..models import Complaint
from ..models.types import utcnow

# Event kinds that complete a stage (written by portal.cases.actions).
REOPENED = "reopened"
FINAL_KINDS = ("final_response", "closed", "marked_duplicate")


@dataclass(frozen=True)
class ReviewDeadline:
    """The review of a disputed outcome (after a reopening)."""

    name: str
    due: dt.datetime
    met_at: dt.datetime | None
    basis: str

    def time_left(self, now: dt.datetime) -> TimeLeft:
        return Deadline(self.name, self.due, self.due, self.basis, met_at=self.met_at).time_left(now)


@dataclass(frozen=True)
class DeadlineItem:
    """One deadline as shown to a person (see templates/_macros.html deadline_list)."""

    name: str  # acknowledgement | first_response | final | review
    label: str
    due: dt.datetime  # aware, in the profile's time zone
    due_text: str
    status: str  # met | open | overdue
    relative: str  # "2 days 3 hours left", "overdue by 5 hours", "met"
    basis: str
    paused: bool
    # Counted over a year whose working-day arrangement is not yet published
    # (mainland China announces next year's swapped working days late in the
    # year): the date may still move by a day.
    provisional: bool = False


def _parse(value: str) -> dt.datetime:
    parsed = dt.datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.timezone.utc)
    return parsed


def pauses_of(complaint: Complaint) -> list[Pause]:
    pauses = [Pause(p["kind"], _parse(p["start"]), _parse(p["end"])) for p in (complaint.pauses or [])]
    if complaint.paused_since is not None:
        pauses.append(Pause(complaint.pause_kind or "awaiting_cardholder", complaint.paused_since, None))
    return pauses


def pause_counts(complaint: Complaint, kind: str) -> bool:
    return kind in load_profile(complaint.jurisdiction).deadlines.pauses


def start_pause(complaint: Complaint, kind: str, now: dt.datetime | None = None) -> None:
    """Stop the clock (only call when ``pause_counts``); a running pause is kept."""
    if complaint.paused_since is None:
        complaint.paused_since = now or utcnow()
        complaint.pause_kind = kind


def end_pause(complaint: Complaint, now: dt.datetime | None = None) -> dict | None:
    """Restart the clock; the finished pause is appended to ``pauses`` and returned."""
    if complaint.paused_since is None:
        return None
    now = now or utcnow()
    finished = {
        "kind": complaint.pause_kind or "awaiting_cardholder",
        "start": complaint.paused_since.astimezone(dt.timezone.utc).isoformat(),
        "end": max(now, complaint.paused_since).astimezone(dt.timezone.utc).isoformat(),
    }
    # A new list, so SQLAlchemy sees the JSON column change.
    complaint.pauses = [*(complaint.pauses or []), finished]
    complaint.paused_since = None
    complaint.pause_kind = None
    return finished


def _earliest(*values: dt.datetime | None) -> dt.datetime | None:
    present = [v for v in values if v is not None]
    return min(present) if present else None


def _satisfied(complaint: Complaint) -> dict[str, dt.datetime | None]:
    final = _earliest(complaint.responded_at, complaint.closed_at)
    first = _earliest(complaint.first_responded_at, final)
    ack = _earliest(complaint.acknowledged_at, first)
    return {"acknowledgement": ack, "first_response": first, "final": final}


def deadlines_of(complaint: Complaint, now: dt.datetime | None = None) -> Deadlines:
    """The engine's answer for this complaint as it stands (nothing stored)."""
    now = now or utcnow()
    return deadlines_for(
        complaint.jurisdiction,
        complaint.received_at or now,
        complaint.urgency,
        complexity=complaint.complexity or "standard",
        extension_approved=complaint.extension_approved_by_id is not None,
        pauses=pauses_of(complaint),
        satisfied=_satisfied(complaint),
        now=now,
    )


def review_due(complaint: Complaint, now: dt.datetime | None = None) -> ReviewDeadline | None:
    """The review deadline after the latest reopening, or None if never reopened."""
    reopened_at = None
    met_at = None
    for event in complaint.events:
        if event.kind == REOPENED:
            reopened_at, met_at = event.occurred_at, None
        elif reopened_at is not None and met_at is None and event.kind in FINAL_KINDS:
            met_at = event.occurred_at
    if reopened_at is None:
        return None
    now = now or utcnow()
    later_pauses = [p for p in pauses_of(complaint) if p.start >= reopened_at]
    review = deadlines_for(
        complaint.jurisdiction,
        reopened_at,
        complaint.urgency,
        complexity=complaint.complexity or "standard",
        extension_approved=complaint.extension_approved_by_id is not None,
        pauses=later_pauses,
        satisfied={"final": met_at},
        now=now,
    ).final
    return ReviewDeadline("review", review.due, review.met_at, review.basis)


def refresh_deadlines(complaint: Complaint, now: dt.datetime | None = None) -> Deadlines:
    """Recompute and store the complaint's deadlines; returns the engine's answer.

    Call it after every change that moves a deadline: routing (urgency),
    reclassification, acknowledgement, responses, pauses, complexity,
    closing and reopening. Nothing is committed.
    """
    now = now or utcnow()
    if complaint.received_at is None:
        complaint.received_at = now
    deadlines = deadlines_of(complaint, now)
    utc = dt.timezone.utc
    complaint.ack_due_at = deadlines.acknowledgement.due.astimezone(utc)
    complaint.first_response_due_at = deadlines.first_response.due.astimezone(utc)
    complaint.final_due_at = deadlines.final.due.astimezone(utc)
    if complaint.status == "closed":
        complaint.next_due_at = None
    else:
        open_dues = [d.due for d in deadlines if d.met_at is None]
        review = review_due(complaint, now)
        if review is not None and review.met_at is None:
            open_dues.append(review.due)
        complaint.next_due_at = min(open_dues).astimezone(utc) if open_dues else None
    return deadlines


# -- display ------------------------------------------------------------------


def _labels() -> dict[str, str]:
    from flask_babel import gettext as _

    return {
        "acknowledgement": _("Acknowledgement"),
        "first_response": _("First response"),
        "final": _("Final response"),
        "review": _("Review of the disputed outcome"),
    }


def describe_span(seconds: int, ngettext=None) -> str:
    """'2 days 3 hours', '45 minutes' in the current language.

    ``ngettext`` may be given by a caller describing many spans at once (the
    queue) that looked the request's translations up once.
    """
    if ngettext is None:
        from flask_babel import ngettext

    minutes = -(-seconds // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = []
    if days:
        parts.append(ngettext("%(num)d day", "%(num)d days", days))
    if hours:
        parts.append(ngettext("%(num)d hour", "%(num)d hours", hours))
    if minutes and not days:
        parts.append(ngettext("%(num)d minute", "%(num)d minutes", minutes))
    if not parts:
        parts.append(ngettext("%(num)d minute", "%(num)d minutes", 0))
    return " ".join(parts)


def describe_time_left(left: TimeLeft) -> tuple[str, str]:
    """(status for styling: met | open | overdue, human text) in the current language."""
    from flask_babel import gettext as _

    span = describe_span(left.seconds)
    if left.state == "met":
        return "met", _("met")
    if left.state == "met_late":
        return "met", _("met, %(span)s late", span=span)
    if left.state == "paused":
        return "open", _("clock paused, %(span)s left", span=span)
    if left.state == "overdue":
        return "overdue", _("overdue by %(span)s", span=span)
    return "open", _("%(span)s left", span=span)


def profile_zone(jurisdiction: str):
    """The zone a jurisdiction's deadlines read in (UTC for an unknown profile)."""
    from ..domain.profiles import ProfileError

    try:
        return load_profile(jurisdiction).timezone
    except ProfileError:
        return dt.timezone.utc


def format_due(due: dt.datetime) -> str:
    """The due instant in its own (the profile's) time zone, in the current language."""
    from ..i18n import format_instant

    return format_instant(due, due.tzinfo)


def deadline_items(complaint: Complaint, now: dt.datetime | None = None) -> list[DeadlineItem]:
    """Each deadline on its own with time left or overdue (SPEC section 4)."""
    now = now or utcnow()
    labels = _labels()
    items = []
    deadlines = deadlines_of(complaint, now)
    entries: list[tuple[str, dt.datetime, TimeLeft, str, bool]] = [
        (d.name, d.due, d.time_left(now), d.basis, d.paused) for d in deadlines
    ]
    review = review_due(complaint, now)
    if review is not None:
        entries.append((review.name, review.due, review.time_left(now), review.basis, False))
    provisional_years = calendar_for(load_profile(complaint.jurisdiction)).provisional_years
    start_year = (complaint.received_at or now).year
    for name, due, left, basis, paused in entries:
        provisional = any(year in provisional_years for year in range(start_year, due.year + 1))
        status, relative = describe_time_left(left)
        if complaint.status == "closed" and status != "met":
            status, relative = "met", labels_closed()
        items.append(
            DeadlineItem(
                name=name,
                label=labels[name],
                due=due,
                due_text=format_due(due),
                status=status,
                relative=relative,
                basis=basis,
                paused=paused,
                provisional=provisional and status != "met",
            )
        )
    return items


def labels_closed() -> str:
    from flask_babel import gettext as _

    return _("closed")
