"""Routing of complaint narratives: redaction, language, rules and model."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import spacy
from spacy.attrs import LOWER
from spacy.language import Language
from spacy.tokens import Doc

from .decision import decide_urgency
from .language import chinese_share, detect_language
from .model import (DEFAULT_MODEL_DIR, Featurizer, load_pipelines, pad_for_model,
                    slim_vocab)
from .normalize import Normalized, normalize
from .redaction import mask_sensitive
from .rules import ARRAY_KEY, CONDUCT_LABELS, KEYS_KEY, SIGNAL_URGENCY, RuleSet
from .sentences import SENTENCE, SentenceScore, SentenceScorer
from .types import CATEGORIES, URGENCIES, URGENCY_RANK, Evidence, Routing

# How many model evidence words to report per label.
MODEL_EVIDENCE = 3
# Labels reported as evidence for a complaint (conduct aliases "threat" and
# "impersonation" are for collectors' notes and are left out).
_COMPLAINT_EXCLUDED = {"threat", "impersonation"}
HITS_KEY = "redress_rule_hits"
SENTENCES_KEY = "redress_sentence_scores"
# The calibrated scores of each component ({component: {label: probability}}).
CALIBRATED_KEY = "redress_calibrated"
# Evidence label when the model was unsure between high and critical and the
# complaint was routed critical (recall of critical first).
UNSURE_LABEL = "critical_unsure"


class Router:
    """Loaded pipelines, calibration and rules; thread-safe for prediction."""

    def __init__(self, model_dir: Path = DEFAULT_MODEL_DIR) -> None:
        self.nlps, self.lexicon, self.meta = load_pipelines(model_dir)
        self.model_version: str = self.meta["model_version"]
        calibration = self.meta.get("calibration") or {}
        self.temperature: dict = calibration.get("temperature") or {}
        self.critical_weight: float = float(calibration.get("critical_weight", 1.0))
        threshold = calibration.get("sentence_threshold")
        self.sentence_threshold: float | None = None if threshold is None else float(threshold)
        self._sentence_scorers: dict[str, SentenceScorer] = {}
        # Featurizers by language, made with their pipeline (Chinese on first use).
        self.features: dict[str, Featurizer] = {"en": Featurizer(self.nlps["en"], "en")}
        # The conduct scan needs no model: Chinese rules run on a character doc.
        zh_chars = slim_vocab(spacy.blank("zh"))
        self.rules = {"en": self.features["en"].rules, "zh": RuleSet(zh_chars, "zh")}
        self._rule_nlps = {"en": self.features["en"].rule_nlp, "zh": zh_chars}
        self._lock = threading.Lock()
        self._lex_cache: dict[tuple[str, str], tuple[frozenset, dict]] = {}
        self._temperatures: dict[tuple[str, str], float] = {}

    # ------------------------------------------------------------------ public
    def route(self, text: str) -> Routing:
        return self.route_many([text])[0]

    def route_many(self, texts: Sequence[str], batch_size: int = 256) -> list[Routing]:
        if not all(isinstance(t, str) for t in texts):
            raise TypeError("route() takes the complaint narrative as a string")
        # One batch at a time: the docs of a batch are dropped once it is routed.
        out: list[Routing] = []
        for start in range(0, len(texts), max(1, batch_size)):
            out += self._route_batch(texts[start : start + batch_size], batch_size)
        return out

    def _route_batch(self, texts: Sequence[str], batch_size: int) -> list[Routing]:
        masked = [mask_sensitive(t) for t in texts]
        norms = [normalize(m.text) for m in masked]
        langs = [detect_language(n.text) for n in norms]
        docs: dict[str, dict[int, Doc]] = {"en": {}, "zh": {}}
        with self._lock:
            for lang in ("en", "zh"):
                idx = [i for i, lg in enumerate(langs) if lg in (lang, "mixed")]
                if not idx:
                    continue
                texts_ = [norms[i].text for i in idx]
                for i, doc in zip(idx, self._pipe(lang, texts_, batch_size)):
                    docs[lang][i] = doc
        out: list[Routing] = []
        for i, (m, norm, lang) in enumerate(zip(masked, norms, langs)):
            out.append(self._decide(m.text, m.count, norm, lang, {lg: d[i] for lg, d in docs.items() if i in d}))
        return out

    def scan_conduct_language(self, text: str) -> list[Evidence]:
        return scan_conduct(text, self._rule_nlps, self.rules)

    # ----------------------------------------------------------------- helpers
    def _pipe(self, lang: str, texts: list[str], batch_size: int) -> Iterable[Doc]:
        """Tokenise, apply the rules (kept on the doc and given to the model as
        features), run both text classifiers, keep the unpadded doc's cats."""
        nlp = self.nlps[lang]
        feats = self.features.get(lang)
        if feats is None:
            feats = self.features[lang] = Featurizer(nlp, lang)
        docs = []
        for text in texts:
            doc, hits = feats.doc(text)
            doc.user_data[HITS_KEY] = hits
            docs.append(doc)
        padded = [pad_for_model(d, nlp) for d in docs]
        calibrated: list[dict[str, dict[str, float]]] = [{} for _ in docs]
        step = max(1, batch_size)
        for name, proc in nlp.pipeline:
            # The component's scores (what its pipe() would set as doc.cats),
            # one row per doc, calibrated: model.temper on every row at once.
            labels = proc.labels
            t = self._temperature(lang, name)
            for start in range(0, len(padded), step):
                scores = np.asarray(proc.predict(padded[start : start + step]), dtype="float64")
                logs = np.log(np.maximum(scores, 1e-12)) / t
                tempered = np.exp(logs - logs.max(axis=1, keepdims=True))
                tempered /= tempered.sum(axis=1, keepdims=True)
                for doc_cal, cal in zip(calibrated[start : start + step], tempered.tolist()):
                    doc_cal[name] = dict(zip(labels, cal))
        # The sentence pass, for the whole batch in one model call.
        scorer, t = self._sentence_scorer(lang)
        sentences = scorer.best_many([(d, d.user_data[HITS_KEY], text) for d, text in zip(docs, texts)],
                                     "critical", t)
        for doc, doc_cal, scores in zip(docs, calibrated, sentences):
            doc.user_data[CALIBRATED_KEY] = doc_cal
            doc.user_data[SENTENCES_KEY] = scores
            yield doc

    def _temperature(self, lang: str, component: str) -> float:
        t = self._temperatures.get((lang, component))
        if t is None:
            t = self._temperatures[(lang, component)] = float((self.temperature.get(lang) or {}).get(component, 1.0))
        return t

    def _decide(self, masked_text: str, masked_count: int, norm: Normalized, lang: str,
                docs: dict[str, Doc]) -> Routing:
        if lang == "mixed":
            share = chinese_share(norm.text)
            scores = {c: 0.0 for c in CATEGORIES}
            probs = {u: 0.0 for u in URGENCIES}
            for lg, w in (("zh", share), ("en", 1.0 - share)):
                cal = docs[lg].user_data[CALIBRATED_KEY]
                for c in CATEGORIES:
                    scores[c] += w * cal["textcat"][c]
                for u in URGENCIES:
                    probs[u] += w * cal["urgency"][u]
        else:
            # One language, weight 1: the calibrated scores as they are.
            cal = docs[lang].user_data[CALIBRATED_KEY]
            scores = {c: cal["textcat"][c] for c in CATEGORIES}
            probs = {u: cal["urgency"][u] for u in URGENCIES}
        # The highest score; ties go to the earlier category.
        category = max(CATEGORIES, key=scores.__getitem__)

        evidence: list[Evidence] = []
        to_original = norm.to_original
        for lg, doc in docs.items():
            for hit in doc.user_data[HITS_KEY]:
                if hit.label in _COMPLAINT_EXCLUDED:
                    continue
                start, end = _word_bounds(doc, hit.start, hit.end) if lg == "zh" else (hit.start, hit.end)
                a, b = to_original(start, end)
                evidence.append(Evidence(hit.label, masked_text[a:b], a, b, "rule"))
        signals = sorted({e.label for e in evidence if e.label in SIGNAL_URGENCY})
        floor = [SIGNAL_URGENCY[s] for s in signals]
        rule_urgency = max(floor, key=URGENCY_RANK.__getitem__, default=None)
        # The urgency model on each sentence alone (a critical sentence inside
        # a long dispute), in either language of a mixed complaint.
        critical_sentences = {lg: doc.user_data[SENTENCES_KEY] for lg, doc in docs.items()}
        sentence_critical = max((s.probs["critical"] for s in critical_sentences.values() if s), default=0.0)
        urgency, urgency_scores, unsure = decide_urgency(probs, floor, self.critical_weight,
                                                         sentence_critical, self.sentence_threshold)
        by_sentence = (urgency == "critical" and self.sentence_threshold is not None
                       and sentence_critical >= self.sentence_threshold
                       and decide_urgency(probs, floor, self.critical_weight)[0] != "critical")

        for lg, doc in docs.items():
            evidence.extend(self._model_evidence(lg, doc, category, norm, masked_text))
            # The model's own words for a raised urgency (above the rule floor).
            if urgency in ("critical", "high") and (rule_urgency is None
                                                    or URGENCY_RANK[urgency] > URGENCY_RANK[rule_urgency]):
                words = self._model_words(lg, doc, urgency)
                evidence.extend(_evidence(urgency, a, b, norm, masked_text, "model") for a, b in words)
                # The sentence behind it: the one holding the model's strongest
                # word for that level, else (critical only) the one it scores
                # highest on its own.
                best = critical_sentences.get(lg)
                if by_sentence:
                    # Raised by one sentence: that sentence is the evidence.
                    sentence = ((best.start, best.end)
                                if best and best.probs["critical"] >= self.sentence_threshold else None)
                elif words:
                    sentence = _sentence_around(norm.text, *words[0])
                elif urgency == "critical" and best is not None:
                    sentence = (best.start, best.end)
                elif urgency == "critical":
                    sentence = (0, len(doc.text.rstrip())) if doc.text.strip() else None
                else:
                    sentence = None
                if sentence is not None:
                    a, b = norm.to_original(*sentence)
                    label = UNSURE_LABEL if unsure else urgency
                    evidence.append(Evidence(label=label, text=masked_text[a:b], start=a, end=b, source="model"))
        return Routing(
            category=category,
            urgency=urgency,
            language=lang,
            scores={k: round(v, 4) for k, v in scores.items()},
            urgency_scores={k: round(v, 4) for k, v in urgency_scores.items()},
            evidence=_sorted_unique(evidence),
            model_version=self.model_version,
            masked_text=masked_text,
            masked_count=masked_count,
            rule_urgency=rule_urgency,
            signals=signals,
        )

    def _sentence_scorer(self, lang: str) -> tuple[SentenceScorer, float]:
        """The language's sentence scorer and its urgency temperature."""
        scorer = self._sentence_scorers.get(lang)
        if scorer is None:
            scorer = self._sentence_scorers[lang] = SentenceScorer(self.nlps[lang].get_pipe("urgency"))
        return scorer, float((self.temperature.get(lang) or {}).get("urgency", 1.0))

    def _sentence_scores(self, lang: str, doc: Doc, text: str) -> list[SentenceScore]:
        """Each sentence of ``doc`` scored alone by the urgency model, calibrated."""
        scorer, t = self._sentence_scorer(lang)
        return scorer.score(doc, doc.user_data.get(HITS_KEY, []), t, text=text)

    def _lexicon_index(self, lang: str, label: str) -> tuple[frozenset, dict]:
        """(word hashes, {word hash: weight}) of the label's model words."""
        key = (lang, label)
        table = self._lex_cache.get(key)
        if table is None:
            strings = self.nlps[lang].vocab.strings
            weights = self.lexicon.get(lang, {}).get(label, {})
            by_hash = {strings.add(word): weight for word, weight in weights.items()}
            table = self._lex_cache[key] = (frozenset(by_hash), by_hash)
        return table

    def _model_evidence(self, lang: str, doc: Doc, label: str, norm: Normalized,
                        masked_text: str) -> list[Evidence]:
        return [_evidence(label, a, b, norm, masked_text, "model") for a, b in self._model_words(lang, doc, label)]

    def _model_words(self, lang: str, doc: Doc, label: str) -> list[tuple[int, int]]:
        """Offsets (normalised text) of the whole words that the model weighs most
        for ``label`` (a category, or the urgency level the model raised), the
        strongest first (the first occurrence of each; ties to the earlier
        word), at most MODEL_EVIDENCE."""
        words, weight = self._lexicon_index(lang, label)
        if not words or len(doc) == 0:
            return []
        arr = doc.user_data.get((KEYS_KEY, LOWER))
        if arr is None:
            array = doc.user_data.get((ARRAY_KEY, LOWER))
            arr = array.tolist() if array is not None else doc.to_array(LOWER).tolist()
            doc.user_data[(KEYS_KEY, LOWER)] = arr
        present = doc.user_data.get((KEYS_KEY, LOWER, "set"))
        if present is None:
            present = doc.user_data[(KEYS_KEY, LOWER, "set")] = set(arr)
        found = words & present
        if len(found) > MODEL_EVIDENCE:
            # Only words weighing at least as much as the third heaviest can
            # be among the strongest: find the first occurrence of those only.
            cutoff = sorted((weight[k] for k in found), reverse=True)[MODEL_EVIDENCE - 1]
            found = [k for k in found if weight[k] >= cutoff]
        first = {h: arr.index(h) for h in found}
        best = sorted(first, key=lambda k: (-weight[k], first[k]))[:MODEL_EVIDENCE]
        out = []
        for key in best:
            tok = doc[first[key]]
            out.append((tok.idx, tok.idx + len(tok.text)))
        return out


def _sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence of ``text`` holding [start, end), without surrounding spaces."""
    a, b = 0, len(text)
    for m in SENTENCE.finditer(text):
        if m.end() > start:
            a, b = m.span()
            break
    b = max(b, end)
    while a < start and text[a].isspace():
        a += 1
    while b > end and text[b - 1].isspace():
        b -= 1
    return a, b


def _word_bounds(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Widen a character span of ``doc.text`` to whole words of ``doc``."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return start, end
    return span.start_char, span.end_char


class ConductScanner:
    """The conduct-language rules on tokenizer-only pipelines (no model needed)."""

    def __init__(self) -> None:
        # Tokenizer-only pipelines; zh uses the "char" segmenter (the phrase
        # rules match characters).
        self.nlps = {"en": slim_vocab(spacy.blank("en")), "zh": slim_vocab(spacy.blank("zh"))}
        self.rules = {lang: RuleSet(nlp, lang) for lang, nlp in self.nlps.items()}

    def scan(self, text: str) -> list[Evidence]:
        return scan_conduct(text, self.nlps, self.rules)


def scan_conduct(text: str, nlps: dict[str, Language], rules: dict[str, RuleSet]) -> list[Evidence]:
    """Abusive, threatening or impersonating phrases, offsets in the masked text."""
    if not isinstance(text, str):
        raise TypeError("scan_conduct_language() takes the note or transcript as a string")
    masked = mask_sensitive(text)
    norm = normalize(masked.text)
    lang = detect_language(norm.text)
    evidence: list[Evidence] = []
    for lg in ("en", "zh"):
        if lang not in (lg, "mixed"):
            continue
        doc = nlps[lg].make_doc(norm.text)
        for hit in rules[lg].find(doc, norm.text):
            if hit.label in CONDUCT_LABELS:
                evidence.append(_evidence(hit.label, hit.start, hit.end, norm, masked.text, "rule"))
    return _sorted_unique(evidence)


def _evidence(label: str, start: int, end: int, norm: Normalized, masked_text: str, source: str) -> Evidence:
    a, b = norm.to_original(start, end)
    return Evidence(label, masked_text[a:b], a, b, source)


def _sorted_unique(items: list[Evidence]) -> list[Evidence]:
    seen: set[tuple] = set()
    out: list[Evidence] = []
    for e in sorted(items, key=lambda e: (e.start, e.end, e.source != "rule", e.label)):
        key = (e.label, e.start, e.end, e.source)
        if key not in seen:
            seen.add(key)
            out.append(e)
    return out
