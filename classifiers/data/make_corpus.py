"""Generate the project's own bilingual complaint corpus (own.jsonl).

Run once by hand (``python classifiers/data/make_corpus.py``); the output is
committed data and training reads the committed file, never this script.
Templates with slot fillers, written in the voices real cardholders use
(short and long, angry, confused, misspelt). Every template carries the
category and urgency a complaint officer would give it under the guidelines
in README.md. The random generator is seeded, so the file is reproducible.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 20240611
HELDOUT_SHARE = 0.2

EN_SLOTS = {
    "agency": ["Midland Credit", "Portfolio Recovery", "ABC Collections", "Encore Capital",
               "National Credit Systems", "the collection agency", "Apex Recovery Group",
               "a debt collector", "Cavalry", "Jefferson Capital", "this collector", "LVNV"],
    "bank": ["Capital One", "Chase", "Citi", "Discover", "Synchrony", "Credit One",
             "my old Walmart card", "Barclays", "Amex", "my store card"],
    "amt": ["$1,250", "$3,400.17", "$870", "$12,000", "$2,316.40", "$640", "$5,980", "$9,112.03"],
    "amt2": ["$400", "$1,100", "$230", "$3,000", "$75", "$2,000"],
    "rel": ["my mother", "my sister", "my boss", "my neighbor", "my husband", "my wife",
            "my manager", "my dad", "my coworkers", "my mother in law", "my HR department"],
    "day": ["Friday", "tomorrow", "Monday", "tonight", "this Wednesday", "by the end of the week",
            "on the 15th", "Thursday morning"],
    "n": ["5", "8", "12", "15", "20", "30", "40"],
    "kid": ["my 14 year old daughter", "my 11-year-old son", "my son who is 15",
            "my 16 year old", "my 9 year old", "my teenage daughter"],
    "hour": ["11pm", "6 in the morning", "midnight", "5:30 am", "10:45 at night"],
    "year": ["2014", "2016", "2012", "2017", "six years ago", "back in 2015"],
    "vuln": ["I am 78 years old", "I'm disabled", "I have cancer and I'm in chemo",
             "I'm a disabled veteran", "I just got out of the hospital",
             "I'm on active duty in the Army", "I suffer from severe depression",
             "I am a senior citizen on a fixed income"],
}

ZH_SLOTS = {
    "agency": ["某某催收公司", "一家外包催收公司", "催收员", "自称是银行的催收", "第三方催收机构",
               "XX资产管理公司", "催收的人", "一个姓王的催收员", "法务部的人", "催收平台"],
    "bank": ["招商银行", "广发银行", "浦发银行", "中信银行", "交通银行", "建设银行", "平安银行", "光大银行"],
    "amt": ["3万2", "8600元", "12000块", "五万多", "1.5万", "4万8千", "两万三", "6800"],
    "amt2": ["3000", "两千", "800块", "一万", "500元"],
    "rel": ["我妈", "我爸", "我父母", "我老婆", "我老公", "我领导", "我同事", "我朋友", "我姐姐", "我们公司HR", "我邻居"],
    "day": ["明天", "后天", "下周一", "这周五", "3天内", "今天晚上", "月底前", "星期三"],
    "n": ["十几", "二十多", "三十多", "五六十", "几十", "上百"],
    "kid": ["我上初中的儿子", "我12岁的女儿", "我还在上小学的孩子", "我15岁的儿子", "我未成年的女儿"],
    "hour": ["晚上十一点", "凌晨两点", "早上六点", "半夜十二点", "晚上十点多"],
    "year": ["2016年", "五六年前", "2015年", "好几年前", "2013年"],
    "vuln": ["我今年72岁了", "我是残疾人", "我刚做完癌症手术还在化疗", "我有严重的抑郁症",
             "我是现役军人", "我现在怀孕七个月", "我老伴瘫痪在床，我一个人照顾", "我刚出院"],
}

# (category, urgency, templates). Urgency follows SPEC section 3.
EN_TEMPLATES: list[tuple[str, str, list[str]]] = [
    # ---------------- harassment
    ("harassment", "critical", [
        "Two guys from {agency} came to my house last night and stood at my door yelling that I better pay {amt} or else. My kids were crying.",
        "A man from {agency} showed up at my work and waited outside the building for me, he followed me to my car and told me I owe {amt}. I am scared to go to work now",
        "{agency} people keep banging on my door at {hour}. they sat outside my house in a car for two hours. im terrified",
        "They came to my house AGAIN today, knocked on my door for 20 minutes and told my neighbor they would be back. This is about a {bank} card.",
    ]),
    ("harassment", "high", [
        "{agency} calls me {n} times a day about my {bank} card. I have asked them to stop calling in writing and they keep calling.",
        "I get calls at {hour} every single day from {agency}. I told them to stop and it has not stopped.",
        "they still calling me nonstop even after i sent a cease and desist letter. please make them stop",
        "The collector for {bank} keeps calling my cell and my landline, sometimes {n} calls a day, and cusses at me when I answer. Still happening this week.",
        "Been getting robocalls and texts from {agency} every day for 3 months about {amt}. I asked them to only contact me by mail. They won't stop.",
        "{agency} continues to call me at work even though I told them I can't take calls at work. They called again today.",
        "The agent called me a deadbeat and a loser and hung up, then called back {n} times the same day. This keeps happening.",
    ]),
    ("harassment", "normal", [
        "Last month {agency} called me a lot about my {bank} account and one agent was very rude and cursed at me. The calls have stopped now but I want this on record.",
        "A collector from {agency} was rude and yelled at me on the phone on one call in March. I would like an apology.",
        "I got about {n} calls from {agency} in January about {amt}. After I complained they stopped, but I want to know if that was allowed.",
        "Nobody came to my house or anything like that, but the agent from {agency} was very rude on the phone once in May.",
    ]),
    ("harassment", "low", [
        "How many times a week is a collector allowed to call me? {agency} called a few times last year.",
        "Years ago, around {year}, a collector for {bank} called me several times at dinner time. Nothing since then, just wanted to report it.",
        "question: can a debt collector call me on sunday? it happened once",
    ]),
    # ---------------- threats
    ("threats", "critical", [
        "The collector from {agency} said if I don't pay {amt} by {day} they will send someone to break my legs. He said they know where I live.",
        "{agency} told me I will be arrested {day} if I do not pay the {bank} balance. They said a warrant has already been issued.",
        "guy on the phone said hes gonna hurt me and my family if i dont pay. he knew my address. please help",
        "They told me the sheriff will come {day} to take me to jail over my {bank} credit card of {amt}.",
        "The agent said I should watch my back and that something bad will happen to my kids if I keep ignoring them.",
        "They left a voicemail saying police are coming {day} to arrest me for credit card fraud unless I pay {amt} today.",
    ]),
    ("threats", "high", [
        "{agency} threatened to sue me and garnish my wages if I don't pay {amt} on my {bank} card.",
        "The collector said they are going to take me to court and freeze my bank account. I can't afford a lawyer.",
        "they said they would seize my car and put a lien on my house for a credit card debt of {amt}",
        "{agency} sent a letter saying legal action will be taken against me and my wages will be garnished within 30 days.",
        "The caller told me they will file a lawsuit and take my house. I am panicking.",
        "Collector threatened to have me arrested for not paying my {bank} card but did not say when. He also said I was committing a crime.",
    ]),
    ("threats", "normal", [
        "{agency} said they would report the debt to the credit bureaus and ruin my credit unless I paid {amt} in full.",
        "The collector said my credit score would be destroyed if I didn't settle. Is that a threat they can make?",
        "They threatened to put a negative mark on my credit report for a {bank} balance I am disputing.",
    ]),
    ("threats", "low", [
        "Back in {year} a collector told me they would take action but nothing ever happened. I'm asking if I still need to worry.",
        "In {year} {agency} threatened to report me to the credit bureaus. It's long over, just curious if that was legal.",
    ]),
    # ---------------- third party
    ("third_party", "critical", [
        "{agency} called {kid} and told her that her mom owes money and is going to jail. She is a minor!",
        "The collector texted {kid} on Instagram asking where I am and how much money I make.",
        "They called {kid} at school and asked him to give me a message about my {bank} debt.",
    ]),
    ("third_party", "high", [
        "{agency} called {rel} and told them about my {bank} debt of {amt}. Now everyone knows my business.",
        "The collector contacted {rel} and said I was a thief who doesn't pay her bills.",
        "they keep calling {rel} about my credit card debt. they told my boss i owe {amt}. i could lose my job",
        "{agency} posted on my facebook wall and messaged my friends about the debt. Then they called {rel}.",
        "A collector called my employer and told HR I have an unpaid {bank} card. My manager asked me about it in front of everyone.",
    ]),
    ("third_party", "normal", [
        "I have an attorney handling my debts and I gave {agency} her name, but they still contacted me directly about the {bank} account.",
        "I told {agency} that I am represented by a lawyer, yet they sent letters to me instead of my lawyer.",
        "{agency} left a voicemail on a shared family phone mentioning the debt. It was one message in April.",
    ]),
    ("third_party", "low", [
        "In {year} a collector asked a neighbor once where I live. Is that allowed?",
        "Can a collector contact relatives to find my address? It happened once years ago.",
    ]),
    # ---------------- misrepresentation
    ("misrepresentation", "critical", [
        "A man claiming to be a police officer called and said I will be arrested {day} for my {bank} card unless I pay {amt} now.",
        "Someone pretending to be from the sheriff's office said deputies are coming to my house {day} to arrest me.",
    ]),
    ("misrepresentation", "high", [
        "The caller claimed to be an attorney from a law firm and threatened to sue me, but the firm does not exist.",
        "{agency} told me I didn't need to respond to the lawsuit they filed, and then they got a default judgment and are garnishing my wages.",
        "A woman posing as a court officer said there was a case against me and my wages would be garnished.",
    ]),
    ("misrepresentation", "normal", [
        "The collector said he was calling from the district attorney's office. I checked and he works for {agency}.",
        "They pretended to be a law office in their letter, with a fake case number, about my {bank} card.",
        "The person on the phone said he was a federal agent. He was just a debt collector from {agency}. I think that's a lie.",
        "{agency} claimed to be working for the government to collect my credit card debt. that seems false",
    ]),
    ("misrepresentation", "low", [
        "Is it legal for a collector to call themselves the 'legal department'? I got a letter like that in {year}.",
        "A long time ago, in {year}, a collector said he was a lawyer. I never heard from them again.",
    ]),
    # ---------------- wrong amount
    ("wrong_amount", "normal", [
        "{agency} says I owe {amt} but my last {bank} statement showed {amt2}. They added fees I never agreed to.",
        "The amount is wrong. I owed {amt2} and now they want {amt} with interest and collection fees.",
        "they charge me more then i owe!!! {amt} is not right, the balance was way less",
        "I made payments of {amt2} that {agency} did not apply, so the balance they are collecting is incorrect.",
        "Why is my balance {amt}? The original card balance was {amt2}. The numbers don't match at all.",
        "{agency} is adding late fees and interest every month on a charged off {bank} card. The amount they demand is inflated.",
        "I agreed to a settlement of {amt2} and paid it, but they now say I owe the remaining balance of {amt}.",
        "They never threatened me or anything, but the balance of {amt} is wrong, it should be {amt2}.",
    ]),
    ("wrong_amount", "high", [
        "{vuln}. {agency} is demanding {amt} but I only owed {amt2}. They added fees and I can't fight this alone.",
        "{vuln} and {agency} doubled my balance with fees. They say I owe {amt}, it was {amt2}.",
    ]),
    ("wrong_amount", "critical", [
        "They say I owe {amt} now when it was {amt2}. I can't take it anymore, I've been thinking about ending my life.",
    ]),
    ("wrong_amount", "low", [
        "Can a collector add interest to a charged off credit card? Mine went from {amt2} to {amt} a few years ago.",
        "Just a question about whether collection fees are allowed on a {bank} card. I paid it already in {year}.",
    ]),
    # ---------------- not owed
    ("not_owed", "normal", [
        "This is not my debt. I never had a {bank} card. {agency} says I owe {amt}.",
        "I already paid this account in full in {year} and have the receipt, but {agency} is collecting it again.",
        "Someone opened a card in my name - identity theft. I filed a police report and {agency} still says I owe {amt}.",
        "the debt was discharged in my chapter 7 bankruptcy. why are they still collecting??",
        "{agency} is trying to collect a {bank} debt that belongs to my ex-husband. I was never on the account.",
        "I don't owe this. Never opened an account with {bank}. Wrong person.",
        "They are collecting {amt} on a card I paid off and closed. My credit report shows a zero balance with {bank}.",
        "I have a different middle name and SSN than the person they're looking for. Not mine.",
    ]),
    ("not_owed", "high", [
        "{vuln}. {agency} is collecting {amt} on a {bank} card I never opened. It's identity theft and I'm overwhelmed.",
        "This debt isn't mine and {agency} threatened to garnish my wages for it. I already sent them the identity theft report.",
    ]),
    ("not_owed", "critical", [
        "I never had this card, they won't listen, it has ruined everything. I don't want to live anymore.",
    ]),
    ("not_owed", "low", [
        "How do I dispute a debt that is not mine? A collector sent one letter in {year}.",
        "An old account from {year} that I paid off showed up on a letter. Just want to know what I should do.",
    ]),
    # ---------------- verification
    ("verification", "normal", [
        "I sent {agency} a debt validation letter by certified mail and they never responded, but they keep collecting.",
        "I never received any written notice from {agency} about this debt. The first I heard of it was my credit report.",
        "I asked for proof of the debt and the original contract with {bank}. They sent nothing, just a bill for {amt}.",
        "{agency} refuses to verify the debt. They can't tell me who the original creditor is.",
        "no letter, no paperwork, nothing. they want {amt} and wont show me where it comes from",
        "They sent a validation notice with no itemization and no account number. How do I know this is real?",
        "I requested an itemized statement under the FDCPA. It has been 45 days and no documentation.",
    ]),
    ("verification", "high", [
        "{vuln}. {agency} never sent me anything in writing and now demands {amt}. I asked for validation twice.",
    ]),
    ("verification", "low", [
        "What should a validation letter contain? I got one from {agency} and I'm not sure it's complete.",
        "How long does a collector have to answer my request for verification? I sent it last week.",
    ]),
    # ---------------- other
    ("other", "low", [
        "How do I set up a payment plan with {agency}?",
        "Who do I contact to get a letter saying my {bank} account is settled?",
        "I want to know which company owns my old {bank} account now.",
        "Can you tell me if {agency} is a licensed collection agency?",
        "general question - does paying a collection remove it from my credit report?",
        "I paid off my account last year and just need a receipt for my records.",
    ]),
    ("other", "normal", [
        "{agency} won't accept my payment online and their website has been down for weeks. I want to pay {amt2}.",
        "I agreed to a payment plan but {agency} never sent the paperwork confirming it.",
        "The collector keeps sending mail to my old address and I can't update it with them.",
        "They refuse to give me a receipt for the {amt2} I paid by phone.",
    ]),
    ("other", "high", [
        "{vuln} and I can't work. I need help dealing with my {bank} card in collections, I don't know where to start.",
        "{vuln}. I want a hardship arrangement but {agency} won't talk about it.",
    ]),
    ("other", "critical", [
        "I lost my job and the debt with {bank} is crushing me. I have been thinking about suicide.",
        "I can't sleep, I can't eat, I feel like killing myself over this credit card debt.",
    ]),
]

ZH_TEMPLATES: list[tuple[str, str, list[str]]] = [
    ("harassment", "critical", [
        "{agency}的两个人昨天晚上到我家门口堵我，一直敲门喊我还钱，孩子吓得直哭。",
        "催收的人跑到我单位门口蹲守，下班跟着我到停车场，说不还{amt}就天天来。我现在不敢去上班了。",
        "{hour}有人来我家砸门，说是{bank}信用卡的催收，邻居都被吵醒了，太吓人了",
        "他们又上门了！在我家门口贴纸条，还说明天再来",
    ]),
    ("harassment", "high", [
        "{agency}每天给我打{n}个电话，我已经说过让他们别再打了，现在还在打。",
        "天天{hour}打电话骚扰我，我说了会还{bank}的钱，他们还是不停地打。",
        "催收电话轰炸，一天{n}个，还发短信骂我老赖，到现在还没停",
        "我跟{agency}说过只能书面联系，他们还是一直打我手机和单位座机，这周又打了好多次。",
        "催收员在电话里骂我不要脸，挂了又接着打，一直这样，已经持续两个月了。",
        "{bank}信用卡逾期后每天都有人打电话，凌晨也打，根本没法睡觉。",
    ]),
    ("harassment", "normal", [
        "上个月{agency}打了很多电话，有个催收员态度很差还说脏话，现在已经不打了，但我想投诉一下。",
        "三月份有一次催收员在电话里对我大吼大叫，我希望他们道歉。",
        "年初那段时间电话比较多，后来我投诉了就停了，想问问这样合不合规。",
        "催收没有上门，但是有一次在电话里态度很差，骂了我。",
    ]),
    ("harassment", "low", [
        "请问催收公司一天最多能打几次电话？去年打过几次。",
        "{year}的时候{bank}的催收在吃饭时间打过几次电话，之后没有了，只是反映一下。",
    ]),
    ("threats", "critical", [
        "催收员说如果{day}不还{amt}，就找人打断我的腿，还说知道我住哪。",
        "{agency}说我{day}就会被警察抓走，已经刑事立案了，让我马上还钱。",
        "电话里那个人说不还钱就弄死我全家，他知道我家地址，我很害怕",
        "他们说{day}公安会上门把我带走去坐牢，因为信用卡欠了{amt}。",
        "催收员说让我出门小心点，还说我孩子在哪个学校他都知道。",
    ]),
    ("threats", "high", [
        "{agency}说要起诉我，还要冻结我的银行卡、扣我工资，欠款{amt}。",
        "催收说再不还就去法院告我，强制执行，查封我的房子。",
        "收到律师函说要走法律程序，{bank}信用卡欠{amt}，我请不起律师",
        "他们说会把我列入失信被执行人，限制高消费，还要起诉我。",
        "催收员说我这是诈骗，要让我坐牢，但没说什么时候。",
    ]),
    ("threats", "normal", [
        "{agency}说不还钱就上征信，以后孩子考公务员都受影响。",
        "催收说会影响我的征信记录，让我一次性还清{amt}，这算不算恐吓？",
        "他们威胁说要把我拉进黑名单，以后贷不了款。",
    ]),
    ("threats", "low", [
        "{year}有催收说要采取措施，后来什么也没发生，现在还需要担心吗？",
        "好几年前催收说要上征信，现在早就还清了，只是想问一下当时合不合法。",
    ]),
    ("third_party", "critical", [
        "催收员打电话给{kid}，跟孩子说妈妈欠钱不还要坐牢，孩子吓坏了。",
        "他们加了{kid}的微信，问孩子我在哪里上班、一个月挣多少钱。",
        "催收的人跑到学校找{kid}，让孩子带话给我还钱。",
    ]),
    ("third_party", "high", [
        "{agency}打电话给{rel}，说我欠了{bank}信用卡{amt}不还。",
        "他们爆了我的通讯录，给我所有联系人发短信说我是老赖。",
        "催收打电话到我单位，告诉我领导我欠钱，现在同事都知道了，我可能会丢工作",
        "{agency}联系了{rel}，还说我是骗子，让他们替我还钱。",
        "催收把我的欠款信息发到了家族群里，{rel}都看到了。",
    ]),
    ("third_party", "normal", [
        "我已经委托了律师处理债务，也告诉了{agency}律师的联系方式，但他们还是直接找我。",
        "我说了有律师代理，他们还是把催收函寄给我本人。",
    ]),
    ("third_party", "low", [
        "{year}催收给我邻居打过一次电话找我，这样可以吗？",
        "请问催收公司能不能联系我的亲戚问我的地址？之前发生过一次。",
    ]),
    ("misrepresentation", "critical", [
        "有个人自称是警察，说我{day}就会被逮捕，除非马上还{amt}。",
        "对方冒充法院的人说{day}法警会到我家来抓人。",
    ]),
    ("misrepresentation", "high", [
        "打电话的人自称是律师，说要起诉我，我查了根本没有这个律师事务所。",
        "他们冒充法院工作人员，说已经判决了，要扣我工资。",
    ]),
    ("misrepresentation", "normal", [
        "催收员说自己是公安局经侦的，后来我查了其实是{agency}的员工。",
        "催收函上印着假的法院案号，冒充律师事务所，其实是催收公司。",
        "对方自称是银行法务部的律师，根本不是，就是外包催收。",
        "他说他是银保监会的工作人员，来帮银行收钱，我觉得是假的。",
    ]),
    ("misrepresentation", "low", [
        "催收公司自称“法务中心”合法吗？{year}收到过这样的短信。",
        "很久以前有人冒充律师给我打过电话，之后再也没联系过。",
    ]),
    ("wrong_amount", "normal", [
        "{agency}说我欠{amt}，可是我最后一期账单只有{amt2}，多收了很多违约金和手续费。",
        "金额不对，本金才{amt2}，现在要我还{amt}，利滚利太离谱了。",
        "我还过{amt2}，他们没有入账，现在要的金额对不上。",
        "为什么变成{amt}了？账单明细里有很多我不认识的服务费。",
        "{bank}的账算错了吧，滞纳金和罚息比本金还多",
        "我跟催收谈好还{amt2}结清，钱也转了，现在又说还差{amt}。",
        "他们没有威胁我，也没有上门，就是金额不对，多收了{amt2}。",
    ]),
    ("wrong_amount", "high", [
        "{vuln}，{agency}让我还{amt}，可是我只欠{amt2}，多了一堆费用，我实在没精力去争。",
    ]),
    ("wrong_amount", "critical", [
        "欠款从{amt2}变成{amt}，我真的活不下去了，想过一死了之。",
    ]),
    ("wrong_amount", "low", [
        "请问信用卡逾期后催收公司可以加收手续费吗？我{year}已经还清了。",
        "想问一下违约金一般怎么算，我的账单好像多了一点。",
    ]),
    ("not_owed", "normal", [
        "这不是我的欠款，我从来没有办过{bank}的信用卡，{agency}却说我欠{amt}。",
        "我{year}就已经还清了，有还款凭证，现在又有人来催收。",
        "我的身份证被人冒用办了信用卡，我已经报警了，催收还是找我要{amt}。",
        "他们找错人了，欠钱的是跟我同名的人，不是我。",
        "这张卡早就结清销户了，征信上也显示已结清，为什么还来催？",
        "欠款是我前夫的，我不是持卡人也不是担保人。",
        "没借过钱！不欠！你们打错了",
    ]),
    ("not_owed", "high", [
        "{vuln}，现在{agency}找我还一张我从来没办过的{bank}信用卡，我真的受不了。",
        "这钱不是我欠的，他们还说要起诉我、冻结我的卡。",
    ]),
    ("not_owed", "critical", [
        "卡根本不是我办的，他们天天逼我，我想死的心都有了，真的不想活了。",
    ]),
    ("not_owed", "low", [
        "请问如果催收的不是我的债，应该怎么申诉？{year}收到过一封信。",
    ]),
    ("verification", "normal", [
        "我要求{agency}提供借款合同和欠款明细，他们什么都不给，只让我还{amt}。",
        "我从来没有收到过任何书面通知，直接就被催收了。",
        "催收公司说债权已经转让了，但是拿不出债权转让通知和委托书。",
        "我让他们寄对账单核实一下，到现在一个多月了都没有回复。",
        "没有合同没有凭证，就一个电话说我欠{amt}，我怎么知道是真的",
        "{agency}寄来的催收函上没有账号也没有金额明细，无法核实。",
    ]),
    ("verification", "high", [
        "{vuln}，{agency}从来没给过书面材料，就让我还{amt}，我两次要求核实都没人理。",
    ]),
    ("verification", "low", [
        "正规的催收函应该包含哪些内容？我收到一封，不知道是否完整。",
        "请问我要求催收公司提供证明，他们多久内必须回复？",
    ]),
    ("other", "low", [
        "请问怎么跟{agency}申请分期还款？",
        "我想开一个{bank}信用卡结清证明，应该找谁？",
        "想知道我以前的{bank}欠款现在是哪家公司在管。",
        "请问{agency}是正规的催收公司吗？",
        "还清之后征信多久能更新？",
    ]),
    ("other", "normal", [
        "{agency}的还款渠道一直用不了，我想还{amt2}都还不进去。",
        "我和催收约定了分期，但是一直没有给我书面的还款协议。",
        "我还了{amt2}，催收不给我开收据。",
    ]),
    ("other", "high", [
        "{vuln}，没有收入，想跟银行协商停息挂账，不知道从哪里开始。",
        "{vuln}，想申请困难减免，但是{agency}不愿意谈。",
    ]),
    ("other", "critical", [
        "失业了，{bank}的欠款压得我喘不过气，我已经在想自杀的事了。",
        "每天都睡不着，觉得活着没意思，这些债我这辈子都还不完。",
    ]),
]

EN_OPENERS = ["", "", "", "Hello, ", "Please help. ", "To whom it may concern, ", "HELP!! ",
              "I am writing to file a complaint. ", "I'm so confused. ", "I am furious. "]
EN_CLOSERS = ["", "", "", " Please help me.", " What can I do?", " I want this fixed.",
              " This is ridiculous.", " I don't understand what is going on.",
              " Thank you for your time.", " I am so stressed about this.",
              " I have had this card for years and always paid until I lost hours at work."]
ZH_OPENERS = ["", "", "", "你好，", "求助！", "我要投诉，", "请帮帮我，", "实在没办法了，"]
ZH_CLOSERS = ["", "", "", "请帮我处理一下。", "我该怎么办？", "太过分了！", "希望你们管一管。",
              "谢谢。", "我真的很焦心。", "这种情况合法吗？"]


def _fill(template: str, slots: dict[str, list[str]], rng: random.Random) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: rng.choice(slots[m.group(1)]), template)


def _misspell(text: str, rng: random.Random, protected: set[str]) -> str:
    """Swap two letters in a few longer words, drop apostrophes, lower-case."""
    words = text.split(" ")
    for _ in range(2):
        i = rng.randrange(len(words))
        w = words[i]
        core = re.sub(r"\W", "", w).lower()
        if len(w) > 5 and w.isalpha() and core not in protected:
            k = rng.randrange(1, len(w) - 2)
            words[i] = w[:k] + w[k + 1] + w[k] + w[k + 2 :]
    out = " ".join(words).replace("'", "").lower()
    return out


# Words never misspelt so that a typo cannot remove the signal a label rests on.
_PROTECTED = {
    "arrested", "arrest", "police", "sheriff", "jail", "warrant", "threatened", "suicide",
    "killing", "myself", "ending", "hurt", "break", "house", "door", "called", "calling",
    "texted", "minor", "daughter", "school", "instagram", "garnish", "lawsuit",
    "disabled", "cancer", "veteran", "hospital", "depression", "senior", "citizen",
    "active", "keeps", "still", "every", "single", "stopped", "nonstop", "pretending",
    "sheriff's", "deputies", "coming", "court", "family", "something", "happen",
    "watch", "teenage", "chemo", "anymore", "banging", "showed", "outside",
    "followed", "waited", "knocked",
}


def _en_voice(text: str, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.18:
        text = _misspell(text, rng, _PROTECTED)
    elif roll < 0.26:
        text = text.upper()
    text = rng.choice(EN_OPENERS) + text + rng.choice(EN_CLOSERS)
    return text.strip()


def _zh_voice(text: str, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.15:
        text = text.replace("，", " ").replace("。", "")
    elif roll < 0.25:
        text = text.replace("。", "！！")
    return (rng.choice(ZH_OPENERS) + text + rng.choice(ZH_CLOSERS)).strip()


def generate(lang: str, per_template: int) -> list[dict]:
    rng = random.Random(f"{SEED}-{lang}")
    templates = EN_TEMPLATES if lang == "en" else ZH_TEMPLATES
    slots = EN_SLOTS if lang == "en" else ZH_SLOTS
    voice = _en_voice if lang == "en" else _zh_voice
    rows: list[dict] = []
    seen: set[str] = set()
    for category, urgency, texts in templates:
        for t_index, template in enumerate(texts):
            made = 0
            tries = 0
            # Two or three samples a template (a fixed pattern), ~260 per language.
            target = per_template + (1 if t_index % 3 != 2 else 0)
            while made < target and tries < 50:
                tries += 1
                text = voice(_fill(template, slots, rng), rng)
                if text in seen:
                    continue
                seen.add(text)
                made += 1
                digest = hashlib.sha256(f"{SEED}|{text}".encode()).hexdigest()
                split = "heldout" if int(digest[:8], 16) / 0xFFFFFFFF < HELDOUT_SHARE else "train"
                rows.append({
                    "id": f"{lang}-{len(rows) + 1:04d}",
                    "language": lang,
                    "text": text,
                    "category": category,
                    "urgency": urgency,
                    "split": split,
                    "source": "template",
                })
    return rows


def main() -> None:
    rows = generate("en", per_template=2) + generate("zh", per_template=2)
    out = HERE / "own.jsonl"
    # Rows written by hand (source "handwritten") live only in own.jsonl: keep them.
    if out.exists():
        with out.open(encoding="utf-8") as fh:
            kept = [json.loads(line) for line in fh if line.strip()]
        rows += [r for r in kept if r.get("source") != "template"]
    with out.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} rows to {out}")


if __name__ == "__main__":
    main()
