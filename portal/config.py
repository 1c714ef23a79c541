"""Settings from the environment, with safe defaults for a laptop.

Order of precedence (flaskr style): the defaults below, then ``instance/config.py``
if present, then environment variables, then the test config passed to
``create_app``. A SECRET_KEY set in none of the first three is read from
``instance/dev-secret-key`` (the checkout's random key, made by the Makefile).
"""
from __future__ import annotations

import os
from pathlib import Path


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs written the usual way."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def settings_from_environment(instance_path: str) -> dict:
    instance = Path(instance_path)
    env = os.environ
    settings: dict = {}
    database_url = env.get("DATABASE_URL")
    settings["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(
        database_url or f"sqlite:///{instance / 'redress.sqlite3'}"
    )
    if "SECRET_KEY" in env:
        settings["SECRET_KEY"] = env["SECRET_KEY"]
    settings["UPLOAD_FOLDER"] = env.get("REDRESS_UPLOAD_FOLDER", str(instance / "uploads"))
    settings["MAIL_BACKEND"] = env.get("REDRESS_MAIL_BACKEND", "outbox")
    settings["MAIL_OUTBOX"] = env.get("REDRESS_MAIL_OUTBOX", str(instance / "outbox"))
    settings["MAIL_SENDER"] = env.get("REDRESS_MAIL_SENDER", "Redress <no-reply@redress.example>")
    settings["SMTP_HOST"] = env.get("SMTP_HOST", "localhost")
    settings["SMTP_PORT"] = int(env.get("SMTP_PORT", "25"))
    settings["SMTP_USERNAME"] = env.get("SMTP_USERNAME")
    settings["SMTP_PASSWORD"] = env.get("SMTP_PASSWORD")
    settings["SMTP_STARTTLS"] = _bool(env.get("SMTP_STARTTLS"), False)
    # One Redis serves several app servers: rate-limit counters shared by every
    # worker, and the job queue (imports, audits). Without it, counters are per
    # process and jobs run in a thread of the web process.
    redis_url = env.get("REDIS_URL")
    settings["RATELIMIT_STORAGE_URI"] = env.get("RATELIMIT_STORAGE_URI", redis_url or "memory://")
    job_queue_url = env.get("JOB_QUEUE_URL", redis_url)
    if job_queue_url:
        settings["JOB_QUEUE_URL"] = job_queue_url
    settings["SESSION_COOKIE_SECURE"] = _bool(env.get("REDRESS_SECURE_COOKIES"), False)
    settings["DEFAULT_PROFILE"] = env.get("REDRESS_DEFAULT_PROFILE", "us-cfpb")
    if "REDRESS_PROXY_HOPS" in env:
        settings["PROXY_HOPS"] = int(env["REDRESS_PROXY_HOPS"])
    if "REDRESS_API_RATE_LIMIT" in env:
        settings["API_RATE_LIMIT"] = env["REDRESS_API_RATE_LIMIT"]
    if env.get("REDRESS_PDF_FONT"):  # a TTF/OTF/TTC with Chinese glyphs for the PDF copy
        settings["PDF_FONT"] = env["REDRESS_PDF_FONT"]
    if "REDRESS_PUBLIC_API_RATE_LIMIT" in env:
        settings["PUBLIC_API_RATE_LIMIT"] = env["REDRESS_PUBLIC_API_RATE_LIMIT"]
    return settings


# The random key of this checkout that the Makefile makes once (and exports to
# the commands it runs). Read when SECRET_KEY is set neither in the environment
# nor in instance/config.py, so `flask --app portal ...` commands run by hand or
# by scripts in a checkout after `make run` use the same key without exporting it.
DEV_SECRET_KEY_FILE = "dev-secret-key"


def checkout_secret_key(instance_path: str) -> str | None:
    """The key in ``instance/dev-secret-key``, or None when the file is absent or empty."""
    try:
        key = (Path(instance_path) / DEV_SECRET_KEY_FILE).read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None
    return key or None


# Signs session cookies (a cardholder's proof of tracking, a staff sign-in).
# It is public, so only a debug server or the tests may run on it:
# create_app refuses to start without a SECRET_KEY of its own otherwise.
DEVELOPMENT_SECRET_KEY = "dev-only-change-me"
MISSING_SECRET_KEY = (
    "SECRET_KEY is not set. Every session cookie is signed with it, so the portal will not serve "
    "with a public key. Set it in the environment to a long random value, the same on every app "
    "server, for example:\n"
    "    export SECRET_KEY=\"$(python3 -c 'import secrets; print(secrets.token_hex(32))')\"\n"
    "(or put SECRET_KEY = \"...\" in instance/config.py, or the key alone in instance/dev-secret-key, "
    "which `make run` writes once for a checkout). A development server started with "
    "FLASK_DEBUG=1, and the tests, run without one."
)


class Defaults:
    # From the environment in production (see MISSING_SECRET_KEY); a random key
    # per process would log everyone out on each restart and break several workers.
    SECRET_KEY = None
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # 5 attachments of 10 MB plus the form itself.
    MAX_CONTENT_LENGTH = 52 * 1024 * 1024
    MAX_FORM_MEMORY_SIZE = 500 * 1024
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    PERMANENT_SESSION_LIFETIME = 8 * 60 * 60  # a working day
    WTF_CSRF_TIME_LIMIT = 4 * 60 * 60
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    LANGUAGES = {"en": "English", "zh_Hans": "简体中文"}
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_STRATEGY = "fixed-window"
    JSON_SORT_KEYS = False
