"""``flask notify run``: compute due reminders and send the outbox (cron / systemd timer)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

notify = AppGroup("notify", help="Reminders and notifications.")


@notify.command("run")
def run() -> None:
    """Create the notifications due now and send waiting e-mails and texts, once."""
    from .runner import run_once

    report = run_once()
    click.echo(report.line())
    if report.failed:
        raise SystemExit(1)
