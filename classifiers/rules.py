"""Phrase rules: the SPEC section 3 urgency signals, category cues and the
conduct-language rules, for English and Chinese.

Rules run on a spaCy ``Doc`` (English tokens, or Chinese characters from the
``zh`` ``char`` segmenter). Phrases from :mod:`classifiers.patterns` are found
with one ``PhraseMatcher`` per language (lower-cased tokens for English,
characters for Chinese); a few combinations are then checked in Python:

* arrest or jail is *critical* only with a date in the same sentence
  ("arrested tomorrow", "明天来抓你"), otherwise *high*;
* contact with a minor needs a minor (an age under 18, "minor", a school...)
  and a contact verb in one sentence;
* disclosure needs a contact verb followed by "my/our/your (adjective) relative".

Besides literal phrases, each language has ``REGEX_PATTERNS``: families of
paraphrases as regular expressions over the text ("you'll regret it", "came to
the restaurant where I work", "你会后悔的", "堵在我们厂门口"); a match is widened
to whole tokens and then checked like a phrase.

A hit is dropped when a negation governs it ("they never threatened to hurt
me", "他们没有威胁我"); see :meth:`RuleSet._negated`. A negated paying verb is
a condition, not a negation ("不还钱你会后悔的"). A visit is dropped when the
cardholder is the one moving ("I was sitting in my office") or the sentence
only asks about visits ("Can a collector visit my home?"); a contact verb aimed
at the cardholder ("they called me while I was picking up my kids") is no
contact with a minor.
"""

from __future__ import annotations

import re
from typing import NamedTuple
from types import ModuleType

from collections.abc import Iterable

from spacy.attrs import LOWER, ORTH
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.strings import hash_string
from spacy.tokens import Doc

from .patterns import en as en_patterns
from .patterns import zh as zh_patterns

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
# Signal label -> the urgency it implies (SPEC section 3).
SIGNAL_URGENCY: dict[str, str] = {
    **{s: "critical" for s in CRITICAL_SIGNALS},
    **{s: "high" for s in HIGH_SIGNALS},
}
CONDUCT_LABELS = ("abusive_language", "threat", "impersonation")
# Complaint signals that also count as threatening conduct language.
_CONDUCT_FROM_SIGNALS = {"violence_threat": "threat", "arrest_with_date": "threat",
                         "arrest_threat": "threat"}
# (KEYS_KEY, attr): the doc's token keys (hashes of ``attr``) as a list, and
# (ARRAY_KEY, attr) as a numpy array, left on the doc by RuleSet.find.
KEYS_KEY = "redress_token_keys"
ARRAY_KEY = "redress_token_array"
# What ends a sentence (as classifiers/sentences.py splits them): end
# punctuation, a semicolon or a line break, but not a point between two digits.
_SENTENCE_END = re.compile(r"[!?;。！？；\n]|\.(?!(?<=\d\.)\d)")


class _View:
    """Token keys (hashes of LOWER for English, ORTH for Chinese) of a doc,
    read once as a plain list; ``space[key]``: is such a token whitespace."""

    __slots__ = ("doc", "array", "keys", "space")

    def __init__(self, doc: Doc, attr: int, space: "_SpaceKeys | None" = None) -> None:
        self.doc = doc
        self.array = doc.to_array(attr)
        self.keys = self.array.tolist()
        self.space = _SpaceKeys(doc.vocab.strings) if space is None else space


_NEGATOR, _PRONOUN, _BREAK = 1, 2, 3


class _Labels(dict):
    """{match id: label} of a vocab's strings, filled on first use."""

    __slots__ = ("strings",)

    def __init__(self, strings) -> None:
        super().__init__()
        self.strings = strings

    def __missing__(self, key: int) -> str:
        label = self[key] = self.strings[key]
        return label


class _SpaceKeys(dict):
    """{token key: is the token whitespace (spaCy's IS_SPACE)} of one vocab,
    filled on first use (whitespace is the same lower-cased or not)."""

    __slots__ = ("strings",)

    def __init__(self, strings) -> None:
        super().__init__()
        self.strings = strings

    def __missing__(self, key: int) -> bool:
        flag = self[key] = self.strings[key].isspace()
        return flag

    def newline(self, key: int) -> bool:
        return "\n" in self.strings[key]


class Hit(NamedTuple):
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
        for label, phrases in self.p.PHRASES.items():
            self.phrases.add(label, list(nlp.tokenizer.pipe(dict.fromkeys(phrases))))
        self.matcher = Matcher(nlp.vocab)
        for label, patterns in self.p.TOKEN_PATTERNS.items():
            self.matcher.add(label, patterns)
        self._use_matcher = len(self.matcher) > 0
        # Pattern families: per label, the trigger-token hashes and the compiled
        # regular expressions (for lower-cased text, and case-insensitive for
        # the rare text whose lower-casing changes its length).
        # Triggers are given per label or per expression. A leading word
        # boundary is checked after matching (it would keep the regex engine
        # from skipping ahead to the possible first characters).
        triggers = getattr(self.p, "REGEX_TRIGGERS", {})
        self._regexes = []
        for label, rxs in getattr(self.p, "REGEX_PATTERNS", {}).items():
            trig = triggers.get(label, ())
            per_rx = list(trig) if trig and not isinstance(trig[0], str) else [trig] * len(rxs)
            if len(per_rx) != len(rxs):
                raise ValueError(f"REGEX_TRIGGERS[{label!r}] does not match REGEX_PATTERNS")
            for rx, words in zip(rxs, per_rx):
                body = rx[2:] if rx.startswith("\\b") else rx
                self._regexes.append((label, frozenset(hash_string(w) for w in words),
                                      re.compile(body), re.compile(body, re.IGNORECASE)))
        # Trigger hash -> indices of the expressions it lets run; expressions
        # without triggers always run.
        self._untriggered = frozenset(i for i, (_l, trig, _r, _ri) in enumerate(self._regexes) if not trig)
        self._by_trigger: dict[int, list[int]] = {}
        for i, (_label, trig, _rx, _rx_i) in enumerate(self._regexes):
            for key in trig:
                self._by_trigger.setdefault(key, []).append(i)
        self._trigger_keys = frozenset(self._by_trigger)
        self._question = re.compile(getattr(self.p, "QUESTION_REGEX", r"(?!)"), re.IGNORECASE)
        self._reported = re.compile(getattr(self.p, "REPORTED_REGEX", r"(?!)"), re.IGNORECASE)
        self._date_regex = re.compile(self.p.DATE_REGEX, re.IGNORECASE)
        self._past_before = re.compile(getattr(self.p, "PAST_DATE_BEFORE", r"(?!)"), re.IGNORECASE)
        self._past_after = re.compile(getattr(self.p, "PAST_DATE_AFTER", r"(?!)"), re.IGNORECASE)
        self._give_contact = re.compile(getattr(self.p, "GIVE_CONTACT_REGEX", r"(?!)"))
        self._word_exclusions: dict[str, tuple[str, str]] = dict(getattr(self.p, "WORD_EXCLUSIONS", {}))
        errand = getattr(self.p, "OWN_CHILD_ERRAND_REGEX", None)
        self._own_errand = re.compile(errand) if errand else None
        self.vocab = nlp.vocab
        self._attr = LOWER if lang == "en" else ORTH
        # Match id -> label (the matchers' ids are the labels' hashes).
        self._match_labels = _Labels(nlp.vocab.strings)
        self._space = _SpaceKeys(nlp.vocab.strings)

        def hashes(words: Iterable[str]) -> frozenset[int]:
            return frozenset(hash_string(w) for w in words)

        self._h_negators = hashes(self.p.NEGATORS)
        self._conditions = tuple(getattr(self.p, "NEGATED_CONDITIONS", ()))
        self._h_breaks = hashes(self.p.CLAUSE_BREAKS)
        self._h_pronouns = hashes(getattr(self.p, "CLAUSE_PRONOUNS", ()))
        self._h_report_breaks = hashes(self.p.REPORT_BREAKS)
        self._h_report_verbs = hashes(getattr(self.p, "REPORT_VERBS", ()))
        self._h_self = hashes(self.p.SELF_SUBJECTS)
        self._h_that = hash_string("that")
        self._h_and = hash_string("and")
        self._h_self_objects = hashes(getattr(self.p, "CONTACT_SELF_OBJECTS", ()))
        self._h_aux = hashes(("was", "were", "am", "'m", "’m", "had", "have", "'ve", "’ve", "been", "was n't"))
        # What ends the look back for a negation, by token key, in the order
        # _negated checks them: a negator, a subject pronoun, a clause break.
        self._lookback: dict[int, int] = {}
        for kind, keys in ((_BREAK, self._h_breaks), (_PRONOUN, self._h_pronouns), (_NEGATOR, self._h_negators)):
            self._lookback.update(dict.fromkeys(keys, kind))

    # -- matching --------------------------------------------------------------
    def raw_matches(self, doc: Doc, text: str | None = None,
                    keys: Iterable[int] | None = None) -> list[tuple[str, int, int]]:
        """(label, start_token, end_token) for every pattern match.

        ``keys`` (the doc's token keys) lets a label's regular expressions be
        skipped when none of its trigger tokens occurs; without it all run."""
        labels = self._match_labels
        out = [(labels[m], s, e) for m, s, e in self.phrases(doc)]
        if self._use_matcher:
            out += [(labels[m], s, e) for m, s, e in self.matcher(doc)]
        if self._regexes:
            if text is None:
                text = doc.text
            if keys is None:
                active = range(len(self._regexes))
            else:
                present = keys if isinstance(keys, (set, frozenset)) else set(keys)
                chosen = set(self._untriggered)
                for key in self._trigger_keys.intersection(present):
                    chosen.update(self._by_trigger[key])
                active = sorted(chosen)
            lowered = text.lower()
            same_length = len(lowered) == len(text)
            for i in active:
                label, _triggers, rx, rx_i = self._regexes[i]
                for m in rx.finditer(lowered) if same_length else rx_i.finditer(text):
                    a, b = m.span()
                    if b <= a or (a > 0 and _word_char(text[a - 1]) and _word_char(text[a])):
                        continue  # empty, or starts inside a word ("became")
                    span = doc.char_span(a, b, alignment_mode="expand")
                    if span is not None and len(span):
                        out.append((label, span.start, span.end))
        return out

    def _past_date(self, text: str, start: int, end: int) -> bool:
        """Is the date at [start, end) when something began ("since March",
        "从三月开始"), not when an arrest is to happen?"""
        before = self._past_before.search(text, max(0, start - 24), start)
        return before is not None or self._past_after.match(text, end) is not None

    def _negated(self, v: _View, start: int) -> bool:
        """Is the match starting at token ``start`` under a negation?

        Looks back at most 5 English tokens (4 Chinese characters) in the same
        clause; a clause break (punctuation, a conjunction, a new subject, or in
        Chinese a conditional such as 就/要/会) ends the search, so "if you
        don't pay we will kill you" and "不还钱就弄死你" still fire.
        (Works on hashes of the lower-cased tokens: no Token objects.)
        """
        window = 5 if self.lang == "en" else 4
        keys = v.keys
        lookback = self._lookback
        for j in range(start - 1, max(-1, start - 1 - window), -1):
            key = keys[j]
            kind = lookback.get(key)
            if kind is None:
                # Whitespace is skipped, but a line break ends the clause.
                if v.space[key] and self._space.newline(key):
                    return False
                continue
            if kind == _NEGATOR:
                return not self._negated_condition(v, j, start)
            if kind == _PRONOUN:
                return self._negated_report(v, j)
            return key in self._h_report_breaks and self._negated_report(v, j + 1)
        return False

    def _negated_condition(self, v: _View, j: int, start: int) -> bool:
        """Does the negation at token ``j`` belong to a condition on paying
        ("不还钱你会后悔的", "再不还钱就会出事"), not to the match at ``start``?"""
        if not self._conditions or j + 1 >= start:
            return False
        after = v.doc[j + 1 : start].text
        return after.startswith(self._conditions)

    def _negated_report(self, v: _View, clause_start: int) -> bool:
        """Is the clause starting at ``clause_start`` reported by a negated verb?
        ("they never said I would be arrested", "他们没说明天抓我", "他们不会打你")."""
        j = clause_start - 1
        if self.lang == "en":
            if j >= 0 and v.keys[j] == self._h_that:
                j -= 1
            if j < 0 or v.keys[j] not in self._h_report_verbs:
                return False
        # Look at most 3 more tokens back for a negation, within the clause.
        for k in range(j - (1 if self.lang == "en" else 0), max(-1, j - 4), -1):
            key = v.keys[k]
            if key in self._h_negators:
                return True
            if key in self._h_breaks and not (self.lang == "zh" and key in self._h_report_breaks):
                return False
        return False

    def _self_subject(self, v: _View, start: int) -> bool:
        """Is the word right before the match the cardholder ("I told my wife")?"""
        j = start - 1
        while j >= 0 and v.space[v.keys[j]]:
            j -= 1
        return j >= 0 and v.keys[j] in self._h_self

    def _self_actor(self, v: _View, start: int) -> bool:
        """Is the cardholder the one moving ("I came to my office", "我去我公司",
        "I was sitting in my office")? The subject right before the match, or
        before one auxiliary ("I was")."""
        if self._self_subject(v, start):
            return True
        j = start - 1
        while j >= 0 and v.space[v.keys[j]]:
            j -= 1
        return j >= 0 and v.keys[j] in self._h_aux and self._self_subject(v, j)

    def _asked_about(self, text: str, a: int, b: int) -> bool:
        """Is the sentence [a, b) only a question about the conduct ("Can a
        collector visit my home?", "催收可以上门吗？"), not a report of it?"""
        if b >= len(text) or text[b] not in "?？":
            return False
        sentence = text[a:b]
        return self._question.search(sentence) is not None and self._reported.search(sentence) is None

    def _zh_word_ok(self, text: str, doc: Doc, start: int, end: int) -> bool:
        """Chinese: is the phrase [start, end) not part of a longer word that
        means something else ("没收到" is "did not receive", not "confiscate";
        "转告我" is "pass on to me", not "sue me")? ``WORD_EXCLUSIONS`` in the
        pattern file gives, per phrase, the characters before or after it that
        make such a word."""
        if self.lang != "zh" or not self._word_exclusions:
            return True
        a, b = doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text)
        excluded = self._word_exclusions.get(text[a:b])
        if excluded is None:
            return True
        before, after = excluded
        return not ((a > 0 and text[a - 1] in before) or (b < len(text) and text[b] in after))

    def _zh_left_edge_ok(self, doc: Doc, label: str, start: int) -> bool:
        """Chinese phrases match characters, so check the left edge: "72岁" must
        not yield "2岁", and "打到我单位" (phoned the workplace) or "寄到我家"
        (mailed home) is no visit."""
        if self.lang != "zh" or start == 0:
            return True
        before = doc[start - 1].text
        numerals = "0123456789零一二三四五六七八九十百两"
        if doc[start].text in numerals and before in numerals:
            return False
        if label == "home_or_work_visit":
            left = doc[max(0, start - 3) : start].text
            if before in "打寄发邮送" or "电话" in left:
                return False
        return True

    def _self_clause(self, v: _View, start: int) -> bool:
        """English: is the clause of the mention the cardholder's own ("while I
        was picking up my kids from school")? The nearest subject pronoun before
        it, within the clause and 8 tokens, is I or we."""
        if self.lang != "en":
            return False
        for j in range(start - 1, max(-1, start - 9), -1):
            key = v.keys[j]
            if key in self._h_breaks:
                return False
            if key in self._h_pronouns:
                return key in self._h_self
        return False

    def _object_is_self(self, v: _View, end: int) -> bool:
        """Is the contact verb ending at ``end`` aimed at the cardholder alone
        ("called me", but not "called me and my 14-year-old")?"""
        j = end
        while j < len(v.keys) and v.space[v.keys[j]]:
            j += 1
        if j >= len(v.keys) or v.keys[j] not in self._h_self_objects:
            return False
        return j + 1 >= len(v.keys) or v.keys[j + 1] != self._h_and

    def _visit_ok(self, doc: Doc, v: _View, text: str, s: int, e: int, char_span) -> bool:
        """A visit hit stands unless the cardholder is the one moving, the
        sentence only asks about visits, or (Chinese) "我家" is "我家人" (family)."""
        if self._self_actor(v, s) and (self.lang == "en" or doc[s].text in "去来到跑冲闯上找回"):
            return False
        a, b = char_span(s, e)
        if self.lang == "zh" and text.endswith("家", a, b) and text[b:b + 1] in ("人", "属", "长"):
            return False
        return not self._asked_about(text, *self._sentence(text, a, b))

    @staticmethod
    def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
        """Character range of the sentence around [start, end)."""
        left = 0
        for m in _SENTENCE_END.finditer(text, 0, start):
            left = m.end()
        m = _SENTENCE_END.search(text, end)
        return left, (m.start() if m else len(text))

    def _number(self, doc: Doc, i: int) -> int | None:
        if i < 0 or i >= len(doc):
            return None
        t = doc[i].text.lower()
        if t.isdigit():
            return int(t)
        return getattr(self.p, "NUMBER_WORDS", {}).get(t)

    def _en_age(self, doc: Doc, label: str, s: int, e: int) -> tuple[int, int, int] | None:
        """(age, start, end) for "12-year-old", "12 years old", "son who is 15", "aged 70"."""
        if label == "_age_anchor":
            j = s - 1
            while j >= 0 and doc[j].text == "-":
                j -= 1
            n = self._number(doc, j)
            return (n, j, e) if n is not None else None
        n = self._number(doc, e)  # "_age_after": the number follows
        if n is None:
            return None
        first = doc[s].lower_
        if first in ("aged", "i", "i'm", "im"):  # "aged 70", "I am 81", "I'm 78"
            return n, s, e + 1
        # "my son who is 15", "my nephew, who is only 13"
        j = s - 1
        while j >= 0 and doc[j].text == ",":
            j -= 1
        if j < 0 or doc[j].lower_ not in en_patterns.CHILD_NOUNS:
            return None
        return n, j, e + 1

    def _en_disclosure(self, doc: Doc, s: int, e: int) -> tuple[str, int, int] | None:
        """A contact verb followed by "my/our/your [adjective] relative":
        ("third_party_disclosure" or, for neighbours and friends, "cue:third_party", start, end)."""
        owners = ("my", "our", "your", "his", "her")
        j = e
        if j < len(doc) and doc[j].lower_ in owners:
            j += 1
            for k in (j, j + 1):
                if k < len(doc) and doc[k].lower_ in en_patterns.RELATIONS_SET:
                    return _disclosure_label(doc[k].lower_, en_patterns), s, k + 1
        return None

    def find(self, doc: Doc, text: str | None = None) -> list[Hit]:
        """Every signal, cue and conduct-language hit in ``doc`` (deduplicated).

        ``text`` is ``doc.text`` if the caller has it (rebuilding it is slow).
        """
        if text is None:
            text = doc.text
        v = _View(doc, self._attr, self._space)
        # Reused by the router (model evidence) and the model's n-grams.
        doc.user_data[(KEYS_KEY, self._attr)] = v.keys
        doc.user_data[(ARRAY_KEY, self._attr)] = v.array
        helpers: dict[str, list[tuple[int, int]]] = {}
        hits: list[tuple[str, int, int]] = []

        def char_span(s: int, e: int) -> tuple[int, int]:
            return doc[s].idx, doc[e - 1].idx + len(doc[e - 1].text)

        present = set(v.keys)
        doc.user_data[(KEYS_KEY, self._attr, "set")] = present
        for label, s, e in self.raw_matches(doc, text, present):
            if label[0] == "_":
                helpers.setdefault(label, []).append((s, e))
                continue
            if self._negated(v, s) or not self._zh_left_edge_ok(doc, label, s) or not self._zh_word_ok(text, doc, s, e):
                continue
            if label == "third_party_disclosure" and self._self_subject(v, s):
                continue
            if label == "home_or_work_visit" and not self._visit_ok(doc, v, text, s, e, char_span):
                continue
            hits.append((label, s, e))

        def in_sentence(helper: str, s: int, e: int) -> bool:
            a, b = self._sentence(text, *char_span(s, e))
            for hs, he in helpers.get(helper, []):
                ha, hb = char_span(hs, he)
                if a <= ha and hb <= b:
                    return True
            return False

        # Disclosure to family or employer (English: verb + owner + relative).
        if self.lang == "en":
            for s, e in helpers.get("_disclosure_verb", []):
                found = self._en_disclosure(doc, s, e)
                if found and not self._negated(v, s) and not self._self_subject(v, s):
                    hits.append(found)
        # Chinese: a disclosure head ("打给我的") followed by a relation ("领导").
        if self.lang == "zh":
            for s, e in helpers.get("_disclosure_head", []):
                end_char = doc[e - 1].idx + len(doc[e - 1].text)
                rel = next((r for r in zh_patterns.RELATIONS if text.startswith(r, end_char)), None)
                if rel is None or self._negated(v, s) or self._self_subject(v, s):
                    continue
                span = doc.char_span(doc[s].idx, end_char + len(rel), alignment_mode="expand")
                if span is not None:
                    hits.append((_disclosure_label(rel, zh_patterns), span.start, span.end))
            for s, e in helpers.get("_give_head", []):
                end_char = doc[e - 1].idx + len(doc[e - 1].text)
                rel = next((r for r in zh_patterns.RELATIONS if text.startswith(r, end_char)), None)
                if rel is None or self._negated(v, s) or self._self_subject(v, s):
                    continue
                m = self._give_contact.match(text, end_char + len(rel))
                if m is None:
                    continue
                span = doc.char_span(doc[s].idx, m.end(), alignment_mode="expand")
                if span is not None:
                    hits.append((_disclosure_label(rel, zh_patterns), span.start, span.end))
        # Arrest or jail: critical when tied to a date in the same sentence.
        date_phrases = [char_span(hs, he) for hs, he in helpers.get("_date", [])]
        for s, e in helpers.get("_arrest", []):
            if self._negated(v, s) or not self._zh_left_edge_ok(doc, "_arrest", s):
                continue
            a, b = self._sentence(text, *char_span(s, e))
            dates = date_phrases + [m.span() for m in self._date_regex.finditer(text, a, b)]
            dated = any(a <= da and db <= b and not self._past_date(text, da, db) for da, db in dates)
            hits.append(("arrest_with_date" if dated else "arrest_threat", s, e))
        # Ages: under 18 is a minor, 65 and over a vulnerable (elderly) person.
        minors = [(s, e) for s, e in helpers.get("_minor", []) if self._zh_left_edge_ok(doc, "_minor", s)]
        if self.lang == "en":
            for label in ("_age_anchor", "_age_after"):
                for s, e in helpers.get(label, []):
                    age = self._en_age(doc, label, s, e)
                    if age is None:
                        continue
                    n, a, b = age
                    if n < 18:
                        minors.append((a, b))
                    elif n >= 65:
                        hits.append(("vulnerable_cardholder", a, b))
        # A contact verb under a negation ("他们没有联系他") does not count, nor
        # one whose object is the cardholder ("they called me while ... my kids").
        if minors and "_contact" in helpers:
            helpers["_contact"] = [
                (s, e) for s, e in helpers["_contact"]
                if not self._negated(v, s) and not self._object_is_self(v, e)
            ]
        # Contact with a minor: a minor mention and a contact verb in one sentence
        # (Chinese also needs a child noun unless an age or 未成年 is given).
        for s, e in minors:
            if self._negated(v, s) or self._self_clause(v, s) or not in_sentence("_contact", s, e):
                continue
            if self.lang == "zh":
                if self._own_errand is not None and self._own_errand.search(text, max(0, doc[s].idx - 8), doc[s].idx):
                    continue
                span = doc[s:e].text
                if not (span.startswith("未成年") or span.endswith("岁") or in_sentence("_child", s, e)):
                    continue
            hits.append(("minor_contacted", s, e))
        for label, s, e in list(hits):
            alias = _CONDUCT_FROM_SIGNALS.get(label)
            if alias:
                hits.append((alias, s, e))
        return _dedupe(doc, hits)


def _word_char(c: str) -> bool:
    """A letter or digit of a space-separated script (not CJK, where every
    character stands alone)."""
    return (c.isalnum() or c == "_") and not "\u2e80" <= c <= "\u9fff"


def _disclosure_label(relation: str, patterns: ModuleType) -> str:
    if relation in patterns.NOT_FAMILY_OR_EMPLOYER:
        return "cue:third_party"
    return "third_party_disclosure"


def _dedupe(doc: Doc, hits: list[tuple[str, int, int]]) -> list[Hit]:
    """Keep, per label, the longest non-overlapping matches, in text order."""
    by_label: dict[str, list[tuple[int, int, int]]] = {}
    for label, s, e in hits:
        # Sorted by start, the longer first (equal tuples are equal spans).
        by_label.setdefault(label, []).append((s, s - e, e))
    kept: list[tuple[int, str, int]] = []
    for label, spans in by_label.items():
        spans.sort()
        last_end = -1
        for s, _minus_length, e in spans:
            if s < last_end:
                continue
            last_end = e
            last = doc[e - 1]
            kept.append((doc[s].idx, label, last.idx + len(last.text)))
    # In text order, then by label (a label has one hit per start).
    kept.sort()
    return [Hit(label, start, end) for start, label, end in kept]
