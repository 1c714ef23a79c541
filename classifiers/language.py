"""Language detection for complaint narratives: ``en``, ``zh`` or ``mixed``.

Counting rule (documented in classifiers/data/README.md):
every CJK ideograph counts as one unit of Chinese and every run of Latin
letters as one unit of English (the placeholders XNAME, XDATE, XAMOUNT and
CFPB's ``XXXX`` are ignored). With ``share`` = Chinese units / all units,
the text is ``zh`` when share >= 0.75, ``en`` when share <= 0.25 and
``mixed`` otherwise. Text with no letters at all (only digits or
punctuation) is reported as ``en``.
"""

from __future__ import annotations

import re

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]+")
_IGNORED = frozenset({"XNAME", "XDATE", "XAMOUNT", "XXXX", "XX"})

ZH_AT_LEAST = 0.75
EN_AT_MOST = 0.25


def script_units(text: str) -> tuple[int, int]:
    """Return (chinese_units, english_units) of ``text``."""
    zh = len(_CJK.findall(text))
    if not zh:
        return 0, 1 if _LATIN_WORD.search(text) else 0
    en = sum(1 for w in _LATIN_WORD.findall(text) if w not in _IGNORED)
    return zh, en


def chinese_share(text: str) -> float:
    """Chinese units / all units (0.0 for text without letters)."""
    zh, en = script_units(text)
    total = zh + en
    return zh / total if total else 0.0


def detect_language(text: str) -> str:
    """Return ``"en"``, ``"zh"`` or ``"mixed"`` for ``text``."""
    share = chinese_share(text)
    if share >= ZH_AT_LEAST:
        return "zh"
    if share <= EN_AT_MOST:
        return "en"
    return "mixed"
