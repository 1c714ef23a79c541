"""Masking of card numbers and mainland China resident ID numbers in free text.

SPEC section 7: no full card number is ever stored or shown, so every
free-text field is passed through :func:`mask_sensitive` before it is saved,
and the number of masked items is kept.

What is masked
--------------
* **Card numbers**: 13–19 digits that pass the Luhn check, written together
  or in groups joined by any run of separators: spaces (also no-break and
  ideographic), tabs, line breaks, dashes (``-``, ``‐``, ``‑``, ``‒``, ``–``,
  ``—``, ``－``) and dots (``.``, ``．``), so ``4111  1111  1111  1111``,
  ``4111 - 1111 - 1111 - 1111`` and one group a line are all masked.  ASCII
  and full-width digits (``０``–``９``) are both recognised.  Every group
  except the last must have at least 3 digits, as in every real card layout
  (4-4-4-4, 4-6-5, 4-6-4, 4-4-4-4-3); this keeps dates such as
  ``2026-03-01 1250`` from being read as one long number.  Where groups are
  joined by anything but one space or one dash (a run of them, a tab, a line
  break, a dot), they must also follow a card or ID layout: fours (the last
  one to four digits), 4-6-5, 4-6-4 or 6-8-4.  So a card written one group a
  line is masked, while phone numbers one a line, an IP address or
  ``01.03.2026`` are not read as one long number.
* **Resident ID numbers** (GB 11643-1999, 18 characters): 17 digits and a
  check character ``0``–``9`` or ``X``, with a valid ISO 7064 MOD 11-2 check
  and a valid birth date in positions 7–14.  The same grouping rules as cards.
* **Old 15-digit resident ID numbers** carry no check digit, so on their own
  they cannot be told apart from an order or account number.  They are
  masked only when they are written in one piece, have a plausible region
  code and birth date (YYMMDD), *and* directly follow a word that names them
  (``身份证``, ``身份證``, ``证件``, ``ID``, ``identity``), e.g.
  ``身份证号：110105491231002``.  A bare 15-digit number is left alone.

What is deliberately not masked
-------------------------------
* A 13–19 digit number that fails the Luhn check.  It is not a card number
  (every issued card passes Luhn), and masking it would destroy reference
  numbers, timestamps and the like.  A card number with a typo is therefore
  left as typed, which is acceptable: it is not the real number either.
* An unbroken run of 20 or more digits: too long to be a card, so no
  window inside it is examined.
* A group of at most 3 digits right after ``+`` at the start of a run is a
  telephone country code and never starts a card number.
* Amounts, dates, phone numbers and short references contain at most 12
  digits between other punctuation (``,`` ``.`` ``/`` ``(``), so they never
  form a candidate.

Trade-off: a code that happens to contain 13–19 Luhn-valid digits (about one
in ten such codes) is masked.  A false positive costs readability; a false
negative would break a non-negotiable, so the rule leans towards masking.

Masked form
-----------
``[card •••• 1111]`` and ``[ID •••• 002X]``: the kind and the last four
characters, so an officer can still tell which card or person is meant.  The
marker holds only four digits, fenced by non-digits, so it never looks like
a card number and masking the output again changes nothing.  Because the
marker's length differs from the number it replaces, :class:`Masked` lists
where each marker sits in the masked text.

Every regular expression here is linear: the digit-run pattern alternates
disjoint character classes, and the candidate search looks at no more than
19 digits from each group.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

__all__ = [
    "CARD",
    "RESIDENT_ID",
    "Masked",
    "Span",
    "luhn_valid",
    "mask_fields",
    "mask_sensitive",
    "resident_id_valid",
]

CARD = "card"
RESIDENT_ID = "resident_id"

_MARKER_LABEL = {CARD: "card", RESIDENT_ID: "ID"}

_DIGIT_CLASS = "0-9\uff10-\uff19"
# Any run of these may sit between two digit groups.  "-" goes last in the class.
_SEPARATOR_CLASS = " \t\n\r\f\v\u00a0\u2028\u2029\u3000\u2010\u2011\u2012\u2013\u2014\uff0d.\uff0e-"
# A single one of these between two groups is the usual way of writing a
# number; anything else between groups asks for a card or ID layout.
_NARROW_SEPARATORS = frozenset(" \u00a0\u3000\u2010\u2011\u2012\u2013\uff0d-")
_WIDE_LAYOUTS = frozenset({(4, 6, 5), (4, 6, 4), (6, 8, 4), (6, 8, 3)})
_CHECK_X_CLASS = "Xx\uff38\uff58"
_WORD_CLASS = "A-Za-z0-9\uff10-\uff19\uff21-\uff3a\uff41-\uff5a"

# A maximal run of digit groups joined by runs of separators, optionally ended
# by an ID check character X (not when X starts a word, as in "0xFF").
_RUN = re.compile(
    rf"[{_DIGIT_CLASS}](?:[{_SEPARATOR_CLASS}]*[{_DIGIT_CLASS}])*"
    rf"(?:[{_CHECK_X_CLASS}](?![{_WORD_CLASS}]))?"
)
_GROUP = re.compile(rf"[{_DIGIT_CLASS}]+")

# Words that, right before a 15-digit number, say it is an old resident ID.
_ID_CONTEXT = re.compile(
    r"(?:身份证|身份證|证件|證件|(?<![A-Za-z])(?:ID|I\.D\.|(?i:identity))(?![A-Za-z]))"
    rf"[^{_DIGIT_CLASS}\[\]]{{0,16}}\Z"
)
_ID_CONTEXT_REACH = 40

_TO_ASCII = str.maketrans(
    "０１２３４５６７８９Ｘｘx", "0123456789XXX"
)

_CARD_MIN, _CARD_MAX = 13, 19
_MIN_INNER_GROUP = 3
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


class Span(NamedTuple):
    """Where a marker sits in the masked text: ``text[start:end]``."""

    start: int
    end: int
    kind: str  # CARD or RESIDENT_ID


@dataclass(frozen=True)
class Masked:
    text: str
    count: int
    spans: tuple[Span, ...]


def luhn_valid(digits: str) -> bool:
    """Luhn (mod 10) check of an ASCII digit string."""
    if not digits.isascii() or not digits.isdigit():
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if position % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _birth_date_valid(year: int, month: int, day: int) -> bool:
    if not 1900 <= year <= 2099:
        return False
    try:
        _dt.date(year, month, day)
    except ValueError:
        return False
    return True


def resident_id_valid(number: str) -> bool:
    """Whether ``number`` is an 18-character resident ID (GB 11643-1999).

    Checks the ISO 7064 MOD 11-2 check character (``X`` stands for 10, in
    either case) and that positions 7–14 are a real date.
    """
    number = number.translate(_TO_ASCII)
    if len(number) != 18 or not number[:17].isascii() or not number[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS))
    if _ID_CHECK[total % 11] != number[17]:
        return False
    return _birth_date_valid(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def _old_resident_id_plausible(number: str) -> bool:
    # Region codes begin with 1-8 (11 Beijing .. 82 Macao); birth date YYMMDD.
    return (
        len(number) == 15
        and number[0] in "12345678"
        and _birth_date_valid(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12]))
    )


class _Group(NamedTuple):
    start: int
    end: int  # end of the digits (a trailing X is not included)
    digits: str  # ASCII


class _Candidate(NamedTuple):
    first: int  # index of the first group
    last: int  # index of the last group
    start: int
    end: int
    kind: str
    tail: str  # last four characters, ASCII


def _candidates(text: str, run: re.Match[str]) -> list[list[_Candidate]]:
    """Every maskable number in one run, indexed by its first group."""
    has_x = run.group()[-1] in "Xx\uff38\uff58"
    run_end = run.end()
    groups = [
        _Group(m.start(), m.end(), m.group().translate(_TO_ASCII))
        for m in _GROUP.finditer(text, run.start(), run_end - 1 if has_x else run_end)
    ]
    country_code = (
        run.start() > 0 and text[run.start() - 1] == "+" and len(groups[0].digits) <= 3
    )
    wide = [False] + [
        text[groups[i - 1].end : groups[i].start] not in _NARROW_SEPARATORS for i in range(1, len(groups))
    ]
    found: list[list[_Candidate]] = [[] for _ in groups]
    for first in range(len(groups)):
        if first == 0 and country_code:
            continue
        digits = ""
        any_wide = False
        for last in range(first, len(groups)):
            if last > first and len(groups[last - 1].digits) < _MIN_INNER_GROUP:
                break
            digits += groups[last].digits
            if len(digits) > _CARD_MAX:
                break
            any_wide = any_wide or (last > first and wide[last])
            if any_wide and not _card_layout([len(g.digits) for g in groups[first : last + 1]]):
                continue
            start, end = groups[first].start, groups[last].end
            if has_x and last == len(groups) - 1 and len(digits) == 17:
                if resident_id_valid(digits + "X"):
                    found[first].append(
                        _Candidate(first, last, start, run_end, RESIDENT_ID, digits[-3:] + "X")
                    )
            if len(digits) == 18 and resident_id_valid(digits):
                found[first].append(_Candidate(first, last, start, end, RESIDENT_ID, digits[-4:]))
            elif len(digits) >= _CARD_MIN and luhn_valid(digits):
                found[first].append(_Candidate(first, last, start, end, CARD, digits[-4:]))
            elif (
                first == 0
                and last == 0
                and _old_resident_id_plausible(digits)
                and _ID_CONTEXT.search(text, max(0, start - _ID_CONTEXT_REACH), start)
            ):
                found[first].append(_Candidate(first, last, start, end, RESIDENT_ID, digits[-4:]))
    return found


def _card_layout(lengths: list[int]) -> bool:
    """Whether digit groups of these lengths are laid out like a card or ID number."""
    if all(n == 4 for n in lengths[:-1]) and 1 <= lengths[-1] <= 4:
        return True
    return tuple(lengths) in _WIDE_LAYOUTS


def _choose(found: list[list[_Candidate]]) -> list[_Candidate]:
    """Non-overlapping candidates covering the most characters.

    Adjacent numbers can share digits (a phone number run into a card number
    with one space); taking the cover that masks the most characters never
    leaves part of a real card in the clear when a whole one fits.
    """
    n = len(found)
    best = [0] * (n + 1)
    pick: list[_Candidate | None] = [None] * (n + 1)
    for first in range(n - 1, -1, -1):
        best[first], pick[first] = best[first + 1], None
        for candidate in found[first]:
            score = (candidate.end - candidate.start) + best[candidate.last + 1]
            if score > best[first]:
                best[first], pick[first] = score, candidate
    chosen = []
    first = 0
    while first < n:
        candidate = pick[first]
        if candidate is None:
            first += 1
        else:
            chosen.append(candidate)
            first = candidate.last + 1
    return chosen


def _marker(kind: str, tail: str) -> str:
    return f"[{_MARKER_LABEL[kind]} •••• {tail}]"


def mask_sensitive(text: str) -> Masked:
    """Mask card numbers and resident ID numbers in ``text``.

    Returns the masked text, how many numbers were masked, and the span of
    each marker in the masked text.  Idempotent: masking the result again
    finds nothing.
    """
    if not isinstance(text, str):
        raise TypeError(f"mask_sensitive expects text, not {type(text).__name__}")
    pieces: list[str] = []
    spans: list[Span] = []
    length = 0
    copied_to = 0
    for run in _RUN.finditer(text):
        if run.end() - run.start() < _CARD_MIN:
            continue  # fewer digits than the shortest maskable number
        found = _candidates(text, run)
        for candidate in _choose(found):
            before = text[copied_to : candidate.start]
            marker = _marker(candidate.kind, candidate.tail)
            pieces += (before, marker)
            length += len(before)
            spans.append(Span(length, length + len(marker), candidate.kind))
            length += len(marker)
            copied_to = candidate.end
    if not spans:
        return Masked(text, 0, ())
    pieces.append(text[copied_to:])
    return Masked("".join(pieces), len(spans), tuple(spans))


def mask_fields(fields: Mapping[str, str | None]) -> tuple[dict[str, str | None], int]:
    """Mask every free-text value of ``fields``; ``None`` passes through.

    Returns the masked fields (a new dict, same keys and order) and the total
    number of items masked across them.
    """
    masked: dict[str, str | None] = {}
    total = 0
    for name, value in fields.items():
        if value is None:
            masked[name] = None
            continue
        if not isinstance(value, str):
            raise TypeError(
                f"field {name!r} must be text or None, not {type(value).__name__}"
            )
        result = mask_sensitive(value)
        masked[name] = result.text
        total += result.count
    return masked, total
