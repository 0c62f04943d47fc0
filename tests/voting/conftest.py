"""Fixtures for voting: votes in compound A of the shared world and a helper to cast."""
from __future__ import annotations

import pytest

from committee_app.extensions import db
from committee_app.registry.models import Compound, Voter


def voter_id(compound_id: int, name: str) -> int:
    """A voter of the SMALL_ROLL by display name: 张三 (two flats, 180.50), 李四、王芳 (co-owned, 90.00),
    赵喆 (95.25), the developer (two unsold flats, 230.00), 钱堃 (a parking space, 12.00)."""
    if name == "developer":
        return db.session.scalar(db.select(Voter.id).where(Voter.compound_id == compound_id, Voter.kind == "developer"))
    return db.session.scalar(db.select(Voter.id).where(Voter.compound_id == compound_id,
                                                       Voter.display_name.contains(name)))


@pytest.fixture
def election(app, world):
    """``election(seats=2, candidates=[...], open=True)`` → vote id in compound A. The small roll's
    elections fill one to three vacancies: by-elections (补选), whose seats need not be 5-11 and odd."""
    from committee_app.voting import operations

    def make(seats=2, candidates=("甲", "乙", "丙"), open=True, title="第二届业委会选举"):
        with app.app_context():
            compound = db.session.get(Compound, world.a)
            vote = operations.create_election(compound, title=title, seats=seats, candidates=list(candidates),
                                              is_by_election=seats not in (5, 7, 9, 11))
            if open:
                operations.open_vote(vote, compound, enforce_gate=False)
            db.session.commit()
            return vote.id
    return make


@pytest.fixture
def motion(app, world):
    from committee_app.voting import operations

    def make(matter="ordinary", open=True, title="使用维修资金", subject=None):
        """A motion; its subject follows ``matter`` (using or raising maintenance funds, CC art 278 items 5-6)."""
        subject = subject or ("maintenance_funds_raise" if matter == "special" else "maintenance_funds_use")
        with app.app_context():
            compound = db.session.get(Compound, world.a)
            vote = operations.create_motion(compound, title=title, subject=subject)
            if open:
                operations.open_vote(vote, compound, enforce_gate=False)
            db.session.commit()
            return vote.id
    return make


def cast(vote_id: int, name_or_id, *, candidates=(), choice=None, compound_id=None):
    """Cast an online (account) ballot for a voter directly through the operation."""
    from committee_app.voting import operations
    from committee_app.voting.models import Candidate, Vote

    vote = db.session.get(Vote, vote_id)
    vid = name_or_id if isinstance(name_or_id, int) else voter_id(vote.compound_id, name_or_id)
    ids = [db.session.scalar(db.select(Candidate.id).where(Candidate.vote_id == vote_id, Candidate.name == n))
           for n in candidates]
    selection = operations.check_selection(vote, ids, choice)
    return operations.cast_online(vote, vid, selection)


def close(app, vote_id: int) -> None:
    """Close an open vote (its counts are hidden until then, for every role and the CLI)."""
    from committee_app.voting import operations
    from committee_app.voting.models import Vote

    with app.app_context():
        vote = db.session.get(Vote, vote_id)
        operations.close_vote(vote, db.session.get(Compound, vote.compound_id))
        db.session.commit()
