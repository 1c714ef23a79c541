"""Systemic-issue alerts: `flask alerts run` on seeded data, and the supervisor's page."""
from __future__ import annotations

import datetime as dt
import itertools
import json
import re

import sqlalchemy as sa

from portal.extensions import db
from portal.models import AuditRun, Complaint, ContactLog, Finding, SystemicAlert

UTC = dt.timezone.utc
SPIKE_WEEK = dt.date(2026, 11, 16)  # a Monday
AS_OF = "2026-11-19"  # the Thursday of that week
_numbers = itertools.count(1)


def seed_weeks(app, agency: str, category: str, per_week: list[int], *, last_week: dt.date = SPIKE_WEEK,
               jurisdiction: str = "us-cfpb") -> None:
    """``per_week[-1]`` complaints in ``last_week``, the others in the weeks before it (Tuesdays, noon New York)."""
    with app.app_context():
        first = last_week - dt.timedelta(weeks=len(per_week) - 1)
        for i, n in enumerate(per_week):
            day = first + dt.timedelta(weeks=i, days=1)
            for j in range(n):
                db.session.add(Complaint(
                    reference=f"RD-AL-{next(_numbers):05d}", access_code_hash="unused", jurisdiction=jurisdiction,
                    narrative="They keep calling me at work every day.", agency=agency, category=category,
                    urgency="normal", received_at=dt.datetime.combine(day, dt.time(17, j % 60), UTC), pauses=[],
                ))
        db.session.commit()


def add_finding(app, agency: str, when: dt.datetime) -> int:
    with app.app_context():
        log = ContactLog(source="dialer", external_id=f"x{next(_numbers)}", agency=agency, account_ref="A1",
                         occurred_at=when, consumer_tz="America/New_York", channel="call", direction="outbound",
                         outcome="connected", counterparty="debtor")
        run = AuditRun(profile="us-cfpb")
        db.session.add_all([log, run])
        db.session.flush()
        finding = Finding(audit_run_id=run.id, profile="us-cfpb", rule_id="US-7IN7", contact_log_id=log.id,
                          account_ref="A1", agency=agency, occurred_at=when, explanation_en="8 calls in 7 days",
                          explanation_zh="7天内8次")
        db.session.add(finding)
        db.session.commit()
        return finding.id


def run_alerts(runner, *args) -> list[dict]:
    result = runner.invoke(args=["alerts", "run", "--as-of", AS_OF, *args])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines() if line.strip()]


def test_a_planted_spike_is_found_and_nothing_else(app, runner):
    seed_weeks(app, "Apex Recoveries", "harassment", [2, 3, 1, 2, 2, 3, 2, 1, 12])
    seed_weeks(app, "Brook Collections", "harassment", [3, 4, 3, 2, 4, 3, 3, 4, 5])  # ordinary
    seed_weeks(app, "Apex Recoveries", "wrong_amount", [1, 1, 1, 1, 1, 1, 1, 1, 2])
    lines = run_alerts(runner)
    assert len(lines) == 1, lines
    line = lines[0]
    assert {k: line[k] for k in ("agency", "category", "week", "count", "expected")} == {
        "agency": "Apex Recoveries", "category": "harassment", "week": SPIKE_WEEK.isoformat(), "count": 12,
        "expected": 2.0}
    from portal.domain.alerts import poisson_upper_tail
    import math

    assert line["score"] == round(-math.log10(poisson_upper_tail(12, 2.0)), 2)
    assert line["profile"] == "us-cfpb" and line["findings"] == 0
    # A rerun updates, never duplicates.
    assert len(run_alerts(runner)) == 1
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SystemicAlert)) == 1


def test_no_spike_no_alert(app, runner):
    seed_weeks(app, "Apex Recoveries", "harassment", [5, 6, 4, 5, 7, 5, 6, 4, 8])
    seed_weeks(app, "Apex Recoveries", "threats", [0, 0, 0, 0, 0, 0, 0, 1, 3])  # few complaints: never
    assert run_alerts(runner) == []
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SystemicAlert)) == 0


def test_agencies_are_grouped_however_they_are_written_and_findings_corroborate(app, runner):
    seed_weeks(app, "Apex Recoveries", "harassment", [1, 1, 1, 1, 1, 1, 1, 1, 6])
    seed_weeks(app, "APEX RECOVERIES ", "harassment", [1, 1, 1, 1, 1, 1, 1, 1, 6])
    near = add_finding(app, "apex recoveries", dt.datetime(2026, 11, 10, 15, tzinfo=UTC))  # 6 days before
    add_finding(app, "Apex Recoveries", dt.datetime(2026, 9, 1, 15, tzinfo=UTC))  # long before: not counted
    add_finding(app, "Other Agency", dt.datetime(2026, 11, 17, 15, tzinfo=UTC))
    lines = run_alerts(runner)
    assert len(lines) == 1 and lines[0]["count"] == 12 and lines[0]["findings"] == 1
    with app.app_context():
        alert = db.session.scalar(sa.select(SystemicAlert))
        from portal.oversight.alerts import alert_complaints, corroborating_findings

        assert [f.id for f in corroborating_findings(alert)] == [near]
        assert len(alert_complaints(alert)) == 12


def test_the_profile_threshold_is_what_decides(app, runner, monkeypatch):
    seed_weeks(app, "Apex Recoveries", "harassment", [2, 2, 2, 2, 2, 2, 2, 2, 7])  # p ≈ 0.0045
    assert run_alerts(runner) == []
    from portal.domain.alerts import AlertSettings
    from portal.oversight import alerts as service

    monkeypatch.setattr(service, "settings_for", lambda _p: AlertSettings(max_p_value=0.01))
    assert [line["count"] for line in run_alerts(runner)] == [7]


def test_the_supervisor_sees_links_and_acknowledges(app, client, auth, runner):
    seed_weeks(app, "Apex Recoveries", "harassment", [2, 3, 1, 2, 2, 3, 2, 1, 12])
    finding = add_finding(app, "Apex Recoveries", dt.datetime(2026, 11, 17, 15, tzinfo=UTC))
    run_alerts(runner)
    with app.app_context():
        alert_id = db.session.scalar(sa.select(SystemicAlert.id))
        references = set(db.session.scalars(sa.select(Complaint.reference).where(
            Complaint.received_at >= dt.datetime(2026, 11, 16, 5, tzinfo=UTC))))
    auth.login("supervisor")
    listing = client.get("/staff/alerts").get_data(as_text=True)
    assert f"/staff/alerts/{alert_id}" in listing and "Apex Recoveries" in listing
    page = client.get(f"/staff/alerts/{alert_id}").get_data(as_text=True)
    linked = set(re.findall(r"/staff/complaints/(RD-AL-\d+)", page))
    assert linked == references and len(linked) == 12
    assert f"/audit/findings/{finding}" in page
    answer = client.post(f"/staff/alerts/{alert_id}/acknowledge", follow_redirects=True)
    assert "Alert acknowledged." in answer.get_data(as_text=True)
    with app.app_context():
        alert = db.session.get(SystemicAlert, alert_id)
        assert alert.acknowledged_at is not None and alert.acknowledged_by_id is not None
    again = client.post(f"/staff/alerts/{alert_id}/acknowledge", follow_redirects=True)
    assert "already acknowledged" in again.get_data(as_text=True)
    # A rerun keeps the acknowledgement.
    run_alerts(runner)
    with app.app_context():
        assert db.session.get(SystemicAlert, alert_id).acknowledged_at is not None


def test_acknowledging_needs_the_csrf_token(app, client, auth, runner):
    seed_weeks(app, "Apex Recoveries", "harassment", [2, 3, 1, 2, 2, 3, 2, 1, 12])
    run_alerts(runner)
    auth.login("supervisor")
    app.config["WTF_CSRF_ENABLED"] = True  # signed in; now as in production
    with app.app_context():
        alert_id = db.session.scalar(sa.select(SystemicAlert.id))
    assert client.post(f"/staff/alerts/{alert_id}/acknowledge").status_code == 400
    with app.app_context():
        assert db.session.get(SystemicAlert, alert_id).acknowledged_at is None


def test_bad_options_are_refused_clearly(runner):
    result = runner.invoke(args=["alerts", "run", "--profile", "xx-none"])
    assert result.exit_code != 0 and "Unknown jurisdiction profile" in result.output
    result = runner.invoke(args=["alerts", "run", "--as-of", "19/11/2026"])
    assert result.exit_code != 0 and "2026-11-30" in result.output


def _last_week_monday() -> dt.date:
    today = dt.datetime.now(UTC).date()
    return today - dt.timedelta(days=today.weekday() + 7)


def test_the_supervisor_runs_the_check_from_the_page(app, client, auth):
    seed_weeks(app, "Apex Recoveries", "harassment", [2, 3, 1, 2, 2, 3, 2, 1, 12], last_week=_last_week_monday())
    auth.login("supervisor")
    page = client.get("/staff/alerts").get_data(as_text=True)
    assert "flask --app portal" not in page
    assert 'action="/staff/alerts/run"' in page and "Check the last 4 weeks now" in page
    answer = client.post("/staff/alerts/run", follow_redirects=True).get_data(as_text=True)
    assert "Checked the last 4 weeks: 1 alert" in answer
    assert "Apex Recoveries" in answer
    with app.app_context():
        alert = db.session.scalar(sa.select(SystemicAlert))
        assert alert.week_start == _last_week_monday() and alert.count == 12
    # Nothing new: it says so, and stores no duplicate.
    client.post("/staff/alerts/run")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SystemicAlert)) == 1


def test_the_check_with_nothing_to_find_says_so(app, client, auth):
    auth.login("supervisor")
    answer = client.post("/staff/alerts/run?lang=zh_Hans", follow_redirects=True).get_data(as_text=True)
    assert "已检查最近 4 周" in answer


def test_running_the_check_needs_the_csrf_token_and_a_supervisor(app, client, auth):
    seed_weeks(app, "Apex Recoveries", "harassment", [2, 3, 1, 2, 2, 3, 2, 1, 12], last_week=_last_week_monday())
    auth.login("officer")
    assert client.post("/staff/alerts/run").status_code == 403
    auth.logout()
    auth.login("supervisor")
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post("/staff/alerts/run").status_code == 400
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SystemicAlert)) == 0
