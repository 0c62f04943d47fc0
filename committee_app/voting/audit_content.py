"""A ballot's content hash: what its audit entry seals and ``audit verify`` recomputes.

The hash covers everything the count reads from a ballot (whose it is, for the area;
its marks; spoilt or blank) and its receipt hash, in canonical JSON. Flipping a
ballot's choices in the database then no longer matches its entry, and the entry
cannot be re-signed without the audit key.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlalchemy import select

from ..audit.chain import content_hash
from ..extensions import db
from .models import Ballot, BallotChoice

_COLUMNS = (Ballot.id, Ballot.vote_id, Ballot.voter_id, Ballot.channel, Ballot.choice, Ballot.is_blank,
            Ballot.is_spoilt, Ballot.receipt_hash, Ballot.is_audited)


def ballot_content(*, vote_id: int, voter_id: int, channel: str, choice: str | None, is_blank: bool,
                   is_spoilt: bool, receipt_hash: str, candidate_ids: Iterable[int]) -> dict:
    return {"vote": int(vote_id), "voter": int(voter_id), "channel": channel, "choice": choice,
            "blank": bool(is_blank), "spoilt": bool(is_spoilt), "receipt_hash": receipt_hash,
            "candidates": sorted(int(c) for c in candidate_ids)}


def _rows(ballot_ids: list[int] | None) -> Iterator[tuple]:
    ballots = select(*_COLUMNS).order_by(Ballot.id)
    marks = select(BallotChoice.ballot_id, BallotChoice.candidate_id)
    if ballot_ids is not None:
        ballots = ballots.where(Ballot.id.in_(ballot_ids))
        marks = marks.where(BallotChoice.ballot_id.in_(ballot_ids))
    chosen: dict[int, list[int]] = {}
    for ballot_id, candidate_id in db.session.execute(marks):
        chosen.setdefault(ballot_id, []).append(candidate_id)
    for row in db.session.execute(ballots):
        yield row, chosen.get(row.id, [])


def _digest(row, candidate_ids) -> str:
    return content_hash(ballot_content(vote_id=row.vote_id, voter_id=row.voter_id, channel=row.channel,
                                       choice=row.choice, is_blank=row.is_blank, is_spoilt=row.is_spoilt,
                                       receipt_hash=row.receipt_hash, candidate_ids=candidate_ids))


def ballot_digests(ballot_ids: list[int]) -> dict[int, str]:
    """{ballot id: content hash} for the entries about to be written (one query each for
    ballots and marks)."""
    if not ballot_ids:
        return {}
    return {row.id: _digest(row, marks) for row, marks in _rows(list(ballot_ids))}


def verify_source() -> Iterator[tuple[int, str | None]]:
    """Every ballot with its recomputed hash, or None while its entry is pending."""
    for row, marks in _rows(None):
        yield row.id, (_digest(row, marks) if row.is_audited else None)


def drain_pending() -> int:
    from .operations import drain_ballot_audit

    return drain_ballot_audit(wait=True)
