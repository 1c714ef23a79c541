"""Regulator reports, one builder per profile (SPEC section 8, "regulator reports").

Every report covers the complaints of one profile received (or, for the
FCA's closed counts, closed) between two dates inclusive, read in the
profile's time zone. Each builder returns a :class:`Report`: a header and
its rows (plain values), written as CSV (formula-neutralised) or XLSX.

- ``us-cfpb``: one row per complaint in the CFPB consumer complaint
  database's own columns, with its vocabulary ("Debt collection",
  "Closed with explanation", "Consent provided", ...).
- ``cn-nfra``: the monthly statistics an institution files (监管报送):
  per month, counts by business type, complaint category, complaint channel
  and region, each with the number decided on time (within the final
  deadline) and the average handling days; a 合计 (total) row per month.
- ``uk-fca``: the DISP 1.10 complaints return (DISP 1 Annex 1R): opened,
  closed, closed within 3 business days, after 3 business days but within
  8 weeks, after 8 weeks, upheld, percentage upheld, redress paid; one row
  per complaint category and a total.
"""
from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable, Iterable

import sqlalchemy as sa

from ..domain.calendars import calendar_for
from ..domain.profiles import load_profile
from ..extensions import db
from ..models import Complaint, ComplaintEvent

FORMATS = ("csv", "xlsx")

CFPB_COLUMNS = (
    "Date received", "Product", "Sub-product", "Issue", "Sub-issue", "Consumer complaint narrative",
    "Company public response", "Company", "State", "ZIP code", "Tags", "Consumer consent provided?",
    "Submitted via", "Date sent to company", "Company response to consumer", "Timely response?",
    "Consumer disputed?", "Complaint ID",
)
# Category -> (CFPB issue, sub-issue), the reverse of data/cfpb/mapping.csv (SPEC section 2).
CFPB_ISSUES = {
    "harassment": ("Communication tactics", ""),
    "threats": ("Took or threatened to take negative or legal action", ""),
    "third_party": ("Threatened to contact someone or share information improperly", ""),
    "misrepresentation": ("False statements or representation", ""),
    "wrong_amount": ("False statements or representation", "Attempted to collect wrong amount"),
    "not_owed": ("Attempts to collect debt not owed", ""),
    "verification": ("Written notification about debt", ""),
    "other": ("Other", ""),
}
CFPB_RESPONSES = {
    "closed_with_explanation": "Closed with explanation",
    "closed_with_non_monetary_relief": "Closed with non-monetary relief",
    "closed_with_monetary_relief": "Closed with monetary relief",
    "duplicate": "Closed",
}
CFPB_SUBMITTED_VIA = {"web": "Web", "api": "Phone", "staff": "Phone"}  # API complaints are taken by phone
CFPB_TAGS = {"older_person": "Older American", "servicemember": "Servicemember"}

NFRA_COLUMNS = ("统计月份", "统计维度", "项目", "投诉件数", "已办结件数", "按时办结件数", "按时办结率", "平均处理天数")
NFRA_DIMENSIONS = ("业务类型", "投诉类别", "投诉渠道", "地区")
NFRA_BUSINESS_TYPE = "信用卡催收"
NFRA_CATEGORIES = {
    "harassment": "骚扰", "threats": "威胁恐吓", "third_party": "联系第三人", "misrepresentation": "虚假陈述",
    "wrong_amount": "金额错误", "not_owed": "非本人债务", "verification": "债务核实", "other": "其他",
}
NFRA_CHANNELS = {"web": "网络", "api": "电话", "staff": "电话"}
NFRA_NO_REGION = "未填写"
NFRA_TOTAL = "合计"

FCA_COLUMNS = (
    "Product/service grouping", "Complaint category", "Complaints opened", "Complaints closed",
    "Closed within 3 business days", "Closed after 3 business days and within 8 weeks", "Closed after 8 weeks",
    "Complaints upheld", "Percentage upheld", "Total redress paid",
)
FCA_GROUPING = "Consumer credit: debt collecting"
FCA_CATEGORY_NAMES = {
    "harassment": "Harassment", "threats": "Threats", "third_party": "Third parties contacted",
    "misrepresentation": "Misrepresentation", "wrong_amount": "Wrong amount", "not_owed": "Debt not owed",
    "verification": "Verification of the debt", "other": "Other",
}
UPHELD = ("closed_with_non_monetary_relief", "closed_with_monetary_relief")
EIGHT_WEEKS = dt.timedelta(weeks=8)


class ReportError(ValueError):
    pass


@dataclass
class Report:
    profile: str
    date_from: dt.date
    date_to: dt.date
    header: tuple[str, ...]
    rows: list[list[Any]] = field(default_factory=list)

    @property
    def filename_stem(self) -> str:
        return f"redress-{self.profile}-{self.date_from.isoformat()}-{self.date_to.isoformat()}"


def _bounds(profile_id: str, date_from: dt.date, date_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = load_profile(profile_id).timezone
    start = dt.datetime.combine(date_from, dt.time(), zone).astimezone(dt.timezone.utc)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time(), zone).astimezone(dt.timezone.utc)
    return start, end


def _received_between(profile_id: str, date_from: dt.date, date_to: dt.date):
    start, end = _bounds(profile_id, date_from, date_to)
    return sa.select(Complaint).where(
        Complaint.jurisdiction == profile_id, Complaint.received_at >= start, Complaint.received_at < end
    ).order_by(Complaint.received_at, Complaint.id)


def _local_date(moment: dt.datetime | None, zone) -> dt.date | None:
    return moment.astimezone(zone).date() if moment else None


# --- us-cfpb --------------------------------------------------------------------


def cfpb_report(date_from: dt.date, date_to: dt.date, now: dt.datetime) -> Report:
    profile_id = "us-cfpb"
    zone = load_profile(profile_id).timezone
    report = Report(profile_id, date_from, date_to, CFPB_COLUMNS)
    complaints = list(db.session.scalars(_received_between(profile_id, date_from, date_to)))
    disputed = _disputed_ids([c.id for c in complaints])
    for c in complaints:
        issue, sub_issue = CFPB_ISSUES.get(c.category or "other", CFPB_ISSUES["other"])
        received = _local_date(c.received_at, zone).isoformat()
        tags = ", ".join(CFPB_TAGS[v] for v in CFPB_TAGS if v in (c.vulnerabilities or []))
        report.rows.append([
            received,
            "Debt collection",
            "Credit card debt",
            issue,
            sub_issue,
            (c.public_narrative or "") if c.publish_narrative else "",
            "",  # no public company response is collected
            c.agency or "",
            c.region or "",
            "",  # no ZIP code is collected
            tags,
            "Consent provided" if c.publish_narrative else "Consent not provided",
            CFPB_SUBMITTED_VIA.get(c.source, "Web"),
            received,  # the complaint reaches the company as it is filed
            _cfpb_response(c, now),
            _cfpb_timely(c, now),
            "Yes" if c.id in disputed else "No",
            c.reference,
        ])
    return report


def _disputed_ids(ids: list[int]) -> set[int]:
    found: set[int] = set()
    for i in range(0, len(ids), 500):
        found.update(db.session.scalars(sa.select(ComplaintEvent.complaint_id).where(
            ComplaintEvent.complaint_id.in_(ids[i:i + 500]), ComplaintEvent.kind == "reopened")))
    return found


def _cfpb_response(c: Complaint, now: dt.datetime) -> str:
    if c.outcome in CFPB_RESPONSES:
        return CFPB_RESPONSES[c.outcome]
    if c.responded_at is None and c.first_response_due_at and c.first_response_due_at < now \
            and c.first_responded_at is None:
        return "Untimely response"
    return "In progress"


def _cfpb_timely(c: Complaint, now: dt.datetime) -> str:
    if c.first_response_due_at is None:
        return ""
    if c.first_responded_at is not None:
        return "Yes" if c.first_responded_at <= c.first_response_due_at else "No"
    return "No" if c.first_response_due_at < now else ""


# --- cn-nfra --------------------------------------------------------------------


def nfra_report(date_from: dt.date, date_to: dt.date, now: dt.datetime) -> Report:
    profile_id = "cn-nfra"
    zone = load_profile(profile_id).timezone
    report = Report(profile_id, date_from, date_to, NFRA_COLUMNS)
    # month -> dimension -> item -> [received, decided, on time, handling days total]
    table: dict[str, dict[str, dict[str, list]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(
        lambda: [0, 0, 0, 0.0])))
    for c in db.session.scalars(_received_between(profile_id, date_from, date_to)):
        month = c.received_at.astimezone(zone).strftime("%Y-%m")
        decided = c.responded_at is not None
        on_time = decided and c.final_due_at is not None and c.responded_at <= c.final_due_at
        days = (c.responded_at - c.received_at).total_seconds() / 86400 if decided else 0.0
        items = {
            "业务类型": NFRA_BUSINESS_TYPE,
            "投诉类别": NFRA_CATEGORIES.get(c.category or "other", "其他"),
            "投诉渠道": NFRA_CHANNELS.get(c.source, "其他"),
            "地区": c.region or NFRA_NO_REGION,
        }
        for dimension, item in [*items.items(), (NFRA_TOTAL, NFRA_TOTAL)]:
            cell = table[month][dimension][item]
            cell[0] += 1
            cell[1] += int(decided)
            cell[2] += int(on_time)
            cell[3] += days
    for month in sorted(table):
        for dimension in (*NFRA_DIMENSIONS, NFRA_TOTAL):
            for item in sorted(table[month][dimension]):
                received, decided, on_time, days = table[month][dimension][item]
                report.rows.append([
                    month, dimension, item, received, decided, on_time,
                    f"{on_time / decided * 100:.1f}%" if decided else "",
                    round(days / decided, 1) if decided else "",
                ])
    return report


# --- uk-fca ---------------------------------------------------------------------


def fca_report(date_from: dt.date, date_to: dt.date, now: dt.datetime) -> Report:
    profile_id = "uk-fca"
    profile = load_profile(profile_id)
    zone, calendar = profile.timezone, calendar_for(profile)
    report = Report(profile_id, date_from, date_to, FCA_COLUMNS)
    start, end = _bounds(profile_id, date_from, date_to)
    counts: dict[str, list] = defaultdict(lambda: [0, 0, 0, 0, 0, 0, Decimal("0")])
    opened = db.session.execute(sa.select(Complaint.category, sa.func.count()).where(
        Complaint.jurisdiction == profile_id, Complaint.received_at >= start, Complaint.received_at < end,
    ).group_by(Complaint.category))
    for category, n in opened:
        counts[category or "other"][0] += n
    closed = db.session.scalars(sa.select(Complaint).where(
        Complaint.jurisdiction == profile_id, Complaint.responded_at >= start, Complaint.responded_at < end))
    for c in closed:
        row = counts[c.category or "other"]
        row[1] += 1
        summary_by = calendar.add_business_days(_local_date(c.received_at, zone), 3)
        if _local_date(c.responded_at, zone) <= summary_by:
            row[2] += 1
        elif c.responded_at - c.received_at <= EIGHT_WEEKS:
            row[3] += 1
        else:
            row[4] += 1
        if c.outcome in UPHELD:
            row[5] += 1
            row[6] += c.relief_amount or Decimal("0")
    total = [0, 0, 0, 0, 0, 0, Decimal("0")]
    for category in FCA_CATEGORY_NAMES:
        if category not in counts:
            continue
        row = counts[category]
        total = [a + b for a, b in zip(total, row)]
        report.rows.append(_fca_row(FCA_CATEGORY_NAMES[category], row))
    report.rows.append(_fca_row("All", total))
    return report


def _fca_row(name: str, row: list) -> list:
    opened, closed, within3, within8, after8, upheld, redress = row
    return [FCA_GROUPING, name, opened, closed, within3, within8, after8, upheld,
            f"{upheld / closed * 100:.1f}%" if closed else "", f"{redress:.2f}"]


BUILDERS: dict[str, Callable[[dt.date, dt.date, dt.datetime], Report]] = {
    "us-cfpb": cfpb_report,
    "cn-nfra": nfra_report,
    "uk-fca": fca_report,
}


def build_report(profile_id: str, date_from: dt.date, date_to: dt.date, now: dt.datetime) -> Report:
    if profile_id not in BUILDERS:
        raise ReportError(f"No regulator report for profile {profile_id!r}; reports exist for "
                          f"{', '.join(BUILDERS)}")
    if date_to < date_from:
        raise ReportError("--to is before --from")
    return BUILDERS[profile_id](date_from, date_to, now)


# --- writing --------------------------------------------------------------------


def report_csv(report: Report) -> Iterable[str]:
    from ..public.downloads import csv_lines

    return csv_lines(report.header, report.rows)


def report_xlsx(report: Report) -> bytes:
    """The report as one worksheet (openpyxl, write-only mode); text cells neutralised like the CSV."""
    from openpyxl import Workbook

    from ..public.downloads import neutralise_cell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=report.profile)
    sheet.append(list(report.header))
    for row in report.rows:
        sheet.append([neutralise_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
