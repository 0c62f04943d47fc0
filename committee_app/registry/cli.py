import json
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from ..extensions import db
from . import operations
from .models import Community, Compound

compound_cli = AppGroup("compound", help="Compounds.")
roll_cli = AppGroup("roll", help="The owner roll.")


def _compound(code: str) -> Compound:
    compound = db.session.scalar(select(Compound).where(Compound.code == code))
    if compound is None:
        raise click.ClickException(f"no compound with code {code!r}")
    return compound


@compound_cli.command("create")
@click.argument("code")
@click.option("--name", required=True, help="The compound's name, e.g. 中铁一期.")
@click.option("--community", "community_name", default=None, help="Name of an existing community.")
def create_compound(code: str, name: str, community_name: str | None) -> None:
    """Create a compound."""
    community = None
    if community_name:
        community = db.session.scalar(select(Community).where(Community.name == community_name))
        if community is None:
            raise click.ClickException(f"no community named {community_name!r}")
    try:
        compound = operations.create_compound(code, name, community)
    except operations.RegistryError as error:
        db.session.rollback()
        raise click.ClickException(str(error))
    db.session.commit()
    click.echo(f"created compound {compound.code} ({compound.name})")


@roll_cli.command("import")
@click.argument("code")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_roll(code: str, file: Path) -> None:
    """Import a roll file (.csv UTF-8/UTF-8-BOM/GBK or .xlsx), all or nothing."""
    compound = _compound(code)
    try:
        roll_import = operations.import_roll(compound, file.name, file.read_bytes(), imported_by="cli")
    except operations.RollRejected as rejected:
        db.session.rollback()
        for error in rejected.errors:
            click.echo(str(error), err=True)
        raise click.ClickException(str(rejected))
    except operations.RegistryError as error:
        db.session.rollback()
        raise click.ClickException(str(error))
    db.session.commit()
    click.echo(f"imported {roll_import.units} units, {roll_import.voters} voters, area {roll_import.area:.2f} m²")


@roll_cli.command("summary")
@click.argument("code")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def summary(code: str, as_json: bool) -> None:
    """Units, voters, headcount and area of a compound's roll."""
    compound = _compound(code)
    result = operations.roll_summary(compound).as_json(compound.code)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
    else:
        for key, value in result.items():
            click.echo(f"{key}: {value}")
