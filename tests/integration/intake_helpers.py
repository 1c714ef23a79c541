"""Builders for the cardholder journey: fill the guided form step by step."""
from __future__ import annotations

import email
import re
from pathlib import Path

CARD = "4111 1111 1111 1111"  # Luhn-valid test card number
CARD_DIGITS = "4111111111111111"

# Minimal files that pass the content checks.
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
WAV = b"RIFF" + (36).to_bytes(4, "little") + b"WAVEfmt " + (16).to_bytes(4, "little") + b"\x01\x00\x01\x00" + (8000).to_bytes(4, "little") + (8000).to_bytes(4, "little") + b"\x01\x00\x08\x00data\x00\x00\x00\x00"
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200

STEPS = {
    "what": {"narrative": "A collector from Acme Recovery phoned me nine times a day and threatened to tell my employer."},
    "who": {
        "agency": "Acme Recovery",
        "agent_name": "Mr Smith",
        "contact_numbers": "+1 202 555 0147\n202-555-0199",
        "channels": ["phone", "text"],
        "incident_start": "2026-10-01",
        "incident_end": "2026-10-20",
    },
    "amounts": {"amount_demanded": "1250.00", "amount_believed_owed": "300", "currency": "USD"},
    "wish": {"desired_resolution": "Stop calling my workplace and correct the amount."},
    "details": {
        "name": "Jane Doe",
        "email": "jane@example.com",
        "phone": "+1 202 555 0100",
        "account_ref": "1111",
        "vulnerabilities": ["older_person"],
        "jurisdiction": "us-cfpb",
        "consent": "y",
    },
}


def fill_steps(client, overrides: dict | None = None, *, lang: str | None = None):
    """Post every step with valid answers (or the overrides per step)."""
    overrides = overrides or {}
    for slug in ("what", "who", "amounts", "wish", "evidence", "details"):
        data = dict(STEPS.get(slug, {}))
        data.update(overrides.get(slug, {}))
        data.setdefault("action", "continue")
        url = f"/complaint/{slug}" + (f"?lang={lang}" if lang else "")
        response = client.post(url, data=data)
        assert response.status_code == 302, (slug, response.get_data(as_text=True)[:3000])
    return response


def submit(client, overrides: dict | None = None, *, lang: str | None = None):
    """Fill every step and send; returns (response, reference, access code)."""
    fill_steps(client, overrides, lang=lang)
    sent = client.post("/complaint/review" + (f"?lang={lang}" if lang else ""))
    assert sent.status_code == 303 and sent.headers["Location"].endswith("/track/confirmation"), sent.get_data(as_text=True)[:3000]
    response = client.get("/track/confirmation")
    assert response.status_code == 200, response.get_data(as_text=True)[:3000]
    html = response.get_data(as_text=True)
    reference = re.search(r'id="reference">([^<]+)<', html).group(1)
    code = re.search(r'id="access-code">([^<]+)<', html).group(1)
    return response, reference, code


def read_outbox(folder: Path) -> list[email.message.EmailMessage]:
    from email import policy

    return [
        email.message_from_bytes(path.read_bytes(), policy=policy.default)
        for path in sorted(Path(folder).glob("*.eml"))
    ]


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def multipart(fields: dict, files: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    """A multipart/form-data body built in memory (werkzeug's builder spools
    large bodies to temporary files that the test client never closes)."""
    boundary = "----redress-test-boundary"
    parts: list[bytes] = []
    for name, value in fields.items():
        values = value if isinstance(value, list) else [value]
        for item in values:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{item}\r\n'.encode()
            )
    for field, filename, content in files:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
            f"Content-Type: application/octet-stream\r\n\r\n".encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
