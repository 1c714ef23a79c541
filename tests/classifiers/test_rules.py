"""Every rule signal, in English and Chinese, with negative examples."""

import pytest


def labels(rules, text):
    nlp, ruleset = rules
    doc = nlp(text)
    return {h.label for h in ruleset.find(doc)}


def spans(rules, text):
    nlp, ruleset = rules
    doc = nlp(text)
    return [(h.label, text[h.start:h.end]) for h in ruleset.find(doc)]


EN_POSITIVE = [
    ("violence_threat", "The collector said he would break your legs if I don't pay."),
    ("violence_threat", "If you don't pay we will kill you."),
    ("violence_threat", "He told me they know where you live and I should watch your back."),
    ("self_harm", "I can't sleep and I've been thinking about suicide."),
    ("self_harm", "honestly i dont want to live anymore"),
    ("self_harm", "I want to kill myself over this debt."),
    ("arrest_with_date", "They said I will be arrested tomorrow unless I pay."),
    ("arrest_with_date", "The agent told me a warrant would be served on Friday."),
    ("arrest_with_date", "You will go to jail within 48 hours, he said."),
    ("arrest_with_date", "They said police will come on 5/12 to take me to jail."),
    ("home_or_work_visit", "Two men came to my house and banged on my door at night."),
    ("home_or_work_visit", "A collector showed up at my work and waited in the lobby."),
    ("minor_contacted", "They called my 12-year-old son and asked where I was."),
    ("minor_contacted", "The collector texted my son who is 15 about my debt."),
    ("minor_contacted", "They phoned my daughter at school to ask about my card."),
    ("ongoing_harassment", "They keep calling me even after I asked them to stop."),
    ("ongoing_harassment", "I get 20 calls a day from this agency."),
    ("third_party_disclosure", "They called my mother and told her I owe money."),
    ("third_party_disclosure", "The collector contacted my elderly father."),
    ("third_party_disclosure", "They told my boss about the debt."),
    ("legal_threat", "They threatened to sue me and garnish my wages."),
    ("legal_threat", "He said they would freeze my bank account."),
    ("arrest_threat", "They said I could go to jail for this."),
    ("vulnerable_cardholder", "I am 78 years old and live on a fixed income."),
    ("vulnerable_cardholder", "I'm a disabled veteran."),
    ("vulnerable_cardholder", "I have cancer and I'm in chemo."),
    ("vulnerable_cardholder", "I am 81 and housebound."),
    ("minor_contacted", "They phoned my nephew, who is only 13, and asked about me."),
    ("self_harm", "Some days I feel like ending it all."),
    ("third_party_disclosure", "They rang my employer's front desk about my card."),
]

EN_NEGATIVE = [
    ("violence_threat", "I did not threaten anyone and nobody hurt anybody."),
    ("violence_threat", "They never threatened to hurt me, they were just rude."),
    ("violence_threat", "This will hurt my credit score."),
    ("self_harm", "I am not suicidal, I just want this fixed."),
    ("arrest_with_date", "They never said I would be arrested tomorrow."),
    ("arrest_with_date", "They said I could go to jail."),  # no date: high, not critical
    ("home_or_work_visit", "They never came to my house."),
    ("home_or_work_visit", "They sent a letter to my house."),
    ("minor_contacted", "They called my son, who is 35, about my debt."),
    ("minor_contacted", "My 12-year-old was at home when I paid."),
    ("third_party_disclosure", "I told my wife about the debt."),
    ("third_party_disclosure", "They did not call my mother."),
    ("ongoing_harassment", "They called twice last year and stopped."),
    ("legal_threat", "They did not threaten to sue me."),
    ("vulnerable_cardholder", "I am 45 years old."),
    ("vulnerable_cardholder", "I am happy to pay what I owe."),
    # neighbours and friends are third-party contact, not family/employer disclosure
    ("third_party_disclosure", "They called my neighbor looking for me."),
]


@pytest.mark.parametrize(("label", "text"), EN_POSITIVE)
def test_english_signal_fires(en_rules, label, text):
    assert label in labels(en_rules, text), spans(en_rules, text)


@pytest.mark.parametrize(("label", "text"), EN_NEGATIVE)
def test_english_signal_does_not_fire(en_rules, label, text):
    assert label not in labels(en_rules, text), spans(en_rules, text)


ZH_POSITIVE = [
    ("violence_threat", "催收员说不还钱就弄死你。"),
    ("violence_threat", "他说要找人打断我的腿，还说知道你住哪。"),
    ("self_harm", "我真的不想活了。"),
    ("self_harm", "压力太大，我想过自杀。"),
    ("arrest_with_date", "催收员说明天就让警察来抓你。"),
    ("arrest_with_date", "他们说下周一就会把我拘留。"),
    ("arrest_with_date", "他说3天内不还钱就去坐牢。"),
    ("home_or_work_visit", "两个人到我家门口堵我，一直敲门。"),
    ("home_or_work_visit", "催收的人跑到我单位门口蹲守。"),
    ("minor_contacted", "催收员打电话给我12岁的女儿。"),
    ("minor_contacted", "他们去学校找我儿子，让孩子带话。"),
    ("ongoing_harassment", "他们天天打电话，现在还在打。"),
    ("ongoing_harassment", "半夜还在打电话催款。"),
    ("third_party_disclosure", "他们打电话给我妈妈说我欠钱。"),
    ("third_party_disclosure", "催收把我的事告诉了我领导。"),
    ("third_party_disclosure", "他们爆了我的通讯录。"),
    ("legal_threat", "他们说要起诉我，冻结我的银行卡。"),
    ("arrest_threat", "催收说我会坐牢。"),
    ("vulnerable_cardholder", "我今年78岁了，身体也不好。"),
    ("vulnerable_cardholder", "我有严重的抑郁症。"),
    ("third_party_disclosure", "他们给我妈打了好几次电话。"),
    ("third_party_disclosure", "催收给我们公司前台打电话说我欠钱。"),
    ("minor_contacted", "他们打电话给我读初二的女儿。"),
    ("self_harm", "有时候真想一了百了。"),
]

ZH_NEGATIVE = [
    ("violence_threat", "他们没有威胁我，也没说要打我一顿。"),
    ("self_harm", "我从来没有想过自杀，只是想解决问题。"),
    ("arrest_with_date", "他们没说明天抓我。"),
    ("arrest_with_date", "他们说我会坐牢。"),  # no date: high, not critical
    ("home_or_work_visit", "他们没有上门，只是打电话。"),
    ("home_or_work_visit", "他们打电话到我单位找我。"),  # a call, not a visit
    ("minor_contacted", "我今年72岁了。"),  # "2岁" inside "72岁" is no minor
    ("minor_contacted", "我儿子在上学，他们没有联系他。"),
    ("third_party_disclosure", "我打给我妈妈借钱还卡。"),  # the cardholder called
    ("third_party_disclosure", "他们没有告诉我领导。"),
    ("legal_threat", "他们没有起诉我。"),
    ("vulnerable_cardholder", "我今年45岁。"),
    ("third_party_disclosure", "我给我妈打电话借钱。"),  # the cardholder called
    ("third_party_disclosure", "他们没有给我领导打电话。"),
    ("third_party_disclosure", "他们打给我邻居找我。"),  # a neighbour: a cue, not high
]


@pytest.mark.parametrize(("label", "text"), ZH_POSITIVE)
def test_chinese_signal_fires(zh_rules, label, text):
    assert label in labels(zh_rules, text), spans(zh_rules, text)


@pytest.mark.parametrize(("label", "text"), ZH_NEGATIVE)
def test_chinese_signal_does_not_fire(zh_rules, label, text):
    assert label not in labels(zh_rules, text), spans(zh_rules, text)


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("This is not my debt, it was identity theft.", "cue:not_owed"),
        ("They added late fees and the amount is wrong.", "cue:wrong_amount"),
        ("I sent a debt validation letter and got no proof.", "cue:verification"),
        ("He was pretending to be a lawyer from the court.", "cue:misrepresentation"),
        ("I told them to stop calling and they cursed at me.", "cue:harassment"),
    ],
)
def test_english_category_cues(en_rules, text, cue):
    assert cue in labels(en_rules, text)


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("这不是我的欠款，我的身份被冒用了。", "cue:not_owed"),
        ("金额不对，多收了很多违约金。", "cue:wrong_amount"),
        ("我从来没有收到书面通知，也没有合同。", "cue:verification"),
        ("对方冒充律师给我打电话。", "cue:misrepresentation"),
    ],
)
def test_chinese_category_cues(zh_rules, text, cue):
    assert cue in labels(zh_rules, text)


def test_neighbour_contact_is_a_third_party_cue(en_rules, zh_rules):
    assert "cue:third_party" in labels(en_rules, "They called my neighbor looking for me.")
    assert "cue:third_party" in labels(zh_rules, "他们打给我邻居找我。")


def test_offsets_point_at_the_phrase(en_rules):
    text = "Hello. They said they would kill you, and they keep calling."
    for label, phrase in spans(en_rules, text):
        assert phrase in text
    assert ("violence_threat", "kill you") in spans(en_rules, text)
    assert ("ongoing_harassment", "keep calling") in spans(en_rules, text)
