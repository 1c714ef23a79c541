import pytest

from classifiers.metrics import classification_report


def test_report_figures():
    gold = ["a", "a", "b", "b", "c"]
    pred = ["a", "b", "b", "b", "a"]
    r = classification_report(gold, pred, labels=["a", "b"])
    assert r["n"] == 4  # the "c" row is outside the labels
    assert r["accuracy"] == 0.75
    assert r["per_class"]["a"] == {"precision": 1.0, "recall": 0.5, "f1": pytest.approx(0.6667), "support": 2}
    assert r["per_class"]["b"]["precision"] == pytest.approx(0.6667)
    assert r["macro_f1"] == pytest.approx((0.6667 + 0.8) / 2, abs=1e-4)
    assert r["confusion"] == {"a": {"a": 1, "b": 1}, "b": {"b": 2}}


def test_lengths_must_match():
    with pytest.raises(ValueError):
        classification_report(["a"], [])
