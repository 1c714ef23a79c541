"""Which evidence files a complaint may carry, judged by content, never by name.

A cardholder may attach at most :data:`MAX_FILES` files of at most
:data:`MAX_BYTES` each.  What a file *is* comes from its first bytes
(:func:`sniff`); the file name and the browser's content type are ignored,
so a renamed executable, a ZIP archive, an HTML page or an SVG image called
``statement.pdf`` is refused.  Files are served back with the canonical
MIME type of their :class:`FileKind` (and ``nosniff``), never with what the
uploader claimed.

Accepted kinds and how each is recognised:

========  ==============  =====  ==============================================
kind      MIME type       ext.   signature
========  ==============  =====  ==============================================
PDF       application/pdf  pdf   ``%PDF-1.`` or ``%PDF-2.`` at offset 0
PNG       image/png        png   8-byte PNG signature, then an ``IHDR`` chunk
JPEG      image/jpeg       jpg   ``FF D8 FF`` (start of image, then a marker)
MP3       audio/mpeg       mp3   an ID3v2 tag (``ID3``, version 2–4, sync-safe
                                 size), or an MPEG audio Layer III frame header
                                 (11 sync bits, no reserved version, bitrate or
                                 sample rate); when the head holds the whole
                                 first frame, the next frame header must follow
M4A       audio/mp4        m4a   ISO base media file: a ``ftyp`` box first,
                                 whose major brand, or one of whose compatible
                                 brands, is an audio brand (below)
WAV       audio/wav        wav   ``RIFF`` size ``WAVE``
========  ==============  =====  ==============================================

M4A brands accepted: ``M4A `` (iTunes / Apple Voice Memos audio), and the
generic ``mp42``, ``mp41``, ``isom``, ``iso2`` that Android recorders and
many converters write for audio-only files.  The generic brands are also used
for video; a short MP4 video is harmless evidence, so they are allowed rather
than refusing real phone recordings.  ``qt  `` (QuickTime), 3GP, HEIC and
other brands are refused.

Reasons for refusal are machine codes (:class:`Refusal`) for the web layer
to translate.
"""

from __future__ import annotations

import enum
import hashlib
import struct
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

__all__ = [
    "HEAD_BYTES",
    "M4A_BRANDS",
    "MAX_BYTES",
    "MAX_FILES",
    "EvidenceCheck",
    "FileKind",
    "Refusal",
    "check_file_count",
    "inspect_stream",
    "sniff",
]

MAX_FILES = 5
MAX_BYTES = 10 * 1024 * 1024  # 10 MB per file
HEAD_BYTES = 4096  # enough for sniff() to see a whole first MP3 frame
CHUNK_BYTES = 64 * 1024

M4A_BRANDS = frozenset({b"M4A ", b"mp42", b"mp41", b"isom", b"iso2"})


class FileKind(enum.StrEnum):
    """An accepted kind of evidence file; its value is the canonical MIME type.

    Being a ``str``, a kind can be stored or sent as a content type as is.
    """

    PDF = "application/pdf"
    PNG = "image/png"
    JPEG = "image/jpeg"
    MP3 = "audio/mpeg"
    M4A = "audio/mp4"
    WAV = "audio/wav"

    @property
    def mime_type(self) -> str:
        return self.value

    @property
    def extension(self) -> str:
        """Canonical file name extension, without the dot."""
        return _EXTENSIONS[self]


_EXTENSIONS = {
    FileKind.PDF: "pdf",
    FileKind.PNG: "png",
    FileKind.JPEG: "jpg",
    FileKind.MP3: "mp3",
    FileKind.M4A: "m4a",
    FileKind.WAV: "wav",
}


class Refusal(enum.StrEnum):
    """Why a file (or a set of files) was refused."""

    EMPTY = "empty"
    TOO_LARGE = "too_large"
    UNSUPPORTED_TYPE = "unsupported_type"
    TOO_MANY_FILES = "too_many_files"


# --- sniffing -------------------------------------------------------------

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# MPEG audio Layer III bitrates in kbit/s by bitrate index (0 = free, 15 = bad).
_MP3_BITRATES = {
    1: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),  # MPEG-1
    2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),  # MPEG-2 / 2.5
}
# Sample rates in Hz by version bits (3 = MPEG-1, 2 = MPEG-2, 0 = MPEG-2.5).
_MP3_SAMPLE_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


def _mp3_frame_length(header: bytes) -> int | None:
    """Length in bytes of the Layer III frame starting with ``header``, or
    ``None`` if these four bytes are not a valid frame header.  A free-format
    frame (bitrate index 0) is valid with length 0: unknown."""
    if len(header) < 4 or header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
        return None
    version = (header[1] >> 3) & 0b11
    layer = (header[1] >> 1) & 0b11
    bitrate_index = header[2] >> 4
    rate_index = (header[2] >> 2) & 0b11
    if version == 0b01 or layer != 0b01 or bitrate_index == 0xF or rate_index == 0b11:
        return None
    if bitrate_index == 0:
        return 0
    padding = (header[2] >> 1) & 1
    bitrate = _MP3_BITRATES[1 if version == 3 else 2][bitrate_index] * 1000
    sample_rate = _MP3_SAMPLE_RATES[version][rate_index]
    per_frame = 144 if version == 3 else 72
    return per_frame * bitrate // sample_rate + padding


def _is_mp3(head: bytes) -> bool:
    if head[:3] == b"ID3":
        return (
            len(head) >= 10
            and 2 <= head[3] <= 4
            and head[4] != 0xFF
            and all(b < 0x80 for b in head[6:10])  # sync-safe size
        )
    length = _mp3_frame_length(head[:4])
    if length is None:
        return False
    if length and len(head) >= length + 4:
        return _mp3_frame_length(head[length : length + 4]) is not None
    return True


def _is_m4a(head: bytes) -> bool:
    if len(head) < 16 or head[4:8] != b"ftyp":
        return False
    (box_size,) = struct.unpack(">I", head[:4])
    if box_size < 16 or (box_size - 16) % 4:
        return False
    brands = [head[8:12]] + [
        head[i : i + 4] for i in range(16, min(box_size, len(head)) - 3, 4)
    ]
    return any(brand in M4A_BRANDS for brand in brands)


def sniff(head: bytes) -> FileKind | None:
    """The kind of file that starts with ``head``, or ``None`` if not accepted.

    Pass at least the first :data:`HEAD_BYTES` bytes when the file is that
    long (more is fine).  Only the content is examined.
    """
    if head[:7] in (b"%PDF-1.", b"%PDF-2."):
        return FileKind.PDF
    if head[:8] == _PNG_SIGNATURE and head[12:16] == b"IHDR":
        return FileKind.PNG
    if head[:3] == b"\xff\xd8\xff":
        return FileKind.JPEG
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return FileKind.WAV
    if _is_m4a(head):
        return FileKind.M4A
    if _is_mp3(head):
        return FileKind.MP3
    return None


# --- the upload policy ---------------------------------------------------


def check_file_count(count: int) -> Refusal | None:
    """``TOO_MANY_FILES`` if a complaint would carry more than MAX_FILES."""
    return Refusal.TOO_MANY_FILES if count > MAX_FILES else None


@dataclass(frozen=True)
class EvidenceCheck:
    """What :func:`inspect_stream` found.

    Accepted: ``refusal`` is None and ``kind``, ``size`` and ``sha256`` are
    set.  Refused: ``refusal`` says why; ``size`` is how many bytes were read
    before stopping, and ``kind`` is known if the type was acceptable.
    """

    kind: FileKind | None
    size: int
    sha256: str | None
    refusal: Refusal | None = None

    @property
    def accepted(self) -> bool:
        return self.refusal is None


class _Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


def _chunks(stream: _Readable | Iterable[bytes], chunk_bytes: int) -> Iterable[bytes]:
    read = getattr(stream, "read", None)
    if read is None:
        yield from stream  # type: ignore[misc]
        return
    while chunk := read(chunk_bytes):
        yield chunk


def inspect_stream(
    stream: _Readable | Iterable[bytes],
    *,
    write: Callable[[bytes], object] | None = None,
    max_bytes: int = MAX_BYTES,
    chunk_bytes: int = CHUNK_BYTES,
) -> EvidenceCheck:
    """Check an uploaded file chunk by chunk, hashing it as it goes.

    ``stream`` is a binary file object (anything with ``read``) or an
    iterable of ``bytes`` chunks.  Reading stops as soon as the type is
    unacceptable or the size passes ``max_bytes``, so an oversized upload is
    never read to its end.  If ``write`` is given, every byte of the file is
    passed to it in order once the type is known to be acceptable, so the
    caller can store the file in the same pass; after a refusal the caller
    must discard whatever was written.
    """
    digest = hashlib.sha256()
    head = b""
    kind: FileKind | None = None
    size = 0
    for chunk in _chunks(stream, chunk_bytes):
        if not chunk:
            continue
        size += len(chunk)
        if size > max_bytes:
            return EvidenceCheck(kind, size, None, Refusal.TOO_LARGE)
        if kind is None:
            head += chunk
            if len(head) < HEAD_BYTES:
                continue
            kind = sniff(head)
            if kind is None:
                return EvidenceCheck(None, size, None, Refusal.UNSUPPORTED_TYPE)
            chunk, head = head, b""
        digest.update(chunk)
        if write is not None:
            write(chunk)
    if size == 0:
        return EvidenceCheck(None, 0, None, Refusal.EMPTY)
    if kind is None:  # the whole file is shorter than HEAD_BYTES
        kind = sniff(head)
        if kind is None:
            return EvidenceCheck(None, size, None, Refusal.UNSUPPORTED_TYPE)
        digest.update(head)
        if write is not None:
            write(head)
    return EvidenceCheck(kind, size, digest.hexdigest())
