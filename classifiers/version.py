"""Where the model lives and which version it should have (no spaCy import,
so ``python -m classifiers train --if-stale`` is fast when nothing changed)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"
DEFAULT_MODEL_DIR = PACKAGE_DIR / "model"
CONFIGS: dict[str, Path] = {"en": PACKAGE_DIR / "config.cfg", "zh": PACKAGE_DIR / "config_zh.cfg"}
# Training corpus; ``feedback.jsonl`` (officers' corrections, merged in by
# ``train --feedback FILE``) is optional. ``heldout_blind.jsonl`` is not
# here: it never trains, it only decides whether a new model replaces the old.
CORPUS_FILES = ("own.jsonl", "written.jsonl", "cfpb_train.jsonl", "feedback.jsonl", "calibration_blind.jsonl")
# Blind rows the scores are calibrated on (never trained on).
CALIBRATION_FILE = "calibration_blind.jsonl"
FEEDBACK_FILE = "feedback.jsonl"
HELDOUT_FILE = "heldout_blind.jsonl"
# Code whose change changes the trained model (normalisation, training, the
# phrase rules, whose labels are model features, and the urgency decision,
# for which the critical weight is chosen).
CODE_FILES = ("normalize.py", "model.py", "rules.py", "decision.py", "sentences.py", "patterns/en.py", "patterns/zh.py")
# Bump when training code changes in a way that changes the model.
TRAINING_REVISION = "8"
# Layout of a built model directory that the router can load.
FORMAT = 2
META_FILE = "meta.json"


class ModelNotBuiltError(RuntimeError):
    """No trained model in the model directory (run ``python -m classifiers train``)."""


def compute_version(data_dir: Path = DATA_DIR, limit: int | None = None) -> str:
    """Hash of both configs, every corpus file, the normalisation and training
    code, the training revision and the example limit."""
    h = hashlib.sha256()
    h.update(f"rev={TRAINING_REVISION};limit={limit}".encode())
    for lang in sorted(CONFIGS):
        h.update(CONFIGS[lang].read_bytes())
    for name in CORPUS_FILES:
        path = Path(data_dir) / name
        h.update(name.encode())
        h.update(path.read_bytes() if path.exists() else b"(absent)")
    for name in CODE_FILES:
        h.update((PACKAGE_DIR / name).read_bytes())
    return h.hexdigest()[:16]


def stored_version(model_dir: Path = DEFAULT_MODEL_DIR) -> str | None:
    meta = Path(model_dir) / META_FILE
    if not meta.exists():
        return None
    try:
        return json.loads(meta.read_text(encoding="utf-8")).get("model_version")
    except (OSError, ValueError):
        return None


def rejected_version(model_dir: Path = DEFAULT_MODEL_DIR) -> str | None:
    """The version of the last candidate that scored worse than the stored model
    on the held-out set (``train`` kept the old model)."""
    meta = Path(model_dir) / META_FILE
    try:
        return json.loads(meta.read_text(encoding="utf-8")).get("rejected_candidate")
    except (OSError, ValueError):
        return None


def is_stale(model_dir: Path = DEFAULT_MODEL_DIR, data_dir: Path = DATA_DIR) -> bool:
    """Does the stored model differ from what the repository would build now?
    (Not stale when that build was tried and kept out for scoring worse.)"""
    current = compute_version(data_dir)
    return current not in (stored_version(model_dir), rejected_version(model_dir))
