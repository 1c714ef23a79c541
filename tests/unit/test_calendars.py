"""Business calendars: weekends, public holidays, mainland China's swapped
working days, and a clear refusal where the holiday data is missing."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from portal.domain.calendars import BusinessCalendar, CalendarDataMissing, calendar_for
from portal.domain.profiles import load_profile

D = dt.date


@pytest.fixture(scope="module")
def us():
    return calendar_for(load_profile("us-cfpb"))


@pytest.fixture(scope="module")
def cn():
    return calendar_for(load_profile("cn-nfra"))


@pytest.fixture(scope="module")
def uk():
    return calendar_for(load_profile("uk-fca"))


def test_one_calendar_per_profile(us):
    assert calendar_for(load_profile("us-cfpb")) is us
    assert us.description == "US federal holidays, Sat/Sun weekend"


@pytest.mark.parametrize(
    "day, expected",
    [
        (D(2026, 11, 26), False),  # Thanksgiving (fourth Thursday of November)
        (D(2026, 11, 27), True),  # the Friday after is not a federal holiday
        (D(2026, 11, 28), False),  # Saturday
        (D(2026, 7, 3), False),  # Independence Day falls on Saturday: observed Friday 3 July
        (D(2026, 7, 4), False),
        (D(2026, 6, 19), False),  # Juneteenth
        (D(2026, 10, 12), False),  # Columbus Day
        (D(2026, 12, 24), True),  # Christmas Eve is a working day
        (D(2026, 12, 25), False),
    ],
)
def test_us_federal_calendar(us, day, expected):
    assert us.is_business_day(day) is expected


@pytest.mark.parametrize(
    "day, expected",
    [
        (D(2026, 12, 25), False),  # Christmas, Friday
        (D(2026, 12, 26), False),  # Boxing Day, Saturday
        (D(2026, 12, 28), False),  # Boxing Day observed on Monday 28th
        (D(2026, 12, 29), True),
        (D(2026, 4, 3), False),  # Good Friday
        (D(2026, 4, 6), False),  # Easter Monday (England and Wales)
        (D(2026, 8, 31), False),  # Late Summer bank holiday in England (not Scotland's date)
        (D(2026, 11, 30), True),  # St Andrew's Day is a Scottish, not English, holiday
        (D(2026, 1, 2), True),  # 2 January is a holiday in Scotland only
    ],
)
def test_england_and_wales_calendar(uk, day, expected):
    assert uk.is_business_day(day) is expected


@pytest.mark.parametrize(
    "day, expected",
    [
        # National Day 2025: 1-8 October off; Sunday 28 September and
        # Saturday 11 October worked in lieu.
        (D(2025, 9, 28), True),  # Sunday, make-up working day
        (D(2025, 9, 27), False),  # plain Saturday
        (D(2025, 10, 1), False),
        (D(2025, 10, 4), False),  # Saturday inside the holiday
        (D(2025, 10, 6), False),  # Mid-Autumn Festival
        (D(2025, 10, 8), False),  # Wednesday, day off swapped from 11 October
        (D(2025, 10, 9), True),
        (D(2025, 10, 11), True),  # Saturday, make-up working day
        (D(2025, 10, 12), False),
        # 2026: Spring Festival 15-23 February, Saturdays 14 and 28 February worked;
        # National Day 1-7 October, Sunday 20 September and Saturday 10 October worked.
        (D(2026, 2, 14), True),
        (D(2026, 2, 23), False),  # Monday, swapped day off
        (D(2026, 2, 28), True),
        (D(2026, 9, 20), True),
        (D(2026, 9, 25), False),  # Mid-Autumn Festival, Friday
        (D(2026, 10, 5), False),
        (D(2026, 10, 7), False),
        (D(2026, 10, 8), True),
        (D(2026, 10, 10), True),
    ],
)
def test_mainland_calendar_with_swapped_working_days(cn, day, expected):
    assert cn.is_business_day(day) is expected


def test_add_business_days_does_not_count_the_start_date(us, cn, uk):
    # Wednesday before Thanksgiving: Thu 26 is a holiday, Fri 27 is the 1st,
    # Mon 30 the 2nd.
    assert us.add_business_days(D(2026, 11, 25), 1) == D(2026, 11, 27)
    assert us.add_business_days(D(2026, 11, 25), 2) == D(2026, 11, 30)
    # A business-day start is not counted either: Mon -> Tue.
    assert us.add_business_days(D(2026, 3, 2), 1) == D(2026, 3, 3)
    # Friday 18 Sept 2026: Sat 19 off, Sun 20 worked (1st), Mon 21 (2nd).
    assert cn.add_business_days(D(2026, 9, 18), 2) == D(2026, 9, 21)
    # Thursday 9 Oct 2025: Fri 10 (1st), Sat 11 worked (2nd).
    assert cn.add_business_days(D(2025, 10, 9), 2) == D(2025, 10, 11)
    # Christmas Eve 2026: 25-28 December off, Tue 29 (1st), Wed 30 (2nd), Thu 31 (3rd).
    assert uk.add_business_days(D(2026, 12, 24), 3) == D(2026, 12, 31)
    assert uk.add_business_days(D(2026, 12, 26), 0) == D(2026, 12, 26)


def test_same_business_day(us, cn, uk):
    assert us.same_business_day(D(2026, 11, 25)) == D(2026, 11, 25)
    assert us.same_business_day(D(2026, 11, 26)) == D(2026, 11, 27)  # Thanksgiving -> Friday
    assert uk.same_business_day(D(2026, 3, 14)) == D(2026, 3, 16)  # Saturday -> Monday
    assert cn.same_business_day(D(2026, 10, 10)) == D(2026, 10, 10)  # worked Saturday
    assert cn.same_business_day(D(2026, 10, 1)) == D(2026, 10, 8)  # National Day week


def test_holiday_names(us, uk):
    assert us.holiday_name(D(2026, 11, 26)) == "Thanksgiving Day"
    assert us.holiday_name(D(2026, 11, 27)) is None
    assert "Boxing Day" in uk.holiday_name(D(2026, 12, 28))


def test_bad_arguments(us):
    with pytest.raises(ValueError):
        us.add_business_days(D(2026, 3, 2), -1)
    with pytest.raises(TypeError):
        us.is_business_day(dt.datetime(2026, 3, 2, 9))


def test_mainland_year_without_a_published_arrangement_is_provisional(cn):
    # The State Council publishes each year's arrangement late in the year
    # before; the holidays library carries only published years. For a later
    # year the calendar uses the statutory holidays, works no weekend, and
    # says the year is provisional. 2099 stays unpublished whatever the
    # library version. 2 March 2099 is a Monday.
    assert cn.is_business_day(D(2099, 3, 2))
    assert not cn.is_business_day(D(2099, 3, 7))  # a Saturday: no swap is assumed
    assert 2099 in cn.provisional_years
    assert 2026 not in cn.provisional_years


def test_strict_calendar_refuses_a_mainland_year_without_a_published_arrangement(cn):
    strict = BusinessCalendar(cn.settings, strict=True)
    with pytest.raises(CalendarDataMissing) as error:
        strict.is_business_day(D(2099, 3, 2))
    assert "No published CN holiday arrangement for 2099" in str(error.value)
    assert "[[calendar.arrangements]]" in str(error.value)
    # add_business_days goes through the same check.
    with pytest.raises(CalendarDataMissing, match="2099"):
        strict.add_business_days(D(2099, 1, 1), 2)


def test_year_outside_the_library_range_is_refused(us):
    with pytest.raises(CalendarDataMissing, match="2101"):
        us.is_business_day(D(2101, 1, 3))


def test_profile_can_supply_a_missing_year(tmp_path: Path):
    # A fictitious arrangement, only to show that the profile file can fill a
    # year the library lacks: 1-3 January 2027 off, Saturday 9 January worked.
    text = (Path(load_profile("cn-nfra").path).read_text(encoding="utf-8")
            .replace("swapped_workdays = true", """swapped_workdays = true

[[calendar.arrangements]]
year = 2027
source = "test arrangement"
holidays = [2027-01-01, 2027-01-04]
workdays = [2027-01-09]"""))
    path = tmp_path / "cn-nfra.toml"
    path.write_text(text, encoding="utf-8")
    cal = calendar_for(load_profile("cn-nfra", tmp_path))
    assert cal.is_business_day(D(2027, 1, 1)) is False
    assert cal.is_business_day(D(2027, 1, 4)) is False
    assert cal.is_business_day(D(2027, 1, 5)) is True
    assert cal.is_business_day(D(2027, 1, 9)) is True  # worked Saturday
    assert cal.is_business_day(D(2027, 1, 10)) is False
    # Wed 30 Dec 2026: Thu 31 (1st), 1 Jan off, 2-3 weekend, 4 Jan off, Tue 5 (2nd).
    assert cal.add_business_days(D(2026, 12, 30), 2) == D(2027, 1, 5)


def test_unknown_country_is_a_clear_error():
    settings = load_profile("us-cfpb").calendar
    from dataclasses import replace

    with pytest.raises(CalendarDataMissing, match="no calendar"):
        BusinessCalendar(replace(settings, country="XX"))
