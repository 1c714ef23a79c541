"""`flask complaints` commands.

``export-feedback`` writes officers' corrections of the routing as training
lines for the classifier corpus. Further commands (e.g. ``route``) are added
to the same group as functions below.
"""
from __future__ import annotations

import json

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from ..extensions import db
from ..models import ClassificationFeedback, Complaint

complaints_cli = AppGroup("complaints", help="Complaints: routing and training feedback.")

# The classifier corpus writes languages as "en" / "zh" (classifiers/data/*.jsonl).
CORPUS_LANGUAGE = {"en": "en", "zh_Hans": "zh"}


def feedback_line(feedback: ClassificationFeedback, complaint: Complaint) -> dict:
    """One corpus line: the masked narrative with the officer's labels."""
    language = CORPUS_LANGUAGE.get(complaint.language, complaint.language)
    return {
        "id": f"feedback-{feedback.id}",
        "text": complaint.narrative,
        "category": feedback.new_category,
        "urgency": feedback.new_urgency,
        "lang": language,
        "language": language,
        "source": "officer_feedback",
        "reference": complaint.reference,
        "old_category": feedback.old_category,
        "old_urgency": feedback.old_urgency,
        "model_version": feedback.model_version,
        "reason": feedback.reason,
        "created_at": feedback.created_at.isoformat(),
    }


@complaints_cli.command("export-feedback")
@click.option("--latest-only/--all-corrections", default=True, show_default=True,
              help="One line per complaint with its latest correction, or every correction.")
def export_feedback(latest_only: bool) -> None:
    """Print officers' reclassifications as JSON Lines in the classifier corpus format."""
    rows = db.session.execute(
        sa.select(ClassificationFeedback, Complaint)
        .join(Complaint, Complaint.id == ClassificationFeedback.complaint_id)
        .order_by(ClassificationFeedback.complaint_id, ClassificationFeedback.id)
    ).all()
    if latest_only:
        latest: dict[int, tuple] = {}
        for feedback, complaint in rows:
            latest[complaint.id] = (feedback, complaint)
        rows = sorted(latest.values(), key=lambda pair: pair[0].id)
    for feedback, complaint in rows:
        click.echo(json.dumps(feedback_line(feedback, complaint), ensure_ascii=False))


@complaints_cli.command("route")
@click.option("--all", "route_all", is_flag=True, help="Route every complaint not yet routed.")
@click.argument("references", nargs=-1)
def route(route_all: bool, references: tuple[str, ...]) -> None:
    """Route complaints with the classifier: those not yet routed, or the ones named.

    A complaint whose routing failed at intake is stored unrouted with the
    error; this command retries it (run it from cron, or after fixing the
    model). Prints one JSON object: routed, failed, and the failures.
    """
    from ..cases.clock import refresh_deadlines
    from ..routing import route_complaint

    if not route_all and not references:
        raise click.UsageError("give --all or one or more complaint references")
    query = sa.select(Complaint).order_by(Complaint.id)
    if references:
        query = query.where(Complaint.reference.in_([r.strip().upper() for r in references]))
    else:
        query = query.where(Complaint.routed_at.is_(None))
    routed, failed = 0, []
    for complaint in db.session.scalars(query).all():
        if route_complaint(complaint):
            refresh_deadlines(complaint)
            routed += 1
        else:
            failed.append({"reference": complaint.reference, "error": complaint.routing_error})
        db.session.commit()  # one complaint per transaction: a failure loses no other
    click.echo(json.dumps({"routed": routed, "failed": len(failed), "failures": failed}, ensure_ascii=False))
