"""Commands of SPEC §3: ``election create``, ``ballots import``, ``tally``."""
from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from ..extensions import db
from ..registry.models import Compound
from . import operations
from .models import SUBJECTS, Vote
from .tally import tally

election_cli = AppGroup("election", help="Committee elections and motions.")
ballots_cli = AppGroup("ballots", help="Paper ballots.")


def _vote(vote_id: int) -> Vote:
    vote = db.session.get(Vote, vote_id)
    if vote is None:
        raise click.ClickException(f"no vote with id {vote_id}")
    return vote


@election_cli.command("create")
@click.argument("code")
@click.option("--title", required=True)
@click.option("--seats", type=int, default=None, help="Seats of a committee election (vote for at most this many).")
@click.option("--candidate", "candidates", multiple=True, help="A candidate's name (repeat for each).")
@click.option("--motion", is_flag=True, help="A motion instead of an election.")
@click.option("--matter", type=click.Choice(["ordinary", "special"]), default="ordinary")
@click.option("--subject", type=click.Choice([s for s in SUBJECTS if s != "committee"]), default="other",
              help="What a motion decides.")
def create(code: str, title: str, seats: int | None, candidates: tuple[str, ...], motion: bool, matter: str,
           subject: str) -> None:
    """Create an election or a motion (draft) and print its id."""
    compound = db.session.scalar(select(Compound).where(Compound.code == code))
    if compound is None:
        raise click.ClickException(f"no compound with code {code!r}")
    try:
        if motion:
            if seats is not None or candidates:
                raise operations.VotingError("a motion has no seats or candidates")
            vote = operations.create_motion(compound, title=title, matter=matter, subject=subject, actor="cli")
        else:
            if seats is None:
                raise operations.VotingError("an election needs --seats N")
            if matter != "ordinary":
                raise operations.VotingError("electing committee members is an ordinary matter (CC art 278)")
            vote = operations.create_election(compound, title=title, seats=seats, candidates=list(candidates),
                                              actor="cli")
    except operations.VotingError as error:
        db.session.rollback()
        raise click.ClickException(str(error))
    db.session.commit()
    click.echo(vote.id)


@ballots_cli.command("import")
@click.argument("vote_id", type=int)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--counter", type=click.Choice(["1", "2"]), default=None,
              help="Which counter's entry this file is (default: the first entry not yet made for each voter).")
@click.option("--counter-name", default="", help="The counter's name.")
def import_ballots(vote_id: int, file: Path, counter: str | None, counter_name: str) -> None:
    """Import paper ballots (one row per returned ballot), all or nothing."""
    vote = _vote(vote_id)
    try:
        outcome = operations.import_paper_file(vote, file.name, file.read_bytes(),
                                               slot=int(counter) if counter else None,
                                               counter_name=counter_name, actor="cli")
    except operations.PaperRejected as rejected:
        db.session.rollback()
        for error in rejected.errors:
            click.echo(str(error), err=True)
        raise click.ClickException(str(rejected))
    except operations.VotingError as error:
        db.session.rollback()
        raise click.ClickException(str(error))
    db.session.commit()
    click.echo(f"imported {outcome['rows']} ballots: {outcome['matched']} matched the other entry and count, "
               f"{outcome['waiting']} wait for a second entry, {outcome['mismatch']} disagree")


@click.command("tally")
@with_appcontext
@click.argument("vote_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (SPEC §3).")
def tally_command(vote_id: int, as_json: bool) -> None:
    """Count a vote by headcount and area (CC art 278)."""
    result = tally(_vote(vote_id))
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
        return
    click.echo(f"roll: {result['roll']['headcount']} voters, {result['roll']['area']} m²")
    part = result["participation"]
    click.echo(f"participation: {part['headcount']} voters, {part['area']} m², quorum met: {part['quorum_met']}")
    for row in result.get("candidates", []):
        click.echo(f"  {row['name']}: {row['headcount']} / {row['area']} m² approved={row['approved']} "
                   f"elected={row['elected']}")
    for choice, votes in result.get("votes", {}).items():
        click.echo(f"  {choice}: {votes['headcount']} / {votes['area']} m²")
    click.echo(f"status: {result['status']}")


@ballots_cli.command("inspect")
@click.argument("vote_id", type=int)
@click.argument("building")
@click.argument("unit")
@click.option("--reason", required=True, help="Why this voter's ballot is read (a court's request, a complaint).")
@click.option("--by", "reader", required=True, help="Who reads it (recorded in the audit log).")
def inspect_ballot(vote_id: int, building: str, unit: str, reason: str, reader: str) -> None:
    """Print one voter's ballot (named by a unit) as JSON; every read is audited."""
    vote = _vote(vote_id)
    voter_id = operations.unit_voters(vote.compound_id).get((building.strip(), unit.strip()))
    try:
        if voter_id is None:
            raise operations.VotingError(f"no unit {building} {unit} in the roll")
        if not reader.strip():
            raise operations.VotingError("--by must name the reader")
        reading = operations.read_ballot(vote, voter_id, reason=reason, actor=f"cli:{reader.strip()}", via="cli")
    except operations.VotingError as error:
        db.session.rollback()
        raise click.ClickException(str(error))
    db.session.commit()
    reading.pop("channel_label", None)
    click.echo(json.dumps(reading, ensure_ascii=False, default=str))
