"""Conduct rules for collection contact logs (SPEC section 5).

Pure: no Flask, no database. The database layer streams contact logs ordered
by ``(agency, account_ref, occurred_at, source, external_id)``; the engine
works one ``(agency, account_ref)`` group at a time, so memory stays flat
whatever the number of logs.

    rule_set = RuleSet.from_profile(profile.rules)       # once per audit
    for finding in audit(records, rule_set, language_scanner=scan):
        ...

API::

    ContactRecord(source, external_id, agency, agent_id, account_ref, occurred_at,
                  consumer_tz, channel, direction, outcome, duration_s, counterparty,
                  contact_point, notes, disposition, log_id=None)   # frozen
    RuleSet.from_profile(tables) -> RuleSet        # RuleConfigError if bad
    audit_group(records, rules, *, language_scanner=None) -> list[FindingRecord]
    audit(records, rules, *, language_scanner=None) -> Iterator[FindingRecord]
    language_findings(record, scan, citation=...) -> list[FindingRecord]  # LANG-ABUSE
    FindingRecord(rule_id, citation, offending: LogRef, account_ref, agency, agent_id,
                  occurred_at, related: tuple[LogRef, ...], window_start, window_end,
                  explanation_en, explanation_zh, evidence: tuple[Evidence, ...])
    LogRef(source, external_id, log_id)

Every rule reads its thresholds from the profile's ``[rules.<ID>]`` table;
nothing here hard-codes 7, 08:00 or 22:00. A profile's rule set is the rule
ids present in its ``[rules]`` tables. ``LANG-ABUSE`` is profile-independent
and needs the classifier's phrase scanner, which the caller passes in (this
module never imports ``classifiers``).

Readings of the rule table that every rule follows:

* "local" is the log's instant read in its own ``consumer_tz``, fractions of
  a second dropped; a "day" is a local calendar date, so "D-6...D" spans 167
  or 169 hours across a daylight-saving change;
* "after"/"before" are strictly later/earlier instants; "the 8th", "the
  first" and "the last 3" order logs by (instant, source, external_id);
* an *attempt* is an outbound call whose outcome is not busy or failed; a
  *conversation* is a connected call with the debtor in either direction;
  a *contact* is any outbound log of any channel.
"""
from __future__ import annotations

import itertools
import operator
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# --------------------------------------------------------------------------
# Vocabulary (SPEC section 5)
# --------------------------------------------------------------------------

CHANNELS = ("call", "sms", "email", "letter", "visit", "app")
DIRECTIONS = ("outbound", "inbound")
OUTCOMES = ("connected", "no_answer", "voicemail", "busy", "failed", "sent", "delivered")
COUNTERPARTIES = ("debtor", "family", "employer", "third_party", "attorney", "unknown")
DISPOSITIONS = (
    "cease_request",
    "stop_channel",
    "no_work_contact",
    "attorney_represented",
    "dispute",
    "promise_to_pay",
    "wrong_party",
)

THIRD_PARTIES = frozenset({"family", "employer", "third_party"})
# Calls that never reached the number are not attempts (Reg F comment 14(b)(3)).
NOT_ATTEMPT_OUTCOMES = frozenset({"busy", "failed"})
# CN-3P: the outcomes that count as "failed to connect"; anything else,
# a voicemail included, breaks the run of failures.
FAILED_TO_CONNECT = frozenset({"no_answer", "busy", "failed"})
# US-TIME and US-CEASE name these channels; letters and app messages are not
# covered by them.
US_CONTACT_CHANNELS = frozenset({"call", "sms", "email", "visit"})

LANG_ABUSE = "LANG-ABUSE"
LANG_ABUSE_CITATION = (
    "Abusive or threatening language in a collection contact "
    "(12 CFR 1006.14(d); FCA CONC 7.3.4R; CBA credit-card collection guideline 2026)"
)

_UTC = timezone.utc
_DAY = timedelta(days=1)


# --------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ContactRecord:
    """One contact log as the rules see it.

    ``occurred_at`` is an aware datetime (UTC by convention); ``log_id`` is
    opaque to the rules, the database layer fills it with the row's id.
    Optional fields are ``None`` when empty, never ``""``.
    """

    source: str
    external_id: str
    agency: str
    agent_id: str | None
    account_ref: str
    occurred_at: datetime
    consumer_tz: str
    channel: str
    direction: str
    outcome: str
    duration_s: int | None
    counterparty: str
    contact_point: str | None
    notes: str | None
    disposition: str | None
    log_id: Any = None

    def __post_init__(self) -> None:
        if self.occurred_at.tzinfo is None or self.occurred_at.utcoffset() is None:
            raise ValueError(
                f"contact log {self.source}/{self.external_id}: occurred_at must be "
                "an aware datetime"
            )

    @property
    def ref(self) -> LogRef:
        return LogRef(self.source, self.external_id, self.log_id)


@dataclass(frozen=True, slots=True)
class LogRef:
    """Names one contact log: its natural key plus the database id if known."""

    source: str
    external_id: str
    log_id: Any = None


@dataclass(frozen=True, slots=True)
class Evidence:
    """Matched text in a log's notes (LANG-ABUSE)."""

    label: str
    text: str
    start: int | None = None
    end: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"label": self.label, "text": self.text, "start": self.start, "end": self.end}


@dataclass(frozen=True, slots=True)
class FindingRecord:
    """One breach: exactly one offending log plus the logs that made it one.

    ``related`` is bounded and deterministic (ordered by instant, source,
    external_id). ``window_start``/``window_end`` (aware UTC, both ends
    included) are the period the rule looked at for this finding; the end
    is always the offending log's instant.

    ``related`` per rule: US-7IN7 the first ``max_attempts`` attempts of the
    window (from local midnight of D-6); US-POSTCONV the latest conversation
    that makes the attempt a breach; US-CEASE, US-STOPCHAN, US-WORK, US-ATTY
    the first marker log (window from it); US-3P the first third-party
    contact to that contact point; CN-CONNECTED-3 and CN-ATTEMPTS-6 the
    first ``max_connected``/``max_attempts`` of that local day (window from
    local midnight); CN-3P the (up to ``failed_calls_required``) calls to
    the debtor that were checked; US-TIME, CN-NIGHT, UK-TIME, UK-3P and
    LANG-ABUSE none (window is the instant itself).
    """

    rule_id: str
    citation: str
    offending: LogRef
    account_ref: str
    agency: str
    agent_id: str | None
    occurred_at: datetime
    related: tuple[LogRef, ...]
    window_start: datetime
    window_end: datetime
    explanation_en: str
    explanation_zh: str
    evidence: tuple[Evidence, ...] = field(default=())

    @property
    def source(self) -> str:
        return self.offending.source

    @property
    def external_id(self) -> str:
        return self.offending.external_id

    @property
    def log_id(self) -> Any:
        return self.offending.log_id

    @property
    def related_external_ids(self) -> list[str]:
        return [ref.external_id for ref in self.related]

    @property
    def related_log_ids(self) -> list[Any]:
        return [ref.log_id for ref in self.related]

    def evidence_json(self) -> list[dict[str, Any]]:
        return [item.as_dict() for item in self.evidence]


class RuleConfigError(ValueError):
    """A profile's ``[rules]`` table names an unknown rule or a bad parameter."""


# --------------------------------------------------------------------------
# Parameters
# --------------------------------------------------------------------------


def _param(rule_id: str, table: Mapping[str, Any], name: str) -> Any:
    if name not in table:
        raise RuleConfigError(f"rule {rule_id}: parameter '{name}' is missing")
    return table[name]


def _int_param(rule_id: str, table: Mapping[str, Any], name: str) -> int:
    value = _param(rule_id, table, name)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise RuleConfigError(f"rule {rule_id}: '{name}' must be a whole number of at least 1")
    return value


def _clock_param(rule_id: str, table: Mapping[str, Any], name: str) -> int:
    """A time of day as seconds after midnight ("08:00:00", "08:00" or a TOML time)."""
    value = _param(rule_id, table, name)
    if isinstance(value, time):
        parsed = value
    else:
        try:
            parsed = time.fromisoformat(str(value))
        except ValueError:
            parsed = None
        if parsed is None or parsed.tzinfo is not None:
            raise RuleConfigError(
                f"rule {rule_id}: '{name}' must be a time of day like 08:00:00, got {value!r}"
            )
    return parsed.hour * 3600 + parsed.minute * 60 + parsed.second


def _citation(rule_id: str, table: Mapping[str, Any]) -> str:
    value = table.get("citation", "")
    if not isinstance(value, str):
        raise RuleConfigError(f"rule {rule_id}: 'citation' must be text")
    return value


# --------------------------------------------------------------------------
# One (agency, account_ref) group, with local times computed once
# --------------------------------------------------------------------------

_ZONES: dict[str, ZoneInfo] = {}


def zone(name: str) -> ZoneInfo:
    """The IANA zone ``name`` (cached); ``ValueError`` if there is none."""
    found = _ZONES.get(name)
    if found is None:
        try:
            found = ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError, TypeError):
            raise ValueError(f"unknown IANA time zone {name!r}") from None
        _ZONES[name] = found
    return found


def _order_key(record: ContactRecord) -> tuple[datetime, str, str]:
    return (record.occurred_at, record.source, record.external_id)


class _Group:
    """The logs of one account in rule order, with their local day and time."""

    __slots__ = ("recs", "inst", "day", "sec", "_refs", "_dates")

    def __init__(self, records: Sequence[ContactRecord]) -> None:
        inst = [r.occurred_at for r in records]
        if all(map(operator.lt, inst, itertools.islice(inst, 1, None))):
            recs = list(records)  # already in rule order (the database's), no ties
        else:
            recs = sorted(records, key=_order_key)
            inst = [r.occurred_at for r in recs]
        self.recs = recs
        self.inst = inst
        day: list[int] = []
        sec: list[int] = []
        zones = _ZONES
        for r, at in zip(recs, inst):
            tz = zones.get(r.consumer_tz) or zone(r.consumer_tz)
            local = at.astimezone(tz)
            day.append(local.toordinal())
            sec.append(local.hour * 3600 + local.minute * 60 + local.second)
        self.day = day
        self.sec = sec
        # Findings of one account name the same logs and days again and again.
        self._refs: dict[int, LogRef] = {}
        self._dates: dict[int, str] = {}

    def ref(self, i: int) -> LogRef:
        found = self._refs.get(i)
        if found is None:
            r = self.recs[i]
            found = self._refs[i] = LogRef(r.source, r.external_id, r.log_id)
        return found

    def date_text(self, ordinal: int) -> str:
        found = self._dates.get(ordinal)
        if found is None:
            found = self._dates[ordinal] = date.fromordinal(ordinal).isoformat()
        return found

    def local_text(self, i: int) -> str:
        s = self.sec[i]
        return f"{self.date_text(self.day[i])} {s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}"

    def day_start(self, i: int, ordinal: int) -> datetime:
        """The first instant of local date ``ordinal`` in log ``i``'s zone, as UTC."""
        tz = zone(self.recs[i].consumer_tz)
        midnight = datetime.combine(date.fromordinal(ordinal), time(0), tzinfo=tz)
        return midnight.astimezone(_UTC)

    def finding(
        self,
        rule_id: str,
        citation: str,
        i: int,
        related: Iterable[int],
        window_start: datetime,
        en: str,
        zh: str,
    ) -> FindingRecord:
        r = self.recs[i]
        ref = self.ref
        at = r.occurred_at
        if at.tzinfo is not _UTC:
            at = at.astimezone(_UTC)
        if window_start.tzinfo is not _UTC:
            window_start = window_start.astimezone(_UTC)
        return FindingRecord(
            rule_id=rule_id,
            citation=citation,
            offending=ref(i),
            account_ref=r.account_ref,
            agency=r.agency,
            agent_id=r.agent_id,
            occurred_at=at,
            related=tuple([ref(j) for j in related]),
            window_start=window_start,
            window_end=at,
            explanation_en=en,
            explanation_zh=zh,
        )


# --------------------------------------------------------------------------
# Plain-language helpers
# --------------------------------------------------------------------------

_CHANNEL_EN = {
    "call": "call", "sms": "text message", "email": "email", "letter": "letter",
    "visit": "visit", "app": "app message",
}
_CHANNEL_ZH = {
    "call": "电话", "sms": "短信", "email": "电子邮件", "letter": "信函",
    "visit": "上门", "app": "应用消息",
}
_PARTY_EN = {
    "debtor": "the debtor", "family": "a family member", "employer": "the employer",
    "third_party": "a third party", "attorney": "the attorney", "unknown": "an unknown party",
}
_PARTY_ZH = {
    "debtor": "债务人", "family": "家人", "employer": "雇主", "third_party": "第三方",
    "attorney": "律师", "unknown": "未知对象",
}
_OUTCOME_ZH = {
    "connected": "接通", "no_answer": "无人接听", "voicemail": "语音信箱", "busy": "占线",
    "failed": "未能拨通", "sent": "已发送", "delivered": "已送达",
}


def mask_contact_point(value: str | None) -> str:
    """A phone number, e-mail or address with all but its end hidden.

    Explanations are shown in views, where contact points are masked (SPEC
    section 5); same form as the audit views' ``masked_contact_point``.
    """
    if not value:
        return "(no contact point)"
    if "@" in value:
        name, _, domain = value.partition("@")
        return f"{name[:1]}•••@{domain}"
    digits = [c for c in value if c.isdigit()]
    if len(digits) >= 7:
        return "••• " + "".join(digits[-3:])
    return value[:3] + "•••" if len(value) > 3 else "•••"


def ordinal_en(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st ..."""
    if 10 <= n % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _clock(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def _ch_en(channel: str) -> str:
    return _CHANNEL_EN.get(channel, channel)


def _ch_zh(channel: str) -> str:
    return _CHANNEL_ZH.get(channel, channel)


def _party_en(counterparty: str) -> str:
    return _PARTY_EN.get(counterparty, counterparty)


def _party_zh(counterparty: str) -> str:
    return _PARTY_ZH.get(counterparty, counterparty)


# --------------------------------------------------------------------------
# The rules. Each takes a group and its compiled parameters and returns
# (position of the offending log, finding) pairs.
# --------------------------------------------------------------------------

Found = list[tuple[int, FindingRecord]]


@dataclass(frozen=True, slots=True)
class _Rule:
    rule_id: str
    citation: str
    params: tuple[Any, ...]
    check: Callable[[_Group, _Rule], Found]


def _attempt_positions(g: _Group) -> list[int]:
    return [
        i for i, r in enumerate(g.recs)
        if r.channel == "call" and r.direction == "outbound" and r.outcome not in NOT_ATTEMPT_OUTCOMES
    ]


def _monotonic(values: Sequence[int]) -> bool:
    return all(a <= b for a, b in zip(values, values[1:]))


def _us_7in7(g: _Group, rule: _Rule) -> Found:
    max_attempts, window_days = rule.params
    attempts = _attempt_positions(g)
    if len(attempts) <= max_attempts:
        return []
    days = [g.day[i] for i in attempts]
    # With one time zone per account, local dates never go down in instant
    # order and the window is a bisect; otherwise filter each window by date.
    sorted_days = _monotonic(days)
    span = timedelta(days=window_days + 2)  # local offsets differ by < 2 days
    inst = [g.inst[i] for i in attempts]
    found: Found = []
    for k, i in enumerate(attempts):
        d = days[k]
        first_day = d - (window_days - 1)
        if sorted_days:
            lo = bisect_left(days, first_day, 0, k + 1)
            if k - lo + 1 <= max_attempts:
                continue
            window = attempts[lo : k + 1]
        else:
            lo = bisect_left(inst, inst[k] - span, 0, k + 1)
            window = [attempts[j] for j in range(lo, k + 1) if first_day <= days[j] <= d]
            if len(window) <= max_attempts:
                continue
        n = len(window)
        en = (
            f"{ordinal_en(n)} call attempt in the {window_days} days "
            f"{g.date_text(first_day)} to {g.date_text(d)} (limit {max_attempts})"
        )
        zh = f"第{n}次催收尝试，发生在{g.date_text(first_day)}至{g.date_text(d)}的{window_days}天内（上限{max_attempts}次）"
        found.append((i, g.finding(
            rule.rule_id, rule.citation, i, window[:max_attempts],
            g.day_start(i, first_day), en, zh,
        )))
    return found


def _us_postconv(g: _Group, rule: _Rule) -> Found:
    (window_days,) = rule.params
    recs, inst, day = g.recs, g.inst, g.day
    span = timedelta(days=window_days + 2)
    conversations: list[int] = []
    found: Found = []
    for i, r in enumerate(recs):
        if r.channel != "call":
            continue
        if conversations and r.direction == "outbound" and r.outcome not in NOT_ATTEMPT_OUTCOMES:
            at, d = inst[i], day[i]
            for c in reversed(conversations):
                if inst[c] >= at:
                    continue  # same instant: not "after"
                if inst[c] < at - span:
                    break
                if day[c] <= d <= day[c] + window_days - 1:
                    last_day = day[c] + window_days - 1
                    en = (
                        f"Call attempt on {g.date_text(d)} after a telephone conversation on {g.date_text(day[c])}: "
                        f"no attempts that day or in the following {window_days - 1} days "
                        f"(until {g.date_text(last_day)})"
                    )
                    zh = (
                        f"{g.date_text(day[c])}已与债务人通话，{g.date_text(d)}再次尝试致电："
                        f"通话当天及其后{window_days - 1}天内（至{g.date_text(last_day)}）不得再尝试致电"
                    )
                    found.append((i, g.finding(rule.rule_id, rule.citation, i, (c,), inst[c], en, zh)))
                    break
        if r.outcome == "connected" and r.counterparty == "debtor":
            conversations.append(i)
    return found


def _outside_window(g: _Group, rule: _Rule, channels: frozenset[str] | None) -> Found:
    earliest, latest = rule.params
    recs, sec = g.recs, g.sec
    found: Found = []
    for i, r in enumerate(recs):
        s = sec[i]
        if (s < earliest or s > latest) and r.direction == "outbound" and (
            channels is None or r.channel in channels
        ):
            en = (
                f"{_ch_en(r.channel).capitalize()} at {g.local_text(i)} local time ({r.consumer_tz}), "
                f"outside the allowed {_clock(earliest)} to {_clock(latest)}"
            )
            zh = (
                f"于当地时间{g.local_text(i)}（{r.consumer_tz}）进行{_ch_zh(r.channel)}联系，"
                f"不在允许时段{_clock(earliest)}至{_clock(latest)}内"
            )
            found.append((i, g.finding(rule.rule_id, rule.citation, i, (), g.inst[i], en, zh)))
    return found


def _us_time(g: _Group, rule: _Rule) -> Found:
    return _outside_window(g, rule, US_CONTACT_CHANNELS)


def _uk_time(g: _Group, rule: _Rule) -> Found:
    return _outside_window(g, rule, None)


def _cn_night(g: _Group, rule: _Rule) -> Found:
    start, end = rule.params
    recs, sec = g.recs, g.sec
    wraps = start > end
    found: Found = []
    for i, r in enumerate(recs):
        s = sec[i]
        at_night = (s >= start or s < end) if wraps else (start <= s < end)
        if at_night and r.direction == "outbound":
            en = (
                f"{_ch_en(r.channel).capitalize()} at {g.local_text(i)} local time ({r.consumer_tz}), "
                f"in the night-time ban from {_clock(start)} to {_clock(end)}"
            )
            zh = (
                f"于当地时间{g.local_text(i)}（{r.consumer_tz}）进行{_ch_zh(r.channel)}催收，"
                f"处于{_clock(start)}至{_clock(end)}的禁止催收时段"
            )
            found.append((i, g.finding(rule.rule_id, rule.citation, i, (), g.inst[i], en, zh)))
    return found


def _after_marker(
    g: _Group,
    rule: _Rule,
    disposition: str,
    covered: Callable[[ContactRecord], bool],
    per_channel: bool,
    describe: Callable[[ContactRecord, str, str], tuple[str, str]],
) -> Found:
    """Contacts strictly after the first log with ``disposition`` (either
    direction, any channel; per channel when ``per_channel``)."""
    recs, inst = g.recs, g.inst
    first: dict[str | None, int] = {}
    for i, r in enumerate(recs):
        if r.disposition == disposition:
            key = r.channel if per_channel else None
            if key not in first:
                first[key] = i
    if not first:
        return []
    found: Found = []
    for i, r in enumerate(recs):
        if r.direction != "outbound":
            continue
        m = first.get(r.channel if per_channel else None)
        if m is None or inst[i] <= inst[m] or not covered(r):
            continue
        en, zh = describe(r, g.date_text(g.day[m]), g.date_text(g.day[i]))
        found.append((i, g.finding(rule.rule_id, rule.citation, i, (m,), inst[m], en, zh)))
    return found


def _us_cease(g: _Group, rule: _Rule) -> Found:
    def describe(r: ContactRecord, marked: str, on: str) -> tuple[str, str]:
        return (
            f"{_ch_en(r.channel).capitalize()} on {on} after the consumer asked on {marked} "
            "to stop all contact",
            f"消费者已于{marked}要求停止一切联系，{on}仍以{_ch_zh(r.channel)}联系",
        )

    return _after_marker(
        g, rule, "cease_request", lambda r: r.channel in US_CONTACT_CHANNELS, False, describe
    )


def _us_stopchan(g: _Group, rule: _Rule) -> Found:
    def describe(r: ContactRecord, marked: str, on: str) -> tuple[str, str]:
        return (
            f"{_ch_en(r.channel).capitalize()} on {on} after the consumer asked on {marked} "
            f"to stop contact by {_ch_en(r.channel)}",
            f"消费者已于{marked}要求停止通过{_ch_zh(r.channel)}联系，{on}仍以{_ch_zh(r.channel)}联系",
        )

    return _after_marker(g, rule, "stop_channel", lambda r: True, True, describe)


def _us_work(g: _Group, rule: _Rule) -> Found:
    def describe(r: ContactRecord, marked: str, on: str) -> tuple[str, str]:
        return (
            f"{_ch_en(r.channel).capitalize()} to the employer on {on} after the consumer said "
            f"on {marked} that contact at work is not allowed",
            f"消费者已于{marked}表示不得在工作单位联系，{on}仍以{_ch_zh(r.channel)}联系其雇主",
        )

    return _after_marker(g, rule, "no_work_contact", lambda r: r.counterparty == "employer", False, describe)


def _us_atty(g: _Group, rule: _Rule) -> Found:
    def describe(r: ContactRecord, marked: str, on: str) -> tuple[str, str]:
        return (
            f"{_ch_en(r.channel).capitalize()} to the debtor on {on} after the consumer said "
            f"on {marked} that an attorney represents them",
            f"消费者已于{marked}告知由律师代理，{on}仍以{_ch_zh(r.channel)}直接联系债务人",
        )

    return _after_marker(g, rule, "attorney_represented", lambda r: r.counterparty == "debtor", False, describe)


def _us_3p(g: _Group, rule: _Rule) -> Found:
    recs, inst = g.recs, g.inst
    first: dict[str | None, int] = {}
    found: Found = []
    for i, r in enumerate(recs):
        if r.counterparty not in THIRD_PARTIES or r.direction != "outbound":
            continue
        point = r.contact_point
        f = first.get(point)
        if f is None:
            first[point] = i
            continue
        where = mask_contact_point(point)
        en = (
            f"{_ch_en(r.channel).capitalize()} to {_party_en(r.counterparty)} at {where} on {g.date_text(g.day[i])}: "
            f"only the first third-party contact to a contact point is allowed "
            f"(first on {g.date_text(g.day[f])})"
        )
        zh = (
            f"{g.date_text(g.day[i])}以{_ch_zh(r.channel)}联系{_party_zh(r.counterparty)}（{where}）："
            f"同一联系方式仅允许首次第三方联系（首次为{g.date_text(g.day[f])}）"
        )
        found.append((i, g.finding(rule.rule_id, rule.citation, i, (f,), inst[f], en, zh)))
    return found


def _cn_connected(g: _Group, rule: _Rule) -> Found:
    (max_connected,) = rule.params
    recs, day = g.recs, g.day
    per_day: dict[int, list[int]] = {}
    found: Found = []
    for i, r in enumerate(recs):
        if (
            r.outcome != "connected" or r.channel != "call"
            or r.direction != "outbound" or r.counterparty != "debtor"
        ):
            continue
        d = day[i]
        earlier = per_day.setdefault(d, [])
        earlier.append(i)
        n = len(earlier)
        if n > max_connected:
            en = (
                f"{ordinal_en(n)} connected call to the debtor on {g.date_text(d)} (local), "
                f"limit {max_connected} a day"
            )
            zh = f"{g.date_text(d)}（当地日期）第{n}次接通债务人电话，每日上限{max_connected}次"
            found.append((i, g.finding(
                rule.rule_id, rule.citation, i, earlier[:max_connected], g.day_start(i, d), en, zh,
            )))
    return found


def _cn_attempts(g: _Group, rule: _Rule) -> Found:
    (max_attempts,) = rule.params
    recs, day = g.recs, g.day
    per_point_day: dict[tuple[str | None, int], list[int]] = {}
    found: Found = []
    for i, r in enumerate(recs):
        if r.channel != "call" or r.direction != "outbound" or r.outcome in NOT_ATTEMPT_OUTCOMES:
            continue
        d = day[i]
        earlier = per_point_day.setdefault((r.contact_point, d), [])
        earlier.append(i)
        n = len(earlier)
        if n > max_attempts:
            where = mask_contact_point(r.contact_point)
            en = (
                f"{ordinal_en(n)} call attempt to {where} on {g.date_text(d)} (local), "
                f"limit {max_attempts} a day per contact point"
            )
            zh = f"{g.date_text(d)}（当地日期）第{n}次拨打{where}，每个联系方式每日上限{max_attempts}次"
            found.append((i, g.finding(
                rule.rule_id, rule.citation, i, earlier[:max_attempts], g.day_start(i, d), en, zh,
            )))
    return found


def _cn_3p(g: _Group, rule: _Rule) -> Found:
    (required,) = rule.params
    recs, inst = g.recs, g.inst
    debtor_calls: list[int] = []
    debtor_inst: list[datetime] = []
    found: Found = []
    for i, r in enumerate(recs):
        if r.direction != "outbound":
            continue
        if r.counterparty == "debtor":
            if r.channel == "call":
                debtor_calls.append(i)
                debtor_inst.append(inst[i])
            continue
        if r.counterparty not in THIRD_PARTIES:
            continue
        k = bisect_left(debtor_inst, inst[i])  # calls strictly before this contact
        checked = debtor_calls[max(0, k - required) : k]
        party_en, party_zh = _party_en(r.counterparty), _party_zh(r.counterparty)
        if len(checked) < required:
            en = (
                f"{_ch_en(r.channel).capitalize()} to {party_en} on {g.date_text(g.day[i])} with only "
                f"{len(checked)} earlier call(s) to the debtor: third parties may be contacted only "
                f"after {required} consecutive failed calls"
            )
            zh = (
                f"{g.date_text(g.day[i])}以{_ch_zh(r.channel)}联系{party_zh}，此前仅拨打债务人{len(checked)}次："
                f"须连续{required}次未能联系上债务人后方可联系第三方"
            )
        else:
            broke = [j for j in checked if recs[j].outcome not in FAILED_TO_CONNECT]
            if not broke:
                continue
            b = recs[broke[-1]]
            en = (
                f"{_ch_en(r.channel).capitalize()} to {party_en} on {g.date_text(g.day[i])} although the last "
                f"{required} calls to the debtor did not all fail to connect "
                f"(one ended '{b.outcome}' on {g.date_text(g.day[broke[-1]])})"
            )
            zh = (
                f"{g.date_text(g.day[i])}以{_ch_zh(r.channel)}联系{party_zh}，但此前最近{required}次拨打债务人并非全部未接通"
                f"（{g.date_text(g.day[broke[-1]])}有一次为“{_OUTCOME_ZH.get(b.outcome, b.outcome)}”）"
            )
        start = inst[checked[0]] if checked else inst[i]
        found.append((i, g.finding(rule.rule_id, rule.citation, i, checked, start, en, zh)))
    return found


def _uk_3p(g: _Group, rule: _Rule) -> Found:
    found: Found = []
    for i, r in enumerate(g.recs):
        if r.direction == "outbound" and r.counterparty in THIRD_PARTIES:
            en = (
                f"{_ch_en(r.channel).capitalize()} to {_party_en(r.counterparty)} on {g.date_text(g.day[i])}: "
                "the debt must not be disclosed to third parties"
            )
            zh = f"{g.date_text(g.day[i])}以{_ch_zh(r.channel)}联系{_party_zh(r.counterparty)}：不得向第三方披露债务"
            found.append((i, g.finding(rule.rule_id, rule.citation, i, (), g.inst[i], en, zh)))
    return found


# rule id -> (parameter reader, check)
_REGISTRY: dict[str, tuple[Callable[[str, Mapping[str, Any]], tuple[Any, ...]], Callable[[_Group, _Rule], Found]]] = {
    "US-7IN7": (lambda i, t: (_int_param(i, t, "max_attempts"), _int_param(i, t, "window_days")), _us_7in7),
    "US-POSTCONV": (lambda i, t: (_int_param(i, t, "window_days"),), _us_postconv),
    "US-TIME": (lambda i, t: (_clock_param(i, t, "earliest"), _clock_param(i, t, "latest")), _us_time),
    "US-CEASE": (lambda i, t: (), _us_cease),
    "US-STOPCHAN": (lambda i, t: (), _us_stopchan),
    "US-WORK": (lambda i, t: (), _us_work),
    "US-ATTY": (lambda i, t: (), _us_atty),
    "US-3P": (lambda i, t: (), _us_3p),
    "CN-NIGHT": (lambda i, t: (_clock_param(i, t, "night_start"), _clock_param(i, t, "night_end")), _cn_night),
    "CN-CONNECTED-3": (lambda i, t: (_int_param(i, t, "max_connected"),), _cn_connected),
    "CN-ATTEMPTS-6": (lambda i, t: (_int_param(i, t, "max_attempts"),), _cn_attempts),
    "CN-3P": (lambda i, t: (_int_param(i, t, "failed_calls_required"),), _cn_3p),
    "UK-TIME": (lambda i, t: (_clock_param(i, t, "earliest"), _clock_param(i, t, "latest")), _uk_time),
    "UK-3P": (lambda i, t: (), _uk_3p),
}

RULE_IDS = tuple(_REGISTRY)


class RuleSet:
    """A profile's conduct rules with their parameters read and checked once."""

    __slots__ = ("rules", "language_citation")

    def __init__(self, rules: tuple[_Rule, ...], language_citation: str = LANG_ABUSE_CITATION) -> None:
        self.rules = rules
        self.language_citation = language_citation

    @classmethod
    def from_profile(cls, tables: Mapping[str, Mapping[str, Any]]) -> RuleSet:
        """Build from the profile's ``[rules]`` tables (rule id -> parameters).

        Raises ``RuleConfigError`` for an unknown rule id or a missing or bad
        parameter. A ``LANG-ABUSE`` table, if present, only sets its citation.
        """
        compiled: list[_Rule] = []
        language_citation = LANG_ABUSE_CITATION
        for rule_id, table in tables.items():
            if not isinstance(table, Mapping):
                raise RuleConfigError(f"rule {rule_id}: expected a table of parameters")
            if rule_id == LANG_ABUSE:
                language_citation = _citation(rule_id, table) or LANG_ABUSE_CITATION
                continue
            entry = _REGISTRY.get(rule_id)
            if entry is None:
                raise RuleConfigError(
                    f"unknown conduct rule {rule_id!r}; known rules: {', '.join(RULE_IDS)}"
                )
            read, check = entry
            compiled.append(_Rule(rule_id, _citation(rule_id, table), read(rule_id, table), check))
        return cls(tuple(compiled), language_citation)

    @property
    def rule_ids(self) -> tuple[str, ...]:
        return tuple(rule.rule_id for rule in self.rules)


def _as_rule_set(rules: RuleSet | Mapping[str, Mapping[str, Any]]) -> RuleSet:
    return rules if isinstance(rules, RuleSet) else RuleSet.from_profile(rules)


# --------------------------------------------------------------------------
# LANG-ABUSE (profile-independent; the caller passes the classifier's scanner)
# --------------------------------------------------------------------------

LanguageScanner = Callable[[str], Iterable[Any]]
_LANGUAGE_LABEL_EN = {"abusive_language": "abuse", "threat": "threat", "impersonation": "impersonation"}
_LANGUAGE_LABEL_ZH = {"abusive_language": "辱骂", "threat": "威胁", "impersonation": "冒充"}
_MAX_EVIDENCE = 5
_MAX_EVIDENCE_CHARS = 200


def _evidence_item(match: Any) -> Evidence:
    """Accept a match as an object with attributes, a mapping or plain text."""
    if isinstance(match, str):
        return Evidence("abusive_language", match[:_MAX_EVIDENCE_CHARS])
    get = match.get if isinstance(match, Mapping) else (lambda k, d=None: getattr(match, k, d))
    text = str(get("text", "") or "")[:_MAX_EVIDENCE_CHARS]
    label = str(get("label", None) or "abusive_language")
    start, end = get("start", None), get("end", None)
    return Evidence(label, text, start if isinstance(start, int) else None, end if isinstance(end, int) else None)


def language_findings(
    record: ContactRecord,
    scan: LanguageScanner,
    citation: str = LANG_ABUSE_CITATION,
) -> list[FindingRecord]:
    """LANG-ABUSE: at most one finding for ``record``, quoting what ``scan``
    (``classifiers.scan_conduct_language``) matched in its notes."""
    if not record.notes:
        return []
    matches = [_evidence_item(m) for m in scan(record.notes)]
    matches = [m for m in matches if m.text]
    if not matches:
        return []
    evidence = tuple(matches[:_MAX_EVIDENCE])
    quoted_en = "; ".join(
        f"{_LANGUAGE_LABEL_EN.get(m.label, m.label)} \u201c{m.text}\u201d" for m in evidence
    )
    quoted_zh = "；".join(
        f"{_LANGUAGE_LABEL_ZH.get(m.label, m.label)}\u201c{m.text}\u201d" for m in evidence
    )
    at = record.occurred_at.astimezone(_UTC)
    return [
        FindingRecord(
            rule_id=LANG_ABUSE,
            citation=citation,
            offending=record.ref,
            account_ref=record.account_ref,
            agency=record.agency,
            agent_id=record.agent_id,
            occurred_at=at,
            related=(),
            window_start=at,
            window_end=at,
            explanation_en=(
                f"Abusive, threatening or misleading language in the notes of this contact: {quoted_en}"
            ),
            explanation_zh=f"该次联系记录中出现辱骂、威胁或误导性语言：{quoted_zh}",
            evidence=evidence,
        )
    ]


# --------------------------------------------------------------------------
# The engine
# --------------------------------------------------------------------------


def audit_group(
    records: Sequence[ContactRecord],
    rules: RuleSet | Mapping[str, Mapping[str, Any]],
    *,
    language_scanner: LanguageScanner | None = None,
) -> list[FindingRecord]:
    """All findings for the logs of one ``(agency, account_ref)``.

    ``records`` may come in any order; they are put in rule order (instant,
    source, external_id) here. Findings come ordered by offending log, then
    by rule id. Pass a ``RuleSet`` to avoid re-reading parameters per group.
    """
    if not records:
        return []
    rule_set = _as_rule_set(rules)
    first = records[0]
    key = (first.agency, first.account_ref)
    for r in records:
        if (r.agency, r.account_ref) != key:
            raise ValueError(
                f"audit_group takes one (agency, account_ref); got {key} and {(r.agency, r.account_ref)}"
            )
    group = _Group(records)
    found: Found = []
    for rule in rule_set.rules:
        found.extend(rule.check(group, rule))
    if language_scanner is not None:
        citation = rule_set.language_citation
        for i, r in enumerate(group.recs):
            if r.notes:
                found.extend((i, f) for f in language_findings(r, language_scanner, citation))
    found.sort(key=lambda pair: (pair[0], pair[1].rule_id))
    return [f for _, f in found]


def audit(
    records: Iterable[ContactRecord],
    rules: RuleSet | Mapping[str, Mapping[str, Any]],
    *,
    language_scanner: LanguageScanner | None = None,
) -> Iterator[FindingRecord]:
    """Findings for a stream of logs grouped by ``(agency, account_ref)``.

    The stream must bring each account's logs together (ORDER BY agency,
    account_ref, ...); the order inside a group does not matter. An account
    that comes back after another one raises ``ValueError`` rather than
    silently splitting its windows.
    """
    rule_set = _as_rule_set(rules)
    seen: set[tuple[str, str]] = set()
    for key, group in itertools.groupby(records, key=lambda r: (r.agency, r.account_ref)):
        if key in seen:
            raise ValueError(
                f"contact logs of agency {key[0]!r}, account {key[1]!r} are not contiguous; "
                "order the stream by (agency, account_ref)"
            )
        seen.add(key)
        yield from audit_group(list(group), rule_set, language_scanner=language_scanner)
