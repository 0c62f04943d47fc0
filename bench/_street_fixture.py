"""A street at real size for benchmarks: 50 compounds of 2,000 households each (100,000
voters and units), each compound with a re-election procedure and a counted election with
its ballots (60 % turnout, 9 candidates, up to 7 marks), built with bulk inserts.

    .venv/bin/python bench/_street_fixture.py [--compounds 50] [--households 2000]

prints how long it took; ``build_street(...)`` is what benchmarks import.
BENCH_DATABASE_URL=postgresql://… builds it on PostgreSQL (schema recreated), else SQLite.
"""
from __future__ import annotations

import argparse
import hashlib
import random
import time
from datetime import date, datetime, timedelta
from decimal import Decimal

from _voting_fixture import make_app
from sqlalchemy import insert, select

from committee_app.extensions import db

FLATS_PER_BUILDING = 100
TURNOUT = 0.6


def _ids(model, compound_id: int) -> list[int]:
    return list(db.session.scalars(select(model.id).where(model.compound_id == compound_id).order_by(model.id)))


def build_street(compounds: int = 50, households: int = 2000, seed: int = 14) -> dict:
    """Build the street in the current app context; returns {"street": id, "compounds": [ids]}."""
    from committee_app.procedures import operations as procedures
    from committee_app.registry import operations as registry
    from committee_app.registry.models import Building, Compound, Owner, RollVersion, Unit, Voter
    from committee_app.voting.models import Ballot, BallotChoice, Candidate, Vote

    rng = random.Random(seed)
    street = registry.create_street("基准街道")
    communities = [registry.create_community(street, f"基准社区{n + 1}") for n in range(max(1, compounds // 10))]
    compound_ids = []
    closed = datetime(2026, 10, 20, 10, 0)
    for c in range(compounds):
        compound = registry.create_compound(f"S{c:03d}", f"基准小区{c + 1:02d}", communities[c % len(communities)])
        buildings = -(-households // FLATS_PER_BUILDING)
        db.session.execute(insert(Building), [{"compound_id": compound.id, "name": f"{b + 1}栋"}
                                              for b in range(buildings)])
        building_ids = _ids(Building, compound.id)
        areas = [Decimal(rng.randint(6000, 16000)) / 100 for _ in range(households)]
        db.session.execute(insert(Voter), [
            {"compound_id": compound.id, "key": f"U{n}", "kind": "owner", "display_name": f"业主{c}-{n}",
             "unit_count": 1, "area": areas[n], "parking_area": Decimal("0.00")} for n in range(households)])
        voter_ids = _ids(Voter, compound.id)
        db.session.execute(insert(Unit), [
            {"compound_id": compound.id, "building_id": building_ids[n // FLATS_PER_BUILDING],
             "number": f"{n % FLATS_PER_BUILDING // 4 + 1}-{n % 4 + 1:02d}",
             "sort_key": f"{n // FLATS_PER_BUILDING:04d}-{n % FLATS_PER_BUILDING:04d}", "area": areas[n],
             "is_sold": True, "is_parking": False, "voter_id": voter_ids[n]} for n in range(households)])
        db.session.execute(insert(Owner), [{"compound_id": compound.id, "voter_id": voter_ids[n],
                                            "name": f"业主{c}-{n}"} for n in range(households)])
        db.session.add(RollVersion(compound_id=compound.id, number=1, state="current", filename="roll.csv",
                                   sha256="0" * 64, units=households, voters=households,
                                   area=sum(areas, Decimal("0"))))
        procedures.start_procedure(db.session.get(Compound, compound.id), "reelection", on=date(2026, 9, 1),
                                   term_ends_on=date(2027, 3, 1))
        vote = Vote(compound_id=compound.id, kind="election", title="第三届业主委员会选举", seats=7,
                    state="closed", meeting_on=(closed - timedelta(days=7)).date(),
                    opened_at=closed - timedelta(days=7), closed_at=closed)
        db.session.add(vote)
        db.session.flush()
        db.session.execute(insert(Candidate), [{"vote_id": vote.id, "name": f"候选人{k + 1}", "position": k}
                                               for k in range(9)])
        candidate_ids = list(db.session.scalars(select(Candidate.id).where(Candidate.vote_id == vote.id)))
        voted = rng.sample(voter_ids, int(households * TURNOUT))
        db.session.execute(insert(Ballot), [
            {"vote_id": vote.id, "voter_id": voter_id, "channel": "online_code", "is_blank": False,
             "is_spoilt": False, "cast_at": closed - timedelta(minutes=rng.randint(1, 10000)), "is_audited": True,
             "receipt_hash": hashlib.sha256(f"{vote.id}-{voter_id}".encode()).hexdigest()} for voter_id in voted])
        ballot_ids = list(db.session.scalars(select(Ballot.id).where(Ballot.vote_id == vote.id)))
        db.session.execute(insert(BallotChoice), [
            {"ballot_id": ballot_id, "candidate_id": candidate_id} for ballot_id in ballot_ids
            for candidate_id in rng.sample(candidate_ids, rng.randint(1, 7))])
        compound_ids.append(compound.id)
    db.session.commit()
    return {"street": street.id, "compounds": compound_ids}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--compounds", type=int, default=50)
    parser.add_argument("--households", type=int, default=2000)
    args = parser.parse_args()
    app, url = make_app()
    with app.app_context():
        start = time.perf_counter()
        built = build_street(args.compounds, args.households)
        elapsed = time.perf_counter() - start
        from committee_app.voting.models import Ballot, BallotChoice

        ballots = db.session.scalar(select(db.func.count()).select_from(Ballot))
        marks = db.session.scalar(select(db.func.count()).select_from(BallotChoice))
    print(f"street of {len(built['compounds'])} compounds × {args.households} households on {url.split(':')[0]}: "
          f"{len(built['compounds']) * args.households} voters and units, {ballots} ballots, {marks} marks "
          f"in {elapsed:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
