"""Imports and audits started from the web go onto an RQ queue in Redis when
one is configured, and `flask --app portal jobs work` works them off."""
from __future__ import annotations

import io
import uuid

import pytest
import sqlalchemy as sa

from portal.config import settings_from_environment
from portal.contacts.background import job_failed, job_queue
from portal.contacts.importer import import_rows
from portal.extensions import db
from portal.models import ContactImport, Finding
from tests.conftest import require_redis
from tests.integration.test_audit_cli import worked_logs
from tests.integration.test_audit_pages import csv_bytes
from tests.integration.test_contacts_import import gen_row



@pytest.fixture
def queued_app(app):
    app.config["JOB_QUEUE_URL"] = require_redis()
    app.config["JOB_QUEUE_NAME"] = f"redress-test-{uuid.uuid4().hex}"
    yield app
    job_queue(app).connection.flushdb()  # jobs, results, registries and the worker's record


def _import_id(response) -> int:
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def test_an_upload_waits_on_the_queue_until_a_worker_runs_it(queued_app, client, auth, runner):
    app = queued_app
    auth.login("auditor")
    response = client.post("/audit/imports", data={"file": (io.BytesIO(csv_bytes([gen_row(i) for i in range(1, 8)])),
                                                            "april.csv"), "source": ""},
                           content_type="multipart/form-data")
    assert response.status_code == 303
    import_id = _import_id(response)
    assert job_queue(app).count == 1
    assert client.get(f"/audit/imports/{import_id}/progress").get_json()["status"] == "queued"
    assert "Waiting for a job worker" in client.get(f"/audit/imports/{import_id}").get_data(as_text=True)

    result = runner.invoke(args=["jobs", "work", "--burst"])
    assert result.exit_code == 0, result.output
    assert job_queue(app).count == 0
    progress = client.get(f"/audit/imports/{import_id}/progress").get_json()
    assert progress["status"] == "done" and progress["imported"] == 7
    assert "Waiting for a job worker" not in client.get(f"/audit/imports/{import_id}").get_data(as_text=True)


def test_an_audit_run_from_the_page_goes_through_the_queue(queued_app, client, auth, runner):
    app = queued_app
    with app.app_context():
        # The page's audit covers the profile's own logs: these New York logs are imported as cn-nfra's.
        import_rows(worked_logs(), jurisdiction="cn-nfra")
    auth.login("auditor")
    assert client.post("/audit/run", data={"profile": "cn-nfra"}).status_code == 303
    assert job_queue(app).count == 1
    assert runner.invoke(args=["jobs", "work", "--burst"]).exit_code == 0
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Finding).where(Finding.profile == "cn-nfra")) == 4


def test_a_job_whose_worker_died_is_marked_failed_on_its_row(queued_app, client, auth):
    """RQ calls the failure callback for a job it finds abandoned; the row says what to do."""
    app = queued_app
    auth.login("auditor")
    response = client.post("/audit/imports", data={"file": (io.BytesIO(csv_bytes([gen_row(1)])), "may.csv"),
                                                    "source": ""}, content_type="multipart/form-data")
    import_id = _import_id(response)
    job = job_queue(app).jobs[0]
    with app.app_context():
        job_failed(job, None, RuntimeError, RuntimeError("worker died"), None)
        record = db.session.get(ContactImport, import_id)
        assert record.status == "failed" and "upload the file again" in record.error


def test_without_a_queue_the_worker_command_says_what_to_set(app, runner):
    result = runner.invoke(args=["jobs", "work", "--burst"])
    assert result.exit_code != 0 and "REDIS_URL" in result.output


def test_redis_url_configures_the_queue_and_shared_rate_limits(monkeypatch, tmp_path):
    monkeypatch.delenv("JOB_QUEUE_URL", raising=False)
    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    plain = settings_from_environment(str(tmp_path))
    assert "JOB_QUEUE_URL" not in plain and plain["RATELIMIT_STORAGE_URI"] == "memory://"
    monkeypatch.setenv("REDIS_URL", "redis://cache:6379/2")
    shared = settings_from_environment(str(tmp_path))
    assert shared["JOB_QUEUE_URL"] == "redis://cache:6379/2"
    assert shared["RATELIMIT_STORAGE_URI"] == "redis://cache:6379/2"
