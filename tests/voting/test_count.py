"""The count over the database: voter weights (multi-unit buyer, co-owners, developer
stock, parking), the aggregate SQL, and `tally ID --json` printing exactly SPEC §3."""
import json
from decimal import Decimal

from committee_app.extensions import db
from committee_app.registry.models import Compound, Voter
from committee_app.voting.models import Vote
from committee_app.voting.tally import tally

from .conftest import cast, close

ROLL_AREA = Decimal("607.75")  # 180.50 + 90.00 + 95.25 + 230.00 + 12.00


def test_a_multi_unit_buyer_counts_once_with_all_their_area(app, world, motion):
    vote_id = motion()
    with app.app_context():
        cast(vote_id, "张三", choice="for")
        db.session.commit()
        result = tally(db.session.get(Vote, vote_id))
    assert result["roll"] == {"headcount": 5, "area": f"{ROLL_AREA}"}
    assert result["participation"]["headcount"] == 1 and result["participation"]["area"] == "180.50"
    assert result["votes"]["for"] == {"headcount": 1, "area": "180.50"}


def test_developer_stock_and_co_owners_each_count_as_one(app, world, motion):
    vote_id = motion()
    with app.app_context():
        cast(vote_id, "developer", choice="against")
        cast(vote_id, "李四", choice="for")
        db.session.commit()
        result = tally(db.session.get(Vote, vote_id))
    assert result["votes"]["against"] == {"headcount": 1, "area": "230.00"}
    assert result["votes"]["for"] == {"headcount": 1, "area": "90.00"}


def test_parking_area_counts_unless_the_compound_says_otherwise(app, world, motion):
    vote_id = motion()
    with app.app_context():
        cast(vote_id, "钱堃", choice="for")
        db.session.commit()
        assert tally(db.session.get(Vote, vote_id))["votes"]["for"]["area"] == "12.00"
        compound = db.session.get(Compound, world.a)
        compound.setting_overrides = {"parking_area_counts": False}
        db.session.commit()
        result = tally(db.session.get(Vote, vote_id))
    assert result["votes"]["for"] == {"headcount": 1, "area": "0.00"}
    assert result["roll"]["area"] == f"{ROLL_AREA - Decimal('12.00')}"


def test_quorum_is_met_on_both_counts_through_the_database(app, world, motion):
    vote_id = motion()
    with app.app_context():
        # 4 of 5 voters (≥ 2/3) but 张三 and the developer stay away: 197.25 of 607.75 m² (< 2/3)
        for name in ("李四", "赵喆", "钱堃"):
            cast(vote_id, name, choice="for")
        db.session.commit()
        result = tally(db.session.get(Vote, vote_id))
        assert result["participation"]["headcount"] == 3 and result["participation"]["quorum_met"] is False
        cast(vote_id, "developer", choice="for")
        db.session.commit()
        result = tally(db.session.get(Vote, vote_id))
    # 4 of 5 heads, 427.25 of 607.75 m² = 70.3 % → met
    assert result["participation"] == {"headcount": 4, "area": "427.25", "quorum_met": True}
    assert result["passed"] is True


def test_an_election_counts_each_candidate_by_headcount_and_area(app, world, election):
    vote_id = election(seats=2)
    with app.app_context():
        cast(vote_id, "张三", candidates=["甲", "乙"])
        cast(vote_id, "developer", candidates=["甲"])
        cast(vote_id, "李四", candidates=["乙", "丙"])
        cast(vote_id, "赵喆", candidates=[])
        db.session.commit()
        result = tally(db.session.get(Vote, vote_id))
    rows = {row["name"]: row for row in result["candidates"]}
    assert rows["甲"]["headcount"] == 2 and rows["甲"]["area"] == "410.50"
    assert rows["乙"]["headcount"] == 2 and rows["乙"]["area"] == "270.50"
    assert rows["丙"] == {"name": "丙", "headcount": 1, "area": "90.00", "approved": False, "elected": False}
    # participating: 4 heads, 595.75 m²; 甲 2/4 heads is exactly half → not approved
    assert result["participation"] == {"headcount": 4, "area": "595.75", "quorum_met": True}
    assert result["status"] == "seats_unfilled" and not any(r["elected"] for r in result["candidates"])


def test_the_tally_uses_aggregate_queries_not_one_query_per_ballot(app, world, election):
    from sqlalchemy import event

    vote_id = election(seats=2)
    with app.app_context():
        for name in ("张三", "李四", "赵喆", "钱堃", "developer"):
            cast(vote_id, name, candidates=["甲"])
        db.session.commit()
        vote = db.session.get(Vote, vote_id)
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            tally(vote)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) <= 4, selects
    assert any("GROUP BY" in s.upper() and "sum(" in s.lower() for s in selects)


def test_tally_json_prints_exactly_the_spec_shape_for_an_election(app, runner, world, election):
    vote_id = election(seats=1, candidates=("甲", "乙"))
    with app.app_context():
        for name in ("张三", "李四", "赵喆", "developer"):
            cast(vote_id, name, candidates=["甲"])
        db.session.commit()
    close(app, vote_id)
    result = runner.invoke(args=["tally", str(vote_id), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert list(data) == ["election", "kind", "matter", "roll", "participation", "spoilt", "candidates", "status",
                          "basis", "roll_version", "subject", "matter_basis"]
    assert data["subject"] == "committee" and data["matter_basis"]["item"] == 3
    assert data["election"] == vote_id and data["kind"] == "election" and data["matter"] == "ordinary"
    assert data["roll"] == {"headcount": 5, "area": "607.75"}
    assert data["participation"] == {"headcount": 4, "area": "595.75", "quorum_met": True}
    assert data["spoilt"] == {"headcount": 0, "area": "0.00"}
    assert data["candidates"][0] == {"name": "甲", "headcount": 4, "area": "595.75", "approved": True, "elected": True}
    assert set(data["candidates"][1]) == {"name", "headcount", "area", "approved", "elected"}
    assert data["status"] == "decided" and "CC art 278" in data["basis"]


def test_tally_json_for_a_motion(app, runner, world, motion):
    vote_id = motion(matter="special")
    with app.app_context():
        cast(vote_id, "张三", choice="for")
        cast(vote_id, "developer", choice="for")
        cast(vote_id, "李四", choice="abstain")
        cast(vote_id, "赵喆", choice="for")
        db.session.commit()
    close(app, vote_id)
    data = json.loads(runner.invoke(args=["tally", str(vote_id), "--json"]).output)
    assert list(data) == ["election", "kind", "matter", "roll", "participation", "spoilt", "votes", "passed",
                          "status", "basis", "roll_version", "subject", "matter_basis"]
    assert data["subject"] == "maintenance_funds_raise" and data["matter_basis"]["item"] == 6
    assert "四分之三以上" in data["matter_basis"]["reason"] and "CC art 278" in data["matter_basis"]["citations"]
    assert data["votes"] == {"for": {"headcount": 3, "area": "505.75"}, "against": {"headcount": 0, "area": "0.00"},
                             "abstain": {"headcount": 1, "area": "90.00"}}
    assert data["passed"] is True and data["status"] == "decided"  # 3/4 heads exactly, 505.75/595.75 m²


def test_tally_of_an_unknown_vote_fails_cleanly(runner, world):
    result = runner.invoke(args=["tally", "999", "--json"])
    assert result.exit_code != 0 and "no vote" in result.output


def test_election_create_prints_the_id(app, runner, world):
    result = runner.invoke(args=["election", "create", "A", "--title", "补选", "--seats", "2", "--by-election",
                                 "--candidate", "甲", "--candidate", "乙"])
    assert result.exit_code == 0, result.output
    vote_id = int(result.output.strip())
    result = runner.invoke(args=["election", "create", "A", "--title", "筹集维修资金", "--motion",
                                 "--subject", "maintenance_funds_raise"])
    assert result.exit_code == 0, result.output
    motion_id = int(result.output.strip())
    with app.app_context():
        vote = db.session.get(Vote, vote_id)
        assert vote.kind == "election" and vote.seats == 2 and [c.name for c in vote.candidates] == ["甲", "乙"]
        assert vote.is_by_election
        assert db.session.get(Vote, motion_id).matter == "special"  # derived from the subject


def test_election_create_refuses_bad_input_and_writes_nothing(app, runner, world):
    for args in (["election", "create", "NOPE", "--title", "x", "--seats", "1"],
                 ["election", "create", "A", "--title", "x"],
                 ["election", "create", "A", "--title", "x", "--seats", "0"],
                 ["election", "create", "A", "--title", "x", "--seats", "2", "--candidate", "甲", "--candidate", "甲"],
                 ["election", "create", "A", "--title", "x", "--motion", "--seats", "2"],
                 ["election", "create", "A", "--title", "x", "--seats", "6", "--candidate", "甲"],
                 ["election", "create", "A", "--title", "x", "--motion"],
                 ["election", "create", "A", "--title", "x", "--motion", "--subject", "rebuilding",
                  "--matter", "ordinary"]):
        result = runner.invoke(args=args)
        assert result.exit_code != 0, args
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Vote.id))) == 0


def _equal_compound(app, world, flats=6):
    from committee_app.registry import operations as registry
    from tests.conftest import roll_csv

    rows = [f"1栋,1-{100 + n},100.00,业主{n},,已售,," for n in range(1, flats + 1)]
    compound = registry.create_compound("T", "丁小区", db.session.get(Compound, world.a).community)
    registry.import_roll(compound, "roll.csv", roll_csv(rows))
    return compound


def test_a_tie_across_the_last_seat_through_the_database(app, world):
    from committee_app.voting import operations

    with app.app_context():
        compound = _equal_compound(app, world)
        vote = operations.create_election(compound, title="选举", seats=2, candidates=["甲", "乙", "丙"],
                                              is_by_election=True)
        operations.open_vote(vote, compound, enforce_gate=False)
        ids = {c.name: c.id for c in vote.candidates}
        voters = [v.id for v in db.session.scalars(db.select(Voter).where(Voter.compound_id == compound.id)
                                                   .order_by(Voter.id))]
        pairs = [("甲", "乙"), ("甲", "乙"), ("甲", "丙"), ("甲", "丙"), ("乙", "丙"), ("乙", "丙")]
        for voter, pair in zip(voters, pairs):
            operations.cast_online(vote, voter, operations.Selection(tuple(sorted(ids[n] for n in pair))))
        db.session.commit()
        result = tally(vote)
    assert result["status"] == "tie"
    assert all(row["approved"] and not row["elected"] for row in result["candidates"])
    assert {row["headcount"] for row in result["candidates"]} == {4}


def test_unfilled_seats_through_the_database(app, world, election):
    vote_id = election(seats=3, candidates=("甲", "乙", "丙"))
    with app.app_context():
        cast(vote_id, "张三", candidates=["甲", "乙"])
        cast(vote_id, "developer", candidates=["甲"])
        cast(vote_id, "李四", candidates=["甲", "丙"])
        cast(vote_id, "赵喆", candidates=["丙"])
        db.session.commit()
        result = tally(db.session.get(Vote, vote_id))
    assert result["status"] == "seats_unfilled"
    assert [row["name"] for row in result["candidates"] if row["elected"]] == ["甲"]


def test_spoilt_paper_ballots_participate_but_never_approve(app, world, motion):
    from committee_app.voting import operations

    vote_id = motion()
    with app.app_context():
        vote = db.session.get(Vote, vote_id)
        from .conftest import voter_id
        for slot, counter in ((1, "甲"), (2, "乙")):
            operations.enter_paper(vote, voter_id(world.a, "developer"), slot=slot, selection=operations.Selection(),
                                   is_spoilt=True, counter_name=counter)
        for name in ("张三", "李四", "赵喆"):
            cast(vote_id, name, choice="for")
        db.session.commit()
        result = tally(vote)
        # 4 of 5 participate (595.75 m²); for: 3 heads, 365.75 m² = 61.4 % of the area → passes
        assert result["participation"] == {"headcount": 4, "area": "595.75", "quorum_met": True}
        assert result["spoilt"] == {"headcount": 1, "area": "230.00"} and result["passed"] is True
        compound = db.session.get(Compound, world.a)
        compound.setting_overrides = {"participating_ballots": "exclude_spoilt"}
        db.session.commit()
        result = tally(vote)
    # without the developer's spoilt ballot: 3 of 5 heads (< 2/3) → no quorum
    assert result["participation"] == {"headcount": 3, "area": "365.75", "quorum_met": False}
    assert result["status"] == "quorum_not_met"


def test_tally_refuses_while_owners_vote_and_shows_turnout_only(app, runner, world, election, motion):
    """Issue 15: no one sees counts per candidate or choice before the close, the command line included."""
    vote_id, motion_id, draft_id = election(seats=1, candidates=("甲", "乙")), motion(), motion(open=False)
    with app.app_context():
        for name in ("张三", "李四"):
            cast(vote_id, name, candidates=["甲"])
            cast(motion_id, name, choice="for")
        db.session.commit()
    for vid in (vote_id, motion_id):
        for args in (["tally", str(vid), "--json"], ["tally", str(vid)]):
            result = runner.invoke(args=args)
            assert result.exit_code != 0
            assert f"cannot count vote {vid}: it is still open" in result.output
            # turnout by headcount and by area only: 张三 180.50 + 李四、王芳 90.00 of 607.75 m²
            assert "Turnout so far: 2 of 5 voters (40.00%), 270.50 of 607.75 m² (44.51%); quorum not met" in result.output
            assert "甲" not in result.output and '"for"' not in result.output and "headcount" not in result.output
            assert not result.output.lstrip().startswith("{")
    drafted = runner.invoke(args=["tally", str(draft_id), "--json"])
    assert drafted.exit_code != 0 and "has not opened yet" in drafted.output
    close(app, vote_id)
    counted = runner.invoke(args=["tally", str(vote_id), "--json"])
    assert counted.exit_code == 0, counted.output
    assert json.loads(counted.output)["candidates"][0] == {"name": "甲", "headcount": 2, "area": "270.50",
                                                            "approved": False, "elected": False}
