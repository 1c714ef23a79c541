"""The SPEC section 8 command-line contract."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PREDICT_KEYS = {"category", "urgency", "language", "scores", "urgency_scores", "evidence", "model_version"}


def run(args, stdin=""):
    return subprocess.run([sys.executable, "-m", "classifiers", *args], input=stdin, cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def test_predict_writes_one_object_a_line(router):
    lines = [{"text": "They keep calling me at work."}, {"text": "他们说明天来抓我。"}]
    res = run(["predict"], "\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n")
    assert res.returncode == 0, res.stderr
    out = [json.loads(line) for line in res.stdout.splitlines()]
    assert len(out) == 2
    for obj in out:
        assert set(obj) == PREDICT_KEYS
        for e in obj["evidence"]:
            assert set(e) == {"label", "text", "start", "end", "source"}
    assert out[1]["urgency"] == "critical"
    assert out[0]["model_version"] == router.model_version


def test_predict_reports_bad_lines_without_a_traceback(router):
    res = run(["predict"], 'not json\n{"txt": 1}\n{"text": "ok"}\n')
    assert res.returncode == 1
    out = [json.loads(line) for line in res.stdout.splitlines()]
    assert "error" in out[0] and "line 1" in out[0]["error"]
    assert "error" in out[1] and "line 2" in out[1]["error"]
    assert set(out[2]) == PREDICT_KEYS
    assert "Traceback" not in res.stderr


def test_evaluate_prints_the_report(router, tmp_path):
    f = tmp_path / "eval.jsonl"
    rows = [
        {"text": "This is not my debt, identity theft.", "category": "not_owed", "urgency": "normal"},
        {"text": "他们说明天来抓我去坐牢。", "category": "threats", "urgency": "critical"},
        {"text": "How do I set up a payment plan?", "category": "other"},
    ]
    f.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    res = run(["evaluate", str(f)])
    assert res.returncode == 0, res.stderr
    report = json.loads(res.stdout)
    for key in ("n", "accuracy", "macro_f1", "per_class", "confusion"):
        assert key in report
        assert key in report["urgency"]
    assert report["n"] == 3 and report["urgency"]["n"] == 2
    assert 0.0 <= report["accuracy"] <= 1.0


def test_evaluate_rejects_bad_files_clearly(tmp_path):
    res = run(["evaluate", str(tmp_path / "missing.jsonl")])
    assert res.returncode == 2 and "no such file" in res.stderr
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "x"}\n', encoding="utf-8")
    res = run(["evaluate", str(bad)])
    assert res.returncode == 2 and '"category"' in res.stderr and "Traceback" not in res.stderr


def test_train_if_stale_is_a_fast_no_op(router):
    res = run(["train", "--if-stale"])
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout) == {"model_version": router.model_version, "trained": False}
