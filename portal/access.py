"""Who may do what: the one place staff permissions are decided (SPEC section 1).

Views declare the permission they need with ``@requires(...)``; templates ask
``can(...)``. Nothing else checks roles.
"""
from __future__ import annotations

from functools import wraps
from typing import Callable, TypeVar

from flask import abort
from flask_login import current_user, login_required

F = TypeVar("F", bound=Callable)

PERMISSIONS: dict[str, frozenset[str]] = {
    # Complaints
    "complaints.read": frozenset({"officer", "supervisor", "auditor"}),
    "complaints.work": frozenset({"officer", "supervisor"}),  # notes, requests, responses, closing, reclassifying, linking
    "complaints.assign": frozenset({"supervisor"}),
    "complaints.claim": frozenset({"officer", "supervisor"}),  # "assign to me"
    "deadlines.extend": frozenset({"supervisor"}),
    "attachments.download": frozenset({"officer", "supervisor", "auditor"}),
    "dashboard.view": frozenset({"supervisor"}),
    # Compliance
    "contacts.import": frozenset({"auditor", "admin"}),
    "contacts.read": frozenset({"officer", "supervisor", "auditor"}),
    "audit.run": frozenset({"auditor"}),
    "findings.read": frozenset({"auditor", "officer", "supervisor"}),
    "findings.export": frozenset({"auditor"}),
    "links.propose": frozenset({"auditor"}),  # propose a log or finding as evidence; an officer decides
    "scorecards.view": frozenset({"auditor", "supervisor"}),
    # Oversight: systemic-issue alerts and regulator reports
    "alerts.view": frozenset({"supervisor"}),
    "alerts.acknowledge": frozenset({"supervisor"}),
    "alerts.run": frozenset({"supervisor"}),  # test the latest weeks now, from the alerts page
    "reports.export": frozenset({"supervisor"}),
    # Administration
    "staff.manage": frozenset({"admin"}),
    "api_keys.manage": frozenset({"admin"}),
    "profiles.choose": frozenset({"admin"}),
}


def role_can(role: str | None, permission: str) -> bool:
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}")
    return role in PERMISSIONS[permission]


def can(permission: str) -> bool:
    return bool(getattr(current_user, "is_authenticated", False)) and role_can(current_user.role, permission)


def requires(*permissions: str) -> Callable[[F], F]:
    """Login required, then every named permission (403 otherwise)."""
    for permission in permissions:
        if permission not in PERMISSIONS:
            raise KeyError(f"unknown permission {permission!r}")

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not all(role_can(current_user.role, p) for p in permissions):
                abort(403)
            return view(*args, **kwargs)

        return login_required(wrapped)  # type: ignore[return-value]

    return decorator
