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
    return True
