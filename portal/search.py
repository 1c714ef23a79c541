"""Full-text search over complaints with the database's own engine.

Word-based full-text engines (SQLite FTS5, PostgreSQL tsvector) cut text at
spaces and punctuation, and Chinese has no spaces. So every complaint keeps a
``search_document``: lowercased words, with each run of Chinese characters
written as its overlapping bigrams and its last character ("催收电话" → "催收
收电 电话 话"). A query
goes through the same transformation, and every resulting term must match.
The last word of the query also matches longer words it begins ("harass"
finds "harassment"), as when typing; earlier words match whole (a prefix
match costs several times an exact one in a GIN index). A single Chinese
character matches any bigram it begins, or a run's last character, so it
finds every text that holds it; a longer Chinese query matches every text
holding all of its bigrams (any substring of two or more characters).

People type Chinese words, not the exact string of the text: 打断腿 should
find 打断我的腿. So a run of three or more characters that jieba (the
classifier's segmenter, dictionary only, so the same words every time) cuts
into several words is read as those words, every one required and each
matched as above (打断腿 → 打断 and 腿*), in any order and with anything
between them. Grammatical particles and pronouns (的, 了, 我 ...) are left out
when another word remains: they would match nearly every text, and cost the
index as much. Every text holding the run itself also holds each of its
words, so exact substrings are still found. A run jieba keeps whole, and any
run of one or two characters, keeps its exact reading.

The document is filled by a before_insert/before_update listener on
Complaint. The index follows it inside the database: an FTS5 external-content
table kept in sync by triggers on SQLite, on PostgreSQL a stored generated column
``search_tsv`` = ``to_tsvector('simple', coalesce(search_document, ''))``
with GIN indexes over it (migrations d81f5c2e7a10, f3b8a6d1c2e4).

API::

    search_document_for(complaint) -> str
    search_text(text) -> str                 the transformation, for bench seeding
    query_terms(query) -> list[Term]
    matching(query, dialect_name) -> SQL condition on Complaint (or None: no terms)
    search_vector(), vector_matches(vector, terms)   PostgreSQL: the stored tsvector, a match on one
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import event

from .models import Complaint

# Han ideographs (CJK Unified, Extension A, Compatibility).
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_HAN}]+|[^\W{_HAN}_]+", re.UNICODE)
_HAN_RUN = re.compile(rf"^[{_HAN}]+$")

MAX_QUERY_TERMS = 12
# Single-character words a query's segmentation leaves out (when another word
# remains): particles, pronouns, "to be" and the commonest prepositions.
_FUNCTION_CHARACTERS = frozenset("的了着过地得之我你您他她它们是在把被和与及就都也很吗呢吧啊呀")
FTS_TABLE = "complaint_fts"
SEARCH_VECTOR = "complaint.search_tsv"  # PostgreSQL: to_tsvector('simple', coalesce(search_document, ''))


@dataclass(frozen=True)
class Term:
    text: str
    prefix: bool


def _bigrams(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def _document_grams(run: str) -> list[str]:
    """A Chinese run in the document: its bigrams, then its last character alone.

    A one-character query is a prefix match ("腿*"): every character of a run
    begins a bigram except the last, which the trailing unigram covers, so
    打断我的腿 is found by 腿 as well as by 打, 的腿 or 打断我.
    """
    grams = _bigrams(run)
    if len(run) > 1:
        grams.append(run[-1])
    return grams


def search_text(text: str | None) -> str:
    """Lowercased words and Chinese bigrams, separated by spaces."""
    if not text:
        return ""
    out: list[str] = []
    for match in _TOKEN.finditer(text.lower()):
        token = match.group(0)
        out.extend(_document_grams(token) if _HAN_RUN.match(token) else [token])
    return " ".join(out)


def search_document_for(complaint: Complaint) -> str:
    parts = [complaint.reference, complaint.narrative, complaint.agency, complaint.agent_name,
             complaint.desired_resolution, complaint.account_ref, complaint.name]
    return search_text(" ".join(p for p in parts if p))


_segmenter = None


def _words(run: str) -> list[str]:
    """jieba's words of a Chinese run (dictionary only: no guessed words, the same cut every time)."""
    global _segmenter
    if _segmenter is None:
        import logging

        import jieba

        logging.getLogger("jieba").setLevel(logging.WARNING)  # it logs its dictionary loading
        # jieba's default tokenizer, the one the classifier's Chinese pipeline
        # and the scrubber's tagger use: one dictionary in memory (about 80 MB
        # and a second to load each), no words added to it anywhere.
        _segmenter = jieba.dt
    return [w for w in _segmenter.lcut(run, HMM=False) if w.strip()]


def chinese_query_words(run: str) -> list[str]:
    """How a run of a query is read: [run] for its exact substring, else the words all required."""
    if len(run) < 3:
        return [run]
    words = _words(run)
    if len(words) < 2:
        return [run]
    kept = [w for w in words if not (len(w) == 1 and w in _FUNCTION_CHARACTERS)]
    return kept or words


def _han_terms(run: str) -> list[Term]:
    terms: list[Term] = []
    for word in chinese_query_words(run):
        terms.extend(Term(b, prefix=len(word) == 1) for b in _bigrams(word))
    return terms


def query_terms(query: str | None) -> list[Term]:
    """The terms every match must contain (duplicates dropped, at most MAX_QUERY_TERMS)."""
    terms: list[Term] = []
    seen: set[str] = set()
    tokens = [m.group(0) for m in _TOKEN.finditer((query or "").lower())][:MAX_QUERY_TERMS]
    for position, token in enumerate(tokens):
        if _HAN_RUN.match(token):
            found = _han_terms(token)
        else:
            found = [Term(token, prefix=position == len(tokens) - 1)]
        for term in found:
            if term.text not in seen:
                seen.add(term.text)
                terms.append(term)
    return terms[:MAX_QUERY_TERMS]


def _fts5_query(terms: list[Term]) -> str:
    # Each term quoted (no FTS5 operators can be smuggled in), '*' for a prefix.
    return " AND ".join('"' + t.text.replace('"', '""') + '"' + ("*" if t.prefix else "") for t in terms)


def _tsquery(terms: list[Term]) -> str:
    # Terms contain only word characters (see _TOKEN), so quoting them in ''
    # makes each a single lexeme; ':*' for a prefix.
    return " & ".join("'" + t.text.replace("'", "''") + "'" + (":*" if t.prefix else "") for t in terms)


def search_vector():
    """PostgreSQL: complaint.search_tsv, the stored tsvector of search_document."""
    return sa.literal_column(SEARCH_VECTOR)


def vector_matches(vector, terms: list[Term]):
    """PostgreSQL: ``vector @@ to_tsquery('simple', ...)`` for the terms."""
    return vector.op("@@")(sa.func.to_tsquery(sa.literal_column("'simple'::regconfig"), _tsquery(terms)))


def matching(query: str | None, dialect_name: str):
    """A WHERE condition on Complaint for the query, or None when it has no terms."""
    terms = query_terms(query)
    if not terms:
        return None
    if dialect_name == "postgresql":
        # The stored tsvector column the GIN indexes cover (migration f3b8a6d1c2e4; not in the
        # models, as SQLite has none), so rechecking a row reads it instead of computing it again.
        return vector_matches(search_vector(), terms)
    if dialect_name == "sqlite":
        fts = sa.table(FTS_TABLE, sa.column("rowid"))
        matches = sa.select(fts.c.rowid).where(sa.literal_column(FTS_TABLE).op("MATCH")(_fts5_query(terms)))
        return Complaint.id.in_(matches)
    # Any other database: a plain substring match on the same document.
    return sa.and_(*(Complaint.search_document.contains(t.text) for t in terms))


@event.listens_for(Complaint, "before_insert")
@event.listens_for(Complaint, "before_update")
def _fill_search_document(mapper, connection, complaint: Complaint) -> None:
    document = search_document_for(complaint)
    if complaint.search_document != document:
        complaint.search_document = document
