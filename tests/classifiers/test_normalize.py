from classifiers.normalize import normalize


def test_cfpb_redactions_become_placeholders():
    n = normalize("On XX/XX/XXXX, XXXX XXXX demanded {$1200.00} for my card.")
    assert n.text == "On XDATE, XNAME demanded XAMOUNT for my card."


def test_portal_dates_and_amounts_look_like_cfpb_ones():
    assert normalize("On 03/14/2024 they asked for $1,250.50").text == "On XDATE they asked for XAMOUNT"


def test_offsets_map_back_to_the_original_text():
    original = "XX/XX/XXXX XXXX said I owe {$50.00} now"
    n = normalize(original)
    for word in ("XDATE", "XNAME", "XAMOUNT", "said", "now"):
        start = n.text.index(word)
        a, b = n.to_original(start, start + len(word))
        expected = {"XDATE": "XX/XX/XXXX", "XNAME": "XXXX", "XAMOUNT": "{$50.00}"}.get(word, word)
        assert original[a:b] == expected
    # a span that straddles a placeholder covers the whole original
    start = n.text.index("said")
    a, b = n.to_original(start, n.text.index("now") + 3)
    assert original[a:b] == "said I owe {$50.00} now"


def test_text_without_placeholders_is_unchanged():
    n = normalize("他们说明天来抓我")
    assert n.text == "他们说明天来抓我"
    assert n.to_original(2, 4) == (2, 4)
