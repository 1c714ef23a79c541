"""Plain result types of the classifier (no spaCy objects leak out)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

CATEGORIES: tuple[str, ...] = (
    "harassment",
    "threats",
    "third_party",
    "misrepresentation",
    "wrong_amount",
    "not_owed",
    "verification",
    "other",
)
URGENCIES: tuple[str, ...] = ("critical", "high", "normal", "low")
# Order used to compare urgency levels: a larger rank is more urgent.
URGENCY_RANK: dict[str, int] = {"low": 0, "normal": 1, "high": 2, "critical": 3}
LANGUAGES: tuple[str, ...] = ("en", "zh", "mixed")


@dataclass(frozen=True)
class Evidence:
    """A span of the masked text that drove a decision.

    ``start``/``end`` are character offsets into the *masked* text, so
    ``masked_text[start:end] == text``. ``source`` is ``"rule"`` for a phrase
    rule and ``"model"`` for a word the trained model weighs most.
    """

    label: str
    text: str
    start: int
    end: int
    source: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Routing:
    """Outcome of :func:`classifiers.route` for one complaint narrative."""

    category: str
    urgency: str
    language: str
    scores: dict[str, float]
    urgency_scores: dict[str, float]
    evidence: list[Evidence]
    model_version: str
    masked_text: str
    masked_count: int
    rule_urgency: str | None = None
    signals: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        """The SPEC section 8 ``predict`` object (plus masked text and count)."""
        return {
            "category": self.category,
            "urgency": self.urgency,
            "language": self.language,
            "scores": dict(self.scores),
            "urgency_scores": dict(self.urgency_scores),
            "evidence": [e.to_dict() for e in self.evidence],
            "model_version": self.model_version,
            "masked_text": self.masked_text,
            "masked_count": self.masked_count,
        }
