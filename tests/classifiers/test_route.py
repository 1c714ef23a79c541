"""route(), route_many() and scan_conduct_language() on the trained model."""

import dataclasses

import pytest

import classifiers
from classifiers.types import CATEGORIES, URGENCIES

CARD = "4111 1111 1111 1111"  # Luhn-valid test number


def test_routing_has_every_field(router):
    r = classifiers.route("They keep calling my boss about a debt I already paid.")
    assert dataclasses.is_dataclass(r)
    d = r.to_dict()
    assert set(d) >= {"category", "urgency", "language", "scores", "urgency_scores",
                      "evidence", "model_version", "masked_text", "masked_count"}
    assert d["category"] in CATEGORIES and d["urgency"] in URGENCIES
    assert set(d["scores"]) == set(CATEGORIES)
    assert set(d["urgency_scores"]) == set(URGENCIES)
    assert d["model_version"] == router.model_version
    for e in d["evidence"]:
        assert set(e) == {"label", "text", "start", "end", "source"}
        assert e["source"] in {"rule", "model"}


def test_evidence_offsets_refer_to_the_masked_text(router):
    text = f"My card {CARD} was charged. On 03/14/2024 they said they would kill me."
    r = router.route(text)
    assert r.masked_count == 1
    assert CARD not in r.masked_text
    assert r.evidence
    for e in r.evidence:
        assert r.masked_text[e.start:e.end] == e.text
    threat = [e for e in r.evidence if e.label == "violence_threat"]
    assert threat and threat[0].text == "kill me"
    # the masked card marker is shorter than the number, so offsets moved
    assert threat[0].start != text.index("kill me")


def test_chinese_evidence_after_masking(router):
    text = f"我的卡号{CARD}，催收员说明天就让警察来抓你。"
    r = router.route(text)
    assert r.language == "zh"
    assert r.masked_count == 1
    assert r.urgency == "critical"
    for e in r.evidence:
        assert r.masked_text[e.start:e.end] == e.text


@pytest.mark.parametrize(
    "text",
    [
        "I have a question about my payment plan. Also the collector said they will kill me.",
        "请问怎么申请分期？另外催收员说我不还钱就弄死我。",
        "I just want a receipt. I don't want to live anymore.",
    ],
)
def test_rule_critical_is_never_lowered_by_the_model(router, text):
    r = router.route(text)
    assert r.rule_urgency == "critical"
    assert r.urgency == "critical"


def test_rule_high_sets_the_floor(router):
    r = router.route("How do I get a receipt? Also they told my boss about the debt.")
    assert r.urgency in {"high", "critical"}
    assert "third_party_disclosure" in r.signals


def test_negated_threat_does_not_make_it_critical(router):
    r = router.route("They never threatened to hurt me. The balance of $900 is wrong, it should be $400.")
    assert "violence_threat" not in r.signals
    assert r.urgency != "critical"


def test_mixed_language_runs_both_rule_sets(router):
    r = router.route("The collector called my mother. 他们还说明天来抓我。")
    assert r.language == "mixed"
    assert {"third_party_disclosure", "arrest_with_date"} <= set(r.signals)


def test_obvious_complaints_get_the_right_category(router):
    assert router.route("This is not my debt. I never had this card, it is identity theft.").category == "not_owed"
    assert router.route("这不是我的欠款，我从来没有办过这张卡。").category == "not_owed"


def test_empty_and_tiny_texts_are_routed(router):
    for text in ("", "?", "债"):
        r = router.route(text)
        assert r.category in CATEGORIES and r.urgency in URGENCIES


def test_non_string_is_rejected_clearly(router):
    with pytest.raises(TypeError, match="string"):
        router.route(None)


def test_route_many_matches_route(router):
    texts = ["They keep calling me at work.", "金额不对，多收了违约金。", "Hello"]
    many = router.route_many(texts)
    assert [r.to_dict() for r in many] == [router.route(t).to_dict() for t in texts]


def test_scan_conduct_language_english(router):
    found = classifiers.scan_conduct_language(
        "Agent: you deadbeat, we will have you arrested tomorrow. This is officer Brown."
    )
    labels = {e.label for e in found}
    assert {"abusive_language", "threat", "impersonation"} <= labels
    assert all(e.source == "rule" for e in found)


def test_scan_conduct_language_chinese(router):
    found = classifiers.scan_conduct_language("催收员：你这个老赖，不还钱就弄死你，我是公安局的。")
    assert {"abusive_language", "threat", "impersonation"} <= {e.label for e in found}


def test_scan_conduct_language_ignores_negations_and_polite_notes(router):
    assert classifiers.scan_conduct_language("I did not threaten anyone. Customer agreed to a plan.") == []
    assert classifiers.scan_conduct_language("他们没有威胁我。客户同意分期还款。") == []


def test_scan_conduct_language_offsets_after_masking(router):
    text = f"Card {CARD}. You idiot, pay now."
    found = classifiers.scan_conduct_language(text)
    masked = classifiers.route(text).masked_text
    assert [e.label for e in found] == ["abusive_language"]
    assert masked[found[0].start:found[0].end] == "idiot"
