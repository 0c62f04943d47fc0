from pathlib import Path

import click
from flask.cli import AppGroup

from .operations import BackupError, create_backup, restore_backup

backup_cli = AppGroup("backup", help="Back up and restore the database and the instance keys.")


@backup_cli.command("create")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def create_command(file: Path) -> None:
    """Write every table (uploads included) and the keys to FILE (a zip; keep it safe: it holds the keys)."""
    try:
        summary = create_backup(file)
    except (BackupError, OSError) as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"backup written to {file}: {summary.rows} rows in {summary.tables} tables, "
               f"schema revision {summary.schema_revision}, keys: {', '.join(summary.keys)}")


@backup_cli.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="Delete every row of a non-empty database first.")
def restore_command(file: Path, replace: bool) -> None:
    """Load FILE into an empty database of the same schema revision and put its keys in place."""
    try:
        summary = restore_backup(file, replace=replace)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"restored {summary.rows} rows in {summary.tables} tables (schema revision "
               f"{summary.schema_revision}) and the keys; run `flask audit verify` to check the chain")
