"""Safety help after a complaint that mentions violence or self-harm.

The classifier's evidence (stored on the complaint as ``routing["evidence"]``,
each item with the ``label`` of the rule that fired) says whether the
narrative carries a violence or self-harm signal; ``portal/safety/help.toml``
holds the emergency number and crisis lines of each jurisdiction. Pure: no
Flask.
"""
from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

HELP_FILE = Path(__file__).resolve().parent.parent / "safety" / "help.toml"

# Rule labels (classifiers/rules.py CRITICAL_SIGNALS) that call for safety help.
SAFETY_SIGNALS = ("violence_threat", "self_harm")
# A complaint the trained model made critical where no rule did: the words it
# read (its evidence, labelled with the urgency or ``critical_unsure``) may be
# a self-harm or violence mention said in a way no rule knows, so help is shown.
MODEL_CRITICAL = "model_critical"
_MODEL_CRITICAL_LABELS = frozenset({"critical", "critical_unsure"})


@dataclass(frozen=True)
class HelpLine:
    kind: str  # emergency | crisis
    number: str
    name: str


@dataclass(frozen=True)
class SafetyHelp:
    country: str
    lines: tuple[HelpLine, ...]


def safety_signals(routing: Mapping[str, Any] | None) -> tuple[str, ...]:
    """The safety signals in a stored routing result, in SAFETY_SIGNALS order,
    then MODEL_CRITICAL when the model alone made the complaint critical."""
    evidence: Iterable = (routing or {}).get("evidence") or ()
    items = [item for item in evidence if isinstance(item, Mapping)]
    labels = {item.get("label") for item in items if item.get("source", "rule") == "rule"}
    found = tuple(signal for signal in SAFETY_SIGNALS if signal in labels)
    if (routing or {}).get("urgency") == "critical" and any(
        item.get("source") == "model" and item.get("label") in _MODEL_CRITICAL_LABELS for item in items
    ):
        found += (MODEL_CRITICAL,)
    return found


@functools.lru_cache(maxsize=4)
def _read(path: Path) -> dict[str, Any]:
    with open(path, "rb") as handle:
        return tomllib.load(handle)


def safety_help(profile_id: str, language: str, path: Path = HELP_FILE) -> SafetyHelp | None:
    """The help lines for where the cardholder lives, in ``language`` (None if none on file)."""
    entry = _read(path).get(profile_id)
    if not entry:
        return None
    key = "zh" if language == "zh_Hans" else "en"
    lines = tuple(
        HelpLine(kind=line["kind"], number=line["number"], name=line["name"].get(key) or line["name"]["en"])
        for line in entry.get("lines", ())
    )
    return SafetyHelp(country=entry["country"].get(key) or entry["country"]["en"], lines=lines)
