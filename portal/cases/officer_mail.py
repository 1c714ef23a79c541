"""E-mail to the assigned officer when the cardholder answers, adds to or disputes a complaint.

The cardholder's pages record an event (``cardholder_answered``,
``information_added``, ``reopened``) and commit. Rather than each page
remembering to tell the officer, a session listener notes such events as
they are flushed and, once the transaction has committed, sends one short
message per event to the complaint's assignee, in the officer's language,
with a link to the case page. Nothing is sent for a rolled-back
transaction, and a failure to send never reaches the cardholder (the mail
module logs it). The cardholder's words stay on the site: the message only
says what happened.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import has_request_context, url_for
from flask_sqlalchemy.session import Session
from sqlalchemy import event

from ..models import ComplaintEvent

log = logging.getLogger(__name__)

NOTIFY_KINDS = frozenset({"cardholder_answered", "information_added", "reopened"})
_PENDING = "redress_officer_notices"


@dataclass(frozen=True)
class OfficerNotice:
    email: str
    language: str
    reference: str
    kind: str


@event.listens_for(Session, "after_flush")
def _collect(session, flush_context) -> None:
    for item in session.new:
        if not isinstance(item, ComplaintEvent) or item.kind not in NOTIFY_KINDS or item.actor_type != "cardholder":
            continue
        complaint = item.complaint
        officer = complaint.assignee if complaint is not None else None
        if officer is None or not officer.active or not officer.email:
            continue
        session.info.setdefault(_PENDING, []).append(
            OfficerNotice(officer.email, officer.language or "en", complaint.reference, item.kind))


@event.listens_for(Session, "after_rollback")
def _forget(session) -> None:
    session.info.pop(_PENDING, None)


@event.listens_for(Session, "after_commit")
def _send(session) -> None:
    notices = session.info.pop(_PENDING, None)
    if not notices:
        return
    for notice in notices:
        try:
            send_officer_notice(notice)
        except Exception:  # noqa: BLE001 - the cardholder's action is committed; never fail it
            log.exception("could not tell the officer about %s on %s", notice.kind, notice.reference)


def send_officer_notice(notice: OfficerNotice) -> bool:
    """Render ``templates/cases/email/officer_notice.*`` in the officer's language and send."""
    from flask import render_template
    from flask_babel import force_locale

    from .. import mail

    if has_request_context():
        case_url = url_for("cases.complaint", reference=notice.reference, _external=True)
    else:
        case_url = f"/staff/complaints/{notice.reference}"
    context = {"reference": notice.reference, "kind": notice.kind, "case_url": case_url}
    with force_locale(notice.language):
        subject = render_template("cases/email/officer_notice.subject.txt", **context)
        text = render_template("cases/email/officer_notice.txt", **context)
    return mail.send_message(mail.build_message(notice.email, " ".join(subject.split()), text))
