"""Conduct rules (SPEC section 5): worked examples and boundaries for every rule,
and validation of contact-log import rows. Pure: no app, no database."""
from __future__ import annotations

import itertools
import tomllib
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from portal.domain.conduct import (
    LANG_ABUSE,
    RULE_IDS,
    ContactRecord,
    LogRef,
    RuleConfigError,
    RuleSet,
    audit,
    audit_group,
    language_findings,
    mask_contact_point,
    ordinal_en,
)
from portal.domain.contact_fields import (
    RowRejected,
    canonical_form,
    differing_fields,
    parse_contact_row,
)

PROFILES = Path(__file__).resolve().parents[2] / "portal" / "profiles"
NY = "America/New_York"
SH = "Asia/Shanghai"
LDN = "Europe/London"
UTC = timezone.utc


def profile_rules(profile_id: str) -> dict:
    with open(PROFILES / f"{profile_id}.toml", "rb") as fh:
        return tomllib.load(fh)["rules"]


US = profile_rules("us-cfpb")
CN = profile_rules("cn-nfra")
UK = profile_rules("uk-fca")

_ids = itertools.count(1)


def at(local: str, tz: str = NY) -> datetime:
    """A local wall-clock time in ``tz`` as an aware UTC instant."""
    return datetime.fromisoformat(local).replace(tzinfo=ZoneInfo(tz)).astimezone(UTC)


def log(local: str, tz: str = NY, **fields) -> ContactRecord:
    values = dict(
        source="dialer",
        external_id=f"x{next(_ids):05d}",
        agency="Acme Collections",
        agent_id="agent-1",
        account_ref="ACC-1",
        consumer_tz=tz,
        channel="call",
        direction="outbound",
        outcome="no_answer",
        duration_s=None,
        counterparty="debtor",
        contact_point="+1 555 0100",
        notes=None,
        disposition=None,
    )
    values.update(fields)
    if "occurred_at" not in values:
        values["occurred_at"] = at(local, tz)
    return ContactRecord(**values)


def run(rule_id: str, records, tables=None, **params):
    """Findings of one rule (profile parameters, optionally overridden)."""
    table = dict((tables or {**US, **CN, **UK})[rule_id])
    table.update(params)
    return audit_group(records, {rule_id: table})


def offenders(findings) -> list[str]:
    return [f.external_id for f in findings]


def related(finding) -> list[str]:
    return finding.related_external_ids


def calls_on(day: str, n: int, start_hour: int = 9, tz: str = NY, **fields) -> list[ContactRecord]:
    return [log(f"{day}T{start_hour + k:02d}:00:00", tz, **fields) for k in range(n)]


# --------------------------------------------------------------------------
# Profiles and parameters
# --------------------------------------------------------------------------


def test_each_profile_compiles_to_the_rules_of_the_spec_table():
    assert RuleSet.from_profile(US).rule_ids == (
        "US-7IN7", "US-POSTCONV", "US-TIME", "US-CEASE", "US-STOPCHAN", "US-WORK", "US-ATTY", "US-3P",
    )
    assert RuleSet.from_profile(CN).rule_ids == ("CN-NIGHT", "CN-CONNECTED-3", "CN-ATTEMPTS-6", "CN-3P")
    assert RuleSet.from_profile(UK).rule_ids == ("UK-TIME", "UK-3P")
    assert set(RULE_IDS) == set(US) | set(CN) | set(UK)
    for tables in (US, CN, UK):
        assert all(table["citation"] for table in tables.values())


def test_unknown_rule_and_bad_parameters_are_refused():
    with pytest.raises(RuleConfigError, match="unknown conduct rule 'US-NOPE'"):
        RuleSet.from_profile({"US-NOPE": {"citation": "x"}})
    with pytest.raises(RuleConfigError, match="US-7IN7: parameter 'window_days' is missing"):
        RuleSet.from_profile({"US-7IN7": {"citation": "x", "max_attempts": 7}})
    with pytest.raises(RuleConfigError, match="max_attempts"):
        RuleSet.from_profile({"US-7IN7": {"max_attempts": 0, "window_days": 7}})
    with pytest.raises(RuleConfigError, match="max_attempts"):
        RuleSet.from_profile({"US-7IN7": {"max_attempts": "7", "window_days": 7}})
    with pytest.raises(RuleConfigError, match="earliest"):
        RuleSet.from_profile({"US-TIME": {"earliest": "8 am", "latest": "21:00:00"}})


def test_thresholds_come_from_the_profile_not_the_code():
    day = calls_on("2026-03-02", 4)
    assert run("US-7IN7", day) == []
    assert offenders(run("US-7IN7", day, max_attempts=3)) == [day[3].external_id]
    late = [log("2026-03-02T20:30:00")]
    assert run("US-TIME", late) == []
    assert len(run("US-TIME", late, latest="20:00")) == 1
    assert len(run("US-TIME", late, latest=datetime(2026, 1, 1, 20).time())) == 1  # a TOML time


# --------------------------------------------------------------------------
# US-7IN7
# --------------------------------------------------------------------------


def test_us_7in7_seventh_attempt_allowed_eighth_is_a_finding():
    day = calls_on("2026-03-02", 8)
    assert run("US-7IN7", day[:7]) == []
    [finding] = run("US-7IN7", day)
    assert finding.rule_id == "US-7IN7"
    assert finding.citation == "12 CFR 1006.14(b)(2)(i)(A)"
    assert finding.offending == LogRef("dialer", day[7].external_id, None)
    assert related(finding) == [r.external_id for r in day[:7]]
    assert finding.account_ref == "ACC-1" and finding.agency == "Acme Collections"
    assert finding.agent_id == "agent-1"
    assert finding.explanation_en == "8th call attempt in the 7 days 2026-02-24 to 2026-03-02 (limit 7)"
    assert finding.explanation_zh == "第8次催收尝试，发生在2026-02-24至2026-03-02的7天内（上限7次）"
    assert finding.window_start == at("2026-02-24T00:00:00")
    assert finding.window_end == day[7].occurred_at


def test_us_7in7_later_attempts_each_a_finding_with_a_bounded_related_list():
    day = calls_on("2026-03-02", 10)
    findings = run("US-7IN7", day)
    assert offenders(findings) == [r.external_id for r in day[7:]]
    assert [f.explanation_en.split()[0] for f in findings] == ["8th", "9th", "10th"]
    assert all(related(f) == [r.external_id for r in day[:7]] for f in findings)


def test_us_7in7_busy_and_failed_calls_are_not_attempts():
    records = calls_on("2026-03-02", 7) + [
        log("2026-03-02T17:00:00", outcome="busy"),
        log("2026-03-02T17:30:00", outcome="failed"),
        log("2026-03-02T18:00:00", outcome="busy"),
    ]
    assert run("US-7IN7", records) == []
    eighth = log("2026-03-02T19:00:00", outcome="voicemail")
    assert offenders(run("US-7IN7", records + [eighth])) == [eighth.external_id]


def test_us_7in7_counts_every_counterparty_but_not_inbound_calls_or_other_channels():
    records = [
        log("2026-03-02T09:00:00", counterparty="family"),
        log("2026-03-02T10:00:00", counterparty="employer", outcome="connected"),
        *calls_on("2026-03-02", 5, start_hour=11),
        log("2026-03-02T17:00:00", direction="inbound", outcome="connected"),
        log("2026-03-02T17:10:00", channel="sms", outcome="delivered"),
        log("2026-03-02T17:20:00", channel="visit", outcome="connected"),
    ]
    assert run("US-7IN7", records) == []
    eighth = log("2026-03-02T18:00:00", counterparty="third_party")
    assert offenders(run("US-7IN7", records + [eighth])) == [eighth.external_id]


def test_us_7in7_window_is_days_d_minus_6_to_d():
    week = calls_on("2026-03-09", 7)
    on_d_minus_7 = log("2026-03-02T23:59:59")
    assert run("US-7IN7", [on_d_minus_7] + week) == []
    on_d_minus_6 = log("2026-03-03T00:00:00")
    [finding] = run("US-7IN7", [on_d_minus_6] + week)
    assert finding.external_id == week[-1].external_id
    assert related(finding)[0] == on_d_minus_6.external_id


def test_us_7in7_ties_at_one_instant_are_ordered_by_source_and_external_id():
    same = at("2026-03-02T10:00:00")
    records = [
        log("", occurred_at=same, source=src, external_id=ext)
        for src, ext in [("b", "1"), ("a", "9"), ("a", "10"), ("a", "2"), ("c", "0"),
                         ("b", "0"), ("a", "1"), ("b", "2")]
    ]
    [finding] = run("US-7IN7", records)
    assert (finding.source, finding.external_id) == ("c", "0")
    [finding] = run("US-7IN7", list(reversed(records)))
    assert (finding.source, finding.external_id) == ("c", "0")


def test_us_7in7_window_across_march_daylight_saving_change_is_167_hours():
    # Clocks go forward on 2026-03-08 in New York: D-6..D for D = 03-10 is
    # 03-04 00:00 EST to 03-10 23:59:59 EDT, under 168 hours.
    last = calls_on("2026-03-10", 7, start_hour=16)
    last[-1] = log("2026-03-10T23:59:59")
    just_outside = log("2026-03-03T23:30:00")  # within 168 hours of the last call
    assert last[-1].occurred_at - just_outside.occurred_at < timedelta(hours=168)
    assert run("US-7IN7", [just_outside] + last) == []
    first_inside = log("2026-03-04T00:00:00")
    [finding] = run("US-7IN7", [first_inside] + last)
    assert finding.external_id == last[-1].external_id
    assert finding.window_start == at("2026-03-04T00:00:00")
    assert finding.window_end - finding.window_start < timedelta(hours=167)


def test_us_7in7_window_across_november_daylight_saving_change_is_169_hours():
    # Clocks go back on 2026-11-01: D-6..D for D = 11-03 is 169 hours long.
    last = calls_on("2026-11-03", 7, start_hour=16)
    last[-1] = log("2026-11-03T23:59:59")
    first_inside = log("2026-10-28T00:00:00")
    assert last[-1].occurred_at - first_inside.occurred_at > timedelta(hours=168)
    [finding] = run("US-7IN7", [first_inside] + last)
    assert finding.external_id == last[-1].external_id
    assert finding.explanation_en == "8th call attempt in the 7 days 2026-10-28 to 2026-11-03 (limit 7)"
    assert run("US-7IN7", [log("2026-10-27T23:59:59")] + last) == []


def test_us_7in7_local_day_comes_from_consumer_tz_not_the_written_offset():
    # 2026-03-03T03:00:00+00:00 is 22:00 on 03-02 in New York: inside the window.
    early = log("", occurred_at=datetime.fromisoformat("2026-03-03T03:00:00+00:00"))
    week = calls_on("2026-03-08", 7, start_hour=10)
    assert len(run("US-7IN7", [early] + week)) == 1
    # Read in Asia/Shanghai the same instant is 03-03 11:00: still inside, and
    # on 03-02 (D-7) it would not be, as the previous test shows.


def test_us_7in7_mixed_time_zones_on_one_account_use_each_logs_own_day():
    # Same instant, two zones: 2026-03-09 03:30Z is 03-08 23:30 in New York
    # (daylight time since 03-08) and 03-09 11:30 in Shanghai.
    records = calls_on("2026-03-15", 7, start_hour=9, tz=SH)
    ny = log("", occurred_at=datetime(2026, 3, 9, 3, 30, tzinfo=UTC))
    sh = log("", tz=SH, occurred_at=datetime(2026, 3, 9, 3, 30, tzinfo=UTC))
    assert run("US-7IN7", [ny] + records) == []  # 03-08 is D-7 for D = 03-15
    assert len(run("US-7IN7", [sh] + records)) == 1  # 03-09 is D-6


def test_us_7in7_an_earlier_instant_on_a_later_local_day_is_outside_the_window():
    # Shanghai calls at 03:00-09:00 on 03-16 come before 22:00 EDT on 03-15 in
    # New York, yet their local day is after that call's day D.
    shanghai = calls_on("2026-03-16", 7, start_hour=3, tz=SH)
    new_york = log("2026-03-15T22:00:00")
    assert all(r.occurred_at < new_york.occurred_at for r in shanghai)
    assert run("US-7IN7", shanghai + [new_york]) == []
    week = calls_on("2026-03-14", 7, start_hour=9)
    findings = run("US-7IN7", week + shanghai + [new_york])
    # For the Shanghai calls (day 03-16) the New York calls of 03-14 are in the window.
    assert offenders(findings) == [r.external_id for r in shanghai] + [new_york.external_id]
    assert related(findings[-1]) == [r.external_id for r in week]
    assert findings[-1].explanation_en.startswith("8th call attempt")


# --------------------------------------------------------------------------
# US-POSTCONV
# --------------------------------------------------------------------------


def test_us_postconv_attempt_after_conversation_through_the_sixth_day_after():
    conversation = log("2026-03-02T10:00:00", outcome="connected")
    same_day = log("2026-03-02T15:00:00", outcome="voicemail")
    sixth_day_last_second = log("2026-03-08T23:59:59")
    seventh_day = log("2026-03-09T00:00:00")
    findings = run("US-POSTCONV", [conversation, same_day, sixth_day_last_second, seventh_day])
    assert offenders(findings) == [same_day.external_id, sixth_day_last_second.external_id]
    assert all(related(f) == [conversation.external_id] for f in findings)
    assert findings[0].window_start == conversation.occurred_at
    assert findings[0].citation == "12 CFR 1006.14(b)(2)(i)(B)"
    assert "2026-03-02" in findings[0].explanation_en and "2026-03-08" in findings[0].explanation_en
    assert "通话" in findings[0].explanation_zh


def test_us_postconv_connected_call_after_a_conversation_is_itself_an_offence():
    first = log("2026-03-02T10:00:00", outcome="connected")
    second = log("2026-03-03T10:00:00", outcome="connected")
    third = log("2026-03-09T12:00:00")  # 7th day after the first, 6th after the second
    findings = run("US-POSTCONV", [first, second, third])
    assert offenders(findings) == [second.external_id, third.external_id]
    assert related(findings[1]) == [second.external_id]  # the latest conversation


def test_us_postconv_inbound_conversation_counts_and_non_attempts_do_not():
    inbound = log("2026-03-02T10:00:00", direction="inbound", outcome="connected")
    records = [
        log("2026-03-01T10:00:00"),  # before any conversation
        inbound,
        log("2026-03-02T11:00:00", outcome="busy"),
        log("2026-03-02T11:05:00", outcome="failed"),
        log("2026-03-02T11:10:00", channel="sms", outcome="sent"),
        log("2026-03-02T11:20:00", direction="inbound", outcome="connected"),
    ]
    assert run("US-POSTCONV", records) == []
    attempt = log("2026-03-04T09:00:00", counterparty="family")
    assert offenders(run("US-POSTCONV", records + [attempt])) == [attempt.external_id]


def test_us_postconv_conversation_must_be_with_the_debtor_and_strictly_earlier():
    with_family = log("2026-03-02T10:00:00", outcome="connected", counterparty="family")
    assert run("US-POSTCONV", [with_family, log("2026-03-02T12:00:00")]) == []
    when = at("2026-03-02T10:00:00")
    conversation = log("", occurred_at=when, outcome="connected", external_id="a")
    same_instant = log("", occurred_at=when, external_id="b")
    assert run("US-POSTCONV", [conversation, same_instant]) == []


def test_us_postconv_days_are_local_calendar_days_across_daylight_saving():
    conversation = log("2026-10-27T08:00:00", outcome="connected")
    last_day = log("2026-11-02T23:59:59")  # 6 days and 16 hours later, 25-hour day between
    after = log("2026-11-03T00:00:00")
    assert offenders(run("US-POSTCONV", [conversation, last_day, after])) == [last_day.external_id]


# --------------------------------------------------------------------------
# US-TIME
# --------------------------------------------------------------------------


def test_us_time_boundaries_0800_and_2100_are_allowed():
    records = {
        "07:59:59": log("2026-03-02T07:59:59"),
        "08:00:00": log("2026-03-02T08:00:00"),
        "21:00:00": log("2026-03-02T21:00:00"),
        "21:00:00.999": log("2026-03-02T21:00:00.999000"),
        "21:00:01": log("2026-03-02T21:00:01"),
        "00:00:00": log("2026-03-03T00:00:00"),
    }
    findings = run("US-TIME", list(records.values()))
    flagged = {k for k, r in records.items() if r.external_id in offenders(findings)}
    assert flagged == {"07:59:59", "21:00:01", "00:00:00"}
    late = next(f for f in findings if f.external_id == records["21:00:01"].external_id)
    assert late.explanation_en == (
        "Call at 2026-03-02 21:00:01 local time (America/New_York), outside the allowed 08:00:00 to 21:00:00"
    )
    assert late.explanation_zh.startswith("于当地时间2026-03-02 21:00:01（America/New_York）进行电话联系")
    assert late.related == ()


def test_us_time_covers_every_outbound_call_and_sms_email_visit_only():
    night = "2026-03-02T22:30:00"
    covered = [
        log(night, outcome=o) for o in ("busy", "failed", "no_answer", "voicemail", "connected")
    ] + [log(night, channel=c, outcome="sent") for c in ("sms", "email", "visit")]
    not_covered = [
        log(night, channel="letter", outcome="sent"),
        log(night, channel="app", outcome="sent"),
        log(night, direction="inbound", outcome="connected"),
    ]
    assert offenders(run("US-TIME", covered + not_covered)) == [r.external_id for r in covered]


def test_us_time_reads_the_consumer_zone_not_the_written_offset():
    # Written in Shanghai time at 10:00, but the consumer is in New York: 21:00:01 there.
    r = log("", occurred_at=datetime.fromisoformat("2026-03-03T10:00:01+08:00"))
    [finding] = run("US-TIME", [r])
    assert "21:00:01" in finding.explanation_en


# --------------------------------------------------------------------------
# Marker rules: US-CEASE, US-STOPCHAN, US-WORK, US-ATTY
# --------------------------------------------------------------------------


def test_us_cease_contacts_after_a_cease_request_on_any_channel_either_direction():
    before = log("2026-03-02T10:00:00")
    marker = log("2026-03-03T10:00:00", channel="letter", direction="inbound", outcome="delivered",
                 disposition="cease_request")
    after = [log("2026-03-04T10:00:00", channel=c, outcome="sent") for c in ("call", "sms", "email", "visit")]
    not_covered = [
        log("2026-03-04T11:00:00", channel="letter", outcome="sent"),
        log("2026-03-04T11:00:00", channel="app", outcome="sent"),
        log("2026-03-04T12:00:00", direction="inbound", outcome="connected"),
    ]
    findings = run("US-CEASE", [before, marker, *after, *not_covered])
    assert offenders(findings) == [r.external_id for r in after]
    assert all(related(f) == [marker.external_id] for f in findings)
    assert findings[0].window_start == marker.occurred_at
    assert findings[0].citation == "12 CFR 1006.6(c)"
    assert "stop all contact" in findings[0].explanation_en


def test_us_cease_same_instant_is_not_after_and_other_accounts_are_isolated():
    when = at("2026-03-03T10:00:00")
    marker = log("", occurred_at=when, external_id="a", direction="inbound", outcome="connected",
                 disposition="cease_request")
    same_instant = log("", occurred_at=when, external_id="b")
    assert run("US-CEASE", [marker, same_instant]) == []
    other_account = log("2026-03-04T10:00:00", account_ref="ACC-2")
    other_agency = log("2026-03-04T10:00:00", agency="Other Agency")
    findings = list(audit(sorted([marker, other_account, other_agency],
                                 key=lambda r: (r.agency, r.account_ref)),
                          {"US-CEASE": US["US-CEASE"]}))
    assert findings == []


def test_us_stopchan_only_the_channel_that_was_stopped():
    marker = log("2026-03-03T10:00:00", channel="sms", direction="inbound", outcome="delivered",
                 disposition="stop_channel")
    before = log("2026-03-02T10:00:00", channel="sms", outcome="sent")
    sms_after = log("2026-03-04T10:00:00", channel="sms", outcome="sent")
    call_after = log("2026-03-04T11:00:00")
    [finding] = run("US-STOPCHAN", [before, marker, sms_after, call_after])
    assert finding.external_id == sms_after.external_id
    assert related(finding) == [marker.external_id]
    letter_stop = log("2026-03-03T10:00:00", channel="letter", outcome="sent", disposition="stop_channel")
    letter_after = log("2026-03-05T10:00:00", channel="letter", outcome="sent")
    assert offenders(run("US-STOPCHAN", [letter_stop, letter_after, sms_after])) == [letter_after.external_id]


def test_us_work_employer_contacts_after_no_work_contact():
    before = log("2026-03-02T10:00:00", counterparty="employer", contact_point="+1 555 0200")
    marker = log("2026-03-03T10:00:00", outcome="connected", disposition="no_work_contact")
    employer_after = log("2026-03-04T10:00:00", counterparty="employer", channel="email", outcome="sent")
    debtor_after = log("2026-03-04T11:00:00")
    [finding] = run("US-WORK", [before, marker, employer_after, debtor_after])
    assert finding.external_id == employer_after.external_id
    assert related(finding) == [marker.external_id]
    assert run("US-WORK", [before, employer_after, debtor_after]) == []


def test_us_atty_debtor_contacts_after_attorney_represented():
    before = log("2026-03-02T10:00:00")
    marker = log("2026-03-03T10:00:00", channel="email", direction="inbound", outcome="delivered",
                 disposition="attorney_represented")
    attorney_after = log("2026-03-04T10:00:00", counterparty="attorney")
    debtor_after = log("2026-03-04T11:00:00", channel="letter", outcome="sent")
    [finding] = run("US-ATTY", [before, marker, attorney_after, debtor_after])
    assert finding.external_id == debtor_after.external_id
    assert related(finding) == [marker.external_id]
    other_account = log("2026-03-04T11:00:00", account_ref="ACC-2")
    assert run("US-ATTY", [other_account]) == []


def test_marker_rules_relate_the_first_marker():
    first = log("2026-03-03T10:00:00", disposition="cease_request", outcome="connected")
    second = log("2026-03-04T10:00:00", disposition="cease_request", outcome="connected")
    after = log("2026-03-05T10:00:00")
    findings = run("US-CEASE", [first, second, after])
    # The second marker call is itself a contact after the first request.
    assert offenders(findings) == [second.external_id, after.external_id]
    assert all(related(f) == [first.external_id] for f in findings)


# --------------------------------------------------------------------------
# US-3P
# --------------------------------------------------------------------------


def test_us_3p_first_contact_per_contact_point_allowed_later_ones_flagged():
    p, q = "+1 555 0300", "+1 555 0400"
    first_p = log("2026-03-02T10:00:00", counterparty="family", contact_point=p)
    first_q = log("2026-03-02T11:00:00", counterparty="employer", contact_point=q)
    second_p = log("2026-03-03T10:00:00", counterparty="employer", contact_point=p, channel="sms",
                   outcome="sent")
    debtor_p = log("2026-03-03T11:00:00", counterparty="debtor", contact_point=p)
    inbound_q = log("2026-03-03T12:00:00", counterparty="employer", contact_point=q, direction="inbound",
                    outcome="connected")
    third_q = log("2026-03-04T10:00:00", counterparty="third_party", contact_point=q)
    near_p = log("2026-03-04T11:00:00", counterparty="family", contact_point=p + " ")  # a different string
    findings = run("US-3P", [first_p, first_q, second_p, debtor_p, inbound_q, third_q, near_p])
    assert offenders(findings) == [second_p.external_id, third_q.external_id]
    assert related(findings[0]) == [first_p.external_id]
    assert related(findings[1]) == [first_q.external_id]
    assert findings[0].citation == "12 CFR 1006.6(d)"
    assert "at ••• 300 on 2026-03-03" in findings[0].explanation_en
    assert "0300" not in findings[0].explanation_en + findings[0].explanation_zh


def test_mask_contact_point():
    assert mask_contact_point("+1 555 0100") == "••• 100"
    assert mask_contact_point("jane.doe@example.com") == "j•••@example.com"
    assert mask_contact_point("12 High St") == "12 •••"
    assert mask_contact_point(None) == "(no contact point)"


# --------------------------------------------------------------------------
# CN-NIGHT
# --------------------------------------------------------------------------


def test_cn_night_from_2200_up_to_not_including_0800():
    records = {
        "21:59:59": log("2026-03-02T21:59:59", SH),
        "22:00:00": log("2026-03-02T22:00:00", SH),
        "03:00:00": log("2026-03-03T03:00:00", SH),
        "07:59:59": log("2026-03-03T07:59:59", SH),
        "08:00:00": log("2026-03-03T08:00:00", SH),
    }
    findings = run("CN-NIGHT", list(records.values()))
    flagged = {k for k, r in records.items() if r.external_id in offenders(findings)}
    assert flagged == {"22:00:00", "03:00:00", "07:59:59"}
    assert findings[0].explanation_zh.startswith("于当地时间2026-03-02 22:00:00（Asia/Shanghai）进行电话催收")
    assert "22:00:00 to 08:00:00" in findings[0].explanation_en


def test_cn_night_covers_every_outbound_channel_but_not_inbound():
    night = "2026-03-02T23:00:00"
    covered = [log(night, SH, channel=c, outcome="sent") for c in ("call", "sms", "email", "letter", "visit", "app")]
    inbound = log(night, SH, direction="inbound", outcome="connected")
    assert offenders(run("CN-NIGHT", covered + [inbound])) == [r.external_id for r in covered]


# --------------------------------------------------------------------------
# CN-CONNECTED-3
# --------------------------------------------------------------------------


def test_cn_connected_fourth_connected_call_to_the_debtor_on_a_local_day():
    connected = calls_on("2026-03-02", 4, tz=SH, outcome="connected")
    others = [
        log("2026-03-02T14:00:00", SH, outcome="no_answer"),
        log("2026-03-02T14:10:00", SH, outcome="connected", counterparty="family"),
        log("2026-03-02T14:20:00", SH, outcome="connected", direction="inbound"),
    ]
    assert run("CN-CONNECTED-3", connected[:3] + others) == []
    [finding] = run("CN-CONNECTED-3", connected + others)
    assert finding.external_id == connected[3].external_id
    assert related(finding) == [r.external_id for r in connected[:3]]
    assert finding.window_start == at("2026-03-02T00:00:00", SH)
    assert finding.explanation_en == "4th connected call to the debtor on 2026-03-02 (local), limit 3 a day"
    assert finding.explanation_zh == "2026-03-02（当地日期）第4次接通债务人电话，每日上限3次"


def test_cn_connected_day_boundary_is_local_midnight():
    day_one = [log(f"2026-03-02T{h}", SH, outcome="connected") for h in ("20:00:00", "21:00:00", "23:59:59")]
    next_day = log("2026-03-03T00:00:00", SH, outcome="connected")
    assert run("CN-CONNECTED-3", day_one + [next_day]) == []


# --------------------------------------------------------------------------
# CN-ATTEMPTS-6
# --------------------------------------------------------------------------


def test_cn_attempts_seventh_attempt_to_a_contact_point_on_a_day():
    p = "+86 138 0000 0000"
    attempts = calls_on("2026-03-02", 7, tz=SH, contact_point=p)
    attempts[2] = log("2026-03-02T11:00:00", SH, contact_point=p, counterparty="family")  # any counterparty
    not_attempts = [
        log("2026-03-02T16:30:00", SH, contact_point=p, outcome="busy"),
        log("2026-03-02T16:40:00", SH, contact_point=p, outcome="failed"),
        log("2026-03-02T16:50:00", SH, contact_point=p, direction="inbound", outcome="connected"),
        log("2026-03-02T16:55:00", SH, contact_point=p, channel="sms", outcome="sent"),
    ]
    assert run("CN-ATTEMPTS-6", attempts[:6] + not_attempts) == []
    [finding] = run("CN-ATTEMPTS-6", attempts + not_attempts)
    assert finding.external_id == attempts[6].external_id
    assert related(finding) == [r.external_id for r in attempts[:6]]
    assert finding.citation == "CBA credit-card collection guideline (2026)"
    # Contact points are masked in explanations, as in every view.
    assert "7th call attempt to ••• 000 on 2026-03-02" in finding.explanation_en
    assert "138 0000" not in finding.explanation_en + finding.explanation_zh


def test_cn_attempts_are_counted_per_exact_contact_point_and_per_day():
    to_p = calls_on("2026-03-02", 6, tz=SH, contact_point="+86 138 0000 0000")
    to_q = calls_on("2026-03-02", 6, tz=SH, contact_point="+86 139 0000 0000")
    next_day = calls_on("2026-03-03", 1, tz=SH, contact_point="+86 138 0000 0000")
    assert run("CN-ATTEMPTS-6", to_p + to_q + next_day) == []


# --------------------------------------------------------------------------
# CN-3P
# --------------------------------------------------------------------------


def _third_party(local: str, **fields) -> ContactRecord:
    return log(local, SH, counterparty="family", contact_point="+86 137 0000 0000", **fields)


def test_cn_3p_allowed_after_three_consecutive_failed_calls():
    failed = [
        log("2026-03-02T09:00:00", SH, outcome="no_answer"),
        log("2026-03-02T10:00:00", SH, outcome="busy"),
        log("2026-03-02T11:00:00", SH, outcome="failed"),
    ]
    assert run("CN-3P", failed + [_third_party("2026-03-02T12:00:00")]) == []


def test_cn_3p_after_only_two_failed_calls_is_a_finding():
    failed = [log("2026-03-02T09:00:00", SH), log("2026-03-02T10:00:00", SH)]
    contact = _third_party("2026-03-02T12:00:00", channel="sms", outcome="sent")
    [finding] = run("CN-3P", failed + [contact])
    assert finding.external_id == contact.external_id
    assert related(finding) == [r.external_id for r in failed]
    assert finding.window_start == failed[0].occurred_at
    assert "only 2 earlier call(s)" in finding.explanation_en
    assert "此前仅拨打债务人2次" in finding.explanation_zh
    # No earlier call at all.
    [finding] = run("CN-3P", [contact])
    assert finding.related == () and finding.window_start == contact.occurred_at


def test_cn_3p_a_voicemail_breaks_the_run():
    calls = [
        log("2026-03-02T08:00:00", SH, outcome="no_answer"),
        log("2026-03-02T09:00:00", SH, outcome="voicemail"),
        log("2026-03-02T10:00:00", SH, outcome="no_answer"),
        log("2026-03-02T11:00:00", SH, outcome="busy"),
    ]
    contact = _third_party("2026-03-02T12:00:00")
    [finding] = run("CN-3P", calls + [contact])
    assert related(finding) == [r.external_id for r in calls[1:]]
    assert "voicemail" in finding.explanation_en and "语音信箱" in finding.explanation_zh
    # One more failed call makes the last three all failures.
    another = log("2026-03-02T11:30:00", SH, outcome="failed")
    assert run("CN-3P", calls + [another, contact]) == []


def test_cn_3p_only_outbound_calls_to_the_debtor_strictly_before_count():
    when = at("2026-03-02T12:00:00", SH)
    records = [
        log("2026-03-02T09:00:00", SH),
        log("2026-03-02T10:00:00", SH),
        log("2026-03-02T10:30:00", SH, channel="sms", outcome="sent"),
        log("2026-03-02T10:40:00", SH, direction="inbound", outcome="no_answer"),
        log("2026-03-02T10:50:00", SH, counterparty="family", outcome="no_answer"),
        log("", SH, occurred_at=when, external_id="a"),
        _third_party("", occurred_at=when, external_id="b"),
    ]
    findings = run("CN-3P", records)
    # The family call at 10:50 is itself a finding (no 3 failures before it);
    # the contact at 12:00 sees only the 2 calls before it, not the one at the same instant.
    assert offenders(findings) == [records[4].external_id, "b"]
    assert related(findings[1]) == [records[0].external_id, records[1].external_id]


def test_cn_3p_failed_calls_required_is_a_parameter():
    calls = [log("2026-03-02T09:00:00", SH), log("2026-03-02T10:00:00", SH)]
    contact = _third_party("2026-03-02T12:00:00")
    assert run("CN-3P", calls + [contact], failed_calls_required=2) == []


# --------------------------------------------------------------------------
# UK-TIME and UK-3P
# --------------------------------------------------------------------------


def test_uk_time_both_ends_allowed_every_outbound_channel():
    records = {
        "07:59:59": log("2026-03-30T07:59:59", LDN),
        "08:00:00": log("2026-03-30T08:00:00", LDN),
        "21:00:00": log("2026-03-30T21:00:00", LDN),
        "21:00:01": log("2026-03-30T21:00:01", LDN, channel="letter", outcome="sent"),
        "app 23:00": log("2026-03-30T23:00:00", LDN, channel="app", outcome="sent"),
        "inbound 23:00": log("2026-03-30T23:00:00", LDN, direction="inbound", outcome="connected"),
    }
    findings = run("UK-TIME", list(records.values()))
    flagged = {k for k, r in records.items() if r.external_id in offenders(findings)}
    assert flagged == {"07:59:59", "21:00:01", "app 23:00"}
    assert findings[0].citation == "FCA CONC 7.9.4R"


def test_uk_3p_every_outbound_third_party_contact():
    records = [
        log("2026-03-02T10:00:00", LDN, counterparty=c) for c in ("family", "employer", "third_party")
    ] + [
        log("2026-03-02T11:00:00", LDN, counterparty="debtor"),
        log("2026-03-02T11:00:00", LDN, counterparty="attorney"),
        log("2026-03-02T11:00:00", LDN, counterparty="family", direction="inbound", outcome="connected"),
    ]
    findings = run("UK-3P", records)
    assert offenders(findings) == [r.external_id for r in records[:3]]
    assert all(f.related == () for f in findings)


# --------------------------------------------------------------------------
# The engine
# --------------------------------------------------------------------------


def test_audit_streams_groups_and_names_exactly_one_offending_log_per_finding():
    acc1 = calls_on("2026-03-02", 8) + [log("2026-03-02T22:00:00")]
    acc2 = calls_on("2026-03-02", 7, account_ref="ACC-2")
    stream = sorted(acc1 + acc2, key=lambda r: (r.agency, r.account_ref, r.occurred_at))
    findings = list(audit(stream, RuleSet.from_profile(US)))
    by_rule = sorted((f.rule_id, f.external_id) for f in findings)
    # The 22:00 call is both the 9th attempt and outside the hours: two findings, one log each.
    assert by_rule == sorted([
        ("US-7IN7", acc1[7].external_id),
        ("US-7IN7", acc1[8].external_id),
        ("US-TIME", acc1[8].external_id),
    ])
    assert {f.account_ref for f in findings} == {"ACC-1"}
    assert audit_group(acc1, US) == [f for f in findings]


def test_audit_refuses_a_stream_that_splits_an_account():
    a, b = log("2026-03-02T10:00:00"), log("2026-03-02T10:00:00", account_ref="ACC-2")
    with pytest.raises(ValueError, match="not contiguous"):
        list(audit([a, b, log("2026-03-03T10:00:00")], US))
    with pytest.raises(ValueError, match="one \\(agency, account_ref\\)"):
        audit_group([a, b], US)


def test_findings_carry_the_log_id_and_aware_utc_windows():
    records = [log("2026-03-02T22:00:00", log_id=41, occurred_at=datetime.fromisoformat("2026-03-03T11:00:00+08:00"))]
    [finding] = audit_group(records, US)
    assert finding.log_id == 41 and finding.offending.log_id == 41
    assert finding.window_start.tzinfo is UTC and finding.window_end.tzinfo is UTC
    assert finding.occurred_at == datetime(2026, 3, 3, 3, 0, tzinfo=UTC)


def test_naive_times_are_refused():
    with pytest.raises(ValueError, match="aware"):
        log("", occurred_at=datetime(2026, 3, 2, 10))


def test_ordinals():
    assert [ordinal_en(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st", "111th",
    ]


# --------------------------------------------------------------------------
# LANG-ABUSE plumbing (the real scanner is tested with the classifier)
# --------------------------------------------------------------------------


def fake_scanner(notes: str):
    word = "idiot"
    start = notes.find(word)
    return [] if start < 0 else [{"label": "abusive_language", "text": word, "start": start, "end": start + len(word)}]


def test_language_findings_quote_the_matched_text():
    abusive = log("2026-03-02T10:00:00", notes="Agent said: you idiot, pay now", log_id=7)
    [finding] = language_findings(abusive, fake_scanner)
    assert finding.rule_id == LANG_ABUSE
    assert finding.log_id == 7 and finding.related == ()
    assert finding.evidence_json() == [{"label": "abusive_language", "text": "idiot", "start": 16, "end": 21}]
    assert finding.explanation_en == (
        "Abusive, threatening or misleading language in the notes of this contact: abuse \u201cidiot\u201d"
    )
    assert finding.explanation_zh == "该次联系记录中出现辱骂、威胁或误导性语言：辱骂\u201cidiot\u201d"
    assert language_findings(log("2026-03-02T10:00:00", notes="polite reminder"), fake_scanner) == []
    assert language_findings(log("2026-03-02T10:00:00"), fake_scanner) == []


def test_audit_runs_language_scanner_only_when_given():
    records = [log("2026-03-02T10:00:00", notes="you idiot"), log("2026-03-02T11:00:00", notes="fine")]
    assert audit_group(records, UK) == []
    [finding] = audit_group(records, UK, language_scanner=fake_scanner)
    assert finding.external_id == records[0].external_id
    # Matches given as objects with attributes, or as plain text, work too.
    class Match:
        label, text, start, end = "threat", "or else", 0, 7

    [finding] = language_findings(records[1], lambda notes: [Match()])
    assert finding.evidence[0].label == "threat" and finding.evidence[0].text == "or else"
    [finding] = language_findings(records[1], lambda notes: ["fine"])
    assert finding.evidence[0].text == "fine"


def test_a_lang_abuse_table_only_sets_the_citation():
    rules = RuleSet.from_profile({**UK, LANG_ABUSE: {"citation": "FCA CONC 7.3.4R"}})
    assert rules.rule_ids == ("UK-TIME", "UK-3P")
    [finding] = audit_group([log("2026-03-02T10:00:00", LDN, notes="you idiot")], rules,
                            language_scanner=fake_scanner)
    assert (finding.rule_id, finding.citation) == (LANG_ABUSE, "FCA CONC 7.3.4R")


# --------------------------------------------------------------------------
# Import validation
# --------------------------------------------------------------------------


def row(**changes):
    values = {
        "external_id": " c-1 ",
        "source": "dialer",
        "agency": "Acme Collections",
        "agent_id": "agent-7",
        "account_ref": "ACC-1",
        "occurred_at": "2026-03-02T21:30:00-05:00",
        "consumer_tz": "America/New_York",
        "channel": "call",
        "direction": "outbound",
        "outcome": "no_answer",
        "duration_s": "0",
        "counterparty": "debtor",
        "contact_point": "+1 555 0100",
        "notes": "left no message",
        "disposition": "",
    }
    values.update(changes)
    return values


def test_a_valid_row_is_trimmed_and_converted():
    record = parse_contact_row(row(agent_id="  ", notes=None, contact_point=" +1 555 0100 "))
    assert record.external_id == "c-1"
    assert record.occurred_at == datetime(2026, 3, 3, 2, 30, tzinfo=UTC)
    assert record.occurred_at.tzinfo is UTC
    assert record.duration_s == 0
    assert record.agent_id is None and record.notes is None and record.disposition is None
    assert record.contact_point == "+1 555 0100"
    full = parse_contact_row(row(occurred_at="2026-03-02T21:30:00Z", duration_s=125, disposition="cease_request"))
    assert full.duration_s == 125 and full.disposition == "cease_request"


@pytest.mark.parametrize("name", [
    "external_id", "source", "agency", "account_ref", "occurred_at", "consumer_tz",
    "channel", "direction", "outcome", "counterparty",
])
def test_each_required_field_missing_or_blank_is_rejected(name):
    for value in (None, "", "   "):
        with pytest.raises(RowRejected) as excinfo:
            parse_contact_row(row(**{name: value}))
        assert excinfo.value.reason.startswith(f"{name}: required")
    values = row()
    del values[name]
    with pytest.raises(RowRejected, match=f"^{name}: required"):
        parse_contact_row(values)


@pytest.mark.parametrize("name,value", [
    ("channel", "fax"), ("channel", "Call"), ("direction", "outgoing"), ("outcome", "hung_up"),
    ("counterparty", "neighbour"), ("disposition", "angry"),
])
def test_values_outside_the_listed_ones_are_rejected(name, value):
    with pytest.raises(RowRejected) as excinfo:
        parse_contact_row(row(**{name: value}))
    assert excinfo.value.reason.startswith(f"{name}: the value is not allowed; use one of")
    assert value not in excinfo.value.reason.split(";")[0]  # a reason never repeats the value


@pytest.mark.parametrize("value,message", [
    ("2026-03-02T21:30:00", "has no UTC offset"),
    ("2026-03-02", "has no time and no UTC offset"),
    ("02/03/2026 21:30 +01:00", "is not an ISO 8601 date and time with an offset"),
    ("2026-02-30T10:00:00Z", "is not a valid date and time"),
    ("yesterday", "is not an ISO 8601"),
])
def test_bad_occurred_at_is_rejected(value, message):
    with pytest.raises(RowRejected, match=f"^occurred_at: .*{message}"):
        parse_contact_row(row(occurred_at=value))


@pytest.mark.parametrize("value", ["Mars/Olympus", "america/new_york", "EST5", "localtime", "../etc/passwd", "/etc/localtime"])
def test_consumer_tz_must_be_a_real_iana_zone(value):
    with pytest.raises(RowRejected, match="^consumer_tz: .* is not an IANA time zone"):
        parse_contact_row(row(consumer_tz=value))


@pytest.mark.parametrize("value", ["-1", "1.5", "12s", "ten", -3, 2.5, True, "1e3", "٣"])
def test_duration_must_be_a_whole_number_of_seconds(value):
    with pytest.raises(RowRejected, match="^duration_s: "):
        parse_contact_row(row(duration_s=value))


def test_optional_fields_may_be_empty():
    record = parse_contact_row(row(agent_id="", duration_s="", contact_point="", notes="", disposition=""))
    assert (record.agent_id, record.duration_s, record.contact_point, record.notes, record.disposition) == (
        None, None, None, None, None,
    )


def test_over_long_and_nul_values_are_rejected():
    with pytest.raises(RowRejected, match="^account_ref: longer than 64 characters"):
        parse_contact_row(row(account_ref="A" * 65))
    with pytest.raises(RowRejected, match="^notes: contains a NUL character"):
        parse_contact_row(row(notes="a\x00b"))
    with pytest.raises(RowRejected, match="^agency: expected text"):
        parse_contact_row(row(agency=["Acme"]))
    with pytest.raises(RowRejected, match="not an object"):
        parse_contact_row(["a", "b"])


def test_default_source_fills_only_a_missing_source():
    assert parse_contact_row(row(source=""), default_source="upload").source == "upload"
    assert parse_contact_row(row(), default_source="upload").source == "dialer"


def test_canonical_form_tells_duplicates_from_conflicts():
    stored = parse_contact_row(row())
    same_after_trimming = parse_contact_row(row(agency="  Acme Collections ", duration_s=" 0 ", disposition="  "))
    same_instant_other_offset = parse_contact_row(row(occurred_at="2026-03-03T02:30:00Z"))
    assert canonical_form(stored) == canonical_form(same_after_trimming)
    assert canonical_form(stored) == canonical_form(same_instant_other_offset)
    changed = parse_contact_row(row(outcome="connected", duration_s="60"))
    assert canonical_form(stored) != canonical_form(changed)
    assert differing_fields(stored, changed) == ["outcome", "duration_s"]
    with_id = parse_contact_row(row(), log_id=99)
    assert canonical_form(with_id) == canonical_form(stored)


# --------------------------------------------------------------------------
# The engine against a brute-force reading of the rule table
# --------------------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_BASE = datetime(2026, 10, 26, tzinfo=UTC)  # New York and London change clocks in this span


@st.composite
def account_logs(draw):
    zones = draw(st.sampled_from([[NY], [SH], [LDN], [NY, SH, LDN]]))
    n = draw(st.integers(min_value=0, max_value=40))
    step = draw(st.sampled_from([10, 10, 360]))  # minutes; 6-hour steps make many ties
    records = []
    for k in range(n):
        channel = draw(st.sampled_from(["call", "call", "call", "sms", "letter"]))
        records.append(ContactRecord(
            source=draw(st.sampled_from(["a", "b"])),
            external_id=f"e{k:03d}",
            agency="Acme",
            agent_id=None,
            account_ref="ACC-1",
            occurred_at=_BASE + timedelta(minutes=draw(st.integers(0, 12 * 24 * 60 // step)) * step),
            consumer_tz=draw(st.sampled_from(zones)),
            channel=channel,
            direction=draw(st.sampled_from(["outbound", "outbound", "outbound", "inbound"])),
            outcome=draw(st.sampled_from(["connected", "no_answer", "voicemail", "busy", "failed"])),
            duration_s=None,
            counterparty=draw(st.sampled_from(["debtor", "debtor", "debtor", "family", "employer", "third_party"])),
            contact_point=draw(st.sampled_from(["p", "q", None])),
            notes=None,
            disposition=draw(st.sampled_from([None] * 12 + ["cease_request", "stop_channel", "no_work_contact",
                                                            "attorney_represented"])),
        ))
    return records


def _brute_force(records, rule_id, p):
    key = lambda r: (r.occurred_at, r.source, r.external_id)  # noqa: E731
    local_days = {r.external_id: r.occurred_at.astimezone(ZoneInfo(r.consumer_tz)).date() for r in records}
    day = lambda r: local_days[r.external_id]  # noqa: E731
    attempt = lambda r: r.channel == "call" and r.direction == "outbound" and r.outcome not in ("busy", "failed")  # noqa: E731,E501
    conversation = lambda r: r.channel == "call" and r.outcome == "connected" and r.counterparty == "debtor"  # noqa: E731,E501
    third = lambda r: r.direction == "outbound" and r.counterparty in ("family", "employer", "third_party")  # noqa: E731,E501
    flagged = set()
    for r in records:
        if rule_id == "US-7IN7" and attempt(r):
            d = day(r)
            n = sum(1 for q in records if attempt(q) and key(q) <= key(r)
                    and d - timedelta(days=p["window_days"] - 1) <= day(q) <= d)
            hit = n > p["max_attempts"]
        elif rule_id == "US-POSTCONV" and attempt(r):
            hit = any(conversation(c) and c.occurred_at < r.occurred_at
                      and day(c) <= day(r) <= day(c) + timedelta(days=p["window_days"] - 1) for c in records)
        elif rule_id == "CN-CONNECTED-3" and attempt(r) and r.outcome == "connected" and r.counterparty == "debtor":
            n = sum(1 for q in records if attempt(q) and q.outcome == "connected" and q.counterparty == "debtor"
                    and key(q) <= key(r) and day(q) == day(r))
            hit = n > p["max_connected"]
        elif rule_id == "CN-ATTEMPTS-6" and attempt(r):
            n = sum(1 for q in records if attempt(q) and q.contact_point == r.contact_point
                    and key(q) <= key(r) and day(q) == day(r))
            hit = n > p["max_attempts"]
        elif rule_id == "CN-3P" and third(r):
            calls = sorted((q for q in records if q.channel == "call" and q.direction == "outbound"
                            and q.counterparty == "debtor" and q.occurred_at < r.occurred_at), key=key)
            last = calls[-p["failed_calls_required"]:] if calls else []
            hit = len(last) < p["failed_calls_required"] or any(
                q.outcome not in ("no_answer", "busy", "failed") for q in last)
        elif rule_id == "US-3P" and third(r):
            hit = any(third(q) and q.contact_point == r.contact_point and key(q) < key(r) for q in records)
        elif rule_id == "US-CEASE" and r.direction == "outbound" and r.channel in ("call", "sms", "email", "visit"):
            hit = any(m.disposition == "cease_request" and m.occurred_at < r.occurred_at for m in records)
        elif rule_id == "US-STOPCHAN" and r.direction == "outbound":
            hit = any(m.disposition == "stop_channel" and m.channel == r.channel
                      and m.occurred_at < r.occurred_at for m in records)
        else:
            hit = False
        if hit:
            flagged.add(r.external_id)
    return flagged


BRUTE_FORCE_CASES = [
    ("US-7IN7", {"max_attempts": 3, "window_days": 3}),
    ("US-7IN7", US["US-7IN7"]),
    ("US-POSTCONV", US["US-POSTCONV"]),
    ("CN-CONNECTED-3", {"max_connected": 2}),
    ("CN-ATTEMPTS-6", {"max_attempts": 2}),
    ("CN-3P", CN["CN-3P"]),
    ("US-3P", US["US-3P"]),
    ("US-CEASE", US["US-CEASE"]),
    ("US-STOPCHAN", US["US-STOPCHAN"]),
]


@settings(max_examples=200, deadline=None)
@given(account_logs())
def test_engine_agrees_with_a_brute_force_reading(records):
    for rule_id, params in BRUTE_FORCE_CASES:
        findings = audit_group(records, {rule_id: params})
        assert len(offenders(findings)) == len(set(offenders(findings))), rule_id
        assert set(offenders(findings)) == _brute_force(records, rule_id, params), rule_id
