"""The urgency model read sentence by sentence.

A bag-of-words model scores the whole complaint at once, so one critical
sentence (a self-harm mention, an arrest threat with a date) inside a long
dispute about an amount is outweighed by the dispute's words. The same
trained urgency model is therefore also applied to each sentence on its own
(the sentence's words and word pairs, plus the phrase rules that fired inside
it), reusing the complaint's tokens: no second tokenisation, one batched
matrix product per complaint. ``decision.decide_urgency`` raises the
complaint's critical probability to its most critical sentence's when that is
at least the sentence threshold chosen at training (``model.calibrate``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
from spacy.attrs import IDX

# Sentences end at Western or Chinese end punctuation, a semicolon or a line break.
SENTENCE = re.compile(r"[^.!?;。！？；\n]+[.!?;。！？；]*")


@dataclass(frozen=True)
class SentenceScore:
    start: int  # character offsets in the normalised text
    end: int
    probs: dict[str, float]  # calibrated urgency probabilities of the sentence alone


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text``, without surrounding spaces."""
    out = []
    for m in SENTENCE.finditer(text):
        a, b = m.span()
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            out.append((a, b))
    return out


class SentenceScorer:
    """Scores the sentences of an already tokenised doc with a trained
    bag-of-words ``redress_textcat`` component (the ``urgency`` pipe)."""

    def __init__(self, pipe: Any) -> None:
        self.labels: tuple[str, ...] = tuple(pipe.labels)
        self.model = pipe.model
        extract = self.model.layers[0].layers[0].layers[0]
        if extract.name != "extract_ngrams":
            raise ValueError("not a bag-of-words text classifier")
        self.attr = extract.attrs["attr"]

    def score(self, doc: Any, hits: Sequence[Any], temperature: float = 1.0,
              min_tokens: int = 2, text: str | None = None) -> list[SentenceScore]:
        """Each sentence of ``doc`` of at least ``min_tokens`` tokens, scored alone
        and calibrated with ``temperature``. A doc of one sentence gives nothing
        (the whole-complaint score is its score). ``text`` is ``doc.text`` when
        the caller has it (rebuilding it from the tokens costs more than scoring)."""
        return self.score_many([(doc, hits, text)], temperature, min_tokens)[0]

    def score_many(self, items: Sequence[tuple[Any, Sequence[Any], str | None]], temperature: float = 1.0,
                   min_tokens: int = 2) -> list[list[SentenceScore]]:
        """``score`` for many (doc, hits, text) at once: one model call for all
        their sentences."""
        from .model import predict_token_keys, rule_feature_keys
        from .rules import ARRAY_KEY

        inputs: list[tuple[Any, list[int]]] = []
        owners: list[tuple[int, int, int]] = []  # (item, start, end) per input row
        for n, (doc, hits, text) in enumerate(items):
            spans = sentence_spans(doc.text if text is None else text)
            if len(spans) < 2 or not len(doc):
                continue
            keys = doc.user_data.get((ARRAY_KEY, self.attr))
            if keys is None:
                keys = doc.user_data[(ARRAY_KEY, self.attr)] = doc.to_array([self.attr])
            starts = doc.to_array([IDX]).astype("int64").reshape(-1)
            bounds = np.searchsorted(starts, np.asarray(spans, dtype="int64").reshape(-1), side="left")
            for (a, b), s, e in zip(spans, bounds[0::2].tolist(), bounds[1::2].tolist()):
                if e - s < min_tokens:
                    continue
                rules = [h.label for h in hits if a <= h.start and h.end <= b] if hits else ()
                inputs.append((keys[s:e], rule_feature_keys(rules)))
                owners.append((n, a, b))
        out: list[list[SentenceScore]] = [[] for _ in items]
        if not inputs:
            return out
        probs = np.asarray(predict_token_keys(self.model, inputs), dtype="float64")
        # model.temper for every row at once: p ** (1 / T), renormalised.
        logs = np.log(np.maximum(probs, 1e-12)) / temperature
        tempered = np.exp(logs - logs.max(axis=1, keepdims=True))
        tempered /= tempered.sum(axis=1, keepdims=True)
        for (n, a, b), row in zip(owners, tempered.tolist()):
            out[n].append(SentenceScore(a, b, dict(zip(self.labels, row))))
        return out


def most(scores: Sequence[SentenceScore], level: str) -> SentenceScore | None:
    """The sentence scored highest for ``level`` (the first of equals)."""
    best = None
    for s in scores:
        if best is None or s.probs.get(level, 0.0) > best.probs.get(level, 0.0):
            best = s
    return best
