"""/staff/alerts and /staff/reports: supervisors only (portal.access)."""
from __future__ import annotations

from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..access import requires
from ..extensions import db
from ..i18n import viewer_timezone
from ..models import SystemicAlert
from ..models.types import utcnow
from . import alerts as alert_service
from .forms import AcknowledgeAlertForm, ReportForm, RunAlertsForm
from .reports import ReportError, build_report, report_csv, report_xlsx

bp = Blueprint("oversight", __name__)

ALERTS_SHOWN = 200


@bp.route("/alerts")
@requires("alerts.view")
def alerts():
    rows = db.session.scalars(
        sa.select(SystemicAlert)
        .order_by(SystemicAlert.acknowledged_at.is_not(None), SystemicAlert.week_start.desc(),
                  SystemicAlert.score.desc())
        .limit(ALERTS_SHOWN)
    ).all()
    findings = {a.id: len(alert_service.corroborating_findings(a)) for a in rows}
    return render_template("oversight/alerts.html", alerts=rows, findings=findings, form=AcknowledgeAlertForm(),
                           run_form=RunAlertsForm(), weeks=alert_service.DEFAULT_WEEKS)


@bp.post("/alerts/run")
@requires("alerts.run")
def run_alerts():
    """The check ``flask alerts run`` makes, over the latest weeks of every profile."""
    form = RunAlertsForm()
    if not form.validate_on_submit():
        flash(_("The form expired; please try again."), "error")
        return redirect(url_for("oversight.alerts"))
    try:
        results = alert_service.run_alerts(weeks=alert_service.DEFAULT_WEEKS)
    except ValueError:  # a bad [alerts] table in a profile file
        db.session.rollback()
        flash(_("The check could not run: a jurisdiction profile's alert settings are not valid. "
                "An administrator can see the details with the command line."), "error")
        return redirect(url_for("oversight.alerts"))
    db.session.commit()
    weeks = alert_service.DEFAULT_WEEKS
    if results:
        flash(ngettext("Checked the last %(weeks)d weeks: %(num)d alert (new ones are marked New below).",
                       "Checked the last %(weeks)d weeks: %(num)d alerts (new ones are marked New below).",
                       len(results), weeks=weeks), "success")
    else:
        flash(_("Checked the last %(weeks)d weeks: no agency and category was far above its usual level.",
                weeks=weeks), "success")
    return redirect(url_for("oversight.alerts"))


@bp.route("/alerts/<int:alert_id>")
@requires("alerts.view")
def alert(alert_id: int):
    row = db.get_or_404(SystemicAlert, alert_id)
    return render_template("oversight/alert.html", alert=row,
                           complaints=alert_service.alert_complaints(row),
                           findings=alert_service.corroborating_findings(row),
                           settings=alert_service.settings_for(row.jurisdiction),
                           form=AcknowledgeAlertForm())


@bp.post("/alerts/<int:alert_id>/acknowledge")
@requires("alerts.acknowledge")
def acknowledge_alert(alert_id: int):
    row = db.get_or_404(SystemicAlert, alert_id)
    form = AcknowledgeAlertForm()
    if not form.validate_on_submit():
        flash(_("The form expired; please try again."), "error")
    elif alert_service.acknowledge(row, current_user):
        db.session.commit()
        flash(_("Alert acknowledged."), "success")
    else:
        flash(_("This alert was already acknowledged."), "info")
    return redirect(url_for("oversight.alert", alert_id=row.id))


@bp.route("/reports")
@requires("reports.export")
def reports():
    form = ReportForm(request.args)
    if not request.args.get("profile"):  # the first visit: suggest the last full month, in the viewer's zone
        form.prefill_last_full_month(utcnow().astimezone(ZoneInfo(viewer_timezone())).date())
        return render_template("oversight/reports.html", form=form)
    if not form.validate():
        return render_template("oversight/reports.html", form=form), 422
    try:
        report = build_report(form.profile.data, form.date_from.data, form.date_to.data, utcnow())
    except ReportError as error:
        abort(422, description=str(error))
    if form.format.data == "xlsx":
        response = Response(report_xlsx(report),
                            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        name = report.filename_stem + ".xlsx"
    else:
        response = Response("".join(report_csv(report)), mimetype="text/csv; charset=utf-8")
        name = report.filename_stem + ".csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response
