"""How Flask-Login finds the signed-in staff member."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..extensions import db, login_manager
from ..models import StaffUser

login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please sign in to continue.")
login_manager.session_protection = "strong"


@login_manager.user_loader
def load_staff(user_id: str) -> StaffUser | None:
    """The id carries the session token, so changing a password ends old sessions."""
    id_part, _, token = user_id.partition(":")
    if not id_part.isdigit():
        return None
    staff = db.session.get(StaffUser, int(id_part))
    if staff is None or not staff.active or staff.session_token != token:
        return None
    return staff
