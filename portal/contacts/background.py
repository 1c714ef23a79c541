"""Long jobs started from a web page: contact-log imports and audit runs.

The request saves what the job needs, commits, starts a thread and answers
at once; the page then shows the job's progress row (``ContactImport``,
``AuditRun``). The thread has its own application context and session. With
``CONTACT_JOBS_INLINE`` set (tests), the job runs inside the request instead.
A job cut short by a restart leaves its row ``running``; ``stale_after``
marks it as such on the status page.
"""
from __future__ import annotations

import logging
import threading
from pathlib import Path

from flask import Flask, current_app

from ..extensions import db

log = logging.getLogger(__name__)

_threads: dict[str, threading.Thread] = {}


def _start(name: str, target, *args) -> None:
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.config.get("CONTACT_JOBS_INLINE"):
        target(app, *args)
        return
    thread = threading.Thread(target=target, args=(app, *args), name=name, daemon=True)
    _threads[name] = thread
    thread.start()


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
            db.session.remove()


def start_audit(profile_id: str, staff_id: int | None) -> None:
    _start(f"audit-{profile_id}", _run_audit, profile_id, staff_id)


def _run_audit(app: Flask, profile_id: str, staff_id: int | None) -> None:
    from ..models import StaffUser
    from .auditing import run_audit

    with app.app_context():
        try:
            staff = db.session.get(StaffUser, staff_id) if staff_id else None
            run_audit(profile_id, staff=staff)
            db.session.commit()
        except Exception:  # noqa: BLE001
            log.exception("audit of profile %s failed", profile_id)
            db.session.rollback()
            if app.config.get("CONTACT_JOBS_INLINE"):
                raise
        finally:
            if not app.config.get("CONTACT_JOBS_INLINE"):
                db.session.remove()
