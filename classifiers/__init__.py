"""Complaint classifier: category, urgency and evidence for a narrative.

Independent of the portal (never imports ``portal``). Public API::

    route(text) -> Routing
    route_many(texts) -> list[Routing]
    scan_conduct_language(text) -> list[Evidence]
    detect_language(text) -> "en" | "zh" | "mixed"

The trained model is loaded once per process from ``classifiers/model``
(build it with ``python -m classifiers train``).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from .language import detect_language
from .types import CATEGORIES, URGENCIES, Evidence, Routing
from .version import DEFAULT_MODEL_DIR, ModelNotBuiltError

__all__ = [
    "CATEGORIES",
    "URGENCIES",
    "Evidence",
    "ModelNotBuiltError",
    "Routing",
    "detect_language",
    "get_router",
    "route",
    "route_many",
    "scan_conduct_language",
]

_router = None
_scanner = None
_router_lock = threading.Lock()


def get_router(model_dir: Path | None = None):
    """The process-wide :class:`~classifiers.router.Router` (loaded on first use).

    Passing ``model_dir`` loads a separate router from that directory.
    """
    global _router
    from .router import Router

    if model_dir is not None:
        return Router(Path(model_dir))
    with _router_lock:
        if _router is None:
            _router = Router(DEFAULT_MODEL_DIR)
        return _router


def route(text: str) -> Routing:
    """Mask, detect the language, apply the rules and the model to one narrative."""
    return get_router().route(text)


def route_many(texts: Sequence[str], batch_size: int = 256) -> list[Routing]:
    """:func:`route` for many narratives at once (faster: batched pipelines)."""
    return get_router().route_many(texts, batch_size=batch_size)


def scan_conduct_language(text: str) -> list[Evidence]:
    """Abusive, threatening or impersonating phrases in a collector's call notes
    or transcript (English and Chinese); labels ``abusive_language``, ``threat``,
    ``impersonation``. Offsets refer to the masked text.

    Uses the phrase rules only, so it works without a trained model.
    """
    global _scanner
    if _scanner is None:
        from .router import ConductScanner

        with _router_lock:
            if _scanner is None:
                _scanner = ConductScanner()
    return _scanner.scan(text)
