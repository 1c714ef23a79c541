"""The complaint status machine: every allowed move, and the refused ones
with a readable reason."""
from __future__ import annotations

import itertools

import pytest

from portal.domain.status import (
    OPEN_STATUSES,
    PAUSING_STATUSES,
    STATUSES,
    Status,
    TransitionRefused,
    allowed_targets,
    can_transition,
    transition,
)

# The edges as the product describes them, written out independently of the
# module's table.
EXPECTED = {
    ("received", "acknowledged"),
    # an officer acting at once
    ("received", "in_progress"),
    ("received", "awaiting_cardholder"),
    ("received", "responded"),
    ("received", "closed"),
    ("acknowledged", "in_progress"),
    ("acknowledged", "awaiting_cardholder"),
    ("acknowledged", "responded"),
    ("acknowledged", "closed"),
    ("in_progress", "awaiting_cardholder"),
    ("in_progress", "responded"),
    ("in_progress", "closed"),
    # the cardholder answers
    ("awaiting_cardholder", "in_progress"),
    ("awaiting_cardholder", "responded"),
    ("awaiting_cardholder", "closed"),
    ("responded", "closed"),
    # the cardholder disputes the response within the review window
    ("responded", "reopened"),
    ("closed", "reopened"),
    ("reopened", "in_progress"),
    ("reopened", "awaiting_cardholder"),
    ("reopened", "responded"),
    ("reopened", "closed"),
}

NAMES = [s.value for s in Status]


def test_the_seven_statuses():
    assert NAMES == [
        "received", "acknowledged", "in_progress", "awaiting_cardholder", "responded", "closed", "reopened",
    ]
    assert STATUSES == tuple(Status)


@pytest.mark.parametrize("current, target", sorted(EXPECTED))
def test_allowed_transition(current, target):
    assert transition(current, target) == target
    assert isinstance(transition(current, target), Status)
    assert can_transition(current, target)


@pytest.mark.parametrize(
    "current, target",
    sorted(set(itertools.product(NAMES, NAMES)) - EXPECTED),
)
def test_every_other_pair_is_refused(current, target):
    with pytest.raises(TransitionRefused) as error:
        transition(current, target)
    assert error.value.current == current and error.value.target == target
    assert str(error.value).startswith(
        f"Cannot move a complaint from {current.replace('_', ' ')} to {target.replace('_', ' ')}: "
    )
    assert not can_transition(current, target)


@pytest.mark.parametrize(
    "current, target, reason",
    [
        ("closed", "in_progress", "a closed complaint can only be reopened"),
        ("closed", "closed", "already closed"),
        ("in_progress", "received", "cannot go back to received"),
        ("responded", "acknowledged", "cannot go back to acknowledged"),
        ("received", "reopened", "only a responded or closed complaint can be reopened"),
        ("awaiting_cardholder", "awaiting_cardholder", "already awaiting cardholder"),
        ("responded", "in_progress", "from responded it can go to: closed, reopened"),
    ],
)
def test_refusals_say_why(current, target, reason):
    with pytest.raises(TransitionRefused, match=reason):
        transition(current, target)


def test_allowed_targets():
    for name in NAMES:
        assert {s.value for s in allowed_targets(name)} == {t for c, t in EXPECTED if c == name}
    assert allowed_targets(Status.CLOSED) == (Status.REOPENED,)


def test_marking_a_duplicate_closes_from_every_open_status():
    for status in OPEN_STATUSES:
        assert transition(status, "closed") is Status.CLOSED
    assert Status.CLOSED not in OPEN_STATUSES


def test_unknown_statuses_are_refused_by_name():
    with pytest.raises(TransitionRefused, match="Unknown target status 'archived'"):
        transition("received", "archived")
    with pytest.raises(TransitionRefused, match="Unknown current status 'new'"):
        allowed_targets("new")


def test_awaiting_the_cardholder_is_the_pausing_status():
    assert PAUSING_STATUSES == {Status.AWAITING_CARDHOLDER: "awaiting_cardholder"}
