"""portal.domain.scrubbing: names that no field of the complaint and no title gives."""
from __future__ import annotations

import subprocess
import sys
import threading

import pytest

from portal.domain import scrubbing
from portal.domain.scrubbing import PersonalDetails, scrub_narrative


def scrub(text: str, **details) -> str:
    return scrub_narrative(text, PersonalDetails.of(**details)).text


@pytest.mark.parametrize("text,names", [
    ("Mike from the agency called my sister Linda at work", ["Mike", "Linda"]),
    ("a collector named Dave called me at 7am", ["Dave"]),
    ("I spoke to Tanya Briggs on 3/4", ["Tanya", "Briggs"]),
    ("The agent Kevin said I would be arrested.", ["Kevin"]),
    ("They called my boss, Gregory, and told him I owed money.", ["Gregory"]),
    ("A woman from Midland, Karen, said they would garnish my wages.", ["Karen"]),
    ("The representative Sandra Okoye refused to give me her address.", ["Sandra", "Okoye"]),
    ("They kept calling my daughter May at school.", ["May"]),
    ("I asked for the supervisor and talked to Will Jenkins, who hung up.", ["Will", "Jenkins"]),
    ("They left a message with my neighbor Rose about my debt.", ["Rose"]),
    ("Yesterday Jessica from Cavalry called my mother three times.", ["Jessica"]),
    ("Dave, the collector, said he knows where I live.", ["Dave"]),
    ("Brian said they would take my car.", ["Brian"]),
    ("He called himself Marcus and would not give a last name.", ["Marcus"]),
    ("The caller, who said his name was Tom, threatened me.", ["Tom"]),
    ("My coworker Priya answered the phone and they told her everything.", ["Priya"]),
    ("They asked whether Heather still lives with me.", ["Heather"]),
    ("Please make them stop.\nThanks, Mike", ["Mike"]),
    ("Please make them stop.\n- Sarah", ["Sarah"]),
    ("Please make them stop. Kind regards, Linda.", ["Linda"]),
])
def test_english_names_after_cues_and_from_the_first_name_list_are_removed(text, names):
    result = scrub(text)
    for name in names:
        assert name not in result, result
    assert "[name]" in result, result


@pytest.mark.parametrize("text,names", [
    ("催收员小李说", ["小李"]),
    ("他们打给我表姐王丽华", ["王丽华"]),
    ("那个叫张伟的人", ["张伟"]),
    ("老王天天打电话给我妈", ["老王"]),
    ("他们的刘总说要起诉我", ["刘总"]),
    ("一个自称陈经理的人给我打电话", ["陈经理"]),
    ("我同事李娜接到了电话", ["李娜"]),
    ("催收员赵刚威胁我的父亲", ["赵刚"]),
    ("他让我找周姐还款", ["周姐"]),
    ("平安银行的客服张敏说可以分期", ["张敏"]),
    ("我同事小张接到电话", ["小张"]),
    ("一个叫“阿彪”的人加了我微信", ["阿彪"]),
    ("客服刘洋告诉我可以停息挂账", ["刘洋"]),
    ("催收员孙建国说要起诉", ["孙建国"]),
    ("他们找我哥哥陈志强要钱", ["陈志强"]),
    ("我邻居赵阿姨也接到了电话", ["赵阿姨"]),
    ("律师事务所的吴律师发来短信", ["吴律师"]),
    ("他们打电话给我的领导马经理", ["马经理"]),
    ("催收的人叫欧阳娜娜", ["欧阳娜娜"]),
    ("我的朋友李静和王磊都被骚扰", ["李静", "王磊"]),
    ("自称是法院的刘某", ["刘某"]),
])
def test_chinese_names_from_the_tagger_and_forms_of_address_are_removed(text, names):
    result = scrub(text)
    for name in names:
        assert name not in result, result
    assert "[name]" in result, result


@pytest.mark.parametrize("text", [
    "Midland Credit Management called me 12 times in May.",
    "Will they ever stop calling? May I ask for a validation letter?",
    "June was the worst month: they called my work every day.",
    "I spoke to a supervisor at Portfolio Recovery Associates and she refused to help.",
    "I talked to Capital One about the balance and they sent it to collections.",
    "I spoke to Chase twice and they said the debt was sold.",
    "The collector from Jefferson Capital threatened to sue me in Texas.",
    "My sister got calls at her job in Houston and my mother was scared.",
    "I live in Austin and they said they would send someone to my house.",
    "Bill me for what I owe, not for made-up fees.",
    "They told me to Mark my calendar for the court date on April 3.",
    "Frank language was used and I was told to Grant them access to my bank account.",
    "I called Wells Fargo and Discover on Monday and again on Friday.",
    "The agency, Apex Recoveries, left voicemails at my work in New York.",
    "I asked for the original contract from Synchrony Bank and got nothing.",
    "They called on Christmas Eve and again in August.",
    "This is Harassment and it has to stop.",
    "It was named after the bank, and this is ridiculous.",
    "My husband and I are both retired and live on Social Security.",
    "I spoke to them in March and they said a lawsuit was filed in Harris County.",
    "A letter from Nelson & Kennard said I owe $900.",
    "Thank you for your help.",
])
def test_ordinary_english_sentences_come_through_unchanged(text):
    assert scrub(text) == text


@pytest.mark.parametrize("text", [
    "催收员每天打电话骚扰我的家人，还威胁要起诉我。",
    "我在招商银行办的信用卡，逾期三个月，欠款两万元。",
    "催收公司冒充法院工作人员，说要冻结我的银行卡。",
    "他们说如果不还钱就让派出所来抓我。",
    "对方自称是律师事务所的，要求我三天内还清全部欠款。",
    "催收公司的人去派出所和法院，还说律师会找我，银行信用卡中心在上海。",
    "他们给我的通讯录里的联系人群发短信，说我是老赖。",
    "我在上海工作，他们说要到上海来找我。",
    "他们说要起诉到深圳南山区人民法院。",
    "工商银行的客服说会帮我处理，但一直没有回复。",
    "我老公因为这件事和我吵架。",
    "催收找到了我儿子的班主任，让班主任转告孩子。",
    "我一个老太太吓得不行，是我孙子帮我写的投诉。",
    "投诉过一次，安静了两周，现在又开始了。",
    "他向律师咨询以后才知道这是违法的。",
    "谢谢你们，我明白了。",
    "三月份开始，他们每天早上七点就打电话。",
    "广发银行的客服答应暂停催收一个月。",
])
def test_ordinary_chinese_sentences_come_through_unchanged(text):
    assert scrub(text) == text


def test_a_full_name_is_one_marker_and_counts_once():
    result = scrub_narrative("I spoke to Tanya Briggs on 3/4 and Mike from the agency called my sister Linda.")
    assert result.text == "I spoke to [name] on 3/4 and [name] from the agency called my sister [name]."
    assert result.counts == {"name": 3}


def test_a_name_found_once_goes_wherever_else_it_stands():
    assert scrub("A collector named Dave called. Dave said I would lose my house.") == (
        "A collector named [name] called. [name] said I would lose my house.")
    assert scrub("催收员孙建国说要起诉。孙建国还打给我妈。") == "催收员[name]说要起诉。[name]还打给我妈。"


def test_a_rank_stays_and_the_name_goes():
    assert scrub("Officer Daniels said a warrant was issued.") == "Officer [name] said a warrant was issued."
    assert scrub("This is Deputy Carl Jennings of the county.") == "This is Deputy [name] of the county."


def test_the_agencys_own_words_are_not_taken_for_a_name():
    text = "The collector Kendall Grey shouted at me."
    assert scrub(text) == "The collector [name] shouted at me."
    assert scrub(text, organisations=["Kendall Grey"]) == text
    assert scrub("他们说是华晟法务的。", organisations=["华晟法务"]) == "他们说是华晟法务的。"


def test_scrubbing_twice_changes_nothing():
    once = scrub_narrative("Mike from the agency called my sister Linda. 催收员小李说要找我表姐王丽华。")
    twice = scrub_narrative(once.text)
    assert twice.text == once.text and twice.counts == {}


def test_english_narratives_never_load_the_chinese_tagger():
    code = ("import sys; from portal.domain.scrubbing import scrub_narrative; "
            "scrub_narrative('Mike from the agency called my sister Linda.'); "
            "print('jieba' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False", out.stderr


def test_the_tagger_is_loaded_once_and_shared_between_threads(monkeypatch):
    texts = ["催收员小李说要找我表姐王丽华。", "那个叫张伟的人每天打电话。"] * 4
    expected = [scrub(t) for t in texts]
    scrubbing._chinese_name_spans.cache_clear()
    monkeypatch.setattr(scrubbing, "_tagger", None)  # the threads below race to load it and tag at once
    results: list[str | None] = [None] * len(texts)
    taggers = set()
    start = threading.Barrier(len(texts))

    def work(i: int) -> None:
        start.wait()
        taggers.add(id(scrubbing._chinese_tagger()))
        results[i] = scrub(texts[i])

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(texts))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == expected
    assert len(taggers) == 1
