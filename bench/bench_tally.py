"""Benchmark the count against SPEC §5: tally of a 20,000-voter election ≤ 0.2 s,
with aggregate SQL (not a Python loop over ballots).

    .venv/bin/python bench/bench_tally.py                       # SQLite (temporary file)
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/h_vote .venv/bin/python bench/bench_tally.py

Builds 20,000 voters, an election for 5 seats among 9 candidates and 16,000 ballots
(≈ 3 marks each, some blank and spoilt), then times ``tally()`` (median of 7 runs).
"""
from __future__ import annotations

import random
import statistics
import time

from _voting_fixture import big_compound, make_app
from sqlalchemy import insert, select

from committee_app.extensions import db

VOTERS = 20_000
BALLOTS = 16_000
BAR = 0.2


def main() -> int:
    from committee_app.voting import operations
    from committee_app.voting.models import Ballot, BallotChoice, Candidate
    from committee_app.voting.tally import tally

    app, url = make_app()
    rng = random.Random(7)
    with app.app_context():
        started = time.perf_counter()
        compound, voter_ids = big_compound(VOTERS)
        vote = operations.create_election(compound, title="基准选举", seats=5,
                                          candidates=[f"候选人{n}" for n in range(1, 10)], actor="bench")
        operations.open_vote(vote, compound, enforce_gate=False, actor="bench")
        candidates = list(db.session.scalars(select(Candidate.id).where(Candidate.vote_id == vote.id)))
        voters = rng.sample(voter_ids, BALLOTS)
        rows = []
        for n, voter_id in enumerate(voters):
            rows.append({"vote_id": vote.id, "voter_id": voter_id, "channel": "online_code",
                         "choice": None, "is_blank": n % 50 == 1, "is_spoilt": n % 97 == 0,
                         "receipt_hash": f"{n:064x}"})
        db.session.execute(insert(Ballot), rows)
        ballot_ids = list(db.session.scalars(select(Ballot.id).where(Ballot.vote_id == vote.id).order_by(Ballot.id)))
        choices = []
        weights = [0.9, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.15, 0.1]
        for n, ballot_id in enumerate(ballot_ids):
            if n % 50 == 1 or n % 97 == 0:
                continue
            picked = [c for c, w in zip(candidates, weights) if rng.random() < w][:5]
            choices.extend({"ballot_id": ballot_id, "candidate_id": c} for c in picked)
        db.session.execute(insert(BallotChoice), choices)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(db.text("ANALYZE"))
            db.session.commit()
        print(f"database: {db.engine.dialect.name}; built {VOTERS} voters, {len(ballot_ids)} ballots, "
              f"{len(choices)} marks in {time.perf_counter() - started:.1f} s")
        timings = []
        for _ in range(7):
            db.session.expire_all()
            start = time.perf_counter()
            result = tally(vote)
            timings.append(time.perf_counter() - start)
        median = statistics.median(timings)
        print(f"tally: median {median * 1000:.1f} ms, best {min(timings) * 1000:.1f} ms, "
              f"worst {max(timings) * 1000:.1f} ms (bar ≤ {BAR * 1000:.0f} ms)")
        print(f"result: status {result['status']}, participation {result['participation']}, "
              f"elected {[c['name'] for c in result['candidates'] if c['elected']]}")
        ok = median <= BAR
        print("PASS" if ok else "FAIL")
        return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
