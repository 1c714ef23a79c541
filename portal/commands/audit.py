"""`flask audit` commands: run a profile's conduct rules, export findings (SPEC section 8)."""
from __future__ import annotations

import json

import click
from flask.cli import AppGroup

audit_cli = AppGroup("audit", help="Conduct audits of the stored contact logs.")


def _check_profile(profile_id: str) -> str:
    from ..domain.profiles import ProfileError, load_profile

    try:
        return load_profile(profile_id).id
    except ProfileError as error:
        raise click.ClickException(str(error)) from None


@audit_cli.command("run")
@click.option("--profile", "profile_id", required=True, help="Jurisdiction profile id, e.g. us-cfpb.")
@click.option("--own-logs", is_flag=True, default=False,
              help="Only the logs of the profile's jurisdiction (the log's jurisdiction, else its import's, "
                   "else the profile whose zones hold consumer_tz); without it, every log.")
def run_command(profile_id: str, own_logs: bool) -> None:
    """Run the profile's conduct rules (and LANG-ABUSE) over every stored log,
    or with --own-logs over the profile's own logs only.

    Replaces the profile's findings in one transaction and prints one JSON
    object: the profile, the logs checked, the findings per rule and the total.
    """
    from ..contacts.auditing import run_audit
    from ..domain.conduct import LANG_ABUSE
    from ..extensions import db

    profile_id = _check_profile(profile_id)
    try:
        run = run_audit(profile_id, own_logs=own_logs)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    if LANG_ABUSE not in run.counts:
        click.echo(
            "warning: LANG-ABUSE not checked: the classifier's phrase scanner "
            "(classifiers.scan_conduct_language) is not installed",
            err=True,
        )
    click.echo(
        json.dumps(
            {
                "profile": run.profile,
                "scope": run.scope,
                "logs_checked": run.logs_checked,
                "counts": run.counts,
                "total": sum(run.counts.values()),
            },
            ensure_ascii=False,
        )
    )


@audit_cli.command("export")
@click.option("--profile", "profile_id", required=True, help="Jurisdiction profile id, e.g. us-cfpb.")
def export_command(profile_id: str) -> None:
    """Print the profile's findings, one JSON object a line: rule_id, source,
    external_id (the offending log), account_ref, agency, agent_id, related.

    LANG-ABUSE (abusive or threatening language in the notes) is checked in
    every profile's run and stored with it, so it is exported with each
    profile that has been run.
    """
    from ..contacts.auditing import export_findings

    profile_id = _check_profile(profile_id)
    for finding in export_findings(profile_id):
        click.echo(json.dumps(finding, ensure_ascii=False))
