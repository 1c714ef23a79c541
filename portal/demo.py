"""Demo data for a laptop run: staff accounts, complaints in both languages,
and a small set of collectors' contact logs with an audit over them.

Seeded once: a second run finds the demo officer and does nothing.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa

from .extensions import db
from .models import StaffUser
from .models.types import clock_at
from .staff_accounts import create_staff

DEMO_PASSWORD = "redress-demo-password"
DEMO_STAFF = (
    ("officer@redress.example", "officer", "Olivia Officer", "en"),
    ("officer.zh@redress.example", "officer", "王敏", "zh_Hans"),
    ("supervisor@redress.example", "supervisor", "Sam Supervisor", "en"),
    ("auditor@redress.example", "auditor", "Ada Auditor", "en"),
    ("admin@redress.example", "admin", "Alex Admin", "en"),
)

# (days ago, language, profile, narrative, extra fields)
DEMO_COMPLAINTS: tuple[tuple[int, str, str, str, dict], ...] = (
    (0, "en", "us-cfpb",
     "The collector from Apex Recovery called me 20 times yesterday and said if I don't pay by Friday "
     "they will have me arrested and I will go to jail. My card 4111 1111 1111 1111 was closed years ago.",
     {"agency": "Apex Recovery", "agent_name": "Mr. Dean", "contact_numbers": ["+1 555 201 7788"],
      "channels": ["phone"], "account_ref": "4321", "amount_demanded": Decimal("2450.00"), "currency": "USD"}),
    (1, "en", "us-cfpb",
     "They keep calling my mother and my boss at work about my credit card debt. My boss now knows about "
     "it and I am scared I will lose my job. I asked them to stop calling my work.",
     {"agency": "Summit Collections", "channels": ["phone"], "account_ref": "8812", "vulnerabilities": []}),
    (3, "en", "us-cfpb",
     "I was sent a letter demanding $3,980.00 but my statement shows I owe $1,250.00. They added fees "
     "I never agreed to and will not explain the interest.",
     {"agency": "Apex Recovery", "amount_demanded": Decimal("3980.00"),
      "amount_believed_owed": Decimal("1250.00"), "currency": "USD", "account_ref": "4321"}),
    (5, "en", "uk-fca",
     "This is not my debt. I have never had a card with this bank and I think it is identity theft. "
     "I asked for proof in writing and got nothing back.",
     {"agency": "Britannia Debt Services", "currency": "GBP"}),
    (2, "en", "us-cfpb",
     "I am 78 years old and on oxygen. A man from the agency came to my house and stood at my door "
     "shouting that he would hurt me if I did not pay today.",
     {"agency": "Summit Collections", "channels": ["visit"], "vulnerabilities": ["older_person", "illness_or_disability"]}),
    (0, "zh_Hans", "cn-nfra",
     "催收员每天晚上十一点以后给我打电话，一天打了二十多次，还说如果不还钱就要找人上门打断我的腿。"
     "我的身份证号是11010519491231002X，他们还打给了我的父母。",
     {"agency": "鼎信资产管理", "contact_numbers": ["138 0013 8000"], "channels": ["phone", "text"],
      "currency": "CNY", "amount_demanded": Decimal("36000.00")}),
    (4, "zh_Hans", "cn-nfra",
     "他们催收的金额不对，我已经还了五千元，对方还是要求我还全部欠款，还加收了很多不明费用。",
     {"agency": "鼎信资产管理", "currency": "CNY", "amount_demanded": Decimal("12000.00"),
      "amount_believed_owed": Decimal("7000.00")}),
    (6, "zh_Hans", "cn-nfra",
     "对方自称是法院的工作人员，说我已经被起诉，让我三天内还款，否则就冻结我的工资账户。"
     "我查了一下，根本没有这个案子。",
     {"agency": "恒远催收", "channels": ["phone"]}),
    (8, "en", "uk-fca",
     "I have a question about how long a collector can keep contacting me about an old debt from 2015. "
     "Nothing is happening right now, I just want to understand my rights.",
     {}),
    (1, "en", "us-cfpb",
     "I told them in writing on March 3 to stop contacting me. They still text and email me every day "
     "and call my cell phone early in the morning before 7am.",
     {"agency": "Apex Recovery", "channels": ["text", "email", "phone"], "account_ref": "4321",
      "contact_numbers": ["+1 555 201 7788"]}),
)


# Complaints already answered and closed, long enough ago to be in the public
# record (published 15 days after the response): (days ago received, days ago
# closed, language, profile, outcome, consent to publish the narrative,
# narrative, extra fields).
DEMO_CLOSED: tuple[tuple[int, int, str, str, str, bool, str, dict], ...] = (
    (62, 40, "en", "us-cfpb", "closed_with_non_monetary_relief", True,
     "Summit Collections called my sister three times about my old store card and told her I owed money. "
     "I never gave them her number. After I complained they apologised and said they removed her number.",
     {"agency": "Summit Collections", "channels": ["phone"], "currency": "USD"}),
    (55, 53, "en", "us-cfpb", "closed_with_monetary_relief", True,
     "Apex Recovery added a $95.00 collection fee every month on top of my balance. My agreement does not "
     "allow any fee. They refunded the fees after the complaint.",
     {"agency": "Apex Recovery", "amount_demanded": Decimal("1830.00"), "amount_believed_owed": Decimal("1450.00"),
      "currency": "USD", "channels": ["letter"]}),
    (48, 46, "en", "uk-fca", "closed_with_explanation", False,
     "They sent letters to my old address even after I told them I had moved, and my neighbour opened one.",
     {"agency": "Britannia Debt Services", "channels": ["letter"], "currency": "GBP"}),
    (70, 45, "zh_Hans", "cn-nfra", "closed_with_explanation", True,
     "催收员在微信群里发我的欠款信息，群里有我的同事。投诉后对方说已经删除了信息并对催收员作了处理。",
     {"agency": "恒远催收", "channels": ["social_media"], "currency": "CNY"}),
    (40, 20, "en", "us-cfpb", "closed_with_explanation", False,
     "The collector says I owe on a card I closed in 2019. I want them to show me the statement.",
     {"agency": "Summit Collections", "channels": ["phone", "letter"], "currency": "USD"}),
)

DEMO_RESPONSES = {
    "en": "We contacted the collector, reviewed its records and your account, and explain here what we found "
          "and what was done.",
    "zh_Hans": "我们已联系催收机构并核查了记录和您的账户，现将核查结果和处理情况说明如下。",
}


def _seed_staff() -> None:
    for email, role, name, language in DEMO_STAFF:
        create_staff(email, role, DEMO_PASSWORD, display_name=name, language=language)


def _seed_complaints(now: dt.datetime) -> int:
    from .cases.clock import refresh_deadlines
    from .filing import ComplaintDraft, file_complaint

    for days_ago, language, profile, narrative, extra in DEMO_COMPLAINTS:
        today = now.date()
        draft = ComplaintDraft(
            narrative=narrative,
            language=language,
            jurisdiction=profile,
            incident_start=today - dt.timedelta(days=days_ago + 10),
            incident_end=today - dt.timedelta(days=days_ago),
            consent=True,
            name="Demo Cardholder" if language == "en" else "演示用户",
            email="cardholder@example.com",
            **extra,
        )
        # Filed as of the moment it was received, so its timeline agrees with received_at.
        with clock_at(now - dt.timedelta(days=days_ago, hours=3)):
            filed = file_complaint(draft, source="web")
        refresh_deadlines(filed.complaint, now=now)
    return len(DEMO_COMPLAINTS)


def _seed_closed_complaints(now: dt.datetime) -> int:
    """Answered and closed complaints, each step at its own past moment, old
    enough to be published (some with the cardholder's consent to publish the
    narrative), so a new install's public record is not empty."""
    from flask_babel import force_locale

    from .cases import actions
    from .filing import ComplaintDraft, file_complaint

    officer = db.session.scalar(sa.select(StaffUser).where(StaffUser.email == DEMO_STAFF[0][0]))
    for received_ago, closed_ago, language, profile, outcome, publish, narrative, extra in DEMO_CLOSED:
        received = now - dt.timedelta(days=received_ago, hours=5)
        closed = now - dt.timedelta(days=closed_ago, hours=2)
        draft = ComplaintDraft(
            narrative=narrative,
            language=language,
            jurisdiction=profile,
            incident_start=(received - dt.timedelta(days=20)).date(),
            incident_end=(received - dt.timedelta(days=2)).date(),
            consent=True,
            publish_narrative=publish,
            name="Demo Cardholder" if language == "en" else "演示用户",
            email="cardholder@example.com",
            **extra,
        )
        with clock_at(received):
            complaint = file_complaint(draft, source="web").complaint
        with clock_at(received + dt.timedelta(days=1)), force_locale(language):
            actions.acknowledge(complaint, officer)
        with clock_at(closed), force_locale(language):
            actions.close(complaint, officer, outcome, DEMO_RESPONSES[language],
                          relief_amount=Decimal("95.00") if outcome == "closed_with_monetary_relief" else None)
        db.session.flush()
    return len(DEMO_CLOSED)


def seed(now: dt.datetime | None = None) -> str:
    """Seed everything once; returns what was done, for the command to print."""
    now = now or dt.datetime.now(dt.timezone.utc)
    already = db.session.scalar(sa.select(StaffUser.id).where(StaffUser.email == DEMO_STAFF[0][0]))
    if already is not None:
        return "demo data already present; nothing to do"
    _seed_staff()
    complaints = _seed_complaints(now)
    closed = _seed_closed_complaints(now)
    db.session.commit()
    contact_summary = _seed_contact_logs(now)  # the importer commits per batch
    db.session.commit()
    logins = ", ".join(email for email, *_ in DEMO_STAFF)
    return (
        f"seeded {complaints} open complaints and {closed} closed ones (in the public record), "
        f"{contact_summary}; staff sign-in at /staff/login "
        f"as {logins} with password {DEMO_PASSWORD!r} (demo only)"
    )


def _seed_contact_logs(now: dt.datetime) -> str:
    """Contact logs for the demo accounts, imported through the real importer."""
    try:
        from .contacts.importer import import_rows
    except ImportError:  # the compliance package is optional for a bare install
        return "no contact logs"
    from .contacts.auditing import run_audit

    rows = list(demo_contact_rows(now))
    result = import_rows(rows, source="demo-dialler", channel="cli")
    findings = 0
    for profile_id in ("us-cfpb", "cn-nfra", "uk-fca"):
        # Each profile over its own logs, as the findings page runs it.
        findings += sum(run_audit(profile_id, own_logs=True).counts.values())
    linked = _confirm_demo_links()
    return f"{result.imported} contact logs, {findings} audit findings, {linked} logs linked to a complaint"


def _confirm_demo_links() -> int:
    """The demo officer confirms the suggested logs of the first Apex complaint."""
    from .contacts.linking import decide_link, suggest_links
    from .models import Complaint

    officer = db.session.scalar(sa.select(StaffUser).where(StaffUser.email == DEMO_STAFF[0][0]))
    complaint = db.session.scalar(
        sa.select(Complaint).where(Complaint.account_ref == "4321").order_by(Complaint.received_at.desc())
    )
    if officer is None or complaint is None:
        return 0
    suggestions = suggest_links(complaint, limit=30)
    for suggestion in suggestions:
        decide_link(complaint, suggestion.log, "confirmed", officer)
    return len(suggestions)


def demo_contact_rows(now: dt.datetime):
    """Apex Recovery's calls to account 4321: 23 calls in 3 days, several late at night."""
    base = (now - dt.timedelta(days=4)).replace(hour=13, minute=0, second=0, microsecond=0)
    n = 0
    for day in range(3):
        for k in range(8 if day < 2 else 7):
            n += 1
            hour_offset = k * 1.2 + (0 if k < 6 else 9)
            at = base + dt.timedelta(days=day, hours=hour_offset)
            yield {
                "external_id": f"APX-{n:04d}",
                "agency": "Apex Recovery",
                "agent_id": "A-1042" if n % 3 else "A-2077",
                "account_ref": "4321",
                "occurred_at": at.isoformat(),
                "consumer_tz": "America/New_York",
                "channel": "call",
                "direction": "outbound",
                "outcome": "connected" if n % 5 == 0 else "no_answer",
                "duration_s": "95" if n % 5 == 0 else "",
                "counterparty": "debtor",
                "contact_point": "+1 555 201 7788",
                "notes": "Told debtor we will have him arrested if he does not pay by Friday" if n == 5 else "",
                "disposition": "cease_request" if n == 10 else "",
            }
    for k in range(3):
        n += 1
        yield {
            "external_id": f"APX-{n:04d}",
            "agency": "Summit Collections",
            "agent_id": "S-311",
            "account_ref": "8812",
            "occurred_at": (base + dt.timedelta(days=k, hours=2)).isoformat(),
            "consumer_tz": "America/Chicago",
            "channel": "call",
            "direction": "outbound",
            "outcome": "connected",
            "duration_s": "40",
            "counterparty": "employer" if k else "family",
            "contact_point": "+1 555 900 1000",
            "notes": "",
            "disposition": "",
        }
