"""Jurisdiction profiles: data files read into frozen objects.

A profile (SPEC section 4) is one TOML file in ``portal/profiles/``, named
after its id. It carries a time zone, a business calendar, a complaint
deadline policy, the sources it relies on, and the conduct rules with their
parameters (the ``[rules.*]`` tables, kept raw here for the conduct engine).
Adding a profile means adding a file; nothing in code lists the profiles.

API::

    profile_ids(directory=PROFILES_DIR) -> tuple[str, ...]
    zone_jurisdictions(directory=PROFILES_DIR) -> Mapping[str, str]   # zone -> profile id
    load_profile(profile_id, directory=PROFILES_DIR) -> Profile   # cached, re-read when the file changes
    read_profile_file(path) -> Profile                              # uncached
    Profile, Names, CalendarSettings, Arrangement, DeadlinePolicy, Period,
    ExtendedFinal
    ProfileError(ValueError)   unknown id or malformed file

Profile file layout (keys not listed are an error, so typos surface)::

    id = "us-cfpb"                      # must equal the file name
    timezone = "America/New_York"       # IANA zone
    sources = ["...", ...]              # citations
    zones = ["America/New_York", ...]   # consumers' IANA zones whose logs are this
                                        # profile's own (optional: the timezone alone);
                                        # a zone belongs to one profile at most

    [names]
    en = "..."
    zh = "..."

    [calendar]
    description = "US federal holidays, Sat/Sun weekend"
    holidays = "US"                     # country code in the `holidays` library
    subdivision = ""                    # e.g. "ENG"; empty for none
    weekend = ["Sat", "Sun"]
    swapped_workdays = false            # true: weekend days worked in lieu (mainland China)
    # optional, for years the library does not carry yet (official notices):
    [[calendar.arrangements]]
    year = 2027
    source = "..."
    holidays = [2027-01-01, ...]
    workdays = [2027-02-06, ...]

    [deadlines]
    first_response = { calendar_days = 15 }   # or business_days = N, or weeks = N
    final = { calendar_days = 60 }
    pauses = ["awaiting_cardholder"]          # pause kinds that stop the clock
    review_window_days = 30                   # cardholder may dispute the decision
    in_progress_counts_as_first_response = false
    [deadlines.final_extended]                # optional: longer final for complex cases
    complex = { calendar_days = 30 }
    especially_complex = { calendar_days = 60, approval_required = true }

    [rules.RULE-ID]                           # owned by the conduct rules
    ...
"""

from __future__ import annotations

import datetime as dt
import os
import re
import threading
import time
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

PROFILES_DIR = Path(__file__).resolve().parent.parent / "profiles"

PAUSE_KINDS = ("awaiting_cardholder", "outside_appraisal")
COMPLEXITIES = ("standard", "complex", "especially_complex")
WEEKDAYS = {"Mon": 0, "Tue": 1, "Wed": 2, "Thu": 3, "Fri": 4, "Sat": 5, "Sun": 6}

_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class ProfileError(ValueError):
    """An unknown profile id, or a profile file that does not say what it must."""


PeriodUnit = Literal["calendar_days", "business_days", "same_business_day"]


@dataclass(frozen=True)
class Period:
    """A span counted from the receipt date (SPEC section 4, "Deadline arithmetic").

    ``calendar_days``: the receipt date plus N. ``business_days``: the N-th
    business day after the receipt date. ``same_business_day`` (count 0): the
    receipt date if a business day, else the next one. Profile files give
    the first two (and ``weeks``, read as 7 calendar days each).
    """

    unit: PeriodUnit
    count: int

    def describe(self) -> str:
        if self.unit == "same_business_day":
            return "same business day"
        words = "calendar day" if self.unit == "calendar_days" else "business day"
        return f"{self.count} {words}{'' if self.count == 1 else 's'}"


@dataclass(frozen=True)
class ExtendedFinal:
    """A longer final deadline for a complexity level (cn-nfra)."""

    period: Period
    approval_required: bool = False


@dataclass(frozen=True)
class DeadlinePolicy:
    first_response: Period
    final: Period
    final_extended: Mapping[str, ExtendedFinal]
    pauses: frozenset[str]
    review_window_days: int
    in_progress_counts_as_first_response: bool


@dataclass(frozen=True)
class Arrangement:
    """One year's official holidays and worked weekend days, given in the profile."""

    year: int
    source: str
    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]


@dataclass(frozen=True)
class CalendarSettings:
    description: str
    country: str
    subdivision: str | None
    weekend: frozenset[int]  # date.weekday() numbers, Monday = 0
    swapped_workdays: bool
    arrangements: tuple[Arrangement, ...] = ()


@dataclass(frozen=True)
class Names:
    en: str
    zh: str

    def for_locale(self, locale: str) -> str:
        return self.zh if locale.lower().startswith("zh") else self.en


@dataclass(frozen=True, eq=False)
class Profile:
    """One jurisdiction profile. Equality is identity: loaded profiles are cached."""

    id: str
    names: Names
    timezone: ZoneInfo
    calendar: CalendarSettings
    deadlines: DeadlinePolicy
    sources: tuple[str, ...]
    rules: Mapping[str, Mapping[str, Any]] = field(repr=False)
    path: Path | None = field(default=None, repr=False)
    # The consumers' time zones whose contact logs are this profile's own
    # (when a log names no jurisdiction and its import gave none).
    zones: tuple[str, ...] = ()
    # Systemic-issue alert parameters ([alerts], read by portal.domain.alerts).
    alerts: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}), repr=False)

    def __str__(self) -> str:
        return self.id


# How often (seconds) a process looks at the profile folder again. Between
# looks, profile ids and parsed profiles come from memory; a look that finds a
# file added, removed or changed (its modification time or size) drops what
# was parsed, so an edited profile is read again within this time.
RECHECK_SECONDS = 1.0


@dataclass
class _Folder:
    signature: tuple
    ids: tuple[str, ...]
    checked_at: float
    profiles: dict[str, Profile] = field(default_factory=dict)
    zone_map: Mapping[str, str] | None = None


_folders: dict[Path, _Folder] = {}
_folders_lock = threading.Lock()


def _signature(directory: Path) -> tuple:
    entries = []
    try:
        with os.scandir(directory) as scan:
            for entry in scan:
                if entry.name.endswith(".toml") and entry.is_file():
                    stat = entry.stat()
                    entries.append((entry.name, stat.st_mtime_ns, stat.st_size))
    except FileNotFoundError:
        pass
    return tuple(sorted(entries))


def _folder(directory: Path) -> _Folder:
    """The folder's cached state, looked at again every RECHECK_SECONDS."""
    now = time.monotonic()
    folder = _folders.get(directory)
    if folder is not None and now - folder.checked_at < RECHECK_SECONDS:
        return folder
    with _folders_lock:
        folder = _folders.get(directory)
        if folder is not None and now - folder.checked_at < RECHECK_SECONDS:
            return folder
        signature = _signature(directory)
        if folder is None or folder.signature != signature:
            ids = tuple(sorted(name[: -len(".toml")] for name, _, _ in signature))
            folder = _Folder(signature=signature, ids=ids, checked_at=now)
            _folders[directory] = folder
        else:
            folder.checked_at = now
        return folder


def _key(directory: Path | str) -> Path:
    if directory is PROFILES_DIR:
        return PROFILES_DIR
    return Path(directory).resolve()


def profile_ids(directory: Path = PROFILES_DIR) -> tuple[str, ...]:
    """The ids of the profiles in ``directory``, sorted."""
    return _folder(_key(directory)).ids


def zone_jurisdictions(directory: Path = PROFILES_DIR) -> Mapping[str, str]:
    """Each listed consumer time zone and the profile whose ``zones`` hold it.

    Kept with the folder's cached state, so it is built again when a profile
    file changes. Raises ProfileError when two profiles list the same zone: a
    log must belong to one jurisdiction at most.
    """
    folder = _folder(_key(directory))
    if folder.zone_map is None:
        owners: dict[str, str] = {}
        for profile_id in folder.ids:
            for zone in load_profile(profile_id, directory).zones:
                other = owners.setdefault(zone, profile_id)
                if other != profile_id:
                    raise ProfileError(f"time zone {zone!r} is listed by both {other} and {profile_id}")
        folder.zone_map = MappingProxyType(owners)
    return folder.zone_map


def load_profile(profile_id: str, directory: Path = PROFILES_DIR) -> Profile:
    """The profile with this id, parsed once per process and read again when its file changes.

    Raises ProfileError naming the valid ids when there is no such profile.
    """
    folder = _folder(_key(directory))
    profile = folder.profiles.get(profile_id) if isinstance(profile_id, str) else None
    if profile is not None:
        return profile
    valid = folder.ids
    if not isinstance(profile_id, str) or not _ID_PATTERN.match(profile_id) or profile_id not in valid:
        raise ProfileError(
            f"Unknown jurisdiction profile {profile_id!r}; valid profiles: {', '.join(valid) or '(none)'}"
        )
    with _folders_lock:
        profile = folder.profiles.get(profile_id)
        if profile is None:
            profile = folder.profiles[profile_id] = read_profile_file(_key(directory) / f"{profile_id}.toml")
    return profile


def read_profile_file(path: Path | str) -> Profile:
    """Read and check one profile file (not cached)."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise ProfileError(f"No profile file at {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{path.name}: not valid TOML ({exc})") from None
    return parse_profile(data, where=path.name, path=path)


def parse_profile(data: Mapping[str, Any], *, where: str = "profile", path: Path | None = None) -> Profile:
    """Build a Profile from the parsed TOML of a profile file."""
    r = _Reader(data, where)
    r.only("id", "timezone", "zones", "sources", "names", "calendar", "deadlines", "rules", "alerts")
    profile_id = r.string("id")
    if not _ID_PATTERN.match(profile_id):
        raise ProfileError(f"{where}: id {profile_id!r} must be lower-case letters, digits and hyphens")
    if path is not None and path.stem != profile_id:
        raise ProfileError(f"{where}: id {profile_id!r} does not match the file name {path.stem!r}")
    tz_name = r.string("timezone")
    try:
        timezone = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ProfileError(f"{where}: timezone {tz_name!r} is not an IANA time zone") from None
    zones = r.list_of_strings("zones") if "zones" in data else [tz_name]
    for zone in zones:
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ProfileError(f"{where}: zones: {zone!r} is not an IANA time zone") from None
    if len(set(zones)) != len(zones):
        raise ProfileError(f"{where}: zones lists a time zone twice")
    sources = r.list_of_strings("sources")
    if not sources:
        raise ProfileError(f"{where}: sources must cite at least one source")

    names_r = r.table("names")
    names_r.only("en", "zh")
    names = Names(en=names_r.string("en"), zh=names_r.string("zh"))

    rules_raw = data.get("rules", {})
    if not isinstance(rules_raw, Mapping) or not all(isinstance(v, Mapping) for v in rules_raw.values()):
        raise ProfileError(f"{where}: [rules.*] must be tables")
    rules = MappingProxyType({k: MappingProxyType(dict(v)) for k, v in rules_raw.items()})

    return Profile(
        id=profile_id,
        names=names,
        timezone=timezone,
        calendar=_parse_calendar(r.table("calendar")),
        deadlines=_parse_deadlines(r.table("deadlines")),
        sources=tuple(sources),
        rules=rules,
        path=path,
        zones=tuple(zones),
        alerts=MappingProxyType(dict(data.get("alerts", {}) if isinstance(data.get("alerts", {}), Mapping) else {})),
    )


def _parse_calendar(r: _Reader) -> CalendarSettings:
    r.only("description", "holidays", "subdivision", "weekend", "swapped_workdays", "arrangements")
    weekend_names = r.list_of_strings("weekend")
    unknown = [d for d in weekend_names if d not in WEEKDAYS]
    if unknown:
        raise ProfileError(f"{r.where}: weekend days {unknown} are not among {list(WEEKDAYS)}")
    arrangements = []
    for i, item in enumerate(r.optional("arrangements", list, [])):
        a = _Reader(item, f"{r.where}.arrangements[{i}]")
        a.only("year", "source", "holidays", "workdays")
        year = a.integer("year")
        days = {}
        for key in ("holidays", "workdays"):
            values = a.optional(key, list, [])
            if not all(isinstance(v, dt.date) and not isinstance(v, dt.datetime) for v in values):
                raise ProfileError(f"{a.where}: {key} must be a list of dates (2027-01-01)")
            days[key] = frozenset(values)
        if not any(d.year == year for d in days["holidays"]):
            raise ProfileError(f"{a.where}: lists no holiday in {year}")
        arrangements.append(
            Arrangement(year=year, source=a.string("source"), holidays=days["holidays"], workdays=days["workdays"])
        )
    subdivision = r.optional("subdivision", str, "")
    return CalendarSettings(
        description=r.string("description"),
        country=r.string("holidays"),
        subdivision=subdivision or None,
        weekend=frozenset(WEEKDAYS[d] for d in weekend_names),
        swapped_workdays=r.optional("swapped_workdays", bool, False),
        arrangements=tuple(arrangements),
    )


def _parse_deadlines(r: _Reader) -> DeadlinePolicy:
    r.only("first_response", "final", "final_extended", "pauses", "review_window_days",
           "in_progress_counts_as_first_response")
    pauses = r.list_of_strings("pauses")
    unknown = [p for p in pauses if p not in PAUSE_KINDS]
    if unknown:
        raise ProfileError(f"{r.where}: pause kinds {unknown} are not among {list(PAUSE_KINDS)}")
    extended = {}
    ext_r = _Reader(r.optional("final_extended", dict, {}), f"{r.where}.final_extended")
    ext_r.only(*COMPLEXITIES[1:])
    for level, spec in ext_r.data.items():
        spec_r = _Reader(spec, f"{ext_r.where}.{level}")
        approval = spec_r.optional("approval_required", bool, False)
        period = _parse_period({k: v for k, v in spec.items() if k != "approval_required"}, spec_r.where)
        extended[level] = ExtendedFinal(period=period, approval_required=approval)
    review = r.integer("review_window_days")
    if review < 0:
        raise ProfileError(f"{r.where}: review_window_days must not be negative")
    return DeadlinePolicy(
        first_response=_parse_period(r.get("first_response"), f"{r.where}.first_response"),
        final=_parse_period(r.get("final"), f"{r.where}.final"),
        final_extended=MappingProxyType(extended),
        pauses=frozenset(pauses),
        review_window_days=review,
        in_progress_counts_as_first_response=r.optional("in_progress_counts_as_first_response", bool, False),
    )


def _parse_period(spec: Any, where: str) -> Period:
    if not isinstance(spec, Mapping) or len(spec) != 1:
        raise ProfileError(f"{where}: give exactly one of calendar_days, business_days or weeks, e.g. {{ calendar_days = 15 }}")
    (unit, count), = spec.items()
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        raise ProfileError(f"{where}: {unit} must be a whole number >= 0")
    if unit == "weeks":
        return Period("calendar_days", count * 7)
    if unit not in ("calendar_days", "business_days"):
        raise ProfileError(f"{where}: unknown unit {unit!r}; use calendar_days, business_days or weeks")
    return Period(unit, count)


class _Reader:
    """Typed access to one TOML table with messages that name the place."""

    def __init__(self, data: Any, where: str):
        if not isinstance(data, Mapping):
            raise ProfileError(f"{where}: expected a table")
        self.data = data
        self.where = where

    def only(self, *allowed: str) -> None:
        extra = sorted(set(self.data) - set(allowed))
        if extra:
            raise ProfileError(f"{self.where}: unknown keys {extra}; allowed: {list(allowed)}")

    def get(self, key: str) -> Any:
        if key not in self.data:
            raise ProfileError(f"{self.where}: missing {key!r}")
        return self.data[key]

    def optional(self, key: str, kind: type, default: Any) -> Any:
        value = self.data.get(key, default)
        if not isinstance(value, kind):
            raise ProfileError(f"{self.where}: {key!r} must be a {kind.__name__}")
        return value

    def string(self, key: str) -> str:
        value = self.get(key)
        if not isinstance(value, str) or not value.strip():
            raise ProfileError(f"{self.where}: {key!r} must be a non-empty string")
        return value

    def integer(self, key: str) -> int:
        value = self.get(key)
        if not isinstance(value, int) or isinstance(value, bool):
            raise ProfileError(f"{self.where}: {key!r} must be a whole number")
        return value

    def list_of_strings(self, key: str) -> list[str]:
        value = self.get(key)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ProfileError(f"{self.where}: {key!r} must be a list of strings")
        return value

    def table(self, key: str) -> _Reader:
        return _Reader(self.get(key), f"{self.where} [{key}]" if "[" not in self.where else f"{self.where}.{key}")
