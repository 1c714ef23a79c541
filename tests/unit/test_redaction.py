"""Masking of card and resident ID numbers (SPEC section 7)."""

import random
import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from classifiers.redaction import (
    CARD,
    RESIDENT_ID,
    Masked,
    luhn_valid,
    mask_fields,
    mask_sensitive,
    resident_id_valid,
)

SEPARATORS = " \u00a0\u3000\u2010\u2011\u2012\u2013\uff0d-"
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
TO_ASCII = str.maketrans("０１２３４５６７８９", "0123456789")


# --- independent oracles -------------------------------------------------


def luhn_check_digit(body: str) -> str:
    """The digit that makes ``body + digit`` pass Luhn (textbook form)."""
    total = 0
    for i, char in enumerate(reversed(body)):
        d = int(char)
        if i % 2 == 0:  # doubled once the check digit is appended
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return str((10 - total % 10) % 10)


def id_check_char(body17: str) -> str:
    weights = [2 ** (17 - i) % 11 for i in range(17)]  # GB 11643 definition
    return "10X98765432"[sum(int(d) * w for d, w in zip(body17, weights)) % 11]


def surviving_card_numbers(text: str) -> list[str]:
    """Every 13–19 digit window that passes Luhn once separators between
    digits are dropped, scanning every window of every digit run."""
    flat = text.translate(TO_ASCII)
    flat = re.sub(rf"(?<=[0-9])[{re.escape(SEPARATORS)}](?=[0-9])", "", flat)
    found = []
    for run in re.findall(r"[0-9]+", flat):
        for size in range(13, 20):
            for i in range(len(run) - size + 1):
                if luhn_valid(run[i : i + size]):
                    found.append(run[i : i + size])
    return found


# --- strategies ----------------------------------------------------------


@st.composite
def card_numbers(draw) -> str:
    length = draw(st.integers(13, 19))
    body = draw(st.text("0123456789", min_size=length - 1, max_size=length - 1))
    return body + luhn_check_digit(body)


@st.composite
def written_cards(draw) -> tuple[str, str]:
    """(digits, how a person might write them)."""
    digits = draw(card_numbers())
    style = draw(st.sampled_from(["none", "spaces", "dashes", "grouped"]))
    if style == "none":
        groups = [digits]
    elif style in ("spaces", "dashes"):
        groups = [digits[i : i + 4] for i in range(0, len(digits), 4)]
    else:
        groups, rest = [], digits
        while len(rest) > 6:
            size = draw(st.integers(3, 6))
            groups.append(rest[:size])
            rest = rest[size:]
        groups.append(rest)
    if style == "spaces":
        written = " ".join(groups)
    elif style == "dashes":
        written = "-".join(groups)
    else:
        separators = st.sampled_from(list(SEPARATORS))
        written = groups[0] + "".join(draw(separators) + g for g in groups[1:])
    if draw(st.booleans()):
        written = written.translate(FULL_WIDTH)
    return digits, written


WORDS = st.sampled_from(
    [
        "my card", "number", "was charged", "the collector said", "call me",
        "please", "card no.", "卡号", "催收员", "说我欠款", "信用卡", "请核实",
        "，", "。", ": ", "：", "(", ")", "\n", " ", "  ", "#", "X", "x", "号",
    ]
)
# Any text without decimal digits; "+" is left out because a short group right
# after "+" is read as a telephone country code (see the module docstring).
NOISE = st.text(
    st.characters(exclude_categories=("Nd", "Cs"), exclude_characters="+"),
    max_size=12,
)
FILLER = st.lists(st.one_of(WORDS, NOISE), max_size=6).map("".join)
# Between two cards: anything except a single separator, which would join them.
GAP = FILLER.filter(lambda s: s and s not in SEPARATORS)


@st.composite
def amounts(draw) -> str:
    value = draw(st.integers(0, 10**9))
    cents = draw(st.integers(0, 99))
    form = draw(st.sampled_from(["$", "¥", "RMB ", "£", "USD ", "plain", "bare"]))
    if form == "bare":
        return str(draw(st.integers(0, 10**7)))
    text = f"{value:,}.{cents:02d}" if draw(st.booleans()) else f"{value:,}"
    return text if form == "plain" else form + text


@st.composite
def dates(draw) -> str:
    day = draw(st.dates())
    form = draw(st.sampled_from(["%Y-%m-%d", "%m/%d/%Y", "%d.%m.%Y", "%Y年%m月%d日", "%Y/%m/%d"]))
    return day.strftime(form)


@st.composite
def phone_numbers(draw) -> str:
    n = lambda size: draw(st.text("0123456789", min_size=size, max_size=size))  # noqa: E731
    mobile = draw(st.sampled_from(["13", "15", "18", "19"])) + n(9)
    return draw(
        st.sampled_from(
            [
                f"+1 ({n(3)}) {n(3)}-{n(4)}",
                f"({n(3)}) {n(3)}-{n(4)}",
                f"{n(3)}-{n(3)}-{n(4)}",
                f"{mobile[:3]} {mobile[3:7]} {mobile[7:]}",
                mobile,
                f"+86 {mobile}",
                f"+86 {mobile[:3]} {mobile[3:7]} {mobile[7:]}",
                f"+44 20 {n(4)} {n(4)}",
                f"+852 {n(4)} {n(4)}",
                f"010-{n(8)}",
            ]
        )
    )


ORDINARY = st.one_of(
    amounts(),
    dates(),
    phone_numbers(),
    st.integers(0, 9999).map(lambda d: f"ending {d:04d}"),
    st.integers(0, 9999).map(lambda d: f"尾号{d:04d}"),
    st.just("RD-7K3M-9QXT"),
    st.integers(0, 99999).map(lambda d: f"case #{d}"),
)
JOINERS = st.sampled_from(["; ", "，", " and ", "、", ", then ", "\n", "。"])


# --- property tests ------------------------------------------------------


@given(
    cards=st.lists(written_cards(), min_size=1, max_size=3),
    prefix=FILLER,
    gaps=st.lists(GAP, min_size=2, max_size=2),
    suffix=FILLER,
)
def test_no_card_number_survives(cards, prefix, gaps, suffix):
    text = prefix + cards[0][1]
    for (_, written), gap in zip(cards[1:], gaps):
        text += gap + written
    text += suffix
    assert surviving_card_numbers(text), "the oracle must see the card before masking"

    masked = mask_sensitive(text)

    assert surviving_card_numbers(masked.text) == []
    assert masked.count == len(cards)
    assert len(masked.spans) == len(cards)
    for (digits, _), (start, end, _kind) in zip(cards, masked.spans):
        assert masked.text[start:end].endswith(digits[-4:] + "]")


@given(items=st.lists(ORDINARY, min_size=1, max_size=8), joiner=JOINERS, prefix=FILLER)
def test_ordinary_numbers_survive(items, joiner, prefix):
    text = prefix + joiner.join(items)
    masked = mask_sensitive(text)
    assert masked == Masked(text, 0, ())


ODD_ALPHABET = st.sampled_from(list("0123456789０９ -–X+x[]•ID身份证a")) | st.characters()


@given(st.one_of(st.text(ODD_ALPHABET, max_size=80), written_cards().map(lambda c: c[1])))
def test_masking_is_idempotent(text):
    once = mask_sensitive(text)
    twice = mask_sensitive(once.text)
    assert twice.text == once.text
    assert twice.count == 0


@given(written_cards(), FILLER, FILLER)
def test_spans_point_at_markers(card, prefix, suffix):
    masked = mask_sensitive(prefix + card[1] + suffix)
    ((start, end, kind),) = masked.spans
    assert masked.text[:start] == prefix
    assert masked.text[end:] == suffix
    assert masked.text[start:end] in (
        f"[card •••• {card[0][-4:]}]",
        f"[ID •••• {card[0][-4:]}]",  # an 18-digit card can also be a valid ID
    )


# --- examples: cards -----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4111 1111 1111 1111", "[card •••• 1111]"),
        ("card 4111-1111-1111-1111, thanks", "card [card •••• 1111], thanks"),
        ("卡号4111111111111111的账单", "卡号[card •••• 1111]的账单"),
        ("Amex 3782 822463 10005.", "Amex [card •••• 0005]."),
        ("４１１１ １１１１ １１１１ １１１１", "[card •••• 1111]"),
        ("6011000990139424", "[card •••• 9424]"),
        # a phone number run into a card number: the card is masked whole
        ("138 0013 8000 4111 1111 1111 1111", "138 0013 8000 [card •••• 1111]"),
        ("4111111111111111 and 5500 0000 0000 0004",
         "[card •••• 1111] and [card •••• 0004]"),
    ],
)
def test_cards_are_masked(text, expected):
    assert mask_sensitive(text).text == expected


@pytest.mark.parametrize(
    "text",
    [
        "4111 1111 1111 1112",  # fails Luhn: not a card number, left as typed
        "4111111111111112",
        "paid $1,250.00 on 2026-03-01",
        "1250 ¥3,000 03/01/2026",
        "call +1 (555) 123-4567 or 138 0013 8000 or 13800138000",
        "account ending 4321, reference RD-7K3M-9QXT",
        "41111111111111111111111",  # 23 digits in one piece: not a card
        "2026-03-01 4111 1111",  # the 2-digit group keeps the date apart
    ],
)
def test_ordinary_text_is_untouched(text):
    assert mask_sensitive(text) == Masked(text, 0, ())


def test_luhn():
    assert luhn_valid("4111111111111111")
    assert luhn_valid("79927398713")
    assert not luhn_valid("79927398710")
    assert not luhn_valid("")
    assert not luhn_valid("4111 1111")


# --- examples: resident ID numbers --------------------------------------


def test_resident_id_with_x_check_digit():
    number = "11010519491231002X"  # the example of GB 11643-1999
    assert id_check_char(number[:17]) == "X"
    masked = mask_sensitive(f"我的身份证号是{number}，请不要公开。")
    assert masked.text == "我的身份证号是[ID •••• 002X]，请不要公开。"
    assert masked.spans[0].kind == RESIDENT_ID
    assert masked.count == 1


@pytest.mark.parametrize(
    "written",
    [
        "11010519491231002x",
        "１１０１０５１９４９１２３１００２Ｘ",
        "110105 19491231 002X",
        "110105-19491231-002X",
    ],
)
def test_resident_id_in_other_forms(written):
    assert mask_sensitive(f"ID: {written}.").text == "ID: [ID •••• 002X]."


def test_resident_id_with_digit_check_character():
    body = "44052419800101001"
    number = body + id_check_char(body)
    assert resident_id_valid(number)
    assert mask_sensitive(f"身份证 {number}").text == f"身份证 [ID •••• {number[-4:]}]"


def test_resident_id_with_wrong_check_character_is_not_masked():
    assert not resident_id_valid("110105194912310021")
    assert mask_sensitive("110105194912310021").count == 0
    assert mask_sensitive("11010519491231002X9").count == 0  # X then a digit: not an ID


def test_resident_id_with_impossible_birth_date_is_not_masked():
    body = "11010519491331002"  # month 13
    number = body + id_check_char(body)
    assert not resident_id_valid(number)
    assert mask_sensitive(number).count == 0 or mask_sensitive(number).spans[0].kind == CARD


def test_old_fifteen_digit_id_only_after_a_naming_word():
    assert mask_sensitive("身份证号：110105491231002").text == "身份证号：[ID •••• 1002]"
    assert mask_sensitive("old ID number 110105491231002").count == 1
    # a bare 15-digit number could be anything: left alone
    assert mask_sensitive("order 110105491231002").count == 0
    assert mask_sensitive("110105491231002").count == 0
    # "ID" inside another word does not count, nor does an impossible date
    assert mask_sensitive("paid 110105491231002").count == 0
    assert mask_sensitive("身份证 110105491331002").count == 0


# --- mask_fields and robustness -----------------------------------------


def test_mask_fields():
    fields = {
        "narrative": "They read out 4111 1111 1111 1111 and 5500-0000-0000-0004.",
        "agent_name": None,
        "desired_resolution": "Stop calling 138 0013 8000.",
        "account_ref": "身份证11010519491231002X",
    }
    masked, total = mask_fields(fields)
    assert total == 3
    assert list(masked) == list(fields)
    assert masked["agent_name"] is None
    assert masked["desired_resolution"] == fields["desired_resolution"]
    assert masked["narrative"] == "They read out [card •••• 1111] and [card •••• 0004]."
    assert masked["account_ref"] == "身份证[ID •••• 002X]"
    assert fields["narrative"].startswith("They read out 4111")  # input untouched


def test_mask_fields_rejects_non_text():
    with pytest.raises(TypeError, match="'amount' must be text or None"):
        mask_fields({"amount": 1250})


def _best_time(text: str, repeats: int = 5) -> float:
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        mask_sensitive(text)
        best = min(best, time.perf_counter() - started)
    return max(best, 1e-6)


# Catastrophic backtracking shows as time growing with the square (or worse)
# of the input length. Rather than an absolute time limit, which a loaded
# machine can break, compare the same pattern at 1x and 10x its length:
# linear work grows about 10-fold, quadratic 100-fold; the bound leaves
# room for a loaded machine.
@pytest.mark.parametrize(
    "unit, count",
    [
        ("1", 1_000),
        ("1 ", 500),
        ("1-", 500),
        ("4111 ", 200),
        ("12 ", 333),
        ("4111111111111111 ", 59),
        ("+1 ", 333),
        ("身份证 ", 250),
        ("1234-", 200),
    ],
)
def test_masking_time_grows_linearly_with_input(unit, count):
    short = _best_time(unit * count * 4)
    long = _best_time(unit * count * 40)
    assert long / short < 60, f"10x the input took {long / short:.0f}x the time"


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 2**32))
def test_random_digit_soup_time_grows_linearly(seed):
    rnd = random.Random(seed)
    alphabet, weights = "0123456789 -X+a", [4] * 10 + [3, 2, 1, 1, 1]
    text = "".join(rnd.choices(alphabet, weights=weights, k=20_000))
    ratio = _best_time(text) / _best_time(text[:2_000])
    assert ratio < 60, f"10x the input took {ratio:.0f}x the time"


# --- wide separators: runs of spaces, tabs, line breaks, dashes, dots ------------

WIDE_SEPARATORS = st.lists(st.sampled_from([" ", "\t", "\n", "\r\n", "-", " - ", ".", "–", "\u3000"]),
                           min_size=1, max_size=3).map("".join)


@given(digits=card_numbers(), separator=WIDE_SEPARATORS, prefix=FILLER, suffix=FILLER)
def test_cards_in_fours_are_masked_whatever_run_of_separators_joins_them(digits, separator, prefix, suffix):
    written = separator.join(digits[i : i + 4] for i in range(0, len(digits), 4))
    text = prefix + " " + written + " " + suffix
    masked = mask_sensitive(text)
    assert masked.count == 1 and surviving_card_numbers(masked.text) == []
    assert masked.text[masked.spans[0].start : masked.spans[0].end].endswith(digits[-4:] + "]")


@pytest.mark.parametrize("written", [
    "4111  1111  1111  1111", "4111 - 1111 - 1111 - 1111", "4111\t1111\t1111\t1111", "4111\n1111\n1111\n1111",
    "4111.1111.1111.1111", "4111 -\n 1111 . 1111 \t1111", "3782  822463  10005", "110105\n19491231\n002X",
])
def test_the_issues_spacings_are_masked(written):
    assert mask_sensitive(f"number {written} thanks").count == 1


@given(items=st.lists(phone_numbers(), min_size=2, max_size=6), joiner=st.sampled_from(["\n", "\r\n", "\t", "  "]))
def test_phone_numbers_one_a_line_survive(items, joiner):
    text = joiner.join(items)
    assert mask_sensitive(text) == Masked(text, 0, ())
