"""Language and time-zone selection, and template helpers for both."""
from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app, request, session
from flask_babel import get_locale

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


def select_timezone() -> str | None:
    return session.get("tz") or current_app.config.get("BABEL_DEFAULT_TIMEZONE")


def current_language() -> str:
    return str(get_locale() or "en")


def register_template_helpers(app: Flask) -> None:
    from .access import can

    app.jinja_env.globals["can"] = can

    @app.context_processor
    def inject_language():
        lang = current_language()
        return {
            "current_language": lang,
            "html_lang": "zh-Hans" if lang == "zh_Hans" else "en",
            "languages": current_app.config["LANGUAGES"],
        }
