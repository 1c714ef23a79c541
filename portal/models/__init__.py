"""Typed SQLAlchemy models; importing this package registers every table."""
from .alert import SystemicAlert
from .complaint import Attachment, ClassificationFeedback, Complaint, ComplaintEvent, URGENCY_RANK
from .draft import IntakeDraft
from .contact_log import AuditRun, ComplaintContactLink, ContactImport, ContactLog, Finding
from .staff import ROLES, AdminEvent, ApiKey, StaffUser
from .site_setting import SiteSetting
from .idempotency import IdempotentRequest

__all__ = [
    "AdminEvent",
    "ApiKey",
    "Attachment",
    "AuditRun",
    "ClassificationFeedback",
    "Complaint",
    "ComplaintContactLink",
    "ComplaintEvent",
    "ContactImport",
    "ContactLog",
    "Finding",
    "IdempotentRequest",
    "IntakeDraft",
    "ROLES",
    "SiteSetting",
    "StaffUser",
    "SystemicAlert",
    "URGENCY_RANK",
]
