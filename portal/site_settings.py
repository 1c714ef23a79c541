"""Settings an administrator changes at run time, read by every app server.

API::

    default_profile_id() -> str      the chosen profile, else config DEFAULT_PROFILE
    set_default_profile(profile_id, staff=None) -> None   (not committed)

Every complaint filed reads the default profile, so each app server keeps it
in memory for ``SETTINGS_CACHE_SECONDS`` (5 s unless configured); a change
made in this process is seen at once, one made on another server within that
time.
"""
from __future__ import annotations

import time

import sqlalchemy as sa
from flask import current_app

from .domain.profiles import ProfileError, profile_ids
from .extensions import db
from .models import SiteSetting, StaffUser
from .models.types import utcnow

DEFAULT_PROFILE = "default_profile"
DEFAULT_CACHE_SECONDS = 5.0
_CACHE = "redress.site_settings"


def default_profile_id() -> str:
    """The jurisdiction profile for complaints that name none.

    A stored choice whose profile file has since been removed falls back to
    the configured default rather than filing complaints under a ghost.
    """
    cache = current_app.extensions.setdefault(_CACHE, {})
    now = time.monotonic()
    cached = cache.get(DEFAULT_PROFILE)
    if cached is None or now - cached[1] >= float(current_app.config.get("SETTINGS_CACHE_SECONDS",
                                                                          DEFAULT_CACHE_SECONDS)):
        stored = db.session.connection().execute(
            sa.select(SiteSetting.value).where(SiteSetting.name == DEFAULT_PROFILE)
        ).scalar()
        cached = cache[DEFAULT_PROFILE] = (stored, now)
    stored = cached[0]
    if stored is not None and stored in profile_ids():
        return stored
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
    current_app.extensions.setdefault(_CACHE, {}).pop(DEFAULT_PROFILE, None)
