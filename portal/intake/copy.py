"""The cardholder's copy of a complaint: what was sent (as stored, so masked),
the response and outcome, and the expected date of each deadline, as rows
the confirmation page, the tracking page, the PDF and the e-mail all read.

Everything here is already translated into the reader's language and
formatted for it (amounts with their currency, dates, named time zones).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from ..cases.clock import deadline_items
from ..domain.display_text import localise_mask_markers
from ..domain.money import format_money
from ..domain.profiles import load_profile, profile_ids
from ..domain.safety import SafetyHelp, safety_help, safety_signals
from ..i18n import current_language, format_instant
from ..models import Complaint
from ..models.types import utcnow
from .forms import channel_choices, currency_choices, region_wording, residence_choices, vulnerability_choices
from .labels import outcome_label

# Vulnerabilities that also call for the crisis lines.
_CRISIS_VULNERABILITIES = ("mental_health_crisis",)


@dataclass(frozen=True)
class Row:
    label: str
    value: str
    long: bool = False  # free text: keep its line breaks


@dataclass(frozen=True)
class Response:
    text: str | None
    outcome: str | None
    relief: str | None
    decided: str | None


@dataclass(frozen=True)
class DeadlineDate:
    label: str
    due: str
    status: str


def shown(text: str | None, language: str | None = None) -> str:
    """Stored (masked) text as the reader sees it: mask markers in their language."""
    return localise_mask_markers(text, language or current_language())


def money(amount, currency: str | None, language: str | None = None) -> str:
    return format_money(amount, currency, language or current_language())


def long_date(value: date | None) -> str:
    return format_date(value, format="long") if value else ""


def _joined(items: list[str], language: str) -> str:
    return ("、" if language == "zh_Hans" else ", ").join(items)


def submission_rows(complaint: Complaint, *, files: bool = True) -> list[Row]:
    """What the cardholder sent, as stored (masked), field by field; empty fields left out.

    ``files``: with the names of the files sent with the complaint."""
    language = current_language()
    channels = dict(channel_choices())
    vulnerabilities = dict(vulnerability_choices())
    residence = dict(residence_choices(profile_ids()))
    rows = [
        Row(str(_l("What happened?")), shown(complaint.narrative, language), long=True),
        Row(str(_l("Company or collection agency")), shown(complaint.agency, language)),
        Row(str(_l("The name the person gave, if any")), shown(complaint.agent_name, language)),
        Row(str(_l("Phone numbers that called or texted you")), _joined(list(complaint.contact_numbers or []), language)),
        Row(str(_l("How did they contact you?")),
            _joined([str(channels.get(c, c)) for c in complaint.channels or []], language)),
        Row(str(_l("When did it start?")), long_date(complaint.incident_start)),
        Row(str(_l("When did it last happen?")), long_date(complaint.incident_end)),
        Row(str(_l("How much did they ask you to pay?")), money(complaint.amount_demanded, complaint.currency, language)),
        Row(str(_l("How much do you believe you owe?")), money(complaint.amount_believed_owed, complaint.currency, language)),
        Row(str(_l("What would you like to happen?")), shown(complaint.desired_resolution, language), long=True),
        Row(str(_l("Your name")), shown(complaint.name, language)),
        Row(str(_l("Your e-mail address")), complaint.email or ""),
        Row(str(_l("Your phone number")), complaint.phone or ""),
        Row(str(_l("Account reference")), shown(complaint.account_ref, language)),
        Row(str(_l("Does any of this apply to you?")),
            _joined([str(vulnerabilities.get(v, v)) for v in complaint.vulnerabilities or []], language)),
        Row(str(_l("Where do you live?")), str(residence.get(complaint.jurisdiction, complaint.jurisdiction))),
        Row(str(region_wording(complaint.jurisdiction)[0]), shown(complaint.region, language)),
        Row(str(_l("Files attached")),
            _joined([shown(a.original_name, language) for a in complaint.attachments
                     if files and a.uploaded_by == "cardholder"], language)),
    ]
    return [row for row in rows if row.value]


def relief_text(complaint: Complaint, language: str | None = None) -> str | None:
    if complaint.relief_amount is None:
        return None
    return money(complaint.relief_amount, complaint.relief_currency or complaint.currency, language)


def response_of(complaint: Complaint) -> Response | None:
    """The institution's response as its own item, once there is one."""
    if not complaint.response_text and not complaint.outcome:
        return None
    language = current_language()
    decided_at = complaint.closed_at or complaint.responded_at
    return Response(
        text=shown(complaint.response_text, language) or None,
        outcome=outcome_label(complaint.outcome) if complaint.outcome else None,
        relief=relief_text(complaint, language),
        decided=format_instant(decided_at, _zone(complaint)) if decided_at else None,
    )


def _zone(complaint: Complaint):
    return load_profile(complaint.jurisdiction).timezone


def deadline_dates(complaint: Complaint, now=None) -> list[DeadlineDate]:
    """The expected date of each deadline, in the profile's (named) zone."""
    if complaint.status == "closed":
        return []
    return [DeadlineDate(d.label, d.due_text, d.status) for d in deadline_items(complaint, now or utcnow())]


def received_text(complaint: Complaint) -> str:
    return format_instant(complaint.received_at, _zone(complaint))


@dataclass(frozen=True)
class SafetyNotice:
    help: SafetyHelp
    from_narrative: bool  # else the cardholder ticked a mental-health crisis

    @property
    def country(self) -> str:
        return self.help.country

    @property
    def lines(self):
        return self.help.lines


def safety_help_for(complaint: Complaint) -> SafetyNotice | None:
    """Help lines when the narrative carried a violence or self-harm signal (or a crisis was ticked)."""
    signals = safety_signals(complaint.routing)
    crisis = any(v in _CRISIS_VULNERABILITIES for v in complaint.vulnerabilities or [])
    if not signals and not crisis:
        return None
    found = safety_help(complaint.jurisdiction, current_language())
    return SafetyNotice(found, from_narrative=bool(signals)) if found else None


def currency_label(code: str | None) -> str:
    return str(dict(currency_choices()).get(code or "", code or ""))
