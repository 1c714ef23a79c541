"""Snapshot of the router's outputs, to check that a change to the inference
path leaves every routing exactly as it was.

    .venv/bin/python bench/classifier_outputs.py save  FILE
    .venv/bin/python bench/classifier_outputs.py check FILE

Routes every narrative of the CFPB unlabeled and debt-collection files and of
``classifiers/data/heldout_blind.jsonl``, ``calibration_blind.jsonl`` and
``written.jsonl`` (both languages) and records, per text, the Routing
(category, urgency, language, rounded scores, evidence with labels, offsets
and text, signals, rule urgency, masked text and count), the unrounded
calibrated scores of both components (compared to 1e-9) and the conduct
scan's evidence. ``check`` reports every text whose record differs.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _HERE]
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CFPB = Path(os.environ.get("REDRESS_CFPB_DIR") or ROOT.parent / "shared" / "data" / "cfpb")
SOURCES = {
    "unlabeled": CFPB / "unlabeled.jsonl",
    "debt_collection": CFPB / "debt_collection.jsonl",
    "heldout_blind": ROOT / "classifiers" / "data" / "heldout_blind.jsonl",
    "calibration_blind": ROOT / "classifiers" / "data" / "calibration_blind.jsonl",
    "written": ROOT / "classifiers" / "data" / "written.jsonl",
}
TOLERANCE = 1e-9


def read_texts(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line)["text"] for line in fh if line.strip()]


def snapshot() -> dict[str, list[dict]]:
    import classifiers
    from classifiers import router as router_mod

    router = classifiers.get_router()
    calls: list[dict] = []
    decide_text, decide = router_mod.Router._decide, router_mod.decide_urgency

    def recording_decide_text(self, masked_text, masked_count, norm, lang, docs):
        # Each language's calibrated scores (Chinese first in a mixed complaint).
        for lg in (("zh", "en") if lang == "mixed" else (lang,)):
            for component in ("textcat", "urgency"):
                calls.append({"temper": dict(docs[lg].user_data[router_mod.CALIBRATED_KEY][component])})
        return decide_text(self, masked_text, masked_count, norm, lang, docs)

    def recording_decide(probs, floor, weight, *sentence):
        out = decide(probs, floor, weight, *sentence)
        if sentence:  # the decision (a call without the sentence pass only checks it)
            calls.append({"probs": dict(probs), "sentence": list(sentence), "shown": out[1]})
        return out

    router_mod.Router._decide, router_mod.decide_urgency = recording_decide_text, recording_decide
    try:
        out: dict[str, list[dict]] = {}
        for name, path in SOURCES.items():
            texts = read_texts(path)
            calls.clear()
            routed = router.route_many(texts)
            # Each text's calibrated scores come before its urgency decision.
            per_text: list[list[dict]] = [[]]
            for call in calls:
                per_text[-1].append(call)
                if "shown" in call:
                    per_text.append([])
            records = []
            for text, r, raw in zip(texts, routed, per_text):
                rec = r.to_dict()
                rec.pop("model_version")
                rec["rule_urgency"] = r.rule_urgency
                rec["signals"] = list(r.signals)
                rec["raw"] = raw
                rec["conduct"] = [e.to_dict() for e in router.scan_conduct_language(text)]
                records.append(rec)
            out[name] = records
        return out
    finally:
        router_mod.Router._decide, router_mod.decide_urgency = decide_text, decide


def _same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return isinstance(a, (int, float)) and isinstance(b, (int, float)) and abs(a - b) <= TOLERANCE
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[1] not in ("save", "check"):
        print(__doc__, file=sys.stderr)
        return 2
    path = Path(argv[2])
    current = snapshot()
    if argv[1] == "save":
        path.write_text(json.dumps(current, ensure_ascii=False), encoding="utf-8")
        print(f"saved {sum(len(v) for v in current.values())} records to {path}")
        return 0
    saved = json.loads(path.read_text(encoding="utf-8"))
    bad = 0
    for name, records in saved.items():
        now = current.get(name, [])
        if len(now) != len(records):
            print(f"{name}: {len(records)} records saved, {len(now)} now")
            bad += 1
            continue
        for i, (a, b) in enumerate(zip(records, now)):
            if not _same(a, b):
                bad += 1
                if bad <= 10:
                    keys = [k for k in a if not _same(a.get(k), b.get(k))]
                    print(f"{name}[{i}] differs in {keys}")
                    for k in keys[:2]:
                        print(f"  saved: {json.dumps(a.get(k), ensure_ascii=False)[:400]}")
                        print(f"  now:   {json.dumps(b.get(k), ensure_ascii=False)[:400]}")
    total = sum(len(v) for v in saved.values())
    print(f"{total - bad} of {total} records identical" + ("" if not bad else f", {bad} differ"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
