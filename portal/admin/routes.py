"""Administration: staff accounts, API keys, the default jurisdiction profile.

Every view needs its permission (portal.access); every change is a POST with
a CSRF token, committed once at the end of the view. Secrets made here (a
first or reset password, an API key) are shown once in the response to the
POST, never flashed (the session cookie is signed, not encrypted) and never
stored in clear.
"""
from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask import (Blueprint, abort, current_app, flash, make_response, redirect, render_template, request,
                   url_for)
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from classifiers.redaction import mask_sensitive

from .. import admin_log
from ..access import requires
from ..api_keys import ApiKeyError, all_keys, create_api_key, revoke
from ..domain.profiles import load_profile, profile_ids
from ..extensions import db
from ..i18n import current_language
from ..models import ApiKey, StaffUser
from ..models.types import utcnow
from ..request_checks import bounded_int
from ..site_settings import default_profile_id, set_default_profile
from ..staff_accounts import StaffAccountError, create_staff, set_password
from .forms import (
    ROLE_LABELS,
    ApiKeyCreateForm,
    ConfirmForm,
    DefaultProfileForm,
    StaffCreateForm,
    StaffEditForm,
)

bp = Blueprint("admin", __name__)


def _no_store(page: str):
    """A page that shows a secret once: keep it out of every cache."""
    response = make_response(page)
    response.headers["Cache-Control"] = "no-store"
    return response


def _new_password() -> str:
    # 16 random characters (96 bits), easy to read out over the phone.
    return secrets.token_urlsafe(12)


def _staff_or_404(staff_id: int) -> StaffUser:
    return db.get_or_404(StaffUser, staff_id)


@bp.context_processor
def _admin_helpers():
    return {"role_labels": ROLE_LABELS, "now_utc": utcnow()}


# --- staff accounts ----------------------------------------------------------


@bp.get("/")
@requires("staff.manage")
def index():
    return redirect(url_for("admin.staff_list"))


@bp.get("/staff")
@requires("staff.manage")
def staff_list():
    staff = db.session.scalars(
        sa.select(StaffUser).order_by(StaffUser.active.desc(), StaffUser.role, StaffUser.email)
    ).all()
    return render_template("admin/staff_list.html", staff=staff, confirm=ConfirmForm())


@bp.route("/staff/new", methods=["GET", "POST"])
@requires("staff.manage")
def staff_create():
    form = StaffCreateForm()
    if form.validate_on_submit():
        password = form.password.data or _new_password()
        try:
            staff = create_staff(
                form.email.data,
                form.role.data,
                password,
                display_name=(form.display_name.data or "").strip() or None,
                language=form.language.data or None,
            )
        except StaffAccountError as error:
            form.email.errors.append(_staff_error(error, form.email.data))
        else:
            admin_log.staff_created(staff, current_user, password_chosen=bool(form.password.data))
            db.session.commit()
            current_app.logger.info("staff account %s (%s) created by %s", staff.email, staff.role, current_user.email)
            flash(_("Account created for %(email)s.", email=staff.email), "info")
            if form.password.data:
                return redirect(url_for("admin.staff_list"))
            return _no_store(render_template("admin/password_shown.html", staff=staff, password=password, created=True))
    return render_template("admin/staff_form.html", form=form), 400 if form.is_submitted() else 200


def _staff_error(error: StaffAccountError, email: str) -> str:
    if "already exists" in str(error):
        return _("A staff account for %(email)s already exists.", email=email.strip().lower())
    return str(error)


@bp.route("/staff/<int:staff_id>", methods=["GET", "POST"])
@requires("staff.manage")
def staff_edit(staff_id: int):
    staff = _staff_or_404(staff_id)
    form = StaffEditForm(obj=staff)
    if form.validate_on_submit():
        if staff.id == current_user.id and form.role.data != staff.role:
            form.role.errors.append(_("You cannot change your own role: ask another administrator."))
        else:
            before = _editable(staff)
            staff.display_name = mask_sensitive((form.display_name.data or "").strip() or staff.email.split("@")[0]).text
            if form.role.data != staff.role:
                staff.role = form.role.data
                # A new role takes effect at once: old sessions must sign in again.
                staff.session_token = secrets.token_hex(16)
            staff.language = form.language.data or None
            staff.timezone = (form.timezone.data or "").strip() or None
            changed = admin_log.changes(before, _editable(staff))
            if changed:
                admin_log.record("staff.updated", staff.email, current_user, **changed)
            db.session.commit()
            flash(_("Changes to %(email)s saved.", email=staff.email), "info")
            return redirect(url_for("admin.staff_list"))
    if not form.is_submitted():
        form.language.data = staff.language or ""
    return (render_template("admin/staff_edit.html", form=form, staff=staff, confirm=ConfirmForm()),
            400 if form.is_submitted() else 200)


def _editable(staff: StaffUser) -> dict[str, str | None]:
    return {"role": staff.role, "display_name": staff.display_name, "language": staff.language,
            "timezone": staff.timezone}


@bp.post("/staff/<int:staff_id>/deactivate")
@requires("staff.manage")
def staff_deactivate(staff_id: int):
    staff = _staff_or_404(staff_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if staff.id == current_user.id:
        flash(_("You cannot deactivate your own account."), "error")
        return redirect(url_for("admin.staff_list"))
    staff.active = False
    staff.session_token = secrets.token_hex(16)  # signs them out everywhere
    admin_log.record("staff.deactivated", staff.email, current_user)
    db.session.commit()
    flash(_("%(email)s can no longer sign in.", email=staff.email), "info")
    return redirect(url_for("admin.staff_list"))


@bp.post("/staff/<int:staff_id>/reactivate")
@requires("staff.manage")
def staff_reactivate(staff_id: int):
    staff = _staff_or_404(staff_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    staff.active = True
    staff.failed_logins = 0
    staff.locked_until = None
    admin_log.record("staff.reactivated", staff.email, current_user)
    db.session.commit()
    flash(_("%(email)s can sign in again.", email=staff.email), "info")
    return redirect(url_for("admin.staff_list"))


@bp.post("/staff/<int:staff_id>/password")
@requires("staff.manage")
def staff_reset_password(staff_id: int):
    staff = _staff_or_404(staff_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    password = _new_password()
    set_password(staff, password)  # also ends the account's sessions
    staff.failed_logins = 0
    staff.locked_until = None
    admin_log.record("staff.password_reset", staff.email, current_user)
    db.session.commit()
    current_app.logger.info("password of %s reset by %s", staff.email, current_user.email)
    return _no_store(render_template("admin/password_shown.html", staff=staff, password=password, created=False))


# --- API keys ------------------------------------------------------------------


@bp.route("/api-keys", methods=["GET", "POST"])
@requires("api_keys.manage")
def api_keys():
    form = ApiKeyCreateForm()
    if form.validate_on_submit():
        try:
            new = create_api_key(form.name.data)
        except ApiKeyError as error:
            form.name.errors.append(_api_key_error(error, form.name.data))
        else:
            admin_log.api_key_changed("api_key.created", new.api_key, current_user)
            db.session.commit()
            current_app.logger.info("API key %s (%s) created by %s", new.api_key.prefix, new.api_key.name,
                                    current_user.email)
            return _no_store(render_template("admin/api_key_created.html", api_key=new.api_key, secret=new.secret))
    return (render_template("admin/api_keys.html", form=form, keys=all_keys(), confirm=ConfirmForm()),
            400 if form.is_submitted() else 200)


def _api_key_error(error: ApiKeyError, name: str) -> str:
    if "already exists" in str(error):
        return _("An active key is already named %(name)s: revoke it first or choose another name.",
                 name=name.strip())
    return str(error)


@bp.post("/api-keys/<int:key_id>/revoke")
@requires("api_keys.manage")
def api_key_revoke(key_id: int):
    api_key = db.get_or_404(ApiKey, key_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if api_key.revoked_at is None:
        admin_log.api_key_changed("api_key.revoked", api_key, current_user)
    revoke(api_key)
    db.session.commit()
    current_app.logger.info("API key %s (%s) revoked by %s", api_key.prefix, api_key.name, current_user.email)
    flash(_("The key %(prefix)s… (%(name)s) is revoked and stops working at once.",
            prefix=api_key.prefix, name=api_key.name), "info")
    return redirect(url_for("admin.api_keys"))


# --- the default jurisdiction profile -------------------------------------------


@bp.route("/profile", methods=["GET", "POST"])
@requires("profiles.choose")
def default_profile():
    language = current_language()
    profiles = [load_profile(pid) for pid in profile_ids()]
    form = DefaultProfileForm()
    form.profile.choices = [SelectChoice(p.id, f"{p.names.for_locale(language)} ({p.id})") for p in profiles]
    if form.validate_on_submit():
        previous = default_profile_id()
        set_default_profile(form.profile.data, current_user)
        if previous != form.profile.data:
            admin_log.record("profile.default_changed", form.profile.data, current_user, previous=previous,
                             chosen=form.profile.data)
        db.session.commit()
        flash(_("Complaints that name no jurisdiction now go under %(profile)s.", profile=form.profile.data), "info")
        return redirect(url_for("admin.default_profile"))
    current = default_profile_id()
    if not form.is_submitted():
        form.profile.data = current
    return (render_template("admin/profile.html", form=form, profiles=profiles, current=current, language=language),
            400 if form.is_submitted() else 200)


# --- the activity log ---------------------------------------------------------------


@bp.get("/activity")
@requires("staff.manage")
def activity():
    """Every administrative change, newest first, 200 to a page."""
    before = bounded_int(request.args.get("before"))
    events = admin_log.recent(limit=200, before_id=before)
    return render_template("admin/activity.html", events=events, actions=admin_log.ACTIONS,
                           fields=admin_log.FIELDS, values=admin_log.VALUES,
                           next_before=events[-1].id if len(events) == 200 else None)
