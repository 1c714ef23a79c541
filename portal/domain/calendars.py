"""Business calendars: weekends and public holidays per jurisdiction profile.

Holidays come from the `holidays` library (country and subdivision named in
the profile's ``[calendar]`` table), with the observed days it adds when a
holiday falls on a weekend. Where the profile says ``swapped_workdays``
(mainland China's 调休), the weekend days worked in lieu of a holiday are
business days.

A date in a year the library does not cover raises CalendarDataMissing.
For a swapped-workday calendar (mainland China), a year for which the
library lists no worked weekend day -- the State Council publishes each
year's arrangement only late in the year before -- is *provisional*: its
statutory holidays come from the library, no weekend is worked, and the
year is listed in ``provisional_years`` so callers can say so. A complaint
received on 30 December still gets deadlines; they may move by a day once
the arrangement is published. ``strict=True`` refuses such a year instead.
A profile may supply a year itself in ``[[calendar.arrangements]]`` (see
portal.domain.profiles).

API::

    calendar_for(profile) -> BusinessCalendar          # cached per profile
    BusinessCalendar(settings: CalendarSettings)
        .description -> str
        .is_business_day(day: date) -> bool
        .add_business_days(day: date, n: int) -> date  # the n-th business day after day
        .same_business_day(day: date) -> date          # day if a business day, else the next one
        .holiday_name(day: date) -> str | None
    CalendarDataMissing(ValueError)
"""

from __future__ import annotations

import datetime as dt
import threading
import weakref

import holidays

from portal.domain.profiles import CalendarSettings, Profile

# A business day is never further than this from any date; more means a
# broken calendar (every day a holiday), not a long holiday.
_MAX_GAP_DAYS = 60


class CalendarDataMissing(ValueError):
    """The holiday data for a year is not available; the calendar will not guess."""


class BusinessCalendar:
    def __init__(self, settings: CalendarSettings, *, strict: bool = False):
        self.settings = settings
        self.strict = strict
        self.provisional_years: set[int] = set()
        self.description = settings.description
        try:
            self._holidays = holidays.country_holidays(
                settings.country, subdiv=settings.subdivision, categories=("public",)
            )
        except NotImplementedError:
            raise CalendarDataMissing(
                f"The holidays library (version {holidays.__version__}) has no calendar for "
                f"{settings.country!r}{' / ' + settings.subdivision if settings.subdivision else ''}"
            ) from None
        self._lock = threading.Lock()
        self._checked_years: set[int] = set()
        self._arranged_years = {a.year: a for a in settings.arrangements}
        self._arranged_workdays = frozenset().union(*(a.workdays for a in settings.arrangements))

    def __repr__(self) -> str:
        return f"<BusinessCalendar {self.description!r}>"

    # -- data availability ---------------------------------------------------

    def _ensure_year(self, year: int) -> None:
        if year in self._checked_years:
            return
        with self._lock:
            if year in self._checked_years:
                return
            if year not in self._arranged_years:
                h = self._holidays
                if not h.start_year <= year <= h.end_year:
                    raise CalendarDataMissing(
                        f"No {self.settings.country} holiday data for {year}: the holidays library "
                        f"(version {holidays.__version__}) covers {h.start_year}-{h.end_year}"
                    )
                # Load this year and the next: a worked weekend day late in a
                # year can belong to the next year's arrangement.
                for y in (year, year + 1):
                    if h.start_year <= y <= h.end_year:
                        h.get(dt.date(y, 1, 1))
                if self.settings.swapped_workdays and not any(
                    d.year == year for d in h.weekend_workdays
                ):
                    if not self.strict:
                        self.provisional_years.add(year)
                        self._checked_years.add(year)
                        return
                    raise CalendarDataMissing(
                        f"No published {self.settings.country} holiday arrangement for {year} "
                        f"(working days swapped onto weekends) in the holidays library, version "
                        f"{holidays.__version__}; upgrade the library, or add the year from the "
                        f"official notice under [[calendar.arrangements]] in the profile file"
                    )
            self._checked_years.add(year)

    # -- queries ---------------------------------------------------------------

    def is_business_day(self, day: dt.date) -> bool:
        day = _as_date(day)
        self._ensure_year(day.year)
        if day in self._arranged_workdays:
            return True
        arranged = self._arranged_years.get(day.year)
        if arranged is not None:
            return day.weekday() not in self.settings.weekend and day not in arranged.holidays
        if day.weekday() in self.settings.weekend:
            return self.settings.swapped_workdays and day in self._holidays.weekend_workdays
        return day not in self._holidays

    def holiday_name(self, day: dt.date) -> str | None:
        """The public holiday on this date, if any (weekends are not holidays)."""
        day = _as_date(day)
        self._ensure_year(day.year)
        arranged = self._arranged_years.get(day.year)
        if arranged is not None:
            return "holiday" if day in arranged.holidays else None
        return self._holidays.get(day)

    def add_business_days(self, day: dt.date, n: int) -> dt.date:
        """The n-th business day after ``day`` (``day`` itself is not counted).

        ``n == 0`` gives ``day`` itself whether or not it is a business day.
        """
        day = _as_date(day)
        if not isinstance(n, int) or n < 0:
            raise ValueError(f"number of business days must be a whole number >= 0, not {n!r}")
        counted = 0
        gap = 0
        while counted < n:
            day += dt.timedelta(days=1)
            if self.is_business_day(day):
                counted += 1
                gap = 0
            else:
                gap += 1
                if gap > _MAX_GAP_DAYS:
                    raise CalendarDataMissing(f"No business day within {_MAX_GAP_DAYS} days of {day}")
        return day

    def same_business_day(self, day: dt.date) -> dt.date:
        """``day`` if it is a business day, else the next business day."""
        day = _as_date(day)
        if self.is_business_day(day):
            return day
        return self.add_business_days(day, 1)


_calendars: weakref.WeakKeyDictionary[Profile, BusinessCalendar] = weakref.WeakKeyDictionary()
_calendars_lock = threading.Lock()


def calendar_for(profile: Profile) -> BusinessCalendar:
    """The business calendar of a profile (one per profile object)."""
    with _calendars_lock:
        cal = _calendars.get(profile)
        if cal is None:
            cal = _calendars[profile] = BusinessCalendar(profile.calendar)
        return cal


def _as_date(day: dt.date) -> dt.date:
    if isinstance(day, dt.datetime):
        raise TypeError("pass a date (the local date in the profile's time zone), not a datetime")
    if not isinstance(day, dt.date):
        raise TypeError(f"expected a date, not {type(day).__name__}")
    return day
