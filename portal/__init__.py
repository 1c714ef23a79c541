"""Redress: complaints about debt-collection conduct.

``create_app`` reads as a list: configuration, extensions, blueprints, error
handlers, commands. It has no side effects beyond building the app (no
migrations, no network).
"""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from .config import (
    DEVELOPMENT_SECRET_KEY,
    MISSING_SECRET_KEY,
    Defaults,
    checkout_secret_key,
    settings_from_environment,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None, *, instance_path: str | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_relative_config=True,
        instance_path=instance_path,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(settings_from_environment(app.instance_path))
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = checkout_secret_key(app.instance_path)
    if test_config:
        app.config.update(test_config)
    require_secret_key(app)
    os.makedirs(app.instance_path, exist_ok=True)

    register_extensions(app)
    register_request_checks(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    trust_proxies(app)
    return app


def require_secret_key(app: Flask) -> None:
    """No serving on a missing or public key outside debug and testing: anyone
    could forge a session cookie (a tracking proof, a staff sign-in)."""
    key = app.config.get("SECRET_KEY")
    if key and key != DEVELOPMENT_SECRET_KEY:
        return
    if not (app.debug or app.testing):
        raise RuntimeError(MISSING_SECRET_KEY)
    app.config["SECRET_KEY"] = key or DEVELOPMENT_SECRET_KEY


def trust_proxies(app: Flask) -> None:
    """Behind PROXY_HOPS trusted proxies (a load balancer), take the client's
    address, scheme and host from their X-Forwarded-* headers, so rate limits
    count per visitor rather than per balancer. With none (the default) those
    headers are ignored: a visitor cannot pick the address they are counted as.
    """
    hops = int(app.config.get("PROXY_HOPS") or 0)
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]


def register_extensions(app: Flask) -> None:
    from . import log_masking
    from . import models  # noqa: F401  (registers the tables)

    log_masking.install()
    from .extensions import babel, csrf, db, limiter, login_manager, migrate
    from .i18n import select_locale, select_timezone, translation_directories
    from .security import add_security_headers

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = translation_directories()
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    limiter.init_app(app)
    login_manager.init_app(app)
    from .auth import session as _staff_session  # noqa: F401  (user loader)
    app.after_request(add_security_headers)

    from .i18n import register_template_helpers

    register_template_helpers(app)


def register_request_checks(app: Flask) -> None:
    from . import request_checks

    request_checks.register(app)


def register_blueprints(app: Flask) -> None:
    from .admin.routes import bp as admin_bp
    from .api.routes import bp as api_bp
    from .audit.routes import bp as audit_bp
    from .auth.routes import bp as auth_bp
    from .cases.routes import bp as cases_bp
    from .intake.routes import bp as intake_bp
    from .oversight.routes import bp as oversight_bp
    from .public.api import bp as public_api_bp
    from .public.routes import bp as public_bp

    app.register_blueprint(intake_bp)
    app.register_blueprint(auth_bp, url_prefix="/staff")
    app.register_blueprint(cases_bp, url_prefix="/staff")
    app.register_blueprint(audit_bp, url_prefix="/audit")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(public_bp)
    app.register_blueprint(public_api_bp, url_prefix="/api/v1/public")
    app.register_blueprint(oversight_bp, url_prefix="/staff")


def register_errorhandlers(app: Flask) -> None:
    from .errors import register

    register(app)


def register_commands(app: Flask) -> None:
    from .commands import all_groups

    for group in all_groups():
        app.cli.add_command(group)
