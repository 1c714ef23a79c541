"""Routing of complaint narratives: redaction, language, rules and model."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from pathlib import Path

import spacy
from spacy.attrs import LOWER, ORTH
from spacy.language import Language
from spacy.tokens import Doc

from .language import chinese_share, detect_language
from .model import DEFAULT_MODEL_DIR, load_pipelines, pad_for_model, set_rule_features, slim_vocab
from .normalize import Normalized, normalize
from .redaction import mask_sensitive
from .rules import CONDUCT_LABELS, KEYS_KEY, SIGNAL_URGENCY, RuleSet
from .types import CATEGORIES, URGENCIES, URGENCY_RANK, Evidence, Routing

# The model may raise urgency (never lower a rule signal); it may only claim
# "critical" on its own when it is at least this sure, because critical is
# defined by the SPEC signals the rules look for.
MODEL_CRITICAL_MIN = 0.9
# How many model evidence words to report.
MODEL_EVIDENCE = 3
# Labels reported as evidence for a complaint (conduct aliases "threat" and
# "impersonation" are for collectors' notes and are left out).
_COMPLAINT_EXCLUDED = {"threat", "impersonation"}
HITS_KEY = "redress_rule_hits"


class Router:
    """Loaded pipelines and rules; thread-safe for prediction."""

    def __init__(self, model_dir: Path = DEFAULT_MODEL_DIR) -> None:
        self.nlps, self.lexicon, self.model_version = load_pipelines(model_dir)
        self.rules = {lang: RuleSet(nlp, lang) for lang, nlp in self.nlps.items()}
        self._lock = threading.Lock()
        self._lex_cache: dict[tuple[str, str], tuple] = {}

    # ------------------------------------------------------------------ public
    def route(self, text: str) -> Routing:
        return self.route_many([text])[0]

    def route_many(self, texts: Sequence[str], batch_size: int = 256) -> list[Routing]:
        if not all(isinstance(t, str) for t in texts):
            raise TypeError("route() takes the complaint narrative as a string")
        masked = [mask_sensitive(t) for t in texts]
        norms = [normalize(m.text) for m in masked]
        langs = [detect_language(n.text) for n in norms]
        docs: dict[str, dict[int, Doc]] = {"en": {}, "zh": {}}
        with self._lock:
            for lang in ("en", "zh"):
                idx = [i for i, lg in enumerate(langs) if lg in (lang, "mixed")]
                if not idx:
                    continue
                nlp = self.nlps[lang]
                texts_ = [norms[i].text for i in idx]
                for i, doc in zip(idx, self._pipe(nlp, self.rules[lang], texts_, batch_size)):
                    docs[lang][i] = doc
        out: list[Routing] = []
        for i, (m, norm, lang) in enumerate(zip(masked, norms, langs)):
            out.append(self._decide(m.text, m.count, norm, lang, {lg: d[i] for lg, d in docs.items() if i in d}))
        return out

    def scan_conduct_language(self, text: str) -> list[Evidence]:
        return scan_conduct(text, self.nlps, self.rules)

    # ----------------------------------------------------------------- helpers
    @staticmethod
    def _pipe(nlp: Language, rules: RuleSet, texts: list[str], batch_size: int) -> Iterable[Doc]:
        """Tokenise once, apply the rules (kept on the doc and given to the model
        as features), run the text classifier, keep the unpadded doc's cats."""
        docs = [nlp.make_doc(t) for t in texts]
        for doc, text in zip(docs, texts):
            hits = rules.find(doc, text)
            doc.user_data[HITS_KEY] = hits
            set_rule_features(doc, (h.label for h in hits))
        padded = [pad_for_model(d, nlp) for d in docs]
        for name, proc in nlp.pipeline:
            padded = list(proc.pipe(padded, batch_size=batch_size))
        for doc, scored in zip(docs, padded):
            doc.cats = dict(scored.cats)
            yield doc

    def _decide(self, masked_text: str, masked_count: int, norm: Normalized, lang: str,
                docs: dict[str, Doc]) -> Routing:
        if lang == "mixed":
            share = chinese_share(norm.text)
            weights = {"zh": share, "en": 1.0 - share}
        else:
            weights = {lang: 1.0}
        scores = {c: 0.0 for c in CATEGORIES}
        urgency_scores = {u: 0.0 for u in URGENCIES}
        for lg, w in weights.items():
            cats = docs[lg].cats
            for c in CATEGORIES:
                scores[c] += w * cats.get(c, 0.0)
            for u in URGENCIES:
                urgency_scores[u] += w * cats.get(u, 0.0)
        scores = {k: round(v, 4) for k, v in scores.items()}
        urgency_scores = {k: round(v, 4) for k, v in urgency_scores.items()}
        category = max(CATEGORIES, key=lambda c: (scores[c], -CATEGORIES.index(c)))

        evidence: list[Evidence] = []
        for lg, doc in docs.items():
            for hit in doc.user_data[HITS_KEY]:
                if hit.label in _COMPLAINT_EXCLUDED:
                    continue
                evidence.append(_evidence(hit.label, hit.start, hit.end, norm, masked_text, "rule"))
        signals = sorted({e.label for e in evidence if e.label in SIGNAL_URGENCY})
        rule_urgency = max((SIGNAL_URGENCY[s] for s in signals), key=URGENCY_RANK.__getitem__, default=None)

        model_urgency = max(URGENCIES, key=lambda u: (urgency_scores[u], -URGENCY_RANK[u]))
        if model_urgency == "critical" and urgency_scores["critical"] < MODEL_CRITICAL_MIN:
            model_urgency = "high"
        urgency = model_urgency
        if rule_urgency and URGENCY_RANK[rule_urgency] > URGENCY_RANK[urgency]:
            urgency = rule_urgency

        for lg, doc in docs.items():
            evidence.extend(self._model_evidence(lg, doc, category, norm, masked_text))
        return Routing(
            category=category,
            urgency=urgency,
            language=lang,
            scores=scores,
            urgency_scores=urgency_scores,
            evidence=_sorted_unique(evidence),
            model_version=self.model_version,
            masked_text=masked_text,
            masked_count=masked_count,
            rule_urgency=rule_urgency,
            signals=signals,
        )

    def _lexicon_index(self, lang: str, category: str) -> tuple:
        """(hash array, {key: (text, weight)}) of the category's model words."""
        key = (lang, category)
        cached = self._lex_cache.get(key)
        if cached is None:
            strings = self.nlps[lang].vocab.strings
            weights = self.lexicon.get(lang, {}).get(category, {})
            table: dict = {}
            for word, weight in weights.items():
                if lang == "en":
                    table[strings.add(word)] = (word, weight)
                else:
                    table[(strings.add(word[0]), strings.add(word[1]))] = (word, weight)
            firsts = frozenset(k if lang == "en" else k[0] for k in table)
            cached = (firsts, table)
            self._lex_cache[key] = cached
        return cached

    def _model_evidence(self, lang: str, doc: Doc, category: str, norm: Normalized,
                        masked_text: str) -> list[Evidence]:
        """The words (English) or character pairs (Chinese) in the text that the
        model weighs most for the chosen category, at most MODEL_EVIDENCE."""
        firsts, table = self._lexicon_index(lang, category)
        if not table or len(doc) == 0:
            return []
        arr = doc.user_data.get(KEYS_KEY)
        if arr is None:
            arr = doc.to_array(LOWER if lang == "en" else ORTH).tolist()
        # First position of each lexicon entry (keys only: Token objects are
        # made for the few entries reported).
        first: dict = {}
        n = len(arr)
        for i, h in enumerate(arr):
            if h not in firsts:
                continue
            key = h if lang == "en" else ((h, arr[i + 1]) if i + 1 < n else None)
            if key in table and key not in first:
                first[key] = i
        best = sorted(first, key=lambda k: (-table[k][1], first[k]))[:MODEL_EVIDENCE]
        out = []
        for key in best:
            i = first[key]
            last = doc[i if lang == "en" else i + 1]
            out.append(_evidence(category, doc[i].idx, last.idx + len(last.text), norm, masked_text, "model"))
        return out


class ConductScanner:
    """The conduct-language rules on tokenizer-only pipelines (no model needed)."""

    def __init__(self) -> None:
        # Tokenizer-only pipelines; zh uses the "char" segmenter (no download).
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
    return Evidence(label=label, text=masked_text[a:b], start=a, end=b, source=source)


def _sorted_unique(items: list[Evidence]) -> list[Evidence]:
    seen: set[tuple] = set()
    out: list[Evidence] = []
    for e in sorted(items, key=lambda e: (e.start, e.end, e.source != "rule", e.label)):
        key = (e.label, e.start, e.end, e.source)
        if key not in seen:
            seen.add(key)
            out.append(e)
    return out
