"""Command line: ``python -m classifiers train|predict|evaluate``.

* ``train [--if-stale] [--model-dir DIR] [--limit N]`` rebuilds the model from
  the corpus in the repository (``--if-stale``: a no-op when the stored
  model's version matches the current config and corpus).
* ``predict`` reads JSON Lines ``{"text": ...}`` on stdin and writes one JSON
  object a line: category, urgency, language, scores, urgency_scores,
  evidence, model_version. A bad line gives ``{"error": ...}`` on its line.
* ``evaluate FILE`` reads lines ``{"text", "category", "urgency"?}`` and
  prints a JSON report: n, accuracy, macro_f1, per_class, confusion, and the
  same under ``urgency`` for the lines that give one.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

PREDICT_KEYS = ("category", "urgency", "language", "scores", "urgency_scores", "evidence", "model_version")


def _fail(message: str, code: int = 2) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code


def cmd_train(args: argparse.Namespace) -> int:
    from . import version

    model_dir = Path(args.model_dir) if args.model_dir else version.DEFAULT_MODEL_DIR
    current = version.compute_version(version.DATA_DIR, args.limit)
    if args.if_stale and version.stored_version(model_dir) == current:
        print(json.dumps({"model_version": current, "trained": False}))
        return 0
    from . import model  # imports spaCy: only when training

    started = time.perf_counter()
    log = (lambda line: print(line, file=sys.stderr)) if args.verbose else None
    version = model.train(model_dir, limit=args.limit, log=log)
    print(json.dumps({"model_version": version, "trained": True,
                      "seconds": round(time.perf_counter() - started, 1)}))
    return 0


def _router(args: argparse.Namespace):
    from . import ModelNotBuiltError, get_router

    try:
        return get_router(Path(args.model_dir) if args.model_dir else None)
    except ModelNotBuiltError as exc:
        raise SystemExit(_fail(str(exc)))


def _read_jsonl(lines, need_category: bool):
    """Yield (line_number, row or None, error or None)."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as exc:
            yield number, None, f"line {number}: not valid JSON ({exc.msg})"
            continue
        if not isinstance(row, dict) or not isinstance(row.get("text"), str):
            yield number, None, f'line {number}: expected an object with a string "text"'
            continue
        if need_category and not isinstance(row.get("category"), str):
            yield number, None, f'line {number}: expected a string "category"'
            continue
        yield number, row, None


def cmd_predict(args: argparse.Namespace) -> int:
    router = _router(args)
    errors = 0
    batch: list[str] = []

    def flush() -> None:
        for routing in router.route_many(batch):
            full = routing.to_dict()
            sys.stdout.write(json.dumps({k: full[k] for k in PREDICT_KEYS}, ensure_ascii=False) + "\n")
        batch.clear()

    for _number, row, error in _read_jsonl(sys.stdin, need_category=False):
        if error:
            flush()
            errors += 1
            print(error, file=sys.stderr)
            sys.stdout.write(json.dumps({"error": error}) + "\n")
            continue
        batch.append(row["text"])
        if len(batch) >= 256:
            flush()
    flush()
    return 1 if errors else 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from .metrics import classification_report
    from .types import CATEGORIES, URGENCIES

    path = Path(args.file)
    if not path.is_file():
        return _fail(f"{path}: no such file")
    rows = []
    with path.open(encoding="utf-8") as fh:
        for _number, row, error in _read_jsonl(fh, need_category=True):
            if error:
                return _fail(f"{path}: {error}")
            rows.append(row)
    if not rows:
        return _fail(f"{path}: no rows to evaluate")
    unknown = sorted({r["category"] for r in rows} - set(CATEGORIES))
    if unknown:
        return _fail(f"{path}: unknown categories {unknown}; expected one of {list(CATEGORIES)}")
    router = _router(args)
    results = router.route_many([r["text"] for r in rows])
    report = classification_report([r["category"] for r in rows], [x.category for x in results],
                                   labels=list(CATEGORIES))
    with_urgency = [(r, x) for r, x in zip(rows, results) if r.get("urgency")]
    if with_urgency:
        bad = sorted({r["urgency"] for r, _ in with_urgency} - set(URGENCIES))
        if bad:
            return _fail(f"{path}: unknown urgencies {bad}; expected one of {list(URGENCIES)}")
        report["urgency"] = classification_report([r["urgency"] for r, _ in with_urgency],
                                                  [x.urgency for _, x in with_urgency],
                                                  labels=list(URGENCIES))
    report["model_version"] = router.model_version
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m classifiers", description=__doc__.splitlines()[0])
    parser.add_argument("--model-dir", help="model directory (default: classifiers/model)")
    sub = parser.add_subparsers(dest="command", required=True)
    p_train = sub.add_parser("train", help="rebuild the model from the corpus in the repository")
    p_train.add_argument("--if-stale", action="store_true", help="do nothing when the model is current")
    p_train.add_argument("--limit", type=int, default=None, help="train on the first N examples per language")
    p_train.add_argument("--verbose", action="store_true", help="log losses per epoch to stderr")
    p_train.set_defaults(func=cmd_train)
    p_pred = sub.add_parser("predict", help="JSON Lines {text} on stdin -> one routing per line")
    p_pred.set_defaults(func=cmd_predict)
    p_eval = sub.add_parser("evaluate", help="report accuracy, macro-F1, per class, confusion")
    p_eval.add_argument("file", help='JSON Lines {"text", "category", "urgency"?}')
    p_eval.set_defaults(func=cmd_evaluate)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
