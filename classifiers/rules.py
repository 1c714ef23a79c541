"""Phrase rules: the SPEC section 3 urgency signals, category cues and the
conduct-language rules, for English and Chinese.

Rules run on a spaCy ``Doc`` (English tokens, or Chinese characters from the
``zh`` ``char`` segmenter) with ``PhraseMatcher`` and ``Matcher`` patterns from
:mod:`classifiers.patterns`. A hit is dropped when a negation governs it
("they never threatened to hurt me", "他们没有威胁我"); see :meth:`RuleSet._negated`.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from .patterns import en as en_patterns
from .patterns import zh as zh_patterns

# Signal label -> urgency it implies (None: a category cue only).
CRITICAL_SIGNALS = (
    "violence_threat",
    "self_harm",
    "arrest_with_date",
    "home_or_work_visit",
    "minor_contacted",
)
HIGH_SIGNALS = (
    "ongoing_harassment",
    "third_party_disclosure",
    "legal_threat",
    "arrest_threat",
    "vulnerable_cardholder",
)
SIGNAL_URGENCY: dict[str, str] = {
    **{s: "critical" for s in CRITICAL_SIGNALS},
    **{s: "high" for s in HIGH_SIGNALS},
}
# Which category a signal speaks for (used as a cue; the model decides).
SIGNAL_CATEGORY: dict[str, str] = {
    "violence_threat": "threats",
    "arrest_with_date": "threats",
    "arrest_threat": "threats",
    "legal_threat": "threats",
    "home_or_work_visit": "harassment",
    "ongoing_harassment": "harassment",
    "minor_contacted": "third_party",
    "third_party_disclosure": "third_party",
}
CONDUCT_LABELS = ("abusive_language", "threat", "impersonation")
# Signals that also count as threatening conduct language.
_CONDUCT_FROM_SIGNALS = {"violence_threat": "threat", "arrest_with_date": "threat",
                         "arrest_threat": "threat"}


@dataclass(frozen=True)
class Hit:
    """A rule match on a Doc: ``label`` and character offsets into doc.text."""

    label: str
    start: int
    end: int


class RuleSet:
    """Compiled patterns of one language, bound to one pipeline's vocab."""

    def __init__(self, nlp: Language, lang: str) -> None:
        self.lang = lang
        self.p: ModuleType = en_patterns if lang == "en" else zh_patterns
        attr = "LOWER" if lang == "en" else "ORTH"
        self.phrases = PhraseMatcher(nlp.vocab, attr=attr)
        self.matcher = Matcher(nlp.vocab)
        for label, phrases in self.p.PHRASES.items():
            docs = [nlp.make_doc(p) for p in dict.fromkeys(phrases)]
            self.phrases.add(label, docs)
        for label, patterns in self.p.TOKEN_PATTERNS.items():
            self.matcher.add(label, patterns)
        if lang == "en":
            self._add_en_disclosure(nlp)
        self.vocab = nlp.vocab
        self._use_matcher = len(self.matcher) > 0

    # -- construction ------------------------------------------------------------
    def _add_en_disclosure(self, nlp: Language) -> None:
        rel = {"LOWER": {"IN": en_patterns.RELATIONS}}
        owner = {"LOWER": {"IN": ["my", "our", "your", "his", "her"]}}
        adj = {"IS_ALPHA": True, "OP": "?"}
        pats = []
        for verb in en_patterns.PHRASES["_disclosure_verb"]:
            head = [{"LOWER": w} for w in verb.split()]
            pats.append(head + [owner, adj, rel])
            pats.append(head + [owner, adj, rel, {"LOWER": "'s"}])
        pats.append([{"LOWER": {"IN": ["my", "our"]}}, rel,
                     {"LOWER": {"IN": ["was", "were", "got", "has", "have"]}},
                     {"LOWER": {"IN": ["called", "contacted", "told", "texted", "getting", "been"]}}])
        self.matcher.add("third_party_disclosure", pats)

    # -- matching -------------------------------------------------------------------
    def raw_matches(self, doc: Doc) -> list[tuple[str, int, int]]:
        """(label, start_token, end_token) for every pattern match."""
        strings = self.vocab.strings
        out = [(strings[m], s, e) for m, s, e in self.phrases(doc)]
        if self._use_matcher:
            out += [(strings[m], s, e) for m, s, e in self.matcher(doc)]
        return out

    def sentence_ids(self, doc: Doc) -> list[int]:
        ends = self.p.SENTENCE_ENDS
        ids: list[int] = []
        sid = 0
        for tok in doc:
            ids.append(sid)
            if tok.text in ends or (tok.is_space and "\n" in tok.text):
                sid += 1
        return ids

    def _negated(self, doc: Doc, start: int) -> bool:
        """Is the match starting at token ``start`` under a negation?

        Looks back at most 5 English tokens (4 Chinese characters) in the same
        clause; a clause break (punctuation, conjunction, a new subject, or in
        Chinese a conditional such as 就/要/会) stops the search.
        """
        window = 5 if self.lang == "en" else 4
        breaks = self.p.CLAUSE_BREAKS
        negators = self.p.NEGATORS
        pronouns = getattr(self.p, "CLAUSE_PRONOUNS", frozenset())
        for j in range(start - 1, max(-1, start - 1 - window), -1):
            tok = doc[j]
            key = tok.lower_ if self.lang == "en" else tok.text
            if tok.is_space:
                if "\n" in tok.text:
                    return False
                continue
            if key in negators:
                return True
            if key in breaks or key in pronouns:
                return False
        return False

    def _self_subject(self, doc: Doc, start: int) -> bool:
        """Is the word right before the match the cardholder ("I told my wife")?"""
        j = start - 1
        while j >= 0 and doc[j].is_space:
            j -= 1
        if j < 0:
            return False
        key = doc[j].lower_ if self.lang == "en" else doc[j].text
        return key in self.p.SELF_SUBJECTS

    def _zh_boundaries_ok(self, doc: Doc, label: str, start: int) -> bool:
        """Chinese matches work on characters, so check the left edge:
        "72岁" must not yield "2岁", and "打到我单位" (phoned the workplace) or
        "寄到我家" (mailed home) is no visit."""
        if start == 0:
            return True
        before = doc[start - 1].text
        first = doc[start].text
        numerals = "0123456789零一二三四五六七八九十百两"
        if first in numerals and before in numerals:
            return False
        if label == "home_or_work_visit":
            left = doc[max(0, start - 3) : start].text
            if before in "打寄发邮送" or "电话" in left:
                return False
        return True

    def _number(self, tok_text: str) -> int | None:
        t = tok_text.lower()
        if t.isdigit():
            return int(t)
        return getattr(self.p, "NUMBER_WORDS", {}).get(t)

    def find(self, doc: Doc) -> list[Hit]:
        """Every signal, cue and conduct-language hit in ``doc`` (deduplicated)."""
        sent = self.sentence_ids(doc)
        raw = self.raw_matches(doc)
        helpers: dict[str, list[tuple[int, int]]] = {}
        hits: list[tuple[str, int, int]] = []
        for label, s, e in raw:
            if label.startswith("_"):
                helpers.setdefault(label, []).append((s, e))
                continue
            if self._negated(doc, s):
                continue
            if label == "third_party_disclosure" and self._self_subject(doc, s):
                continue
            if self.lang == "zh" and not self._zh_boundaries_ok(doc, label, s):
                continue
            hits.append((label, s, e))

        def same_sentence(label: str, s: int) -> list[tuple[int, int]]:
            return [(a, b) for a, b in helpers.get(label, []) if sent[a] == sent[s]]

        # Arrest or jail: critical when tied to a date in the same sentence.
        for s, e in helpers.get("_arrest", []):
            if self._negated(doc, s):
                continue
            if same_sentence("_date", s):
                hits.append(("arrest_with_date", s, e))
            else:
                hits.append(("arrest_threat", s, e))
        # Ages: under 18 is a minor, 65 and over a vulnerable (elderly) person.
        minors = list(helpers.get("_minor", []))
        for s, e in helpers.get("_age", []):
            nums = [self._number(t.text) for t in doc[s:e]]
            nums = [n for n in nums if n is not None]
            if not nums:
                continue
            if nums[0] < 18:
                minors.append((s, e))
            elif nums[0] >= 65:
                hits.append(("vulnerable_cardholder", s, e))
        # Contact with a minor: a minor mention and a contact verb in one sentence
        # (Chinese also needs a child noun, as 学校/上学 alone are too broad).
        for s, e in minors:
            if self._negated(doc, s) or (self.lang == "zh" and not self._zh_boundaries_ok(doc, "_minor", s)):
                continue
            if not same_sentence("_contact", s):
                continue
            if self.lang == "zh":
                age_or_minor = doc[s:e].text.startswith("未成年") or doc[s:e].text.endswith("岁")
                if not (age_or_minor or same_sentence("_child", s)):
                    continue
            hits.append(("minor_contacted", s, e))
        # Conduct-language aliases of complaint signals.
        for label, s, e in list(hits):
            alias = _CONDUCT_FROM_SIGNALS.get(label)
            if alias:
                hits.append((alias, s, e))
        return _dedupe(doc, hits)


def _dedupe(doc: Doc, hits: list[tuple[str, int, int]]) -> list[Hit]:
    """Keep, per label, the longest non-overlapping matches, in text order."""
    by_label: dict[str, list[tuple[int, int]]] = {}
    for label, s, e in hits:
        by_label.setdefault(label, []).append((s, e))
    out: list[Hit] = []
    for label, spans in by_label.items():
        spans.sort(key=lambda se: (se[0], -(se[1] - se[0])))
        last_end = -1
        for s, e in spans:
            if s < last_end:
                continue
            last_end = e
            span = doc[s:e]
            out.append(Hit(label, span.start_char, span.end_char))
    out.sort(key=lambda h: (h.start, h.label))
    return out
