"""The confirmation e-mail through a real SMTP conversation, and when the server is down."""
from __future__ import annotations

import email
import socket
import socketserver
import threading
from email import policy

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import Complaint

from .intake_helpers import read_outbox, submit


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough of RFC 5321 for smtplib: greet, take one or more messages, quit."""

    def handle(self):
        def reply(text: str) -> None:
            self.wfile.write(text.encode() + b"\r\n")

        reply("220 test SMTP")
        data, lines = False, []
        while line := self.rfile.readline():
            if data:
                if line in (b".\r\n", b".\n"):
                    self.server.messages.append(b"".join(lines))
                    data, lines = False, []
                    reply("250 queued")
                else:
                    lines.append(line[1:] if line.startswith(b"..") else line)
                continue
            command = line.decode("ascii", "replace").strip().upper()
            if command.startswith("EHLO"):
                reply("250-test")
                reply("250 8BITMIME")
            elif command.startswith(("HELO", "MAIL", "RCPT", "RSET", "NOOP")):
                reply("250 OK")
            elif command == "DATA":
                data = True
                reply("354 end with .")
            elif command == "QUIT":
                reply("221 bye")
                return
            else:
                reply("502 not implemented")


@pytest.fixture
def smtp_server():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
    server.daemon_threads = True
    server.messages = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_the_confirmation_goes_through_smtp(app, client, smtp_server, outbox):
    app.config.update(MAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_server.server_address[1])
    response, reference, code = submit(client, lang="zh_Hans")
    assert "我们也已将它们发送到 jane@example.com。" in response.get_data(as_text=True)
    assert len(smtp_server.messages) == 1
    message = email.message_from_bytes(smtp_server.messages[0], policy=policy.default)
    assert message["To"] == "jane@example.com"
    assert message["Subject"] == f"我们已收到您的投诉 {reference}"
    assert code in message.get_body(preferencelist=("plain",)).get_content()
    assert message.get_body(preferencelist=("html",)) is not None
    assert read_outbox(outbox) == []


def test_a_mail_server_that_is_down_loses_nothing(app, client):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app.config.update(MAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=port)
    response, reference, code = submit(client)
    html = response.get_data(as_text=True)
    assert "We could not send the e-mail with your codes just now." in html
    assert code in html
    with app.app_context():
        assert db.session.scalar(sa.select(Complaint.id).where(Complaint.reference == reference)) is not None
