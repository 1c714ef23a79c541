"""Shared fixtures: the trained model is loaded once per test session.

``make test`` builds the model first (``python -m classifiers train
--if-stale``); if it is missing or stale the fixture builds it (about a minute).
"""

from __future__ import annotations

import pytest
import spacy

import classifiers
from classifiers import version
from classifiers.rules import RuleSet


@pytest.fixture(scope="session")
def router():
    if version.is_stale():
        from classifiers import model

        model.train()
    return classifiers.get_router()


@pytest.fixture(scope="session")
def en_rules():
    nlp = spacy.blank("en")
    return nlp, RuleSet(nlp, "en")


@pytest.fixture(scope="session")
def zh_rules():
    nlp = spacy.blank("zh")  # the default segmenter is "char": nothing to download
    return nlp, RuleSet(nlp, "zh")
