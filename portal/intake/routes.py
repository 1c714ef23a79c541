"""The cardholder's side: the guided complaint form and tracking.

Views parse, call and render; each request commits once, in the view, and
e-mail goes out only after that commit.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from classifiers.redaction import mask_sensitive
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from werkzeug.datastructures import MultiDict

from ..cases.actions import CaseActionError, reopen_on_dispute, resume_after_cardholder_reply
from ..cases.clock import deadline_items, format_due, refresh_deadlines
from ..domain import evidence_files
from ..domain.deadlines import review_window_ends
from ..domain.profiles import load_profile, profile_ids
from ..domain.references import normalise_reference, verify_access_code
from ..domain.status import transition
from ..evidence_store import EvidenceRefused, StoredEvidence, store_evidence, upload_folder
from ..extensions import db, limiter
from ..filing import ComplaintDraft, attach_evidence, file_complaint
from ..i18n import current_language
from ..mail import send_templated
from ..models import Complaint
from ..models.types import utcnow
from ..timeline import record_event
from . import drafts
from .labels import event_label, status_help, status_label
from .forms import (
    AddInformationForm,
    AmountsForm,
    AnswerForm,
    DetailsForm,
    EvidenceForm,
    FeedbackForm,
    ReviewForm,
    TrackForm,
    WhatHappenedForm,
    WhoContactedForm,
    WishForm,
    residence_choices,
)

bp = Blueprint("intake", __name__)

TRACKING_KEY = "tracking"
TRACKING_SECONDS = 30 * 60
# Stands in for a stored hash when the reference does not exist, so a wrong
# reference costs the same work as a wrong code.
_NO_SUCH_HASH = "sha256$00000000000000000000000000000000$" + "0" * 64


@dataclass(frozen=True)
class Step:
    slug: str
    title: object  # lazy string
    form: type


STEPS = (
    Step("what", _l("What happened"), WhatHappenedForm),
    Step("who", _l("Who contacted you"), WhoContactedForm),
    Step("amounts", _l("Amounts"), AmountsForm),
    Step("wish", _l("What you want"), WishForm),
    Step("evidence", _l("Evidence"), EvidenceForm),
    Step("details", _l("Your details"), DetailsForm),
)
STEP_BY_SLUG = {s.slug: s for s in STEPS}


# -- home ----------------------------------------------------------------------


@bp.route("/")
def home():
    return render_template("intake/home.html")


@bp.route("/complaint")
def start():
    draft = drafts.current()
    return render_template("intake/start.html", has_draft=bool(draft and draft.answers), steps=STEPS)


# -- the guided form -------------------------------------------------------------


def _make_form(step: Step, formdata=None, *, csrf: bool = True):
    kwargs = {} if csrf else {"meta": {"csrf": False}}
    if formdata is not None:  # else Flask-WTF reads the request's form
        kwargs["formdata"] = formdata
    return step.form(**kwargs)


def _next_slug(step: Step) -> str | None:
    index = STEPS.index(step)
    return STEPS[index + 1].slug if index + 1 < len(STEPS) else None


def _previous_slug(step: Step) -> str | None:
    index = STEPS.index(step)
    return STEPS[index - 1].slug if index > 0 else None


def _after_step(step: Step):
    if request.form.get("return_to") == "review":
        return redirect(url_for("intake.review"))
    following = _next_slug(step)
    return redirect(url_for("intake.step", slug=following) if following else url_for("intake.review"))


@bp.route("/complaint/<slug>", methods=["GET", "POST"])
@limiter.limit("120 per hour", methods=["POST"])
def step(slug: str):
    step = STEP_BY_SLUG.get(slug) or abort(404)
    draft = drafts.current(create=request.method == "POST")

    switching = request.form.get("switch_language") if request.method == "POST" else None
    going_back = request.method == "POST" and request.form.get("action") == "back"
    if switching or going_back:
        # "Back", or the language switch on a half-filled step (intake.js): keep
        # what was typed without judging it yet, then show the other page.
        form = _make_form(step)
        drafts.save_values(draft, drafts.raw_values(form, step.form.fields_saved))
        db.session.commit()
        return_to = request.form.get("return_to") or None
        if going_back:
            if return_to == "review" or _previous_slug(step) is None:
                return redirect(url_for("intake.review" if return_to else "intake.start"))
            return redirect(url_for("intake.step", slug=_previous_slug(step)))
        return redirect(url_for("intake.step", slug=slug, lang=switching, return_to=return_to))

    if request.method == "GET":
        form = _make_form(step, drafts.formdata(draft, step.form.fields_saved))
        return _render_step(step, form, draft)

    form = _make_form(step)
    refused: list[str] = []
    if step.slug == "evidence":
        refused = _take_uploads(draft)
        removed = request.form.get("remove")
        if removed:
            drafts.remove_upload(draft, removed)
    if form.validate() and not refused:
        drafts.save_values(draft, drafts.raw_values(form, step.form.fields_saved))
        db.session.commit()
        if step.slug == "evidence" and request.form.get("action") != "continue":
            return redirect(url_for("intake.step", slug="evidence", return_to=request.form.get("return_to") or None))
        return _after_step(step)
    # Keep whatever was valid (accepted files) and show the errors by their fields.
    db.session.commit()
    return _render_step(step, form, draft, refused=refused), 422


def _render_step(step: Step, form, draft, refused=()):
    return render_template(
        "intake/step.html",
        step=step,
        steps=STEPS,
        form=form,
        uploads=drafts.uploads_of(draft),
        max_files=evidence_files.MAX_FILES,
        refused=refused,
        previous=_previous_slug(step),
        return_to=request.values.get("return_to") if request.values.get("return_to") == "review" else None,
    )


def _refusal_message(error: EvidenceRefused) -> str:
    name = error.filename
    if error.reason == "too_large":
        return _("“%(name)s” is larger than 10 MB, so we could not take it. Please send a smaller copy.", name=name)
    if error.reason == "empty":
        return _("“%(name)s” is empty.", name=name)
    if error.reason == "too_many":
        return _("“%(name)s” was not added: you can attach at most %(max)d files.", name=name, max=evidence_files.MAX_FILES)
    return _(
        "“%(name)s” is not a file type we accept. Please send a PDF, a PNG or JPEG picture, or an MP3, M4A or WAV recording.",
        name=name,
    )


def _store_files(files, already: int) -> tuple[list[StoredEvidence], list[str]]:
    """Store the uploaded files that pass the checks; messages for the others."""
    folder = upload_folder(current_app.config)
    stored: list[StoredEvidence] = []
    refused: list[str] = []
    for file in files:
        if not file or not file.filename:
            continue
        name = mask_sensitive(file.filename).text
        try:
            if already + len(stored) >= evidence_files.MAX_FILES:
                raise EvidenceRefused("too_many", name)
            stored.append(store_evidence(file.stream, name, folder))
        except EvidenceRefused as error:
            refused.append(_refusal_message(error))
    return stored, refused


def _take_uploads(draft) -> list[str]:
    stored, refused = _store_files(request.files.getlist("files"), len(draft.uploads or []))
    for item in stored:
        drafts.add_upload(draft, item)
    return refused


def _checked_steps(draft) -> list[tuple[Step, object, bool]]:
    """Every step's form rebuilt from the draft and validated."""
    checked = []
    for step in STEPS:
        names = step.form.fields_saved
        form = _make_form(step, drafts.formdata(draft, names) or MultiDict(), csrf=False)
        ok = form.validate()
        checked.append((step, form, ok))
    return checked


def _complaint_draft(forms: dict[str, object], language: str) -> ComplaintDraft:
    who, amounts, details = forms["who"], forms["amounts"], forms["details"]
    return ComplaintDraft(
        narrative=forms["what"].narrative.data,
        language=language,
        jurisdiction=details.jurisdiction.data,
        agency=who.agency.data or None,
        agent_name=who.agent_name.data or None,
        incident_start=who.incident_start.data,
        incident_end=who.incident_end.data,
        contact_numbers=who.numbers(),
        channels=list(who.channels.data or []),
        amount_demanded=_decimal(amounts.amount_demanded.data),
        amount_believed_owed=_decimal(amounts.amount_believed_owed.data),
        currency=amounts.currency.data or None,
        account_ref=details.account_ref.data or None,
        desired_resolution=forms["wish"].desired_resolution.data or None,
        name=details.name.data or None,
        email=details.email.data or None,
        phone=details.phone.data or None,
        vulnerabilities=list(details.vulnerabilities.data or []),
        consent=bool(details.consent.data),
        publish_narrative=bool(details.publish_narrative.data),
    )


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(value)


@bp.route("/complaint/review", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def review():
    draft = drafts.current()
    if draft is None or not draft.answers:
        if request.method == "POST":
            flash(_("This complaint has already been sent, or the form expired. If you did not get a reference, please start again."), "error")
        return redirect(url_for("intake.start"))
    checked = _checked_steps(draft)
    form = ReviewForm()
    if request.method == "POST" and form.validate():
        incomplete = [step for step, _form, ok in checked if not ok]
        if incomplete:
            flash(_("Please complete this step before sending your complaint."), "error")
            return redirect(url_for("intake.step", slug=incomplete[0].slug, return_to="review"))
        language = current_language()
        complaint_draft = _complaint_draft({s.slug: f for s, f, _ok in checked}, language)
        filed = file_complaint(
            complaint_draft,
            source="web",
            uploads=drafts.uploads_of(draft),
            masked_before=draft.redacted_count,
        )
        drafts.finish(draft)
        db.session.commit()
        complaint = filed.complaint
        emailed = False
        if complaint.email:
            emailed = send_templated(
                complaint.email,
                "complaint_filed",
                language,
                complaint=complaint,
                access_code=filed.access_code,
                track_url=url_for("intake.track", _external=True),
            )
        response = current_app.make_response(
            render_template(
                "intake/filed.html", complaint=complaint, access_code=filed.access_code, emailed=emailed
            )
        )
        response.headers["Cache-Control"] = "no-store"
        return response
    return render_template(
        "intake/review.html",
        steps=STEPS,
        checked=checked,
        form=form,
        uploads=drafts.uploads_of(draft),
        residence=dict(residence_choices(profile_ids())),
    )


# -- tracking ------------------------------------------------------------------


def _reference_key() -> str:
    reference = normalise_reference(request.form.get("reference", ""))
    if reference is None:  # cannot match anything; counted per address, not shared by all
        return f"track-reference:malformed:{get_remote_address()}"
    return f"track-reference:{reference}"


def _failed(response) -> bool:
    """Only failed checks count towards the tracking limits."""
    return response.status_code != 302


def tracked_complaint() -> Complaint | None:
    """The complaint this browser proved it may see, while the proof lasts."""
    proof = session.get(TRACKING_KEY)
    if not isinstance(proof, dict) or proof.get("until", 0) < time.time():
        session.pop(TRACKING_KEY, None)
        return None
    complaint = db.session.get(Complaint, proof.get("complaint"))
    if complaint is None or complaint.reference != proof.get("reference"):
        session.pop(TRACKING_KEY, None)
        return None
    return complaint


def _remember(complaint: Complaint) -> None:
    session[TRACKING_KEY] = {
        "complaint": complaint.id,
        "reference": complaint.reference,
        "until": time.time() + TRACKING_SECONDS,
    }


@bp.route("/track", methods=["GET", "POST"])
@limiter.limit("20 per 15 minutes", methods=["POST"], deduct_when=_failed)
@limiter.limit("5 per 15 minutes", methods=["POST"], key_func=_reference_key, deduct_when=_failed)
def track():
    complaint = tracked_complaint()
    if request.method == "GET" and complaint is not None:
        return _render_tracking(complaint)
    form = TrackForm()
    if form.validate_on_submit():
        reference = normalise_reference(form.reference.data)
        found = (
            db.session.scalar(sa.select(Complaint).where(Complaint.reference == reference))
            if reference
            else None
        )
        stored_hash = found.access_code_hash if found is not None else _NO_SUCH_HASH
        if verify_access_code(form.access_code.data, stored_hash) and found is not None:
            _remember(found)
            return redirect(url_for("intake.track"))
        form.form_errors.append(
            _("We could not find a complaint with that reference and access code. Please check both and try again.")
        )
        form.access_code.data, form.access_code.raw_data = "", []  # never echoed back
        return render_template("intake/track.html", form=form), 401
    status = 422 if request.method == "POST" else 200
    return render_template("intake/track.html", form=form), status


@bp.route("/track/leave", methods=["POST"])
def track_leave():
    ReviewForm().validate_on_submit() or abort(400)
    session.pop(TRACKING_KEY, None)
    flash(_("You have left the complaint page. Use your reference and access code to come back."), "info")
    return redirect(url_for("intake.track"))


def _render_tracking(complaint: Complaint, *, add_form=None, answer_form=None, feedback_form=None, refused=(), status=200):
    now = utcnow()
    events = [e for e in complaint.events if e.public]
    attachments_by_event: dict[int | None, list] = {}
    for attachment in complaint.attachments:
        attachments_by_event.setdefault(attachment.event_id, []).append(attachment)
    return (
        render_template(
            "intake/tracking.html",
            complaint=complaint,
            events=events,
            attachments_by_event=attachments_by_event,
            deadlines=deadline_items(complaint, now) if complaint.status != "closed" else [],
            add_form=add_form or AddInformationForm(),
            answer_form=answer_form or AnswerForm(),
            feedback_form=feedback_form or FeedbackForm(),
            can_answer=complaint.status == "awaiting_cardholder",
            can_add=complaint.status != "closed" or _within_review_window(complaint, now),
            can_give_feedback=_can_give_feedback(complaint, now),
            question=_latest_question(complaint),
            refused=refused,
            max_files=evidence_files.MAX_FILES,
            profile_name=load_profile(complaint.jurisdiction).names.for_locale(current_language()),
            local_time=_local_time(complaint),
            review_days=load_profile(complaint.jurisdiction).deadlines.review_window_days,
        ),
        status,
    )


def _local_time(complaint: Complaint):
    """Times on the tracking page read in the profile's time zone, like its deadlines."""
    zone = load_profile(complaint.jurisdiction).timezone

    def local_time(moment):
        return format_due(moment.astimezone(zone))

    return local_time


def _latest_question(complaint: Complaint):
    for event in reversed(complaint.events):
        if event.public and event.actor_type == "staff" and event.body and "request" in event.kind:
            return event
    return None


def _decided_at(complaint: Complaint):
    return complaint.closed_at or complaint.responded_at


def _within_review_window(complaint: Complaint, now) -> bool:
    decided = _decided_at(complaint)
    return decided is not None and now <= review_window_ends(complaint.jurisdiction, decided)


def _can_give_feedback(complaint: Complaint, now) -> bool:
    """After a response, once per decision (a new decision asks again)."""
    if complaint.status not in ("responded", "closed"):
        return False
    decided = _decided_at(complaint)
    return complaint.feedback_at is None or (decided is not None and complaint.feedback_at < decided)


def _tracked_or_redirect():
    complaint = tracked_complaint()
    if complaint is None:
        flash(_("Please enter your reference and access code again."), "info")
    return complaint


def _masked(text: str | None) -> tuple[str | None, int]:
    if not text:
        return None, 0
    result = mask_sensitive(text)
    return result.text, result.count


def _record_cardholder_event(complaint, kind: str, text: str | None, stored) -> None:
    """A public event with the cardholder's masked text and files (not committed)."""
    body, count = _masked(text)
    event = record_event(
        complaint,
        kind,
        actor_type="cardholder",
        public=True,
        body=body,
        data={"attachments": len(stored)},
    )
    db.session.flush()  # the event id, for the attachments
    _rows, masked_names = attach_evidence(complaint, stored, event_id=event.id)
    complaint.redacted_count = (complaint.redacted_count or 0) + count + masked_names


@bp.route("/track/add", methods=["POST"])
@limiter.limit("30 per hour")
def track_add():
    complaint = _tracked_or_redirect()
    if complaint is None:
        return redirect(url_for("intake.track"))
    form = AddInformationForm()
    if not form.validate_on_submit():
        return _render_tracking(complaint, add_form=form, status=422)
    if complaint.status == "closed" and not _within_review_window(complaint, utcnow()):
        flash(_("This complaint is closed, so information can no longer be added."), "error")
        return redirect(url_for("intake.track"))
    stored, refused = _store_files(request.files.getlist("files"), len(complaint.attachments))
    if refused or (not form.body.data and not stored):
        if not refused:
            form.body.errors = [*form.body.errors, _("Please write something or attach a file.")]
        from ..evidence_store import discard

        discard(upload_folder(current_app.config), [s.stored_name for s in stored])
        return _render_tracking(complaint, add_form=form, refused=refused, status=422)
    _record_cardholder_event(complaint, "information_added", form.body.data, stored)
    complaint.updated_at = utcnow()
    db.session.commit()
    _remember(complaint)
    flash(_("Thank you. We have added this to your complaint."), "success")
    return redirect(url_for("intake.track"))


@bp.route("/track/answer", methods=["POST"])
@limiter.limit("30 per hour")
def track_answer():
    complaint = _tracked_or_redirect()
    if complaint is None:
        return redirect(url_for("intake.track"))
    form = AnswerForm()
    if complaint.status != "awaiting_cardholder":
        flash(_("There is no open question on this complaint right now. You can still add information below."), "info")
        return redirect(url_for("intake.track"))
    if not form.validate_on_submit():
        return _render_tracking(complaint, answer_form=form, status=422)
    stored, refused = _store_files(request.files.getlist("files"), len(complaint.attachments))
    if refused:
        from ..evidence_store import discard

        discard(upload_folder(current_app.config), [s.stored_name for s in stored])
        return _render_tracking(complaint, answer_form=form, refused=refused, status=422)
    now = utcnow()
    _record_cardholder_event(complaint, "cardholder_answered", form.answer.data, stored)
    resume_after_cardholder_reply(complaint, now)
    db.session.commit()
    _remember(complaint)
    flash(_("Thank you for your answer. Your complaint is being worked on again."), "success")
    return redirect(url_for("intake.track"))


@bp.route("/track/feedback", methods=["POST"])
@limiter.limit("30 per hour")
def track_feedback():
    complaint = _tracked_or_redirect()
    if complaint is None:
        return redirect(url_for("intake.track"))
    form = FeedbackForm()
    now = utcnow()
    if not _can_give_feedback(complaint, now):
        flash(_("You can tell us whether our response resolved things once we have responded."), "info")
        return redirect(url_for("intake.track"))
    if not form.validate_on_submit():
        return _render_tracking(complaint, feedback_form=form, status=422)
    resolved = form.resolved.data == "yes"
    comment, count = _masked(form.comment.data)
    previous = complaint.status
    complaint.feedback_resolved = resolved
    complaint.feedback_at = now
    complaint.redacted_count = (complaint.redacted_count or 0) + count
    if resolved:
        if previous == "responded":
            complaint.status = str(transition(previous, "closed"))
            complaint.closed_at = complaint.closed_at or now
        record_event(
            complaint, "feedback", actor_type="cardholder", public=True, body=comment,
            data={"resolved": True, "from": previous, "to": complaint.status},
        )
        message = _("Thank you for telling us. We are glad this is resolved.")
    elif _within_review_window(complaint, now):
        record_event(
            complaint, "feedback", actor_type="cardholder", public=True,
            data={"resolved": False},
        )
        try:
            reopen_on_dispute(complaint, comment or "", now)
        except CaseActionError as refusal:
            db.session.rollback()
            flash(str(refusal), "error")
            return redirect(url_for("intake.track"))
        message = _("Thank you for telling us. We have reopened your complaint and will review it again.")
    else:
        record_event(
            complaint, "feedback", actor_type="cardholder", public=True, body=comment,
            data={"resolved": False, "outside_review_window": True},
        )
        message = _(
            "Thank you for telling us. The time to ask for a review has passed, so the complaint stays closed; you can still take it to the regulator or an ombudsman."
        )
    refresh_deadlines(complaint, now)
    db.session.commit()
    _remember(complaint)
    flash(message, "success")
    return redirect(url_for("intake.track"))


# -- a request over MAX_CONTENT_LENGTH ---------------------------------------------


@bp.errorhandler(413)
def too_large(error):
    """Back to the page the cardholder was on, with what was saved, instead of an error page."""
    flash(
        _("What you sent was too large: each file may be at most 10 MB, and at most 5 files in all. Please choose smaller files and try again."),
        "error",
    )
    if request.endpoint == "intake.step":
        return redirect(url_for("intake.step", slug=(request.view_args or {}).get("slug", "what")), 303)
    if request.endpoint == "intake.review":
        return redirect(url_for("intake.review"), 303)
    return redirect(url_for("intake.track"), 303)


# -- helpers for templates -------------------------------------------------------


@bp.context_processor
def cardholder_labels():
    return {"status_label": status_label, "status_help": status_help, "event_label": event_label}



@bp.app_template_filter("as_date")
def as_date(value):
    if isinstance(value, date):
        return value.isoformat()
    return value or ""
