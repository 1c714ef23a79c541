import pytest

from classifiers.language import chinese_share, detect_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("They keep calling my boss about a debt I do not owe.", "en"),
        ("他们天天打电话骚扰我，还打给我妈妈。", "zh"),
        ("催收员说明天来抓我 they said the police will arrest me tomorrow", "mixed"),
        ("我的Visa信用卡被催收公司骚扰了很多次", "zh"),  # a brand name stays Chinese
        ("XXXX XXXX XXXX 我很害怕", "zh"),  # CFPB redactions are not English words
        ("1234 5678 !!!", "en"),  # no letters at all
        ("", "en"),
    ],
)
def test_detect_language(text, expected):
    assert detect_language(text) == expected


def test_chinese_share_counts_ideographs_and_latin_words():
    assert chinese_share("你好 hello") == pytest.approx(2 / 3)
    assert chinese_share("hello world") == 0.0
