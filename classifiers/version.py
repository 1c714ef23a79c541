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
CORPUS_FILES = ("own.jsonl", "cfpb_train.jsonl")
# Code whose change changes the trained model (normalisation, training, and
# the phrase rules, whose labels are model features).
CODE_FILES = ("normalize.py", "model.py", "rules.py", "patterns/en.py", "patterns/zh.py")
# Bump when training code changes in a way that changes the model.
TRAINING_REVISION = "6"
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
        h.update(name.encode())
        h.update((Path(data_dir) / name).read_bytes())
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


def is_stale(model_dir: Path = DEFAULT_MODEL_DIR, data_dir: Path = DATA_DIR) -> bool:
    return stored_version(model_dir) != compute_version(data_dir)
