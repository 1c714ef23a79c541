"""No full card or ID number in a log line (SPEC section 7).

Search strings, paths and error messages reach the logs: the access log of
gunicorn or the development server writes each request line with its query
string, and an error's traceback can quote a value. Every log record made in
the process has its message, and its traceback if any, masked with
``classifiers.redaction`` when it is created, whoever logs it and wherever
the handlers write. A request line's query string is also read URL-decoded,
so ``q=4111+1111+1111+1111`` is masked too.
"""
from __future__ import annotations

import logging
import traceback
from urllib.parse import unquote_plus

from classifiers.redaction import mask_sensitive


def _masking(base):
    def make_record(*args, **kwargs):
        record = base(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is logging's to report
            return record
        masked = _masked(message)
        if masked.count:
            record.msg, record.args = masked.text, ()
        if record.exc_info and record.exc_info[0] is not None and not record.exc_text:
            text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
            record.exc_text = mask_sensitive(text).text
        return record

    make_record.masks_numbers = True  # type: ignore[attr-defined]
    return make_record


def _masked(message: str):
    """The message masked; a request line is read URL-decoded too, where a
    number's groups are joined by ``+`` or ``%20`` (then logged decoded)."""
    masked = mask_sensitive(message)
    if "%" in message or "+" in message:
        decoded = unquote_plus(message)
        if decoded != message:
            from_decoded = mask_sensitive(decoded)
            if from_decoded.count > masked.count:
                return from_decoded
    return masked


def install() -> None:
    """Mask every log record from now on (once per process)."""
    base = logging.getLogRecordFactory()
    if not getattr(base, "masks_numbers", False):
        logging.setLogRecordFactory(_masking(base))
