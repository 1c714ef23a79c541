"""Deadline arithmetic (SPEC section 4) with worked examples per profile.

Each example says how its dates are reached. Deadlines are the end of the
due date, 23:59:59 in the profile's time zone.
"""
from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from portal.commands.deadlines import deadlines_cli
from portal.domain.calendars import CalendarDataMissing
from portal.domain.deadlines import (
    DeadlineError,
    Pause,
    TimeLeft,
    deadlines_for,
    review_window_ends,
)
from portal.domain.profiles import load_profile

NEW_YORK = ZoneInfo("America/New_York")
SHANGHAI = ZoneInfo("Asia/Shanghai")
LONDON = ZoneInfo("Europe/London")
UTC = dt.timezone.utc


def dues(result) -> tuple[str, str, str]:
    return (
        result.acknowledgement.due.isoformat(),
        result.first_response.due.isoformat(),
        result.final.due.isoformat(),
    )


# -- us-cfpb: Thanksgiving -------------------------------------------------------

THANKSGIVING_EVE = dt.datetime(2026, 11, 25, 10, 0, tzinfo=NEW_YORK)  # Wednesday


def test_us_normal_urgency_over_thanksgiving():
    # Acknowledgement, 2 business days after Wed 25 Nov: Thu 26 is Thanksgiving,
    # Fri 27 is the 1st, Sat/Sun skipped, Mon 30 the 2nd.
    # First response, profile default: 25 Nov + 15 calendar days = 10 Dec.
    # Final: 25 Nov + 60 = 24 Jan 2027 (5 days to 30 Nov, 31 in Dec, 24 in Jan).
    result = deadlines_for("us-cfpb", THANKSGIVING_EVE, "normal")
    assert dues(result) == (
        "2026-11-30T23:59:59-05:00",
        "2026-12-10T23:59:59-05:00",
        "2027-01-24T23:59:59-05:00",
    )
    assert result.urgency == "normal"
    assert result.first_response.basis == "15 calendar days (profile default)"


def test_us_critical_and_high_shorten_the_first_response_over_thanksgiving():
    # Critical: acknowledged the same business day (Wed 25, a business day);
    # first response 1 business day: Thu 26 is Thanksgiving, so Fri 27.
    critical = deadlines_for("us-cfpb", THANKSGIVING_EVE, "critical")
    assert dues(critical)[:2] == ("2026-11-25T23:59:59-05:00", "2026-11-27T23:59:59-05:00")
    # High: acknowledgement 1 business day -> Fri 27; first response 3 business
    # days -> Fri 27, Mon 30, Tue 1 Dec, earlier than the 15-day default (10 Dec).
    high = deadlines_for("us-cfpb", THANKSGIVING_EVE, "high")
    assert dues(high)[:2] == ("2026-11-27T23:59:59-05:00", "2026-12-01T23:59:59-05:00")
    assert "earlier than the default 15 calendar days" in high.first_response.basis
    # The final deadline does not depend on urgency.
    assert critical.final.due == high.final.due


def test_us_receipt_on_thanksgiving_is_read_in_new_york_time():
    # 03:30 UTC on Thu 26 Nov is 22:30 on Wed 25 Nov in New York: the receipt
    # date is the Wednesday, so the same dates as received on the Wednesday.
    late_evening = dt.datetime(2026, 11, 26, 3, 30, tzinfo=UTC)
    assert dues(deadlines_for("us-cfpb", late_evening, "normal")) == dues(
        deadlines_for("us-cfpb", THANKSGIVING_EVE, "normal")
    )
    # Received on Thanksgiving itself, critical: same business day = Fri 27.
    on_the_day = dt.datetime(2026, 11, 26, 12, tzinfo=NEW_YORK)
    assert deadlines_for("us-cfpb", on_the_day, "critical").acknowledgement.due.date() == dt.date(2026, 11, 27)


def test_unrouted_urgency_counts_as_normal():
    assert dues(deadlines_for("us-cfpb", THANKSGIVING_EVE, None)) == dues(
        deadlines_for("us-cfpb", THANKSGIVING_EVE, "normal")
    )
    assert deadlines_for("us-cfpb", THANKSGIVING_EVE, None).urgency == "normal"


# -- cn-nfra: National Day with make-up working days -----------------------------


def test_cn_national_day_2025_normal():
    # Received Tue 30 Sep 2025. Acknowledgement, 2 business days: 1-8 Oct are
    # all off (National Day 1-3, weekend 4-5, Mid-Autumn 6, swapped days off
    # 7-8), so Thu 9 Oct is the 1st and Fri 10 Oct the 2nd.
    # First response and final: 30 Sep + 15 calendar days = 15 Oct (calendar
    # days run through the holiday).
    result = deadlines_for("cn-nfra", dt.datetime(2025, 9, 30, 15, tzinfo=SHANGHAI), "normal")
    assert dues(result) == (
        "2025-10-10T23:59:59+08:00",
        "2025-10-15T23:59:59+08:00",
        "2025-10-15T23:59:59+08:00",
    )


def test_cn_make_up_working_days_count_as_business_days():
    # Received Fri 26 Sep 2025, critical: acknowledged the same day; first
    # response 1 business day: Sat 27 is off, Sun 28 Sep is a make-up working
    # day, so the first response is due on the Sunday.
    critical = deadlines_for("cn-nfra", dt.datetime(2025, 9, 26, 18, tzinfo=SHANGHAI), "critical")
    assert dues(critical)[:2] == ("2025-09-26T23:59:59+08:00", "2025-09-28T23:59:59+08:00")
    # Received Thu 9 Oct 2025, normal: Fri 10 (1st), Sat 11 Oct worked in lieu (2nd).
    after = deadlines_for("cn-nfra", dt.datetime(2025, 10, 9, 9, tzinfo=SHANGHAI), "normal")
    assert after.acknowledgement.due.isoformat() == "2025-10-11T23:59:59+08:00"


def test_cn_national_day_2026():
    # Received Fri 18 Sep 2026, normal: Sat 19 off, Sun 20 Sep worked (1st),
    # Mon 21 (2nd). Without the make-up day it would be Tue 22.
    before = deadlines_for("cn-nfra", dt.datetime(2026, 9, 18, 11, tzinfo=SHANGHAI), "normal")
    assert before.acknowledgement.due.isoformat() == "2026-09-21T23:59:59+08:00"
    # Received Wed 30 Sep 2026, high: 1-7 Oct off, so the acknowledgement
    # (1 business day) is Thu 8 Oct; first response 3 business days: Thu 8,
    # Fri 9, Sat 10 Oct (worked in lieu); earlier than 15 days (15 Oct).
    high = deadlines_for("cn-nfra", dt.datetime(2026, 9, 30, 10, tzinfo=SHANGHAI), "high")
    assert dues(high) == (
        "2026-10-08T23:59:59+08:00",
        "2026-10-10T23:59:59+08:00",
        "2026-10-15T23:59:59+08:00",
    )
    # Received Sun 4 Oct 2026 (inside the holiday), critical: the same
    # business day is the next one, Thu 8 Oct; the first response, the 1st
    # business day after 4 Oct, is Thu 8 Oct too.
    holiday = deadlines_for("cn-nfra", dt.datetime(2026, 10, 4, 8, tzinfo=SHANGHAI), "critical")
    assert dues(holiday)[:2] == ("2026-10-08T23:59:59+08:00", "2026-10-08T23:59:59+08:00")
    # Received on the worked Saturday 10 Oct, critical: acknowledged that
    # same day; first response: Sun 11 off, Mon 12.
    saturday = deadlines_for("cn-nfra", dt.datetime(2026, 10, 10, 9, tzinfo=SHANGHAI), "critical")
    assert dues(saturday)[:2] == ("2026-10-10T23:59:59+08:00", "2026-10-12T23:59:59+08:00")


RECEIVED_CN = dt.datetime(2025, 9, 30, 15, tzinfo=SHANGHAI)


def test_cn_complex_extension():
    # Marked complex: final 30 calendar days: 30 Sep + 30 = 30 Oct.
    result = deadlines_for("cn-nfra", RECEIVED_CN, "normal", complexity="complex")
    assert result.final.due.isoformat() == "2025-10-30T23:59:59+08:00"
    assert result.final.basis == "30 calendar days (complex)"
    # The other deadlines do not move.
    assert result.first_response.due.isoformat() == "2025-10-15T23:59:59+08:00"


def test_cn_especially_complex_extension_needs_the_approval():
    # Especially complex with approval recorded: 30 Sep + 60 = 29 Nov
    # (31 days to 31 Oct, 29 in November).
    approved = deadlines_for(
        "cn-nfra", RECEIVED_CN, "normal", complexity="especially_complex", extension_approved=True
    )
    assert approved.final.due.isoformat() == "2025-11-29T23:59:59+08:00"
    # Without the approval the extension is not valid: the complex limit
    # (30 days, 30 Oct) applies.
    unapproved = deadlines_for("cn-nfra", RECEIVED_CN, "normal", complexity="especially_complex")
    assert unapproved.final.due.isoformat() == "2025-10-30T23:59:59+08:00"
    assert "not approved" in unapproved.final.basis


def test_profiles_without_extensions_refuse_complexity():
    with pytest.raises(DeadlineError, match="us-cfpb has no longer final deadline"):
        deadlines_for("us-cfpb", THANKSGIVING_EVE, "normal", complexity="complex")
    with pytest.raises(DeadlineError, match="Unknown complexity"):
        deadlines_for("cn-nfra", RECEIVED_CN, "normal", complexity="simple")


def test_cn_deadline_in_a_year_without_published_holidays_is_provisional():
    # The acknowledgement needs the business calendar of a year whose State
    # Council arrangement is not published (2099): computed on the statutory
    # holidays with no worked weekend. Received Mon 2 Mar 2099; normal
    # urgency acknowledges within 2 business days: Wed 4 Mar.
    result = deadlines_for("cn-nfra", dt.datetime(2099, 3, 2, 10, tzinfo=SHANGHAI), "normal")
    assert result.acknowledgement.due == dt.datetime(2099, 3, 4, 23, 59, 59, tzinfo=SHANGHAI)


# -- uk-fca: Christmas and a weekend receipt ---------------------------------------


def test_uk_christmas():
    # Received Thu 24 Dec 2026. Acknowledgement, 2 business days: Fri 25
    # (Christmas), Sat 26, Sun 27 and Mon 28 (Boxing Day observed) are off,
    # so Tue 29 (1st), Wed 30 (2nd). First response (summary resolution),
    # 3 business days: Thu 31 Dec. Final, 8 weeks: 24 Dec + 56 = 18 Feb 2027.
    result = deadlines_for("uk-fca", dt.datetime(2026, 12, 24, 11, tzinfo=LONDON), "normal")
    assert dues(result) == (
        "2026-12-30T23:59:59+00:00",
        "2026-12-31T23:59:59+00:00",
        "2027-02-18T23:59:59+00:00",
    )
    # Critical on Christmas Eve (a business day): acknowledged the same day,
    # first response 1 business day -> Tue 29 Dec.
    critical = deadlines_for("uk-fca", dt.datetime(2026, 12, 24, 11, tzinfo=LONDON), "critical")
    assert dues(critical)[:2] == ("2026-12-24T23:59:59+00:00", "2026-12-29T23:59:59+00:00")


def test_uk_weekend_receipt():
    # Received Sat 14 Mar 2026. Acknowledgement, 2 business days: Mon 16 (1st),
    # Tue 17 (2nd). First response, 3 business days: Wed 18. Final: 14 Mar +
    # 56 = 9 May, after the clocks went forward (BST, +01:00).
    result = deadlines_for("uk-fca", dt.datetime(2026, 3, 14, 10, tzinfo=LONDON), "normal")
    assert dues(result) == (
        "2026-03-17T23:59:59+00:00",
        "2026-03-18T23:59:59+00:00",
        "2026-05-09T23:59:59+01:00",
    )
    # Critical on a Saturday: the same business day is Monday 16, and the
    # first response (the 1st business day after Saturday) is Monday 16 too.
    critical = deadlines_for("uk-fca", dt.datetime(2026, 3, 14, 10, tzinfo=LONDON), "critical")
    assert dues(critical)[:2] == ("2026-03-16T23:59:59+00:00", "2026-03-16T23:59:59+00:00")


def test_uk_receipt_time_is_read_in_london():
    # 20:30 on Friday 13 Mar in New York (already on summer time, UTC-4) is
    # 00:30 on Saturday 14 Mar in London: a weekend receipt there, same dates
    # as the example above.
    from_new_york = dt.datetime(2026, 3, 13, 20, 30, tzinfo=NEW_YORK)
    result = deadlines_for("uk-fca", from_new_york, "normal")
    assert result.received_at.isoformat() == "2026-03-14T00:30:00+00:00"
    assert result.acknowledgement.due.isoformat() == "2026-03-17T23:59:59+00:00"


# -- pauses ------------------------------------------------------------------------

RECEIVED_US = dt.datetime(2026, 3, 2, 9, tzinfo=NEW_YORK)  # Monday
# Without pauses: acknowledgement Wed 4 Mar (2 business days), first
# response 17 Mar (+15), final 1 May (+60: 29 days to 31 Mar, 30 in April, 1).
ACK_MET = dt.datetime(2026, 3, 3, 10, tzinfo=NEW_YORK)


def test_pause_moves_open_deadlines_by_whole_days():
    # Awaiting the cardholder from Thu 5 Mar 12:00 to Sat 7 Mar 13:00: 2 days
    # 1 hour, rounded up to 3 days. The acknowledgement was met on 3 Mar,
    # before the pause, and stays; first response 17 -> 20 Mar; final
    # 1 May -> 4 May (EDT by then).
    pause = Pause("awaiting_cardholder", dt.datetime(2026, 3, 5, 12, tzinfo=NEW_YORK),
                  dt.datetime(2026, 3, 7, 13, tzinfo=NEW_YORK))
    result = deadlines_for("us-cfpb", RECEIVED_US, "normal", pauses=[pause],
                           satisfied={"acknowledgement": ACK_MET})
    assert dues(result) == (
        "2026-03-04T23:59:59-05:00",
        "2026-03-20T23:59:59-04:00",
        "2026-05-04T23:59:59-04:00",
    )
    assert result.acknowledgement.paused_days == 0
    assert result.first_response.paused_days == 3
    assert result.first_response.base_due.isoformat() == "2026-03-17T23:59:59-04:00"
    assert result.final.basis == "60 calendar days, +3 paused days"


def test_pause_of_a_kind_the_profile_does_not_list_is_ignored():
    # us-cfpb pauses only while awaiting the cardholder; outside appraisal
    # does not stop its clock.
    pause = ("outside_appraisal", dt.datetime(2026, 3, 5, tzinfo=NEW_YORK), dt.datetime(2026, 3, 9, tzinfo=NEW_YORK))
    assert dues(deadlines_for("us-cfpb", RECEIVED_US, "normal", pauses=[pause])) == dues(
        deadlines_for("us-cfpb", RECEIVED_US, "normal")
    )


def test_cn_outside_appraisal_stops_the_clock():
    # Received Mon 2 Nov 2026; acknowledgement Wed 4 Nov (2 business days),
    # met on 3 Nov. Outside appraisal Thu 5 Nov 09:00 to Mon 9 Nov 09:00:
    # exactly 4 days. First response and final: 2 Nov + 15 = 17 Nov, + 4 = 21 Nov.
    received = dt.datetime(2026, 11, 2, 10, tzinfo=SHANGHAI)
    result = deadlines_for(
        "cn-nfra", received, "normal",
        pauses=[Pause("outside_appraisal", dt.datetime(2026, 11, 5, 9, tzinfo=SHANGHAI),
                      dt.datetime(2026, 11, 9, 9, tzinfo=SHANGHAI))],
        satisfied={"acknowledgement": dt.datetime(2026, 11, 3, 9, tzinfo=SHANGHAI)},
    )
    assert dues(result) == (
        "2026-11-04T23:59:59+08:00",
        "2026-11-21T23:59:59+08:00",
        "2026-11-21T23:59:59+08:00",
    )


def test_deadline_overdue_when_the_pause_starts_stays_overdue():
    # The acknowledgement (due 4 Mar) was never sent; a pause from 5 Mar does
    # not cure it, while the first response and the final still move (+3 days).
    pause = Pause("awaiting_cardholder", dt.datetime(2026, 3, 5, 12, tzinfo=NEW_YORK),
                  dt.datetime(2026, 3, 7, 13, tzinfo=NEW_YORK))
    result = deadlines_for("us-cfpb", RECEIVED_US, "normal", pauses=[pause])
    assert result.acknowledgement.due.isoformat() == "2026-03-04T23:59:59-05:00"
    assert result.first_response.due.isoformat() == "2026-03-20T23:59:59-04:00"
    left = result.acknowledgement.time_left(dt.datetime(2026, 3, 6, 1, 0, 1, tzinfo=NEW_YORK))
    assert left == TimeLeft("overdue", 25 * 3600 + 2)
    assert left.describe() == "overdue by 1 day 1 hour"


def test_deadline_met_during_the_pause_still_moved():
    # The first response was open when the pause began, so it moves to 20 Mar
    # even though it was later met (on 18 Mar, on time).
    pause = Pause("awaiting_cardholder", dt.datetime(2026, 3, 5, 12, tzinfo=NEW_YORK),
                  dt.datetime(2026, 3, 7, 13, tzinfo=NEW_YORK))
    met = dt.datetime(2026, 3, 18, 16, tzinfo=NEW_YORK)
    result = deadlines_for("us-cfpb", RECEIVED_US, "normal", pauses=[pause],
                           satisfied={"acknowledgement": ACK_MET, "first_response": met})
    assert result.first_response.due.isoformat() == "2026-03-20T23:59:59-04:00"
    assert result.first_response.time_left(dt.datetime(2026, 4, 1, tzinfo=UTC)).state == "met"


def test_each_pause_is_rounded_up_and_overlaps_are_merged():
    # Two separate one-hour pauses: each rounds up to a day: 17 Mar + 2 = 19 Mar.
    short = [
        Pause("awaiting_cardholder", dt.datetime(2026, 3, 5, 10, tzinfo=NEW_YORK), dt.datetime(2026, 3, 5, 11, tzinfo=NEW_YORK)),
        Pause("awaiting_cardholder", dt.datetime(2026, 3, 6, 10, tzinfo=NEW_YORK), dt.datetime(2026, 3, 6, 11, tzinfo=NEW_YORK)),
    ]
    assert deadlines_for("us-cfpb", RECEIVED_US, "normal", pauses=short).first_response.due.date() == dt.date(2026, 3, 19)
    # Overlapping pauses (cn-nfra: appraisal 5 Nov 00:00-6 Nov 00:00 and the
    # cardholder asked 5 Nov 12:00-6 Nov 00:00): one day paused, not two:
    # 2 Nov + 15 = 17 Nov, + 1 = 18 Nov.
    overlapping = [
        Pause("outside_appraisal", dt.datetime(2026, 11, 5, tzinfo=SHANGHAI), dt.datetime(2026, 11, 6, tzinfo=SHANGHAI)),
        Pause("awaiting_cardholder", dt.datetime(2026, 11, 5, 12, tzinfo=SHANGHAI), dt.datetime(2026, 11, 6, tzinfo=SHANGHAI)),
    ]
    result = deadlines_for("cn-nfra", dt.datetime(2026, 11, 2, 10, tzinfo=SHANGHAI), "normal", pauses=overlapping)
    assert result.final.due.date() == dt.date(2026, 11, 18)


def test_ongoing_pause_is_measured_up_to_now():
    # Awaiting the cardholder since Tue 10 Mar 09:00, still unanswered at
    # Wed 11 Mar 10:00: 1 day 1 hour so far, rounded up to 2 days: the first
    # response moves 17 -> 19 Mar and is shown as paused.
    pause = Pause("awaiting_cardholder", dt.datetime(2026, 3, 10, 9, tzinfo=NEW_YORK))
    now = dt.datetime(2026, 3, 11, 10, tzinfo=NEW_YORK)
    result = deadlines_for("us-cfpb", RECEIVED_US, "normal", pauses=[pause],
                           satisfied={"acknowledgement": ACK_MET}, now=now)
    assert result.first_response.due.date() == dt.date(2026, 3, 19)
    assert result.first_response.paused is True
    assert result.first_response.time_left(now).state == "paused"
    assert result.acknowledgement.paused is False
    with pytest.raises(DeadlineError, match="needs `now`"):
        deadlines_for("us-cfpb", RECEIVED_US, "normal", pauses=[pause])


@pytest.mark.parametrize(
    "pause, message",
    [
        (Pause("awaiting_cardholder", dt.datetime(2026, 3, 1, tzinfo=NEW_YORK), dt.datetime(2026, 3, 3, tzinfo=NEW_YORK)),
         "before the complaint was received"),
        (Pause("awaiting_cardholder", dt.datetime(2026, 3, 5, tzinfo=NEW_YORK), dt.datetime(2026, 3, 4, tzinfo=NEW_YORK)),
         "ends"),
        (Pause("coffee_break", dt.datetime(2026, 3, 5, tzinfo=NEW_YORK), None), "Unknown pause kind"),
        (Pause("awaiting_cardholder", dt.datetime(2026, 3, 5), dt.datetime(2026, 3, 6)), "time zone"),
    ],
)
def test_bad_pauses_are_refused(pause, message):
    with pytest.raises(DeadlineError, match=message):
        deadlines_for("us-cfpb", RECEIVED_US, "normal", pauses=[pause], now=dt.datetime(2026, 3, 9, tzinfo=UTC))


# -- time left, attention, review window, bad input ------------------------------------


def test_time_left_is_exact_across_a_dst_change():
    # Final due Fri 1 May 23:59:59 EDT; from Mon 2 Mar 23:59:59 EST that is 60
    # days on the wall clock but one hour less in real time (clocks went
    # forward on 8 Mar).
    result = deadlines_for("us-cfpb", RECEIVED_US, "normal")
    left = result.final.time_left(dt.datetime(2026, 3, 2, 23, 59, 59, tzinfo=NEW_YORK))
    assert left == TimeLeft("open", 60 * 86400 - 3600)
    assert left.describe() == "59 days 23 hours left"


def test_met_late_is_reported():
    late = dt.datetime(2026, 3, 5, 2, 0, tzinfo=NEW_YORK)  # ack due 4 Mar 23:59:59
    result = deadlines_for("us-cfpb", RECEIVED_US, "normal", satisfied={"acknowledgement": late})
    left = result.acknowledgement.time_left(dt.datetime(2026, 3, 9, tzinfo=UTC))
    assert left == TimeLeft("met_late", 2 * 3600 + 1)
    assert left.describe() == "met 2 hours late"
    assert TimeLeft("overdue", 59).describe() == "overdue by less than a minute"
    assert TimeLeft("open", 3 * 3600 + 25 * 60).describe() == "3 hours 25 minutes left"


def test_needing_attention_lists_overdue_and_due_within_two_business_days():
    # Now is Fri 13 Mar 12:00: two business days ahead is Tue 17 Mar, the day
    # the first response is due; the acknowledgement (4 Mar) is overdue; the
    # final (1 May) is not close.
    now = dt.datetime(2026, 3, 13, 12, tzinfo=NEW_YORK)
    result = deadlines_for("us-cfpb", RECEIVED_US, "normal")
    assert [d.name for d in result.needing_attention(now)] == ["acknowledgement", "first_response"]
    met = deadlines_for("us-cfpb", RECEIVED_US, "normal", satisfied={"acknowledgement": ACK_MET})
    assert [d.name for d in met.needing_attention(now)] == ["first_response"]
    # On Thu 12 Mar two business days ahead is Mon 16: the first response is not due yet.
    assert [d.name for d in met.needing_attention(dt.datetime(2026, 3, 12, 12, tzinfo=NEW_YORK))] == []


def test_review_window_ends_thirty_days_after_the_decision():
    # Decided 1 Dec 2026 15:00 UTC = 10:00 in New York; + 30 days = 31 Dec.
    assert review_window_ends("us-cfpb", dt.datetime(2026, 12, 1, 15, tzinfo=UTC)).isoformat() == (
        "2026-12-31T23:59:59-05:00"
    )


def test_as_dict_and_profile_object():
    result = deadlines_for(load_profile("us-cfpb"), THANKSGIVING_EVE, "normal")
    assert result.as_dict() == {
        "acknowledgement": "2026-11-30T23:59:59-05:00",
        "first_response": "2026-12-10T23:59:59-05:00",
        "final": "2027-01-24T23:59:59-05:00",
    }
    assert [d.name for d in result] == ["acknowledgement", "first_response", "final"]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"received_at": dt.datetime(2026, 3, 2, 9), "urgency": "normal"}, "must carry a time zone"),
        ({"received_at": RECEIVED_US, "urgency": "urgent"}, "Unknown urgency 'urgent'"),
        ({"received_at": "2026-03-02", "urgency": "normal"}, "must be a datetime"),
        ({"received_at": RECEIVED_US, "urgency": "normal", "satisfied": {"reply": ACK_MET}}, "Unknown deadline names"),
    ],
)
def test_bad_input_is_refused_clearly(kwargs, message):
    with pytest.raises(DeadlineError, match=message):
        deadlines_for("us-cfpb", **kwargs)


# -- flask deadlines compute ---------------------------------------------------------


def compute(*args: str):
    return CliRunner().invoke(deadlines_cli, ["compute", *args])


def test_cli_compute_prints_one_json_object():
    result = compute("--profile", "us-cfpb", "--received", "2026-11-25T10:00:00-05:00", "--urgency", "high")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "acknowledgement": "2026-11-27T23:59:59-05:00",
        "first_response": "2026-12-01T23:59:59-05:00",
        "final": "2027-01-24T23:59:59-05:00",
        "profile": "us-cfpb",
        "calendar": "US federal holidays, Sat/Sun weekend",
    }


def test_cli_compute_converts_to_the_profile_time_zone():
    # 16:00 UTC on Wed 30 Sep 2026 is midnight on Thu 1 Oct in Shanghai, inside
    # National Day: normal acknowledgement Thu 8 (1st), Fri 9 (2nd); final 1 Oct + 15.
    result = compute("--profile", "cn-nfra", "--received", "2026-09-30T16:00:00Z", "--urgency", "normal")
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert (out["acknowledgement"], out["final"]) == ("2026-10-09T23:59:59+08:00", "2026-10-16T23:59:59+08:00")
    assert out["profile"] == "cn-nfra"


def test_cli_compute_without_offset_reads_the_profile_zone_and_defaults_to_normal():
    result = compute("--profile", "uk-fca", "--received", "2026-12-24T11:00")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["acknowledgement"] == "2026-12-30T23:59:59+00:00"


def test_cli_compute_extension_options():
    result = compute("--profile", "cn-nfra", "--received", "2025-09-30T15:00:00+08:00",
                     "--complexity", "especially_complex", "--extension-approved")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["final"] == "2025-11-29T23:59:59+08:00"


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["--profile", "mars", "--received", "2026-11-25T10:00:00-05:00"], 2, "valid profiles: cn-nfra"),
        (["--profile", "us-cfpb", "--received", "yesterday"], 2, "is not an ISO 8601 date and time"),
        (["--profile", "us-cfpb", "--received", "2026-11-25T10:00:00-05:00", "--urgency", "panic"], 2, "'panic' is not one of"),
        (["--received", "2026-11-25T10:00:00-05:00"], 2, "Missing option '--profile'"),
        (["--profile", "us-cfpb", "--received", "2026-11-25", "--complexity", "complex"], 1, "no longer final deadline"),
        (["--profile", "us-cfpb", "--received", "2101-03-02T10:00:00-05:00"], 1, "No US holiday data for 2101"),
    ],
)
def test_cli_compute_bad_input(args, code, message):
    result = compute(*args)
    assert result.exit_code == code
    assert message in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
