"""Reading contact-log files: physical line numbers, BOM, CRLF, offsets."""
from __future__ import annotations

import io

import pytest

from portal.contacts.readers import ImportFileError, read_csv, read_jsonl
from portal.domain.contact_fields import REQUIRED_FIELDS

HEADER = ",".join(REQUIRED_FIELDS)


def rows_of(data: bytes, reader=read_csv):
    return list(reader(io.BytesIO(data)))


def test_bom_crlf_and_multiline_records_keep_physical_line_numbers():
    data = (
        "\ufeff" + HEADER + "\r\n"
        + "E1,s,a,acc,2026-03-01T10:00:00Z,UTC,call,outbound,connected,debtor\r\n"
        + '"E2\r\nstill E2",s,a,acc,2026-03-01T10:00:00Z,UTC,call,outbound,connected,debtor\r\n'
        + "\r\n"
        + "E3,s,a,acc,2026-03-01T10:00:00Z,UTC,call,outbound,connected,debtor\r\n"
    ).encode("utf-8")
    rows = rows_of(data)
    assert [row.line for row in rows] == [2, 3, 6]
    assert rows[0].fields["external_id"] == "E1"  # the BOM is not part of the first column name
    assert rows[1].fields["external_id"] == "E2\r\nstill E2"
    assert rows[-1].end_offset == len(data)
    assert rows[1].raw.startswith('"E2')


def test_jsonl_lines_and_offsets():
    data = b'{"external_id": "A"}\n\n   \n[1]\n{"external_id": "B", "shoe": 1}\n'
    rows = rows_of(data, read_jsonl)
    assert [(r.line, r.error) for r in rows] == [
        (1, None),
        (4, "expected a JSON object of field names and values"),
        (5, "unknown field(s): 'shoe'"),
    ]
    assert rows[-1].end_offset == len(data)


def test_header_problems_are_file_errors():
    with pytest.raises(ImportFileError, match="repeats column"):
        rows_of((HEADER + ",channel\n").encode())
    with pytest.raises(ImportFileError, match="lacks required column"):
        rows_of(b"external_id\n")
    rows = rows_of((HEADER.replace("source,", "") + "\n").encode(), lambda s: read_csv(s, source_given=True))
    assert rows == []
