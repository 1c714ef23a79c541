"""``flask --app portal jobs work``: works off the job queue (imports and audits started from the web)."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

jobs_cli = AppGroup("jobs", help="Background jobs: contact-log imports and audits started from the web.")


@jobs_cli.command("work")
@click.option("--burst", is_flag=True, help="Work off the jobs waiting now, then stop.")
def work(burst: bool) -> None:
    """Run jobs from the RQ queue at JOB_QUEUE_URL (or REDIS_URL), one at a time, in this process."""
    from rq import SimpleWorker

    from ..contacts.background import job_queue

    queue = job_queue(current_app)
    if queue is None:
        raise click.UsageError("No job queue is configured: set REDIS_URL (or JOB_QUEUE_URL) to a Redis server. "
                               "Without one, jobs run in a thread of the web process.")
    # One process per worker, jobs in it (no fork per job): each job opens its
    # own app context and database session, like a web request. Run several
    # workers for several jobs at once.
    worker = SimpleWorker([queue], connection=queue.connection)
    worker.work(burst=burst, with_scheduler=False)
