"""Curated phrase patterns, one module per language.

Each module exposes ``PHRASES`` (label -> literal phrases, matched on
lower-cased tokens for English and on characters for Chinese) and
``TOKEN_PATTERNS`` (label -> spaCy ``Matcher`` patterns). Labels starting with
``_`` are helpers (dates, contact verbs, minors) combined in
:mod:`classifiers.rules`; they are never reported on their own.
"""
