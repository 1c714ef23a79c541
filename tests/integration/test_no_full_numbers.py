"""End to end: card and resident ID numbers sent through every door of the
contact-log import (CSV and JSON Lines from the CLI, the JSON API, the staff
upload), in every column and in bad rows, then every audit and export run and
every page read. No full number may be left in any table, file, answer or
log line."""
from __future__ import annotations

import csv
import io
import json
import logging
from pathlib import Path

import sqlalchemy as sa

from portal.domain.contact_fields import FIELD_NAMES
from portal.domain.profiles import profile_ids
from portal.extensions import db
from portal.models import ContactImport, ContactLog, Finding

from .test_contacts_import import gen_row
from .test_data_protection import RESIDENT_ID, api_key, bearer, full_numbers  # noqa: F401  (api_key: a fixture)

# Every way of writing the numbers: plain, grouped, and with the separators people use.
WRITTEN = (
    "4111111111111111", "4111 1111 1111 1111", "4111-1111-1111-1111", "4111  1111  1111  1111",
    "5555.5555.5555.4444", "5555\t5555\t5555\t4444", "3782 822463 10005", "378282246310005",
    RESIDENT_ID, "110105 19491231 002X", "4222222222222",
)
TEXT_COLUMNS = ("external_id", "source", "agency", "agent_id", "account_ref", "contact_point", "notes")
CHOICE_COLUMNS = ("channel", "direction", "outcome", "counterparty", "disposition", "consumer_tz", "occurred_at",
                  "duration_s")


def numbered_rows(prefix: str) -> list[dict[str, str]]:
    """Good rows with a number in every text column, and bad rows with a number in each other column."""
    rows = []
    for n, written in enumerate(WRITTEN):
        row = gen_row(n, occurred_at=f"2026-03-02T{5 + n % 3:02d}:15:00-05:00")  # before 08:00: findings
        for column in TEXT_COLUMNS:
            row[column] = f"{column} {written}"
        row["external_id"] = f"{prefix}-{n}-{written}"
        row["account_ref"] = f"acct {written}"
        rows.append(row)
    for n, column in enumerate(CHOICE_COLUMNS):
        written = WRITTEN[n % len(WRITTEN)]
        row = gen_row(100 + n)
        for text_column in TEXT_COLUMNS:
            row[text_column] = f"{text_column} {written}"
        row["external_id"] = f"{prefix}-bad-{n}-{written}"
        row[column] = written
        rows.append(row)
    return rows


def csv_text(rows) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(FIELD_NAMES), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue() + f"{WRITTEN[1]},too,few\n"  # a row with the wrong number of fields


def jsonl_text(rows) -> str:
    lines = [json.dumps(r) for r in rows]
    lines.append(json.dumps({**gen_row(200), f"column {WRITTEN[0]}": "x"}))  # an unknown field named with a number
    lines.append("{" + json.dumps(WRITTEN[2]) + ": not json")  # not JSON at all
    return "\n".join(lines) + "\n"


def every_stored_value(app) -> str:
    with app.app_context():
        texts = []
        with db.engine.connect() as connection:
            for table in db.metadata.sorted_tables:
                for row in connection.execute(table.select()):
                    texts.append(" | ".join(str(value) for value in row))
        return "\n".join(texts)


def every_file(*folders: Path) -> dict[Path, str]:
    found = {}
    for folder in folders:
        for path in Path(folder).rglob("*"):
            if path.is_file():
                found[path] = path.read_bytes().decode("utf-8", "replace")
    return found


def test_no_full_number_survives_any_import_audit_export_or_page(app, runner, client, auth, api_key, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    app.config["CONTACT_JOBS_INLINE"] = True
    seen: list[tuple[str, str]] = []  # (where, text) of every answer and output

    # CLI: CSV and JSON Lines (each imported twice: the second time all duplicates, nothing rejected anew).
    files = tmp_path / "files"
    files.mkdir()
    (files / "logs.csv").write_text(csv_text(numbered_rows("csv")), encoding="utf-8")
    (files / "logs.jsonl").write_text(jsonl_text(numbered_rows("jsonl")), encoding="utf-8")
    for name in ("logs.csv", "logs.jsonl"):
        for attempt in (1, 2):
            result = runner.invoke(args=["contacts", "import", str(files / name), "--source", f"src {WRITTEN[3]}"])
            assert result.exit_code == 0, result.output
            counts = json.loads(result.output.strip().splitlines()[-1])
            good = len(WRITTEN)
            assert counts["imported" if attempt == 1 else "duplicates"] == good, (name, counts)
            assert counts["rejected"] == len(CHOICE_COLUMNS) + (1 if name == "logs.csv" else 2)
            seen.append((f"cli {name}", result.output))

    # The API, with bad rows among the good.
    answer = client.post("/api/v1/contact-logs", headers=bearer(api_key), json=numbered_rows("api"))
    assert answer.status_code == 207 and answer.json["imported"] == len(WRITTEN)
    seen.append(("api", answer.get_data(as_text=True)))

    # The staff upload page.
    auth.login("auditor")
    upload = client.post("/audit/imports", content_type="multipart/form-data",
                         data={"file": (io.BytesIO(csv_text(numbered_rows("upload")).encode()), f"upload {WRITTEN[1]}.csv"),
                               "source": f"upload {WRITTEN[0]}"})
    assert upload.status_code == 303
    seen.append(("upload status", client.get(upload.headers["Location"]).get_data(as_text=True)))

    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ContactLog)) == 4 * len(WRITTEN)
        imports = db.session.scalars(sa.select(ContactImport.id)).all()

    # Every audit, from the command line and from the page, and every export.
    for profile in profile_ids():
        result = runner.invoke(args=["audit", "run", "--profile", profile])
        assert result.exit_code == 0, result.output
        seen.append((f"audit run {profile}", result.output))
        exported = runner.invoke(args=["audit", "export", "--profile", profile])
        assert exported.exit_code == 0 and exported.output.strip()
        seen.append((f"audit export {profile}", exported.output))
    assert client.post("/audit/run", data={"profile": "us-cfpb"}).status_code in (302, 303)
    with app.app_context():
        findings = db.session.scalars(sa.select(Finding.id)).all()
        logs = db.session.scalars(sa.select(ContactLog.id)).all()
    assert findings

    # Every page and file a member of staff can read.
    pages = ["/audit/imports", "/audit/findings", "/audit/findings.csv", "/audit/scorecards",
             *[f"/audit/imports/{i}" for i in imports], *[f"/audit/imports/{i}/progress" for i in imports],
             *[f"/audit/findings.csv?profile={p}" for p in profile_ids()],
             *[f"/audit/findings/{i}" for i in findings[:60]], *[f"/audit/logs/{i}" for i in logs]]
    for url in pages:
        with client.get(url) as response:
            assert response.status_code == 200, url
            seen.append((url, response.get_data(as_text=True)))
    for import_id in imports:
        with client.get(f"/audit/imports/{import_id}/rejects.csv") as response:
            if response.status_code == 200:
                seen.append((f"rejects {import_id}", response.get_data(as_text=True)))

    leaks = [(where, full_numbers(text)) for where, text in seen if full_numbers(text)]
    assert leaks == []
    stored = every_stored_value(app)
    assert "[card •••• 1111]" in stored and "[ID •••• 002X]" in stored
    assert full_numbers(stored) == []
    written = every_file(tmp_path)
    written = {path: text for path, text in written.items() if path.parent != files or path.suffix == ".csv"
               and path.name.endswith(".rejects.csv")}
    assert any(path.name.endswith(".rejects.csv") for path in written)
    assert {str(path): full_numbers(text) for path, text in written.items() if full_numbers(text)} == {}
    log_text = "\n".join(logging.Formatter().format(record) for record in caplog.records)
    assert full_numbers(log_text) == []
