"""The retraining loop: officers' corrections merged with ``train --feedback``,
and the held-out check that keeps the old model when the new one is worse.

Runs on a small copy of the corpus so each training takes seconds.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from classifiers import get_router, model, version

ROOT = Path(__file__).resolve().parents[2]


def run(args):
    return subprocess.run([sys.executable, "-m", "classifiers", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)


def write_jsonl(path: Path, rows) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


@pytest.fixture
def small_data(tmp_path) -> Path:
    """A slice of every corpus file (both languages, train and dev rows)."""
    data = tmp_path / "data"
    data.mkdir()
    own = model.read_jsonl(model.DATA_DIR / "own.jsonl")
    written = model.read_jsonl(model.DATA_DIR / "written.jsonl")
    rows = []
    for lang in ("en", "zh"):
        rows += [r for r in own if r["language"] == lang][:40]
    write_jsonl(data / "own.jsonl", rows)
    rows = []
    for lang in ("en", "zh"):
        rows += [r for r in written if r["language"] == lang and r["split"] == "train"][:60]
        rows += [r for r in written if r["language"] == lang and r["split"] == "dev"][:15]
    write_jsonl(data / "written.jsonl", rows)
    write_jsonl(data / "cfpb_train.jsonl", model.read_jsonl(model.DATA_DIR / "cfpb_train.jsonl")[:30])
    return data


def feedback_line(i: int, text: str, category: str, urgency: str, language: str) -> dict:
    """A line as ``flask --app portal complaints export-feedback`` prints it."""
    return {"id": f"feedback-{i}", "text": text, "category": category, "urgency": urgency,
            "lang": language, "language": language, "source": "officer_feedback",
            "reference": f"RD-{i:06d}", "old_category": "other", "old_urgency": "low",
            "model_version": "0123456789abcdef", "reason": "misrouted", "created_at": "2026-01-05T10:00:00+00:00"}


def test_train_with_feedback_merges_the_corrections_and_trains_on_them(small_data, tmp_path):
    models = tmp_path / "model"
    before = version.compute_version(small_data)
    fb = tmp_path / "export.jsonl"
    write_jsonl(fb, [
        feedback_line(1, "The man said he would send someone to my kid's school to talk to her.",
                      "third_party", "critical", "en"),
        feedback_line(2, "催收员天天给我打电话，还说要到我单位去找我领导。", "harassment", "high", "zh_Hans"),
    ])
    res = run(["--model-dir", str(models), "train", "--data-dir", str(small_data), "--feedback", str(fb)])
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["trained"] and out["installed"]
    stored = model.read_jsonl(small_data / "feedback.jsonl")
    assert [r["id"] for r in stored] == ["feedback-1", "feedback-2"]
    # The corrections are part of the corpus: they change the version and train.
    assert out["model_version"] == version.compute_version(small_data) != before
    assert version.stored_version(models) == out["model_version"]
    zh_rows = model.training_rows(small_data, "zh", 1)
    assert sum(r["text"].startswith("催收员天天") for r in zh_rows) == 2  # weighted twice
    assert get_router(models).route("They keep calling me.").model_version == out["model_version"]

    # The same export again stores nothing twice; a later correction replaces the earlier one.
    write_jsonl(fb, [feedback_line(2, "催收员天天给我打电话，还说要到我单位去找我领导。", "third_party", "high", "zh_Hans")])
    res = run(["--model-dir", str(models), "train", "--data-dir", str(small_data), "--feedback", str(fb), "--force"])
    assert res.returncode == 0, res.stderr
    stored = model.read_jsonl(small_data / "feedback.jsonl")
    assert [(r["id"], r["category"]) for r in stored] == [("feedback-1", "third_party"), ("feedback-2", "third_party")]


def test_a_bad_feedback_file_is_refused_and_nothing_is_merged(small_data, tmp_path):
    fb = tmp_path / "export.jsonl"
    fb.write_text(json.dumps(feedback_line(1, "ok", "other", "low", "en")) + "\n"
                  + json.dumps(feedback_line(2, "bad", "angry_calls", "low", "en")) + "\n", encoding="utf-8")
    res = run(["--model-dir", str(tmp_path / "model"), "train", "--data-dir", str(small_data), "--feedback", str(fb)])
    assert res.returncode == 2
    assert "line 2" in res.stderr and "angry_calls" in res.stderr and "Traceback" not in res.stderr
    assert not (small_data / "feedback.jsonl").exists()
    assert not (tmp_path / "model").exists()
    res = run(["train", "--data-dir", str(small_data), "--feedback", str(tmp_path / "missing.jsonl")])
    assert res.returncode == 2 and "no such file" in res.stderr


def test_a_worse_model_does_not_replace_the_old_one(small_data, tmp_path):
    models = tmp_path / "model"
    res = run(["--model-dir", str(models), "train", "--data-dir", str(small_data)])
    assert res.returncode == 0, res.stderr
    old_version = version.stored_version(models)
    old = get_router(models)
    # A held-out set the old model gets right (labelled with its own answers) ...
    texts = [r["text"] for r in model.read_jsonl(small_data / "written.jsonl") if r["split"] == "dev"]
    answers = old.route_many(texts)
    held = [{"text": t, "language": a.language if a.language != "mixed" else "en", "category": a.category,
             "urgency": a.urgency, "source": "blind"} for t, a in zip(texts, answers)]
    write_jsonl(small_data / version.HELDOUT_FILE, held)
    # ... and corrections that teach the opposite on those very texts.
    wrong = [feedback_line(i, h["text"], "other" if h["category"] != "other" else "not_owed",
                           "low" if h["urgency"] != "low" else "critical", h["language"])
             for i, h in enumerate(held)]
    fb = tmp_path / "export.jsonl"
    write_jsonl(fb, wrong)
    res = run(["--model-dir", str(models), "train", "--data-dir", str(small_data), "--feedback", str(fb)])
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["installed"] is False
    assert out["heldout"]["old"]["category_accuracy"] == 1.0
    assert out["heldout"]["new"]["category_accuracy"] < 1.0
    assert "kept the old model" in res.stderr
    assert version.stored_version(models) == old_version
    assert get_router(models).model_version == old_version
    # The kept-out build is not retried by --if-stale (make model) ...
    res = run(["--model-dir", str(models), "train", "--data-dir", str(small_data), "--if-stale"])
    assert res.returncode == 0 and json.loads(res.stdout) == {"model_version": old_version, "trained": False}
    # ... and --force installs it.
    res = run(["--model-dir", str(models), "train", "--data-dir", str(small_data), "--force"])
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["installed"] is True
    assert version.stored_version(models) == version.compute_version(small_data) != old_version


def test_cfpb_rows_count_as_often_as_the_config_says(small_data):
    once = model.training_rows(small_data, "en", 1)
    thrice = model.training_rows(small_data, "en", 1, cfpb_repeat=3)
    cfpb_once = [r["id"] for r in once if r.get("source") == "cfpb"]
    assert len(cfpb_once) == 30
    assert sorted(r["id"] for r in thrice if r.get("source") == "cfpb") == sorted(cfpb_once * 3)
    # The extra copies train the category only (a CFPB row's urgency is a weak label).
    extra = [r for r in thrice if r.get(model.CATEGORY_ONLY)]
    assert len(extra) == 60 and all(r["source"] == "cfpb" for r in extra)
    assert set(model.row_cats(extra[0])) == set(model.CATEGORIES)
    assert "critical" in model.row_cats({**extra[0], model.CATEGORY_ONLY: False, "urgency": "normal"})
    # The other rows are untouched, and Chinese has no CFPB rows to repeat.
    assert [r["id"] for r in thrice if r.get("source") != "cfpb"] == [r["id"] for r in once if r.get("source") != "cfpb"]
    assert model.training_rows(small_data, "zh", 1, cfpb_repeat=3) == model.training_rows(small_data, "zh", 1)
