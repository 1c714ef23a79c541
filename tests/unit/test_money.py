"""Amounts as cardholders type them (portal.domain.money)."""
from decimal import Decimal

import pytest

from portal.domain.money import AmountUnreadable, format_money, parse_amount


@pytest.mark.parametrize(
    ("typed", "value", "currencies"),
    [
        ("$4,870.22", "4870.22", {"USD", "HKD"}),
        ("4 870,22", "4870.22", set()),
        ("4\u00a0870,22", "4870.22", set()),  # a no-break space between the groups
        ("4\u202f870,22", "4870.22", set()),  # a narrow no-break space (French keyboards)
        ("21000元", "21000.00", {"CNY"}),
        ("¥21,000", "21000.00", {"CNY"}),
        ("￥21,000", "21000.00", {"CNY"}),
        ("2.1万", "21000.00", set()),
        ("2.1万元", "21000.00", {"CNY"}),
        ("１２，０００元", "12000.00", {"CNY"}),  # full-width digits and comma
        ("1,250,000", "1250000.00", set()),
        ("4.870,22", "4870.22", set()),
        ("18,500", "18500.00", set()),
        ("1250.5", "1250.50", set()),
        ("4870,2", "4870.20", set()),
        ("HK$300", "300.00", {"HKD"}),
        ("£12.50", "12.50", {"GBP"}),
        ("RMB 800", "800.00", {"CNY"}),
        ("300 USD", "300.00", {"USD"}),
        ("0", "0.00", set()),
        ("-5", "-5.00", set()),  # read, so the form can say an amount must be 0 or more
    ],
)
def test_amounts_people_type(typed, value, currencies):
    parsed = parse_amount(typed)
    assert parsed.value == Decimal(value)
    assert parsed.currencies == frozenset(currencies)


@pytest.mark.parametrize("typed", ["", "   ", "lots", "12 dollars or so", "1,2,3", "1,25,000", "1.005", "$5 ¥5", "万", "12..5"])
def test_what_is_not_one_amount_is_refused(typed):
    with pytest.raises(AmountUnreadable):
        parse_amount(typed)


def test_amounts_read_back_in_the_readers_language():
    amount = Decimal("21000")
    assert format_money(Decimal("4870.22"), "USD", "en") == "$4,870.22"
    assert format_money(amount, "CNY", "zh_Hans") == "21,000.00 元"  # never "CNY" to a Chinese reader
    assert "CNY" not in format_money(amount, "CNY", "en")
    assert format_money(Decimal("4870.22"), "USD", "zh_Hans") == "US$4,870.22"
    assert format_money(Decimal("12.5"), "GBP", "en") == "£12.50"
    assert format_money(amount, None, "en") == "21,000.00"
    assert format_money(None, "USD", "en") == ""
