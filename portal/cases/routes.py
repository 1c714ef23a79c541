"""Officers' and supervisors' queue, case pages and dashboard.

Views are thin: parse the form, check the complaint has not changed under
the officer (optimistic locking), call one function of portal.cases.actions,
commit once, then tell the cardholder by e-mail where the action was public.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
from zoneinfo import ZoneInfo
from dataclasses import dataclass

import sqlalchemy as sa
from flask import (Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request,
                   send_from_directory, url_for)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy.orm.exc import StaleDataError

from .. import search  # noqa: F401  (keeps complaint.search_document filled)
from classifiers.redaction import mask_sensitive

from ..access import can, requires
from ..domain.display_text import has_chinese, localise_mask_markers, zone_title
from ..domain.profiles import load_profile, profile_ids
from ..domain.status import allowed_targets
from ..extensions import db
from ..i18n import current_language, format_instant, valid_timezone, viewer_timezone
from ..models import Attachment, Complaint, ComplaintEvent, StaffUser
from ..models.types import utcnow
from ..request_checks import bounded_int
from . import actions
from .actions import CATEGORIES, URGENCIES, CaseActionError
from .clock import deadline_items, describe_span, profile_zone
from .forms import (AcknowledgeForm, AppraisalForm, AssignForm, BulkForm, ClaimForm, CloseForm, ComplexityForm, DuplicateForm, NoteForm,
                    ReclassifyForm, RequestInformationForm, RespondForm)
from .queue import DUE_CHOICES, STATUS_CHOICES, BadCursor, QueueFilters, queue_counts, queue_page
from . import officer_mail  # noqa: F401  (e-mails the assignee when the cardholder answers or disputes)
from .canned import replies_for, reply_by_id
from .replies import response_draft

bp = Blueprint("cases", __name__)

FORMS = {
    "acknowledge": AcknowledgeForm,
    "claim": ClaimForm,
    "note": NoteForm,
    "assign": AssignForm,
    "reclassify": ReclassifyForm,
    "request": RequestInformationForm,
    "respond": RespondForm,
    "close": CloseForm,
    "duplicate": DuplicateForm,
    "complexity": ComplexityForm,
    "appraisal": AppraisalForm,
}


bp.add_app_template_global(profile_zone, "profile_zone")


def _viewer_zone() -> ZoneInfo:
    """The viewer's zone as a ZoneInfo: Flask-Babel's ``get_timezone()`` is a
    pytz zone, whose ``tzinfo=`` use gives the zone's local mean time (New
    York 4 minutes off), so "due today" would end at the wrong minute."""
    return ZoneInfo(viewer_timezone())


@bp.app_template_global()
def label_for(kind: str, value):
    return {
        "category": actions.category_label,
        "urgency": actions.urgency_label,
        "status": actions.status_label,
        "outcome": actions.outcome_label,
        "complexity": actions.complexity_label,
        "event": actions.event_label,
        "channel": actions.channel_label,
        "vulnerability": actions.vulnerability_label,
        "log": actions.log_label,
        "evidence": actions.evidence_label,
    }[kind](value)


@bp.route("/")
@login_required
def index():
    from ..auth.routes import landing_page

    return redirect(landing_page(current_user))


# -- queue --------------------------------------------------------------------


def _choice(name: str, allowed) -> str | None:
    value = request.args.get(name, "").strip()
    return value if value in allowed else None


def _filters_from_request() -> QueueFilters:
    assignee = request.args.get("assignee", "").strip()
    if assignee not in ("mine", "unassigned") and bounded_int(assignee) is None:
        assignee = None
    # Masked before it is searched for or shown again: a card number typed as a
    # search finds the complaints where it was masked (they hold the same marker).
    q = mask_sensitive(request.args.get("q", "").strip()[:200]).text or None
    return QueueFilters(
        status=_choice("status", STATUS_CHOICES) or "open",
        category=_choice("category", CATEGORIES),
        urgency=_choice("urgency", (*URGENCIES, "unrouted")),
        assignee=assignee,
        profile=_choice("profile", profile_ids()),
        due=_choice("due", DUE_CHOICES),
        q=q,
    )


@dataclass
class QueueRow:
    complaint: Complaint
    next_label: str | None
    next_text: str | None
    overdue: bool
    urgency: str
    status: str
    category: str
    officer: str


class QueueRowBuilder:
    """Builds the queue's rows in the request's language.

    A page shows fifty complaints with a handful of distinct labels: each
    label is translated once per page rather than once per row (a lookup
    through Flask-Babel costs tens of microseconds).
    """

    def __init__(self, now: dt.datetime) -> None:
        from flask_babel import get_translations

        self.now = now
        translations = get_translations()
        self._ngettext = lambda singular, plural, num: translations.ungettext(singular, plural, num) % {"num": num}
        self._labels: dict[tuple[str, str | None], str] = {}
        self._deadline_names = {"ack": _("Acknowledgement"), "first": _("First response"),
                                "final": _("Final response"), "review": _("Review")}
        self._overdue = _("overdue by %(span)s", span="\x00")
        self._left = _("%(span)s left", span="\x00")
        self._unassigned = _("Unassigned")

    def label(self, kind: str, value: str | None) -> str:
        key = (kind, value)
        if key not in self._labels:
            self._labels[key] = label_for(kind, value)
        return self._labels[key]

    def row(self, complaint: Complaint) -> QueueRow:
        names = self._deadline_names
        labels = (self.label("urgency", complaint.urgency), self.label("status", complaint.status),
                  self.label("category", complaint.category),
                  complaint.assignee.display_name if complaint.assignee else self._unassigned)
        due = complaint.next_due_at
        if due is None:
            return QueueRow(complaint, None, None, False, *labels)
        if due == complaint.ack_due_at:
            label = names["ack"]
        elif due == complaint.first_response_due_at:
            label = names["first"]
        elif due == complaint.final_due_at:
            label = names["final"]
        else:
            label = names["review"]
        seconds = int((due - self.now).total_seconds())
        if seconds < 0:
            text = self._overdue.replace("\x00", describe_span(-seconds, self._ngettext))
            return QueueRow(complaint, label, text, True, *labels)
        return QueueRow(complaint, label, self._left.replace("\x00", describe_span(seconds, self._ngettext)),
                        False, *labels)


def flat_counts(counts: dict[str, dict[str, int]]) -> dict[str, int]:
    """queue_counts' {"status": {"open": n}} as {"status.open": n}: the keys the chips and cases.js use."""
    return {f"{group}.{choice}": n for group, values in counts.items() for choice, n in values.items()}


def total_text(total: int, capped: bool = False) -> str:
    if capped:
        return _("More than %(num)d complaints", num=total)
    return ngettext("%(num)d complaint", "%(num)d complaints", total)


# The rows come first: the counts per filter (and the total) read the whole
# open backlog, so the page asks /queue/counts for them once it is shown.
# Without JavaScript, "Show counts" reloads the page with them (?counts=show).
@bp.route("/queue")
@requires("complaints.read")
def queue():
    filters = _filters_from_request()
    now = utcnow()
    counts_inline = request.args.get("counts") == "show"
    try:
        page = queue_page(filters, viewer_id=current_user.id, after=request.args.get("after") or None, now=now,
                          tz=_viewer_zone(), with_counts=counts_inline)
    except BadCursor:
        flash(_("That page link is no longer valid; showing the first page."), "error")
        return redirect(url_for("cases.queue", **filters.as_args()))
    staff = db.session.scalars(
        sa.select(StaffUser).where(StaffUser.role.in_(("officer", "supervisor"))).order_by(StaffUser.display_name)
    ).all()
    builder = QueueRowBuilder(now)
    return render_template(
        "cases/queue.html",
        filters=filters,
        page=page,
        rows=[builder.row(c) for c in page.complaints],
        staff=staff,
        categories=CATEGORIES,
        urgencies=URGENCIES,
        statuses=STATUS_CHOICES,
        profiles=profile_ids(),
        due_choices=DUE_CHOICES,
        first_page=not request.args.get("after"),
        counts=flat_counts(page.counts),
        counts_deferred=page.total is None,
        total_text=None if page.total is None else total_text(page.total, page.total_capped),
    )


@bp.route("/queue/counts")
@requires("complaints.read")
def queue_counts_json():
    """The counts per filter of a queue selection, as {"counts": {"status.open": n, ...}, "total": n}."""
    counts = queue_counts(_filters_from_request(), viewer_id=current_user.id, now=utcnow(), tz=_viewer_zone())
    if counts:
        total = counts.pop("total")[""]
        body = {"total": total, "total_text": total_text(total), "counts": flat_counts(counts)}
    else:
        body = {"counts": {}}
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response


# -- case page ----------------------------------------------------------------


@dataclass
class Segment:
    text: str
    label: str | None = None
    source: str | None = None


def narrative_segments(narrative: str, evidence: list | None) -> list[Segment]:
    """The narrative cut into plain and highlighted pieces (escaped by the template).

    Evidence offsets refer to the stored (masked) narrative; a span that does
    not fit it, or overlaps one already taken, is left out rather than guessed.
    """
    spans = []
    for item in evidence or []:
        try:
            start, end = int(item["start"]), int(item["end"])
        except (KeyError, TypeError, ValueError):
            continue
        if 0 <= start < end <= len(narrative):
            spans.append((start, end, str(item.get("label", "")), str(item.get("source", ""))))
    spans.sort()
    segments: list[Segment] = []
    position = 0
    for start, end, label, source in spans:
        if start < position:
            continue
        if start > position:
            segments.append(Segment(narrative[position:start]))
        segments.append(Segment(narrative[start:end], label or "evidence", source))
        position = end
    if position < len(narrative):
        segments.append(Segment(narrative[position:]))
    return segments


def _markers_for_reader(segments: list[Segment], narrative: str) -> list[Segment]:
    """The pieces with their mask markers in the reader's language (Chinese for a Chinese narrative too)."""
    language = "zh_Hans" if has_chinese(narrative) else current_language()
    return [dataclasses.replace(s, text=localise_mask_markers(s.text, language)) for s in segments]


def _complaint_or_404(reference: str) -> Complaint:
    complaint = db.session.scalar(sa.select(Complaint).where(Complaint.reference == reference.upper()))
    if complaint is None:
        abort(404)
    return complaint


def _last_event_id(complaint: Complaint) -> int:
    return db.session.scalar(
        sa.select(sa.func.max(ComplaintEvent.id)).where(ComplaintEvent.complaint_id == complaint.id)
    ) or 0


def _assignable_staff() -> list[StaffUser]:
    return list(db.session.scalars(
        sa.select(StaffUser)
        .where(StaffUser.role.in_(("officer", "supervisor")), StaffUser.active.is_(True))
        .order_by(StaffUser.display_name, StaffUser.email)
    ))


def _prepare(name: str, form, complaint: Complaint) -> None:
    """Choices that depend on the complaint or the staff list."""
    if name == "assign":
        form.assignee.choices = [("", _("Nobody (unassigned)"))] + [
            (str(s.id), f"{s.display_name} ({_(s.role)})") for s in _assignable_staff()
        ]
    elif name == "complexity":
        levels = ("standard", *load_profile(complaint.jurisdiction).deadlines.final_extended.keys())
        form.level.choices = [(lv, actions.complexity_label(lv)) for lv in levels]


def _fresh_forms(complaint: Complaint, last_event: int) -> dict:
    forms = {}
    for name, cls in FORMS.items():
        form = cls(prefix=name, formdata=None)
        _prepare(name, form, complaint)
        form.stamp(complaint, last_event)
        forms[name] = form
    forms["reclassify"].category.data = complaint.category or "other"
    forms["reclassify"].urgency.data = complaint.urgency or "normal"
    forms["assign"].assignee.data = str(complaint.assignee_id or "")
    forms["complexity"].level.data = complaint.complexity or "standard"
    forms["respond"].text.data = response_draft(complaint)
    return forms


def _canned_text(complaint: Complaint, reply_id: str | None) -> str | None:
    """The chosen canned reply of the complaint's profile, in the cardholder's language, filled in."""
    reply = reply_by_id(reply_id, complaint.jurisdiction)
    if reply is None:
        return None
    language = complaint.language or "en"
    with force_locale(language):
        name = complaint.name or _("cardholder")
    return reply.text(language, reference=complaint.reference, name=name,
                      days=load_profile(complaint.jurisdiction).deadlines.review_window_days)


def _render_case(complaint: Complaint, bound: tuple[str, object] | None = None, status: int = 200,
                 reply_id: str | None = None):
    now = utcnow()
    last_event = _last_event_id(complaint)
    forms = _fresh_forms(complaint, last_event)
    canned = _canned_text(complaint, reply_id)
    if canned is not None:
        forms["respond"].text.data = canned
    if bound is not None:
        forms[bound[0]] = bound[1]
    routing = complaint.routing or {}
    events = list(db.session.scalars(
        sa.select(ComplaintEvent).where(ComplaintEvent.complaint_id == complaint.id).order_by(ComplaintEvent.id)
    ))
    profile = load_profile(complaint.jurisdiction)
    duplicate_of = db.session.get(Complaint, complaint.duplicate_of_id) if complaint.duplicate_of_id else None
    zone = case_page_zone(profile)
    deadlines = [dataclasses.replace(item, due_text=format_instant(item.due, zone))
                 for item in deadline_items(complaint, now)]
    return render_template(
        "cases/complaint.html",
        complaint=complaint,
        profile=profile,
        segments=_markers_for_reader(narrative_segments(complaint.narrative, routing.get("evidence")),
                                     complaint.narrative),
        evidence=routing.get("evidence") or [],
        scores=sorted((routing.get("scores") or {}).items(), key=lambda kv: -kv[1]),
        urgency_scores=sorted((routing.get("urgency_scores") or {}).items(), key=lambda kv: -kv[1]),
        deadlines=deadlines,
        events=events,
        forms=forms,
        targets={t.value for t in allowed_targets(complaint.status)},
        can_pause_for_appraisal="outside_appraisal" in profile.deadlines.pauses,
        has_complexity=bool(profile.deadlines.final_extended),
        duplicate_of=duplicate_of,
        page_zone=zone,
        page_zone_name=zone.key,
        page_zone_title=zone_title(zone.key, current_language()),
        canned_replies=replies_for(complaint.jurisdiction),
        reply_language=complaint.language or "en",
        chosen_reply=reply_id if canned is not None else None,
    ), status


def case_page_zone(profile) -> ZoneInfo:
    """The one zone every instant of a case page reads in: the officer's own
    when they chose one (Preferences), else the jurisdiction's, where the
    deadlines fall due at the end of their day."""
    chosen = valid_timezone(getattr(current_user, "timezone", None))
    return ZoneInfo(chosen) if chosen else profile.timezone


@bp.route("/complaints/<reference>")
@requires("complaints.read")
def complaint(reference: str):
    return _render_case(_complaint_or_404(reference), reply_id=request.args.get("reply"))


@bp.route("/complaints/<reference>/attachments/<int:attachment_id>")
@requires("attachments.download")
def attachment(reference: str, attachment_id: int):
    complaint = _complaint_or_404(reference)
    item = db.session.get(Attachment, attachment_id)
    if item is None or item.complaint_id != complaint.id:
        abort(404)
    folder = current_app.config["UPLOAD_FOLDER"]
    if not os.path.isfile(os.path.join(folder, item.stored_name)):
        abort(404)
    return send_from_directory(folder, item.stored_name, mimetype=item.content_type, as_attachment=True,
                               download_name=item.original_name, max_age=0)


# -- actions ------------------------------------------------------------------


def _conflict(complaint: Complaint, form, seen: int):
    """Someone changed the complaint since this form was rendered: show what, keep the input."""
    changes = list(db.session.scalars(
        sa.select(ComplaintEvent)
        .where(ComplaintEvent.complaint_id == complaint.id, ComplaintEvent.id > (seen or 0))
        .order_by(ComplaintEvent.id)
    ))
    unsaved = [(f.label.text, f.data) for f in form
               if f.type in ("TextAreaField", "StringField", "SelectField", "RadioField", "DecimalField")
               and f.data not in (None, "")]
    return render_template("cases/conflict.html", complaint=complaint, changes=changes, unsaved=unsaved), 409


def _act(reference: str, name: str, run, *, check_version: bool = True, notify: str | None = None,
         done: str | None = None):
    complaint = _complaint_or_404(reference)
    form = FORMS[name](prefix=name)
    _prepare(name, form, complaint)
    if not form.validate_on_submit():
        return _render_case(complaint, (name, form), 400)
    seen = form.seen_event.data or 0
    if check_version and form.version.data != complaint.version:
        return _conflict(complaint, form, seen)
    try:
        run(complaint, form)
        db.session.commit()
    except CaseActionError as error:
        db.session.rollback()
        form.form_errors.append(str(error))
        flash(str(error), "error")
        return _render_case(_complaint_or_404(reference), (name, form), 400)
    except StaleDataError:
        db.session.rollback()
        return _conflict(_complaint_or_404(reference), form, seen)
    if notify:
        _notify_cardholder(complaint, notify)
    flash(done or _("Saved."), "info")
    return redirect(url_for("cases.complaint", reference=complaint.reference), 303)


def _notify_cardholder(complaint: Complaint, kind: str) -> None:
    """A short e-mail pointing to the tracking page (the text itself stays on the site)."""
    if not complaint.email:
        return
    try:
        from .. import mail
    except ImportError:  # the mail module is optional
        return
    if kind in ("response", "closed") and complaint.status in ("responded", "closed") \
            and complaint.outcome != "duplicate":
        # The response itself, with outcome and relief, not only a pointer to it.
        mail.send_decision(complaint, url_for("intake.track", _external=True))
        return
    language = complaint.language or "en"
    with force_locale(language):
        subject = render_template("cases/email/update.subject.txt", complaint=complaint, kind=kind).strip()
        text = render_template("cases/email/update.txt", complaint=complaint, kind=kind,
                               track_url=url_for("intake.track", _external=True))
    mail.send_message(mail.build_message(complaint.email, " ".join(subject.split()), text))


@bp.route("/complaints/<reference>/acknowledge", methods=["POST"])
@requires("complaints.work")
def acknowledge(reference: str):
    return _act(reference, "acknowledge", lambda c, f: actions.acknowledge(c, current_user),
                notify="acknowledged", done=_("Acknowledged."))


@bp.route("/complaints/<reference>/notes", methods=["POST"])
@requires("complaints.work")
def add_note(reference: str):
    # A note only appends to the timeline; it cannot overwrite anyone's work.
    return _act(reference, "note", lambda c, f: actions.add_note(c, current_user, f.text.data),
                check_version=False, done=_("Note added."))


@bp.route("/complaints/<reference>/assign", methods=["POST"])
@requires("complaints.assign")
def assign(reference: str):
    def run(complaint, form):
        chosen = form.assignee.data
        assignee = db.session.get(StaffUser, int(chosen)) if chosen else None
        actions.assign(complaint, current_user, assignee)

    return _act(reference, "assign", run, done=_("Assignment saved."))


@bp.route("/complaints/<reference>/claim", methods=["POST"])
@requires("complaints.claim")
def claim(reference: str):
    """"Assign to me" on the case page."""
    return _act(reference, "claim",
                lambda c, f: actions.claim(c, current_user, may_reassign=can("complaints.assign")),
                check_version=False, done=_("The complaint is assigned to you."))


BULK_MAX = 100


def _queue_return_url() -> str:
    """Back to the queue page the officer came from (only a queue URL, never elsewhere)."""
    back = request.form.get("back", "")
    if back.startswith("/staff/queue") and "//" not in back and "\\" not in back:
        return back
    return url_for("cases.queue")


@bp.route("/queue/bulk", methods=["POST"])
@requires("complaints.claim")
def queue_bulk():
    """One action on the complaints ticked in the queue: assign them to me, to
    someone (supervisors), or confirm the contact logs auditors proposed for them."""
    from ..contacts import linking

    form = BulkForm()
    form.assignee.choices = [("", "")] + [(str(s.id), s.display_name or s.email) for s in _assignable_staff()]
    back = _queue_return_url()
    references = [r.strip().upper() for r in request.form.getlist("complaint") if r.strip()][:BULK_MAX]
    if not form.validate_on_submit():
        flash(_("The bulk action was not understood; nothing changed."), "error")
        return redirect(back, 303)
    if not references:
        flash(_("Tick one or more complaints first; nothing changed."), "error")
        return redirect(back, 303)
    action = form.action.data
    needed = {"claim": "complaints.claim", "assign": "complaints.assign", "confirm_links": "complaints.work"}[action]
    if not can(needed):
        abort(403)
    target = None
    if action == "assign":
        target = db.session.get(StaffUser, int(form.assignee.data)) if form.assignee.data else None
        if target is None:
            flash(_("Choose who to assign the complaints to; nothing changed."), "error")
            return redirect(back, 303)
    complaints = list(db.session.scalars(sa.select(Complaint).where(Complaint.reference.in_(references))))
    done: list[str] = []
    skipped: list[str] = []
    confirmed = 0
    for complaint in sorted(complaints, key=lambda c: references.index(c.reference)):
        try:
            with db.session.begin_nested():
                if action == "claim":
                    actions.claim(complaint, current_user, may_reassign=can("complaints.assign"))
                elif action == "assign":
                    actions.assign(complaint, current_user, target)
                else:
                    pending = linking.proposals(complaint_ids=[complaint.id])
                    if not pending:
                        raise CaseActionError(_("%(reference)s has no proposed contact log.",
                                                reference=complaint.reference))
                    for proposal in pending:
                        linking.decide_link(complaint, proposal.log, "confirmed", current_user)
                    confirmed += len(pending)
            done.append(complaint.reference)
        except CaseActionError as error:
            skipped.append(str(error))
    missing = sorted(set(references) - {c.reference for c in complaints})
    db.session.commit()
    from flask_babel import get_locale

    sep = "、" if str(get_locale()).startswith("zh") else ", "
    if action == "confirm_links" and done:
        flash(ngettext("%(num)d proposed contact log confirmed", "%(num)d proposed contact logs confirmed",
                       confirmed) + " (" + sep.join(done) + ").", "success")
    elif done:
        message = (_("Assigned to you: %(refs)s.", refs=sep.join(done)) if action == "claim"
                   else _("Assigned to %(name)s: %(refs)s.", name=target.display_name or target.email,
                          refs=sep.join(done)))
        flash(message, "success")
    for reason in skipped:
        flash(reason, "error")
    if missing:
        flash(_("No complaint has the reference %(refs)s.", refs=sep.join(missing)), "error")
    return redirect(back, 303)


@bp.route("/complaints/<reference>/reclassify", methods=["POST"])
@requires("complaints.work")
def reclassify(reference: str):
    return _act(reference, "reclassify",
                lambda c, f: actions.reclassify(c, current_user, f.category.data, f.urgency.data, f.reason.data),
                done=_("Classification corrected; the correction is kept as training feedback."))


@bp.route("/complaints/<reference>/request-information", methods=["POST"])
@requires("complaints.work")
def request_information(reference: str):
    return _act(reference, "request", lambda c, f: actions.request_information(c, current_user, f.question.data),
                notify="information_requested", done=_("Question sent to the cardholder."))


@bp.route("/complaints/<reference>/respond", methods=["POST"])
@requires("complaints.work")
def respond(reference: str):
    return _act(reference, "respond",
                lambda c, f: actions.respond(c, current_user, f.text.data, final=f.kind.data == "final"),
                notify="response", done=_("Response sent to the cardholder."))


@bp.route("/complaints/<reference>/close", methods=["POST"])
@requires("complaints.work")
def close(reference: str):
    return _act(reference, "close",
                lambda c, f: actions.close(c, current_user, f.outcome.data, f.explanation.data,
                                           f.relief_amount.data, relief_currency=f.relief_currency.data or None),
                notify="closed", done=_("Complaint closed."))


@bp.route("/complaints/<reference>/duplicate", methods=["POST"])
@requires("complaints.work")
def mark_duplicate(reference: str):
    def run(complaint, form):
        original = db.session.scalar(
            sa.select(Complaint).where(Complaint.reference == form.original.data.strip().upper())
        )
        actions.mark_duplicate(complaint, current_user, original)

    return _act(reference, "duplicate", run, notify="closed", done=_("Closed as a duplicate."))


@bp.route("/complaints/<reference>/complexity", methods=["POST"])
@requires("complaints.work", "deadlines.extend")  # a longer final deadline is an extension (SPEC section 1)
def complexity(reference: str):
    return _act(reference, "complexity",
                lambda c, f: actions.set_complexity(c, current_user, f.level.data,
                                                    may_approve=can("deadlines.extend"), note=f.note.data),
                notify="deadline_extended", done=_("Complexity and final deadline updated."))


@bp.route("/complaints/<reference>/appraisal", methods=["POST"])
@requires("complaints.work")
def appraisal(reference: str):
    def run(complaint, form):
        if complaint.paused_since is not None and complaint.pause_kind == "outside_appraisal":
            actions.end_appraisal(complaint, current_user)
        else:
            actions.start_appraisal(complaint, current_user)

    return _act(reference, "appraisal", run, done=_("Outside appraisal updated."))


# -- dashboard ----------------------------------------------------------------


@bp.route("/dashboard")
@requires("dashboard.view")
def dashboard():
    from .dashboard import dashboard_data

    return render_template("cases/dashboard.html", data=dashboard_data(utcnow()))
