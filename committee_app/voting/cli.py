"""Commands of SPEC §3: ``election create|open|close|reopen|show``, ``ballots import``, ``tally``."""
from __future__ import annotations

import json
from datetime import date, datetime, timezone
from pathlib import Path

import click
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from .. import clock
from ..extensions import db
from ..registry.models import Compound
from . import law, operations
from .models import SUBJECTS, Vote
from .tally import tally

election_cli = AppGroup("election", help="Committee elections and motions.")
ballots_cli = AppGroup("ballots", help="Paper ballots.")


def _vote(vote_id: int) -> Vote:
    vote = db.session.get(Vote, vote_id)
    if vote is None:
        raise click.ClickException(f"no vote with id {vote_id}")
    return vote


def _moment(text: str | None, option: str) -> datetime | None:
    """An ISO date-time typed on the command line: with an offset as given, without one in the
    compound's time zone (Asia/Shanghai); returned as naive UTC."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise click.ClickException(f"{option}: not an ISO date-time: {text!r}") from None
    if moment.tzinfo is not None:
        return moment.astimezone(timezone.utc).replace(tzinfo=None)
    return clock.local_to_utc(moment)


def _local(moment: datetime | None) -> str | None:
    return clock.to_local(moment).isoformat() if moment else None


@election_cli.command("create")
@click.argument("code")
@click.option("--title", required=True)
@click.option("--seats", type=int, default=None, help="Seats of a committee election (vote for at most this many).")
@click.option("--by-election", is_flag=True, help="A by-election (补选) filling vacancies: any number of seats.")
@click.option("--candidate", "candidates", multiple=True, help="A candidate's name (repeat for each).")
@click.option("--motion", is_flag=True, help="A motion instead of an election.")
@click.option("--subject", default=None,
              help="What a motion decides (CC art 278 ¶1): " + ", ".join(s for s in SUBJECTS if s != "committee"))
@click.option("--matter", type=click.Choice(["ordinary", "special"]), default=None,
              help="Optional: must agree with the subject's matter (items 6-8 of CC art 278 are special).")
@click.option("--meeting-on", default=None, help="The general meeting's date (YYYY-MM-DD).")
@click.option("--opens", "opens", default=None, help="Planned start (ISO; local time unless an offset is given).")
@click.option("--closes", "closes", default=None, help="Announced end (ISO; local time unless an offset is given).")
def create(code: str, title: str, seats: int | None, by_election: bool, candidates: tuple[str, ...], motion: bool,
           subject: str | None, matter: str | None, meeting_on: str | None, opens: str | None,
           closes: str | None) -> None:
    """Create an election or a motion (draft) and print its id."""
    compound = db.session.scalar(select(Compound).where(Compound.code == code))
    if compound is None:
        raise click.ClickException(f"no compound with code {code!r}")
    try:
        meeting_date = date.fromisoformat(meeting_on) if meeting_on else None
    except ValueError:
        raise click.ClickException(f"--meeting-on: not a date: {meeting_on!r}") from None
    times = dict(meeting_on=meeting_date, opens_at=_moment(opens, "--opens"), closes_at=_moment(closes, "--closes"))
    try:
        if motion:
            if seats is not None or candidates or by_election:
                raise operations.VotingError("a motion has no seats or candidates")
            if not subject:
                raise operations.VotingError("a motion needs --subject (CC art 278 ¶1): "
                                             + ", ".join(s for s in SUBJECTS if s != "committee"))
            vote = operations.create_motion(compound, title=title, matter=matter, subject=subject, actor="cli",
                                            **times)
        else:
            if seats is None:
                raise operations.VotingError("an election needs --seats N")
            if subject not in (None, "committee"):
                raise operations.VotingError("an election's subject is electing the committee (CC art 278 ¶1 item 3); "
                                             "use --motion for other subjects")
            if matter not in (None, "ordinary"):
                raise operations.VotingError("electing committee members is an ordinary matter "
                                             "(CC art 278 ¶1 item 3, ¶2)")
            vote = operations.create_election(compound, title=title, seats=seats, candidates=list(candidates),
                                              is_by_election=by_election, actor="cli", **times)
    except operations.VotingError as error:
        db.session.rollback()
        raise click.ClickException(str(error))
    db.session.commit()
    click.echo(vote.id)


def _compound(vote: Vote) -> Compound:
    return db.session.get(Compound, vote.compound_id)


@election_cli.command("notice")
@click.argument("vote_id", type=int)
@click.option("--posted-on", default=None,
              help="The day the paper notice went up (YYYY-MM-DD, not in the future; default today).")
def notice_command(vote_id: int, posted_on: str | None) -> None:
    """Post the general meeting notice of a vote outside a procedure (PMR art 14: 15 days before)."""
    vote = _vote(vote_id)
    try:
        day = date.fromisoformat(posted_on) if posted_on else None
    except ValueError:
        raise click.ClickException(f"--posted-on: not a date: {posted_on!r}") from None
    try:
        notice = operations.post_meeting_notice(vote, _compound(vote), posted_on=day, actor="cli")
    except operations.VotingError as error:
        db.session.rollback()
        raise click.ClickException(str(error))
    db.session.commit()
    click.echo(f"meeting notice {notice.id} posted on {notice.posted_on}; the vote may open from "
               f"{law.earliest_vote_on(notice.posted_on, operations.compound_settings(_compound(vote)))}")


@election_cli.command("open")
@click.argument("vote_id", type=int)
@click.option("--at", "at", default=None, help="Planned start (ISO), when none was announced; not in the past.")
def open_command(vote_id: int, at: str | None) -> None:
    """Open a vote, through the same gates as the page (meeting notice period, PMR art 14)."""
    vote = _vote(vote_id)
    try:
        operations.open_vote(vote, _compound(vote), at=_moment(at, "--at"), actor="cli")
    except operations.VotingError as error:
        db.session.rollback()
        raise click.ClickException(str(error))
    db.session.commit()
    click.echo(f"vote {vote.id} open from {_local(vote.opens_at or vote.opened_at)}")


@election_cli.command("close")
@click.argument("vote_id", type=int)
@click.option("--reason", default=None, help="Required before the announced end; shown to the street office.")
def close_command(vote_id: int, reason: str | None) -> None:
    """Close a vote; before its announced end only with a reason."""
    vote = _vote(vote_id)
    try:
        operations.close_vote(vote, _compound(vote), reason=reason, actor="cli")
    except operations.VotingError as error:
        db.session.rollback()
        raise click.ClickException(str(error))
    db.session.commit()
    click.echo(f"vote {vote.id} closed at {_local(vote.closed_at)}")


@election_cli.command("reopen")
@click.argument("vote_id", type=int)
@click.option("--reason", required=True, help="Why the vote is reopened; shown to the street office.")
def reopen_command(vote_id: int, reason: str) -> None:
    """Reopen a closed, uncounted vote before its announced end, with a reason."""
    vote = _vote(vote_id)
    try:
        operations.reopen_vote(vote, _compound(vote), reason=reason, actor="cli")
    except operations.VotingError as error:
        db.session.rollback()
        raise click.ClickException(str(error))
    db.session.commit()
    click.echo(f"vote {vote.id} reopened")


def vote_summary(vote: Vote) -> dict:
    """``election show --json``: state, subject, matter (with why), times (local ISO)."""
    compound = _compound(vote)
    summary = {"election": vote.id, "compound": compound.code, "kind": vote.kind, "title": vote.title,
               "state": vote.state, "subject": vote.subject, "matter": vote.matter}
    try:
        summary["matter_basis"] = operations.motion_matter(compound, vote.subject).as_json()
    except operations.VotingError:
        pass
    if vote.kind == "election":
        summary.update(seats=vote.seats, by_election=vote.is_by_election,
                       candidates=[c.name for c in vote.candidates])
    summary.update({
        "meeting_on": vote.meeting_on.isoformat() if vote.meeting_on else None,
        "opens_at": _local(vote.opens_at), "closes_at": _local(vote.closes_at),
        "opened_at": _local(vote.opened_at), "closed_at": _local(vote.closed_at),
        "counted_at": _local(vote.counted_at), "close_reason": vote.close_reason,
        "reopened_at": _local(vote.reopened_at), "reopen_reason": vote.reopen_reason,
    })
    return summary


@election_cli.command("show")
@click.argument("vote_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def show_command(vote_id: int, as_json: bool) -> None:
    """A vote's state, subject, matter and times."""
    summary = vote_summary(_vote(vote_id))
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False))
        return
    for key, value in summary.items():
        if value not in (None, [], ""):
            click.echo(f"{key}: {value}" if not isinstance(value, dict) else f"{key}: {value.get('reason')}")


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
    """Count a vote by headcount and area (CC art 278). Refused while the vote is open (turnout
    only: the counts stay hidden until the close), and while paper ballots wait for their second
    entry or two entries disagree (they would be missing from the count)."""
    from .util import paper_status, results_hidden, turnout_view

    vote = _vote(vote_id)
    if results_hidden(vote):  # no one sees counts per candidate or choice before the close (issue 15)
        if vote.state == "draft":
            raise click.ClickException(f"cannot count vote {vote.id}: it has not opened yet")
        turnout = turnout_view(vote, db.session.get(Compound, vote.compound_id))
        part, roll = turnout["participation"], turnout["roll"]
        raise click.ClickException(
            f"cannot count vote {vote.id}: it is still open, and the counts per candidate or choice stay hidden "
            f"until it closes (`election close {vote.id}`). Turnout so far: {part['headcount']} of "
            f"{roll['headcount']} voters ({turnout['head']['share']}), {part['area']} of {roll['area']} m² "
            f"({turnout['area']['share']}); quorum {'met' if turnout['quorum_met'] else 'not met'}")
    status = paper_status(vote)
    if status.waiting or status.mismatched:
        raise click.ClickException(
            f"cannot count vote {vote.id}: {len(status.waiting)} paper ballot(s) entered by one counter only "
            f"(import them again with --counter 2) and {len(status.mismatched)} whose two entries disagree "
            "(resolve them on the vote's page)")
    result = tally(vote)
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
