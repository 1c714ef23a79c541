"""Long jobs started from a web page: contact-log imports and audit runs.

The request saves what the job needs, commits, hands the job on and answers
at once; the page then shows the job's progress row (``ContactImport``,
``AuditRun``).

Where the job goes:

- with ``JOB_QUEUE_URL`` set (a Redis URL; ``REDIS_URL`` sets it), onto an
  RQ queue, which ``flask --app portal jobs work`` works off in processes of
  their own: a web restart or a second app server loses nothing, and a job
  whose worker died is marked failed on its row when RQ finds it abandoned;
- otherwise (a laptop), into a thread of the web process, with its own
  application context and session; a restart cuts such a job short and
  leaves its row ``running`` (the status page says it looks stalled);
- with ``CONTACT_JOBS_INLINE`` set (tests), inside the request.
"""
from __future__ import annotations

import logging
import threading
from pathlib import Path

from flask import Flask, current_app

from ..extensions import db

log = logging.getLogger(__name__)

_threads: dict[str, threading.Thread] = {}

# An import of a few million rows takes minutes; RQ stops a job after this.
JOB_TIMEOUT_SECONDS = 4 * 60 * 60


def job_queue(app: Flask):
    """The RQ queue jobs go to, or None when JOB_QUEUE_URL is not set."""
    url = app.config.get("JOB_QUEUE_URL")
    if not url:
        return None
    from redis import Redis
    from rq import Queue

    return Queue(app.config.get("JOB_QUEUE_NAME", "redress"), connection=Redis.from_url(url))


def _start(name: str, target, *args) -> None:
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.config.get("CONTACT_JOBS_INLINE"):
        target(app, *args)
        return
    queue = job_queue(app)
    if queue is not None:
        from rq import Callback

        queue.enqueue(run_job, target.__name__, *args, description=name, job_timeout=JOB_TIMEOUT_SECONDS,
                      on_failure=Callback(job_failed))
        return
    thread = threading.Thread(target=target, args=(app, *args), name=name, daemon=True)
    _threads[name] = thread
    thread.start()


def run_job(kind: str, *args) -> None:
    """What an RQ worker runs; the worker (flask ... jobs work) holds the app context."""
    _JOBS[kind](current_app._get_current_object(), *args)  # type: ignore[attr-defined]


def job_failed(job, connection, exc_type, exc_value, traceback) -> None:
    """RQ's failure callback, also called for a job abandoned by a dead worker: record it on the row."""
    kind, *args = job.args
    log.error("job %s (%s) failed: %s", job.id, job.description, exc_type.__name__)
    if kind != "_run_import":
        return  # an audit run is one transaction: one that stopped left nothing behind
    from ..models import ContactImport

    with current_app.app_context():
        try:
            record = db.session.get(ContactImport, args[0])
            if record is not None and record.status in ("queued", "running"):
                record.status = "failed"
                record.error = ("the import stopped before it finished; upload the file again "
                                "(rows already stored count as duplicates)")
                db.session.commit()
        finally:
            db.session.remove()


def wait_for_jobs(timeout: float = 60) -> None:
    """Join every job thread started by this process (tests, shutdown)."""
    for name, thread in list(_threads.items()):
        thread.join(timeout)
        _threads.pop(name, None)


def start_import(import_id: int, path: Path, source: str | None, rejects_path: Path) -> None:
    _start(f"contact-import-{import_id}", _run_import, import_id, str(path), source, str(rejects_path))


def _run_import(app: Flask, import_id: int, path: str, source: str | None, rejects_path: str) -> None:
    from ..models import ContactImport
    from .importer import ImportFailed, ImportFileError, import_file

    with app.app_context():
        record = db.session.get(ContactImport, import_id)
        if record is None:
            return
        try:
            import_file(Path(path), source=source, channel="upload", record=record,
                        rejects_path=Path(rejects_path))
        except (ImportFileError, ImportFailed):
            pass  # recorded on the ContactImport row by the importer
        except Exception:  # noqa: BLE001 - a job thread must record, not crash silently
            log.exception("contact import %s failed", import_id)
            db.session.rollback()
            record = db.session.get(ContactImport, import_id)
            if record is not None and record.status == "running":
                record.status = "failed"
                record.error = "internal error; see the server log"
                db.session.commit()
        finally:
            # The upload holds the rows as sent, card numbers and all: once
            # read, only the masked logs and the masked rejects file are kept.
            Path(path).unlink(missing_ok=True)
            db.session.remove()


def start_audit(profile_id: str, staff_id: int | None) -> None:
    _start(f"audit-{profile_id}", _run_audit, profile_id, staff_id)


def _run_audit(app: Flask, profile_id: str, staff_id: int | None) -> None:
    from ..models import StaffUser
    from .auditing import run_audit

    with app.app_context():
        try:
            staff = db.session.get(StaffUser, staff_id) if staff_id else None
            # The pages' audit covers the profile's own logs (SPEC section 8, "scoped audit").
            run_audit(profile_id, staff=staff, own_logs=True)
            db.session.commit()
        except Exception:  # noqa: BLE001
            log.exception("audit of profile %s failed", profile_id)
            db.session.rollback()
            if app.config.get("CONTACT_JOBS_INLINE"):
                raise
        finally:
            if not app.config.get("CONTACT_JOBS_INLINE"):
                db.session.remove()


_JOBS = {"_run_import": _run_import, "_run_audit": _run_audit}
