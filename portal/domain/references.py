"""Complaint references and cardholder access codes.

Both are written in Crockford's base 32 (digits and capitals without I, L,
O and U), so they can be read aloud over the phone and copied from paper
without confusing 0/O or 1/I/L; what a person types back is normalised
before it is compared.

* A **reference** such as ``RD-7K3M-9QXT`` names a complaint.  It is not a
  secret: it is printed on letters and quoted to officers.  Eight random
  characters give 40 bits, about 1.1 × 10¹² values: with ten million
  complaints on file a new reference collides with an old one about once in
  110 000 draws; the database's unique constraint catches that and the
  caller draws again.
* An **access code** such as ``K7M2-9QXT-4HPD-WZ3A`` proves that the person
  tracking a complaint is the one who filed it.  Sixteen characters from
  :mod:`secrets` give 80 bits.  Only a salted hash is stored.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata

__all__ = [
    "ALPHABET",
    "REFERENCE_PREFIX",
    "hash_access_code",
    "new_access_code",
    "new_reference",
    "normalise_access_code",
    "normalise_reference",
    "verify_access_code",
]

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base 32
REFERENCE_PREFIX = "RD"
REFERENCE_CHARS = 8  # 40 bits
ACCESS_CODE_CHARS = 16  # 80 bits
_GROUP = 4

# What people type for the characters the alphabet leaves out.
_CONFUSABLES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_IGNORED = str.maketrans("", "", " -_.\t\n\r\u00a0\u2010\u2011\u2012\u2013\u2014")

_HASH_SCHEME = "sha256"
_SALT_BYTES = 16


def _random_chars(count: int) -> str:
    # 32 characters: each is 5 random bits, all drawn from the OS at once.
    bits = secrets.randbits(5 * count)
    return "".join(ALPHABET[(bits >> (5 * i)) & 31] for i in range(count))


def _grouped(chars: str) -> str:
    return "-".join(chars[i : i + _GROUP] for i in range(0, len(chars), _GROUP))


def _canonical_chars(user_input: str) -> str:
    """Upper case, separators dropped, full-width forms and confusables folded."""
    text = unicodedata.normalize("NFKC", user_input).upper()
    return text.translate(_IGNORED).translate(_CONFUSABLES)


def _in_alphabet(chars: str) -> bool:
    return all(char in ALPHABET for char in chars)


def new_reference() -> str:
    """A fresh complaint reference, e.g. ``RD-7K3M-9QXT`` (12 characters)."""
    return f"{REFERENCE_PREFIX}-{_grouped(_random_chars(REFERENCE_CHARS))}"


def normalise_reference(user_input: str) -> str | None:
    """The canonical reference a person meant, or ``None`` if it cannot be one.

    Tolerates any case, spaces, missing or extra dashes, full-width
    characters, a missing ``RD`` prefix, and the letters O, I and L typed for
    0 and 1: ``"rd 7k3m 9qxt"``, ``"7K3M9QXT"`` and ``"RD-7K3M-9QXO"`` all
    give ``"RD-7K3M-9QX0"``.
    """
    if not isinstance(user_input, str):
        return None
    chars = _canonical_chars(user_input)
    if len(chars) == len(REFERENCE_PREFIX) + REFERENCE_CHARS and chars.startswith(
        REFERENCE_PREFIX
    ):
        chars = chars[len(REFERENCE_PREFIX) :]
    if len(chars) != REFERENCE_CHARS or not _in_alphabet(chars):
        return None
    return f"{REFERENCE_PREFIX}-{_grouped(chars)}"


def new_access_code() -> str:
    """A fresh access code with 80 random bits, e.g. ``K7M2-9QXT-4HPD-WZ3A``."""
    return _grouped(_random_chars(ACCESS_CODE_CHARS))


def normalise_access_code(user_input: str) -> str | None:
    """The 16 code characters without dashes, or ``None`` if malformed."""
    if not isinstance(user_input, str):
        return None
    chars = _canonical_chars(user_input)
    if len(chars) != ACCESS_CODE_CHARS or not _in_alphabet(chars):
        return None
    return chars


def _digest(salt: bytes, chars: str) -> bytes:
    return hashlib.sha256(salt + chars.encode("ascii")).digest()


def hash_access_code(code: str) -> str:
    """The stored form of an access code: ``sha256$<salt hex>$<digest hex>``.

    Why a single salted SHA-256 and not a slow password hash (argon2, scrypt):
    a slow hash exists to make guessing a *low-entropy* password expensive
    after the database leaks.  An access code is 80 random bits chosen by
    the server, so even at 10¹² guesses a second an offline search would need
    about 19 000 years on average; slowing each guess down buys nothing and would make
    every tracking request cost tens of milliseconds of CPU.  The random
    per-code salt keeps equal codes from having equal hashes and rules out
    precomputed tables.  Online guessing is held back by the rate limit on
    the tracking endpoint, not here.

    The code is normalised first, so it is hashed the way a person will type
    it back.  Raises ``ValueError`` for anything that is not an access code.
    """
    chars = normalise_access_code(code)
    if chars is None:
        raise ValueError("not an access code")
    salt = secrets.token_bytes(_SALT_BYTES)
    return f"{_HASH_SCHEME}${salt.hex()}${_digest(salt, chars).hex()}"


def verify_access_code(code: str, stored_hash: str) -> bool:
    """Whether ``code`` as typed by a person matches ``stored_hash``.

    Case, spaces, dashes and O/I/L for 0/1 are forgiven.  A malformed code or
    stored hash is simply not a match.  The digest comparison takes constant
    time.
    """
    chars = normalise_access_code(code)
    if chars is None or not isinstance(stored_hash, str):
        return False
    scheme, _, rest = stored_hash.partition("$")
    salt_hex, _, digest_hex = rest.partition("$")
    if scheme != _HASH_SCHEME:
        return False
    try:
        salt, expected = bytes.fromhex(salt_hex), bytes.fromhex(digest_hex)
    except ValueError:
        return False
    if not salt or len(expected) != hashlib.sha256().digest_size:
        return False
    return hmac.compare_digest(_digest(salt, chars), expected)
