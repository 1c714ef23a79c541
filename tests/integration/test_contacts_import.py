"""`flask contacts import`: CSV and JSON Lines, rejects, duplicates, conflicts."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from portal.contacts.importer import ImportFailed, import_file, import_rows
from portal.domain.contact_fields import FIELD_NAMES
from portal.extensions import db
from portal.models import ContactImport, ContactLog


def gen_row(n: int, **overrides) -> dict[str, str]:
    row = {
        "external_id": f"E{n}",
        "source": "acme-dialer",
        "agency": "Acme Collections",
        "agent_id": "A17",
        "account_ref": "ACC-1001",
        "occurred_at": f"2026-03-02T{9 + n % 10:02d}:15:00-05:00",
        "consumer_tz": "America/New_York",
        "channel": "call",
        "direction": "outbound",
        "outcome": "no_answer",
        "duration_s": "0",
        "counterparty": "debtor",
        "contact_point": "+1 555 010 4477",
        "notes": "",
        "disposition": "",
    }
    row.update(overrides)
    return row


def write_csv(path: Path, rows, header=FIELD_NAMES) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(header), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_jsonl(path: Path, rows) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def run_import(runner, path: Path, *extra: str):
    result = runner.invoke(args=["contacts", "import", str(path), *extra])
    return result


def summary(result) -> dict:
    assert result.exit_code == 0, result.output
    return json.loads(result.output.strip().splitlines()[-1])


def read_rejects(path: Path) -> list[dict]:
    with Path(str(path) + ".rejects.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def stored(app) -> dict[str, ContactLog]:
    with app.app_context():
        logs = db.session.scalars(sa.select(ContactLog)).all()
        return {log.external_id: log for log in logs}


def test_csv_rejects_each_bad_row_with_line_and_reason_and_keeps_the_rest(app, runner, tmp_path):
    path = tmp_path / "logs.csv"
    good = [gen_row(i) for i in range(1, 4)]
    # Written by hand so that each line number is known: line 1 is the header.
    lines = [",".join(FIELD_NAMES)]

    def as_line(row):
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow([row[f] for f in FIELD_NAMES])
        return buffer.getvalue()[:-1]

    lines.append(as_line(good[0]))  # 2 ok
    lines.append(as_line(gen_row(10, channel="fax")))  # 3 bad channel
    lines.append(as_line(gen_row(11, occurred_at="2026-03-02T09:15:00")))  # 4 no offset
    lines.append(as_line(gen_row(12, consumer_tz="Mars/Olympus")))  # 5 bad zone
    lines.append(as_line(gen_row(13, duration_s="-5")))  # 6 negative duration
    lines.append(as_line(gen_row(14, account_ref="")))  # 7 missing required
    lines.append("E15,acme-dialer,too,few,fields")  # 8 wrong field count
    lines.append(as_line(gen_row(2, notes="first line\nsecond line")))  # 9-10: one record on two lines
    lines.append(as_line(gen_row(16, duration_s="3.5")))  # 11 not whole
    lines.append("")  # 12 blank: not a row
    lines.append(as_line(gen_row(3)))  # 13 ok
    lines.append(as_line(gen_row(17, outcome="")))  # 14 missing outcome
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = summary(run_import(runner, path))
    assert result == {"imported": 3, "duplicates": 0, "rejected": 8}
    rejects = read_rejects(path)
    assert [int(r["line"]) for r in rejects] == [3, 4, 5, 6, 7, 8, 11, 14]
    reasons = {int(r["line"]): r["reason"] for r in rejects}
    assert reasons[3].startswith("channel: the value is not allowed")
    assert "no UTC offset" in reasons[4]
    assert reasons[5].startswith("consumer_tz: the value is not an IANA time zone")
    assert reasons[6].startswith("duration_s: the value is")
    assert reasons[7] == "account_ref: required"
    assert reasons[8] == "has 5 fields; the header has 15"
    assert reasons[11].startswith("duration_s: the value is not a whole number")
    assert reasons[14].startswith("outcome: required")
    assert rejects[0]["row"].startswith("E10,acme-dialer")  # the original row is kept for fixing
    logs = stored(app)
    assert set(logs) == {"E1", "E2", "E3"}
    assert logs["E2"].notes == "first line\nsecond line"
    assert logs["E1"].occurred_at.isoformat() == "2026-03-02T15:15:00+00:00"
    assert logs["E1"].phone_key == "550104477"
    with app.app_context():
        record = db.session.scalar(sa.select(ContactImport))
        assert (record.status, record.imported, record.rejected, record.channel) == ("done", 3, 8, "cli")
        assert record.bytes_done == record.bytes_total == path.stat().st_size


def test_reimport_changes_nothing(app, runner, tmp_path):
    path = write_csv(tmp_path / "logs.csv", [gen_row(i) for i in range(1, 6)] + [gen_row(9, channel="pigeon")])
    assert summary(run_import(runner, path)) == {"imported": 5, "duplicates": 0, "rejected": 1}
    before = {k: (v.id, v.imported_at) for k, v in stored(app).items()}
    assert summary(run_import(runner, path)) == {"imported": 0, "duplicates": 5, "rejected": 1}
    after = {k: (v.id, v.imported_at) for k, v in stored(app).items()}
    assert before == after
    # Same content written differently (spaces, another offset for the same instant) is a duplicate.
    respelled = gen_row(1, agency="  Acme Collections ", occurred_at="2026-03-02T15:15:00Z")
    again = write_csv(tmp_path / "again.csv", [respelled])
    assert summary(run_import(runner, again)) == {"imported": 0, "duplicates": 1, "rejected": 0}


def test_conflicting_row_is_rejected_not_overwritten(app, runner, tmp_path):
    first = write_csv(tmp_path / "first.csv", [gen_row(1), gen_row(2)])
    summary(run_import(runner, first))
    changed = write_csv(tmp_path / "changed.csv", [gen_row(1, outcome="connected", duration_s="60"), gen_row(3)])
    assert summary(run_import(runner, changed)) == {"imported": 1, "duplicates": 0, "rejected": 1}
    [reject] = read_rejects(changed)
    assert reject["line"] == "2"
    assert reject["reason"].startswith("conflict: the same source and external_id as the stored log")
    assert "outcome" in reject["reason"] and "duration_s" in reject["reason"]
    assert stored(app)["E1"].outcome == "no_answer"


def test_repeated_row_in_one_file_is_a_duplicate_or_a_conflict(app, runner, tmp_path):
    path = write_csv(
        tmp_path / "repeats.csv",
        [gen_row(1), gen_row(2), gen_row(1), gen_row(2, agent_id="B9")],
    )
    assert summary(run_import(runner, path)) == {"imported": 2, "duplicates": 1, "rejected": 1}
    [reject] = read_rejects(path)
    assert reject["line"] == "5"
    assert "line 3 of this file" in reject["reason"] and "agent_id" in reject["reason"]
    assert stored(app)["E2"].agent_id == "A17"


def test_repeats_across_batches_behave_the_same(app, tmp_path):
    rows = [gen_row(i) for i in range(1, 8)] + [gen_row(1), gen_row(2, channel="sms")]
    path = write_csv(tmp_path / "batches.csv", rows)
    with app.app_context():
        result = import_file(path, batch_size=3)
    assert result.summary() == {"imported": 7, "duplicates": 1, "rejected": 1}
    [reject] = read_rejects(path)
    assert reject["line"] == "10" and "channel" in reject["reason"]


def test_a_stored_key_after_new_ones_in_a_batch_is_found(app, tmp_path):
    """The first rows of the batch are new, a later one is stored: new rows are
    kept, the identical stored row is a duplicate, the changed one a reject."""
    with app.app_context():
        import_file(write_csv(tmp_path / "first.csv", [gen_row(i) for i in range(1, 4)]))
        rows = [gen_row(i) for i in range(10, 16)] + [gen_row(2), gen_row(3, agent_id="B9")]
        path = write_csv(tmp_path / "second.csv", rows)
        result = import_file(path)
    assert result.summary() == {"imported": 6, "duplicates": 1, "rejected": 1}
    [reject] = read_rejects(path)
    assert reject["line"] == "9" and "the stored log" in reject["reason"] and "agent_id" in reject["reason"]
    assert set(stored(app)) == {f"E{i}" for i in (1, 2, 3, *range(10, 16))}
    assert stored(app)["E3"].agent_id == "A17"


def test_jsonl_and_source_fills_only_rows_without_one(app, runner, tmp_path):
    no_source = gen_row(1)
    del no_source["source"]
    own_source = gen_row(2, source="bank-letters")
    empty_source = gen_row(3, source="")
    path = tmp_path / "logs.jsonl"
    path.write_text(
        "\n".join(
            [
                json.dumps(no_source),  # 1
                json.dumps(own_source),  # 2
                "{not json",  # 3
                "",  # 4 blank: skipped
                json.dumps(["a", "list"]),  # 5
                json.dumps({**gen_row(4), "colour": "red"}),  # 6 unknown field
                json.dumps(empty_source),  # 7
                json.dumps(gen_row(5, duration_s=42)),  # 8 numbers are fine
                json.dumps(gen_row(6, duration_s={"s": 1})),  # 9
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    assert summary(run_import(runner, path, "--source", "agency-file-7")) == {
        "imported": 4,
        "duplicates": 0,
        "rejected": 4,
    }
    logs = stored(app)
    assert logs["E1"].source == "agency-file-7"
    assert logs["E2"].source == "bank-letters"
    assert logs["E3"].source == "agency-file-7"
    assert logs["E5"].duration_s == 42
    reasons = {int(r["line"]): r["reason"] for r in read_rejects(path)}
    assert set(reasons) == {3, 5, 6, 9}
    assert reasons[3].startswith("not valid JSON")
    assert reasons[5] == "expected a JSON object of field names and values"
    assert reasons[6] == "unknown field(s): 'colour'"
    assert reasons[9].startswith("duration_s: expected a number")


def test_jsonl_without_source_rejects_rows_lacking_one(app, runner, tmp_path):
    row = gen_row(1)
    del row["source"]
    path = write_jsonl(tmp_path / "nosource.jsonl", [row])
    assert summary(run_import(runner, path)) == {"imported": 0, "duplicates": 0, "rejected": 1}
    assert read_rejects(path)[0]["reason"] == "source: required"


def test_csv_without_source_column_takes_the_option(app, runner, tmp_path):
    header = [f for f in FIELD_NAMES if f != "source"]
    rows = [{k: v for k, v in gen_row(i).items() if k != "source"} for i in (1, 2)]
    path = write_csv(tmp_path / "nosource.csv", rows, header=header)
    result = run_import(runner, path)
    assert result.exit_code != 0 and "lacks required column(s): source" in result.output
    assert summary(run_import(runner, path, "--source", "s1")) == {"imported": 2, "duplicates": 0, "rejected": 0}
    assert {log.source for log in stored(app).values()} == {"s1"}


@pytest.mark.parametrize(
    "content, message",
    [
        ("", "the file is empty"),
        ("external_id,source,agency\nE1,s,a\n", "lacks required column(s): account_ref"),
        (",".join(FIELD_NAMES) + ",colour\n", "unknown column(s): 'colour'"),
    ],
)
def test_a_bad_header_stops_with_a_message_and_imports_nothing(app, runner, tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    result = run_import(runner, path)
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert stored(app) == {}


def test_unknown_file_type_and_missing_file(app, runner, tmp_path):
    path = tmp_path / "logs.xlsx"
    path.write_bytes(b"PK")
    result = run_import(runner, path)
    assert result.exit_code == 1 and "use .csv or .jsonl" in result.output
    result = run_import(runner, tmp_path / "nope.csv")
    assert result.exit_code == 1 and "no such file" in result.output


def test_bad_bytes_and_bad_quoting_are_rejected_by_line(app, runner, tmp_path):
    path = tmp_path / "bytes.csv"
    good = write_csv(tmp_path / "tmp.csv", [gen_row(1), gen_row(2), gen_row(3)]).read_bytes().split(b"\n")
    broken = good[2].replace(b"Acme", b"Ac\xffme")
    path.write_bytes(b"\n".join([good[0], good[1], broken, b'E9,s,"unterminated"x,', good[3]]) + b"\n")
    result = summary(run_import(runner, path))
    assert result["imported"] == 2
    reasons = {int(r["line"]): r["reason"] for r in read_rejects(path)}
    assert reasons[3] == "line 3 is not UTF-8 text"
    assert reasons[4].startswith("not valid CSV")


def test_card_numbers_in_notes_are_masked_and_reimport_is_still_a_duplicate(app, runner, tmp_path):
    path = write_csv(tmp_path / "notes.csv", [gen_row(1, notes="debtor read out card 4111 1111 1111 1111")])
    summary(run_import(runner, path))
    assert stored(app)["E1"].notes == "debtor read out card [card •••• 1111]"
    assert summary(run_import(runner, path)) == {"imported": 0, "duplicates": 1, "rejected": 0}


def test_import_rows_for_the_api(app):
    with app.app_context():
        result = import_rows([gen_row(1), gen_row(2, channel="fax"), "text", gen_row(1)], source="api-client")
        assert result.summary() == {"imported": 1, "duplicates": 1, "rejected": 2}
        assert [(r.line, r.reason.split(":")[0]) for r in result.rejects] == [
            (2, "channel"),
            (3, "expected a JSON object of field names and values"),
        ]
        record = db.session.get(ContactImport, result.import_id)
        assert (record.channel, record.status) == ("api", "done")


def test_a_failure_part_way_keeps_whole_batches_only(app):
    def rows():
        for i in range(1, 8):
            yield gen_row(i)
        raise OSError("connection reset while reading")

    with app.app_context():
        with pytest.raises(ImportFailed) as caught:
            import_rows(rows(), batch_size=3)
        assert caught.value.result.imported == 6
        assert "connection reset" in str(caught.value)
        ids = set(db.session.scalars(sa.select(ContactLog.external_id)))
        assert ids == {f"E{i}" for i in range(1, 7)}  # E7's batch never committed
        record = db.session.scalar(sa.select(ContactImport))
        assert (record.status, record.imported) == ("failed", 6)
        # Importing again completes it: earlier rows are duplicates.
        again = import_rows([gen_row(i) for i in range(1, 8)])
        assert again.summary() == {"imported": 1, "duplicates": 6, "rejected": 0}
