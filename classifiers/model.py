"""Training, versioning and loading of the category/urgency models.

Two spaCy pipelines, one per language, each configured by a full spaCy
config (``config.cfg`` for English, ``config_zh.cfg`` for Chinese, whose
tokenizer segments words with jieba) and holding two bag-of-words text
classifiers with mutually exclusive labels (softmax):

* ``textcat`` scores the 8 categories;
* ``urgency`` scores the 4 urgency levels: the trained component for the
  critical and high signals. It sees the same words and word pairs as the
  category model plus one feature per phrase rule that fired, so it learns
  the wording of critical complaints beyond the phrase lists (rows without
  an urgency leave it out, except that a CFPB row in which no critical
  phrase rule fired is taught "not critical": see ``not_critical``).

After training, one temperature per component and language is fitted on the
dev slice of the written corpus (``written.jsonl``, ``split == "dev"``) so
the scores are calibrated probabilities, and the weight given to
``critical`` when the model is unsure between high and critical is chosen on
the same slice (recall of critical first). Both are stored in ``meta.json``.

``model_version`` is a hash of both configs, every corpus file and the
training code, so a stored model is stale exactly when one of them changed.
Training is deterministic: fixed seed, fixed shuffling, CPU ops.
"""

from __future__ import annotations

import json
import math
import random
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import spacy
from spacy.attrs import LOWER
from spacy.language import Language
from spacy.ml.models.textcat import build_bow_text_classifier_v3
from spacy.pipeline.textcat import TextCategorizer
from spacy.strings import hash_string
from spacy.tokenizer import Tokenizer
from spacy.training import Example
from spacy.util import fix_random_seed, load_config, load_model_from_config, registry
from thinc.api import Model

from .language import detect_language
from .normalize import normalize_text
from .types import CATEGORIES, URGENCIES

from .version import (  # noqa: F401  (re-exported)
    CONFIGS,
    CORPUS_FILES,
    DATA_DIR,
    DEFAULT_MODEL_DIR,
    CALIBRATION_FILE,
    FORMAT,
    META_FILE,
    ModelNotBuiltError,
    compute_version,
    is_stale,
    stored_version,
)

# --------------------------------------------------------------------------- tokenizer
# English words for the model and the phrase rules. spaCy's English
# tokenizer spends most of its time on words it has not seen yet (its
# prefix, suffix and infix expressions cover every script's punctuation,
# URLs, emoticons, units and abbreviations); these are simpler: a leading or
# trailing punctuation mark, a trailing possessive 's and any punctuation
# inside a word but an apostrophe split off. spaCy's English exceptions are
# kept where they are words written with letters, digits and apostrophes
# ("don't" -> do n't, "cannot" -> can not, "5pm" -> 5 pm), so negations read
# as in spaCy's own tokenizer; abbreviations with full stops ("Mr.", "a.m.")
# and emoticons are not special.
_EN_PREFIX = r"^[^\w\s]"
_EN_SUFFIX = r"(?:['’][sS]|[^\w\s])$"
_EN_INFIX = r"[^\w\s'’]"


def _kept_exception(text: str) -> bool:
    return text.isspace() or all(c.isalnum() or c in "'’" for c in text)


@registry.tokenizers("redress.EnglishTokenizer.v1")
def create_english_tokenizer() -> Callable[[Language], Tokenizer]:
    """spaCy's ``Tokenizer`` with the simpler English rules above."""

    def make(nlp: Language) -> Tokenizer:
        rules = {k: v for k, v in nlp.Defaults.tokenizer_exceptions.items() if _kept_exception(k)}
        return Tokenizer(
            nlp.vocab,
            rules=rules,
            prefix_search=re.compile(_EN_PREFIX).search,
            suffix_search=re.compile(_EN_SUFFIX).search,
            infix_finditer=re.compile(_EN_INFIX).finditer,
        )

    return make


# --------------------------------------------------------------------------- registry
FEATURES_KEY = "redress_rule_features"
# Where each component's labels come from.
COMPONENT_LABELS: dict[str, tuple[str, ...]] = {"textcat": CATEGORIES, "urgency": URGENCIES}


_RULE_KEYS: dict[str, int] = {}


def rule_feature_keys(labels: Iterable[str]) -> list[int]:
    """The extra bag-of-words keys of the phrase rules that fired."""
    keys = set()
    for label in labels:
        key = _RULE_KEYS.get(label)
        if key is None:
            key = _RULE_KEYS[label] = hash_string(f"rule={label}")
        keys.add(key)
    return sorted(keys)


def set_rule_features(doc: Any, labels: Iterable[str]) -> None:
    """Give the model the phrase rules that fired, as extra bag-of-words keys."""
    doc.user_data[FEATURES_KEY] = rule_feature_keys(labels)


def ngram_parts(ops: Any, unigrams: Any, ngram_size: int, extra: list[int] | None) -> list[Any]:
    """The keys the bag-of-words model reads for a document, as arrays: its
    token keys ``unigrams``, their n-grams up to ``ngram_size`` and the rule
    keys ``extra``. A key that occurs k times counts k times (the model is
    linear in the counts, so this is spaCy's extract_ngrams without
    collapsing repeated keys into counts first)."""
    unigrams = ops.asarray(unigrams)
    parts = [unigrams]
    for n in range(2, ngram_size + 1):
        parts.append(ops.ngrams(n, unigrams))
    if extra:
        parts.append(ops.xp.asarray(extra, dtype=unigrams.dtype))
    return parts


def _ngram_batch(ops: Any, docs: list[list[Any]]) -> tuple[Any, Any, Any]:
    """(keys, values, lengths) of a batch of documents given by their parts."""
    xp = ops.xp
    lengths = ops.asarray([sum(part.shape[0] for part in parts) for parts in docs], dtype="int32")
    keys = xp.concatenate([part for parts in docs for part in parts])
    return keys, ops.xp.ones(keys.shape, dtype="f"), lengths


def _extract_ngrams_with_rules(model: Model, docs: list, is_train: bool):
    """spaCy's ``extract_ngrams`` forward, plus one key per rule label that fired
    (``set_rule_features``): the rules' knowledge becomes model features."""
    from .rules import ARRAY_KEY

    attr = model.attrs["attr"]
    ngram_size = model.attrs["ngram_size"]
    cache_key = ("redress_ngrams", attr, ngram_size)
    array_key = (ARRAY_KEY, attr)
    batch = []
    for doc in docs:
        # The token keys are read once for all components (the phrase rules
        # leave them on the doc), the n-grams once per size.
        parts = doc.user_data.get(cache_key)
        if parts is None:
            unigrams = doc.user_data.get(array_key)
            if unigrams is None:
                unigrams = doc.user_data[array_key] = doc.to_array([attr])
            parts = ngram_parts(model.ops, unigrams, ngram_size, doc.user_data.get(FEATURES_KEY))
            doc.user_data[cache_key] = parts
        batch.append(parts)

    def backprop(dY: Any) -> list:
        return []

    return _ngram_batch(model.ops, batch), backprop


def predict_token_keys(model: Model, docs: list[tuple[Any, list[int] | None]]) -> Any:
    """The scores (one row per document) of a ``redress.TextCatBOWLower.v1``
    model for documents given as (token keys of the model's attribute, rule
    keys): what the model computes for such docs, without making them."""
    extract_then_linear = model.layers[0].layers[0]
    extract, linear = extract_then_linear.layers
    if extract.name != "extract_ngrams" or not linear.name.startswith("resizable"):
        raise ValueError(f"not a bag-of-words text classifier: {model.name}")
    size = extract.attrs["ngram_size"]
    batch = [ngram_parts(model.ops, keys, size, extra) for keys, extra in docs]
    scores = linear.predict(_ngram_batch(model.ops, batch))
    for layer in model.layers[1:]:
        scores = layer.predict(scores)
    return scores


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
    for node in model.walk():
        if node.name == "extract_ngrams":
            node.attrs["attr"] = LOWER
            node._func = _extract_ngrams_with_rules
    return model


class LabelGroupCategorizer(TextCategorizer):
    """spaCy's single-label ``textcat`` that reads only its own labels from an
    example's ``cats``: the category and the urgency components learn from the
    same examples, each with one true label among its own (a row without an
    urgency leaves the urgency component untouched)."""

    @property
    def support_missing_values(self) -> bool:
        # A label absent from an example's ``cats`` is unknown, not 0: without
        # this, spaCy's single-label textcat trains every urgency towards 0 on
        # rows that have no urgency (the CFPB rows), flattening the urgency
        # model on long complaint text.
        return True

    def _validate_categories(self, examples: Iterable[Example]) -> None:
        own = set(self.labels)
        for ex in examples:
            vals = [v for k, v in ex.reference.cats.items() if k in own]
            if vals.count(1.0) > 1:
                raise ValueError(f"more than one true label among {sorted(own)}: {ex.reference.cats}")
            if any(v not in (0.0, 1.0) for v in vals):
                raise ValueError(f"labels must be 0 or 1: {ex.reference.cats}")


@Language.factory(
    "redress_textcat",
    default_config={"threshold": 0.0, "scorer": {"@scorers": "spacy.textcat_scorer.v2"}},
)
def make_label_group_categorizer(nlp: Language, name: str, model: Model, threshold: float,
                                 scorer: Callable | None) -> LabelGroupCategorizer:
    return LabelGroupCategorizer(nlp.vocab, model, name, threshold=threshold, scorer=scorer)


# --------------------------------------------------------------------------- corpus
def read_rows(directory: Path, files: Iterable[str]) -> list[dict]:
    """Rows of the given corpus files in ``directory`` (a missing file has none)."""
    rows: list[dict] = []
    for name in files:
        path = Path(directory) / name
        if not path.exists():
            continue
        rows.extend(read_jsonl(path))
    return rows


def read_jsonl(path: Path) -> list[dict]:
    with Path(path).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def row_language(row: dict) -> str:
    """``en`` or ``zh`` of a corpus row (feedback rows may say ``zh_Hans`` or nothing)."""
    lang = row.get("language") or row.get("lang")
    if lang in ("en", "zh"):
        return lang
    if isinstance(lang, str) and lang.startswith("zh"):
        return "zh"
    detected = detect_language(row.get("text", ""))
    return "zh" if detected == "zh" else "en"


def feedback_rows(rows: Iterable[dict]) -> list[dict]:
    """Valid officers' corrections (``complaints export-feedback`` lines)."""
    out = []
    for r in rows:
        if not isinstance(r.get("text"), str) or r.get("category") not in CATEGORIES:
            continue
        row = {"id": r.get("id"), "text": r["text"], "category": r["category"],
               "urgency": r.get("urgency") if r.get("urgency") in URGENCIES else None,
               "language": row_language(r), "source": "officer_feedback"}
        out.append(row)
    return out


def training_rows(directory: Path, language: str, max_repeat: int, cfpb_repeat: int = 1) -> list[dict]:
    """Training rows of one language, rare categories repeated (class weighting).

    Which rows train: every row of ``own.jsonl`` (template rows and the
    hand-written sets), ``written.jsonl`` except its ``dev`` slice, CFPB's
    ``train`` split, and every officer correction in ``feedback.jsonl``
    (each repeated twice: an officer's correction outweighs a written row).
    CFPB rows count ``cfpb_repeat`` times for the category (the extra copies
    carry ``CATEGORY_ONLY``): 234 real narratives among thousands of written
    ones would otherwise teach little of how real complaints are worded (the
    factor was chosen by cross-validation within the CFPB train split,
    ``bench/classifier_cfpb_cv.py``, never on its test split).
    """
    directory = Path(directory)
    rows: list[dict] = []
    rows += read_rows(directory, ["own.jsonl"])
    rows += [r for r in read_rows(directory, ["written.jsonl"]) if r.get("split") != "dev"]
    rows += [r for r in read_rows(directory, ["cfpb_train.jsonl"]) if r.get("split") == "train"]
    feedback = feedback_rows(read_rows(directory, ["feedback.jsonl"]))
    rows = [r for r in rows if row_language(r) == language]
    rows += [r for r in feedback if r["language"] == language] * 2
    counts = Counter(r["category"] for r in rows)
    top = max(counts.values()) if counts else 1
    out: list[dict] = []
    for r in rows:
        times = max(1, min(max_repeat, round(top / counts[r["category"]])))
        out.extend([r] * times)
        if r.get("source") == "cfpb" and cfpb_repeat > 1:
            # The extra copies teach the category only: a CFPB row's urgency is
            # a weak label (not_critical), which repeating would make stronger.
            out.extend([{**r, CATEGORY_ONLY: True}] * (times * (cfpb_repeat - 1)))
    return out


def dev_rows(directory: Path, language: str) -> list[dict]:
    """The written corpus's dev slice of one language (calibration and the
    critical threshold; never trained on)."""
    return [r for r in read_rows(directory, ["written.jsonl"])
            if r.get("split") == "dev" and row_language(r) == language]


def calibration_rows(directory: Path, language: str) -> list[dict]:
    """Rows the scores are calibrated on, of one language (never trained on):
    the dev slice of the written corpus and the blind calibration set
    (``calibration_blind.jsonl``, written blind from SPEC sections 2-3 by a
    writer who saw neither the training rows nor the held-out set)."""
    blind = [r for r in read_rows(directory, [CALIBRATION_FILE]) if row_language(r) == language]
    return dev_rows(directory, language) + blind


def not_critical(row: dict, rule_labels: Iterable[str]) -> bool:
    """A CFPB row with no urgency in which no critical phrase rule fired: its
    urgency is unknown, but it is taken as not critical (consumers' complaints
    about collection rarely describe a critical signal), so the urgency model
    learns that long complaint text without one is not critical."""
    from .rules import SIGNAL_URGENCY

    if row.get("urgency") or row.get("source") != "cfpb":
        return False
    return all(SIGNAL_URGENCY.get(label) != "critical" for label in rule_labels)


# A training row marked so trains the category component only.
CATEGORY_ONLY = "category_only"


def row_cats(row: dict) -> dict[str, float]:
    cats = {c: float(c == row["category"]) for c in CATEGORIES}
    if row.get(CATEGORY_ONLY):
        return cats
    if row.get("urgency"):
        cats.update({u: float(u == row["urgency"]) for u in URGENCIES})
    return cats


class Featurizer:
    """Turns a (normalised) text into the doc the model reads: the pipeline's
    tokens plus one feature per phrase rule that fired. Chinese rules match
    characters, so they run on a character doc of the same text."""

    def __init__(self, nlp: Language, lang: str) -> None:
        from .rules import RuleSet

        self.nlp = nlp
        self.lang = lang
        self.rule_nlp = nlp if lang == "en" else spacy.blank("zh")  # "char" segmenter
        self.rules = RuleSet(self.rule_nlp, lang)

    def doc(self, text: str):
        doc = self.nlp.make_doc(text)
        rule_doc = doc if self.rule_nlp is self.nlp else self.rule_nlp.make_doc(text)
        hits = self.rules.find(rule_doc, text)
        set_rule_features(doc, (h.label for h in hits))
        return doc, hits


@registry.readers("redress.Corpus.v1")
def create_corpus_reader(
    directory: str | None, language: str, max_repeat: int = 1, cfpb_repeat: int = 1
) -> Callable[[Language], Iterator[Example]]:
    def reader(nlp: Language) -> Iterator[Example]:
        base = Path(directory) if directory else DATA_DIR
        feats = Featurizer(nlp, language)
        for row in training_rows(base, language, max_repeat, cfpb_repeat):
            doc, hits = feats.doc(normalize_text(row["text"]))
            cats = row_cats(row)
            if not row.get(CATEGORY_ONLY) and not_critical(row, (h.label for h in hits)):
                cats["critical"] = 0.0
            yield Example.from_dict(doc, {"cats": cats})

    return reader


# --------------------------------------------------------------------------- training
def _resolve(block: Any) -> Any:
    return registry.resolve({"x": block})["x"]


def train_language(
    lang: str, data_dir: Path = DATA_DIR, limit: int | None = None, log: Callable[[str], None] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Language:
    """Train the pipeline of one language from its config (with ``overrides``,
    e.g. ``{"corpora.train.cfpb_repeat": 1}``); deterministic."""
    config = load_config(CONFIGS[lang], overrides={"paths.corpus": str(data_dir), **(overrides or {})},
                         interpolate=True)
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


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff"


# Words outside spaCy's stop list that still say nothing on their own about a
# category or urgency (reporting and light verbs, fillers): "said" is common in
# threat complaints, but an officer shown "said" as evidence learns nothing.
LIGHT_WORDS = frozenset("""
said says say saying told tell tells telling asked ask asks asking answered
got get gets getting went go goes going came come comes coming make makes made
let lets know knew known think thought want wanted like just really also still
thing things lot way yes okay told stuff anyway actually basically
""".split())
# The smallest log-probability gain for a word to be shown as model evidence.
MIN_LEXICON_GAIN = 0.2


def lexicon_word(token: Any, lang: str) -> bool:
    """Words that may be shown as model evidence: whole content words, no
    placeholders."""
    text = token.text
    if token.is_stop:  # "him", "the", "我们": no evidence of anything
        return False
    if token.lower_ in LIGHT_WORDS:
        return False
    if lang == "en":
        return token.is_alpha and len(text) > 2 and not text.startswith("X")
    return len(text) >= 2 and all(_is_cjk(c) for c in text)


def build_lexicon(nlp: Language, texts: Iterable[str], lang: str, top: int = 200) -> dict[str, dict[str, float]]:
    """Words each label's model weighs most: the log-probability gain of a
    one-word document over an empty one (English words lower-cased, Chinese
    words as segmented). Shown to the officer as the model's evidence."""
    import numpy as np

    counts: Counter[str] = Counter()
    for text in texts:
        doc = nlp.make_doc(normalize_text(text))
        counts.update(t.lower_ for t in doc if lexicon_word(t, lang))
    items = sorted(w for w, c in counts.items() if c >= 2)
    if not items:
        return {}
    out: dict[str, dict[str, float]] = {}
    docs = [pad_for_model(nlp.make_doc(w), nlp) for w in items]
    empty_doc = pad_for_model(nlp.make_doc("qqqzzz"), nlp)
    for name in ("textcat", "urgency"):
        pipe = nlp.get_pipe(name)
        eps = 1e-6
        empty = np.log(np.clip(np.asarray(pipe.model.predict([empty_doc])), eps, 1))
        probs = np.log(np.clip(np.asarray(pipe.model.predict(docs)), eps, 1))
        gain = probs - empty
        for j, label in enumerate(pipe.labels):
            if name == "urgency" and label not in ("critical", "high"):
                continue
            col = gain[:, j]
            best = np.argsort(-col, kind="stable")[:top]
            out[label] = {items[i]: round(float(col[i]), 4) for i in best if col[i] >= MIN_LEXICON_GAIN}
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


# --------------------------------------------------------------------------- calibration
TEMPERATURES = [round(0.3 + 0.05 * i, 2) for i in range(95)]  # 0.3 .. 5.0
CRITICAL_WEIGHTS = [1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0]
# Candidate sentence thresholds (None: the sentence pass never raises).
SENTENCE_THRESHOLDS: list[float | None] = [None, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95]
# The dev slice must keep critical precision at least this high when the
# critical weight is chosen (the weight trades precision for recall; recall
# comes first, so this sits a little below the 0.85 target).
MIN_DEV_CRITICAL_PRECISION = 0.82


def temper(probs: dict[str, float], temperature: float) -> dict[str, float]:
    """Softmax probabilities with temperature ``temperature`` (p ** (1/T), renormalised)."""
    logs = {k: math.log(max(p, 1e-12)) / temperature for k, p in probs.items()}
    top = max(logs.values())
    ex = {k: math.exp(v - top) for k, v in logs.items()}
    total = sum(ex.values())
    return {k: v / total for k, v in ex.items()}


def fit_temperature(rows: list[tuple[dict[str, float], str]]) -> float:
    """The temperature minimising the negative log-likelihood of the gold labels."""
    if not rows:
        return 1.0

    def nll(t: float) -> float:
        return -sum(math.log(max(temper(p, t)[gold], 1e-12)) for p, gold in rows)

    return min(TEMPERATURES, key=lambda t: (round(nll(t), 6), abs(t - 1.0)))


def _score_dev(nlp: Language, rows: list[dict], lang: str) -> list[tuple[dict, dict, dict, list, list]]:
    """(row, category probs, urgency probs, rule labels, uncalibrated sentence
    scores) of each calibration row."""
    from .sentences import SentenceScorer

    feats = Featurizer(nlp, lang)
    scorer = SentenceScorer(nlp.get_pipe("urgency"))
    out = []
    for row in rows:
        doc, hits = feats.doc(normalize_text(row["text"]))
        padded = pad_for_model(doc, nlp)
        for _name, proc in nlp.pipeline:
            padded = proc(padded)
        cats = padded.cats
        out.append((row, {c: cats[c] for c in CATEGORIES}, {u: cats[u] for u in URGENCIES},
                    [h.label for h in hits], scorer.score(doc, hits)))
    return out


def calibrate(nlps: dict[str, Language], data_dir: Path) -> dict:
    """Temperatures per language and component, the critical weight and the
    sentence threshold, from the calibration rows (``calibration_rows``)."""
    from .decision import decide_urgency
    from .rules import SIGNAL_URGENCY

    cal: dict[str, Any] = {"temperature": {}, "dev_rows": {}}
    urgency_rows = []
    for lang, nlp in nlps.items():
        scored = _score_dev(nlp, calibration_rows(data_dir, lang), lang)
        cal["dev_rows"][lang] = len(scored)
        t_cat = fit_temperature([(c, r["category"]) for r, c, _u, _h, _s in scored])
        t_urg = fit_temperature([(u, r["urgency"]) for r, _c, u, _h, _s in scored if r.get("urgency")])
        cal["temperature"][lang] = {"textcat": t_cat, "urgency": t_urg}

        def urgency_row(gold: str, u: dict, hits: list, sents: list) -> tuple:
            floor = [SIGNAL_URGENCY[h] for h in hits if h in SIGNAL_URGENCY]
            sentence = max((temper(s.probs, t_urg)["critical"] for s in sents), default=0.0)
            return gold, temper(u, t_urg), floor, sentence

        urgency_rows += [urgency_row(r["urgency"], u, hits, sents) for r, _c, u, hits, sents in scored]
        # Long real narratives: CFPB rows in which no critical rule fired count
        # as not critical (the weak label they train with), so the critical
        # weight and the sentence threshold are also held to the false alarms
        # they raise on long text, which the written rows are too short to show.
        weak = [r for r in training_rows(data_dir, lang, 1) if r.get("source") == "cfpb"]
        urgency_rows += [urgency_row("not critical", u, hits, sents)
                         for r, _c, u, hits, sents in _score_dev(nlp, weak, lang) if not_critical(r, hits)]

    def critical_figures(weight: float, threshold: float | None) -> tuple[float, float]:
        tp = fp = fn = 0
        for gold, probs, floor, sentence in urgency_rows:
            pred = decide_urgency(probs, floor, weight, sentence, threshold)[0]
            tp += gold == "critical" and pred == "critical"
            fp += gold != "critical" and pred == "critical"
            fn += gold == "critical" and pred != "critical"
        return (tp / (tp + fn) if tp + fn else 1.0), (tp / (tp + fp) if tp + fp else 1.0)

    # Recall of critical first: the best recall the calibration rows allow
    # while precision stays at MIN_DEV_CRITICAL_PRECISION; among those, the
    # best precision, then the smallest weight and the highest threshold.
    grid = [(w, t) for w in CRITICAL_WEIGHTS for t in SENTENCE_THRESHOLDS]
    figures = {g: critical_figures(*g) for g in grid}
    allowed = [g for g in grid if figures[g][1] >= MIN_DEV_CRITICAL_PRECISION] or [(1.0, None)]
    weight, threshold = max(allowed, key=lambda g: (figures[g][0], figures[g][1], -g[0],
                                                    2.0 if g[1] is None else g[1]))
    cal["critical_weight"] = weight
    cal["sentence_threshold"] = threshold
    cal["dev_critical"] = {f"{w}/{t}": {"recall": round(r, 4), "precision": round(p, 4)}
                           for (w, t), (r, p) in figures.items()}
    return cal


# --------------------------------------------------------------------------- build
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
        nlps: dict[str, Language] = {}
        for lang in sorted(CONFIGS):
            nlp = train_language(lang, data_dir, limit, log)
            nlp.meta["name"] = f"redress_{lang}"
            nlp.meta["version"] = "0.0.0"
            nlp.to_disk(tmp / lang)
            nlps[lang] = nlp
            rows = training_rows(data_dir, lang, 1)
            lexicons[lang] = build_lexicon(nlp, (r["text"] for r in rows), lang)
        calibration = calibrate(nlps, data_dir)
        if log:
            log(f"calibration {json.dumps(calibration)}")
        (tmp / "lexicon.json").write_text(json.dumps(lexicons, ensure_ascii=False, sort_keys=True), encoding="utf-8")
        meta = {"model_version": version, "format": FORMAT, "limit": limit, "languages": sorted(CONFIGS),
                "spacy": spacy.__version__, "calibration": calibration}
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


# Lexeme attributes prediction needs: the lower-cased form, which both text
# classifiers and the English phrase rules read (whitespace is told from the
# text, see rules._SpaceKeys). The others (norm, shape, prefix, suffix, the
# flags...) cost time for every new word and are never read when routing.
_KEPT_LEXEME_ATTRS = frozenset({"LOWER"})


def slim_vocab(nlp: Language) -> Language:
    """Drop unused lexical attribute getters (faster on unseen words)."""
    from spacy.attrs import IDS

    kept = {IDS[name] for name in _KEPT_LEXEME_ATTRS}
    getters = nlp.vocab.lex_attr_getters
    nlp.vocab.lex_attr_getters = {k: f for k, f in getters.items() if k in kept}
    return nlp


def quiet_jieba() -> None:
    """jieba logs its dictionary loading at INFO level on stderr; keep it quiet."""
    import logging

    logging.getLogger("jieba").setLevel(logging.WARNING)


class Pipelines(Mapping):
    """The pipelines of a built model by language, each loaded on first use.

    English loads with the router; Chinese when the first Chinese (or mixed)
    complaint arrives: spaCy's Chinese tokenizer has jieba read its whole
    dictionary as it is created (about 1.3 s of CPU, the same with or without
    jieba's cache file), which a process routing English complaints never
    needs. Thread-safe."""

    def __init__(self, model_dir: Path, languages: Iterable[str], eager: Iterable[str] = ("en",)) -> None:
        import threading

        self.model_dir = Path(model_dir)
        self.languages = tuple(sorted(languages))
        self._loaded: dict[str, Language] = {}
        self._lock = threading.Lock()
        for lang in eager:
            if lang in self.languages:
                self[lang]

    def __getitem__(self, lang: str) -> Language:
        nlp = self._loaded.get(lang)
        if nlp is not None:
            return nlp
        if lang not in self.languages:
            raise KeyError(lang)
        with self._lock:
            nlp = self._loaded.get(lang)
            if nlp is None:
                if lang == "zh":
                    quiet_jieba()
                nlp = slim_vocab(spacy.load(self.model_dir / lang))
                self._loaded[lang] = nlp
        return nlp

    def __iter__(self) -> Iterator[str]:
        return iter(self.languages)

    def __len__(self) -> int:
        return len(self.languages)

    def is_loaded(self, lang: str) -> bool:
        return lang in self._loaded


def load_pipelines(model_dir: Path = DEFAULT_MODEL_DIR) -> tuple[Pipelines, dict, dict]:
    """(pipelines by language, loaded on first use; model-evidence lexicon; meta)
    of a built model."""
    model_dir = Path(model_dir)
    version = stored_version(model_dir)
    if version is None:
        raise ModelNotBuiltError(
            f"No classifier model in {model_dir}. Build it with: python -m classifiers train"
        )
    meta = json.loads((model_dir / META_FILE).read_text(encoding="utf-8"))
    if meta.get("format") != FORMAT:
        raise ModelNotBuiltError(
            f"The model in {model_dir} was built by an older version of the classifier. "
            "Rebuild it with: python -m classifiers train"
        )
    nlps = Pipelines(model_dir, CONFIGS)
    lexicon = json.loads((model_dir / "lexicon.json").read_text(encoding="utf-8"))
    return nlps, lexicon, meta
