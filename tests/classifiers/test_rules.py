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
    ("arrest_with_date", "Since Monday they keep saying I will go to jail on Friday."),
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
    # A date that says when the calls began is not the arrest's date.
    ("arrest_with_date", "They called me 20 times a day at work since March, threatened me with jail."),
    ("arrest_with_date", "Starting last Monday they keep saying I will be arrested."),
    ("arrest_with_date", "Two weeks ago on Friday he told me I could go to jail."),
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
    ("arrest_with_date", "从上周开始天天打，说3月15号之前不还就让我坐牢。"),
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
    ("legal_threat", "他们说下个月要没收我的车。"),
    ("arrest_threat", "催收说我会坐牢。"),
    ("vulnerable_cardholder", "我今年78岁了，身体也不好。"),
    ("vulnerable_cardholder", "我有严重的抑郁症。"),
    ("third_party_disclosure", "他们给我妈打了好几次电话。"),
    ("third_party_disclosure", "催收给我们公司前台打电话说我欠钱。"),
    ("minor_contacted", "他们打电话给我读初二的女儿。"),
    ("self_harm", "有时候真想一了百了。"),
    ("self_harm", "这封信把我压垮了，我又开始拿刀片划自己了。"),
    ("self_harm", "我受不了了，这辈子就到这里吧。"),
]

ZH_NEGATIVE = [
    ("violence_threat", "他们没有威胁我，也没说要打我一顿。"),
    ("self_harm", "我从来没有想过自杀，只是想解决问题。"),
    ("self_harm", "你放心，我不会伤害自己，只想把账算清楚。"),
    ("arrest_with_date", "他们没说明天抓我。"),
    ("arrest_with_date", "他们说我会坐牢。"),  # no date: high, not critical
    ("arrest_with_date", "催收员从三月开始每天给我打二十多次电话，说不还钱就让我坐牢。"),
    ("arrest_with_date", "自从5月以来一直说要让我坐牢。"),
    ("home_or_work_visit", "他们没有上门，只是打电话。"),
    ("home_or_work_visit", "他们打电话到我单位找我。"),  # a call, not a visit
    ("minor_contacted", "我今年72岁了。"),  # "2岁" inside "72岁" is no minor
    ("minor_contacted", "我儿子在上学，他们没有联系他。"),
    ("third_party_disclosure", "我打给我妈妈借钱还卡。"),  # the cardholder called
    ("third_party_disclosure", "他们没有告诉我领导。"),
    ("legal_threat", "他们没有起诉我。"),
    ("legal_threat", "我上个月还的两千块，他们说没收到。"),  # 没收到: did not receive
    ("legal_threat", "麻烦你转告我妈，我在开会。"),  # 转告: pass on
    ("legal_threat", "催收员警告我别到处乱说。"),
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


# ---- pattern families (regular expressions over the text) -------------------
EN_FAMILY_POSITIVE = [
    # veiled threats
    ("violence_threat", "He said you'll regret it if the money isn't there."),
    ("violence_threat", "The collector told me I'd regret ignoring them."),
    ("violence_threat", "She said something bad is gonna happen to my family."),
    ("violence_threat", "He told me to watch my back when I leave work."),
    ("violence_threat", "They said they know where your kids go to school."),
    ("violence_threat", "The caller said people who don't pay end up getting hurt."),
    ("violence_threat", "He said they would send some guys over to talk to me."),
    ("violence_threat", "You won't like what happens next, he said."),
    ("violence_threat", "He warned me that my family might not be safe."),
    ("violence_threat", "They said they'd slash my tires."),
    ("violence_threat", "They told me to be careful walking home at night."),
    # paraphrased self-harm
    ("self_harm", "Some nights I think about ending things."),
    ("self_harm", "my kids would be better off without me"),
    ("self_harm", "I thought about swallowing a bottle of sleeping pills."),
    ("self_harm", "I thought about taking all my pills at once."),
    ("self_harm", "I don't want to wake up tomorrow."),
    ("self_harm", "There is no point in going on like this."),
    ("self_harm", "It would be easier for everyone if I just wasn't here."),
    ("self_harm", "I don't see the point of living anymore."),
    ("self_harm", "I keep thinking about hanging myself."),
    ("self_harm", "I don't care if I live or die anymore."),
    ("violence_threat", "He said I'd end up in a ditch somewhere."),
    ("arrest_with_date", "He said I had until 5 pm to pay or I'd be arrested."),
    ("arrest_with_date", "Officers were on their way to arrest me, he said."),
    ("home_or_work_visit", "A collector knocked on my apartment door at 9pm."),
    # arrest tied to a date, in other words
    ("arrest_with_date", "He said a deputy would take me in on Monday."),
    ("arrest_with_date", "They told me I'd be in handcuffs by tomorrow."),
    ("arrest_with_date", "She said they would lock me away next week."),
    # visits to the home or workplace, described
    ("home_or_work_visit", "A collector came to the restaurant where I work."),
    ("home_or_work_visit", "Two men showed up at our apartment last night."),
    ("home_or_work_visit", "A man was waiting in the parking lot at my job."),
    ("home_or_work_visit", "He followed me to my car after my shift."),
    ("home_or_work_visit", "Someone from the agency was on our doorstep at 7am."),
    ("home_or_work_visit", "They sent a guy to my job who yelled at me."),
    ("home_or_work_visit", "A man from the agency came into the store I manage."),
    # minors by school grade
    ("minor_contacted", "They messaged my daughter, she's in 8th grade, about my card."),
    ("minor_contacted", "They called my seventh-grader on her phone."),
    ("minor_contacted", "They called me and my 14-year-old daughter."),
]

EN_FAMILY_NEGATIVE = [
    ("violence_threat", "I know I'll regret it, but I paid them anyway."),
    ("violence_threat", "I really regret ever opening this card."),
    ("violence_threat", "They never said they know where I live."),
    ("violence_threat", "They don't know where I live anymore."),
    ("self_harm", "How do I end it with one lump-sum settlement?"),
    ("self_harm", "I want to end things with this company and settle."),
    ("self_harm", "I take all my pills every morning as prescribed."),
    ("self_harm", "I'm not suicidal, just stressed about the balance."),
    ("arrest_with_date", "They said I could be arrested but never said when."),
    ("home_or_work_visit", "Can a collector visit my home? None has yet."),
    ("home_or_work_visit", "I was sitting in my office when they called."),
    ("home_or_work_visit", "Nobody has come to my house or my job."),
    ("home_or_work_visit", "We came to our house and found their letter."),
    ("home_or_work_visit", "They went into my husband's bank account."),
    ("home_or_work_visit", "We had to come into the office to bring our documents."),
    ("violence_threat", "My data might not be safe with them."),
    ("violence_threat", "He promised you won't get hurt."),
    ("self_harm", "I really shot myself in the foot by ignoring the letter."),
    ("home_or_work_visit", "I knocked on my neighbor's door to ask about the letter."),
    ("minor_contacted", "They called me while I was picking up my kids from school."),
    ("minor_contacted", "My son is in 8th grade and I can't afford his school trip."),
    ("minor_contacted", "My son is 25 and they called him about my card."),
    ("minor_contacted", "This debt is over 15 years old and they've called me five times."),
]


@pytest.mark.parametrize(("label", "text"), EN_FAMILY_POSITIVE)
def test_english_pattern_family_fires(en_rules, label, text):
    assert label in labels(en_rules, text), spans(en_rules, text)


@pytest.mark.parametrize(("label", "text"), EN_FAMILY_NEGATIVE)
def test_english_pattern_family_does_not_fire(en_rules, label, text):
    assert label not in labels(en_rules, text), spans(en_rules, text)


ZH_FAMILY_POSITIVE = [
    # veiled threats
    ("violence_threat", "他说不还钱你会后悔的。"),
    ("violence_threat", "催收说让你吃不了兜着走。"),
    ("violence_threat", "他说晚上回家路上小心点。"),
    ("violence_threat", "对方说你最好小心点。"),
    ("violence_threat", "他们说知道我住哪里。"),
    ("violence_threat", "他说知道我孩子在哪个学校上学。"),
    ("violence_threat", "他们说再不还钱就会发生不好的事。"),
    ("violence_threat", "他说要找几个兄弟来关照我。"),
    ("violence_threat", "催收员说有你好受的。"),
    ("violence_threat", "他说你等着瞧，出了事别怪我。"),
    ("violence_threat", "他说你家里人最好注意安全。"),
    # paraphrased self-harm
    ("self_harm", "我觉得活着没什么意思了。"),
    ("self_harm", "被逼得我都想去死了。"),
    ("self_harm", "我已经写好遗书了。"),
    ("self_harm", "我攒了一瓶安眠药。"),
    ("self_harm", "我不想再活下去了。"),
    ("self_harm", "我每天都在想怎么死。"),
    # arrest tied to a date, in other words
    ("arrest_with_date", "他说下礼拜就让警察把我带走。"),
    ("arrest_with_date", "催收说过两天就来把我铐走。"),
    ("arrest_with_date", "他们说这周五之前不还就让我进去。"),
    ("violence_threat", "他扬言要把我腿打断。"),
    ("violence_threat", "催收员说要找人“教训”我。"),
    ("home_or_work_visit", "催收的人在我店门口站了一天。"),
    ("home_or_work_visit", "他们在我单位门口拉横幅。"),
    # visits to the home or workplace, described
    ("home_or_work_visit", "催收的人堵在我们厂门口。"),
    ("home_or_work_visit", "两个人跑到我们店里闹。"),
    ("home_or_work_visit", "催收员找到我工作的地方要钱。"),
    # a child reached by app
    ("minor_contacted", "他们在微信上加了我孩子。"),
    ("minor_contacted", "催收通过QQ找我上初中的儿子。"),
    ("minor_contacted", "催收员跟我上小学的女儿说我欠钱。"),
]

ZH_FAMILY_NEGATIVE = [
    ("violence_threat", "我很后悔当初办了这张卡。"),
    ("violence_threat", "客服让我以后小心点，别再逾期了。"),
    ("violence_threat", "你小心点诈骗电话。"),
    ("violence_threat", "他们不知道我现在住哪。"),
    ("violence_threat", "银行提醒我注意账户安全。"),
    ("self_harm", "我没有想不开，就是压力有点大。"),
    ("self_harm", "我不想活得这么累，想把债务理清楚。"),
    ("self_harm", "我想死你了。"),
    ("arrest_with_date", "他们说要告我，让我坐牢，但没说什么时候。"),
    ("home_or_work_visit", "催收人员可以上门吗？"),
    ("home_or_work_visit", "他们没有上门，只是打电话。"),
    ("home_or_work_visit", "他们找到我家人的电话号码。"),
    ("home_or_work_visit", "我去我公司拿材料的时候接到了电话。"),
    ("home_or_work_visit", "他们打电话到我们厂里找我。"),
    ("minor_contacted", "催收说我要是不还钱，会影响孩子以后上学。"),
    ("minor_contacted", "我女儿已经上大学了，催收还打电话给她。"),
    ("minor_contacted", "我的初中同学接到了催收电话。"),
]


@pytest.mark.parametrize(("label", "text"), ZH_FAMILY_POSITIVE)
def test_chinese_pattern_family_fires(zh_rules, label, text):
    assert label in labels(zh_rules, text), spans(zh_rules, text)


@pytest.mark.parametrize(("label", "text"), ZH_FAMILY_NEGATIVE)
def test_chinese_pattern_family_does_not_fire(zh_rules, label, text):
    assert label not in labels(zh_rules, text), spans(zh_rules, text)


def test_pattern_family_offsets_point_at_the_phrase(en_rules, zh_rules):
    text = "Hello. He said you'll regret it, then came to the restaurant where I work."
    found = spans(en_rules, text)
    assert ("violence_threat", "you'll regret it") in found
    assert ("home_or_work_visit", "came to the restaurant where I work") in found
    assert ("violence_threat", "你会后悔") in spans(zh_rules, "他说你会后悔的。")


def test_a_condition_on_paying_does_not_negate_the_threat(en_rules, zh_rules):
    assert "violence_threat" in labels(zh_rules, "他说不还钱你会后悔的。")
    assert "violence_threat" in labels(zh_rules, "再不还钱就会出事。")
    assert "violence_threat" not in labels(zh_rules, "他们没说我会后悔，也没说你会后悔。")
    assert "violence_threat" not in labels(en_rules, "He promised you won't get hurt.")


def test_trigger_words_never_hide_a_pattern_match(en_rules, zh_rules):
    """The trigger-word shortcut must find exactly what running every
    expression finds, on every example of this file."""
    from classifiers.rules import _View
    from spacy.attrs import LOWER, ORTH

    cases = [(en_rules, LOWER, t) for _, t in EN_POSITIVE + EN_NEGATIVE + EN_FAMILY_POSITIVE + EN_FAMILY_NEGATIVE]
    cases += [(zh_rules, ORTH, t) for _, t in ZH_POSITIVE + ZH_NEGATIVE + ZH_FAMILY_POSITIVE + ZH_FAMILY_NEGATIVE]
    for (nlp, ruleset), attr, text in cases:
        doc = nlp(text)
        keys = _View(doc, attr).keys
        assert sorted(ruleset.raw_matches(doc, text, keys)) == sorted(ruleset.raw_matches(doc, text)), text
