"""The scrubber, the search and the classifier's Chinese pipeline share one
jieba dictionary: each extra copy costs a worker about 80 MB and a second."""
from __future__ import annotations


def test_search_and_scrubber_use_jiebas_default_tokenizer():
    import jieba

    from portal import search
    from portal.domain import scrubbing

    assert search.chinese_query_words("催收电话打到单位") == ["催收", "电话", "打", "到", "单位"]
    assert search._segmenter is jieba.dt
    tagger = scrubbing._chinese_tagger()
    assert tagger.tokenizer is jieba.dt
    # Loading the tagger did not reload the dictionary the search already had.
    assert jieba.dt.initialized and jieba.dt.FREQ


def test_the_classifiers_chinese_pipeline_segments_with_the_same_dictionary():
    import jieba

    from classifiers import get_router

    router = get_router()
    router.route("催收员说明天来我家")
    tokenizer = router.nlps["zh"].tokenizer
    assert tokenizer.segmenter == "jieba"
    # spaCy's Chinese tokenizer cuts with the jieba module, i.e. jieba.dt.
    words = [t.text for t in tokenizer("催收电话打到单位")]
    assert words == jieba.lcut("催收电话打到单位")
