"""portal.domain.alerts: the Poisson test of a week against its own history."""
from __future__ import annotations

import datetime as dt
import math

import pytest

from portal.domain.alerts import AlertSettings, detect, poisson_upper_tail, week_start, weekly_counts

MONDAY = dt.date(2026, 11, 2)
SETTINGS = AlertSettings(baseline_weeks=8, min_history_weeks=4, min_expected=0.5, max_p_value=0.001, min_count=5)


def weeks(counts: list[int], start: dt.date = MONDAY) -> dict[dt.date, int]:
    return {start + dt.timedelta(weeks=i): n for i, n in enumerate(counts)}


def test_poisson_tail_matches_the_direct_sum():
    for k, mean in [(0, 2.0), (1, 2.0), (3, 2.0), (10, 2.0), (30, 4.5), (5, 0.5)]:
        direct = 1 - sum(math.exp(-mean) * mean ** i / math.factorial(i) for i in range(k))
        assert poisson_upper_tail(k, mean) == pytest.approx(max(direct, 0.0), rel=1e-9, abs=1e-15)
    assert poisson_upper_tail(200, 3.0) > 0  # a far tail stays a positive number
    assert poisson_upper_tail(3, 0.0) == 0.0


def test_a_planted_spike_alerts_with_its_numbers():
    series = weeks([2, 3, 1, 2, 2, 3, 2, 1, 15])
    found = detect(series, SETTINGS)
    assert len(found) == 1
    alert = found[0]
    assert alert.week == MONDAY + dt.timedelta(weeks=8) and alert.count == 15
    assert alert.expected == pytest.approx(2.0)
    assert alert.p_value == pytest.approx(poisson_upper_tail(15, 2.0))
    assert alert.score == pytest.approx(-math.log10(alert.p_value), abs=0.01)


def test_no_spike_no_alert():
    assert detect(weeks([4, 6, 5, 3, 7, 5, 4, 6, 8]), SETTINGS) == []  # 8 against a mean of 5: ordinary


def test_a_pair_with_little_history_is_not_tested():
    assert detect(weeks([1, 1, 20]), SETTINGS) == []
    assert detect(weeks([1, 1, 1, 1, 20]), SETTINGS)[0].count == 20


def test_few_complaints_never_alert_even_against_no_history():
    assert detect(weeks([0, 0, 0, 0, 0, 0, 0, 0, 4]) | {MONDAY: 0}, SETTINGS) == []


def test_weeks_limits_what_is_tested_but_history_is_whole():
    series = weeks([2, 2, 2, 2, 2, 2, 2, 2, 20, 2])
    assert detect(series, SETTINGS, weeks=[MONDAY + dt.timedelta(weeks=9)]) == []
    assert len(detect(series, SETTINGS, weeks=[MONDAY + dt.timedelta(weeks=8)])) == 1


def test_weekly_counts_use_mondays():
    assert week_start(dt.date(2026, 11, 8)) == MONDAY  # a Sunday
    assert weekly_counts([dt.date(2026, 11, 2), dt.date(2026, 11, 8), dt.date(2026, 11, 9)]) == {
        MONDAY: 2, MONDAY + dt.timedelta(weeks=1): 1}


def test_settings_come_from_the_profile_table():
    from portal.domain.profiles import load_profile, profile_ids

    for profile_id in profile_ids():
        settings = AlertSettings.from_profile(load_profile(profile_id).alerts)
        assert settings.method == "poisson" and 0 < settings.max_p_value < 1
    with pytest.raises(ValueError, match="unknown settings"):
        AlertSettings.from_profile({"max_p": 0.1})
    with pytest.raises(ValueError, match="only 'poisson'"):
        AlertSettings.from_profile({"method": "ewma"})
