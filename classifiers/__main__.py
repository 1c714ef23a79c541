"""Command line: ``python -m classifiers train|predict|evaluate``.

* ``train [--feedback FILE] [--if-stale] [--force] [--limit N]`` rebuilds the
  model from the corpus in the repository. ``--feedback FILE`` first merges
  officers' corrections (``flask --app portal complaints export-feedback``
  lines) into ``classifiers/data/feedback.jsonl``, which trains with the rest.
  The new model is trained beside the old one and replaces it only if it
  scores at least as well on the held-out set (``heldout_blind.jsonl``):
  category accuracy and ``critical`` recall; otherwise the old model stays
  (``--force`` replaces it anyway). ``--if-stale``: a no-op when the stored
  model (or the last candidate kept out) matches the current config and corpus.
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


def merge_feedback(source: Path, data_dir: Path) -> tuple[int, int]:
    """Merge the officers' corrections in ``source`` into ``data_dir/feedback.jsonl``
    (one line per id, the newest wins); (lines read, lines now stored).
    Raises ValueError naming the first bad line."""
    from .types import CATEGORIES, URGENCIES
    from .version import FEEDBACK_FILE

    new: list[dict] = []
    with source.open(encoding="utf-8") as fh:
        for number, row, error in _read_jsonl(fh, need_category=True):
            if error:
                raise ValueError(f"{source}: {error}")
            if row["category"] not in CATEGORIES:
                raise ValueError(f"{source}: line {number}: unknown category {row['category']!r}")
            if row.get("urgency") not in (None, *URGENCIES):
                raise ValueError(f"{source}: line {number}: unknown urgency {row['urgency']!r}")
            new.append(row)
    target = data_dir / FEEDBACK_FILE
    stored: dict[str, dict] = {}
    if target.exists():
        with target.open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    row = json.loads(line)
                    stored[str(row.get("id") or row["text"])] = row
    for row in new:
        stored.pop(str(row.get("id") or row["text"]), None)
        stored[str(row.get("id") or row["text"])] = row
    tmp = target.with_suffix(".jsonl.tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for row in stored.values():
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    tmp.replace(target)
    return len(new), len(stored)


def heldout_figures(model_dir: Path, data_dir: Path) -> dict | None:
    """Category accuracy (both languages) and critical recall of a model on the
    held-out set, or None when there is no held-out file."""
    from . import get_router
    from .metrics import classification_report
    from .model import read_jsonl
    from .version import HELDOUT_FILE

    path = data_dir / HELDOUT_FILE
    if not path.exists():
        return None
    rows = read_jsonl(path)
    results = get_router(model_dir).route_many([r["text"] for r in rows])
    cat = classification_report([r["category"] for r in rows], [x.category for x in results])
    urg = classification_report([r["urgency"] for r in rows], [x.urgency for x in results],
                                labels=["critical", "high", "normal", "low"])
    return {"n": len(rows), "category_accuracy": cat["accuracy"],
            "critical_recall": urg["per_class"]["critical"]["recall"],
            "critical_precision": urg["per_class"]["critical"]["precision"]}


def not_worse(new: dict, old: dict) -> bool:
    """The new model scores at least as well: category accuracy and critical recall."""
    return (new["category_accuracy"] >= old["category_accuracy"]
            and new["critical_recall"] >= old["critical_recall"])


def _old_model_loads(model_dir: Path) -> bool:
    from .version import FORMAT, META_FILE

    try:
        meta = json.loads((model_dir / META_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return meta.get("format") == FORMAT


def _swap(candidate: Path, model_dir: Path) -> None:
    import shutil

    old = model_dir.with_name(model_dir.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if model_dir.exists():
        model_dir.rename(old)
    candidate.rename(model_dir)
    shutil.rmtree(old, ignore_errors=True)


def cmd_train(args: argparse.Namespace) -> int:
    import shutil

    from . import version

    model_dir = Path(args.model_dir) if args.model_dir else version.DEFAULT_MODEL_DIR
    data_dir = Path(args.data_dir) if args.data_dir else version.DATA_DIR
    if args.feedback:
        source = Path(args.feedback)
        if not source.is_file():
            return _fail(f"{source}: no such file")
        try:
            read, stored = merge_feedback(source, data_dir)
        except ValueError as exc:
            return _fail(str(exc))
        print(f"feedback: {read} corrections read, {stored} stored in {data_dir / version.FEEDBACK_FILE}",
              file=sys.stderr)
    current = version.compute_version(data_dir, args.limit)
    if args.if_stale and current in (version.stored_version(model_dir), version.rejected_version(model_dir)):
        print(json.dumps({"model_version": version.stored_version(model_dir), "trained": False}))
        return 0
    from . import model  # imports spaCy: only when training

    started = time.perf_counter()
    log = (lambda line: print(line, file=sys.stderr)) if args.verbose else None
    candidate = model_dir.with_name(model_dir.name + ".candidate")
    shutil.rmtree(candidate, ignore_errors=True)
    new_version = model.train(candidate, data_dir=data_dir, limit=args.limit, log=log)
    result: dict = {"model_version": new_version, "trained": True}
    old_figures = new_figures = None
    if not args.force and _old_model_loads(model_dir):
        old_figures = heldout_figures(model_dir, data_dir)
        if old_figures is not None:
            new_figures = heldout_figures(candidate, data_dir)
            result["heldout"] = {"old": old_figures, "new": new_figures}
    if old_figures is not None and new_figures is not None and not not_worse(new_figures, old_figures):
        meta_path = model_dir / version.META_FILE
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        meta["rejected_candidate"] = new_version
        meta["rejected_figures"] = new_figures
        meta_path.write_text(json.dumps(meta, indent=2, sort_keys=True), encoding="utf-8")
        result.update(installed=False, model_version=meta["model_version"], candidate=str(candidate))
        print(f"kept the old model {meta['model_version']}: the new one ({new_version}) scores worse on "
              f"the held-out set (kept in {candidate}; --force installs it)", file=sys.stderr)
    else:
        _swap(candidate, model_dir)
        result["installed"] = True
    result["seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(result))
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
    p_train.add_argument("--feedback", metavar="FILE",
                         help="officers' corrections (complaints export-feedback) to merge and train on")
    p_train.add_argument("--force", action="store_true",
                         help="install the new model even if it scores worse on the held-out set")
    p_train.add_argument("--data-dir", help="corpus directory (default: classifiers/data)")
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
