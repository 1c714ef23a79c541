"""Scoring contact logs as candidates for a complaint (SPEC section 5).

Pure: no Flask, no database. ``portal.contacts.linking`` fetches the
candidate logs (same account reference, or a phone number the cardholder
gave, inside the incident window) and ranks them with ``score_log``.

A score is the sum of the weights of the reasons that hold; each reason is a
short code (``REASONS``) the views translate, so the ranking is explained:

=============  ======  ================================================
reason         weight  holds when
=============  ======  ================================================
account        50      the log's account reference is the complaint's
phone          30      the log's contact point is a number the cardholder gave
in_window      15      the log falls on one of the incident dates
near_window    5       the log is within 7 days of the incident dates
agency         10      the log's agency is the one named in the complaint
agent          10      the log's agent is the one named in the complaint
=============  ======  ================================================

Phone numbers are compared by their *phone key*: the digits only, last nine
of them. "+44 7700 900123", "07700 900123" and "(0)7700-900123" share one
key, as do "+86 138 1234 5678" and "13812345678". Nine digits is the shortest
national number length among the profiles' countries; a false match costs a
lower-ranked suggestion that the officer rejects, a missed one costs evidence.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

PHONE_KEY_DIGITS = 9
MIN_PHONE_DIGITS = 7
WINDOW_MARGIN = timedelta(days=7)
# Without incident dates the complaint is read as being about the 90 days
# before it was received.
DEFAULT_LOOKBACK = timedelta(days=90)

WEIGHTS = {
    "account": 50,
    "phone": 30,
    "in_window": 15,
    "near_window": 5,
    "agency": 10,
    "agent": 10,
}
REASONS = tuple(WEIGHTS)

_NON_DIGIT = re.compile(r"\D+")
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
# Legal-form words that do not tell agencies apart.
_AGENCY_NOISE = frozenset({"ltd", "limited", "llc", "inc", "plc", "co", "corp", "company", "the"})


def phone_key(contact_point: str | None) -> str | None:
    """The comparable form of a phone number, or None if it is not one.

    An e-mail address (it has ``@``) or text with fewer than seven digits
    (a street address, an empty field) has no key. Full-width digits count.
    """
    if not contact_point or "@" in contact_point:
        return None
    digits = _NON_DIGIT.sub("", unicodedata.normalize("NFKC", contact_point))
    if len(digits) < MIN_PHONE_DIGITS:
        return None
    return digits[-PHONE_KEY_DIGITS:]


def account_key(account_ref: str | None) -> str | None:
    """Account references compare without case, spaces or dashes."""
    if not account_ref:
        return None
    key = re.sub(r"[\s\-]+", "", account_ref).casefold()
    return key or None


def name_key(name: str | None) -> str:
    """Agency or agent names compare as lower-case words without legal forms."""
    if not name:
        return ""
    words = _NON_WORD.sub(" ", unicodedata.normalize("NFKC", name).casefold()).split()
    return " ".join(w for w in words if w not in _AGENCY_NOISE)


def names_match(named: str | None, logged: str | None) -> bool:
    """True when one name contains the other as whole words ("Acme" ~ "Acme Collections Ltd")."""
    a, b = name_key(named), name_key(logged)
    if not a or not b:
        return False
    return a == b or f" {a} " in f" {b} " or f" {b} " in f" {a} "


@dataclass(frozen=True)
class Window:
    """An interval of instants, both ends included (aware UTC)."""

    start: datetime
    end: datetime

    def __contains__(self, instant: datetime) -> bool:
        return self.start <= instant <= self.end


@dataclass(frozen=True)
class ComplaintFacts:
    """What a complaint says that can match a contact log."""

    account_ref: str | None
    phone_keys: frozenset[str]
    incident: Window  # the incident dates as instants
    search: Window  # the incident widened by WINDOW_MARGIN: where candidates are looked for
    agency: str | None
    agent_name: str | None


@dataclass(frozen=True)
class LogFacts:
    account_ref: str
    phone_key: str | None
    occurred_at: datetime
    agency: str
    agent_id: str | None


@dataclass(frozen=True)
class Score:
    value: int
    reasons: tuple[str, ...]


def incident_windows(
    incident_start: date | None,
    incident_end: date | None,
    received_at: datetime,
    tz_name: str,
) -> tuple[Window, Window]:
    """The incident dates as instants (whole local days in ``tz_name``), and
    the same widened by seven days on each side.

    One date alone stands for a one-day incident; no dates at all stand for
    the 90 days up to receipt. An end before the start is read swapped.
    """
    tz = ZoneInfo(tz_name)
    if incident_start is None and incident_end is None:
        end = received_at.astimezone(timezone.utc)
        incident = Window(end - DEFAULT_LOOKBACK, end)
    else:
        first = incident_start or incident_end
        last = incident_end or incident_start
        assert first is not None and last is not None
        if last < first:
            first, last = last, first
        start = datetime.combine(first, time.min, tz).astimezone(timezone.utc)
        end = datetime.combine(last + timedelta(days=1), time.min, tz).astimezone(timezone.utc)
        incident = Window(start, end - timedelta(microseconds=1))
    return incident, Window(incident.start - WINDOW_MARGIN, incident.end + WINDOW_MARGIN)


def complaint_facts(
    *,
    account_ref: str | None,
    phone_numbers: Iterable[str | None],
    incident_start: date | None,
    incident_end: date | None,
    received_at: datetime,
    tz_name: str,
    agency: str | None,
    agent_name: str | None,
) -> ComplaintFacts:
    keys = frozenset(k for k in (phone_key(p) for p in phone_numbers) if k)
    incident, search = incident_windows(incident_start, incident_end, received_at, tz_name)
    return ComplaintFacts(account_key(account_ref), keys, incident, search, agency, agent_name)


def score_log(complaint: ComplaintFacts, log: LogFacts) -> Score:
    """How well one log matches the complaint, with the reasons that hold."""
    reasons: list[str] = []
    if complaint.account_ref and account_key(log.account_ref) == complaint.account_ref:
        reasons.append("account")
    if log.phone_key and log.phone_key in complaint.phone_keys:
        reasons.append("phone")
    if log.occurred_at in complaint.incident:
        reasons.append("in_window")
    elif log.occurred_at in complaint.search:
        reasons.append("near_window")
    if names_match(complaint.agency, log.agency):
        reasons.append("agency")
    if names_match(complaint.agent_name, log.agent_id):
        reasons.append("agent")
    return Score(sum(WEIGHTS[r] for r in reasons), tuple(reasons))


def is_candidate(score: Score) -> bool:
    """A log is suggested only if it shares the account or a phone number."""
    return "account" in score.reasons or "phone" in score.reasons


def rank(complaint: ComplaintFacts, logs: Iterable[tuple[object, LogFacts]], limit: int) -> list[tuple[object, Score]]:
    """The best ``limit`` candidates as (key, score): highest score first,
    then the latest contact first, then key order (deterministic)."""
    scored = []
    for key, log in logs:
        score = score_log(complaint, log)
        if is_candidate(score):
            scored.append((key, score, log.occurred_at))
    scored.sort(key=lambda item: (-item[1].value, -item[2].timestamp(), str(item[0])))
    return [(key, score) for key, score, _ in scored[:limit]]
