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


def _echo_diff(result: dict, out) -> None:
    """The difference and the warnings of a version (``result`` as printed by --json), as lines."""
    diff = result["diff"] or {}
    before = diff.get("before")
    if before:
        out(f"against version {before['number']}: {before['voters']} -> {result['voters']} voters, "
            f"{before['units']} -> {result['units']} units, {before['area']} -> {result['area']} m²")
    labels = {"joins": "joins", "leaves": "leaves", "area_changes": "area changes", "owner_changes": "owner changes"}
    for key, label in labels.items():
        part = diff.get(key) or {"count": 0, "items": []}
        out(f"{label}: {part['count']}")
        for item in part["items"][:LISTED]:
            if key == "area_changes":
                out(f"  {item['name']} ({item['units']}): {item['area_before']} -> {item['area']} m²")
            elif key == "owner_changes":
                out(f"  {item['units']}: {item['name_before']} -> {item['name']}")
            else:
                out(f"  {item['name'] or item['key']} ({item['units']}): {item['area']} m²")
        if part["count"] > LISTED:
            out(f"  … and {part['count'] - LISTED} more")
    warnings = result["warnings"] or {}
    for item in warnings.get("items", []):
        out(f"warning: {item['zh']}")
    if warnings.get("count", 0) > len(warnings.get("items", [])):
        out(f"warning: … and {warnings['count'] - len(warnings['items'])} more")


LISTED = 200


@roll_cli.command("import")
@click.argument("code")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and print the difference; change nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the version, its difference and warnings as JSON.")
def import_roll(code: str, file: Path, dry_run: bool, as_json: bool) -> None:
    """Import a roll file (.csv UTF-8/UTF-8-BOM/GBK or .xlsx), all or nothing.

    The file becomes the next version of the roll at once (a script has confirmed by running
    the command); the difference from the current version (joins, leaves, area and owner
    changes) and the warnings are printed. --dry-run prints them and changes nothing.
    Refused while a vote is open.
    """
    compound = _compound(code)
    try:
        if dry_run:
            version = operations.preview_roll(compound, file.name, file.read_bytes(), uploaded_by="cli")
        else:
            version = operations.import_roll(compound, file.name, file.read_bytes(), imported_by="cli")
    except operations.RollRejected as rejected:
        db.session.rollback()
        for error in rejected.errors:
            click.echo(str(error), err=True)
        if rejected.more:
            click.echo(f"… and {rejected.more} more", err=True)
        raise click.ClickException(str(rejected))
    except operations.RegistryError as error:
        db.session.rollback()
        raise click.ClickException(str(error))
    result = {"compound": compound.code, "roll_version": version.number, "dry_run": dry_run,
              "units": version.units, "voters": version.voters, "area": f"{version.area:.2f}",
              "sha256": version.sha256, "diff": version.diff, "warnings": version.warnings}
    if dry_run:
        db.session.rollback()  # nothing is kept, not even the pending upload
    else:
        db.session.commit()
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
        return
    _echo_diff(result, click.echo)
    if dry_run:
        click.echo(f"dry run: {result['units']} units, {result['voters']} voters, area {result['area']} m²; "
                   "nothing was imported")
    else:
        click.echo(f"imported version {result['roll_version']}: {result['units']} units, {result['voters']} voters, "
                   f"area {result['area']} m²")


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


@roll_cli.command("versions")
@click.argument("code")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list, the newest version first.")
def versions(code: str, as_json: bool) -> None:
    """The confirmed versions of a compound's roll: number, when, by whom, file, SHA-256, counts."""
    from .. import clock
    from .util import versions_of

    rows = [{"roll_version": v.number, "state": v.state,
             "confirmed_at": clock.to_local(v.confirmed_at).isoformat(timespec="minutes") if v.confirmed_at else None,
             "confirmed_by": v.confirmed_by_name, "file": v.filename, "sha256": v.sha256,
             "units": v.units, "voters": v.voters, "area": f"{v.area:.2f}"}
            for v in versions_of(_compound(code), limit=1000)]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    for row in rows:
        click.echo(f"version {row['roll_version']} ({row['state']}): {row['confirmed_at']} by {row['confirmed_by']}, "
                   f"{row['file']}, {row['voters']} voters, {row['units']} units, {row['area']} m²")
