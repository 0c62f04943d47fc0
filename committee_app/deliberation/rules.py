"""Rules of procedure and participation points, read from rules.yaml beside this file.

Plain values in, plain values out: no Flask, no database.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from ..rules.thresholds import committee_motion_passes, committee_quorum

DATA = Path(__file__).resolve().parent / "rules.yaml"

FOR, AGAINST = "for", "against"
SIDES = (FOR, AGAINST)


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    text: str
    citation: str


@dataclass(frozen=True)
class RulesOfProcedure:
    key: str
    title: str
    source: str
    is_unconfirmed: bool
    steps: tuple[Step, ...]
    needs_second: bool
    speech_seconds: int
    turns_per_motion: int
    alternate_sides: bool
    max_amendment_depth: int


@dataclass(frozen=True)
class Body:
    key: str
    title: str
    rules: RulesOfProcedure
    quorum: str  # more_than_half_of_members | none
    majority: str  # more_than_half_of_all_members | more_for_than_against
    citation: str
    is_unconfirmed: bool


@dataclass(frozen=True)
class PointKind:
    key: str
    title: str
    points: int


@cache
def _data() -> dict:
    return yaml.safe_load(DATA.read_text(encoding="utf-8"))


@cache
def rules_of_procedure(key: str) -> RulesOfProcedure:
    raw = _data()["rules_of_procedure"][key]
    return RulesOfProcedure(
        key=key, title=raw["title"], source=raw["source"], is_unconfirmed=bool(raw.get("unconfirmed")),
        steps=tuple(Step(s["key"], s["title"], s["text"], s["citation"]) for s in raw["steps"]),
        needs_second=bool(raw["needs_second"]), speech_seconds=int(raw["speech_seconds"]),
        turns_per_motion=int(raw["turns_per_motion"]), alternate_sides=bool(raw["alternate_sides"]),
        max_amendment_depth=int(raw["max_amendment_depth"]))


@cache
def bodies() -> dict[str, Body]:
    return {key: Body(key, raw["title"], rules_of_procedure(raw["rules"]), raw["quorum"], raw["majority"],
                      raw["citation"], bool(raw.get("unconfirmed")))
            for key, raw in _data()["bodies"].items()}


def body(key: str) -> Body:
    return bodies()[key]


@cache
def default_points() -> dict[str, PointKind]:
    return {key: PointKind(key, raw["title"], int(raw["points"])) for key, raw in _data()["points"].items()}


# --- speaking -------------------------------------------------------------------------

def floor_refusal(rules: RulesOfProcedure, *, speaker: str, side: str, turns_taken: int) -> str | None:
    """Why ``speaker`` may not take the floor on this motion, or None (NT 6: turn limit)."""
    if side not in SIDES:
        return "side"
    if turns_taken >= rules.turns_per_motion:
        return "turns"
    return None


def next_speaker(queue: Iterable[tuple[int, str]], last_side: str | None, rules: RulesOfProcedure) -> int | None:
    """The id of the next request for the floor: the first in the queue, except that when
    sides alternate (NT 4) the first of the side opposite to the last speaker goes first."""
    queue = list(queue)
    if not queue:
        return None
    if rules.alternate_sides and last_side in SIDES:
        opposite = AGAINST if last_side == FOR else FOR
        for request_id, side in queue:
            if side == opposite:
                return request_id
    return queue[0][0]


def is_over_time(seconds: int, rules: RulesOfProcedure) -> bool:
    """A speech longer than the limit (NT 6); exactly the limit is within it."""
    return seconds > rules.speech_seconds


def may_amend(parent_depth: int, rules: RulesOfProcedure) -> bool:
    """May a motion at ``parent_depth`` (0 = main motion) be amended?"""
    return parent_depth < rules.max_amendment_depth


# --- deciding -------------------------------------------------------------------------

@dataclass(frozen=True)
class Outcome:
    members: int
    present: int
    votes_for: int
    votes_against: int
    votes_abstain: int
    quorum_met: bool
    passed: bool
    citation: str

    @property
    def state(self) -> str:
        if not self.quorum_met:
            return "no_quorum"
        return "passed" if self.passed else "failed"


def decide(body: Body, *, members: int, present: int, votes_for: int, votes_against: int,
           votes_abstain: int) -> Outcome:
    """The outcome of a show of hands of the members present, by the body's rules."""
    if min(members, present, votes_for, votes_against, votes_abstain) < 0:
        raise ValueError("negative count")
    if present > members:
        raise ValueError("more present than members")
    if votes_for + votes_against + votes_abstain > present:
        raise ValueError("more votes than members present")
    quorum_met = True if body.quorum == "none" else committee_quorum(present, members)
    if body.majority == "more_than_half_of_all_members":
        passes = committee_motion_passes(votes_for, members)
    else:  # more_for_than_against: a tie fails, abstentions are not counted (NT 11-12)
        passes = votes_for > votes_against
    return Outcome(members, present, votes_for, votes_against, votes_abstain, quorum_met,
                   quorum_met and passes, body.citation)
