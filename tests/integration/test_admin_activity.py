"""The administrators' activity log: every change recorded with who made it,
in the same transaction, never a secret; shown newest first in both languages."""
from __future__ import annotations

import re

import sqlalchemy as sa

from portal import admin_log
from portal.extensions import db
from portal.models import AdminEvent, ApiKey, StaffUser


def events(app) -> list[tuple[str, str, str, dict]]:
    with app.app_context():
        rows = db.session.scalars(sa.select(AdminEvent).order_by(AdminEvent.id)).all()
        return [(e.action, e.subject, e.actor_label, e.details) for e in rows]


def every_value(app) -> str:
    with app.app_context():
        return " ".join(repr(tuple(row)) for row in db.session.execute(sa.select(AdminEvent.__table__)))


def test_each_admin_change_is_recorded_with_its_actor_and_no_secret(app, client, auth):
    auth.login("admin")
    created = client.post("/admin/staff/new", data={"email": "sam@redress.test", "role": "officer",
                                                    "display_name": "Sam"})
    made_password = re.search(r'<code class="reference-box secret">([^<]+)</code>', created.get_data(as_text=True))[1]
    with app.app_context():
        sam = db.session.scalar(sa.select(StaffUser).where(StaffUser.email == "sam@redress.test")).id
    client.post(f"/admin/staff/{sam}", data={"display_name": "Samuel", "role": "supervisor", "language": "zh_Hans"})
    client.post(f"/admin/staff/{sam}", data={"display_name": "Samuel", "role": "supervisor", "language": "zh_Hans"})
    reset = client.post(f"/admin/staff/{sam}/password")
    reset_password = re.search(r'<code class="reference-box secret">([^<]+)</code>', reset.get_data(as_text=True))[1]
    client.post(f"/admin/staff/{sam}/deactivate")
    client.post(f"/admin/staff/{sam}/reactivate")
    key_page = client.post("/admin/api-keys", data={"name": "Bank CRM"}).get_data(as_text=True)
    secret = re.search(r'<code class="reference-box secret">([^<]+)</code>', key_page)[1]
    with app.app_context():
        key = db.session.scalar(sa.select(ApiKey))
        key_id, prefix = key.id, key.prefix
    client.post(f"/admin/api-keys/{key_id}/revoke")
    client.post(f"/admin/api-keys/{key_id}/revoke")  # already revoked: nothing new happened
    client.post("/admin/profile", data={"profile": "uk-fca"})

    recorded = events(app)
    assert [(action, subject) for action, subject, _, _ in recorded] == [
        ("staff.created", "sam@redress.test"),
        ("staff.updated", "sam@redress.test"),  # the second, identical save changed nothing
        ("staff.password_reset", "sam@redress.test"),
        ("staff.deactivated", "sam@redress.test"),
        ("staff.reactivated", "sam@redress.test"),
        ("api_key.created", f"{prefix}… Bank CRM"),
        ("api_key.revoked", f"{prefix}… Bank CRM"),
        ("profile.default_changed", "uk-fca"),
    ]
    assert {actor for _, _, actor, _ in recorded} == {"admin@redress.test"}
    assert recorded[0][3] == {"role": "officer", "display_name": "Sam", "language": None,
                              "first_sign_in": "generated"}
    assert recorded[1][3] == {"role": ["officer", "supervisor"], "display_name": ["Sam", "Samuel"],
                              "language": [None, "zh_Hans"]}
    assert recorded[-1][3] == {"previous": "us-cfpb", "chosen": "uk-fca"}
    stored = every_value(app)
    for secret_text in (made_password, reset_password, secret):
        assert secret_text not in stored


def test_activity_page_lists_changes_newest_first_in_both_languages(app, client, auth):
    auth.login("admin")
    officer = auth.create("officer")
    client.post(f"/admin/staff/{officer}", data={"display_name": "Olive", "role": "supervisor", "language": ""})
    client.post(f"/admin/staff/{officer}/deactivate")
    page = client.get("/admin/activity").get_data(as_text=True)
    assert page.index("Staff account deactivated") < page.index("Staff account changed")
    assert "Complaint officer" in page and "Supervisor" in page and "→" in page
    assert "admin@redress.test" in page
    chinese = client.get("/admin/activity?lang=zh_Hans").get_data(as_text=True)
    assert "停用" in chinese and "操作记录" in chinese


def test_the_log_escapes_what_it_shows(app, client, auth):
    auth.login("admin")
    client.post("/admin/api-keys", data={"name": "<script>alert(1)</script>"})
    page = client.get("/admin/activity").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_command_line_changes_are_recorded_too(app, runner):
    result = runner.invoke(args=["users", "create", "cli@redress.test", "--role", "auditor", "--password-stdin"],
                           input="a long enough password\n")
    assert result.exit_code == 0, result.output
    created = runner.invoke(args=["api-keys", "create", "Dialer"])
    assert created.exit_code == 0, created.output
    runner.invoke(args=["api-keys", "revoke", "Dialer"])
    recorded = events(app)
    assert [(a, actor) for a, _, actor, _ in recorded] == [("staff.created", "command line"),
                                                            ("api_key.created", "command line"),
                                                            ("api_key.revoked", "command line")]
    assert "a long enough password" not in every_value(app)


def test_record_refuses_unknown_actions_and_drops_secret_fields(app):
    with app.app_context():
        try:
            admin_log.record("staff.vanished", "x")
        except ValueError as error:
            assert "staff.vanished" in str(error)
        else:
            raise AssertionError("an unknown action was recorded")
        event = admin_log.record("staff.created", "x@redress.test", None, role="officer", password="hunter2",
                                 api_secret="s", session_token="t")
        assert event.details == {"role": "officer"}
