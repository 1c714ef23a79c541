"""Settings an administrator changes at run time, read by every app server.

API::

    default_profile_id() -> str      the chosen profile, else config DEFAULT_PROFILE
    set_default_profile(profile_id, staff=None) -> None   (not committed)
"""
from __future__ import annotations

from flask import current_app

from .domain.profiles import ProfileError, profile_ids
from .extensions import db
from .models import SiteSetting, StaffUser
from .models.types import utcnow

DEFAULT_PROFILE = "default_profile"


def default_profile_id() -> str:
    """The jurisdiction profile for complaints that name none.

    A stored choice whose profile file has since been removed falls back to
    the configured default rather than filing complaints under a ghost.
    """
    setting = db.session.get(SiteSetting, DEFAULT_PROFILE)
    if setting is not None and setting.value in profile_ids():
        return setting.value
    return current_app.config["DEFAULT_PROFILE"]


def set_default_profile(profile_id: str, staff: StaffUser | None = None) -> None:
    if profile_id not in profile_ids():
        raise ProfileError(f"Unknown jurisdiction profile {profile_id!r}; valid profiles: {', '.join(profile_ids())}")
    setting = db.session.get(SiteSetting, DEFAULT_PROFILE)
    if setting is None:
        setting = SiteSetting(name=DEFAULT_PROFILE, value=profile_id)
        db.session.add(setting)
    setting.value = profile_id
    setting.updated_at = utcnow()
    setting.updated_by_id = staff.id if staff is not None else None
