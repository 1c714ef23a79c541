"""The complaint status machine.

::

    received ──► acknowledged ──► in_progress ◄──► awaiting_cardholder
        │              │              │                   │
        └──────────────┴──────► responded ◄───────────────┘
                                     │
                                     ▼
      (any open status) ───────► closed ──► reopened ──► in_progress …

- ``received`` may go straight to ``in_progress``, ``awaiting_cardholder``,
  ``responded`` or ``closed`` when an officer acts at once (the acknowledgement
  then goes out with that step).
- ``awaiting_cardholder`` → ``in_progress`` when the cardholder answers.
- ``responded`` → ``closed`` when the cardholder accepts or the case is closed;
  ``responded`` or ``closed`` → ``reopened`` when the cardholder disputes the
  response within the profile's review window (see
  ``portal.domain.deadlines.review_window_ends``; the time check belongs to
  the caller, this module knows only states).
- Every open status may go to ``closed``: closing with an outcome, marking
  as duplicate or withdrawn.
- No status moves to itself.

API::

    Status (StrEnum), STATUSES, OPEN_STATUSES, PAUSING_STATUSES
    allowed_targets(current) -> tuple[Status, ...]
    can_transition(current, target) -> bool
    transition(current, target) -> Status        # or raises TransitionRefused
    TransitionRefused(ValueError)  .current, .target
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum


class Status(StrEnum):
    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    AWAITING_CARDHOLDER = "awaiting_cardholder"
    RESPONDED = "responded"
    CLOSED = "closed"
    REOPENED = "reopened"


STATUSES: tuple[Status, ...] = tuple(Status)

_S = Status
TRANSITIONS: Mapping[Status, tuple[Status, ...]] = {
    _S.RECEIVED: (_S.ACKNOWLEDGED, _S.IN_PROGRESS, _S.AWAITING_CARDHOLDER, _S.RESPONDED, _S.CLOSED),
    _S.ACKNOWLEDGED: (_S.IN_PROGRESS, _S.AWAITING_CARDHOLDER, _S.RESPONDED, _S.CLOSED),
    _S.IN_PROGRESS: (_S.AWAITING_CARDHOLDER, _S.RESPONDED, _S.CLOSED),
    _S.AWAITING_CARDHOLDER: (_S.IN_PROGRESS, _S.RESPONDED, _S.CLOSED),
    _S.RESPONDED: (_S.CLOSED, _S.REOPENED),
    _S.CLOSED: (_S.REOPENED,),
    _S.REOPENED: (_S.IN_PROGRESS, _S.AWAITING_CARDHOLDER, _S.RESPONDED, _S.CLOSED),
}

OPEN_STATUSES: frozenset[Status] = frozenset(s for s in Status if s is not Status.CLOSED)

# Statuses during which the deadline clock may pause, with the pause kind the
# profile must list for it to count (portal.domain.deadlines.Pause).
PAUSING_STATUSES: Mapping[Status, str] = {Status.AWAITING_CARDHOLDER: "awaiting_cardholder"}


class TransitionRefused(ValueError):
    """A status change the machine does not allow; the message says why."""

    def __init__(self, message: str, current: str | None = None, target: str | None = None):
        super().__init__(message)
        self.current = current
        self.target = target


def _status(value: str, role: str) -> Status:
    try:
        return Status(value)
    except ValueError:
        raise TransitionRefused(
            f"Unknown {role} status {value!r}; statuses are: {', '.join(STATUSES)}",
            current=value if role == "current" else None,
            target=value if role == "target" else None,
        ) from None


def allowed_targets(current: str) -> tuple[Status, ...]:
    """The statuses a complaint in ``current`` may move to."""
    return TRANSITIONS[_status(current, "current")]


def can_transition(current: str, target: str) -> bool:
    try:
        transition(current, target)
    except TransitionRefused:
        return False
    return True


def transition(current: str, target: str) -> Status:
    """``target`` as a Status if the move is allowed, else TransitionRefused."""
    cur = _status(current, "current")
    tgt = _status(target, "target")
    if tgt in TRANSITIONS[cur]:
        return tgt
    if tgt is cur:
        reason = f"the complaint is already {_words(cur)}"
    elif cur is Status.CLOSED:
        reason = "a closed complaint can only be reopened"
    elif tgt is Status.REOPENED:
        reason = "only a responded or closed complaint can be reopened"
    elif tgt in (Status.RECEIVED, Status.ACKNOWLEDGED):
        reason = f"a complaint cannot go back to {_words(tgt)}"
    else:
        allowed = ", ".join(_words(s) for s in TRANSITIONS[cur])
        reason = f"from {_words(cur)} it can go to: {allowed}"
    raise TransitionRefused(
        f"Cannot move a complaint from {_words(cur)} to {_words(tgt)}: {reason}",
        current=cur,
        target=tgt,
    )


def _words(status: Status) -> str:
    return status.value.replace("_", " ")
