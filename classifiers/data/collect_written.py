"""Copy the freely written complaints into ``written.jsonl`` with a fixed split
(run by hand; training never runs it).

    python classifiers/data/collect_written.py /path/written_en.jsonl /path/written_zh.jsonl

Every row keeps its fields (``id``, ``language``, ``text``, ``category``,
``urgency``, ``source``) and gains ``split``: ``dev`` for about one row in ten
(chosen by a hash of the row id, so a row never changes split when more rows
are added), ``train`` otherwise. Rows are written in id order.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CATEGORIES = {"harassment", "threats", "third_party", "misrepresentation",
              "wrong_amount", "not_owed", "verification", "other"}
URGENCIES = {"critical", "high", "normal", "low"}
DEV_SHARE = 10  # percent


def split_of(row_id: str) -> str:
    bucket = int(hashlib.sha256(row_id.encode()).hexdigest()[:8], 16) % 100
    return "dev" if bucket < DEV_SHARE else "train"


def main(paths: list[str]) -> int:
    rows: dict[str, dict] = {}
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            for number, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                row = json.loads(line)
                if row.get("category") not in CATEGORIES or row.get("urgency") not in URGENCIES:
                    raise SystemExit(f"{path}:{number}: bad label {row.get('category')!r}/{row.get('urgency')!r}")
                if not str(row.get("text", "")).strip():
                    raise SystemExit(f"{path}:{number}: empty text")
                row = {k: row[k] for k in ("id", "language", "text", "category", "urgency", "source")}
                row["split"] = split_of(row["id"])
                rows[row["id"]] = row
    with (HERE / "written.jsonl").open("w", encoding="utf-8") as fh:
        for row_id in sorted(rows):
            fh.write(json.dumps(rows[row_id], ensure_ascii=False) + "\n")
    print(f"{len(rows)} rows written to {HERE / 'written.jsonl'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
