"""Routing that holds beyond the phrase lists: paraphrased critical signals,
negations, Chinese evidence on word boundaries, scores that agree with the
labels (issue 10)."""

import pytest

from classifiers.decision import decide_urgency
from classifiers.normalize import normalize
from classifiers.patterns import en as en_patterns
from classifiers.patterns import zh as zh_patterns
from classifiers.types import CATEGORIES, URGENCIES

# Each critical signal of SPEC section 3, in both languages, in wording that
# is not one of the phrases of classifiers/patterns (checked below).
PARAPHRASES = [
    ("violence_threat", "en", "He told me people who don't pay him end up needing a hospital, and that I'd be next."),
    ("violence_threat", "zh", "他说再不还就找几个兄弟来好好招待招待我，让我以后走路都提心吊胆。"),
    ("self_harm", "en", "Some nights I think my family would be better off with my life insurance than with me."),
    ("self_harm", "zh", "我真的撑不住了，昨晚站在楼顶想着从上面下去就什么都不用管了。"),
    ("arrest_with_date", "en", "The caller said a deputy will come with a warrant this Thursday and take me downtown in cuffs."),
    ("arrest_with_date", "zh", "对方说这周五之前不还，他们就配合当地派出所把我弄进去蹲几天。"),
    ("home_or_work_visit", "en", "Two men from the agency were waiting next to my car in the parking lot at my job this morning."),
    ("home_or_work_visit", "zh", "今天上午催收的两个人在我们公司楼下大厅堵了我一上午，不给钱不让走。"),
    ("minor_contacted", "en", "The collector rang our house, my 11 year old picked up, and he told her that her dad is a thief who owes money."),
    ("minor_contacted", "zh", "催收给我上初中的女儿发短信，说她妈妈欠钱不还，让她回家劝我。"),
]


def _all_phrases(module) -> set[str]:
    return {p.lower() for phrases in module.PHRASES.values() for p in phrases}


@pytest.mark.parametrize("signal,lang,text", PARAPHRASES, ids=[f"{s}-{lg}" for s, lg, _ in PARAPHRASES])
def test_paraphrased_critical_signal_is_routed_critical(router, signal, lang, text):
    # The wording is not simply a phrase of the lists...
    phrases = _all_phrases(en_patterns if lang == "en" else zh_patterns)
    assert text.lower() not in phrases
    r = router.route(text)
    assert r.language == lang
    # ... and the complaint still goes to the critical queue, with evidence.
    assert r.urgency == "critical", (r.urgency_scores, r.signals)
    assert r.evidence
    assert max(r.urgency_scores, key=r.urgency_scores.get) == "critical"


@pytest.mark.parametrize(
    "text",
    [
        "They never threatened to hurt me or my family. The balance of $900 is wrong, it should be $400.",
        "I am not suicidal or anything, I just want the late fees explained.",
        "Nobody came to my house or my job, they only send letters that the amount is wrong.",
        "They called my son, who is 25, and told him about my debt.",
        "他们没有上门，也没有说要抓我，就是金额算错了，多收了两千块。",
        "催收没有威胁我，只是我觉得利息算得不对。",
        "Can a debt collector come to my house? I just want to know my rights.",
        "Back in 2015 someone said they would sue me but nothing ever happened.",
    ],
)
def test_negations_and_hard_negatives_are_not_critical(router, text):
    r = router.route(text)
    assert r.rule_urgency != "critical"
    assert r.urgency != "critical", (r.urgency_scores, r.signals)


def test_asked_for_a_breakdown_is_no_vulnerable_cardholder(router):
    r = router.route("I asked for a breakdown of the fees and they never sent one. The amount is wrong.")
    assert "vulnerable_cardholder" not in r.signals
    r = router.route("I had a nervous breakdown after their calls.")
    assert "vulnerable_cardholder" in r.signals


@pytest.mark.parametrize(
    "text",
    [
        "催收员说知道你住哪，还打电话给我儿子的学校，说我欠钱不还。",
        "他们天天打电话骂我，说明天就让警察来抓我，我已经活不下去了。",
        "银行说我欠了三万，可是我早就还清了，这不是我的欠款。",
        "The collector called my boss. 他们还说明天来抓我。",
    ],
)
def test_chinese_evidence_is_whole_words(router, text):
    r = router.route(text)
    norm = normalize(r.masked_text)
    doc = router.nlps["zh"].make_doc(norm.text)
    starts = {t.idx for t in doc}
    ends = {t.idx + len(t.text) for t in doc}
    zh_evidence = [e for e in r.evidence if any("\u4e00" <= ch <= "\u9fff" for ch in e.text)]
    assert zh_evidence
    for e in zh_evidence:
        assert r.masked_text[e.start:e.end] == e.text
        if e.label == "critical_unsure":
            continue  # a whole sentence
        assert e.start in starts and e.end in ends, (e, [t.text for t in doc])


def test_model_evidence_is_whole_english_words(router):
    r = router.route("They keep calling me ten times a day and at night, even after I told them to stop calling.")
    model = [e for e in r.evidence if e.source == "model"]
    assert model
    text = r.masked_text
    for e in model:
        assert (e.start == 0 or not text[e.start - 1].isalnum()) and (e.end == len(text) or not text[e.end].isalnum())


@pytest.mark.parametrize(
    "text",
    [
        "They threatened to kill me if I don't pay by Friday.",
        "他们威胁说明天来我家，把我的腿打断。",
        "This is not my debt, I never had this card.",
        "The amount they want is wrong, they added fees I never agreed to.",
        "How do I set up a payment plan?",
        "They told my boss about the debt.",
        "请问怎么申请分期还款？",
        "The collector called my mother. 他们还说明天来抓我。",
    ],
)
def test_scores_agree_with_the_labels(router, text):
    r = router.route(text)
    assert set(r.scores) == set(CATEGORIES) and set(r.urgency_scores) == set(URGENCIES)
    assert r.scores[r.category] == max(r.scores.values())
    assert r.urgency_scores[r.urgency] == max(r.urgency_scores.values())
    assert sum(r.scores.values()) == pytest.approx(1.0, abs=1e-3)
    assert sum(r.urgency_scores.values()) == pytest.approx(1.0, abs=1e-3)
    # A calibrated softmax, not eight near-zero sigmoids.
    assert r.scores[r.category] >= 1 / len(CATEGORIES)


def test_a_rule_critical_shows_critical_as_the_top_score(router):
    r = router.route("I just want a receipt for my last payment. I don't want to live anymore.")
    assert r.rule_urgency == "critical" and r.urgency == "critical"
    assert r.urgency_scores["critical"] == max(r.urgency_scores.values())
    assert r.urgency_scores["normal"] == 0.0 and r.urgency_scores["low"] == 0.0


def test_decision_keeps_the_floor_and_prefers_critical_when_unsure():
    probs = {"critical": 0.3, "high": 0.4, "normal": 0.2, "low": 0.1}
    # The floor removes the levels below it; the rest keep their proportions.
    urgency, shown, unsure = decide_urgency(probs, ["high"], 1.0)
    assert urgency == "high" and shown["normal"] == shown["low"] == 0.0 and not unsure
    assert shown["high"] == pytest.approx(4 / 7)
    # Weighting critical: unsure between high and critical -> critical, said so.
    urgency, shown, unsure = decide_urgency(probs, [], 2.0)
    assert urgency == "critical" and unsure
    assert shown["critical"] == max(shown.values())
    # A rule-critical is critical whatever the model says, and not "unsure".
    urgency, shown, unsure = decide_urgency({"critical": 0.01, "high": 0.01, "normal": 0.9, "low": 0.08},
                                            ["critical", "high"], 1.0)
    assert urgency == "critical" and shown["critical"] == 1.0 and not unsure
    # Without a floor or weight the model's own top level stands.
    assert decide_urgency(probs | {"low": 0.5, "high": 0.1}, [], 1.0)[0] == "low"


def test_unsure_critical_is_said_in_the_evidence(router):
    # Force the unsure case: weight critical heavily on a text the model itself
    # does not find critical and no rule flags.
    text = "Please send me a copy of my last statement. The balance seems a little high."
    assert router.route(text).urgency != "critical"
    original = router.critical_weight
    try:
        router.critical_weight = 1e9
        r = router.route(text)
    finally:
        router.critical_weight = original
    assert r.rule_urgency is None
    assert r.urgency == "critical"
    assert r.urgency_scores["critical"] == max(r.urgency_scores.values())
    unsure = [e for e in r.evidence if e.label == "critical_unsure"]
    assert len(unsure) == 1 and unsure[0].source == "model"
    assert r.masked_text[unsure[0].start:unsure[0].end] == unsure[0].text


@pytest.mark.parametrize(
    "lang,text,signal,present",
    [
        ("en", "I've thought about overdosing on my pills.", "self_harm", True),
        ("en", "They never said anything about an overdose, the fees are just wrong.", "self_harm", False),
        ("zh", "催收说这个月25号前不还，就让你在里面过年。", "arrest_with_date", True),
        ("zh", "他们说月底前不还就只能让您进去待一段时间。", "arrest_with_date", True),
        ("zh", "催收专门在我接孩子放学的时间打电话，挂了又打。", "minor_contacted", False),
        ("zh", "催收去学校找我儿子，还打电话给他。", "minor_contacted", True),
        ("zh", "还款APP一直打不开，显示系统维护。", "ongoing_harassment", False),
        ("zh", "已经吃了半瓶安眠药被送去洗胃。", "self_harm", True),
    ],
)
def test_rule_families_found_on_the_dev_slice(en_rules, zh_rules, lang, text, signal, present):
    nlp, rules = en_rules if lang == "en" else zh_rules
    labels = {h.label for h in rules.find(nlp.make_doc(text), text)}
    assert (signal in labels) is present, labels


# --- the sentence pass: one critical sentence inside a long dispute ---------------------

def test_sentence_critical_raises_the_complaint_and_is_unsure():
    probs = {"critical": 0.05, "high": 0.05, "normal": 0.85, "low": 0.05}
    urgency, shown, unsure = decide_urgency(probs, [], 1.0, sentence_critical=0.8, sentence_threshold=0.7)
    assert urgency == "critical" and unsure
    assert shown["critical"] == pytest.approx(0.8)
    assert max(shown, key=shown.get) == "critical"
    assert sum(shown.values()) == pytest.approx(1.0)
    # The other levels keep their order.
    assert shown["normal"] > shown["high"]
    # Below the threshold, or with no threshold chosen, the sentence changes nothing.
    assert decide_urgency(probs, [], 1.0, 0.65, 0.7)[0] == "normal"
    assert decide_urgency(probs, [], 1.0, 0.99, None)[0] == "normal"
    # A rule-flagged critical is not unsure.
    assert decide_urgency(probs, ["critical"], 1.0, 0.8, 0.7)[2] is False


@pytest.mark.parametrize("lang,text", [
    ("en", "The balance is wrong. They want $4,200 and my statement says $2,900. "
           "I sent the statement twice and nobody answers me."),
    ("zh", "他们说我欠一万四。可是我的账单只有六千。我已经把账单寄过去两次了，没人回复。"),
])
def test_sentence_scores_equal_the_sentence_scored_alone(router, lang, text):
    """The sentence pass reuses the complaint's tokens; each sentence's score
    must be what the urgency model gives that sentence as a complaint of its own."""
    from classifiers.model import pad_for_model, temper
    from classifiers.router import HITS_KEY

    feats = router.features.get(lang)
    if feats is None:
        router.route(text)
        feats = router.features[lang]
    doc, hits = feats.doc(normalize(text).text)
    doc.user_data[HITS_KEY] = hits
    scores = router._sentence_scores(lang, doc, doc.text)
    assert len(scores) >= 2
    t = router.temperature[lang]["urgency"]
    pipe = router.nlps[lang].get_pipe("urgency")
    for s in scores:
        alone, alone_hits = feats.doc(doc.text[s.start:s.end])
        alone = pipe(pad_for_model(alone, router.nlps[lang]) if len(alone) >= 3 else alone)
        expected = temper({u: alone.cats[u] for u in URGENCIES}, t)
        for u in URGENCIES:
            assert s.probs[u] == pytest.approx(expected[u], abs=1e-5), (s, expected)


@pytest.mark.parametrize("lang,texts", [
    ("en", ["The balance is wrong. They said a deputy will pick me up Friday. I sent the statement twice.",
            "One sentence only, nothing else",
            "They call at 6am. They call my mother! They told my boss I am a thief; I want it to stop.\n\nOk."]),
    ("zh", ["他们说我欠一万四。说明天派人来我家。我已经寄了账单。", "只有一句话", "天天打电话！还打给我妈。"]),
])
def test_the_most_critical_sentence_of_a_batch_is_the_one_scoring_picks(router, lang, texts):
    """best_many (what routing uses) gives, per complaint, the sentence that
    scoring every sentence and taking the most critical would give."""
    from classifiers.router import HITS_KEY
    from classifiers.sentences import most

    router.route(texts[0])
    feats = router.features[lang]
    scorer, t = router._sentence_scorer(lang)
    items = []
    for text in texts:
        norm = normalize(text).text
        doc, hits = feats.doc(norm)
        doc.user_data[HITS_KEY] = hits
        items.append((doc, hits, norm))
    best = scorer.best_many(items, "critical", t)
    everything = scorer.score_many(items, t)
    assert best[1] is None and everything[1] == []
    for found, scores in zip(best, everything):
        expected = most(scores, "critical")
        if expected is None:
            assert found is None
            continue
        assert (found.start, found.end) == (expected.start, expected.end)
        assert found.probs == pytest.approx(expected.probs)


def test_a_critical_sentence_in_a_dispute_names_the_sentence(router):
    text = ("The amount on the letter is $3,870 and my bank statement says $2,410. "
            "I asked for the breakdown in March and again in April. "
            "Some nights I think my family would be better off with my life insurance than with me. "
            "Please just correct the balance.")
    original = router.sentence_threshold
    try:
        router.sentence_threshold = 0.5
        r = router.route(text)
    finally:
        router.sentence_threshold = original
    assert r.urgency == "critical"
    assert max(r.urgency_scores, key=r.urgency_scores.get) == "critical"
    sentence = [e for e in r.evidence if e.source == "model" and e.label in ("critical", "critical_unsure")]
    assert sentence, r.evidence
    assert any("life insurance" in e.text for e in sentence)
    for e in sentence:
        assert r.masked_text[e.start:e.end] == e.text


def test_a_point_between_digits_ends_no_sentence():
    from classifiers.sentences import sentence_spans

    text = "On Tuesday night (around 9.40pm) he said they will come to my work. I owe 2.5% less. Call me at 9."
    assert [text[a:b] for a, b in sentence_spans(text)] == [
        "On Tuesday night (around 9.40pm) he said they will come to my work.", "I owe 2.5% less.", "Call me at 9."]
