"""Pages that stay fast (issue 14 item 5): each page runs a fixed number of SQL statements,
whatever the size of the street, and no more than it does today.

Each page is requested as the role that uses it, once in the small test world and once after
the street has grown (more compounds, voters, ballots, steps' documents, notices); the counts
must be equal, and stay under the recorded bound so that a regression fails.
"""
from __future__ import annotations

import hashlib
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import event, insert, select

from committee_app.extensions import db
from committee_app.nominations import operations as nominations
from committee_app.notices.operations import post_notice
from committee_app.procedures import operations as procedures
from committee_app.procedures.models import Procedure
from committee_app.registry import operations as registry
from committee_app.registry.models import Community, Compound, Owner, Voter
from committee_app.voting.models import Ballot, BallotChoice, Candidate, Vote


@pytest.fixture
def today(frozen_clock):
    frozen_clock(datetime(2026, 12, 1, 2, 0))  # 2026-12-01 10:00 in Shanghai
    return date(2026, 12, 1)


@contextmanager
def count_statements(app):
    """Collect the SQL statements run inside the block."""
    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


def statements_for(app, client, url: str) -> tuple[list[str], str]:
    client.get(url)  # warm the per-process caches (rule sets, settings, checks) and the data cache
    with count_statements(app) as statements:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return statements, response.get_data(as_text=True)


def start_reelection(app, compound_id: int, today: date) -> int:
    with app.app_context():
        compound = db.session.get(Compound, compound_id)
        procedure = procedures.start_procedure(compound, "reelection", on=today - timedelta(days=30),
                                               term_ends_on=today + timedelta(days=120),
                                               meeting_on=today + timedelta(days=40))
        procedures.complete_step(procedure.steps[0], on=today - timedelta(days=29))
        post_notice(compound, kind="committee_decision", title="换届决定", posted_on=today - timedelta(days=3))
        nominations.open_list(compound, seats=5, on=today - timedelta(days=10))
        nominate(compound, db.session.scalars(select(Owner.id).where(Owner.compound_id == compound.id)).first())
        db.session.commit()
        return procedure.id


def nominate(compound, owner_id: int) -> None:
    nominations.nominate(compound, channel="self", owner_id=owner_id, statement="愿意为业主服务")


def grow_the_street(app, world, today: date, *, compounds: int = 12, voters: int = 300, notices: int = 15) -> None:
    """More of everything: compounds with procedures and notices in the community, and in
    compound A more voters, a closed election with its ballots, notices and step documents."""
    with app.app_context():
        community = db.session.get(Community, world.community)
        for n in range(compounds):
            compound = registry.create_compound(f"G{n:03d}", f"增长小区{n:03d}", community)
            db.session.flush()
            procedure = procedures.start_procedure(compound, "reelection", on=today - timedelta(days=30),
                                                   term_ends_on=today + timedelta(days=120),
                                                   meeting_on=today + timedelta(days=40 + n))
            procedures.complete_step(procedure.steps[0], on=today - timedelta(days=29))
            post_notice(compound, kind="committee_decision", title=f"决定{n}", posted_on=today - timedelta(days=2))

        a = db.session.get(Compound, world.a)
        db.session.execute(insert(Voter), [
            {"compound_id": a.id, "key": f"BULK{n}", "kind": "owner", "display_name": f"业主{n}",
             "unit_count": 1, "area": Decimal("88.00"), "parking_area": Decimal("0.00")} for n in range(voters)])
        voter_ids = list(db.session.scalars(select(Voter.id).where(Voter.compound_id == a.id)))
        bulk = list(db.session.scalars(select(Voter.id).where(Voter.compound_id == a.id, Voter.key.like("BULK%"))))
        db.session.execute(insert(Owner), [{"compound_id": a.id, "voter_id": v, "name": f"业主{v}"} for v in bulk[:12]])
        for owner_id in db.session.scalars(select(Owner.id).where(Owner.voter_id.in_(bulk[:12]))):
            nominate(a, owner_id)
        closed = datetime(2026, 11, 20, 10, 0)
        vote = Vote(compound_id=a.id, kind="election", title="第三届业主委员会选举", seats=5, state="closed",
                    meeting_on=(closed - timedelta(days=7)).date(), opened_at=closed - timedelta(days=7),
                    closed_at=closed)
        db.session.add(vote)
        db.session.flush()
        db.session.execute(insert(Candidate), [{"vote_id": vote.id, "name": f"候选人{k}", "position": k}
                                               for k in range(7)])
        candidate_ids = list(db.session.scalars(select(Candidate.id).where(Candidate.vote_id == vote.id)))
        db.session.execute(insert(Ballot), [
            {"vote_id": vote.id, "voter_id": voter_id, "channel": "online_code", "is_blank": False,
             "is_spoilt": False, "cast_at": closed - timedelta(minutes=n + 1), "is_audited": True,
             "receipt_hash": hashlib.sha256(f"{vote.id}-{voter_id}".encode()).hexdigest()}
            for n, voter_id in enumerate(voter_ids[::2])])
        ballot_ids = list(db.session.scalars(select(Ballot.id).where(Ballot.vote_id == vote.id)))
        db.session.execute(insert(BallotChoice), [{"ballot_id": b, "candidate_id": c}
                                                  for b in ballot_ids for c in candidate_ids[:3]])
        for n in range(notices):
            post_notice(a, kind="committee_decision", title=f"甲小区公告{n}", posted_on=today - timedelta(days=n % 9))
        procedure = db.session.scalar(select(Procedure).where(Procedure.compound_id == a.id,
                                                              Procedure.status == "active"))
        for step in procedure.steps[:4]:
            for n in range(3):
                procedures.add_document(step, f"{n}.pdf", b"%PDF-1.4 x", audit=False)
        db.session.commit()


# page name -> (role, url template, bound on the statements when the data cache answers, bound
# when the page is computed (cache off, or the data just changed), text the grown page shows)
PAGES = {
    "owner's compound page": ("owner", "/compounds/A", 3, 14, "甲小区"),  # +1 computed: the latest election result
    "organiser's compound page": ("organiser", "/compounds/A", 3, 27, "甲小区"),  # +1 computed: the election result
    "timeline": ("organiser", "/compounds/A/procedures/{procedure_id}", 7, 7, "2.pdf"),
    "oversight board": ("officer", "/oversight/", 3, 14, "增长小区011"),  # +1 computed: the finding handlings
    "mentor's board": ("mentor", "/workshop/", 2, 17, "增长小区011"),
    "public notice board": (None, "/board/A", 1, 4, "甲小区公告14"),  # +1 computed: the votes it links
}


@pytest.mark.parametrize("cache", ["kept", "computed"])
@pytest.mark.parametrize("page", list(PAGES))
def test_a_page_runs_the_same_statements_in_a_small_and_a_grown_street(app, client, world, login_as, today, page,
                                                                       cache):
    role, template, kept_bound, computed_bound, grown_text = PAGES[page]
    app.extensions["datacache"]["enabled"] = cache == "kept"
    bound = kept_bound if cache == "kept" else computed_bound
    procedure_id = start_reelection(app, world.a, today)
    start_reelection(app, world.b, today)
    if role:
        login_as(role)
    url = template.format(procedure_id=procedure_id)
    few, _ = statements_for(app, client, url)
    grow_the_street(app, world, today)
    many, html = statements_for(app, client, url)
    assert grown_text in html, (page, grown_text)
    print(f"{page} ({cache}): {len(few)} statements small, {len(many)} grown")
    assert len(many) == len(few), (page, len(few), len(many))
    assert len(many) <= bound, (page, len(many), bound)
