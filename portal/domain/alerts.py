"""Systemic-issue alerts: a Poisson test of each week against its own history (no Flask).

For one (agency, category) pair, let ``c_w`` be the complaints received in
week ``w`` (Monday to Sunday in the profile's time zone). The expected count
of week ``w`` is the mean of the ``baseline_weeks`` weeks before it (weeks
with no complaint count as 0; weeks before the pair's first complaint do
not count), raised to ``min_expected``. Under a Poisson model with that
mean, ``p = P(X >= c_w)``. The week alerts when

    at least ``min_history_weeks`` weeks of history exist,
    c_w >= min_count, and
    p < max_p_value;

its ``score`` is ``-log10(p)`` (4.0 means a one-in-ten-thousand week).
The parameters are the ``[alerts]`` table of each profile file.

API::

    AlertSettings.from_profile(mapping)
    weekly_counts(dates) -> {week_start: count}
    week_start(day) -> the Monday of its week
    detect(series, settings) -> [WeekAlert]   series: {week_start: count} for one pair
    poisson_upper_tail(k, mean) -> P(X >= k)
"""
from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

METHOD = "poisson"


@dataclass(frozen=True)
class AlertSettings:
    baseline_weeks: int = 8
    min_history_weeks: int = 4
    min_expected: float = 0.5
    max_p_value: float = 0.001
    min_count: int = 5
    finding_window_days: int = 14
    method: str = METHOD

    @classmethod
    def from_profile(cls, table: Mapping[str, object] | None) -> "AlertSettings":
        table = dict(table or {})
        method = str(table.pop("method", METHOD))
        if method != METHOD:
            raise ValueError(f"[alerts] method {method!r}: only {METHOD!r} is implemented")
        known = {f for f in cls.__dataclass_fields__ if f != "method"}
        unknown = sorted(set(table) - known)
        if unknown:
            raise ValueError(f"[alerts] unknown settings {unknown}; known: {sorted(known)}")
        settings = cls(**{k: type(getattr(cls, k))(v) for k, v in table.items()})  # type: ignore[arg-type]
        if settings.baseline_weeks < 1 or settings.min_history_weeks < 1 or not 0 < settings.max_p_value < 1:
            raise ValueError("[alerts] baseline_weeks and min_history_weeks must be at least 1, "
                             "max_p_value between 0 and 1")
        return settings


@dataclass(frozen=True)
class WeekAlert:
    week: dt.date
    count: int
    expected: float
    p_value: float
    score: float


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def weekly_counts(days: Iterable[dt.date]) -> dict[dt.date, int]:
    return dict(Counter(week_start(d) for d in days))


def poisson_upper_tail(k: int, mean: float) -> float:
    """P(X >= k) for X ~ Poisson(mean), summed in log space (exact enough for tiny tails)."""
    if k <= 0:
        return 1.0
    if mean <= 0:
        return 0.0
    # P(X >= k) = 1 - P(X <= k - 1); for a far tail, sum the terms from k upwards instead.
    if k > mean:
        log_term = k * math.log(mean) - mean - math.lgamma(k + 1)
        total = 0.0
        i = k
        term = math.exp(log_term)
        while term > 0:
            total += term
            i += 1
            term *= mean / i
            if term < total * 1e-17:
                break
        return min(1.0, total)
    cdf = 0.0
    term = math.exp(-mean)
    for i in range(k):
        cdf += term
        term *= mean / (i + 1)
    return max(0.0, 1.0 - cdf)


def detect(series: Mapping[dt.date, int], settings: AlertSettings,
           weeks: Iterable[dt.date] | None = None) -> list[WeekAlert]:
    """The alerting weeks of one pair's weekly counts (weeks as Mondays).

    ``weeks`` limits which weeks are tested (all weeks with complaints by default);
    history is always read from the whole series.
    """
    if not series:
        return []
    first = min(series)
    tested = sorted(set(weeks) if weeks is not None else set(series))
    alerts = []
    for week in tested:
        count = series.get(week, 0)
        if count < settings.min_count:
            continue
        history = []
        back = week - dt.timedelta(weeks=1)
        while len(history) < settings.baseline_weeks and back >= first:
            history.append(series.get(back, 0))
            back -= dt.timedelta(weeks=1)
        if len(history) < settings.min_history_weeks:
            continue
        expected = max(sum(history) / len(history), settings.min_expected)
        p = poisson_upper_tail(count, expected)
        if p < settings.max_p_value:
            score = -math.log10(p) if p > 0 else 300.0
            alerts.append(WeekAlert(week, count, round(expected, 3), p, round(score, 2)))
    return alerts
