"""How a query becomes the terms every match must hold (portal.search.query_terms)."""
from __future__ import annotations

import pytest

from portal.search import Term, query_terms, search_text


def terms(query: str) -> list[tuple[str, bool]]:
    return [(t.text, t.prefix) for t in query_terms(query)]


def holds(document: str, query: str) -> bool:
    """What the full-text engines decide: every term a whole word of the document, or a prefix of one."""
    words = search_text(document).split()
    return all(any(w == t.text or (t.prefix and w.startswith(t.text)) for w in words) for t in query_terms(query))


def test_a_chinese_query_of_several_words_requires_each_word():
    assert terms("打断腿") == [("打断", False), ("腿", True)]
    assert terms("上门打断腿") == [("上门", False), ("打断", False), ("腿", True)]
    assert holds("催收员说要找人上门打断我的腿。", "打断腿")
    assert not holds("他说要打断我的话，还问我腿怎么了。", "打断电话")


def test_particles_and_pronouns_are_left_out_when_another_word_remains():
    assert terms("打断我的腿") == [("打断", False), ("腿", True)]
    assert terms("我的") == [("我的", False)]  # two characters: the exact substring


@pytest.mark.parametrize("query", ["的腿", "催收", "腿", "我的"])
def test_one_word_or_two_characters_keep_the_exact_reading(query):
    assert [t.text for t in query_terms(query)] == [query]


@pytest.mark.parametrize("text", ["催收员说要找人上门打断我的腿。", "他们每天打电话，我的单位也接到了。",
                                  "信用卡逾期后，催收电话一天打十几次。"])
def test_every_substring_of_a_text_still_finds_it(text):
    run = text.rstrip("。").split("，")[0]
    for length in range(1, len(run) + 1):
        for start in range(len(run) - length + 1):
            assert holds(text, run[start:start + length]), run[start:start + length]


def test_queries_stay_bounded():
    long = "催收员每天打电话威胁说要上门打断我的腿还骚扰我的家人和同事" * 3
    found = query_terms(long + " " + "harassment " * 20)
    assert 0 < len(found) <= 12 and all(isinstance(t, Term) for t in found)
