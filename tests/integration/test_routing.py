"""Routing at intake: every complaint routed when filed, with its evidence
stored; a classifier failure never loses a complaint; `complaints route --all`
retries."""
from __future__ import annotations

import json

import sqlalchemy as sa

import classifiers
from portal.extensions import db
from portal.filing import ComplaintDraft, file_complaint
from portal.models import Complaint, ComplaintEvent

CHINESE_THREAT = "催收员昨天打电话说，如果这周不还钱，就找人上门打断我的腿，还要对我家人动手。我很害怕。"


def _file(app, narrative: str, language: str = "en") -> str:
    with app.app_context():
        filed = file_complaint(
            ComplaintDraft(narrative=narrative, language=language, jurisdiction="cn-nfra", consent=True),
            source="web",
        )
        db.session.commit()
        return filed.complaint.reference


def _complaint(app, reference: str) -> Complaint:
    with app.app_context():
        complaint = db.session.scalar(sa.select(Complaint).where(Complaint.reference == reference))
        db.session.expunge(complaint)
        return complaint


def test_chinese_threat_of_violence_is_routed_critical_with_its_evidence(app):
    reference = _file(app, CHINESE_THREAT, language="zh_Hans")
    complaint = _complaint(app, reference)
    assert complaint.urgency == "critical"
    assert complaint.urgency_rank == 0
    assert complaint.routed_at is not None and complaint.routing_error is None
    routing = complaint.routing
    assert routing["model_version"] == complaint.model_version
    assert set(routing["scores"]) >= {"harassment", "threats", "not_owed"}
    assert set(routing["urgency_scores"]) == {"critical", "high", "normal", "low"}
    # The evidence names the rule and points at the words in the stored (masked) narrative.
    rule_evidence = [e for e in routing["evidence"] if e["source"] == "rule"]
    assert rule_evidence, routing["evidence"]
    for item in routing["evidence"]:
        assert complaint.narrative[item["start"]:item["end"]] == item["text"]
    assert any("腿" in e["text"] or "动手" in e["text"] for e in rule_evidence)
    # Critical urgency shortens the acknowledgement to the same business day.
    assert complaint.ack_due_at is not None
    with app.app_context():
        kinds = db.session.scalars(
            sa.select(ComplaintEvent.kind).where(ComplaintEvent.complaint_id == complaint.id)
        ).all()
    assert "submitted" in kinds and "routed" in kinds


def test_evidence_offsets_refer_to_the_masked_narrative(app):
    narrative = ("My card 4111 1111 1111 1111 is closed. The collector said he will kill me "
                 "if I do not pay by Friday.")
    complaint = _complaint(app, _file(app, narrative))
    assert "4111 1111 1111 1111" not in complaint.narrative
    assert complaint.urgency == "critical"
    for item in complaint.routing["evidence"]:
        assert complaint.narrative[item["start"]:item["end"]] == item["text"]


def test_a_classifier_failure_keeps_the_complaint_and_route_all_retries(app, runner, monkeypatch):
    def broken(text: str):
        raise RuntimeError("model files unreadable")

    monkeypatch.setattr(classifiers, "route", broken)
    reference = _file(app, "They call my employer every day and told my boss about my debt.")
    stored = _complaint(app, reference)
    assert stored.status == "received"
    assert stored.routed_at is None and stored.category is None
    assert "model files unreadable" in stored.routing_error
    assert stored.ack_due_at is not None  # deadlines still run, as for a normal complaint

    result = runner.invoke(args=["complaints", "route", "--all"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["failed"] == 1  # still broken: flagged again, nothing lost

    monkeypatch.undo()
    result = runner.invoke(args=["complaints", "route", "--all"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"routed": 1, "failed": 0, "failures": []}
    routed = _complaint(app, reference)
    assert routed.category is not None and routed.urgency in {"critical", "high", "normal", "low"}
    assert routed.routing_error is None
    assert routed.routing_attempts == 3
