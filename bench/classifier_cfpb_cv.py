"""How much the CFPB train rows should count: 5-fold cross-validation within
the CFPB train split (the test split is never read).

    .venv/bin/python bench/classifier_cfpb_cv.py [FACTOR ...]     (default: 1 3 6)

For each repeat factor (``corpora.train.cfpb_repeat`` in classifiers/config.cfg)
and each fold, the English pipeline is trained on every written and template
row plus the CFPB train rows outside the fold, and scored on the fold's rows
(accuracy and macro-F1 over the five CFPB classes, as bench/classifier.py
scores the test split). The written corpus's dev slice and the blind
calibration set are scored too, so a factor that helps CFPB at the written
rows' expense shows. Two folds train at a time; about 40 s per model.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _HERE]
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
FIVE = ["harassment", "threats", "not_owed", "wrong_amount", "verification"]
FOLDS = 5


def fold_of(row_id: str) -> int:
    return int(hashlib.sha256(row_id.encode()).hexdigest()[:8], 16) % FOLDS


def run_fold(args: tuple[int, int]) -> dict:
    factor, fold = args
    from classifiers import model
    from classifiers.normalize import normalize_text

    src = model.DATA_DIR
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        for name in ("own.jsonl", "written.jsonl", "calibration_blind.jsonl"):
            shutil.copy(src / name, data / name)
        cfpb = model.read_jsonl(src / "cfpb_train.jsonl")
        held = [r for r in cfpb if r.get("split") == "train" and fold_of(r["id"]) == fold]
        with (data / "cfpb_train.jsonl").open("w", encoding="utf-8") as fh:
            for r in cfpb:
                if r not in held:
                    fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        nlp = model.train_language("en", data, overrides={"corpora.train.cfpb_repeat": factor})
        feats = model.Featurizer(nlp, "en")

        def category(text: str) -> str:
            doc, _hits = feats.doc(normalize_text(text))
            for _name, proc in nlp.pipeline:
                doc = proc(doc)
            return max(model.CATEGORIES, key=lambda c: doc.cats.get(c, 0.0))

        dev = [r for r in model.dev_rows(data, "en")]
        blind = [r for r in model.read_jsonl(data / "calibration_blind.jsonl") if r["language"] == "en"]
        return {
            "factor": factor,
            "gold": [r["category"] for r in held],
            "pred": [category(r["text"]) for r in held],
            "dev": sum(category(r["text"]) == r["category"] for r in dev) / max(1, len(dev)),
            "blind": sum(category(r["text"]) == r["category"] for r in blind) / max(1, len(blind)),
        }


def main(argv: list[str]) -> int:
    from classifiers.metrics import classification_report

    factors = [int(a) for a in argv] or [1, 3, 6]
    jobs = [(f, k) for f in factors for k in range(FOLDS)]
    with ProcessPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(run_fold, jobs))
    print("| CFPB repeat | CFPB train, 5-fold: accuracy | macro-F1 (5 classes) | written dev: accuracy | blind calibration: accuracy |")
    print("|---|---|---|---|---|")
    for f in factors:
        mine = [r for r in results if r["factor"] == f]
        gold = [g for r in mine for g in r["gold"]]
        pred = [p for r in mine for p in r["pred"]]
        keep = [i for i, g in enumerate(gold) if g in FIVE]
        rep = classification_report([gold[i] for i in keep], [pred[i] for i in keep], FIVE)
        dev = sum(r["dev"] for r in mine) / len(mine)
        blind = sum(r["blind"] for r in mine) / len(mine)
        print(f"| {f} | {rep['accuracy']:.3f} | {rep['macro_f1']:.3f} | {dev:.3f} | {blind:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
