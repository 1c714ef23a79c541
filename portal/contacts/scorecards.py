"""Agent and agency scorecards (SPEC section 5).

Per agency, and per agent within an agency: outbound contacts, complaints
(distinct complaints an officer confirmed as linked to that agency's or
agent's logs), complaints per 1,000 contacts, findings per rule of one
profile's latest run, and a monthly trend of contacts and findings, all
over the profile's own logs (``portal.contacts.jurisdiction``).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from ..extensions import db
from ..models import ComplaintContactLink, ContactLog, Finding
from .jurisdiction import own_logs


@dataclass
class ScoreRow:
    agency: str
    agent_id: str | None
    contacts: int = 0
    complaints: int = 0
    findings: dict[str, int] = field(default_factory=dict)

    @property
    def complaints_per_1000(self) -> float | None:
        return None if not self.contacts else 1000 * self.complaints / self.contacts

    @property
    def findings_total(self) -> int:
        return sum(self.findings.values())

    @property
    def findings_per_1000(self) -> float | None:
        return None if not self.contacts else 1000 * self.findings_total / self.contacts


@dataclass
class TrendPoint:
    month: str  # YYYY-MM
    contacts: int
    findings: int


@dataclass
class Scorecards:
    agencies: list[ScoreRow]
    agents: list[ScoreRow]
    rules: list[str]
    trend: list[TrendPoint]


def _month(column, dialect: str):
    if dialect == "postgresql":
        return sa.func.to_char(column, "YYYY-MM")
    return sa.func.strftime("%Y-%m", column)


def scorecards(
    profile: str,
    *,
    agency: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> Scorecards:
    """Scorecards for all agencies (or one), logs and findings in [start, end)."""
    dialect = db.session.get_bind().dialect.name
    # A profile's own logs only: its rules say nothing of other jurisdictions' contacts.
    log_filters = [ContactLog.direction == "outbound", own_logs(profile)]
    finding_filters = [Finding.profile == profile, own_logs(profile)]
    if agency:
        log_filters.append(ContactLog.agency == agency)
        finding_filters.append(Finding.agency == agency)
    if start:
        log_filters.append(ContactLog.occurred_at >= start)
        finding_filters.append(Finding.occurred_at >= start)
    if end:
        log_filters.append(ContactLog.occurred_at < end)
        finding_filters.append(Finding.occurred_at < end)

    agencies: dict[str, ScoreRow] = {}
    agents: dict[tuple[str, str | None], ScoreRow] = {}
    for name, agent, count in db.session.execute(
        sa.select(ContactLog.agency, ContactLog.agent_id, sa.func.count())
        .where(*log_filters)
        .group_by(ContactLog.agency, ContactLog.agent_id)
    ):
        agencies.setdefault(name, ScoreRow(name, None)).contacts += count
        agents.setdefault((name, agent), ScoreRow(name, agent)).contacts += count

    link_base = (
        sa.select(ContactLog.agency, ContactLog.agent_id, ComplaintContactLink.complaint_id)
        .join(ContactLog, ContactLog.id == ComplaintContactLink.contact_log_id)
        .where(ComplaintContactLink.status == "confirmed", *log_filters[1:])
        .distinct()
        .subquery()
    )
    for name, agent, count in db.session.execute(
        sa.select(link_base.c.agency, link_base.c.agent_id, sa.func.count(sa.distinct(link_base.c.complaint_id)))
        .group_by(link_base.c.agency, link_base.c.agent_id)
    ):
        agents.setdefault((name, agent), ScoreRow(name, agent)).complaints += count
    for name, count in db.session.execute(
        sa.select(link_base.c.agency, sa.func.count(sa.distinct(link_base.c.complaint_id))).group_by(link_base.c.agency)
    ):
        agencies.setdefault(name, ScoreRow(name, None)).complaints += count

    rules: set[str] = set()
    for name, agent, rule_id, count in db.session.execute(
        sa.select(Finding.agency, Finding.agent_id, Finding.rule_id, sa.func.count())
        .join(ContactLog, ContactLog.id == Finding.contact_log_id)
        .where(*finding_filters)
        .group_by(Finding.agency, Finding.agent_id, Finding.rule_id)
    ):
        rules.add(rule_id)
        row = agencies.setdefault(name, ScoreRow(name, None))
        row.findings[rule_id] = row.findings.get(rule_id, 0) + count
        agent_row = agents.setdefault((name, agent), ScoreRow(name, agent))
        agent_row.findings[rule_id] = agent_row.findings.get(rule_id, 0) + count

    trend_contacts: dict[str, int] = defaultdict(int)
    trend_findings: dict[str, int] = defaultdict(int)
    month = _month(ContactLog.occurred_at, dialect)
    for key, count in db.session.execute(sa.select(month, sa.func.count()).where(*log_filters).group_by(month)):
        trend_contacts[key] += count
    month = _month(Finding.occurred_at, dialect)
    for key, count in db.session.execute(
        sa.select(month, sa.func.count()).join(ContactLog, ContactLog.id == Finding.contact_log_id)
        .where(*finding_filters).group_by(month)
    ):
        trend_findings[key] += count
    months = sorted(set(trend_contacts) | set(trend_findings))[-24:]
    trend = [TrendPoint(m, trend_contacts.get(m, 0), trend_findings.get(m, 0)) for m in months]

    def order(row: ScoreRow):
        return (-(row.complaints_per_1000 or 0), -row.findings_total, row.agency, row.agent_id or "")

    return Scorecards(
        agencies=sorted(agencies.values(), key=order),
        agents=sorted(agents.values(), key=order),
        rules=sorted(rules),
        trend=trend,
    )
