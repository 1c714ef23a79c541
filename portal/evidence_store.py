"""Evidence files on disk: checked by their content, stored outside the web root.

Each accepted file is written to ``UPLOAD_FOLDER`` under a random name (the
name the cardholder gave is kept only in the database, masked) together with
its size and SHA-256. What a file is comes from its first bytes
(``portal.domain.evidence_files.sniff``), never from its name or the browser's
content type, so a renamed executable is refused.
"""
from __future__ import annotations

import os
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import BinaryIO

from .domain import evidence_files

Refusal = evidence_files.Refusal
REASONS = {
    Refusal.EMPTY: "empty",
    Refusal.TOO_LARGE: "too_large",
    Refusal.UNSUPPORTED_TYPE: "type",
    Refusal.TOO_MANY_FILES: "too_many",
}


@dataclass(frozen=True)
class StoredEvidence:
    original_name: str
    stored_name: str
    content_type: str
    size: int
    sha256: str

    def as_dict(self) -> dict:
        return asdict(self)


class EvidenceRefused(ValueError):
    """A file that cannot be kept; ``reason`` is one of REASONS."""

    REASONS = ("empty", "too_large", "type", "too_many")

    def __init__(self, reason: str, filename: str):
        super().__init__(f"{filename}: {reason}")
        self.reason = reason
        self.filename = filename


def upload_folder(config) -> Path:
    folder = Path(config["UPLOAD_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def store_evidence(stream: BinaryIO, original_name: str, folder: Path) -> StoredEvidence:
    """Check ``stream`` by content and size, and write it under a random name.

    Raises :class:`EvidenceRefused`; nothing is left on disk then.
    """
    name = (os.path.basename((original_name or "").replace("\\", "/")) or "file")[:255]
    stored_stem = secrets.token_hex(16)
    partial = folder / f"{stored_stem}.part"
    try:
        with open(partial, "xb") as out:
            check = evidence_files.inspect_stream(stream, write=out.write)
        if not check.accepted:
            raise EvidenceRefused(REASONS[check.refusal], name)
        stored_name = f"{stored_stem}.{check.kind.extension}"
        os.replace(partial, folder / stored_name)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return StoredEvidence(name, stored_name, check.kind.mime_type, check.size, check.sha256)


def discard(folder: Path, stored_names) -> None:
    """Delete stored files that were never attached (an abandoned draft)."""
    for stored_name in stored_names:
        if stored_name and "/" not in stored_name and not stored_name.startswith("."):
            (folder / stored_name).unlink(missing_ok=True)


def path_of(folder: Path, stored_name: str) -> Path:
    if "/" in stored_name or "\\" in stored_name or stored_name.startswith("."):
        raise ValueError("not a stored evidence name")
    return folder / stored_name
