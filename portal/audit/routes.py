"""Compliance: contact-log imports, audits, findings, scorecards and links.

Thin views: they parse the request, call ``portal.contacts.*`` and render.
Auditors read complaints but never change them; linking a log to a complaint
is case work (``complaints.work``).
"""
from __future__ import annotations

import csv
import io
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import joinedload
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from classifiers.redaction import mask_sensitive

from ..access import requires
from ..contacts import linking
from ..contacts.background import start_audit, start_import
from ..contacts.jurisdiction import jurisdiction_of, own_logs
from ..contacts.scorecards import scorecards as build_scorecards
from ..domain.conduct import LANG_ABUSE, mask_contact_point
from ..domain.profiles import ProfileError, load_profile, profile_ids
from ..extensions import db
from ..models import AuditRun, Complaint, ComplaintContactLink, ContactImport, ContactLog, Finding
from ..request_checks import bounded_int, unstorable
from ..spreadsheets import safe_row
from .forms import LinkDecisionForm, ProposalDecisionForm, ProposeLinkForm, RunAuditForm, UploadForm

bp = Blueprint("audit", __name__)

PAGE_SIZE = 50
MAX_PAGE = 1_000_000  # (page - 1) × PAGE_SIZE stays a storable offset
UPLOAD_MAX_BYTES = 1 << 30  # contact-log files are large; CONTACT_UPLOAD_MAX_BYTES overrides
STALE_AFTER = timedelta(minutes=30)


# --------------------------------------------------------------------------
# Template helpers for the case page partial (templates/cases/_contact_evidence.html)
# --------------------------------------------------------------------------


@bp.app_template_global()
def contact_evidence_for(complaint: Complaint) -> linking.ContactEvidence:
    return linking.contact_evidence_for(complaint)


@bp.app_template_global()
def contact_link_suggestions(complaint: Complaint, limit: int = 10) -> list[linking.Suggestion]:
    return [s for s in linking.suggest_links(complaint, limit=limit + 20) if s.decision is None][:limit]


@bp.app_template_global()
def contact_link_proposals(complaint: Complaint) -> list[linking.Proposal]:
    return linking.proposals(complaint_ids=[complaint.id])


@bp.app_template_global()
def link_decision_form() -> LinkDecisionForm:
    return LinkDecisionForm()


@bp.app_template_filter()
def masked_contact_point(value: str | None) -> str:
    """A phone number, e-mail or address with all but its end hidden."""
    return mask_contact_point(value) if value else ""


@bp.app_template_filter()
def local_time(instant: datetime | None, zone: str | None = None) -> str:
    """An instant in the given IANA zone (the viewer's without one), zone named: the `when` filter."""
    from ..i18n import format_instant

    return format_instant(instant, zone, seconds=True)


# --------------------------------------------------------------------------
# Imports
# --------------------------------------------------------------------------


def _upload_folder() -> Path:
    folder = Path(current_app.config["UPLOAD_FOLDER"]) / "contact-imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@bp.route("/imports", methods=["GET", "POST"])
@requires("contacts.import")
def imports():
    request.max_content_length = current_app.config.get("CONTACT_UPLOAD_MAX_BYTES", UPLOAD_MAX_BYTES)
    form = UploadForm()
    if form.validate_on_submit():
        if unstorable(form.source.data or "") or unstorable(form.file.data.filename or ""):
            abort(400)
        upload = form.file.data
        suffix = Path(upload.filename).suffix.lower()
        stored = _upload_folder() / f"{secrets.token_hex(12)}{suffix}"
        upload.save(stored)
        record = ContactImport(
            filename=mask_sensitive(Path(upload.filename).name).text[:255],
            source=mask_sensitive((form.source.data or "").strip()).text or None,
            jurisdiction=form.jurisdiction.data or None,
            channel="upload",
            status="queued",
            staff_id=current_user.id,
            bytes_total=stored.stat().st_size,
        )
        db.session.add(record)
        db.session.commit()
        start_import(record.id, stored, record.source, stored.with_name(stored.name + ".rejects.csv"))
        return redirect(url_for("audit.import_status", import_id=record.id), code=303)
    past = db.session.scalars(sa.select(ContactImport).order_by(ContactImport.id.desc()).limit(50)).all()
    return render_template("audit/imports.html", form=form, imports=past, columns=_column_docs()), \
        400 if form.errors else 200


imports.own_size_limit = True  # type: ignore[attr-defined]  (parses its large body itself: request_checks)


def _import_or_404(import_id: int) -> ContactImport:
    return db.get_or_404(ContactImport, import_id)


def _progress(record: ContactImport) -> dict:
    done = record.bytes_done or 0
    total = record.bytes_total or 0
    percent = 100 if record.status == "done" else (int(100 * done / total) if total else 0)
    return {
        "id": record.id,
        "status": record.status,
        "percent": min(percent, 100),
        "rows_seen": record.rows_seen,
        "imported": record.imported,
        "duplicates": record.duplicates,
        "rejected": record.rejected,
        "error": record.error,
        "finished": record.status in ("done", "failed"),
    }


@bp.route("/imports/<int:import_id>")
@requires("contacts.import")
def import_status(import_id: int):
    record = _import_or_404(import_id)
    # On the job queue, a queued import waits for a worker (however long the
    # jobs ahead of it take); in a thread, it starts at once or not at all.
    waiting = record.status == "queued" and bool(current_app.config.get("JOB_QUEUE_URL"))
    stale = (
        not waiting
        and record.status in ("queued", "running")
        and record.started_at is not None
        and datetime.now(timezone.utc) - record.started_at > STALE_AFTER
        and record.bytes_done == 0
    )
    rejects = _first_rejects(record) if record.status in ("done", "failed") and record.rejected else []
    return render_template("audit/import_status.html", record=record, progress=_progress(record), stale=stale,
                           waiting=waiting, rejects=rejects)


REJECTS_SHOWN = 50


def _first_rejects(record: ContactImport, limit: int = REJECTS_SHOWN) -> list[dict]:
    """The first rejected rows of the import's rejects file (line, reason, row), for the page."""
    path = Path(record.rejects_path) if record.rejects_path else None
    if path is None or not path.is_file():
        return []
    shown = []
    with path.open(newline="", encoding="utf-8", errors="replace") as stream:
        for row in csv.DictReader(stream):
            shown.append({"line": row.get("line", ""), "reason": row.get("reason", ""), "row": row.get("row", "")})
            if len(shown) >= limit:
                break
    return shown


# Each column of the contact-log file: (name, required, what it holds). SPEC section 5.
def _column_docs() -> list[tuple[str, bool, str]]:
    from ..domain.contact_fields import ALLOWED_VALUES, KNOWN_FIELDS, REQUIRED_FIELDS

    described = {
        "external_id": _("the log's id in its source; unique within the source"),
        "source": _("the system or agency file it came from (or the Source field below)"),
        "agency": _("the collection agency"),
        "agent_id": _("the agent who made the contact"),
        "account_ref": _("the card account reference"),
        "occurred_at": _("ISO 8601 date and time with its UTC offset, e.g. 2026-03-02T21:30:00-05:00"),
        "consumer_tz": _("the consumer's IANA time zone, e.g. America/New_York or Asia/Shanghai"),
        "duration_s": _("whole seconds, calls only"),
        "contact_point": _("the phone number, e-mail or address used (masked on the pages)"),
        "notes": _("free text or transcript; card numbers are masked"),
        "jurisdiction": _("the profile whose audits cover the log; empty: the Jurisdiction field below, else "
                          "the profile whose time zones hold consumer_tz"),
    }
    docs = []
    for name in KNOWN_FIELDS:
        text = described.get(name, "")
        if name in ALLOWED_VALUES:
            text = _("one of: %(values)s", values=", ".join(ALLOWED_VALUES[name]))
        elif name == "jurisdiction":
            text = text + " (" + ", ".join(profile_ids()) + ")"
        docs.append((name, name in REQUIRED_FIELDS, text))
    return docs


@bp.route("/imports/template.csv")
@requires("contacts.import")
def import_template():
    """A CSV with the header and two example rows, to start a file from."""
    from ..domain.contact_fields import KNOWN_FIELDS

    examples = [
        {"external_id": "CALL-0001", "source": "dialer-east", "agency": "Acme Collections", "agent_id": "A17",
         "account_ref": "ACC-1001", "occurred_at": "2026-03-02T21:30:00-05:00", "consumer_tz": "America/New_York",
         "channel": "call", "direction": "outbound", "outcome": "no_answer", "duration_s": "0",
         "counterparty": "debtor", "contact_point": "+1 555 010 4477", "notes": "", "disposition": "",
         "jurisdiction": ""},
        {"external_id": "SMS-0002", "source": "dialer-east", "agency": "Acme Collections", "agent_id": "A17",
         "account_ref": "ACC-1001", "occurred_at": "2026-03-03T09:05:00-05:00", "consumer_tz": "America/New_York",
         "channel": "sms", "direction": "inbound", "outcome": "delivered", "duration_s": "",
         "counterparty": "debtor", "contact_point": "+1 555 010 4477", "notes": "Please stop calling me",
         "disposition": "cease_request", "jurisdiction": "us-cfpb"},
    ]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(KNOWN_FIELDS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(examples)
    return Response(buffer.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=contact-logs-template.csv"})


@bp.route("/imports/<int:import_id>/progress")
@requires("contacts.import")
def import_progress(import_id: int):
    return jsonify(_progress(_import_or_404(import_id)))


@bp.route("/imports/<int:import_id>/rejects.csv")
@requires("contacts.import")
def import_rejects(import_id: int):
    record = _import_or_404(import_id)
    path = Path(record.rejects_path) if record.rejects_path else None
    if path is None or not path.is_file():
        abort(404)
    name = f"{Path(record.filename or 'contact-logs').name}.rejects.csv"
    return send_file(path, mimetype="text/csv", as_attachment=True, download_name=name)


# --------------------------------------------------------------------------
# Audit runs and findings
# --------------------------------------------------------------------------


@dataclass
class FindingFilters:
    profile: str | None = None
    rule: str | None = None
    agency: str | None = None
    agent: str | None = None
    date_from: date | None = None
    date_to: date | None = None

    def args(self) -> dict[str, str]:
        values = {
            "profile": self.profile,
            "rule": self.rule,
            "agency": self.agency,
            "agent": self.agent,
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
        }
        return {k: v for k, v in values.items() if v}


def _date_arg(name: str) -> date | None:
    value = (request.args.get(name) or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        flash(_("%(value)s is not a date (YYYY-MM-DD); that filter was ignored.", value=mask_sensitive(value[:20]).text),
              "error")
        return None


def _text_arg(name: str) -> str | None:
    """A filter's text, masked like the stored values it is compared with (and shown back)."""
    value = (request.args.get(name) or "").strip()
    return mask_sensitive(value[:200]).text or None


def _filters() -> FindingFilters:
    profile = _text_arg("profile")
    if profile and profile not in profile_ids():
        flash(_("Unknown profile %(profile)s; showing every profile.", profile=mask_sensitive(profile[:20]).text), "error")
        profile = None
    return FindingFilters(profile, _text_arg("rule"), _text_arg("agency"), _text_arg("agent"),
                          _date_arg("from"), _date_arg("to"))


def _finding_query(filters: FindingFilters):
    query = sa.select(Finding).join(ContactLog, ContactLog.id == Finding.contact_log_id)
    # The pages show each profile's findings on its own logs only, even when
    # the stored run covered every log (`flask audit run` without --own-logs).
    if filters.profile:
        query = query.where(Finding.profile == filters.profile, own_logs(filters.profile))
    else:
        query = query.where(sa.or_(*(sa.and_(Finding.profile == p, own_logs(p)) for p in profile_ids())))
    if filters.rule:
        query = query.where(Finding.rule_id == filters.rule)
    if filters.agency:
        query = query.where(Finding.agency == filters.agency)
    if filters.agent:
        query = query.where(Finding.agent_id == filters.agent)
    if filters.date_from:
        query = query.where(Finding.occurred_at >= datetime.combine(filters.date_from, time.min, timezone.utc))
    if filters.date_to:
        end = datetime.combine(filters.date_to + timedelta(days=1), time.min, timezone.utc)
        query = query.where(Finding.occurred_at < end)
    return query.order_by(Finding.occurred_at.desc(), Finding.id.desc())


@bp.route("/")
@requires("findings.read")
def index():
    return redirect(url_for("audit.findings"))


@bp.route("/findings")
@requires("findings.read")
def findings():
    filters = _filters()
    query = _finding_query(filters).options(joinedload(Finding.contact_log))
    page = db.paginate(query, page=bounded_int(request.args.get("page"), minimum=1, maximum=MAX_PAGE) or 1,
                       per_page=PAGE_SIZE, error_out=False)
    rules = db.session.scalars(sa.select(Finding.rule_id).distinct().order_by(Finding.rule_id)).all()
    agencies = db.session.scalars(sa.select(Finding.agency).distinct().order_by(Finding.agency).limit(500)).all()
    runs = db.session.scalars(
        sa.select(AuditRun).where(AuditRun.status == "done").order_by(AuditRun.id.desc()).limit(10)
    ).all()
    return render_template(
        "audit/findings.html",
        page=page,
        filters=filters,
        profiles=profile_ids(),
        rules=rules,
        agencies=agencies,
        runs=runs,
        run_form=RunAuditForm(),
    )


@bp.route("/findings.csv")
@requires("findings.export")
def findings_csv():
    filters = _filters()
    # Both languages' explanations go in the file; the offending log comes in the same query.
    query = _finding_query(filters).options(joinedload(Finding.contact_log)).execution_options(yield_per=2000)

    def rows():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["profile", "rule_id", "citation", "source", "external_id", "account_ref", "agency",
                         "agent_id", "occurred_at", "related", "window_start", "window_end",
                         "explanation_en", "explanation_zh"])
        for finding in db.session.scalars(query):
            log = finding.contact_log
            writer.writerow(safe_row([
                finding.profile, finding.rule_id, finding.citation, log.source, log.external_id,
                finding.account_ref, finding.agency, finding.agent_id or "",
                finding.occurred_at.isoformat(), " ".join(finding.related_external_ids or []),
                finding.window_start.isoformat() if finding.window_start else "",
                finding.window_end.isoformat() if finding.window_end else "",
                finding.explanation_en or "", finding.explanation_zh or "",
            ]))
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
        yield buffer.getvalue()

    return Response(
        stream_with_context(rows()),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=findings.csv"},
    )


@bp.route("/findings/<int:finding_id>")
@requires("findings.read")
def finding(finding_id: int):
    item = db.get_or_404(Finding, finding_id)
    related_ids = [i for i in (item.related_log_ids or []) if i is not None]
    related = []
    if related_ids:
        by_id = {log.id: log for log in db.session.scalars(sa.select(ContactLog).where(ContactLog.id.in_(related_ids)))}
        related = [by_id[i] for i in related_ids if i in by_id]
    complaints = linking.complaints_for_logs([item.contact_log_id, *related_ids])
    proposed = linking.proposed_for_logs([item.contact_log_id, *related_ids])
    return render_template("audit/finding.html", finding=item, log=item.contact_log, related=related,
                           complaints=complaints, proposed=proposed, lang_abuse=LANG_ABUSE, propose_form=ProposeLinkForm())


@bp.route("/run", methods=["POST"])
@requires("audit.run")
def run():
    form = RunAuditForm()
    if not form.validate_on_submit():
        flash(_("Choose a profile to audit."), "error")
        return redirect(url_for("audit.findings"), code=303)
    try:
        load_profile(form.profile.data)
    except ProfileError:
        abort(400)
    start_audit(form.profile.data, current_user.id)
    if current_app.config.get("CONTACT_JOBS_INLINE"):
        flash(_("The audit for %(profile)s is complete.", profile=form.profile.data), "success")
    else:
        flash(_("The audit for %(profile)s is running; its findings replace the previous ones when it finishes.",
                profile=form.profile.data), "success")
    return redirect(url_for("audit.findings", profile=form.profile.data), code=303)


# --------------------------------------------------------------------------
# Scorecards
# --------------------------------------------------------------------------


@bp.route("/scorecards")
@requires("scorecards.view")
def scorecards():
    profile = _text_arg("profile") or current_app.config.get("DEFAULT_PROFILE", "us-cfpb")
    if profile not in profile_ids():
        flash(_("Unknown profile %(profile)s.", profile=profile[:20]), "error")
        profile = profile_ids()[0]
    agency = _text_arg("agency")
    start, end = _date_arg("from"), _date_arg("to")
    cards = build_scorecards(
        profile,
        agency=agency,
        start=datetime.combine(start, time.min, timezone.utc) if start else None,
        end=datetime.combine(end + timedelta(days=1), time.min, timezone.utc) if end else None,
    )
    peak = max([p.contacts for p in cards.trend] + [1])
    peak_findings = max([p.findings for p in cards.trend] + [1])
    return render_template("audit/scorecards.html", cards=cards, profile=profile, profiles=profile_ids(),
                           agency=agency, start=start, end=end, peak=peak, peak_findings=peak_findings)


# --------------------------------------------------------------------------
# Contact logs and complaint links
# --------------------------------------------------------------------------


@bp.route("/logs/<int:log_id>")
@requires("contacts.read")
def contact_log(log_id: int):
    log = db.get_or_404(ContactLog, log_id)
    log_findings = db.session.scalars(
        sa.select(Finding).where(Finding.contact_log_id == log.id).order_by(Finding.profile, Finding.rule_id)
    ).all()
    return render_template("audit/log.html", log=log, findings=log_findings,
                           links=linking.complaints_for_log(log), propose_form=ProposeLinkForm(),
                           jurisdiction=jurisdiction_of(log.jurisdiction, log.consumer_tz))


def _propose(log: ContactLog, finding: Finding | None, back: str):
    form = ProposeLinkForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
        return redirect(back, code=303)
    reference = form.reference.data.strip().upper()
    complaint = db.session.scalar(sa.select(Complaint).where(Complaint.reference == reference))
    if complaint is None:
        flash(_("No complaint has the reference %(reference)s; nothing was proposed.", reference=reference[:32]),
              "error")
        return redirect(back, code=303)
    try:
        linking.propose_link(complaint, log, current_user, form.note.data, finding)
    except linking.ProposalRefused as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(back, code=303)
    db.session.commit()
    flash(_("Contact log %(id)s is proposed as evidence on %(reference)s; an officer will confirm or reject it.",
            id=log.external_id, reference=complaint.reference), "success")
    return redirect(back, code=303)


@bp.route("/logs/<int:log_id>/propose", methods=["POST"])
@requires("links.propose")
def propose_log(log_id: int):
    log = db.get_or_404(ContactLog, log_id)
    return _propose(log, None, url_for("audit.contact_log", log_id=log.id))


@bp.route("/findings/<int:finding_id>/propose", methods=["POST"])
@requires("links.propose")
def propose_finding(finding_id: int):
    item = db.get_or_404(Finding, finding_id)
    return _propose(item.contact_log, item, url_for("audit.finding", finding_id=item.id))


@bp.route("/proposals", methods=["GET", "POST"])
@requires("complaints.work")
def proposals():
    """Links auditors proposed, for officers to confirm or reject, several at once."""
    form = ProposalDecisionForm()
    if request.method == "POST":
        ids = [int(v) for v in request.form.getlist("link") if v.isdigit()][:200]
        if not form.validate_on_submit():
            flash(_("The decision was not understood; nothing changed."), "error")
        elif not ids:
            flash(_("Tick one or more proposed links first; nothing changed."), "error")
        else:
            links = db.session.scalars(
                sa.select(ComplaintContactLink).where(ComplaintContactLink.id.in_(ids),
                                                      ComplaintContactLink.status == "proposed")
            ).all()
            for link in links:
                complaint = db.session.get(Complaint, link.complaint_id)
                linking.decide_link(complaint, link.contact_log, form.decision.data, current_user)
            db.session.commit()
            if form.decision.data == "confirmed":
                flash(ngettext("%(num)d proposed link confirmed.", "%(num)d proposed links confirmed.", len(links)),
                      "success")
            else:
                flash(ngettext("%(num)d proposed link rejected.", "%(num)d proposed links rejected.", len(links)),
                      "success")
        return redirect(url_for("audit.proposals"), code=303)
    return render_template("audit/proposals.html", proposals=linking.proposals(), form=form)


@bp.route("/complaints/<reference>/links", methods=["POST"])
@requires("complaints.work")
def decide_links(reference: str):
    """Confirm or reject several suggested contact logs of one complaint at once."""
    complaint = db.first_or_404(sa.select(Complaint).where(Complaint.reference == reference))
    target = url_for("cases.complaint", reference=complaint.reference) + "#contact-evidence"
    form = ProposalDecisionForm()
    ids = [int(v) for v in request.form.getlist("log") if v.isdigit()][:100]
    if not form.validate_on_submit():
        flash(_("The link decision was not understood; nothing changed."), "error")
        return redirect(target, code=303)
    logs = db.session.scalars(sa.select(ContactLog).where(ContactLog.id.in_(ids))).all() if ids else []
    if not logs:
        flash(_("Tick one or more contact logs first; nothing changed."), "error")
        return redirect(target, code=303)
    for log in logs:
        linking.decide_link(complaint, log, form.decision.data, current_user)
    db.session.commit()
    if form.decision.data == "confirmed":
        flash(ngettext("%(num)d contact log is now evidence on this complaint.",
                       "%(num)d contact logs are now evidence on this complaint.", len(logs)), "success")
    else:
        flash(ngettext("%(num)d contact log was rejected for this complaint.",
                       "%(num)d contact logs were rejected for this complaint.", len(logs)), "success")
    return redirect(target, code=303)


@bp.route("/complaints/<reference>/links/<int:log_id>", methods=["POST"])
@requires("complaints.work")
def decide_link(reference: str, log_id: int):
    complaint = db.first_or_404(sa.select(Complaint).where(Complaint.reference == reference))
    log = db.get_or_404(ContactLog, log_id)
    form = LinkDecisionForm()
    target = url_for("cases.complaint", reference=complaint.reference) + "#contact-evidence"
    if not form.validate_on_submit():
        flash(_("The link decision was not understood; nothing changed."), "error")
        return redirect(target, code=303)
    linking.decide_link(complaint, log, form.decision.data, current_user)
    db.session.commit()
    if form.decision.data == "confirmed":
        flash(_("Contact log %(id)s is now evidence on this complaint.", id=log.external_id), "success")
    else:
        flash(_("Contact log %(id)s was rejected for this complaint.", id=log.external_id), "success")
    return redirect(target, code=303)
