"""``flask jobs worker`` runs the queue's consumer; ``flask jobs tick`` runs the periodic hooks once."""
from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import AppGroup

jobs_cli = AppGroup("jobs", help="The background job queue.")


@jobs_cli.command("worker")
@click.option("--workers", "-w", default=2, show_default=True, help="Jobs run at the same time.")
@click.option("--threads", is_flag=True, help="Threads instead of processes (processes render PDFs in parallel).")
@click.option("--no-periodic", is_flag=True,
              help="Do not run the periodic hooks (when a systemd timer runs `flask jobs tick`).")
def worker(workers: int, threads: bool, no_periodic: bool) -> None:
    """Run the worker until stopped (SIGINT/SIGTERM finish the running jobs first)."""
    from .queue import queue

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("weasyprint").setLevel(logging.WARNING)  # not a line per page laid out
    app_logger = logging.getLogger(current_app.import_name)  # Flask's logger has its own handler: once, not twice
    app_logger.setLevel(logging.INFO)
    app_logger.propagate = False
    jobs_queue = queue(current_app)
    click.echo(f"jobs worker: {workers} {'threads' if threads else 'processes'} on {jobs_queue.url}")
    consumer = jobs_queue.huey.create_consumer(workers=workers, worker_type="thread" if threads else "process",
                                               periodic=not no_periodic, initial_delay=0.1, max_delay=1.0,
                                               backoff=1.15, check_worker_health=True)
    consumer.run()


@jobs_cli.command("tick")
def tick() -> None:
    """Run the periodic hooks once (notifications), for a systemd timer or cron."""
    from .runner import run_periodic

    run_periodic()
    click.echo("periodic hooks done")
