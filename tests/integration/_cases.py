"""Builders for case-management tests: complaints in a known state."""
from __future__ import annotations

import datetime as dt
import itertools

import sqlalchemy as sa

from portal.cases.clock import refresh_deadlines
from portal.extensions import db
from portal.models import URGENCY_RANK, Complaint
from portal.timeline import record_event

_numbers = itertools.count(1)

UTC = dt.timezone.utc


def gen_complaint(app, *, urgency: str | None = "normal", category: str | None = "harassment",
                  jurisdiction: str = "us-cfpb", narrative: str = "The collector calls me ten times a day at work.",
                  received_at: dt.datetime | None = None, language: str = "en", status: str = "received",
                  email: str | None = None, assignee_id: int | None = None, evidence: list | None = None,
                  now: dt.datetime | None = None, access_code: str | None = None) -> str:
    """Store one complaint with its submitted event and deadlines; returns its reference."""
    with app.app_context():
        reference = f"RD-TEST-{next(_numbers):04d}"
        complaint = Complaint(
            reference=reference,
            access_code_hash=_hash(access_code) if access_code else "unused",
            source="web",
            language=language,
            jurisdiction=jurisdiction,
            status=status,
            narrative=narrative,
            received_at=received_at or dt.datetime.now(UTC),
            category=category,
            urgency=urgency,
            urgency_rank=URGENCY_RANK.get(urgency or "normal", 2),
            routing={"category": category, "urgency": urgency, "scores": {category or "other": 0.9},
                     "urgency_scores": {urgency or "normal": 0.8}, "evidence": evidence or [],
                     "model_version": "test-1"} if urgency else None,
            model_version="test-1" if urgency else None,
            email=email,
            assignee_id=assignee_id,
            pauses=[],
        )
        db.session.add(complaint)
        record_event(complaint, "submitted", actor_type="cardholder", public=True)
        db.session.flush()
        refresh_deadlines(complaint, now)
        db.session.commit()
        return reference


def _hash(code: str) -> str:
    from portal.domain.references import hash_access_code

    return hash_access_code(code)


def load(app, reference: str) -> Complaint:
    """The complaint as stored now (detached; read its columns)."""
    with app.app_context():
        complaint = db.session.scalar(sa.select(Complaint).where(Complaint.reference == reference))
        db.session.expunge(complaint)
        return complaint


def case_form(client, reference: str, prefix: str, like: str | None = None) -> dict:
    """The hidden version fields of one form on the case page, as a browser would send them.

    ``like``: read them from that form instead (to force a post the page does not offer).
    """
    import re

    html = client.get(f"/staff/complaints/{reference}").get_data(as_text=True)
    if like:
        fields = case_form(client, reference, like)
        return {k.replace(f"{like}-", f"{prefix}-", 1): v for k, v in fields.items()}
    version = re.search(rf'name="{prefix}-version"[^>]*value="(\d+)"', html) or re.search(
        rf'value="(\d+)"[^>]*name="{prefix}-version"', html)
    seen = re.search(rf'name="{prefix}-seen_event"[^>]*value="(\d+)"', html) or re.search(
        rf'value="(\d+)"[^>]*name="{prefix}-seen_event"', html)
    assert version, f"no {prefix} form on the case page"
    return {f"{prefix}-version": version.group(1), f"{prefix}-seen_event": seen.group(1) if seen else "0"}
