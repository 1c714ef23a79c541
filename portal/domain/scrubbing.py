"""Scrubbing a narrative for the public complaint database (no Flask, no database).

The narrative arrives already masked (card and ID numbers, SPEC section 7).
Before it is published it also loses what identifies a person: names, phone
numbers, e-mail addresses, postal addresses and account references. Two
sources are used together:

- what the complaint itself says about the cardholder and the collector (the
  name, e-mail, phone and account reference fields, the agent's name and the
  numbers the collector called from): each is removed wherever it appears,
  whole or, for names, word by word;
- patterns for what no field names: e-mail addresses, phone numbers (7 or
  more digits), street addresses (English and Chinese), UK postcodes, US ZIP
  codes after a state, account and reference numbers ("account number
  12345678", "尾号1234", the card-mask tails "[card •••• 1111]"), and names
  after a title or an introduction ("Mr Smith", "my name is …", "王先生",
  "我叫…").

Each is replaced by a marker in square brackets ("[name]", "[phone]",
"[email]", "[address]", "[account]"), so a reader sees that something was
there. Scrubbing is deliberately greedy: a false positive costs a word of a
published story, a false negative publishes a person.

API::

    scrub_narrative(text, details=PersonalDetails()) -> Scrubbed(text, counts)
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable

MARKERS = {
    "name": "[name]",
    "phone": "[phone]",
    "email": "[email]",
    "address": "[address]",
    "account": "[account]",
}

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"


@dataclass(frozen=True)
class PersonalDetails:
    """What the complaint's own fields say about the people in it."""

    names: tuple[str, ...] = ()  # the cardholder's name, the agent's name
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()  # the cardholder's phone and the collector's numbers
    account_refs: tuple[str, ...] = ()

    @classmethod
    def of(cls, *, names: Iterable[str | None] = (), emails: Iterable[str | None] = (),
           phones: Iterable[str | None] = (), account_refs: Iterable[str | None] = ()) -> "PersonalDetails":
        keep = lambda values: tuple(v.strip() for v in values if v and v.strip())  # noqa: E731
        return cls(keep(names), keep(emails), keep(phones), keep(account_refs))


@dataclass(frozen=True)
class Scrubbed:
    text: str
    counts: dict[str, int] = field(default_factory=dict)  # kind -> items replaced

    @property
    def total(self) -> int:
        return sum(self.counts.values())


# --- patterns -----------------------------------------------------------------

# The local part may hold any of RFC 5322's atom characters.
_EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)

# A run of digits with the separators people type in phone numbers; it is a
# phone number when it holds 7 to 15 digits (a shorter run is an amount or a
# date, a longer one was masked already or is an account number).
_PHONE_RUN = re.compile(r"(?<![0-9A-Za-z.])(?:\+|00)?\(?\d[\d\s().\-\u2010-\u2013]{5,22}\d(?![0-9A-Za-z])")
_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}-\d{1,2}-\d{4}|\d{1,2}\.\d{1,2}\.\d{2,4}")
_DIGIT = re.compile(r"\d")

# Already-masked numbers keep their last four digits ("[card •••• 1111]");
# published, even those four go.
_MASK_TAIL = re.compile(r"\[(card|ID) •••• [0-9Xx]{4}\]")
# What a pass must never cut into: a mask or a marker is replaced whole or left alone.
_PROTECTED = re.compile(_MASK_TAIL.pattern + "|" + "|".join(re.escape(m) for m in MARKERS.values()))

_ACCOUNT_EN = re.compile(
    r"\b(?P<label>(?:account|acct|a/c|card|reference|ref|case|file|loan|customer)"
    r"(?:\s+(?:number|no\.?|num|#|id|ending(?:\s+in)?|ref(?:erence)?))*\.?)"
    r"(?P<sep>\s*(?:is|was|:|#|-)?\s*)"
    r"(?P<value>(?=[A-Za-z0-9-]*\d)[A-Za-z0-9][A-Za-z0-9-]{2,30})",
    re.IGNORECASE,
)
_ACCOUNT_ZH = re.compile(
    r"(?P<label>账号|帐号|账户|帐户|卡号|尾号|末四位|后四位|合同号|编号|客户号|案件号|借款编号)"
    r"(?P<sep>[\s:：为是]*)(?P<value>[A-Za-z0-9-]{3,30})"
)

_STREET_WORDS = (
    "street|st|road|rd|avenue|ave|lane|ln|drive|dr|boulevard|blvd|court|ct|way|place|pl|close|crescent|"
    "terrace|parkway|pkwy|highway|hwy|square|sq|gardens|grove|row|mews|circle|cir"
)
_ADDRESS_EN = re.compile(
    rf"\b\d{{1,6}}[A-Za-z]?\s+(?:[A-Z][\w'.-]*\s+){{0,4}}(?:{_STREET_WORDS})\b\.?"
    r"(?:,?\s*(?:apt|apartment|unit|suite|ste|flat|#)\.?\s*\w{1,6})?",
    re.IGNORECASE,
)
_PO_BOX = re.compile(r"\b(?:P\.?\s?O\.?\s*Box|Post\s+Office\s+Box)\s*\d+\b", re.IGNORECASE)
_UK_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b")
_US_STATES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|"
    "OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|DC"
)
_US_ZIP = re.compile(rf"(?:\b(?:{_US_STATES})\s+|\bzip(?:\s*code)?\s*:?\s*)\d{{5}}(?:-\d{{4}})?\b")
# A place's name is Chinese characters other than the particles, pronouns and
# verbs around it ("他们到[北京市…]", not "[他们到北京市…]").
_PLACE_CHAR = rf"(?:(?![的地得了着过我你他她它们这那是在有和与跟把被给让到来去住说还也都就又很从向对为个不没吗呢吧啊呀])[{_HAN}])"
_ZH_STREET = rf"{_PLACE_CHAR}(?:{_PLACE_CHAR}|[0-9]){{0,11}}(?:路|街|大道|大街|巷|弄|胡同|道)"
_ZH_HOUSE_NUMBER = r"[0-9０-９一二三四五六七八九十百]+(?:号|號)"
_ZH_ADDRESS_REST = (
    rf"(?:(?:{_PLACE_CHAR}|[0-9]){{0,10}}(?:小区|大厦|花园|公寓|苑))?"
    rf"(?:[A-Za-z{_HAN}0-9]{{0,12}}?[0-9０-９]+(?:栋|幢|号楼|单元|楼|室|层))*"
)
# A street is an address after a city or district, or with a house number:
# words that end like a street (知道, 套路, 走投无路, 一路) are not.
_ADDRESS_ZH = re.compile(
    rf"(?:{_PLACE_CHAR}{{1,8}}(?:省|自治区|市|区|县|镇|乡|村))+{_ZH_STREET}(?:{_ZH_HOUSE_NUMBER})?{_ZH_ADDRESS_REST}"
    rf"|{_ZH_STREET}{_ZH_HOUSE_NUMBER}{_ZH_ADDRESS_REST}"
)
_ADDRESS_ZH_ESTATE = re.compile(rf"{_PLACE_CHAR}{{2,8}}(?:小区|大厦|花园|公寓)(?:[0-9]+(?:栋|幢|号楼|单元|楼|室|层))*")

_TITLE_NAME = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Sir|Madam|Officer|Agent)\.?\s+"
    r"(?P<name>[A-Z][a-zA-Z'\-]+(?:\s+[A-Z][a-zA-Z'\-]+)?)"
)
_INTRO_NAME = re.compile(
    r"\b(?P<lead>(?:my name is|i am called|i'm called|this is|called himself|called herself|"
    r"introduced (?:himself|herself) as|said (?:his|her) name was|named|name of)\s+)"
    r"(?P<name>[A-Z][a-zA-Z'\-]+(?:\s+[A-Z][a-zA-Z'\-]+){0,2})",
    re.IGNORECASE,
)
_ZH_TITLE_NAME = re.compile(rf"[{_HAN}](?:先生|女士|小姐|太太|经理|专员|律师|主管)")
_ZH_INTRO_NAME = re.compile(rf"(?P<lead>我叫|我的名字是|名叫|自称是?|姓名是?[:：]?)(?P<name>[{_HAN}]{{2,4}})")


def _whole(value: str) -> re.Pattern[str]:
    """A case-insensitive match of ``value`` not inside a longer word."""
    escaped = re.escape(value)
    escaped = re.sub(r"(\\ )+", r"\\s+", escaped)  # any spacing between words
    left = "" if re.match(rf"[{_HAN}]", value) else r"(?<!\w)"
    right = "" if re.search(rf"[{_HAN}]$", value) else r"(?!\w)"
    return re.compile(left + escaped + right, re.IGNORECASE)


def _digits(value: str) -> str:
    return "".join(_DIGIT.findall(value))


class _Scrubber:
    def __init__(self, text: str):
        self.text = text
        self.counts: Counter[str] = Counter()

    def _cuts_into_a_mark(self, match: re.Match[str], protected: list[tuple[int, int]]) -> bool:
        """Whether the match overlaps a mask or marker without covering it whole
        (an account reference "1111" inside "[card •••• 1111]")."""
        start, end = match.span()
        return any(start < p_end and p_start < end and not (start <= p_start and p_end <= end)
                   for p_start, p_end in protected)

    def _protected(self) -> list[tuple[int, int]]:
        return [m.span() for m in _PROTECTED.finditer(self.text)]

    def sub(self, pattern: re.Pattern[str], kind: str, keep: str | None = None) -> None:
        marker = MARKERS[kind]
        protected = self._protected()

        def replace(match: re.Match[str]) -> str:
            if match.group(0) in MARKERS.values() or self._cuts_into_a_mark(match, protected):
                return match.group(0)  # a marker already placed, or a piece of a mask or marker
            self.counts[kind] += 1
            if keep:
                return "".join(match.group(g) or "" for g in keep.split(",")) + marker
            return marker

        self.text = pattern.sub(replace, self.text)

    def sub_phones(self, known_digits: set[str]) -> None:
        protected = self._protected()

        def replace(match: re.Match[str]) -> str:
            run = match.group(0)
            if self._cuts_into_a_mark(match, protected):
                return run
            digits = _digits(run)
            if _DATE.fullmatch(run.strip()):
                return run
            if 7 <= len(digits) <= 15 or (digits and digits in known_digits):
                self.counts["phone"] += 1
                trailing = run[len(run.rstrip(" .-")):]
                return MARKERS["phone"] + trailing
            return run

        self.text = _PHONE_RUN.sub(replace, self.text)


def scrub_narrative(text: str | None, details: PersonalDetails = PersonalDetails()) -> Scrubbed:
    """The narrative with names, phones, e-mails, addresses and account references replaced."""
    if not text:
        return Scrubbed("", {})
    s = _Scrubber(text)

    # Known values first, longest first, so a full name goes before its parts.
    for email in sorted(details.emails, key=len, reverse=True):
        s.sub(_whole(email), "email")
    s.sub(_EMAIL, "email")
    for ref in sorted(details.account_refs, key=len, reverse=True):
        if len(ref) >= 3:
            s.sub(_whole(ref), "account")
    s.sub(_MASK_TAIL, "account")
    s.sub(_ACCOUNT_EN, "account", keep="label,sep")
    s.sub(_ACCOUNT_ZH, "account", keep="label,sep")

    s.sub(_PO_BOX, "address")
    s.sub(_ADDRESS_EN, "address")
    s.sub(_US_ZIP, "address")
    s.sub(_UK_POSTCODE, "address")
    s.sub(_ADDRESS_ZH_ESTATE, "address")
    s.sub(_ADDRESS_ZH, "address")

    known_digits = {_digits(p) for p in details.phones if len(_digits(p)) >= 3}
    for phone in sorted(details.phones, key=len, reverse=True):
        if len(_digits(phone)) >= 3:
            s.sub(_whole(phone), "phone")
    s.sub_phones(known_digits)

    for name in sorted(details.names, key=len, reverse=True):
        s.sub(_whole(name), "name")
        for part in _name_parts(name):
            s.sub(_whole(part), "name")
    s.sub(_TITLE_NAME, "name")
    s.sub(_INTRO_NAME, "name", keep="lead")
    s.sub(_ZH_INTRO_NAME, "name", keep="lead")
    s.sub(_ZH_TITLE_NAME, "name")
    return Scrubbed(s.text, dict(s.counts))


def _name_parts(name: str) -> list[str]:
    """The words of a name worth removing on their own (a Chinese name: its given name too)."""
    words = [w for w in re.split(r"[\s,]+", name) if w]
    parts = [w for w in words if len(w) >= 3 and not w.isdigit()] if len(words) > 1 else []
    if len(words) == 1 and re.fullmatch(rf"[{_HAN}]{{3,4}}", name):
        parts.append(name[1:])  # the given name without the surname
    return parts
