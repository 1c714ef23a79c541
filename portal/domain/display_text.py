"""How stored text reads to a person in their language. Pure: no Flask.

Masking (classifiers/redaction.py) writes language-neutral markers into the
stored text, ``[card •••• 1111]`` and ``[ID •••• 002X]``; a Chinese reader,
or anyone reading a Chinese narrative, sees them as ``[卡号 •••• 1111]`` and
``[身份证号 •••• 002X]``. The stored text never changes.
"""
from __future__ import annotations

import re

_MARKER = re.compile(r"\[(card|ID) •••• ([0-9Xx]{1,4})\]")
_ZH_MARKER = {"card": "卡号", "ID": "身份证号"}
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def has_chinese(text: str) -> bool:
    return bool(_CJK.search(text or ""))


def localise_mask_markers(text: str | None, language: str) -> str:
    """``text`` with its mask markers in Chinese where Chinese is read."""
    if not text:
        return text or ""
    if language != "zh_Hans" and not has_chinese(text):
        return text
    return _MARKER.sub(lambda m: f"[{_ZH_MARKER[m.group(1)]} •••• {m.group(2)}]", text)


_ZH_TO_STORED = {v: k for k, v in _ZH_MARKER.items()}
_LOCAL_MARKER = re.compile(r"\[(卡号|身份证号) •••• ([0-9Xx]{1,4})\]")


def stored_mask_markers(text: str | None) -> str:
    """``text`` with markers shown in Chinese back in their stored form (a
    draft refilled in Chinese and sent again keeps the markers it had)."""
    if not text:
        return text or ""
    return _LOCAL_MARKER.sub(lambda m: f"[{_ZH_TO_STORED[m.group(1)]} •••• {m.group(2)}]", text)


# Time zones named so nobody has to guess: "CST" is China Standard Time to
# some readers and US Central to others, so it is never shown.
ZONE_NAMES = {
    "Asia/Shanghai": {"en": "Beijing time", "zh_Hans": "北京时间"},
    "Asia/Chongqing": {"en": "Beijing time", "zh_Hans": "北京时间"},
    "Asia/Hong_Kong": {"en": "Hong Kong time", "zh_Hans": "香港时间"},
    "Asia/Taipei": {"en": "Taipei time", "zh_Hans": "台北时间"},
    "America/Chicago": {"en": "US Central time", "zh_Hans": "美国中部时间"},  # its "CST" is ambiguous
}
_AMBIGUOUS = {"CST", "IST", "AST"}


def zone_name(zone_key: str | None, abbreviation: str | None, language: str) -> str:
    """A clear name for a zone: "北京时间", "Beijing time", "EST", "Asia/Kolkata"."""
    named = ZONE_NAMES.get(zone_key or "", {}).get(language)
    if named:
        return named
    abbreviation = abbreviation or "UTC"
    if abbreviation[:1] in "+-":
        return f"UTC{abbreviation}"
    if abbreviation in _AMBIGUOUS:
        return zone_key or abbreviation
    return abbreviation


def zone_title(zone_key: str, language: str) -> str:
    """A zone named in words for a heading, with its IANA name where words
    alone could mislead: "Eastern Time (America/New_York)",
    "北美东部时间（America/New_York）", "Beijing time", "UTC"."""
    named = ZONE_NAMES.get(zone_key, {}).get(language)
    if named:
        return named
    if zone_key in ("UTC", "Etc/UTC"):
        return "UTC"
    from babel.dates import get_timezone, get_timezone_name

    try:
        words = get_timezone_name(get_timezone(zone_key), locale=language)
    except (LookupError, ValueError):
        return zone_key
    if language.startswith("zh"):
        return f"{words}（{zone_key}）"
    return f"{words} ({zone_key})"


# Characters a screen shows two columns wide: CJK ideographs and punctuation,
# full-width forms.
_WIDE = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")


def snippet(text: str | None, width: int = 110) -> str:
    """The start of ``text`` in about ``width`` columns, ending with "…" when
    cut: a Chinese character takes two columns (as on screen), and English
    is cut at a space, Chinese anywhere."""
    text = " ".join((text or "").split())
    used = 0
    for i, ch in enumerate(text):
        used += 2 if _WIDE.match(ch) else 1
        if used > width:
            head = text[:i]
            if not _WIDE.match(ch) and " " in head[-20:]:
                head = head.rsplit(" ", 1)[0]
            return head.rstrip(" ,.;，。；、") + "…"
    return text
