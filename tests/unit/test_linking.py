"""Link scoring between complaints and contact logs (pure)."""
from datetime import date, datetime, timezone

import pytest

from portal.domain.linking import (
    LogFacts,
    complaint_facts,
    incident_windows,
    names_match,
    phone_key,
    rank,
    score_log,
)

UTC = timezone.utc


@pytest.mark.parametrize(
    "written, key",
    [
        ("+44 7700 900123", "700900123"),
        ("07700 900123", "700900123"),
        ("(0)7700-900123", "700900123"),
        ("+86 138 1234 5678", "812345678"),
        ("13812345678", "812345678"),
        ("１３８１２３４５６７８", "812345678"),
        ("+1 (555) 010-4477", "550104477"),
        ("jane@example.com", None),
        ("12 High Street", None),
        ("", None),
        (None, None),
    ],
)
def test_phone_key(written, key):
    assert phone_key(written) == key


def test_names_match_whole_words_without_legal_forms():
    assert names_match("Acme", "ACME Collections Ltd")
    assert names_match("acme collections", "Acme Collections LLC")
    assert not names_match("Acm", "Acme Collections")
    assert not names_match(None, "Acme")
    assert not names_match("Ltd", "Acme Ltd")


def test_incident_window_is_whole_local_days_widened_by_seven():
    incident, search = incident_windows(date(2026, 3, 2), date(2026, 3, 4), datetime(2026, 3, 10, tzinfo=UTC), "America/New_York")
    assert incident.start == datetime(2026, 3, 2, 5, 0, tzinfo=UTC)
    assert incident.end == datetime(2026, 3, 5, 4, 59, 59, 999999, tzinfo=UTC)
    assert search.start == datetime(2026, 2, 23, 5, 0, tzinfo=UTC)
    assert search.end == datetime(2026, 3, 12, 4, 59, 59, 999999, tzinfo=UTC)


def test_no_incident_dates_means_ninety_days_before_receipt():
    received = datetime(2026, 6, 1, 12, tzinfo=UTC)
    incident, search = incident_windows(None, None, received, "Europe/London")
    assert incident.end == received
    assert (incident.end - incident.start).days == 90
    assert (search.end - received).days == 7


def facts(**overrides):
    values = dict(
        account_ref="ACC-1001",
        phone_numbers=["+1 555 010 4477"],
        incident_start=date(2026, 3, 2),
        incident_end=date(2026, 3, 4),
        received_at=datetime(2026, 3, 10, tzinfo=UTC),
        tz_name="America/New_York",
        agency="Acme Collections",
        agent_name="A17",
    )
    values.update(overrides)
    return complaint_facts(**values)


def log(**overrides):
    values = dict(
        account_ref="acc 1001",
        phone_key=phone_key("5550104477"),
        occurred_at=datetime(2026, 3, 3, 15, tzinfo=UTC),
        agency="ACME COLLECTIONS LLC",
        agent_id="a17",
    )
    values.update(overrides)
    return LogFacts(**values)


def test_every_reason_adds_its_weight():
    score = score_log(facts(), log())
    assert score.reasons == ("account", "phone", "in_window", "agency", "agent")
    assert score.value == 50 + 30 + 15 + 10 + 10


def test_near_window_and_no_match():
    near = score_log(facts(), log(occurred_at=datetime(2026, 3, 8, tzinfo=UTC), agent_id="B2"))
    assert near.reasons == ("account", "phone", "near_window", "agency")
    other = score_log(facts(), log(account_ref="ZZZ", phone_key="123456789", agency="Other", agent_id=None))
    assert other.reasons == ("in_window",)


def test_rank_orders_by_score_then_latest_and_drops_non_candidates():
    complaint = facts()
    logs = [
        (1, log(agent_id="B2")),  # account, phone, window, agency
        (2, log()),  # everything
        (3, log(account_ref="ZZZ", phone_key=None)),  # window, agency, agent only: not a candidate
        (4, log(agent_id="B2", occurred_at=datetime(2026, 3, 4, 15, tzinfo=UTC))),  # same as 1, later
    ]
    ranked = rank(complaint, logs, limit=10)
    assert [key for key, _ in ranked] == [2, 4, 1]
    assert rank(complaint, logs, limit=1)[0][0] == 2
