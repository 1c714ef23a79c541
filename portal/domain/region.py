"""What may stand in the complaint's state-or-province answer (no Flask).

The answer is published on /data, so it must name a place and nothing that
identifies a person: a card or ID number, a phone number, an e-mail address,
a web address or a street address with its house number and postcode. No
state, province or county name holds more than a few digits.
"""
from __future__ import annotations

import re

from classifiers.redaction import mask_sensitive

MAX_DIGITS = 4
# More digits than this may be a card or account number whatever its checksum.
NUMBER_DIGITS = 11
_CONTACT = re.compile(
    r"@|://|www\."
    # a house number before a street word, or 号 after a number (北京路12号)
    r"|\b\d+[a-z]?\s+(?:\w+\s+){0,3}(?:street|st|road|rd|avenue|ave|lane|ln|drive|dr|way|close|court|ct|boulevard|blvd|place|pl)\b"
    r"|\d+\s*号"
    # a UK postcode (LS1 1AA) or a US ZIP code after a state
    r"|\b[a-z]{1,2}\d[a-z\d]?\s*\d[a-z]{2}\b|\b[a-z]{2}\s+\d{5}\b",
    re.IGNORECASE)


def region_problem(value: str | None) -> str | None:
    """``None`` when ``value`` can be published as a region; otherwise why not:
    ``"number"`` (a card, ID or other long number) or ``"contact"`` (a phone
    number, an e-mail or web address, a street address)."""
    if not value:
        return None
    digits = sum(ch.isdigit() for ch in value)
    if mask_sensitive(value).count or digits > NUMBER_DIGITS:
        return "number"
    if _CONTACT.search(value) or digits > MAX_DIGITS:
        return "contact"
    return None
