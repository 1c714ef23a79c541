"""`flask audit run` and `flask audit export` on a small worked data set."""
from __future__ import annotations

import json

import sqlalchemy as sa

from portal.contacts.auditing import run_audit
from portal.contacts.importer import import_rows
from portal.extensions import db
from portal.models import AuditRun, Finding


def gen_log(external_id: str, occurred_at: str, **overrides) -> dict:
    row = {
        "external_id": external_id,
        "source": "acme-dialer",
        "agency": "Acme Collections",
        "agent_id": "A17",
        "account_ref": "ACC-1",
        "occurred_at": occurred_at,
        "consumer_tz": "America/New_York",
        "channel": "call",
        "direction": "outbound",
        "outcome": "no_answer",
        "counterparty": "debtor",
        "contact_point": "+1 555 010 4477",
    }
    row.update(overrides)
    return row


def worked_logs() -> list[dict]:
    """ACC-1: eight calls on 2 March (09:00-16:00 New York) and one at 21:30
    on 3 March; ACC-2: one call at 07:30 and a busy call at 23:00."""
    logs = [gen_log(f"E{h - 8}", f"2026-03-02T{h:02d}:00:00-05:00") for h in range(9, 17)]
    logs.append(gen_log("E9", "2026-03-03T21:30:00-05:00"))
    logs.append(gen_log("F1", "2026-03-02T07:30:00-05:00", account_ref="ACC-2", agent_id="B2"))
    logs.append(gen_log("F2", "2026-03-02T23:00:00-05:00", account_ref="ACC-2", agent_id="B2", outcome="busy"))
    return logs


def load(app, logs=None):
    with app.app_context():
        result = import_rows(logs or worked_logs())
        assert result.rejected == 0, result.rejects


def run(runner, *args):
    result = runner.invoke(args=["audit", *args])
    assert result.exit_code == 0, result.output
    return result


def test_us_cfpb_run_counts_and_export(app, runner):
    load(app)
    result = run(runner, "run", "--profile", "us-cfpb")
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["profile"] == "us-cfpb"
    assert report["logs_checked"] == 11
    counts = report["counts"]
    # E8 is the 8th attempt in 7 days, E9 the 9th; E9 (21:30), F1 (07:30) and the
    # busy F2 (23:00: US-TIME covers every outbound call) are outside 08:00-21:00.
    assert counts["US-7IN7"] == 2
    assert counts["US-TIME"] == 3
    assert all(counts[rule] == 0 for rule in ("US-POSTCONV", "US-CEASE", "US-STOPCHAN", "US-WORK", "US-ATTY", "US-3P"))
    assert report["total"] == sum(counts.values())

    exported = [json.loads(line) for line in run(runner, "export", "--profile", "us-cfpb").stdout.splitlines()]
    assert {(f["rule_id"], f["external_id"]) for f in exported} == {
        ("US-7IN7", "E8"),
        ("US-7IN7", "E9"),
        ("US-TIME", "E9"),
        ("US-TIME", "F1"),
        ("US-TIME", "F2"),
    }
    eighth = next(f for f in exported if f["rule_id"] == "US-7IN7" and f["external_id"] == "E8")
    assert eighth == {
        "rule_id": "US-7IN7",
        "source": "acme-dialer",
        "external_id": "E8",
        "account_ref": "ACC-1",
        "agency": "Acme Collections",
        "agent_id": "A17",
        "related": ["E1", "E2", "E3", "E4", "E5", "E6", "E7"],
    }
    late = next(f for f in exported if f["rule_id"] == "US-TIME" and f["external_id"] == "F1")
    assert late["related"] == [] and late["agent_id"] == "B2" and late["account_ref"] == "ACC-2"


def test_findings_store_what_the_pages_show(app, runner):
    load(app)
    run(runner, "run", "--profile", "us-cfpb")
    with app.app_context():
        finding = db.session.scalar(sa.select(Finding).where(Finding.rule_id == "US-7IN7").order_by(Finding.occurred_at))
        assert finding.citation == "12 CFR 1006.14(b)(2)(i)(A)"
        assert finding.contact_log.external_id == "E8"
        assert len(finding.related_log_ids) == 7
        assert finding.window_end == finding.contact_log.occurred_at
        assert finding.explanation_en and finding.explanation_zh
        assert finding.profile == "us-cfpb"


def test_rerun_replaces_only_that_profiles_findings(app, runner):
    load(app)
    run(runner, "run", "--profile", "us-cfpb")
    report = json.loads(run(runner, "run", "--profile", "cn-nfra").stdout.strip().splitlines()[-1])
    # CN-NIGHT: F1 (07:30) and F2 (23:00); CN-ATTEMPTS-6: the 7th and 8th attempt to
    # the number on 2 March (E7, E8).
    assert report["counts"]["CN-NIGHT"] == 2
    assert report["counts"]["CN-ATTEMPTS-6"] == 2
    run(runner, "run", "--profile", "us-cfpb")
    with app.app_context():
        per_profile = dict(
            db.session.execute(sa.select(Finding.profile, sa.func.count()).group_by(Finding.profile)).all()
        )
        assert per_profile["us-cfpb"] == 5
        assert per_profile["cn-nfra"] == report["total"]
        runs = db.session.scalars(sa.select(AuditRun).order_by(AuditRun.id)).all()
        assert [(r.profile, r.status) for r in runs] == [
            ("us-cfpb", "replaced"),
            ("cn-nfra", "done"),
            ("us-cfpb", "done"),
        ]
        # Only the current run's findings remain.
        assert set(db.session.scalars(sa.select(Finding.audit_run_id).where(Finding.profile == "us-cfpb"))) == {runs[2].id}


def test_a_failed_run_keeps_the_previous_findings(app, runner):
    load(app)
    run(runner, "run", "--profile", "us-cfpb")

    def broken_scanner(text):
        raise RuntimeError("scanner crashed")

    load(app, [gen_log("E10", "2026-03-04T10:00:00-05:00", notes="some words")])
    with app.app_context():
        try:
            run_audit("us-cfpb", scanner=broken_scanner)
        except RuntimeError:
            db.session.rollback()
        else:  # pragma: no cover
            raise AssertionError("the run should have failed")
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Finding)) == 5
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditRun)) == 1


def test_language_findings_are_stored_with_the_profile_run(app):
    load(app, [gen_log("L1", "2026-03-02T10:00:00-05:00", notes="Agent said: pay today or we will ruin you")])

    def phrase_scanner(text):
        return [{"label": "threat", "text": "we will ruin you", "start": text.index("we will"), "end": len(text)}]

    with app.app_context():
        audit_run = run_audit("uk-fca", scanner=phrase_scanner)
        db.session.commit()
        assert audit_run.counts["LANG-ABUSE"] == 1
        finding = db.session.scalar(sa.select(Finding).where(Finding.rule_id == "LANG-ABUSE"))
        assert finding.profile == "uk-fca"
        assert finding.evidence[0]["text"] == "we will ruin you"


def test_unknown_profile_is_a_clear_error(app, runner):
    for command in ("run", "export"):
        result = runner.invoke(args=["audit", command, "--profile", "mars"])
        assert result.exit_code == 1
        assert "Unknown jurisdiction profile 'mars'" in result.output
        assert "us-cfpb" in result.output


def test_language_check_uses_the_classifier_and_appears_in_export(app, runner):
    load(app, [
        gen_log("T1", "2026-03-02T10:00:00-05:00", notes="Told him: pay today or we will come to your house and hurt you"),
        gen_log("T2", "2026-03-02T11:00:00-05:00", notes="left voicemail asking for a call back"),
    ])
    report = json.loads(run(runner, "run", "--profile", "uk-fca").stdout.strip().splitlines()[-1])
    assert report["counts"]["LANG-ABUSE"] == 1
    exported = [json.loads(line) for line in run(runner, "export", "--profile", "uk-fca").stdout.splitlines()]
    assert [(f["rule_id"], f["external_id"], f["related"]) for f in exported] == [("LANG-ABUSE", "T1", [])]
    with app.app_context():
        finding = db.session.scalar(sa.select(Finding).where(Finding.rule_id == "LANG-ABUSE"))
        assert finding.profile == "uk-fca"
        assert any(item["label"] == "threat" for item in finding.evidence)
