"""Accuracy, macro-F1, per-class figures and confusion matrices."""

from __future__ import annotations

from collections.abc import Sequence


def classification_report(gold: Sequence[str], pred: Sequence[str],
                          labels: Sequence[str] | None = None) -> dict:
    """Report over the rows whose gold label is in ``labels`` (all rows when None).

    ``macro_f1`` averages the F1 of the labels that occur in gold; predictions
    outside ``labels`` count as errors.
    """
    if len(gold) != len(pred):
        raise ValueError("gold and predicted labels differ in length")
    if labels is None:
        labels = sorted(set(gold) | set(pred))
    keep = [(g, p) for g, p in zip(gold, pred) if g in labels]
    n = len(keep)
    correct = sum(1 for g, p in keep if g == p)
    per_class: dict[str, dict] = {}
    present = [lab for lab in labels if any(g == lab for g, _ in keep)]
    for lab in labels:
        tp = sum(1 for g, p in keep if g == lab and p == lab)
        fp = sum(1 for g, p in keep if g != lab and p == lab)
        fn = sum(1 for g, p in keep if g == lab and p != lab)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[lab] = {"precision": round(precision, 4), "recall": round(recall, 4),
                          "f1": round(f1, 4), "support": tp + fn}
    macro = sum(per_class[lab]["f1"] for lab in present) / len(present) if present else 0.0
    confusion: dict[str, dict[str, int]] = {}
    for g, p in keep:
        confusion.setdefault(g, {}).setdefault(p, 0)
        confusion[g][p] += 1
    return {
        "n": n,
        "accuracy": round(correct / n, 4) if n else 0.0,
        "macro_f1": round(macro, 4),
        "per_class": per_class,
        "confusion": {g: dict(sorted(row.items())) for g, row in sorted(confusion.items())},
    }
