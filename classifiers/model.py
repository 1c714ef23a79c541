"""Training, versioning and loading of the category/urgency models.

Two spaCy pipelines, one per language, each configured by a full spaCy
config (``config.cfg`` for English, ``config_zh.cfg`` for Chinese with the
``char`` segmenter) and holding one bag-of-words ``textcat_multilabel``
component, ``textcat``, that scores the categories and the urgency levels.

``model_version`` is a hash of both configs, every corpus file and the
training code revision, so a stored model is stale exactly when one of them
changed. Training is deterministic: fixed seed, fixed shuffling, CPU ops.
"""

from __future__ import annotations

import json
import random
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import spacy
from spacy.attrs import LOWER
from spacy.strings import hash_string
from spacy.language import Language
from spacy.ml.models.textcat import build_bow_text_classifier_v3
from spacy.training import Example
from spacy.util import fix_random_seed, load_config, load_model_from_config, registry
from thinc.api import Model

from .normalize import normalize_text
from .types import CATEGORIES, URGENCIES

from .version import (  # noqa: F401  (re-exported)
    CONFIGS,
    CORPUS_FILES,
    DATA_DIR,
    DEFAULT_MODEL_DIR,
    META_FILE,
    ModelNotBuiltError,
    compute_version,
    is_stale,
    stored_version,
)


# --------------------------------------------------------------------------- registry
FEATURES_KEY = "redress_rule_features"


def set_rule_features(doc: Any, labels: Iterable[str]) -> None:
    """Give the model the phrase rules that fired, as extra bag-of-words keys."""
    doc.user_data[FEATURES_KEY] = sorted({hash_string(f"rule={label}") for label in labels})


def _extract_ngrams_with_rules(model: Model, docs: list, is_train: bool):
    """spaCy's ``extract_ngrams`` forward, plus one key per rule label that fired
    (``set_rule_features``): the rules' knowledge becomes model features."""
    xp = model.ops.xp
    batch_keys = []
    batch_vals = []
    for doc in docs:
        unigrams = model.ops.asarray(doc.to_array([model.attrs["attr"]]))
        ngrams = [unigrams]
        for n in range(2, model.attrs["ngram_size"] + 1):
            ngrams.append(model.ops.ngrams(n, unigrams))
        extra = doc.user_data.get(FEATURES_KEY)
        if extra:
            ngrams.append(xp.asarray(extra, dtype=unigrams.dtype))
        keys = xp.concatenate(ngrams)
        keys, vals = xp.unique(keys, return_counts=True)
        batch_keys.append(keys)
        batch_vals.append(vals)
    lengths = model.ops.asarray([arr.shape[0] for arr in batch_keys], dtype="int32")
    keys_out = xp.concatenate(batch_keys)
    vals_out = model.ops.asarray(xp.concatenate(batch_vals), dtype="f")

    def backprop(dY: Any) -> list:
        return []

    return (keys_out, vals_out, lengths), backprop


@registry.architectures("redress.TextCatBOWLower.v1")
def build_bow_lower(
    exclusive_classes: bool,
    ngram_size: int,
    no_output_layer: bool,
    length: int = 262144,
    nO: int | None = None,
) -> Model:
    """spaCy's ``TextCatBOW.v3`` with n-grams of lower-cased tokens.

    The stock architecture hashes ``ORTH``, so "THREATENED" and "threatened"
    would be different features; complaints are often typed in capitals.
    Documents also carry the labels of the phrase rules that fired
    (``set_rule_features``) as extra features.
    """
    model = build_bow_text_classifier_v3(
        exclusive_classes=exclusive_classes,
        ngram_size=ngram_size,
        no_output_layer=no_output_layer,
        length=length,
        nO=nO,
    )
    # The first layer of the chain is extract_ngrams(ngram_size, attr=ORTH)
    # wrapped in with_cpu; switch its attribute to LOWER.
    for node in model.walk():
        if node.name == "extract_ngrams":
            node.attrs["attr"] = LOWER
            node._func = _extract_ngrams_with_rules
    return model


def read_rows(directory: Path, files: Iterable[str]) -> list[dict]:
    rows: list[dict] = []
    for name in files:
        path = Path(directory) / name
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    rows.append(json.loads(line))
    return rows


def training_rows(
    directory: Path, files: Iterable[str], language: str, split: str, max_repeat: int
) -> list[dict]:
    """Rows of one language and split, rare categories repeated (class weighting)."""
    rows = [r for r in read_rows(directory, files)
            if r.get("language", "en") == language and r.get("split") == split]
    counts = Counter(r["category"] for r in rows)
    top = max(counts.values()) if counts else 1
    out: list[dict] = []
    for r in rows:
        out.extend([r] * max(1, min(max_repeat, round(top / counts[r["category"]]))))
    return out


def row_cats(row: dict) -> dict[str, float]:
    cats = {c: float(c == row["category"]) for c in CATEGORIES}
    if row.get("urgency"):
        cats.update({u: float(u == row["urgency"]) for u in URGENCIES})
    return cats


@registry.readers("redress.Corpus.v1")
def create_corpus_reader(
    directory: str | None, files: list[str], language: str, split: str, max_repeat: int = 1
) -> Callable[[Language], Iterator[Example]]:
    def reader(nlp: Language) -> Iterator[Example]:
        from .rules import RuleSet

        base = Path(directory) if directory else DATA_DIR
        rules = RuleSet(nlp, language)
        for row in training_rows(base, files, language, split, max_repeat):
            text = normalize_text(row["text"])
            doc = nlp.make_doc(text)
            set_rule_features(doc, (h.label for h in rules.find(doc, text)))
            yield Example.from_dict(doc, {"cats": row_cats(row)})

    return reader


# --------------------------------------------------------------------------- training
def _resolve(block: Any) -> Any:
    return registry.resolve({"x": block})["x"]


def train_language(
    lang: str, data_dir: Path = DATA_DIR, limit: int | None = None, log: Callable[[str], None] | None = None
) -> Language:
    """Train the pipeline of one language from its config; deterministic."""
    config = load_config(CONFIGS[lang], overrides={"paths.corpus": str(data_dir)}, interpolate=True)
    seed = int(config["training"]["seed"])
    fix_random_seed(seed)
    nlp = load_model_from_config(config, auto_fill=True, validate=True)
    reader = _resolve(config["corpora"]["train"])
    examples = list(reader(nlp))
    if limit is not None:
        examples = examples[:limit]
    optimizer = _resolve(config["training"]["optimizer"])
    batcher = _resolve(config["training"]["batcher"])
    dropout = float(config["training"]["dropout"])
    epochs = int(config["training"]["max_epochs"])
    nlp.initialize(lambda: examples, sgd=optimizer)
    rng = random.Random(seed)
    for epoch in range(epochs):
        order = examples[:]
        rng.shuffle(order)
        losses: dict[str, float] = {}
        for batch in batcher(order):
            nlp.update(batch, drop=dropout, sgd=optimizer, losses=losses)
        if log:
            log(f"{lang} epoch {epoch + 1}/{epochs} " + " ".join(f"{k}={v:.3f}" for k, v in losses.items()))
    return nlp


def build_lexicon(nlp: Language, texts: Iterable[str], lang: str, top: int = 150) -> dict[str, dict[str, float]]:
    """Words (English) or character pairs (Chinese) the category model weighs
    most for each label: the logit gain of a one-item document over an empty one.
    Used to show the officer which words drove the model's choice."""
    import numpy as np

    counts: Counter[str] = Counter()
    for text in texts:
        doc = nlp.make_doc(normalize_text(text))
        if lang == "en":
            counts.update(t.lower_ for t in doc if t.is_alpha and len(t) > 2 and not t.text.startswith("X"))
        else:
            chars = [t.text for t in doc]
            counts.update(a + b for a, b in zip(chars, chars[1:]) if _is_cjk(a) and _is_cjk(b))
    items = sorted(w for w, c in counts.items() if c >= 2)
    if not items:
        return {}
    textcat = nlp.get_pipe("textcat")
    docs = [nlp.make_doc(w) for w in items]
    empty = textcat.model.predict([pad_for_model(nlp.make_doc("qqqzzz"), nlp)])
    probs = textcat.model.predict([pad_for_model(d, nlp) for d in docs])
    eps = 1e-6

    def logit(p: Any) -> Any:
        p = np.clip(np.asarray(p), eps, 1 - eps)
        return np.log(p / (1 - p))

    gain = logit(probs) - logit(empty)
    out: dict[str, dict[str, float]] = {}
    for j, label in enumerate(textcat.labels):
        if label not in CATEGORIES:
            continue
        col = gain[:, j]
        best = np.argsort(-col, kind="stable")[:top]
        out[label] = {items[i]: round(float(col[i]), 4) for i in best if col[i] > 0.05}
    return out


MIN_MODEL_TOKENS = 3


def pad_for_model(doc: Any, nlp: Language) -> Any:
    """The n-gram extractor needs at least ``ngram_size`` tokens; pad short
    documents with full stops (which carry no signal) for the model only."""
    if len(doc) >= MIN_MODEL_TOKENS:
        return doc
    padded = nlp.make_doc(doc.text + " ." * (MIN_MODEL_TOKENS - len(doc)))
    if FEATURES_KEY in doc.user_data:
        padded.user_data[FEATURES_KEY] = doc.user_data[FEATURES_KEY]
    return padded


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff"


def train(
    model_dir: Path = DEFAULT_MODEL_DIR,
    data_dir: Path = DATA_DIR,
    limit: int | None = None,
    log: Callable[[str], None] | None = None,
) -> str:
    """Train both pipelines into ``model_dir`` (replaced atomically); return the version.

    ``limit`` trains on the first N examples of each language only (for fast tests).
    """
    model_dir = Path(model_dir)
    version = compute_version(data_dir, limit)
    model_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".model-", dir=model_dir.parent))
    try:
        lexicons: dict[str, Any] = {}
        for lang in sorted(CONFIGS):
            nlp = train_language(lang, data_dir, limit, log)
            nlp.meta["name"] = f"redress_{lang}"
            nlp.meta["version"] = "0.0.0"
            nlp.to_disk(tmp / lang)
            rows = [r for r in read_rows(data_dir, CORPUS_FILES)
                    if r.get("language", "en") == lang and r.get("split") == "train"]
            lexicons[lang] = build_lexicon(nlp, (r["text"] for r in rows), lang)
        (tmp / "lexicon.json").write_text(json.dumps(lexicons, ensure_ascii=False, sort_keys=True), encoding="utf-8")
        meta = {"model_version": version, "limit": limit, "languages": sorted(CONFIGS),
                "spacy": spacy.__version__}
        (tmp / META_FILE).write_text(json.dumps(meta, indent=2, sort_keys=True), encoding="utf-8")
        if model_dir.exists():
            shutil.rmtree(model_dir, ignore_errors=True)
        try:
            tmp.rename(model_dir)
        except OSError:
            # Another process finished training the same version first.
            if stored_version(model_dir) != version:
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return version


# Lexeme attributes prediction needs; the others (shape, prefix, suffix, URL
# and e-mail likeness...) cost time for every new word and are never read.
_KEPT_LEXEME_ATTRS = frozenset({"LOWER", "NORM", "IS_ALPHA", "IS_DIGIT", "IS_SPACE", "IS_PUNCT", "LANG"})


def slim_vocab(nlp: Language) -> Language:
    """Drop unused lexical attribute getters (faster on unseen words)."""
    from spacy.attrs import IDS

    kept = {IDS[name] for name in _KEPT_LEXEME_ATTRS}
    getters = nlp.vocab.lex_attr_getters
    nlp.vocab.lex_attr_getters = {k: f for k, f in getters.items() if k in kept}
    return nlp


def load_pipelines(model_dir: Path = DEFAULT_MODEL_DIR) -> tuple[dict[str, Language], dict, str]:
    model_dir = Path(model_dir)
    version = stored_version(model_dir)
    if version is None:
        raise ModelNotBuiltError(
            f"No classifier model in {model_dir}. Build it with: python -m classifiers train"
        )
    nlps = {lang: slim_vocab(spacy.load(model_dir / lang)) for lang in sorted(CONFIGS)}
    lexicon = json.loads((model_dir / "lexicon.json").read_text(encoding="utf-8"))
    return nlps, lexicon, version
