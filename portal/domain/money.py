"""Amounts of money as people type them, and as they read back.

Cardholders write ``$4,870.22``, ``4 870,22``, ``21000元``, ``¥21,000`` or
``2.1万``. :func:`parse_amount` turns any of these into a :class:`Decimal`
and the currencies its symbol allows; :func:`format_money` writes an
amount back in the reader's language (``$4,870.22``, ``21,000.00 元``).

Pure: no Flask, no database.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from babel.numbers import format_currency, format_decimal

__all__ = ["AmountUnreadable", "ParsedAmount", "parse_amount", "format_money", "SYMBOL_CURRENCIES"]


class AmountUnreadable(ValueError):
    """The text is not an amount of money we can read."""


@dataclass(frozen=True)
class ParsedAmount:
    value: Decimal
    # The currencies the typed symbol or word allows (empty: no symbol typed).
    currencies: frozenset[str] = frozenset()
    # Written with a Chinese magnitude word (2.1万): worth a check with a currency other than yuan.
    chinese_magnitude: bool = False


# Longest first: "HK$" before "$", "RMB" before nothing.
SYMBOL_CURRENCIES: tuple[tuple[str, frozenset[str]], ...] = (
    ("HK$", frozenset({"HKD"})),
    ("US$", frozenset({"USD"})),
    ("人民币", frozenset({"CNY"})),
    ("RMB", frozenset({"CNY"})),
    ("CNY", frozenset({"CNY"})),
    ("USD", frozenset({"USD"})),
    ("GBP", frozenset({"GBP"})),
    ("EUR", frozenset({"EUR"})),
    ("HKD", frozenset({"HKD"})),
    ("美元", frozenset({"USD"})),
    ("英镑", frozenset({"GBP"})),
    ("欧元", frozenset({"EUR"})),
    ("港币", frozenset({"HKD"})),
    ("港元", frozenset({"HKD"})),
    ("元", frozenset({"CNY"})),
    ("块", frozenset({"CNY"})),
    ("¥", frozenset({"CNY"})),
    ("￥", frozenset({"CNY"})),
    ("£", frozenset({"GBP"})),
    ("€", frozenset({"EUR"})),
    ("$", frozenset({"USD", "HKD"})),
)
# Chinese magnitude words: 2.1万 is 21,000.
_MULTIPLIERS = {"万": Decimal(10_000), "萬": Decimal(10_000), "亿": Decimal(100_000_000), "千": Decimal(1_000)}
_FULL_WIDTH = str.maketrans("０１２３４５６７８９，．　", "0123456789,. ")
# Spaces people and keyboards put between digit groups: plain, no-break, thin, narrow no-break.
_GROUP_SPACES = re.compile(r"(?<=\d)[ \u00a0\u2009\u202f'](?=\d{3}(?!\d))")
_NUMBER = re.compile(r"^\d+(?:[.,]\d+)*$")


def _strip_symbols(text: str) -> tuple[str, frozenset[str]]:
    found: frozenset[str] = frozenset()
    for symbol, currencies in SYMBOL_CURRENCIES:
        if symbol in text:
            if found and not (found & currencies):
                raise AmountUnreadable("two different currencies")
            found = (found & currencies) if found else currencies
            text = text.replace(symbol, " ")
    return text.strip(), found


def _to_decimal(number: str) -> Decimal:
    """Digits with "," and "." as thousands or decimal separators, read as people mean them."""
    if not _NUMBER.match(number):
        raise AmountUnreadable(number)
    commas, dots = number.count(","), number.count(".")
    if commas and dots:
        # The last separator written is the decimal one: 4.870,22 or 4,870.22.
        decimal_mark = "," if number.rfind(",") > number.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        whole, _, fraction = number.rpartition(decimal_mark)
        if decimal_mark in whole or not _grouped(whole, thousands):
            raise AmountUnreadable(number)
        number = whole.replace(thousands, "") + "." + fraction
    elif commas + dots > 1:  # 1,250,000 or 1.250.000: thousands separators only
        mark = "," if commas else "."
        if not _grouped(number, mark):
            raise AmountUnreadable(number)
        number = number.replace(mark, "")
    elif commas:
        # 21,000 groups thousands; 4870,22 has a decimal comma.
        whole, _, fraction = number.partition(",")
        number = whole + fraction if len(fraction) == 3 and len(whole) <= 3 else whole + "." + fraction
    # A single "." is a decimal point (4.87), as our cardholders write one.
    return Decimal(number)


def _grouped(number: str, mark: str) -> bool:
    groups = number.split(mark)
    return 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])


def parse_amount(text: str) -> ParsedAmount:
    """Read an amount of money as a person typed it.

    >>> parse_amount("$4,870.22").value
    Decimal('4870.22')
    >>> parse_amount("2.1万").value
    Decimal('21000.00')

    A leading minus is read (the caller decides whether a negative amount
    makes sense). Raises :class:`AmountUnreadable` for text that is not one
    amount (letters, two numbers, two currencies, fractions of a cent).
    """
    text = (text or "").translate(_FULL_WIDTH).strip()
    if not text:
        raise AmountUnreadable("empty")
    text, currencies = _strip_symbols(text)
    sign = Decimal(1)
    if text[:1] in ("-", "−"):  # read, so a range check can say what is wrong with it
        text, sign = text[1:].strip(), Decimal(-1)
    multiplier, magnitude = Decimal(1), False
    for word, factor in _MULTIPLIERS.items():
        if text.endswith(word):
            text, multiplier, magnitude = text[: -len(word)].strip(), factor, True
            break
    text = _GROUP_SPACES.sub("", text).strip()
    if not text:
        raise AmountUnreadable("no digits")
    value = sign * _to_decimal(text) * multiplier
    cents = value.quantize(Decimal("0.01"))
    if cents != value:  # 0.001: not an amount of money
        raise AmountUnreadable(text)
    return ParsedAmount(value=cents, currencies=currencies, chinese_magnitude=magnitude)


_BABEL_LOCALE = {"en": "en_US", "zh_Hans": "zh_Hans_CN"}


def format_money(amount: Decimal | None, currency: str | None, language: str = "en") -> str:
    """An amount with its currency, as a reader of ``language`` writes it.

    Chinese readers see yuan as 元 after the figure, never the code "CNY";
    other currencies follow the CLDR pattern of the language (US$4,870.22).
    """
    if amount is None:
        return ""
    locale = _BABEL_LOCALE.get(language, "en_US")
    if not currency:
        return format_decimal(amount, format="#,##0.00", locale=locale)
    if language == "zh_Hans" and currency == "CNY":
        return f"{format_decimal(amount, format='#,##0.00', locale=locale)} 元"
    return format_currency(amount, currency, locale=locale)
