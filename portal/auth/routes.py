"""Staff sign-in, sign-out and personal preferences.

Throttling at two levels: an account locks for LOCK_MINUTES after
MAX_FAILURES wrong passwords in a row (an attacker spreading guesses over
many addresses is slowed by the per-IP limit instead: LOGIN_RATE_LIMIT).
Sessions are permanent with PERMANENT_SESSION_LIFETIME (a working day), so
an idle laptop does not stay signed in forever.
"""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user, login_required, login_user, logout_user

from ..extensions import db, limiter
from ..models import StaffUser
from ..models.types import utcnow
from ..i18n import COMMON_TIMEZONES, valid_timezone
from .forms import OTHER_ZONE, LoginForm, PreferencesForm
from .passwords import hash_password, needs_rehash, verify_password

bp = Blueprint("auth", __name__)

MAX_FAILURES = 5
LOCK_MINUTES = 15
LOGIN_RATE_LIMIT = "20 per minute;100 per hour"

# Verified against when the address is unknown, so a wrong address takes as
# long as a wrong password and does not reveal which accounts exist.
_DUMMY_HASH = hash_password("not a real password; timing only")


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else None (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def landing_page(staff: StaffUser) -> str:
    from ..access import role_can

    if role_can(staff.role, "complaints.read"):
        return url_for("cases.queue")
    if role_can(staff.role, "staff.manage"):
        return url_for("admin.staff_list")
    return url_for("intake.home")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(LOGIN_RATE_LIMIT, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")) or landing_page(current_user))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    status = 200
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        staff = db.session.scalar(sa.select(StaffUser).where(StaffUser.email == email))
        now = utcnow()
        if staff is not None and staff.locked_until is not None and staff.locked_until > now:
            verify_password(_DUMMY_HASH, form.password.data)
            minutes = max(1, int((staff.locked_until - now).total_seconds() // 60) + 1)
            flash(_("Too many wrong passwords: this account is locked. Try again in %(minutes)d minutes "
                    "or ask an administrator.", minutes=minutes), "error")
            status = 429
        elif staff is None or not staff.active or not verify_password(staff.password_hash, form.password.data):
            if staff is None or not staff.active:
                verify_password(_DUMMY_HASH, form.password.data)
            else:
                staff.failed_logins = (staff.failed_logins or 0) + 1
                if staff.failed_logins >= MAX_FAILURES:
                    staff.locked_until = now + timedelta(minutes=LOCK_MINUTES)
                    staff.failed_logins = 0
                db.session.commit()
            flash(_("That e-mail address and password do not match an active staff account."), "error")
            status = 401
        else:
            staff.failed_logins = 0
            staff.locked_until = None
            staff.last_login_at = now
            if needs_rehash(staff.password_hash):
                staff.password_hash = hash_password(form.password.data)
            db.session.commit()
            # A fresh session on sign-in: nothing from before survives.
            language = session.get("lang")
            session.clear()
            if language:
                session["lang"] = language
            session.permanent = True
            login_user(staff)
            return redirect(safe_next(form.next.data) or landing_page(staff))
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/preferences", methods=["GET", "POST"])
@login_required
def preferences():
    """Each staff member's own language and time zone."""
    form = PreferencesForm()
    if form.validate_on_submit():
        current_user.language = form.language.data or None
        current_user.timezone = form.chosen_timezone()
        db.session.commit()
        # The choice takes effect at once, over anything this session picked before.
        session.pop("tz", None)
        if current_user.language:
            session["lang"] = current_user.language
        else:
            session.pop("lang", None)
        refresh()
        flash(_("Your preferences are saved. Times now read in %(zone)s.", zone=current_user.timezone), "info")
        return redirect(url_for("auth.preferences"))
    if not form.is_submitted():
        form.language.data = current_user.language or ""
        zone = valid_timezone(current_user.timezone) or "UTC"
        if zone in COMMON_TIMEZONES:
            form.timezone.data = zone
        else:
            form.timezone.data, form.other_timezone.data = OTHER_ZONE, zone
    return (render_template("auth/preferences.html", form=form, now=utcnow()),
            400 if form.is_submitted() else 200)
