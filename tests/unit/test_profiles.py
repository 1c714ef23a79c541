"""Jurisdiction profiles: the shipped files load, a new file is a new profile,
and a malformed file is refused with a message that names the problem."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from portal.domain.deadlines import deadlines_for
from portal.domain.profiles import (
    PROFILES_DIR,
    Period,
    ProfileError,
    load_profile,
    profile_ids,
    read_profile_file,
)

SHIPPED = ("cn-nfra", "uk-fca", "us-cfpb")


def test_the_three_shipped_profiles_are_listed():
    assert set(SHIPPED) <= set(profile_ids())


@pytest.mark.parametrize(
    "profile_id, zone, country, subdivision, swapped",
    [
        ("us-cfpb", "America/New_York", "US", None, False),
        ("cn-nfra", "Asia/Shanghai", "CN", None, True),
        ("uk-fca", "Europe/London", "GB", "ENG", False),
    ],
)
def test_shipped_profile_calendar_and_zone(profile_id, zone, country, subdivision, swapped):
    profile = load_profile(profile_id)
    assert profile.id == profile_id
    assert profile.timezone == ZoneInfo(zone)
    assert profile.calendar.country == country
    assert profile.calendar.subdivision == subdivision
    assert profile.calendar.swapped_workdays is swapped
    assert profile.calendar.weekend == frozenset({5, 6})
    assert profile.names.en and profile.names.zh
    assert profile.sources
    assert profile.calendar.description


def test_deadline_policies_follow_the_spec_table():
    us = load_profile("us-cfpb").deadlines
    assert (us.first_response, us.final) == (Period("calendar_days", 15), Period("calendar_days", 60))
    assert us.in_progress_counts_as_first_response is True
    assert us.pauses == {"awaiting_cardholder"}

    cn = load_profile("cn-nfra").deadlines
    assert (cn.first_response, cn.final) == (Period("calendar_days", 15), Period("calendar_days", 15))
    assert cn.final_extended["complex"].period == Period("calendar_days", 30)
    assert cn.final_extended["complex"].approval_required is False
    assert cn.final_extended["especially_complex"].period == Period("calendar_days", 60)
    assert cn.final_extended["especially_complex"].approval_required is True
    assert cn.pauses == {"awaiting_cardholder", "outside_appraisal"}

    uk = load_profile("uk-fca").deadlines
    # "8 weeks" in the file is 56 calendar days.
    assert (uk.first_response, uk.final) == (Period("business_days", 3), Period("calendar_days", 56))
    assert not uk.final_extended

    for policy in (us, cn, uk):
        assert policy.review_window_days == 30


def test_rules_tables_are_kept_raw_and_read_only():
    profile = load_profile("us-cfpb")
    assert "US-7IN7" in profile.rules
    assert all(rule_id.startswith("US-") for rule_id in profile.rules)
    rule = profile.rules["US-7IN7"]
    assert isinstance(rule, Mapping) and "citation" in rule
    with pytest.raises(TypeError):
        rule["citation"] = "changed"  # type: ignore[index]
    assert all(r.startswith("CN-") for r in load_profile("cn-nfra").rules)
    assert all(r.startswith("UK-") for r in load_profile("uk-fca").rules)


def test_profiles_are_cached():
    assert load_profile("uk-fca") is load_profile("uk-fca")


@pytest.mark.parametrize("bad_id", ["xx-none", "", "../profiles/us-cfpb", "US-CFPB", None])
def test_unknown_profile_names_the_valid_ids(bad_id):
    with pytest.raises(ProfileError) as error:
        load_profile(bad_id)
    message = str(error.value)
    assert "Unknown jurisdiction profile" in message
    for profile_id in SHIPPED:
        assert profile_id in message


FOURTH = """\
id = "au-afca"
timezone = "Australia/Sydney"
sources = ["AFCA Rules (example profile used in tests)"]

[names]
en = "Australia (AFCA)"
zh = "澳大利亚"

[calendar]
description = "Australian public holidays (NSW), Sat/Sun weekend"
holidays = "AU"
subdivision = "NSW"
weekend = ["Sat", "Sun"]

[deadlines]
first_response = { business_days = 5 }
final = { calendar_days = 30 }
pauses = []
review_window_days = 30

[rules.AU-TIME]
citation = "ACCC/ASIC debt collection guideline"
earliest = "07:30:00"
"""


def test_a_fourth_profile_is_a_new_file_only(tmp_path: Path):
    (tmp_path / "au-afca.toml").write_text(FOURTH, encoding="utf-8")
    assert profile_ids(tmp_path) == ("au-afca",)
    profile = load_profile("au-afca", tmp_path)
    assert profile.rules["AU-TIME"]["earliest"] == "07:30:00"
    # Received Thursday 2026-12-24 in Sydney. First response: 5 business days:
    # 25 Dec (Christmas), 26-27 weekend, 28 Dec (Boxing Day observed in NSW)
    # are skipped: 29 (1), 30 (2), 31 (3), 1 Jan holiday, 2-3 weekend,
    # 4 Jan (4), 5 Jan (5). Final: 24 Dec + 30 days = 23 Jan 2027.
    result = deadlines_for(profile, dt.datetime(2026, 12, 24, 9, tzinfo=ZoneInfo("Australia/Sydney")), "normal")
    assert result.first_response.due.isoformat() == "2027-01-05T23:59:59+11:00"
    assert result.final.due.isoformat() == "2027-01-23T23:59:59+11:00"


def _write(tmp_path: Path, text: str, name: str = "au-afca") -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "old, new, expected",
    [
        ('timezone = "Australia/Sydney"', 'timezone = "Australia/Atlantis"', "not an IANA time zone"),
        ('first_response = { business_days = 5 }', 'first_response = { fortnights = 5 }', "unknown unit"),
        ('first_response = { business_days = 5 }', 'first_response = { business_days = -1 }', ">= 0"),
        ('first_response = { business_days = 5 }', '', "missing 'first_response'"),
        ("pauses = []", 'pauses = ["holiday_season"]', "pause kinds"),
        ('weekend = ["Sat", "Sun"]', 'weekend = ["Saturday"]', "weekend days"),
        ('review_window_days = 30', 'review_window_days = 30\nreview_days = 30', "unknown keys ['review_days']"),
        ('[names]', 'name_en = "x"\n[names]', "unknown keys ['name_en']"),
        ('zh = "澳大利亚"', "", "missing 'zh'"),
        ('sources = ["AFCA Rules (example profile used in tests)"]', "sources = []", "at least one source"),
    ],
)
def test_malformed_profile_is_refused_with_the_reason(tmp_path, old, new, expected):
    assert old in FOURTH
    path = _write(tmp_path, FOURTH.replace(old, new, 1))
    with pytest.raises(ProfileError) as error:
        read_profile_file(path)
    assert expected in str(error.value)
    assert "au-afca.toml" in str(error.value)


def test_id_must_match_the_file_name(tmp_path):
    path = _write(tmp_path, FOURTH, name="au-other")
    with pytest.raises(ProfileError, match="does not match the file name"):
        read_profile_file(path)


def test_invalid_toml_is_refused(tmp_path):
    path = _write(tmp_path, FOURTH + "\n[names\n")
    with pytest.raises(ProfileError, match="not valid TOML"):
        read_profile_file(path)


def test_shipped_files_live_in_the_package():
    assert {p.stem for p in PROFILES_DIR.glob("*.toml")} >= set(SHIPPED)
