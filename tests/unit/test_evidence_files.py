"""Evidence files are judged by their bytes (real minimal samples of each kind)."""

import hashlib
import io
import struct
import wave
import zipfile
import zlib

import pytest

from portal.domain.evidence_files import (
    HEAD_BYTES,
    MAX_BYTES,
    MAX_FILES,
    FileKind,
    Refusal,
    check_file_count,
    inspect_stream,
    sniff,
)

# --- minimal real files ---------------------------------------------------


def png_bytes(width=1, height=1) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))  # red, filter 0
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def jpeg_bytes() -> bytes:
    """A 1x1 grey baseline JPEG: one DC and one AC Huffman code, both '0'."""

    def segment(marker: int, payload: bytes) -> bytes:
        return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload

    one_code = bytes([1] + [0] * 15)  # a single code of length 1
    return (
        b"\xff\xd8"
        + segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
        + segment(0xDB, b"\x00" + b"\x01" * 64)
        + segment(0xC0, b"\x08\x00\x01\x00\x01\x01\x01\x11\x00")
        + segment(0xC4, b"\x00" + one_code + b"\x00")  # DC: category 0
        + segment(0xC4, b"\x10" + one_code + b"\x00")  # AC: end of block
        + segment(0xDA, b"\x01\x01\x00\x00\x3f\x00")
        + b"\x3f"  # bits 00 (DC 0, EOB) padded with ones
        + b"\xff\xd9"
    )


def pdf_bytes() -> bytes:
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


def wav_bytes(frames=800) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\x00\x00" * frames)
    return buffer.getvalue()


MP3_HEADER = b"\xff\xfb\x90\x00"  # MPEG-1 Layer III, 128 kbit/s, 44.1 kHz: 417-byte frames


def mp3_frames(count=3) -> bytes:
    return (MP3_HEADER + b"\x00" * 413) * count


def id3_mp3_bytes() -> bytes:
    tag_body = b"TIT2" + struct.pack(">I", 6) + b"\x00\x00" + b"\x03call"
    size = len(tag_body)
    syncsafe = bytes([(size >> 21) & 0x7F, (size >> 14) & 0x7F, (size >> 7) & 0x7F, size & 0x7F])
    return b"ID3\x04\x00\x00" + syncsafe + tag_body + mp3_frames()


def m4a_bytes(major=b"M4A ", compatible=(b"M4A ", b"mp42", b"isom")) -> bytes:
    ftyp_body = major + b"\x00\x00\x00\x00" + b"".join(compatible)
    ftyp = struct.pack(">I", 8 + len(ftyp_body)) + b"ftyp" + ftyp_body
    mdat = struct.pack(">I", 8 + 16) + b"mdat" + b"\x00" * 16
    return ftyp + mdat


SAMPLES = {
    FileKind.PDF: pdf_bytes(),
    FileKind.PNG: png_bytes(),
    FileKind.JPEG: jpeg_bytes(),
    FileKind.MP3: mp3_frames(),
    FileKind.M4A: m4a_bytes(),
    FileKind.WAV: wav_bytes(),
}


def test_samples_are_real_files():
    # the stdlib can read back what we built
    with wave.open(io.BytesIO(SAMPLES[FileKind.WAV])) as w:
        assert w.getnframes() == 800
    png = SAMPLES[FileKind.PNG]
    assert zlib.decompress(png[41 : 41 + struct.unpack(">I", png[33:37])[0]]) == b"\x00\xff\x00\x00"


# --- sniff ----------------------------------------------------------------


@pytest.mark.parametrize("kind", list(FileKind))
def test_sniff_recognises_each_kind(kind):
    assert sniff(SAMPLES[kind]) is kind


@pytest.mark.parametrize(
    ("kind", "mime", "extension"),
    [
        (FileKind.PDF, "application/pdf", "pdf"),
        (FileKind.PNG, "image/png", "png"),
        (FileKind.JPEG, "image/jpeg", "jpg"),
        (FileKind.MP3, "audio/mpeg", "mp3"),
        (FileKind.M4A, "audio/mp4", "m4a"),
        (FileKind.WAV, "audio/wav", "wav"),
    ],
)
def test_each_kind_has_a_canonical_mime_type_and_extension(kind, mime, extension):
    assert kind.mime_type == mime == kind
    assert kind.extension == extension


def test_sniff_mp3_with_id3_tag():
    assert sniff(id3_mp3_bytes()) is FileKind.MP3


@pytest.mark.parametrize(
    "header",
    [
        b"\xff\xf3\x60\xc4",  # MPEG-2 Layer III, 24 kbit/s, 22.05 kHz, mono
        b"\xff\xe3\x18\xc4",  # MPEG-2.5 Layer III, 8 kbit/s
        b"\xff\xfa\xb0\x04",  # MPEG-1 Layer III, 192 kbit/s, with CRC
    ],
)
def test_sniff_other_mp3_frame_headers(header):
    assert sniff(header + b"\x00" * 60) is FileKind.MP3


@pytest.mark.parametrize(
    ("major", "compatible"),
    [
        (b"M4A ", ()),
        (b"mp42", (b"isom",)),
        (b"isom", (b"iso2", b"mp41")),
        (b"dash", (b"iso6", b"M4A ")),  # accepted through a compatible brand
    ],
)
def test_sniff_m4a_brands(major, compatible):
    assert sniff(m4a_bytes(major, compatible)) is FileKind.M4A


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("windows executable", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 48 + b"PE\x00\x00"),
        ("zip", None),
        ("html", b"<!DOCTYPE html>\n<html><body><script>alert(1)</script></body></html>"),
        ("html after whitespace", b"  \n<html><head></head></html>"),
        ("svg", b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("bare svg", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>'),
        ("pdf header not at start", b"junk\n%PDF-1.4\n"),
        ("text", b"%PDX-1.4 statement\n"),
        ("gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
        ("webp in RIFF", b"RIFF\x24\x00\x00\x00WEBPVP8 "),
        ("png signature without IHDR", b"\x89PNG\r\n\x1a\n" + b"\x00" * 16),
        ("quicktime", m4a_bytes(b"qt  ", (b"qt  ",))),
        ("3gp", m4a_bytes(b"3gp4", (b"3gp4", b"3gp5"))),
        ("heic", m4a_bytes(b"heic", (b"mif1", b"heic"))),
        ("adts aac", b"\xff\xf1\x50\x80\x02\x1f\xfc" + b"\x00" * 40),
        ("mpeg reserved version", b"\xff\xeb\x90\x00" + b"\x00" * 40),
        ("mpeg bad bitrate", b"\xff\xfb\xf0\x00" + b"\x00" * 40),
        ("frame sync without a second frame", MP3_HEADER + b"\x00" * 413 + b"MZ\x90\x00"),
        ("bad id3 size", b"ID3\x04\x00\x00\xff\xff\xff\xff" + b"\x00" * 20),
        ("empty", b""),
    ],
)
def test_sniff_refuses_everything_else(name, content):
    if content is None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("statement.pdf", pdf_bytes())
        content = buffer.getvalue()
    assert sniff(content) is None


def test_sniff_needs_only_the_head():
    big_png = png_bytes(64, 64)
    assert sniff(big_png[:HEAD_BYTES]) is FileKind.PNG
    assert sniff(big_png[:16]) is FileKind.PNG


# --- inspect_stream -------------------------------------------------------


@pytest.mark.parametrize("kind", list(FileKind))
def test_inspect_accepts_each_kind(kind):
    content = SAMPLES[kind]
    check = inspect_stream(io.BytesIO(content))
    assert check.accepted
    assert check.refusal is None
    assert check.kind is kind
    assert check.size == len(content)
    assert check.sha256 == hashlib.sha256(content).hexdigest()


@pytest.mark.parametrize("chunk_bytes", [1, 7, 100, HEAD_BYTES, 1 << 20])
def test_inspect_writes_every_byte_in_order(chunk_bytes):
    content = wav_bytes(frames=20_000)  # larger than HEAD_BYTES
    written = bytearray()
    check = inspect_stream(io.BytesIO(content), write=written.extend, chunk_bytes=chunk_bytes)
    assert check.kind is FileKind.WAV
    assert bytes(written) == content
    assert check.sha256 == hashlib.sha256(content).hexdigest()


def test_inspect_takes_an_iterable_of_chunks():
    content = pdf_bytes()
    check = inspect_stream(iter([content[:3], b"", content[3:10], content[10:]]))
    assert (check.kind, check.size) == (FileKind.PDF, len(content))


def test_inspect_refuses_an_empty_file():
    check = inspect_stream(io.BytesIO(b""))
    assert not check.accepted
    assert check.refusal == Refusal.EMPTY == "empty"
    assert check.size == 0


@pytest.mark.parametrize(
    "content",
    [
        b"MZ\x90\x00" + b"\x00" * 10_000,  # a renamed .exe, longer than the head
        b"<html><body>statement</body></html>",  # shorter than the head
        b"PK\x03\x04" + b"\x00" * 100,
    ],
)
def test_inspect_refuses_unsupported_types_and_writes_nothing(content):
    written = bytearray()
    check = inspect_stream(io.BytesIO(content), write=written.extend)
    assert check.refusal == Refusal.UNSUPPORTED_TYPE == "unsupported_type"
    assert check.kind is None and check.sha256 is None
    assert written == b""


def test_limit_is_ten_megabytes_inclusive():
    assert MAX_BYTES == 10 * 1024 * 1024
    header = pdf_bytes()
    exactly = header + b"\x00" * (MAX_BYTES - len(header))
    check = inspect_stream(io.BytesIO(exactly))
    assert check.accepted and check.size == MAX_BYTES

    check = inspect_stream(io.BytesIO(exactly + b"\x00"))
    assert check.refusal == Refusal.TOO_LARGE == "too_large"
    assert check.sha256 is None


def test_an_oversized_stream_is_not_read_to_its_end():
    served = 0

    def endless():
        nonlocal served
        yield png_bytes()
        while True:
            served += 1
            yield b"\x00" * 1000

    check = inspect_stream(endless(), max_bytes=50_000)
    assert check.refusal == Refusal.TOO_LARGE
    assert check.kind is FileKind.PNG
    assert 50_000 < check.size <= 51_000
    assert served <= 51


def test_file_count_policy():
    assert MAX_FILES == 5
    assert check_file_count(0) is None
    assert check_file_count(5) is None
    assert check_file_count(6) == Refusal.TOO_MANY_FILES == "too_many_files"
