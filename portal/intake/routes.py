"""The cardholder's side: the guided complaint form and tracking.

Views parse, call and render; each request commits once, in the view, and
e-mail goes out only after that commit.
"""
from __future__ import annotations

import hashlib
import hmac
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
from flask_babel import ngettext
from flask_limiter.util import get_remote_address
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.datastructures import MultiDict

from ..cases.actions import CaseActionError, reopen_on_dispute, resume_after_cardholder_reply
from ..cases.clock import deadline_items, format_due, refresh_deadlines
from ..domain import evidence_files
from ..domain.display_text import localise_mask_markers
from ..domain.deadlines import review_window_ends
from ..domain.profiles import load_profile, profile_ids
from ..domain.references import hash_access_code, new_access_code, normalise_reference, verify_access_code
from ..domain.status import transition
from ..evidence_store import EvidenceRefused, StoredEvidence, store_evidence, upload_folder
from ..extensions import db, limiter
from ..filing import ComplaintDraft, attach_evidence, file_complaint
from ..i18n import current_language
from ..mail import send_templated
from ..models import Complaint
from ..models.types import utcnow
from ..timeline import record_event
from . import copy as cardholder_copy
from . import drafts
from .error_summary import summary_lines
from .labels import event_label, status_help, status_label
from .pdf_copy import PdfFontMissing, Section, find_font, render_copy
from .forms import (
    AddInformationForm,
    AmountsForm,
    AnswerForm,
    DetailsForm,
    EvidenceForm,
    FeedbackForm,
    NewCodeForm,
    ReviewForm,
    TrackForm,
    WhatHappenedForm,
    WhoContactedForm,
    WishForm,
    region_wordings,
    residence_choices,
)

bp = Blueprint("intake", __name__)

TRACKING_KEY = "tracking"
TRACKING_SECONDS = 30 * 60
# The access code just issued, kept in the (signed) session cookie of the
# browser that filed, for as long as that browser may track the complaint
# anyway, so the confirmation page survives a reload.
FILED_KEY = "filed"
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


@bp.get("/favicon.ico")
def favicon():
    # Browsers and feed readers ask for /favicon.ico whatever the page links.
    return redirect(url_for("static", filename="img/favicon.svg"), code=301)


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
        saved = drafts.formdata(draft, step.form.fields_saved, shown=True)
        form = _make_form(step, saved)
        if step.slug == "details" and saved is None:
            _preselect_residence(form)
        if request.args.get("check") and draft is not None:
            _show_saved_errors(step, form, draft)  # sent back from the review: say what to fix
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
        masked = _make_form(step, _with_csrf(drafts.formdata(draft, step.form.fields_saved, shown=True)))
        valid = masked.validate()
        if _explain_masked_errors(masked, draft) or not valid:
            # Valid as typed, but not once a card or ID number in it is hidden
            # (a card number typed as a phone number), or a number in a
            # one-line answer (a name): say so on the field now, not as a
            # refusal at "Send".
            db.session.commit()
            return _render_step(step, masked, draft), 422
        db.session.commit()
        if step.slug == "amounts":
            for message in form.checks():
                flash(message, "info")
        if step.slug == "evidence" and request.form.get("action") != "continue":
            return redirect(url_for("intake.step", slug="evidence", return_to=request.form.get("return_to") or None))
        return _after_step(step)
    # Keep whatever was valid (accepted files) and show the errors by their
    # fields; a card or ID number typed in any field is not shown back.
    _hide_typed_numbers(form)
    db.session.commit()
    return _render_step(step, form, draft, refused=refused), 422


def _with_csrf(formdata: MultiDict | None) -> MultiDict:
    data = MultiDict(formdata or {})
    if "csrf_token" in request.form:
        data["csrf_token"] = request.form["csrf_token"]
    return data


_PHONE_FIELDS = ("contact_numbers", "phone")


def _one_line(field) -> bool:
    """A short answer (a name, a phone number) where a card or ID number is a
    slip to be typed again, not part of an account to keep masked."""
    return field.type == "StringField" or field.name in _PHONE_FIELDS


def _masked_message(field, still_there: bool = False) -> str:
    if field.name in _PHONE_FIELDS:
        if still_there:
            return _("We removed what looked like a card or ID number. Please check the phone numbers left here.")
        return _("We removed what looked like a card or ID number. Please type your phone number.")
    return _("We removed what looked like a card or ID number from this answer. Please enter it again without the number.")


def _hide_typed_numbers(form) -> None:
    """A step refused for other reasons shows what was typed again: never a
    card or ID number. One-line answers lose the number (with a message on
    the field); longer text shows it masked, as it will be stored."""
    for field in form:
        if field.type not in ("StringField", "TextAreaField") or not isinstance(field.data, str):
            continue
        masked = mask_sensitive(field.data)
        if not masked.count:
            continue
        if _one_line(field):
            field.data = drafts.without_masks(masked.text)
            field.errors = [_masked_message(field, bool(field.data))]
        else:
            field.data = localise_mask_markers(masked.text, current_language())


def _explain_masked_errors(form, draft=None) -> dict[str, str]:
    """A field refused only once a number in it was hidden, or a one-line
    answer that held a number: take the mask marker out of the field (and the
    draft), keep the rest, one clear error."""
    cleaned = {}
    for field in form:
        if not isinstance(field.data, str) or not drafts.holds_mask(field.data):
            continue
        if field.errors or _one_line(field):
            field.data = cleaned[field.name] = drafts.without_masks(field.data)
            field.errors = [_masked_message(field, bool(field.data))]
    if draft is not None and cleaned:
        drafts.save_values(draft, cleaned)
    return cleaned


def _show_saved_errors(step: Step, form, draft) -> None:
    """The errors of the saved answers, on the form shown (which keeps its own CSRF token)."""
    checker = _make_form(step, drafts.formdata(draft, step.form.fields_saved) or MultiDict(), csrf=False)
    if checker.validate():
        return
    cleaned = _explain_masked_errors(checker)
    for name in step.form.fields_saved:
        form[name].errors = list(checker[name].errors)
        if name in cleaned:
            form[name].data = cleaned[name]  # never refill a field with a mask marker
def _preselect_residence(form) -> None:
    """A visitor reading in Chinese most likely lives in mainland China: offer it first."""
    if current_language() == "zh_Hans" and "cn-nfra" in profile_ids():
        form.jurisdiction.data = "cn-nfra"


def _render_step(step: Step, form, draft, refused=()):
    return render_template(
        "intake/step.html",
        step=step,
        steps=STEPS,
        form=form,
        region_hint=form.word_region() if step.slug == "details" else None,
        region_wordings=region_wordings(profile_ids()) if step.slug == "details" else None,
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
    if _named_like_accepted_type(name):
        # "statement.pdf" that is really a program: the name is not the problem.
        return _(
            "“%(name)s” is named like a file we accept, but what is inside is not a real PDF, PNG or JPEG picture, or MP3, M4A or WAV recording. Please send the original file.",
            name=name,
        )
    return _(
        "“%(name)s” is not a file type we accept. Please send a PDF, a PNG or JPEG picture, or an MP3, M4A or WAV recording.",
        name=name,
    )


_ACCEPTED_SUFFIXES = (".pdf", ".png", ".jpg", ".jpeg", ".mp3", ".m4a", ".wav")


def _named_like_accepted_type(name: str) -> bool:
    return name.lower().endswith(_ACCEPTED_SUFFIXES)


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
        region=details.region.data or None,
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
            return redirect(url_for("intake.step", slug=incomplete[0].slug, return_to="review", check=1))
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
        # The confirmation is a page of its own, so a reload shows it again
        # (codes included, for a while) instead of asking to send the form twice.
        _remember(complaint)
        session[FILED_KEY] = {
            "complaint": complaint.id,
            "access_code": filed.access_code,
            "emailed": emailed,
            "until": time.time() + TRACKING_SECONDS,
        }
        return redirect(url_for("intake.confirmation"), 303)
    for step, details, _ok in checked:
        if step.slug == "details":
            details.word_region()
    return render_template(
        "intake/review.html",
        steps=STEPS,
        checked=checked,
        form=form,
        uploads=drafts.uploads_of(draft),
        residence=dict(residence_choices(profile_ids())),
    )


# -- tracking ------------------------------------------------------------------


def _address_and_reference_key() -> str:
    """Wrong codes count per (address, reference): a stranger who knows a
    reference uses up only their own attempts, never the owner's."""
    reference = normalise_reference(request.form.get("reference", "")) or "malformed"
    return f"track:{get_remote_address()}:{reference}"


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
    if (
        complaint is None
        or complaint.reference != proof.get("reference")
        or not hmac.compare_digest(str(proof.get("code", "")), _code_fingerprint(complaint))
    ):
        session.pop(TRACKING_KEY, None)  # e.g. a new access code was sent since
        return None
    return complaint


def _code_fingerprint(complaint: Complaint) -> str:
    """A short digest of the access code's stored hash: a new code changes it,
    so every tracking session opened with the old code ends."""
    stored = (complaint.access_code_hash or "").encode()
    return hashlib.sha256(b"tracking-proof:" + stored).hexdigest()[:24]


def _remember(complaint: Complaint) -> None:
    session[TRACKING_KEY] = {
        "complaint": complaint.id,
        "reference": complaint.reference,
        "code": _code_fingerprint(complaint),
        "until": time.time() + TRACKING_SECONDS,
    }


# Failed checks only. Per (address, reference): 5 per 15 minutes. Per address,
# over every reference: 20 per 15 minutes and 100 a day, so guessing stays
# slow from anywhere (an access code has 80 random bits). No limit is per
# reference alone: that one would let anyone lock the owner out.
@bp.route("/track", methods=["GET", "POST"])
@limiter.limit("20 per 15 minutes", methods=["POST"], deduct_when=_failed)
@limiter.limit("100 per day", methods=["POST"], deduct_when=_failed)
@limiter.limit("5 per 15 minutes", methods=["POST"], key_func=_address_and_reference_key, deduct_when=_failed)
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
        left = _attempts_left()
        if left is not None:
            form.form_errors.append(_attempts_left_message(left))
        form.access_code.data, form.access_code.raw_data = "", []  # never echoed back
        return render_template("intake/track.html", form=form), 401
    status = 422 if request.method == "POST" else 200
    return render_template("intake/track.html", form=form), status


def _attempts_left() -> int | None:
    """Wrong tries left on this connection after the one being answered (the
    tracking limits count a failure once the answer is sent), or None when
    no limit applies."""
    limits = limiter.current_limits if limiter.enabled else []
    if not limits:
        return None
    return max(0, min(limit.remaining for limit in limits) - 1)


def _attempts_left_message(left: int) -> str:
    if left == 0:
        return _("That was the last try for now: tracking from this connection pauses for a while. "
                 "If you have lost your access code, you can ask for a new one.")
    return ngettext("You can try %(num)d more time before tracking from this connection pauses for a while.",
                    "You can try %(num)d more times before tracking from this connection pauses for a while.",
                    left)


@bp.route("/track/leave", methods=["POST"])
def track_leave():
    ReviewForm().validate_on_submit() or abort(400)
    session.pop(TRACKING_KEY, None)
    session.pop(FILED_KEY, None)
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
            response=cardholder_copy.response_of(complaint),
            rows=cardholder_copy.submission_rows(complaint, files=False),
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
    """A public event with the cardholder's masked text and files (not committed).

    Appending changes no column an officer edits: the masked count and the
    update time are added in SQL, outside the complaint's version, so an
    officer's form open on the case still saves."""
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
    _count_masked(complaint, count + masked_names)


def _count_masked(complaint: Complaint, count: int) -> None:
    table = Complaint.__table__
    db.session.execute(
        table.update()
        .where(table.c.id == complaint.id)
        .values(redacted_count=table.c.redacted_count + count, updated_at=utcnow())
    )


# An officer's save between the cardholder's read and write makes the write
# stale (optimistic locking); the cardholder's action is then run again on
# the fresh complaint, here on the server. Officers save a case a few times
# an hour, so a second attempt nearly always goes through.
CARDHOLDER_SAVE_ATTEMPTS = 5


class _StillBusy(Exception):
    """Every attempt met a concurrent save; nothing was stored."""


def _save_for_cardholder(complaint_id: int, act):
    """``act(complaint)`` on a freshly read complaint, committed; run again
    after a concurrent officer's save. Returns what ``act`` returns."""
    for _attempt in range(CARDHOLDER_SAVE_ATTEMPTS):
        complaint = db.session.get(Complaint, complaint_id)
        try:
            outcome = act(complaint)
            db.session.commit()
            return complaint, outcome
        except StaleDataError:
            db.session.rollback()
    raise _StillBusy


def _busy(stored):
    """Nothing could be stored: the files go too (no orphans) and the cardholder is told."""
    from ..evidence_store import discard

    discard(upload_folder(current_app.config), [s.stored_name for s in stored])
    flash(_("We could not save this just now because your complaint was being updated. Nothing was saved; please send it again."), "error")
    return redirect(url_for("intake.track"))


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
    try:
        complaint, _nothing = _save_for_cardholder(
            complaint.id, lambda c: _record_cardholder_event(c, "information_added", form.body.data, stored)
        )
    except _StillBusy:
        return _busy(stored)
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

    def answer(complaint):
        # An officer may have moved the case on meanwhile: the answer is then
        # kept as added information rather than lost.
        if complaint.status != "awaiting_cardholder":
            _record_cardholder_event(complaint, "information_added", form.answer.data, stored)
            return False
        _record_cardholder_event(complaint, "cardholder_answered", form.answer.data, stored)
        resume_after_cardholder_reply(complaint, utcnow())
        return True

    try:
        complaint, answered = _save_for_cardholder(complaint.id, answer)
    except _StillBusy:
        return _busy(stored)
    _remember(complaint)
    if answered:
        flash(_("Thank you for your answer. Your complaint is being worked on again."), "success")
    else:
        flash(_("Thank you. We have added this to your complaint."), "success")
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
    try:
        complaint, message = _save_for_cardholder(
            complaint.id, lambda c: _record_feedback(c, form.resolved.data == "yes", form.comment.data)
        )
    except _StillBusy:
        return _busy([])
    except CaseActionError as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
        return redirect(url_for("intake.track"))
    _remember(complaint)
    flash(message, "success")
    return redirect(url_for("intake.track"))


def _record_feedback(complaint: Complaint, resolved: bool, text: str | None) -> str:
    """The cardholder's feedback on the response (not committed); the message to show."""
    now = utcnow()
    if not _can_give_feedback(complaint, now):  # given meanwhile, from another tab
        return _("Thank you. We already have your feedback on this response.")
    comment, count = _masked(text)
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
        reopen_on_dispute(complaint, comment or "", now)
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
    return message


# -- the confirmation, its printable page and PDF copy ------------------------------


def _just_filed(complaint: Complaint) -> dict | None:
    """What the filing browser keeps for a while: the access code and whether it was e-mailed."""
    filed = session.get(FILED_KEY)
    if not isinstance(filed, dict) or filed.get("complaint") != complaint.id or filed.get("until", 0) < time.time():
        session.pop(FILED_KEY, None)
        return None
    return filed


def _no_store(response):
    response = current_app.make_response(response)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/track/confirmation")
def confirmation():
    """The confirmation of a complaint, printable; needs the tracking proof of this browser."""
    complaint = _tracked_or_redirect()
    if complaint is None:
        return redirect(url_for("intake.track"))
    filed = _just_filed(complaint)
    return _no_store(
        render_template(
            "intake/filed.html",
            complaint=complaint,
            access_code=filed["access_code"] if filed else None,
            emailed=bool(filed and filed.get("emailed")),
            just_filed=filed is not None,
            rows=cardholder_copy.submission_rows(complaint),
            deadline_dates=cardholder_copy.deadline_dates(complaint),
            received=cardholder_copy.received_text(complaint),
            safety=cardholder_copy.safety_help_for(complaint),
        )
    )


@bp.route("/track/confirmation.pdf")
@limiter.limit("30 per hour")
def confirmation_pdf():
    complaint = _tracked_or_redirect()
    if complaint is None:
        return redirect(url_for("intake.track"))
    filed = _just_filed(complaint)
    language = current_language()
    try:
        document = render_copy(**_copy_parts(complaint, filed), font=find_font(current_app.config.get("PDF_FONT")),
                               language=language)
    except PdfFontMissing:
        current_app.logger.warning("no font for the PDF copy of %s (REDRESS_PDF_FONT)", complaint.reference)
        flash(
            _("We cannot make a PDF copy in your language on this server just now. Please use “Print this page” instead: it has the same content."),
            "error",
        )
        return redirect(url_for("intake.confirmation"))
    response = current_app.response_class(document, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="redress-{complaint.reference}.pdf"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _copy_parts(complaint: Complaint, filed: dict | None) -> dict:
    codes = [(_("Your reference"), complaint.reference)]
    if filed:
        codes.append((_("Your access code"), filed["access_code"]))
    codes.append((_("Received on"), cardholder_copy.received_text(complaint)))
    sections = [Section(_("Your complaint"), codes)]
    deadlines = cardholder_copy.deadline_dates(complaint)
    if deadlines:
        sections.append(Section(_("Time limits"), [(d.label, d.due) for d in deadlines]))
    response = cardholder_copy.response_of(complaint)
    if response:
        rows = [(_("Outcome"), response.outcome)] if response.outcome else []
        if response.relief:
            rows.append((_("Relief"), response.relief))
        if response.text:
            rows.append((_("Response"), response.text))
        sections.append(Section(_("Our response"), rows))
    sections.append(Section(_("What you sent us"), [(r.label, r.value) for r in cardholder_copy.submission_rows(complaint)]))
    safety = cardholder_copy.safety_help_for(complaint)
    if safety:
        sections.append(Section(_("If you are in danger or thinking of harming yourself"),
                                [(line.name, line.number) for line in safety.lines]))
    intro = [_("Keep this copy safe. You need your reference and access code to follow your complaint at %(url)s.",
               url=url_for("intake.track", _external=True))]
    if complaint.redacted_count:
        intro.append(_("Card and ID numbers are hidden in this copy, as in what we keep."))
    return {
        "title": _("Your complaint %(reference)s", reference=complaint.reference),
        "intro": intro,
        "sections": sections,
        "footer": _("Redress. We will never ask you for your full card number or a password."),
    }


# -- a new access code, to the e-mail address on file --------------------------------


def _new_code_reference_key() -> str:
    reference = normalise_reference(request.form.get("reference", ""))
    return f"new-code:{reference or 'malformed:' + get_remote_address()}"


@bp.route("/track/new-code", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
@limiter.limit("3 per day", methods=["POST"], key_func=_new_code_reference_key)
def new_code():
    """Send a new access code to the e-mail on file; the old one stops working.

    The answer is the same whether or not the reference exists or the
    address matches, so the page tells nobody which complaints exist.
    """
    form = NewCodeForm()
    if not form.validate_on_submit():
        return render_template("intake/new_code.html", form=form), 422 if request.method == "POST" else 200
    reference = normalise_reference(form.reference.data)
    complaint = (
        db.session.scalar(sa.select(Complaint).where(Complaint.reference == reference)) if reference else None
    )
    if complaint is not None and _same_address(complaint.email, form.email.data):
        code = new_access_code()
        complaint.access_code_hash = hash_access_code(code)
        record_event(complaint, "access_code_reissued", actor_type="cardholder", public=True)
        db.session.commit()
        filed = session.get(FILED_KEY)
        if isinstance(filed, dict) and filed.get("complaint") == complaint.id:
            session.pop(FILED_KEY, None)  # the code kept there no longer works
        send_templated(
            complaint.email,
            "new_access_code",
            complaint.language or current_language(),
            complaint=complaint,
            access_code=code,
            track_url=url_for("intake.track", _external=True),
        )
    else:
        hash_access_code(new_access_code())  # the same work either way
    flash(
        _("If a complaint with that reference has this e-mail address, we have sent a new access code to it. The old access code no longer works. The e-mail can take a few minutes to arrive."),
        "info",
    )
    return redirect(url_for("intake.track"), 303)


def _same_address(on_file: str | None, typed: str | None) -> bool:
    import hmac

    if not on_file or not typed:
        return False
    return hmac.compare_digest(on_file.strip().casefold().encode(), typed.strip().casefold().encode())


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
    return {
        "status_label": status_label,
        "status_help": status_help,
        "event_label": event_label,
        "error_summary_lines": lambda forms: summary_lines(forms, current_language()),
        "shown": cardholder_copy.shown,
        "money": cardholder_copy.money,
        "long_date": cardholder_copy.long_date,
        "currency_label": cardholder_copy.currency_label,
    }



@bp.app_template_filter("as_date")
def as_date(value):
    if isinstance(value, date):
        return value.isoformat()
    return value or ""
