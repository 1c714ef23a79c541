"""How the urgency is chosen from the calibrated model scores and the rule floor.

Pure functions (no spaCy), shared by the router and by training, which picks
the critical weight on the dev slice with exactly this decision.

1. ``probs`` are the urgency model's calibrated probabilities.
2. Recall of critical comes first: the critical probability is multiplied by
   ``critical_weight`` (chosen at training, >= 1) and the scores are
   renormalised, so a complaint the model finds about as likely critical as
   high is routed critical. When this weighting is what made it critical the
   decision is reported as *unsure* (the router adds a ``critical_unsure``
   evidence line).
3. The most critical sentence: the urgency model also scores each sentence
   alone (``sentences.py``); when one sentence's critical probability is at
   least ``sentence_threshold`` (chosen at training) and above the
   complaint's, the complaint's critical probability is raised to it and the
   other levels scaled down to share the rest, so one self-harm sentence in a
   long dispute is not outweighed by the dispute's words. Routed critical this
   way, with the whole complaint not critical, is *unsure* too.
4. The rule floor: urgency is never lower than what the phrase rules say
   (SPEC section 3), so the levels below the floor get score 0 and the rest
   are renormalised. The routed urgency is the level with the highest
   resulting score, and those scores are what is stored and shown: the chosen
   level always shows the highest score.
"""

from __future__ import annotations

from collections.abc import Iterable

URGENCIES: tuple[str, ...] = ("critical", "high", "normal", "low")
RANK: dict[str, int] = {"low": 0, "normal": 1, "high": 2, "critical": 3}


def _normalised(scores: dict[str, float]) -> dict[str, float]:
    total = sum(scores.values())
    if total <= 0:
        return {u: (1.0 if u == "normal" else 0.0) for u in scores}
    return {u: v / total for u, v in scores.items()}


def _top(scores: dict[str, float]) -> str:
    # Ties go to the more urgent level.
    return max(URGENCIES, key=lambda u: (scores[u], RANK[u]))


def decide_urgency(probs: dict[str, float], floor_levels: Iterable[str],
                   critical_weight: float = 1.0, sentence_critical: float = 0.0,
                   sentence_threshold: float | None = None) -> tuple[str, dict[str, float], bool]:
    """(urgency, scores shown, unsure) for calibrated ``probs``, the urgency
    levels the rules that fired imply (``floor_levels``) and the critical
    probability of the complaint's most critical sentence."""
    floor = max((RANK[f] for f in floor_levels), default=0)

    def conditioned(scores: dict[str, float]) -> dict[str, float]:
        return _normalised({u: (scores.get(u, 0.0) if RANK[u] >= floor else 0.0) for u in URGENCIES})

    weighted = _normalised({u: probs.get(u, 0.0) * (critical_weight if u == "critical" else 1.0)
                            for u in URGENCIES})
    if sentence_threshold is not None and sentence_critical >= sentence_threshold \
            and sentence_critical > weighted["critical"]:
        rest = 1.0 - weighted["critical"]
        scale = (1.0 - sentence_critical) / rest if rest > 0 else 0.0
        weighted = {u: (sentence_critical if u == "critical" else v * scale) for u, v in weighted.items()}
    shown = conditioned(weighted)
    urgency = _top(shown)
    unsure = (urgency == "critical" and floor < RANK["critical"]
              and _top(conditioned(probs)) != "critical")
    return urgency, shown, unsure
