import click
from flask.cli import AppGroup

from .operations import verify_chain

audit_cli = AppGroup("audit", help="The audit log.")


@audit_cli.command("verify")
def verify_command() -> None:
    """Exit 0 when the hash chain is intact, else name the first broken entry."""
    report = verify_chain()
    if report.is_intact:
        click.echo(f"audit chain intact: {report.entries} entries")
        return
    click.echo(f"audit chain broken at entry #{report.first_bad_seq}: {report.reason}", err=True)
    raise SystemExit(1)
