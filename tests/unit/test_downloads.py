"""portal.public.downloads: CSV cells that cannot run as formulas, JSON written as it streams."""
from __future__ import annotations

import csv
import io
import json

from portal.public.downloads import csv_lines, json_array_chunks, neutralise_cell


def test_formula_leads_are_neutralised():
    for value in ("=1+1", "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"):
        assert neutralise_cell(value) == "'" + value
    assert neutralise_cell("a=1") == "a=1"
    assert neutralise_cell(-5) == -5  # numbers are numbers


def test_csv_lines_stream_one_row_at_a_time():
    rows = [{"a": "=cmd", "b": ["phone", "visit"], "c": None, "d": True}, {"a": "x,y", "b": [], "c": 3, "d": False}]
    lines = list(csv_lines(["a", "b", "c", "d"], rows, keys=["a", "b", "c", "d"]))
    assert len(lines) == 3
    parsed = list(csv.reader(io.StringIO("".join(lines))))
    assert parsed == [["a", "b", "c", "d"], ["'=cmd", "phone; visit", "", "Yes"], ["x,y", "", "3", "No"]]


def test_json_array_is_valid_empty_or_not():
    assert json.loads("".join(json_array_chunks([]))) == []
    assert json.loads("".join(json_array_chunks([{"n": 1}, {"n": "二"}]))) == [{"n": 1}, {"n": "二"}]
