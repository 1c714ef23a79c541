"""Evidence files: checked by content, size and number; stored outside the web root."""
from __future__ import annotations

import hashlib
import io
from pathlib import Path

import sqlalchemy as sa

from portal.domain import evidence_files
from portal.extensions import db
from portal.models import Attachment, Complaint

from .intake_helpers import EXECUTABLE, PDF, PNG, STEPS, WAV, multipart, submit


def upload(client, *files, action="upload"):
    body, content_type = multipart({"action": action}, [("files", name, content) for name, content in files])
    return client.post("/complaint/evidence", data=body, content_type=content_type)


def stored_files(app) -> list[Path]:
    folder = Path(app.config["UPLOAD_FOLDER"])
    return sorted(p for p in folder.iterdir()) if folder.exists() else []


def test_accepted_types_are_stored_under_random_names_and_attached(app, client):
    client.post("/complaint/what", data=STEPS["what"])
    response = upload(client, ("letter.pdf", PDF), ("screenshot.png", PNG), ("call.wav", WAV))
    assert response.status_code == 302
    page = client.get("/complaint/evidence").get_data(as_text=True)
    for name in ("letter.pdf", "screenshot.png", "call.wav"):
        assert name in page
    files = stored_files(app)
    assert len(files) == 3
    assert not any(p.name in ("letter.pdf", "screenshot.png", "call.wav") for p in files)
    assert not str(app.config["UPLOAD_FOLDER"]).startswith(app.static_folder)

    _response, reference, _code = submit(client)
    with app.app_context():
        complaint = db.session.scalar(sa.select(Complaint).where(Complaint.reference == reference))
        rows = {a.original_name: a for a in complaint.attachments}
        assert set(rows) == {"letter.pdf", "screenshot.png", "call.wav"}
        assert rows["letter.pdf"].content_type == "application/pdf"
        assert rows["screenshot.png"].content_type == "image/png"
        assert rows["call.wav"].content_type == "audio/wav"
        assert rows["letter.pdf"].sha256 == hashlib.sha256(PDF).hexdigest()
        assert rows["letter.pdf"].size == len(PDF)
        submitted = next(e for e in complaint.events if e.kind == "submitted")
        assert all(a.event_id == submitted.id for a in complaint.attachments)
        for row in complaint.attachments:
            path = Path(app.config["UPLOAD_FOLDER"]) / row.stored_name
            assert hashlib.sha256(path.read_bytes()).hexdigest() == row.sha256


def test_a_renamed_executable_is_refused_and_the_rest_is_kept(app, client):
    client.post("/complaint/what", data=STEPS["what"])
    response = upload(client, ("statement.pdf", EXECUTABLE), ("photo.png", PNG))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "“statement.pdf” is named like a file we accept, but what is inside is not a real PDF" in html
    assert "is not a file type we accept" not in html  # the name is fine: no contradiction
    assert "photo.png" in html  # the good file was kept
    assert len(stored_files(app)) == 1
    # The narrative typed earlier is still there.
    assert STEPS["what"]["narrative"] in client.get("/complaint/what").get_data(as_text=True)


def test_a_file_over_10_mb_is_refused(app, client):
    big = PDF + b"0" * (evidence_files.MAX_BYTES - len(PDF) + 1)
    response = upload(client, ("scan.pdf", big))
    assert response.status_code == 422
    assert "“scan.pdf” is larger than 10 MB" in response.get_data(as_text=True)
    assert stored_files(app) == []
    exactly = PDF + b"0" * (evidence_files.MAX_BYTES - len(PDF))
    assert upload(client, ("scan.pdf", exactly)).status_code == 302


def test_at_most_five_files(app, client):
    files = [(f"page{i}.png", PNG) for i in range(6)]
    response = upload(client, *files)
    assert response.status_code == 422
    assert "“page5.png” was not added: you can attach at most 5 files." in response.get_data(as_text=True)
    assert len(stored_files(app)) == 5
    page = client.get("/complaint/evidence").get_data(as_text=True)
    assert 'type="file"' not in page  # no room for more


def test_a_file_can_be_removed_from_the_draft(app, client):
    upload(client, ("one.png", PNG), ("two.pdf", PDF))
    page = client.get("/complaint/evidence").get_data(as_text=True)
    import re

    stored_name = re.search(r'name="remove" value="([^"]+\.png)"', page).group(1)
    response = client.post("/complaint/evidence", data={"remove": stored_name, "action": "upload"})
    assert response.status_code == 302
    page = client.get("/complaint/evidence").get_data(as_text=True)
    assert "one.png" not in page and "two.pdf" in page
    assert [p.suffix for p in stored_files(app)] == [".pdf"]


def test_files_added_when_tracking(app, client):
    _response, reference, code = submit(client)
    client.post("/track", data={"reference": reference, "access_code": code})
    response = client.post(
        "/track/add",
        data={"body": "", "files": [(io.BytesIO(PNG), "new-letter.png")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    refused = client.post(
        "/track/add",
        data={"body": "And this", "files": [(io.BytesIO(EXECUTABLE), "setup.jpg")]},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422
    assert "“setup.jpg” is named like a file we accept, but what is inside is not" in refused.get_data(as_text=True)
    assert "And this</textarea>" in refused.get_data(as_text=True)
    with app.app_context():
        complaint = db.session.scalar(sa.select(Complaint).where(Complaint.reference == reference))
        assert [a.original_name for a in complaint.attachments] == ["new-letter.png"]
        event = next(e for e in complaint.events if e.kind == "information_added")
        assert complaint.attachments[0].event_id == event.id
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 1
    assert "new-letter.png" in client.get("/track").get_data(as_text=True)
