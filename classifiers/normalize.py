"""Normalisation shared by training and prediction.

CFPB narratives are redacted (``XXXX`` for names, ``XX/XX/XXXX`` for dates,
``{$1200.00}`` for amounts) while portal narratives carry real names, dates
and amounts. Both are mapped to the same placeholders so that the model sees
one vocabulary: dates -> ``XDATE``, money amounts -> ``XAMOUNT``, CFPB name
redactions -> ``XNAME`` (tokens no real word collides with). The result remembers every replacement so offsets in
the normalised text can be mapped back to the text that was given.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

_PATTERN = re.compile(
    # Every match starts with one of X, a digit, "{" or "$": the pattern
    # starts with that class, so the scan skips quickly over ordinary
    # characters, and each kind checks the first character again
    # ("(?<!\w.)" is the word boundary before it).
    r"[X\d{$](?:"
    r"(?<!\w.)(?<=[X\d])(?P<date>[X\d]{0,3}/[X\d]{1,4}/[X\d]{2,4}\b)"
    r"|(?P<amount>(?<=\{)\$[\d,]*(?:\.\d+)?\}|(?<=\$)\s?\d[\d,]*(?:\.\d+)?)"
    r"|(?<!\w.)(?<=X)(?P<name>X+(?:[ \t]+X{2,})*\b))"
)
# The same matches as this plainer form:
# (?P<date>\b[X\d]{1,4}/[X\d]{1,4}/[X\d]{2,4}\b)
# |(?P<amount>\{\$[\d,]*(?:\.\d+)?\}|\$\s?\d[\d,]*(?:\.\d+)?)
# |(?P<name>\bX{2,}(?:[ \t]+X{2,})*\b)
_REPLACEMENT = {"date": "XDATE", "amount": "XAMOUNT", "name": "XNAME"}


@dataclass(frozen=True)
class Normalized:
    text: str
    original: str
    # Parallel lists, one entry per replacement, in text order.
    norm_starts: tuple[int, ...]
    norm_ends: tuple[int, ...]
    orig_starts: tuple[int, ...]
    orig_ends: tuple[int, ...]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) span of the normalised text to the original."""
        return self._map(start, is_end=False), self._map(end, is_end=True)

    def _map(self, pos: int, *, is_end: bool) -> int:
        if not self.norm_starts:
            return pos
        # Index of the last replacement that starts at or before pos.
        i = bisect.bisect_right(self.norm_starts, pos) - 1
        if i < 0:
            return pos
        ns, ne = self.norm_starts[i], self.norm_ends[i]
        if is_end and pos == ns:
            # An end exactly at a replacement start belongs to what precedes it.
            if i == 0:
                return pos
            i -= 1
            ns, ne = self.norm_starts[i], self.norm_ends[i]
        if ns < pos < ne or (pos == ns and not is_end):
            return self.orig_starts[i] if not is_end else self.orig_ends[i]
        if pos == ne and is_end:
            return self.orig_ends[i]
        return pos + (self.orig_ends[i] - ne)


def normalize(text: str) -> Normalized:
    pieces: list[str] = []
    ns: list[int] = []
    ne: list[int] = []
    os_: list[int] = []
    oe: list[int] = []
    last = 0
    length = 0
    for m in _PATTERN.finditer(text):
        start, end = m.span()
        repl = _REPLACEMENT[m.lastgroup or "name"]
        if start > last:
            pieces.append(text[last:start])
            length += start - last
        ns.append(length)
        pieces.append(repl)
        length += len(repl)
        ne.append(length)
        os_.append(start)
        oe.append(end)
        last = end
    if not ns:
        return Normalized(text=text, original=text, norm_starts=(), norm_ends=(), orig_starts=(), orig_ends=())
    pieces.append(text[last:])
    return Normalized(
        text="".join(pieces),
        original=text,
        norm_starts=tuple(ns),
        norm_ends=tuple(ne),
        orig_starts=tuple(os_),
        orig_ends=tuple(oe),
    )


def normalize_text(text: str) -> str:
    return normalize(text).text
