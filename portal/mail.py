"""Outgoing e-mail with a configurable backend.

``MAIL_BACKEND``:

* ``outbox`` (default): each message is written as an ``.eml`` file to
  ``MAIL_OUTBOX`` (``instance/outbox/``), for a laptop run and for tests;
* ``smtp``: sent through ``SMTP_HOST``/``SMTP_PORT``, with ``SMTP_STARTTLS``
  and ``SMTP_USERNAME``/``SMTP_PASSWORD`` when set;
* ``none``: nothing is sent.

Mail goes out after the request's transaction has committed; a failure to
send is logged and reported to the caller, never raised, so a filed
complaint is never lost because a mail server is down.
"""
from __future__ import annotations

import logging
import smtplib
import uuid
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale

log = logging.getLogger(__name__)

BACKENDS = ("outbox", "smtp", "none")


def build_message(to: str, subject: str, text: str, html: str | None = None) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="redress.example")
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    return message


def send_message(message: EmailMessage) -> bool:
    """Deliver one message with the configured backend; True when handed over."""
    backend = current_app.config.get("MAIL_BACKEND", "outbox")
    try:
        if backend == "outbox":
            folder = Path(current_app.config["MAIL_OUTBOX"])
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"{uuid.uuid4().hex}.eml"
            path.write_bytes(bytes(message))
        elif backend == "smtp":
            config = current_app.config
            with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=20) as smtp:
                if config.get("SMTP_STARTTLS"):
                    smtp.starttls()
                if config.get("SMTP_USERNAME"):
                    smtp.login(config["SMTP_USERNAME"], config.get("SMTP_PASSWORD") or "")
                smtp.send_message(message)
        elif backend == "none":
            return False
        else:
            raise ValueError(f"unknown MAIL_BACKEND {backend!r}; backends are {', '.join(BACKENDS)}")
    except (OSError, smtplib.SMTPException, ValueError):
        log.exception("could not send mail %r", message["Subject"])
        return False
    return True


def send_templated(to: str, template: str, language: str, **context) -> bool:
    """Render ``templates/email/<template>.{subject.txt,txt,html}`` in ``language`` and send.

    The subject template is one line; the HTML part is optional. Like
    :func:`send_message`, never raises: the caller has already committed and
    must still show the cardholder their codes.
    """
    from jinja2 import TemplateNotFound

    try:
        with force_locale(language):
            subject = render_template(f"email/{template}.subject.txt", **context)
            text = render_template(f"email/{template}.txt", **context)
            try:
                html = render_template(f"email/{template}.html", **context)
            except TemplateNotFound:
                html = None
        message = build_message(to, " ".join(subject.split()), text, html)
    except Exception:  # noqa: BLE001 - a broken template must not hide a filed complaint
        log.exception("could not render mail %s", template)
        return False
    return send_message(message)


def send_decision(complaint, track_url: str) -> bool:
    """The institution's response as its own message: text, outcome, relief with its amount.

    In the cardholder's language, like the tracking page shows it (the CFPB
    portal e-mails the company's response the same way). Never raises.
    """
    if not complaint.email:
        return False
    from .domain.profiles import load_profile
    from .intake.copy import response_of

    language = complaint.language or "en"
    try:
        with force_locale(language):
            response = response_of(complaint)
    except Exception:  # noqa: BLE001 - the decision is committed; a mail problem must not undo the page
        log.exception("could not build the decision mail of %s", complaint.reference)
        return False
    if response is None:
        return False
    return send_templated(
        complaint.email,
        "decision",
        language,
        complaint=complaint,
        response=response,
        track_url=track_url,
        review_days=load_profile(complaint.jurisdiction).deadlines.review_window_days,
        html_lang="zh-Hans" if language == "zh_Hans" else "en",
    )
