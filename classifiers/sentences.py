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

# Sentences end at Western or Chinese end punctuation, a semicolon or a line
# break; a point between two digits ("9.40pm", "2.5%") ends nothing.
SENTENCE = re.compile(r"[^.!?;。！？；\n]+(?:(?<=\d)\.(?=\d)[^.!?;。！？；\n]*)*[.!?;。！？；]*")


@dataclass(frozen=True)
class SentenceScore:
    start: int  # character offsets in the normalised text
    end: int
    probs: dict[str, float]  # calibrated urgency probabilities of the sentence alone


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text``, without surrounding spaces."""
    out = []
    for m in SENTENCE.finditer(text):
        found = m.group()
        inner = found.strip()
        if inner:
            a = m.start() + len(found) - len(found.lstrip())
            out.append((a, a + len(inner)))
    return out


class SentenceScorer:
    """Scores the sentences of an already tokenised doc with a trained
    bag-of-words ``redress_textcat`` component (the ``urgency`` pipe).

    The model is linear in its n-gram keys before its output layer, so a
    sentence's scores are the bias plus the sums of its keys' weights: each
    key of a batch is looked up once, and every sentence's sum is a
    difference of running sums (no n-grams or model call per sentence)."""

    def __init__(self, pipe: Any) -> None:
        self.labels: tuple[str, ...] = tuple(pipe.labels)
        self.model = pipe.model
        extract_then_linear = self.model.layers[0].layers[0]
        extract, self._linear = extract_then_linear.layers
        if extract.name != "extract_ngrams":
            raise ValueError("not a bag-of-words text classifier")
        self.attr = extract.attrs["attr"]
        self.ngram_size = int(extract.attrs["ngram_size"])
        self._bias: Any = None
        self._rule_weights: dict[frozenset, Any] = {}

    def score(self, doc: Any, hits: Sequence[Any], temperature: float = 1.0,
              min_tokens: int = 2, text: str | None = None) -> list[SentenceScore]:
        """Each sentence of ``doc`` of at least ``min_tokens`` tokens, scored alone
        and calibrated with ``temperature``. A doc of one sentence gives nothing
        (the whole-complaint score is its score). ``text`` is ``doc.text`` when
        the caller has it (rebuilding it from the tokens costs more than scoring)."""
        return self.score_many([(doc, hits, text)], temperature, min_tokens)[0]

    def score_many(self, items: Sequence[tuple[Any, Sequence[Any], str | None]], temperature: float = 1.0,
                   min_tokens: int = 2) -> list[list[SentenceScore]]:
        """``score`` for many (doc, hits, text) at once."""
        owners, probs = self._probs(items, temperature, min_tokens)
        out: list[list[SentenceScore]] = [[] for _ in items]
        for (n, a, b), row in zip(owners, probs.tolist()):
            out[n].append(SentenceScore(a, b, dict(zip(self.labels, row))))
        return out

    def best_many(self, items: Sequence[tuple[Any, Sequence[Any], str | None]], level: str,
                  temperature: float = 1.0, min_tokens: int = 2) -> list[SentenceScore | None]:
        """Per item, its sentence scored highest for ``level`` (the first of
        equals), as ``most(score(...), level)`` gives, or None."""
        owners, probs = self._probs(items, temperature, min_tokens)
        out: list[SentenceScore | None] = [None] * len(items)
        if not owners:
            return out
        column = probs[:, self.labels.index(level)]
        docs = np.fromiter((n for n, _a, _b in owners), dtype="int64", count=len(owners))
        # Rows are grouped by item, in order: the first row of each group ...
        firsts = np.flatnonzero(np.r_[True, docs[1:] != docs[:-1]])
        for first, last in zip(firsts.tolist(), np.r_[firsts[1:], len(owners)].tolist()):
            i = first + int(np.argmax(column[first:last]))
            n, a, b = owners[i]
            out[n] = SentenceScore(a, b, dict(zip(self.labels, probs[i].tolist())))
        return out

    # ------------------------------------------------------------------ core
    def _key_weights(self, keys: Any) -> Any:
        """Each key's weight row (its contribution to the linear scores)."""
        if self._bias is None:
            empty = self._linear.ops.xp.zeros((0,), dtype="uint64")
            self._bias = np.asarray(self._linear.predict(
                (empty, np.zeros((0,), dtype="f"), np.zeros((1,), dtype="int32"))), dtype="float64")[0]
        if not len(keys):
            return np.zeros((0, len(self._bias)), dtype="float64")
        ones = np.ones(len(keys), dtype="int32")
        rows = self._linear.predict((keys, np.ones(len(keys), dtype="f"), ones))
        return np.asarray(rows) - self._bias.astype(rows.dtype)

    def _rule_weight(self, labels: Sequence[str]) -> Any:
        """The weight row of the rule keys of ``labels`` (each label once)."""
        from .model import rule_feature_keys

        found = frozenset(labels)
        total = self._rule_weights.get(found)
        if total is None:
            keys = np.asarray(rule_feature_keys(found), dtype="uint64")
            total = self._rule_weights[found] = self._key_weights(keys).sum(axis=0)
        return total

    def _probs(self, items: Sequence[tuple[Any, Sequence[Any], str | None]], temperature: float,
               min_tokens: int) -> tuple[list[tuple[int, int, int]], Any]:
        """(owners, calibrated probabilities): one row per sentence scored,
        owners[i] = (item index, start char, end char) in item order.

        The whole batch is laid end to end: every doc's token start offsets
        and sentence spans are shifted by the characters before it, so one
        ``searchsorted`` finds every sentence's tokens and one pass over the
        batch's keys (n-grams included; those across two docs are looked up
        but never summed) gives every sentence's sums."""
        from .rules import ARRAY_KEY

        size = self.ngram_size
        ops = self._linear.ops
        owner_items: list[int] = []  # per sentence: its item
        span_list: list[tuple[int, int]] = []  # per sentence: local character span
        span_base: list[int] = []  # per sentence: its doc's character shift
        idx_parts: list[Any] = []
        key_parts: list[Any] = []
        hit_items: list[tuple[int, int, int, str]] = []  # (item, start, end, label)
        base = 0
        array_key = (ARRAY_KEY, self.attr)
        for n, (doc, hits, text) in enumerate(items):
            if not len(doc):
                continue
            if text is None:
                text = doc.text
            spans = sentence_spans(text)
            if len(spans) < 2:
                continue
            keys = doc.user_data.get(array_key)
            if keys is None:
                keys = doc.user_data[array_key] = doc.to_array([self.attr])
            key_parts.append(keys.reshape(-1))
            idx_parts.append(doc.to_array([IDX]).reshape(-1).astype("int64") + base)
            owner_items += [n] * len(spans)
            span_list += spans
            span_base += [base] * len(spans)
            hit_items += [(n, h.start + base, h.end + base, h.label) for h in hits]
            base += len(text) + 1
        if not span_list:
            return [], np.zeros((0, len(self.labels)))
        local = np.asarray(span_list, dtype="int64")
        chars = local + np.asarray(span_base, dtype="int64")[:, None]
        starts = np.concatenate(idx_parts)
        cut = np.searchsorted(starts, chars.reshape(-1), side="left").reshape(-1, 2)
        keep = (cut[:, 1] - cut[:, 0]) >= min_tokens
        if not keep.all():
            chars, cut, local = chars[keep], cut[keep], local[keep]
            owner_items = np.asarray(owner_items)[keep].tolist()
        if not owner_items:
            return [], np.zeros((0, len(self.labels)))
        owners = list(zip(owner_items, *local.T.tolist()))
        keys = ops.asarray(np.concatenate(key_parts))
        # The (k+1)-grams starting at tokens s .. e-k-1 of a sentence [s, e).
        weights_by_size = [self._key_weights(np.asarray(keys if k == 0 else ops.ngrams(k + 1, keys),
                                                        dtype="uint64")) for k in range(size)]
        sums = np.tile(self._bias, (len(owners), 1))
        for k, weights in enumerate(weights_by_size):
            # Running sums along the keys, one row per label (contiguous).
            running = np.zeros((weights.shape[1], len(weights) + 1), dtype="float64")
            np.cumsum(weights.T, axis=1, dtype="float64", out=running[:, 1:])
            sums += (running[:, np.maximum(cut[:, 0], cut[:, 1] - k)] - running[:, cut[:, 0]]).T
        if hit_items:
            # A hit is inside the last sentence starting at or before it, if it
            # ends within it (a row of an earlier doc ends before the hit).
            rows = np.searchsorted(chars[:, 0], [h[1] for h in hit_items], side="right") - 1
            ends = chars[:, 1].tolist()
            rules: dict[int, list[str]] = {}
            for (_n, _a, end, label), row in zip(hit_items, rows.tolist()):
                if row >= 0 and end <= ends[row]:
                    rules.setdefault(row, []).append(label)
            for row, labels in rules.items():
                sums[row] += self._rule_weight(labels)
        scores = ops.asarray(sums.astype("f"))
        for layer in self.model.layers[1:]:
            scores = layer.predict(scores)
        probs = np.asarray(scores, dtype="float64")
        # model.temper for every row at once: p ** (1 / T), renormalised.
        logs = np.log(np.maximum(probs, 1e-12)) / temperature
        tempered = np.exp(logs - logs.max(axis=1, keepdims=True))
        tempered /= tempered.sum(axis=1, keepdims=True)
        return owners, tempered


def most(scores: Sequence[SentenceScore], level: str) -> SentenceScore | None:
    """The sentence scored highest for ``level`` (the first of equals)."""
    best = None
    for s in scores:
        if best is None or s.probs.get(level, 0.0) > best.probs.get(level, 0.0):
            best = s
    return best
