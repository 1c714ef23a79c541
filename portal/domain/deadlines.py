"""Complaint deadlines: computed from the receipt, never typed.

SPEC section 4, "Deadline arithmetic". Three deadlines per complaint:

- acknowledgement: by urgency (SPEC section 3): critical the same business
  day, high 1 business day, normal and low 2 business days;
- first response: the earlier of the profile default and the urgency target
  (critical 1 business day, high 3 business days; normal and low have none,
  so the profile default applies). Urgency only ever shortens it;
- final: the profile's final period; where the profile has
  ``[deadlines.final_extended]`` (cn-nfra) a complaint marked ``complex`` or
  ``especially_complex`` gets the longer period. A level with
  ``approval_required`` (especially complex) needs ``extension_approved``;
  without it the complex period applies, because the extension is not valid
  until approved.

Counting, in the profile's time zone, from the local date of receipt:
"N calendar days" is that date plus N; "N business days" is the N-th business
day after it (the date itself not counted); "same business day" is that date
if a business day, else the next one. Each deadline is the end of its due date,
23:59:59 local time.

Urgency ``None`` means the complaint is not routed yet: it is treated as
``normal`` (the slowest acknowledgement of section 3 that still applies to
every complaint; routing later recomputes with the real level).

Pauses: ``Pause(kind, start, end)`` intervals (``end=None`` while still
going on; ``now`` then says how long it has lasted so far). Only pauses of
the kinds the profile lists in ``deadlines.pauses`` count; the others are
ignored. Overlapping pauses are merged first. Then, in order, each pause moves
every deadline that is still open at its start (not yet met and not yet
passed) later by the paused time rounded up to whole days (calendar days, per
pause). A deadline met, or already overdue, when a pause starts stays where it
was.

API::

    deadlines_for(profile, received_at, urgency, *, complexity="standard",
                  extension_approved=False, pauses=(), satisfied=None,
                  now=None) -> Deadlines
        profile: Profile or profile id; received_at: aware datetime;
        urgency: "critical" | "high" | "normal" | "low" | None;
        satisfied: {"acknowledgement" | "first_response" | "final": aware datetime met}
    Deadlines(.profile_id, .received_at, .urgency, .complexity,
              .acknowledgement, .first_response, .final)
        iter(deadlines) -> the three Deadline objects in order
        .as_dict() -> {"acknowledgement": iso, "first_response": iso, "final": iso}
        .needing_attention(now, business_days=2) -> list[Deadline]
            (not met and overdue, or due by the end of the n-th business day after today)
    Deadline(.name, .due, .base_due, .basis, .paused_days, .met_at, .paused)
        .time_left(now) -> TimeLeft(.state, .seconds, .describe())
            state: "met" | "met_late" | "open" | "paused" | "overdue"
    review_window_ends(profile, decided_at) -> datetime
        end of the last day on which the cardholder may dispute the decision
    Pause(kind, start, end=None); DeadlineError(ValueError)
    URGENCY_LEVELS, DEADLINE_NAMES, ACKNOWLEDGEMENT_TARGETS, FIRST_RESPONSE_TARGETS

All datetimes returned are aware and in the profile's time zone. Calendar
errors (CalendarDataMissing, a ValueError) pass through unchanged.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Literal

from portal.domain.calendars import BusinessCalendar, calendar_for
from portal.domain.profiles import COMPLEXITIES, PAUSE_KINDS, Period, Profile, load_profile

URGENCY_LEVELS = ("critical", "high", "normal", "low")
UNROUTED_URGENCY = "normal"
DEADLINE_NAMES = ("acknowledgement", "first_response", "final")

# SPEC section 3, the same for every profile.
ACKNOWLEDGEMENT_TARGETS: Mapping[str, Period] = {
    "critical": Period("same_business_day", 0),
    "high": Period("business_days", 1),
    "normal": Period("business_days", 2),
    "low": Period("business_days", 2),
}
FIRST_RESPONSE_TARGETS: Mapping[str, Period | None] = {
    "critical": Period("business_days", 1),
    "high": Period("business_days", 3),
    "normal": None,  # the profile default
    "low": None,
}

END_OF_DAY = dt.time(23, 59, 59)
_DAY = dt.timedelta(days=1)


class DeadlineError(ValueError):
    """Input the deadline engine cannot work with; the message says why."""


@dataclass(frozen=True)
class Pause:
    """A stretch of time the clock stops: awaiting the cardholder, outside appraisal."""

    kind: str
    start: dt.datetime
    end: dt.datetime | None = None


TimeState = Literal["met", "met_late", "open", "paused", "overdue"]


@dataclass(frozen=True)
class TimeLeft:
    state: TimeState
    # open/paused: seconds until due; overdue: seconds since due;
    # met_late: how late it was met; met: 0.
    seconds: int

    def describe(self) -> str:
        span = _span(self.seconds)
        return {
            "met": "met",
            "met_late": f"met {span} late",
            "open": f"{span} left",
            "paused": f"paused, {span} left",
            "overdue": f"overdue by {span}",
        }[self.state]


@dataclass(frozen=True)
class Deadline:
    name: str
    due: dt.datetime  # after pauses
    base_due: dt.datetime  # before pauses
    basis: str  # how it was reached, e.g. "2 business days (normal urgency)"
    paused_days: int = 0
    met_at: dt.datetime | None = None
    paused: bool = False  # an ongoing pause is holding it

    def time_left(self, now: dt.datetime) -> TimeLeft:
        # Differences are taken in UTC: Python subtracts two datetimes of the
        # same zone by wall-clock time, which is an hour off across a DST change.
        now = _utc(_aware(now, "now"))
        due = _utc(self.due)
        if self.met_at is not None:
            late = (_utc(self.met_at) - due).total_seconds()
            return TimeLeft("met_late", math.ceil(late)) if late > 0 else TimeLeft("met", 0)
        delta = (due - now).total_seconds()
        if delta < 0:
            return TimeLeft("overdue", math.ceil(-delta))
        return TimeLeft("paused" if self.paused else "open", int(delta))


@dataclass(frozen=True)
class Deadlines:
    profile_id: str
    received_at: dt.datetime  # in the profile's time zone
    urgency: str
    complexity: str
    acknowledgement: Deadline
    first_response: Deadline
    final: Deadline
    calendar: BusinessCalendar = field(repr=False, compare=False)

    def __iter__(self) -> Iterator[Deadline]:
        return iter((self.acknowledgement, self.first_response, self.final))

    def as_dict(self) -> dict[str, str]:
        return {d.name: d.due.isoformat() for d in self}

    def needing_attention(self, now: dt.datetime, business_days: int = 2) -> list[Deadline]:
        """Deadlines not met that are overdue or due within ``business_days``.

        "Within" means by the end of the n-th business day after today
        (today read in the profile's time zone).
        """
        now = _aware(now, "now")
        tz = self.received_at.tzinfo
        horizon_date = self.calendar.add_business_days(now.astimezone(tz).date(), business_days)
        horizon = dt.datetime.combine(horizon_date, END_OF_DAY, tzinfo=tz)
        return [d for d in self if d.met_at is None and _utc(d.due) <= _utc(horizon)]


def deadlines_for(
    profile: Profile | str,
    received_at: dt.datetime,
    urgency: str | None,
    *,
    complexity: str = "standard",
    extension_approved: bool = False,
    pauses: Iterable[Pause | tuple] = (),
    satisfied: Mapping[str, dt.datetime | None] | None = None,
    now: dt.datetime | None = None,
) -> Deadlines:
    """The three deadlines of a complaint (see the module docstring)."""
    if isinstance(profile, str):
        profile = load_profile(profile)
    tz = profile.timezone
    received = _aware(received_at, "received_at").astimezone(tz)
    level = UNROUTED_URGENCY if urgency is None else urgency
    if level not in URGENCY_LEVELS:
        raise DeadlineError(f"Unknown urgency {urgency!r}; expected one of {', '.join(URGENCY_LEVELS)}")
    calendar = calendar_for(profile)
    day = received.date()
    policy = profile.deadlines

    # Acknowledgement: by urgency.
    ack_period = ACKNOWLEDGEMENT_TARGETS[level]
    ack = (_due_date(calendar, day, ack_period), f"{ack_period.describe()} ({level} urgency)")

    # First response: the earlier of the profile default and the urgency target.
    default = policy.first_response
    default_date = _due_date(calendar, day, default)
    first = (default_date, f"{default.describe()} (profile default)")
    target = FIRST_RESPONSE_TARGETS[level]
    if target is not None:
        target_date = _due_date(calendar, day, target)
        if target_date < default_date:
            first = (target_date, f"{target.describe()} ({level} urgency; earlier than the default "
                                  f"{default.describe()})")

    # Final: per profile, longer for complex complaints where the profile allows.
    final_period, final_basis = _final_period(profile, complexity, extension_approved)
    final = (_due_date(calendar, day, final_period), final_basis)

    base = {
        "acknowledgement": ack,
        "first_response": first,
        "final": final,
    }
    met = _satisfied(satisfied or {})
    due = {name: _end_of(d, tz) for name, (d, _) in base.items()}
    paused_days = dict.fromkeys(DEADLINE_NAMES, 0)
    held = dict.fromkeys(DEADLINE_NAMES, False)

    for start, end, ongoing in _effective_pauses(profile, received, pauses, now):
        days = math.ceil((end - start) / _DAY)
        for name in DEADLINE_NAMES:
            if met[name] is not None and met[name] <= start:
                continue  # met before the pause
            if _utc(due[name]) <= start:
                continue  # already overdue when the pause began
            if ongoing:
                held[name] = True
            if days:
                due[name] = _end_of(due[name].date() + dt.timedelta(days=days), tz)
                paused_days[name] += days

    made = {}
    for name, (d, basis) in base.items():
        if paused_days[name]:
            basis += f", +{paused_days[name]} paused day{'s' if paused_days[name] != 1 else ''}"
        made[name] = Deadline(
            name=name,
            due=due[name],
            base_due=_end_of(d, tz),
            basis=basis,
            paused_days=paused_days[name],
            met_at=met[name].astimezone(tz) if met[name] is not None else None,
            paused=held[name] and met[name] is None,
        )
    return Deadlines(
        profile_id=profile.id,
        received_at=received,
        urgency=level,
        complexity=complexity,
        calendar=calendar,
        **made,
    )


def review_window_ends(profile: Profile | str, decided_at: dt.datetime) -> dt.datetime:
    """End of the last day on which the cardholder may dispute a decision.

    The decision date (local) plus the profile's ``review_window_days``, at 23:59:59.
    """
    if isinstance(profile, str):
        profile = load_profile(profile)
    decided = _aware(decided_at, "decided_at").astimezone(profile.timezone)
    return _end_of(decided.date() + dt.timedelta(days=profile.deadlines.review_window_days), profile.timezone)


# -- helpers ---------------------------------------------------------------------


def _due_date(calendar: BusinessCalendar, day: dt.date, period: Period) -> dt.date:
    if period.unit == "calendar_days":
        return day + dt.timedelta(days=period.count)
    if period.unit == "business_days":
        return calendar.add_business_days(day, period.count)
    return calendar.same_business_day(day)


def _final_period(profile: Profile, complexity: str, approved: bool) -> tuple[Period, str]:
    policy = profile.deadlines
    if complexity not in COMPLEXITIES:
        raise DeadlineError(f"Unknown complexity {complexity!r}; expected one of {', '.join(COMPLEXITIES)}")
    if complexity == "standard":
        return policy.final, policy.final.describe()
    extended = policy.final_extended.get(complexity)
    if extended is None:
        raise DeadlineError(f"Profile {profile.id} has no longer final deadline for {complexity} complaints")
    if extended.approval_required and not approved:
        # The extension is not valid without the approval: fall back to the
        # next level down.
        fallback = policy.final_extended.get("complex")
        if fallback is not None and not fallback.approval_required and complexity != "complex":
            return fallback.period, f"{fallback.period.describe()} (complex; {complexity.replace('_', ' ')} extension not approved)"
        return policy.final, f"{policy.final.describe()} ({complexity.replace('_', ' ')} extension not approved)"
    return extended.period, f"{extended.period.describe()} ({complexity.replace('_', ' ')}{', approved' if extended.approval_required else ''})"


def _effective_pauses(
    profile: Profile,
    received: dt.datetime,
    pauses: Iterable[Pause | tuple],
    now: dt.datetime | None,
) -> list[tuple[dt.datetime, dt.datetime, bool]]:
    """The counted pauses as merged (start, end, ongoing) intervals in UTC, in order."""
    intervals: list[tuple[dt.datetime, dt.datetime, bool]] = []
    for raw in pauses:
        pause = raw if isinstance(raw, Pause) else Pause(*raw)
        if pause.kind not in PAUSE_KINDS:
            raise DeadlineError(f"Unknown pause kind {pause.kind!r}; expected one of {', '.join(PAUSE_KINDS)}")
        start = _utc(_aware(pause.start, "pause start"))
        if start < received:
            raise DeadlineError(f"A pause cannot start ({start.isoformat()}) before the complaint was received")
        if pause.end is None:
            if now is None:
                raise DeadlineError("An ongoing pause (no end) needs `now` to measure it")
            end, ongoing = max(_utc(_aware(now, "now")), start), True
        else:
            end, ongoing = _utc(_aware(pause.end, "pause end")), False
            if end < start:
                raise DeadlineError(f"A pause ends ({end.isoformat()}) before it starts ({start.isoformat()})")
        if pause.kind in profile.deadlines.pauses:
            intervals.append((start, end, ongoing))
    intervals.sort()
    merged: list[tuple[dt.datetime, dt.datetime, bool]] = []
    for start, end, ongoing in intervals:
        if merged and start <= merged[-1][1]:
            m_start, m_end, m_ongoing = merged[-1]
            merged[-1] = (m_start, max(m_end, end), m_ongoing or ongoing)
        else:
            merged.append((start, end, ongoing))
    return merged


def _satisfied(satisfied: Mapping[str, dt.datetime | None]) -> dict[str, dt.datetime | None]:
    unknown = set(satisfied) - set(DEADLINE_NAMES)
    if unknown:
        raise DeadlineError(f"Unknown deadline names {sorted(unknown)}; expected {', '.join(DEADLINE_NAMES)}")
    return {
        name: None if satisfied.get(name) is None else _utc(_aware(satisfied[name], f"{name} met at"))
        for name in DEADLINE_NAMES
    }


def _end_of(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    return dt.datetime.combine(day, END_OF_DAY, tzinfo=tz)


def _aware(value: dt.datetime, what: str) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        raise DeadlineError(f"{what} must be a datetime, not {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise DeadlineError(f"{what} must carry a time zone (got {value.isoformat()})")
    return value


def _utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.timezone.utc)


def _span(seconds: int) -> str:
    """Whole days and hours (minutes under a day), rounded down."""
    if seconds < 60:
        return "less than a minute"
    minutes = seconds // 60
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days} day{'s' if days != 1 else ''}")
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if minutes and not days:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts)
