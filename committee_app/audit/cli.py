import click
from flask.cli import AppGroup

from ..extensions import db
from .chain import parse_anchor
from .operations import anchor, pending_drains, rotate_key, verify_chain

audit_cli = AppGroup("audit", help="The audit log.")


@audit_cli.command("verify")
@click.option("--against-notice", "against", metavar="HEAD_HASH:COUNT",
              help="Also check the chain against the head hash and entry count printed on a notice.")
def verify_command(against: str | None) -> None:
    """Exit 0 when the chain is intact, every ballot matches its entry and none waits to be
    appended; else name the first broken entry or the records that differ."""
    expected = None
    if against:
        try:
            expected = parse_anchor(against)
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="--against-notice") from None
    report = verify_chain(against=expected)
    if report.first_bad_seq is not None:
        click.echo(f"audit chain broken at entry #{report.first_bad_seq}: {report.reason}", err=True)
        raise SystemExit(1)
    for problem in report.problems:
        click.echo(f"audit check failed: {problem}", err=True)
    if report.pending:
        shown = ", ".join(report.pending[:20]) + (f" and {len(report.pending) - 20} more" if len(report.pending) > 20 else "")
        click.echo(f"audit chain incomplete: {len(report.pending)} entries wait to be appended: {shown} "
                   "(run `flask audit append-pending`)", err=True)
    if not report.is_intact:
        raise SystemExit(1)
    note = f" ({report.unkeyed_entries} written before the chain was keyed)" if report.unkeyed_entries else ""
    matched = f"; matches the notice {expected[0][:16]}…:{expected[1]}" if expected else ""
    click.echo(f"audit chain intact: {report.entries} entries{note}, head {report.head_hash}{matched}")


@audit_cli.command("anchor")
def anchor_command() -> None:
    """Print the chain's head hash and entry count (HEAD_HASH:COUNT), as notices print it."""
    click.echo(anchor().text)


@audit_cli.command("rotate-key")
def rotate_key_command() -> None:
    """Start signing the chain with a new key; the old keys stay in the key file."""
    entry = rotate_key(actor="system")
    db.session.commit()
    click.echo(f"audit key rotated: new key {entry.key_id} from entry #{entry.seq}; keep every line of the key file")


@audit_cli.command("append-pending")
def append_pending_command() -> None:
    """Append the entries still waiting (online ballots are appended in batches)."""
    total = 0
    for drain in pending_drains():
        while True:
            appended = drain()
            db.session.commit()
            if not appended:
                break
            total += appended
    click.echo(f"appended {total} pending audit entries")
