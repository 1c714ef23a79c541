"""Complaint references and access codes."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.domain.references import (
    ALPHABET,
    hash_access_code,
    new_access_code,
    new_reference,
    normalise_access_code,
    normalise_reference,
    verify_access_code,
)

CROCKFORD = "[0-9A-HJKMNP-TV-Z]"


def test_alphabet_is_crockford_base32():
    assert len(ALPHABET) == len(set(ALPHABET)) == 32
    assert not set("ILOU") & set(ALPHABET)


def test_new_reference_shape():
    for _ in range(200):
        reference = new_reference()
        assert re.fullmatch(rf"RD-{CROCKFORD}{{4}}-{CROCKFORD}{{4}}", reference)
        assert len(reference) <= 16  # Complaint.reference column


def test_new_references_do_not_repeat():
    references = {new_reference() for _ in range(20_000)}
    # 40 bits: a repeat among 20 000 has probability about 2e-4
    assert len(references) >= 19_999


def test_new_reference_uses_the_whole_alphabet():
    seen = set("".join(new_reference()[3:].replace("-", "") for _ in range(2_000)))
    assert seen == set(ALPHABET)


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("RD-7K3M-9QXT", "RD-7K3M-9QXT"),
        ("rd-7k3m-9qxt", "RD-7K3M-9QXT"),
        ("rd 7k3m 9qxt", "RD-7K3M-9QXT"),
        ("RD7K3M9QXT", "RD-7K3M-9QXT"),
        ("7K3M9QXT", "RD-7K3M-9QXT"),
        ("  7k3m-9qxt\n", "RD-7K3M-9QXT"),
        ("RD-7K3M-9QXO", "RD-7K3M-9QX0"),  # O typed for zero
        ("RD-7K3M-9QXI", "RD-7K3M-9QX1"),
        ("RD-7K3M-9QXl", "RD-7K3M-9QX1"),
        ("ＲＤ－７Ｋ３Ｍ－９ＱＸＴ", "RD-7K3M-9QXT"),  # full-width input
        ("RD-RDRD-RDRD", "RD-RDRD-RDRD"),
        ("RDRDRDRD", "RD-RDRD-RDRD"),
    ],
)
def test_normalise_reference(typed, canonical):
    assert normalise_reference(typed) == canonical


@pytest.mark.parametrize(
    "typed",
    ["", "RD", "RD-7K3M-9QX", "RD-7K3M-9QXTT", "RD-7K3M-9QXU", "XX-7K3M-9QXT", "RD-7K3M-9Q#T", None, 42],
)
def test_normalise_reference_refuses_what_cannot_be_a_reference(typed):
    assert normalise_reference(typed) is None


@given(st.builds(lambda _: new_reference(), st.none()), st.randoms(use_true_random=False))
def test_a_reference_survives_sloppy_typing(reference, rnd):
    chars = list(reference.replace("-", ""))
    typed = "".join(
        rnd.choice([c, c.lower()]) + rnd.choice(["", "", " ", "-"]) for c in chars
    )
    typed = typed.replace("0", rnd.choice("0Oo")).replace("1", rnd.choice("1IiLl"))
    assert normalise_reference(typed) == reference


def test_new_access_code_shape_and_entropy():
    codes = [new_access_code() for _ in range(2_000)]
    for code in codes:
        assert re.fullmatch(rf"{CROCKFORD}{{4}}(-{CROCKFORD}{{4}}){{3}}", code)
    # 16 characters from 32 symbols = 80 bits
    assert len(ALPHABET) ** 16 >= 2**80
    assert len(set(codes)) == len(codes)
    assert set("".join(codes).replace("-", "")) == set(ALPHABET)


def test_hash_and_verify_round_trip():
    code = new_access_code()
    stored = hash_access_code(code)
    assert code not in stored
    assert code.replace("-", "") not in stored
    assert verify_access_code(code, stored)


def test_hashes_are_salted():
    code = new_access_code()
    assert hash_access_code(code) != hash_access_code(code)
    assert verify_access_code(code, hash_access_code(code))


@pytest.mark.parametrize(
    "typed",
    [
        "k7m2-9qxt-4hpd-wz3a",
        "K7M2 9QXT 4HPD WZ3A",
        "K7M29QXT4HPDWZ3A",
        " k7m2-9QXT 4hpd wz3a ",
        "Ｋ７Ｍ２－９ＱＸＴ－４ＨＰＤ－ＷＺ３Ａ",
    ],
)
def test_verify_forgives_case_spaces_and_dashes(typed):
    stored = hash_access_code("K7M2-9QXT-4HPD-WZ3A")
    assert verify_access_code(typed, stored)


def test_verify_forgives_confusable_letters():
    stored = hash_access_code("K7M0-9QX1-4HPD-WZ3A")
    assert verify_access_code("K7MO-9QXI-4HPD-WZ3A", stored)
    assert verify_access_code("k7mo-9qxl-4hpd-wz3a", stored)


@pytest.mark.parametrize(
    "typed",
    ["K7M2-9QXT-4HPD-WZ3B", "K7M2-9QXT-4HPD-WZ3", "K7M2-9QXT-4HPD-WZ3AA", "", "K7M2-9QXT-4HPD-WZ3U"],
)
def test_verify_refuses_other_codes(typed):
    stored = hash_access_code("K7M2-9QXT-4HPD-WZ3A")
    assert not verify_access_code(typed, stored)


@pytest.mark.parametrize(
    "stored",
    ["", "sha256", "sha256$$", "md5$00$00", "sha256$zz$zz", "sha256$00$00", "plaintext K7M2-9QXT-4HPD-WZ3A"],
)
def test_verify_treats_a_malformed_stored_hash_as_no_match(stored):
    assert not verify_access_code("K7M2-9QXT-4HPD-WZ3A", stored)


def test_stored_hash_fits_its_column():
    assert len(hash_access_code(new_access_code())) <= 200  # Complaint.access_code_hash


def test_hash_refuses_what_is_not_an_access_code():
    with pytest.raises(ValueError, match="not an access code"):
        hash_access_code("password")


def test_normalise_access_code():
    assert normalise_access_code("k7m2 9qxt 4hpd wz3a") == "K7M29QXT4HPDWZ3A"
    assert normalise_access_code("RD-7K3M-9QXT") is None
