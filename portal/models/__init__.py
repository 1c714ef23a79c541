"""Typed SQLAlchemy models; importing this package registers every table."""
from .complaint import Attachment, ClassificationFeedback, Complaint, ComplaintEvent, URGENCY_RANK
from .draft import IntakeDraft
from .contact_log import AuditRun, ComplaintContactLink, ContactImport, ContactLog, Finding
from .staff import ROLES, ApiKey, StaffUser

__all__ = [
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
    "IntakeDraft",
    "ROLES",
    "StaffUser",
    "URGENCY_RANK",
]
