"""Scrubbing a narrative for the public complaint database (no Flask, no database).

The narrative arrives already masked (card and ID numbers, SPEC section 7).
Before it is published it also loses what identifies a person: names, phone
numbers, e-mail addresses, postal addresses and account references. Three
sources are used together:

- what the complaint itself says about the cardholder and the collector (the
  name, e-mail, phone and account reference fields, the agent's name and the
  numbers the collector called from): each is removed wherever it appears,
  whole or, for names, word by word;
- patterns for what no field names: e-mail addresses, phone numbers (7 or
  more digits), street addresses (English and Chinese), UK postcodes, US ZIP
  codes after a state, account and reference numbers ("account number
  12345678", "尾号1234", the card-mask tails "[card •••• 1111]"), and names
  after a courtesy title ("Mr Smith");
- names that nothing else gives. English: a capitalised word (with the one or
  two after it, "Tanya Briggs") after a cue ("named", "my name is", "called
  himself", a role: "the agent", "collector", "rep", "supervisor"; a
  relative or acquaintance: "my sister", "boss", "neighbor", "coworker";
  "spoke to", "talked to" and "This is" for first names or two-word names;
  "from Midland, Karen,"; ranks, which stay: "Officer [name]"); a first name
  from the list in ``person_names.toml`` in mid-sentence, or at a sentence
  start when "from", "at", a role or a verb of speech follows ("Mike from the
  agency", "Linda said"); a signature at the end ("Thanks, Mike", "- Sarah").
  First names that are also words ("Will", "May", "Bill", "Grant", "Rose",
  "Mark") count only after a cue; capitalised runs holding an organisation's
  word ("Capital One", "Apex Recoveries", "Nelson & Kennard"), and the words
  of the complaint's own agency, never do. Chinese: jieba's part-of-speech
  tagger (loaded on the first Chinese text, about a second, shared between
  threads): a word it tags as a person (nr) that is a common surname and
  given-name characters (张伟, 王丽华; not 文明, 安静, 老公), a surname with a
  form of address (王先生, 刘总, 陈经理, 周姐, 刘某), 小X and 老X (小李, 老王),
  and after a cue (叫, 自称, 催收员, 客服, 同事, 表姐 …) looser shapes (张三,
  阿彪). A name found once is removed wherever else it stands.

Each is replaced by a marker in square brackets ("[name]", "[phone]",
"[email]", "[address]", "[account]"), so a reader sees that something was
there. Scrubbing is deliberately greedy: a false positive costs a word of a
published story, a false negative publishes a person.

API::

    scrub_narrative(text, details=PersonalDetails()) -> Scrubbed(text, counts)
"""
from __future__ import annotations

import functools
import re
import threading
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

MARKERS = {
    "name": "[name]",
    "phone": "[phone]",
    "email": "[email]",
    "address": "[address]",
    "account": "[account]",
}

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"


@dataclass(frozen=True)
class PersonalDetails:
    """What the complaint's own fields say about the people in it."""

    names: tuple[str, ...] = ()  # the cardholder's name, the agent's name
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()  # the cardholder's phone and the collector's numbers
    account_refs: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()  # the agency: its words are never taken for a person's name

    @classmethod
    def of(cls, *, names: Iterable[str | None] = (), emails: Iterable[str | None] = (),
           phones: Iterable[str | None] = (), account_refs: Iterable[str | None] = (),
           organisations: Iterable[str | None] = ()) -> "PersonalDetails":
        keep = lambda values: tuple(v.strip() for v in values if v and v.strip())  # noqa: E731
        return cls(keep(names), keep(emails), keep(phones), keep(account_refs), keep(organisations))


@dataclass(frozen=True)
class Scrubbed:
    text: str
    counts: dict[str, int] = field(default_factory=dict)  # kind -> items replaced

    @property
    def total(self) -> int:
        return sum(self.counts.values())


# --- patterns -----------------------------------------------------------------

# The local part may hold any of RFC 5322's atom characters.
_EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)

# A run of digits with the separators people type in phone numbers; it is a
# phone number when it holds 7 to 15 digits (a shorter run is an amount or a
# date, a longer one was masked already or is an account number).
_PHONE_RUN = re.compile(r"(?<![0-9A-Za-z.])(?:\+|00)?\(?\d[\d\s().\-\u2010-\u2013]{5,22}\d(?![0-9A-Za-z])")
_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}-\d{1,2}-\d{4}|\d{1,2}\.\d{1,2}\.\d{2,4}")
_DIGIT = re.compile(r"\d")

# Already-masked numbers keep their last four digits ("[card •••• 1111]");
# published, even those four go.
_MASK_TAIL = re.compile(r"\[(card|ID) •••• [0-9Xx]{4}\]")
# What a pass must never cut into: a mask or a marker is replaced whole or left alone.
_PROTECTED = re.compile(_MASK_TAIL.pattern + "|" + "|".join(re.escape(m) for m in MARKERS.values()))

_ACCOUNT_EN = re.compile(
    r"\b(?P<label>(?:account|acct|a/c|card|reference|ref|case|file|loan|customer)"
    r"(?:\s+(?:number|no\.?|num|#|id|ending(?:\s+in)?|ref(?:erence)?))*\.?)"
    r"(?P<sep>\s*(?:is|was|:|#|-)?\s*)"
    r"(?P<value>(?=[A-Za-z0-9-]*\d)[A-Za-z0-9][A-Za-z0-9-]{2,30})",
    re.IGNORECASE,
)
_ACCOUNT_ZH = re.compile(
    r"(?P<label>账号|帐号|账户|帐户|卡号|尾号|末四位|后四位|合同号|编号|客户号|案件号|借款编号)"
    r"(?P<sep>[\s:：为是]*)(?P<value>[A-Za-z0-9-]{3,30})"
)

_STREET_WORDS = (
    "street|st|road|rd|avenue|ave|lane|ln|drive|dr|boulevard|blvd|court|ct|way|place|pl|close|crescent|"
    "terrace|parkway|pkwy|highway|hwy|square|sq|gardens|grove|row|mews|circle|cir"
)
_ADDRESS_EN = re.compile(
    rf"\b\d{{1,6}}[A-Za-z]?\s+(?:[A-Z][\w'.-]*\s+){{0,4}}(?:{_STREET_WORDS})\b\.?"
    r"(?:,?\s*(?:apt|apartment|unit|suite|ste|flat|#)\.?\s*\w{1,6})?",
    re.IGNORECASE,
)
_PO_BOX = re.compile(r"\b(?:P\.?\s?O\.?\s*Box|Post\s+Office\s+Box)\s*\d+\b", re.IGNORECASE)
_UK_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b")
_US_STATES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|"
    "OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|DC"
)
_US_ZIP = re.compile(rf"(?:\b(?:{_US_STATES})\s+|\bzip(?:\s*code)?\s*:?\s*)\d{{5}}(?:-\d{{4}})?\b")
# A place's name is Chinese characters other than the particles, pronouns and
# verbs around it ("他们到[北京市…]", not "[他们到北京市…]").
_PLACE_CHAR = rf"(?:(?![的地得了着过我你他她它们这那是在有和与跟把被给让到来去住说还也都就又很从向对为个不没吗呢吧啊呀])[{_HAN}])"
_ZH_STREET = rf"{_PLACE_CHAR}(?:{_PLACE_CHAR}|[0-9]){{0,11}}(?:路|街|大道|大街|巷|弄|胡同|道)"
_ZH_HOUSE_NUMBER = r"[0-9０-９一二三四五六七八九十百]+(?:号|號)"
_ZH_ADDRESS_REST = (
    rf"(?:(?:{_PLACE_CHAR}|[0-9]){{0,10}}(?:小区|大厦|花园|公寓|苑))?"
    rf"(?:[A-Za-z{_HAN}0-9]{{0,12}}?[0-9０-９]+(?:栋|幢|号楼|单元|楼|室|层))*"
)
# A street is an address after a city or district, or with a house number:
# words that end like a street (知道, 套路, 走投无路, 一路) are not.
_ADDRESS_ZH = re.compile(
    rf"(?:{_PLACE_CHAR}{{1,8}}(?:省|自治区|市|区|县|镇|乡|村))+{_ZH_STREET}(?:{_ZH_HOUSE_NUMBER})?{_ZH_ADDRESS_REST}"
    rf"|{_ZH_STREET}{_ZH_HOUSE_NUMBER}{_ZH_ADDRESS_REST}"
)
_ADDRESS_ZH_ESTATE = re.compile(rf"{_PLACE_CHAR}{{2,8}}(?:小区|大厦|花园|公寓)(?:[0-9]+(?:栋|幢|号楼|单元|楼|室|层))*")

_TITLE_NAME = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Sir|Madam)\.?\s+"
    r"(?P<name>[A-Z][a-zA-Z'\-]+(?:\s+[A-Z][a-zA-Z'\-]+)?)"
)


# --- names no field gives: English ---------------------------------------------

NAMES_FILE = Path(__file__).with_name("person_names.toml")


@dataclass(frozen=True)
class _NameLexicon:
    first_names: frozenset[str]
    first_names_lower: frozenset[str]
    also_words: frozenset[str]  # first names that are also words: only after a cue
    not_names: frozenset[str]
    organisation_words: frozenset[str]
    organisations: tuple[str, ...]
    surnames: frozenset[str]
    compound_surnames: frozenset[str]
    given_characters: frozenset[str]
    ordinary_chinese: frozenset[str]


@functools.cache
def _lexicon() -> _NameLexicon:
    with NAMES_FILE.open("rb") as f:
        data = tomllib.load(f)
    en, zh = data["english"], data["chinese"]
    words = lambda key, table: frozenset(table[key].split())  # noqa: E731
    first = words("first_names", en)
    return _NameLexicon(
        first_names=first, first_names_lower=frozenset(n.lower() for n in first),
        also_words=words("also_words", en), not_names=words("not_names", en),
        organisation_words=words("organisation_words", en), organisations=tuple(en["organisations"]),
        surnames=words("surnames", zh), compound_surnames=words("compound_surnames", zh),
        given_characters=words("given_name_characters", zh), ordinary_chinese=words("ordinary_words", zh),
    )


# A capitalised word as names are written: Mike, O'Brien, McDonald, DeShawn, Mary-Jane.
_CAP = r"[A-Z](?:'[A-Z])?[a-z]+(?:[A-Z][a-z]+)?(?:-[A-Z][a-z]+)?(?![A-Za-z0-9])"
_CAP_WORD = re.compile(rf"(?<![\w'’-]){_CAP}")
_NEXT_NAME_WORD = re.compile(rf"[ \t]+(?:[A-Z]\.?[ \t]+)?({_CAP})")
_CAPITALISED_NEIGHBOUR = re.compile(r"[ \t]+([A-Z][\w&'’.-]*)")
_PREVIOUS_WORD = re.compile(r"([A-Za-z][\w'’.-]*)[ \t]+$")

_ROLES = (
    r"agent|collector|rep|representative|supervisor|manager|officer|attorney|lawyer|solicitor|paralegal|"
    r"investigator|specialist|operator|caller|employee|associate|advis[eo]r|clerk|teller|receptionist|"
    r"negotiator|recruiter|processor|caseworker|bailiff|enforcement agent|debt collector"
)
_RELATIONS = (
    r"(?:step-?|half-)?(?:sister|brother|mother|father|son|daughter)s?(?:-in-law)?|mom|mum|dad|wife|husband|"
    r"spouse|ex|ex-wife|ex-husband|boss|neighbou?rs?|co-?workers?|colleagues?|friends?|cousins?|aunt|auntie|"
    r"uncle|niece|nephew|grand(?:mother|father|ma|pa|son|daughter|child)|partner|fianc[ée]e?|girlfriend|"
    r"boyfriend|roommate|flatmate|housemate|landlord|landlady|kids?|child|children|parents?|"
    r"carer|caregiver|guardian|relative|tenant|lodger"
)
_SPEECH = (
    r"said|says|told|tells|called|calls|phoned|rang|yelled|shouted|screamed|threatened|asked|answered|"
    r"replied|claimed|insisted|stated|explained|promised|refused|texted|e-?mailed|wrote|laughed|cursed|swore|"
    r"demanded|kept|hung|left|sent|came|showed|knocked|contacted|harass?ed|lied|admitted|agreed|confirmed|"
    r"denied|would|will|was|is|has|had"
)
# Words after which a capitalised word (even "May" or "Will") is a name.
_CUE_BEFORE_NAME = re.compile(
    r"(?i:\b(?:"
    rf"(?:{_ROLES}|{_RELATIONS})(?:'s name (?:is|was)| named| called| by the name of)?"
    r"|my name is|i am called|i'm called|called (?:himself|herself)|calling (?:himself|herself)"
    r"|introduced (?:himself|herself) as|identified (?:himself|herself) as|(?:his|her) name (?:is|was)"
    r"|named|name of|goes by|went by|by the name of|who said (?:he|she) was"
    r"))[ \t]*,?[ \t]+(?=[A-Z])"
)
# Words after which a first name, or two capitalised words, is a name ("spoke to
# Tanya Briggs"); a single other word is more often a company ("spoke to Midland").
_WEAK_CUE_BEFORE_NAME = re.compile(
    r"(?i:\b(?:"
    r"this is|(?:spoke|speak|speaking|talked|talk|talking) (?:to|with)|(?:asked|ask|asking) for"
    r"|transferred (?:me )?to|put (?:me )?through to"
    r"|(?:told|contacted|called|harass?ed|threatened|visited|approached) by"
    r"))[ \t]+(?=[A-Z])"
)
# Ranks and offices before a name; the title stays, the name goes ("Officer [name]").
_ROLE_TITLE = re.compile(
    r"\b(?:Special Agent|Officer|Agent|Deputy|Sheriff|Sergeant|Sgt|Lieutenant|Lt|Detective|Det|Captain|Capt|"
    r"Marshal|Trooper|Inspector|Attorney|Judge|Investigator|Constable|Corporal|Cpl|Commissioner|Chief|"
    r"Supervisor|Manager)\.?[ \t]+(?=[A-Z])"
)
_OWN_NAME_LOWER = re.compile(r"(?i:\bmy name is)[ \t]+(?P<first>[a-z][a-z'’-]+)(?:[ \t]+(?P<last>[a-z][a-z'’-]+))?")
_NOT_A_SURNAME_LOWER = frozenset(
    "and but or the a an i is was not on in at to of for with from by my it so this that he she they we you "
    "am are be been also too".split()
)
# "a man from Midland, Kevin, said"
_FROM_AGENCY_NAME = re.compile(
    r"\bfrom[ \t]+(?:the[ \t]+)?(?:[A-Z][\w&'’.-]*[ \t]+){0,3}[A-Z][\w&'’.-]*,[ \t]*(?=[A-Z])"
)
_AFTER_APPOSITION = re.compile(rf"[ \t]*(?:[,.;:)!?]|$|[ \t]+(?:and|who|{_SPEECH})\b)")
# "Mike from the agency", "Dave at Midland"
_BEFORE_AGENCY = re.compile(r"[ \t]+(?:from|at|with|of)[ \t]+(?:the|their|your|this|that|[A-Z])")
# "Dave, the collector," "Linda (my sister)"
_BEFORE_ROLE = re.compile(
    rf"[ \t]*[,(][ \t]*(?:the|a|an|my|our|his|her|their|your)[ \t]+(?:[\w-]+[ \t]+)?(?:{_ROLES}|{_RELATIONS})\b",
    re.IGNORECASE,
)
_BEFORE_SPEECH = re.compile(rf"[ \t]+(?:{_SPEECH})\b")
# A signature at the very end: "Thanks, Mike", "Regards,\nTanya Briggs", "- Sarah".
_SIGN_OFF = re.compile(
    r"(?:(?P<words>(?i:\b(?:thanks|thank you|many thanks|regards|best regards|kind regards|warm regards|"
    r"sincerely|yours sincerely|yours faithfully|yours truly|respectfully|best wishes|best|cheers|thx))[ \t]*[,.!]*)"
    r"|(?:^|\s)[-–—~]{1,2})\s*"
    r"(?P<name>[A-Za-z][\w'’-]*(?:[ \t]+[A-Z][\w'’-]*){0,2})[ \t]*[.!]?\s*$"
)
_NOT_A_PERSON_BEFORE = re.compile(r"(?i:\b(?:hurricane|storm|tropical storm|typhoon))[ \t]+\Z")
_PLACE_PREFIXES = frozenset(
    "St Saint San Santa Fort Port Mount Mt Lake Camp Cape New North South East West Los Las".split()
)
_MONTHS = frozenset("January February March April May June July August September October November December".split())
_DATE_AFTER = re.compile(r"[ \t]*(?:\d|of\b|\d{4})")
_DATE_BEFORE = re.compile(
    r"(?i:\b(?:in|on|of|since|until|till|by|from|to|through|last|next|this|early|late|mid|end of|beginning of))"
    r"[ \t]+$"
)


def _sentence_start(text: str, pos: int) -> bool:
    """Whether ``pos`` starts a sentence (a quote or bracket may open it)."""
    i = pos - 1
    while i >= 0 and text[i] in " \t\"'“‘([*":
        i -= 1
    return i < 0 or text[i] in ".!?:\n\r…" or (text[i] == "-" and i > 0 and text[i - 1] in "\n-")


class _EnglishNames:
    """Where the names are in an English text (spans), by cue, by list and by position."""

    def __init__(self, text: str, organisations: Iterable[str]):
        self.text = text
        self.lex = _lexicon()
        self.organisation_words = set(self.lex.organisation_words)
        for organisation in organisations:
            self.organisation_words.update(w for w in re.findall(r"[A-Za-z][\w&'’-]*", organisation) if w[0].isupper())
        self.organisations = [*self.lex.organisations, *organisations]
        self.spans: list[tuple[int, int]] = []

    def _blocked(self, word: str) -> bool:
        return word in self.lex.not_names or word in self.organisation_words

    def _in_organisation(self, start: int, end: int) -> bool:
        """Whether text[start:end] sits in a run of capitalised words that names an
        organisation ("Capital One", "Nelson & Kennard") or a place ("St Louis")."""
        if _NOT_A_PERSON_BEFORE.search(self.text, max(0, start - 20), start):
            return True
        run_start, run_end = start, end
        while ((before := _PREVIOUS_WORD.search(self.text, max(0, run_start - 40), run_start))
               and before.group(1)[0].isupper()):
            if before.group(1) in _PLACE_PREFIXES or before.group(1).rstrip(".") in _PLACE_PREFIXES:
                return True
            if _sentence_start(self.text, before.start(1)) and not self._blocked(before.group(1)):
                break
            run_start = before.start(1)
        while (after := _CAPITALISED_NEIGHBOUR.match(self.text, run_end)):
            run_end = after.end(1)
        if re.match(r"[ \t]*&", self.text[run_end:]) or re.search(r"&[ \t]*$", self.text[:run_start]):
            return True  # a firm: "Nelson & Kennard", "Ruiz & Kim"
        run = self.text[run_start:run_end]
        words = re.findall(r"[A-Za-z][\w&'’-]*", run)
        if any(re.sub(r"['’]s$", "", w) in self.organisation_words for w in words):
            return True
        return any(o and o.lower() in run.lower() for o in self.organisations)

    def take(self, start: int, *, after_cue: bool) -> int | None:
        """The end of the name starting at ``start`` (up to three words), or None if no name starts there."""
        first = _CAP_WORD.match(self.text, start)
        if not first or self._blocked(first.group(0)):
            return None
        word = first.group(0)
        if not after_cue and (word not in self.lex.first_names or word in self.lex.also_words):
            return None
        if word in _MONTHS and (_DATE_AFTER.match(self.text, first.end())
                                or _DATE_BEFORE.search(self.text[max(0, start - 20):start])):
            return None
        if self._in_organisation(start, first.end()):
            return None
        end = first.end()
        for _ in range(2):
            following = _NEXT_NAME_WORD.match(self.text, end)
            if not following or self._blocked(following.group(1)):
                break
            end = following.end(1)
        return end

    def add(self, start: int, end: int | None) -> None:
        if end is not None:
            self.spans.append((start, end))

    def find(self) -> list[tuple[int, int]]:
        text = self.text
        for cue in _CUE_BEFORE_NAME.finditer(text):
            self.add(cue.end(), self.take(cue.end(), after_cue=True))
        for title in _ROLE_TITLE.finditer(text):
            self.add(title.end(), self.take(title.end(), after_cue=True))
        for cue in _WEAK_CUE_BEFORE_NAME.finditer(text):
            end = self.take(cue.end(), after_cue=True)
            first = _CAP_WORD.match(text, cue.end())
            if end is not None and (first.end() < end or first.group(0) in self.lex.first_names
                                    or first.group(0) in self.lex.also_words):
                self.add(cue.end(), end)
        for own in _OWN_NAME_LOWER.finditer(text):
            if own.group("first").lower() in self.lex.first_names_lower:
                last = own.group("last")
                keep_last = last and last.lower() not in _NOT_A_SURNAME_LOWER
                self.add(own.start("first"), own.end("last") if keep_last else own.end("first"))
        for lead in _FROM_AGENCY_NAME.finditer(text):
            end = self.take(lead.end(), after_cue=True)
            if end is not None and _AFTER_APPOSITION.match(text, end):
                self.add(lead.end(), end)
        for word in _CAP_WORD.finditer(text):
            start = word.start()
            end = self.take(start, after_cue=False)
            if end is None:
                continue
            first_end = word.end()
            if not _sentence_start(text, start):
                self.add(start, end)  # a first name in mid-sentence
            elif (_BEFORE_AGENCY.match(text, first_end) or _BEFORE_ROLE.match(text, first_end)
                  or _BEFORE_SPEECH.match(text, end) or _BEFORE_SPEECH.match(text, first_end)):
                self.add(start, end)  # "Mike from the agency …", "Linda said …"
        sign_off = _SIGN_OFF.search(text)
        if sign_off:
            start = sign_off.start("name")
            word = _CAP_WORD.match(text, start)
            if word:
                # after "Thanks," any name; after a dash a first name or two words ("- Everything" is not one)
                end = self.take(start, after_cue=True)
                if end is not None and (sign_off.group("words") or end > word.end()
                                        or word.group(0) in self.lex.first_names):
                    self.add(start, end)
            elif text[start:sign_off.end("name")].lower() in self.lex.first_names_lower:
                self.add(start, sign_off.end("name"))  # "thanks, mike"
        self._add_other_mentions()
        return self.spans

    def _add_other_mentions(self) -> None:
        """A name found once is removed wherever else it stands ("named Dave … Dave said")."""
        found = {w for start, end in self.spans for w in _CAP_WORD.findall(self.text, start, end)}
        found -= self.lex.also_words
        found = {w for w in found if not self._blocked(w)}
        if not found:
            return
        pattern = re.compile(r"(?<![\w'’-])(?:" + "|".join(sorted(map(re.escape, found), key=len, reverse=True))
                             + r")(?![A-Za-z0-9])")
        self.spans.extend(m.span() for m in pattern.finditer(self.text))


# --- names no field gives: Chinese ---------------------------------------------

# Titles and forms of address after a surname: 王先生, 刘总, 陈经理, 周姐, 赵阿姨, 刘某.
_ZH_TITLES = frozenset(
    "先生 女士 小姐 太太 夫人 经理 总经理 总 总监 董事长 姐 哥 大姐 大哥 专员 律师 主管 警官 主任 老师 科长 处长 "
    "队长 法官 助理 阿姨 叔 叔叔 师傅 局长 所长 行长 部长 组长 医生 老板 某 某某".split()
)
# Words after which the next word is taken for a name more readily.
_ZH_CUES = (
    "我叫", "名叫", "叫做", "名字是", "名字叫", "姓名是", "姓名", "自称是", "自称", "称自己是", "叫",
    "催收员", "催收人员", "业务员", "客服", "专员", "工作人员", "员工", "经办人", "联系人", "担保人",
    "同事", "朋友", "同学", "邻居", "老板", "领导", "上司", "老公", "老婆", "丈夫", "妻子", "爱人", "儿子",
    "女儿", "爸爸", "妈妈", "父亲", "母亲", "哥哥", "姐姐", "弟弟", "妹妹", "表姐", "表哥", "表妹", "表弟",
    "堂姐", "堂哥", "堂妹", "堂弟", "叔叔", "阿姨", "舅舅", "姑姑", "婆婆", "公公", "岳父", "岳母",
    "女朋友", "男朋友", "室友", "房东", "打给", "找",
)
# After these the word is a name unless it cannot be one.
_ZH_INTRODUCTIONS = ("我叫", "名叫", "叫做", "名字是", "名字叫", "姓名是", "姓名", "自称是", "自称", "称自己是")
# A word followed by one of these names an organisation or a place, not a person (永诚资产, 华晟法务).
_ZH_ORGANISATION_AFTER = frozenset(
    "资产 法务 公司 集团 银行 律所 律师事务所 事务所 金融 科技 信息 咨询 管理 商务 小贷 贷款 网络 投资 担保 征信 保险 "
    "催收 分行 支行 中心 法院 派出所 公安局 平台 市 省 区 县 镇 村 路 街".split()
)
# Parts of speech a surname character cannot have when it starts a name:
# prepositions, conjunctions, particles, pronouns, numerals (向律师咨询, 对于).
_ZH_NOT_A_SURNAME_FLAGS = ("p", "c", "u", "r", "m", "y", "e", "o")
# Characters that end a name: particles, pronouns, common verbs.
_ZH_NOT_IN_A_NAME = frozenset("的了是在也都就和说把被给让打去来们个这那我你他她它不没又还很吗呢吧啊")
_ZH_KIN_AFTER_A = frozenset("姨婆公伯叔妈爸哥姐")
_ZH_QUOTES = " \t“”\"'‘’「」『』《》〈〉【】:："

_tagger = None
_tagger_lock = threading.Lock()


def _chinese_tagger():
    """jieba's part-of-speech tagger, loaded on first use (about a second: it
    reads jieba's whole dictionary) and shared between threads."""
    global _tagger
    if _tagger is None:
        with _tagger_lock:
            if _tagger is None:
                import logging

                import jieba
                import jieba.posseg

                logging.getLogger("jieba").setLevel(logging.WARNING)  # it logs its dictionary loading
                # jieba's default tokenizer and tagger (the classifier's Chinese
                # pipeline and the search use the same dictionary): loaded once.
                jieba.dt.initialize()
                _tagger = jieba.posseg.dt
    return _tagger


@dataclass(frozen=True)
class _Word:
    text: str
    flag: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)


_HAN_WORD = re.compile(rf"[{_HAN}]+")


class _ChineseNames:
    """Where the names are in a text with Chinese in it, from jieba's tags and forms of address."""

    def __init__(self, text: str, organisations: Iterable[str]):
        self.text = text
        self.lex = _lexicon()
        tagger = _chinese_tagger()
        self.frequency = tagger.tokenizer.FREQ
        self.organisations = [o for o in organisations if _HAN_WORD.search(o)]
        self.words: list[_Word] = []
        position = 0
        for word, flag in tagger.cut(text):
            position = text.find(word, position)
            self.words.append(_Word(word, flag, position))
            position += len(word)

    def _surname_of(self, word: str) -> str | None:
        if word[:2] in self.lex.compound_surnames:
            return word[:2]
        return word[:1] if word[:1] in self.lex.surnames else None

    def _shaped_like_a_name(self, word: str) -> bool:
        """A surname and one or two given-name characters (or 某): 张伟, 王丽华, 欧阳娜娜, 刘某."""
        surname = self._surname_of(word)
        if not surname:
            return False
        given = word[len(surname):]
        if given in ("某", "某某"):
            return True
        if not 1 <= len(given) <= 2 or (len(word) == 2 and word[0] == word[1]):
            return False  # 谢谢
        return all(c in self.lex.given_characters for c in given)

    def _ordinary(self, word: str) -> bool:
        """A word of the language the tagger calls a name (文明, 安静, 老公)."""
        return word in self.lex.ordinary_chinese or (len(word) == 2 and self.frequency.get(word, 0) >= 1000)

    def _after_cue(self, index: int, cues: Iterable[str] = _ZH_CUES) -> bool:
        before = self.text[max(0, self.words[index].start - 8):self.words[index].start].rstrip(_ZH_QUOTES)
        return before.endswith(tuple(cues))

    def _word(self, index: int) -> _Word | None:
        return self.words[index] if 0 <= index < len(self.words) else None

    def _name_at(self, i: int) -> int:
        """How many words from words[i] on make a name (0: none starts there)."""
        word, following = self.words[i], self._word(i + 1)
        w, flag = word.text, word.flag
        if not _HAN_WORD.fullmatch(w):
            return 0
        lex = self.lex
        # 王 先生, 吴 律师, 马 经理 (the surname its own word), and 王先生, 刘总, 周姐 (one word)
        if (following and following.text in _ZH_TITLES and self._surname_of(w) == w
                and not flag.startswith(_ZH_NOT_A_SURNAME_FLAGS)):
            return 2
        # (one word: the tagger's name, or a word its dictionary does not hold; 班主任 is a word)
        for title in _ZH_TITLES if flag.startswith("nr") or w not in self.frequency else ():
            if w.endswith(title) and len(w) > len(title) and w not in lex.ordinary_chinese:
                head = w[:-len(title)]
                if self._surname_of(head) == head or (flag.startswith("nr") and len(head) == 1
                                                      and title in ("先生", "女士", "小姐", "太太")):
                    return 1
        # 小李, 老王: one word or two
        if len(w) == 2 and w[0] in "小老" and w[1] in lex.surnames and w not in lex.ordinary_chinese:
            return 1
        if (w in ("小", "老") and following and following.text in lex.surnames
                and not following.flag.startswith(_ZH_NOT_A_SURNAME_FLAGS)):
            return 2
        cue = self._after_cue(i)
        # 欧阳 娜娜
        if (w in lex.compound_surnames and following and _HAN_WORD.fullmatch(following.text)
                and 1 <= len(following.text) <= 2
                and (following.flag.startswith("nr") or cue
                     or all(c in lex.given_characters for c in following.text))):
            return 2
        if flag.startswith("nr") and self._shaped_like_a_name(w) and not self._ordinary(w):
            return 1
        if not cue:
            return 0
        # After a cue: 叫张三, 表姐王丽华, 一个叫“阿彪”的人, 同事张 伟
        # (a word the tagger made up as a name, or a dictionary's name with given-name characters: not 金盾)
        surname = self._surname_of(w)
        if (flag.startswith("nr") and surname and 2 <= len(w) <= 4 and w not in lex.ordinary_chinese
                and not any(c in _ZH_NOT_IN_A_NAME for c in w[len(surname):])
                and (w not in self.frequency or self._shaped_like_a_name(w))):
            return 1
        if len(w) == 2 and w[0] == "阿" and w[1] not in _ZH_KIN_AFTER_A and w[1] not in _ZH_NOT_IN_A_NAME:
            return 1
        if surname == w:
            n = 1
            while n < 3 and (given := self._word(i + n)) and len(given.text) == 1 \
                    and given.text in lex.given_characters:
                n += 1
            if n > 1:
                return n
        if (self._after_cue(i, _ZH_INTRODUCTIONS) and surname and 2 <= len(w) <= 4
                and not flag.startswith(("v", "a", "d", *_ZH_NOT_A_SURNAME_FLAGS)) and w not in lex.ordinary_chinese):
            return 1
        return 0

    def find(self) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        names: set[str] = set()
        i = 0
        while i < len(self.words):
            n = self._name_at(i)
            if n:
                start, end = self.words[i].start, self.words[i + n - 1].end
                following = self._word(i + n)
                name = self.text[start:end]
                if not ((following and following.text in _ZH_ORGANISATION_AFTER)
                        or any(name in o for o in self.organisations)):
                    spans.append((start, end))
                    names.add(name)
                i += n
            else:
                i += 1
        # A name found once goes wherever else it stands.
        for word in self.words:
            if word.text in names:
                spans.append((word.start, word.end))
        for name in (n for n in names if len(n) >= 3):
            spans.extend(m.span() for m in re.finditer(re.escape(name), self.text))
        return spans


def _whole(value: str) -> re.Pattern[str]:
    """A case-insensitive match of ``value`` not inside a longer word."""
    escaped = re.escape(value)
    escaped = re.sub(r"(\\ )+", r"\\s+", escaped)  # any spacing between words
    left = "" if re.match(rf"[{_HAN}]", value) else r"(?<!\w)"
    right = "" if re.search(rf"[{_HAN}]$", value) else r"(?!\w)"
    return re.compile(left + escaped + right, re.IGNORECASE)


def _digits(value: str) -> str:
    return "".join(_DIGIT.findall(value))


class _Scrubber:
    def __init__(self, text: str):
        self.text = text
        self.counts: Counter[str] = Counter()

    def _cuts_into_a_mark(self, match: re.Match[str], protected: list[tuple[int, int]]) -> bool:
        """Whether the match overlaps a mask or marker without covering it whole
        (an account reference "1111" inside "[card •••• 1111]")."""
        start, end = match.span()
        return any(start < p_end and p_start < end and not (start <= p_start and p_end <= end)
                   for p_start, p_end in protected)

    def _protected(self) -> list[tuple[int, int]]:
        return [m.span() for m in _PROTECTED.finditer(self.text)]

    def sub(self, pattern: re.Pattern[str], kind: str, keep: str | None = None) -> None:
        marker = MARKERS[kind]
        protected = self._protected()

        def replace(match: re.Match[str]) -> str:
            if match.group(0) in MARKERS.values() or self._cuts_into_a_mark(match, protected):
                return match.group(0)  # a marker already placed, or a piece of a mask or marker
            self.counts[kind] += 1
            if keep:
                return "".join(match.group(g) or "" for g in keep.split(",")) + marker
            return marker

        self.text = pattern.sub(replace, self.text)

    def sub_spans(self, spans: Iterable[tuple[int, int]], kind: str) -> None:
        """Replace each span of the text by the marker; spans that overlap, or
        that only spaces separate ("Tanya" "Briggs"), become one."""
        protected = self._protected()
        merged: list[list[int]] = []
        for start, end in sorted(spans):
            if start >= end or any(start < p_end and p_start < end for p_start, p_end in protected):
                continue
            if merged and (start <= merged[-1][1] or not self.text[merged[-1][1]:start].strip(" \t")):
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        for start, end in reversed(merged):
            self.text = self.text[:start] + MARKERS[kind] + self.text[end:]
            self.counts[kind] += 1

    def sub_phones(self, known_digits: set[str]) -> None:
        protected = self._protected()

        def replace(match: re.Match[str]) -> str:
            run = match.group(0)
            if self._cuts_into_a_mark(match, protected):
                return run
            digits = _digits(run)
            if _DATE.fullmatch(run.strip()):
                return run
            if 7 <= len(digits) <= 15 or (digits and digits in known_digits):
                self.counts["phone"] += 1
                trailing = run[len(run.rstrip(" .-")):]
                return MARKERS["phone"] + trailing
            return run

        self.text = _PHONE_RUN.sub(replace, self.text)


@functools.lru_cache(maxsize=512)
def _chinese_name_spans(text: str, organisations: tuple[str, ...]) -> tuple[tuple[int, int], ...]:
    """The names' spans in a text with Chinese in it. Tagging costs about 30 µs a
    character, and a complaint's narrative is scrubbed again on every update."""
    return tuple(_ChineseNames(text, organisations).find())


def scrub_narrative(text: str | None, details: PersonalDetails = PersonalDetails()) -> Scrubbed:
    """The narrative with names, phones, e-mails, addresses and account references replaced."""
    if not text:
        return Scrubbed("", {})
    s = _Scrubber(text)

    # Known values first, longest first, so a full name goes before its parts.
    for email in sorted(details.emails, key=len, reverse=True):
        s.sub(_whole(email), "email")
    s.sub(_EMAIL, "email")
    for ref in sorted(details.account_refs, key=len, reverse=True):
        if len(ref) >= 3:
            s.sub(_whole(ref), "account")
    s.sub(_MASK_TAIL, "account")
    s.sub(_ACCOUNT_EN, "account", keep="label,sep")
    s.sub(_ACCOUNT_ZH, "account", keep="label,sep")

    s.sub(_PO_BOX, "address")
    s.sub(_ADDRESS_EN, "address")
    s.sub(_US_ZIP, "address")
    s.sub(_UK_POSTCODE, "address")
    s.sub(_ADDRESS_ZH_ESTATE, "address")
    s.sub(_ADDRESS_ZH, "address")

    known_digits = {_digits(p) for p in details.phones if len(_digits(p)) >= 3}
    for phone in sorted(details.phones, key=len, reverse=True):
        if len(_digits(phone)) >= 3:
            s.sub(_whole(phone), "phone")
    s.sub_phones(known_digits)

    for name in sorted(details.names, key=len, reverse=True):
        s.sub(_whole(name), "name")
        for part in _name_parts(name):
            s.sub(_whole(part), "name")
    s.sub(_TITLE_NAME, "name")
    # Then the names no field gives: after cues, from the first-name list, by jieba's tags.
    s.sub_spans(_EnglishNames(s.text, details.organisations).find(), "name")
    if _HAN_WORD.search(s.text):
        s.sub_spans(_chinese_name_spans(s.text, details.organisations), "name")
    return Scrubbed(s.text, dict(s.counts))


def _name_parts(name: str) -> list[str]:
    """The words of a name worth removing on their own (a Chinese name: its given name too)."""
    words = [w for w in re.split(r"[\s,]+", name) if w]
    parts = [w for w in words if len(w) >= 3 and not w.isdigit()] if len(words) > 1 else []
    if len(words) == 1 and re.fullmatch(rf"[{_HAN}]{{3,4}}", name):
        parts.append(name[1:])  # the given name without the surname
    return parts
