"""Language and time-zone selection, and template helpers for both."""
from __future__ import annotations

from datetime import date, datetime, timezone as dt_timezone, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_datetime, format_skeleton
from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import get_locale

from .domain.contact_fields import is_iana_zone

PORTAL_DIR = Path(__file__).resolve().parent
SUPPORTED = ("en", "zh_Hans")


def translation_directories() -> str:
    """Every area keeps its own catalogue; Flask-Babel merges them."""
    found = sorted(str(p) for p in PORTAL_DIR.glob("**/translations") if p.is_dir())
    return ";".join(found) or str(PORTAL_DIR / "translations")


def normalise_language(value: str | None) -> str | None:
    if not value:
        return None
    value = value.replace("-", "_")
    if value in SUPPORTED:
        return value
    if value.lower().startswith("zh"):
        return "zh_Hans"
    if value.lower().startswith("en"):
        return "en"
    return None


def select_locale() -> str:
    chosen = normalise_language(request.args.get("lang"))
    if chosen:
        session["lang"] = chosen
        return chosen
    if session.get("lang") in SUPPORTED:
        return session["lang"]
    from flask_login import current_user

    if getattr(current_user, "is_authenticated", False) and current_user.language in SUPPORTED:
        return current_user.language
    best = request.accept_languages.best_match(["en", "zh", "zh-CN", "zh-Hans"], default="en")
    return normalise_language(best) or "en"


# Offered first on the preferences page; any other IANA name can be typed.
COMMON_TIMEZONES = (
    "UTC", "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles",
    "America/Anchorage", "Pacific/Honolulu", "America/Toronto", "Europe/London", "Europe/Paris",
    "Europe/Berlin", "Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei", "Asia/Singapore",
    "Asia/Tokyo", "Asia/Kolkata", "Australia/Sydney", "Pacific/Auckland",
)

# How an instant reads on staff pages, per language; the zone follows it.
INSTANT_PATTERNS = {"en": "d MMM y, HH:mm", "zh_Hans": "y年M月d日 HH:mm"}


def valid_timezone(name: str | None) -> str | None:
    """``name`` if it is an IANA zone name (exact spelling), else None."""
    name = (name or "").strip()
    return name if name and is_iana_zone(name) else None


def select_timezone() -> str:
    """The viewer's zone: the session's override, the staff preference, for
    staff without one the default profile's zone (where most of their
    complaints' deadlines fall, so "due today" means the day they read on the
    case pages), then the configured default, UTC."""
    chosen = valid_timezone(session.get("tz"))
    if chosen:
        return chosen
    from flask_login import current_user

    if getattr(current_user, "is_authenticated", False):
        chosen = valid_timezone(current_user.timezone)
        if chosen:
            return chosen
        chosen = _default_profile_zone()
        if chosen:
            return chosen
    return valid_timezone(current_app.config.get("BABEL_DEFAULT_TIMEZONE")) or "UTC"


def _default_profile_zone() -> str | None:
    from .domain.profiles import ProfileError, load_profile
    from .site_settings import default_profile_id

    try:
        return valid_timezone(getattr(load_profile(default_profile_id()).timezone, "key", None))
    except (ProfileError, KeyError):
        return None


def viewer_timezone() -> str:
    if not has_request_context():
        return "UTC"
    if "viewer_tz" not in g:
        g.viewer_tz = select_timezone()
    return g.viewer_tz


def zone_label(moment: datetime, language: str | None = None) -> str:
    """The zone named clearly: "EST", "北京时间", "Beijing time", "UTC+04"; never "CST"."""
    from .domain.display_text import zone_name

    key = getattr(moment.tzinfo, "key", None)
    if key is None and moment.utcoffset() is not None and not moment.utcoffset():
        key = "UTC"
    return zone_name(key, moment.tzname(), language or current_language())


def format_instant(instant: datetime | None, zone: str | tzinfo | None = None, seconds: bool = False) -> str:
    """An instant as the staff pages show it, always with its zone: "28 Nov 2026, 14:05 EST".

    In ``zone`` when given (a deadline's profile zone, a consumer's zone),
    otherwise in the viewer's zone.
    """
    if instant is None:
        return ""
    if isinstance(zone, str):
        zone = ZoneInfo(valid_timezone(zone) or "UTC")
    if zone is None:
        zone = ZoneInfo(viewer_timezone())
    if instant.tzinfo is None:  # stored instants are UTC
        instant = instant.replace(tzinfo=dt_timezone.utc)
    moment = instant.astimezone(zone)
    language = current_language()
    pattern = INSTANT_PATTERNS.get(language, INSTANT_PATTERNS["en"]) + (":ss" if seconds else "")
    text = format_datetime(moment.replace(tzinfo=None), pattern, locale=language)
    return f"{text} {zone_label(moment, language)}"


def current_language() -> str:
    return str(get_locale() or "en")


def month_label(month: str, part: str = "month_year") -> str:
    """A "YYYY-MM" month in the reader's language: "Nov 2026", "2026年11月".

    ``part`` "month" or "year" gives only that ("Nov", "11月"; "2026", "2026年"),
    for a chart's two-line axis label. Anything else is returned as it came."""
    try:
        year, number = (int(x) for x in month.split("-"))
        first = date(year, number, 1)
    except (AttributeError, ValueError):
        return str(month)
    skeleton = {"month": "MMM", "year": "y"}.get(part, "yMMM")
    return format_skeleton(skeleton, first, locale=current_language())


def profile_name(profile_id: str | None) -> str:
    """A jurisdiction profile's name in the reader's language ("CFPB (United States)").

    The code itself for a profile that is not installed, so an old row still reads."""
    from .domain.profiles import ProfileError, load_profile

    if not profile_id:
        return ""
    try:
        return load_profile(profile_id).names.for_locale(current_language())
    except ProfileError:
        return profile_id


_LANGUAGE_WORDS = {("en", "zh_Hans"): "英语", ("zh_Hans", "zh_Hans"): "简体中文",
                   ("en", "en"): "English", ("zh_Hans", "en"): "Simplified Chinese"}


def language_name(code: str | None) -> str:
    """A complaint's language named in the reader's: "英语", "Simplified Chinese"."""
    return _LANGUAGE_WORDS.get((code or "", current_language()), code or "")


def file_size(size: int | None) -> str:
    """A file's size in the reader's language: "339 B", "12.5 kB", "3.2 MB"."""
    from babel.units import format_unit

    size = int(size or 0)
    for unit, scale in (("digital-megabyte", 1000 ** 2), ("digital-kilobyte", 1000)):
        if size >= scale:
            return format_unit(round(size / scale, 1), unit, length="short", locale=current_language())
    return format_unit(size, "digital-byte", length="short", locale=current_language())


def register_template_helpers(app: Flask) -> None:
    from .access import can
    from .domain.display_text import localise_mask_markers, snippet

    app.jinja_env.globals["can"] = can
    app.jinja_env.filters["when"] = format_instant
    app.jinja_env.globals["profile_name"] = profile_name
    app.jinja_env.filters["month_label"] = month_label
    # Stored (masked) text with its mask markers in the reader's language.
    app.jinja_env.filters["shown"] = lambda text: localise_mask_markers(text, current_language())
    app.jinja_env.filters["money_in"] = _money_for_reader
    app.jinja_env.filters["day"] = _day_for_reader
    app.jinja_env.filters["zone_label"] = _zone_for_reader
    app.jinja_env.filters["language_name"] = language_name
    app.jinja_env.filters["file_size"] = file_size
    app.jinja_env.filters["snippet"] = snippet

    @app.context_processor
    def inject_language():
        lang = current_language()
        return {
            "current_language": lang,
            "html_lang": "zh-Hans" if lang == "zh_Hans" else "en",
            "languages": current_app.config["LANGUAGES"],
            # How the reader's language joins a list and introduces a value.
            "list_separator": "、" if lang == "zh_Hans" else ", ",
            "colon": "：" if lang == "zh_Hans" else ": ",
        }


def _money_for_reader(amount, currency: str | None = None) -> str:
    """An amount (a Decimal, or the text a timeline event keeps) with its currency, as the reader writes it."""
    from decimal import Decimal, InvalidOperation

    from .domain.money import format_money

    if amount is None or amount == "":
        return ""
    try:
        value = amount if isinstance(amount, Decimal) else Decimal(str(amount))
    except InvalidOperation:
        return str(amount)
    return format_money(value, currency or None, current_language())


def _day_for_reader(value) -> str:
    """A date as the reader writes it: "November 2, 2026", "2026年11月2日"."""
    from datetime import date

    from flask_babel import format_date

    return format_date(value, format="long") if isinstance(value, date) else (value or "")


def _zone_for_reader(zone_key: str | None) -> str:
    """A zone's plain name where it has one ("Beijing time", "北京时间"), else its IANA key."""
    from .domain.display_text import ZONE_NAMES

    return ZONE_NAMES.get(zone_key or "", {}).get(current_language()) or (zone_key or "")
