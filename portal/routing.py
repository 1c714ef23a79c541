"""Routing complaints with the classifier, without ever losing one.

``classifiers.route`` is the one entry point into the classifier. A failure
(missing model, bad input, a bug) leaves the complaint stored, unrouted and
flagged with the error; ``flask complaints route --all`` retries.
"""
from __future__ import annotations

import logging

from .models import URGENCY_RANK, Complaint
from .models.types import utcnow
from .timeline import record_event

log = logging.getLogger(__name__)

MAX_ROUTING_ATTEMPTS = 20


def route_complaint(complaint: Complaint) -> bool:
    """Route one complaint in place; True when routed. Never raises."""
    complaint.routing_attempts = (complaint.routing_attempts or 0) + 1
    try:
        import classifiers

        routing = classifiers.route(complaint.narrative)
        result = routing.to_dict()
        # The masked text is the stored narrative already (filing masks first,
        # and masking is idempotent); keeping it twice would only waste space.
        result.pop("masked_text", None)
    except Exception as error:  # noqa: BLE001 - a classifier failure must not lose the complaint
        log.exception("routing failed for %s", complaint.reference)
        complaint.routing_error = f"{type(error).__name__}: {error}"[:2000]
        return False
    _apply(complaint, result)
    return True


def _apply(complaint: Complaint, result: dict) -> None:
    """Store one routing result on the complaint, with its ``routed`` event."""
    complaint.category = result["category"]
    complaint.urgency = result["urgency"]
    complaint.urgency_rank = URGENCY_RANK.get(result["urgency"], URGENCY_RANK["normal"])
    complaint.model_version = result.get("model_version")
    complaint.routing = result
    complaint.routed_at = utcnow()
    complaint.routing_error = None
    record_event(
        complaint,
        "routed",
        actor_type="system",
        public=False,
        data={
            "category": complaint.category,
            "urgency": complaint.urgency,
            "model_version": complaint.model_version,
        },
    )


def route_complaints(complaints: list[Complaint]) -> int:
    """Route many complaints in place with the classifier's batch path; how many were routed.

    Never raises: if the batch fails, each complaint is routed on its own, so
    one narrative the classifier cannot take leaves only that one unrouted.
    """
    if not complaints:
        return 0
    try:
        import classifiers

        routings = classifiers.route_many([c.narrative for c in complaints])
        if len(routings) != len(complaints):
            raise RuntimeError(f"{len(routings)} routings for {len(complaints)} narratives")
    except Exception:  # noqa: BLE001 - fall back to one at a time, which records each failure
        log.exception("batch routing failed; routing %d complaints one by one", len(complaints))
        return sum(route_complaint(c) for c in complaints)
    for complaint, routing in zip(complaints, routings):
        complaint.routing_attempts = (complaint.routing_attempts or 0) + 1
        result = routing.to_dict()
        result.pop("masked_text", None)
        _apply(complaint, result)
    return len(complaints)
