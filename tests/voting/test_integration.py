"""Voting with the features beside it: the procedure's vote gate and step completion,
the committee seated from an election, and the audit chain's entries for online ballots."""
from datetime import date, datetime

import pytest

from committee_app.audit.models import AuditEntry
from committee_app.audit.operations import verify_chain
from committee_app.extensions import db
from committee_app.registry.models import Compound
from committee_app.voting import operations
from committee_app.voting.models import Ballot, Vote

from tests.conftest import login

from .conftest import cast


def test_a_vote_in_a_reelection_cannot_open_before_the_meeting_notice(app, world, election, frozen_clock):
    from committee_app.procedures.operations import start_procedure

    frozen_clock(datetime(2026, 11, 26, 2, 0))
    vote_id = election(open=False)
    with app.app_context():
        compound = db.session.get(Compound, world.a)
        start_procedure(compound, "reelection", on=date(2026, 11, 1))
        db.session.commit()
        with pytest.raises(operations.VotingError, match="会议通知尚未发出"):
            operations.open_vote(db.session.get(Vote, vote_id), compound)
        db.session.rollback()
        assert db.session.get(Vote, vote_id).state == "draft"


def test_a_vote_outside_any_procedure_still_needs_its_meeting_notice(app, world, election, frozen_clock):
    """PMR art 14 holds for every general meeting vote: no procedure is no excuse."""
    from committee_app.notices.operations import post_notice

    frozen_clock(datetime(2026, 11, 16, 2, 0))  # 10:00 on 16 November in Shanghai
    vote_id = election(open=False)
    with app.app_context():
        compound = db.session.get(Compound, world.a)
        with pytest.raises(operations.VotingError, match="尚未张贴业主大会会议通知"):
            operations.open_vote(db.session.get(Vote, vote_id), compound)
        db.session.rollback()
        post_notice(compound, kind="meeting_notice", title="业主大会会议通知", posted_on=date(2026, 11, 1))
        db.session.commit()
        operations.open_vote(db.session.get(Vote, vote_id), compound)  # posted on the 1st: open on the 16th
        vote = db.session.get(Vote, vote_id)
        assert vote.state == "open" and vote.opened_in_procedure is False


def test_closing_tells_the_procedure_and_a_refusal_does_not_block_the_vote(app, client, world, election,
                                                                          frozen_clock):
    from committee_app.procedures.operations import start_procedure

    frozen_clock(datetime(2026, 11, 26, 2, 0))
    vote_id = election()
    with app.app_context():
        start_procedure(db.session.get(Compound, world.a), "reelection", on=date(2026, 11, 1))
        db.session.commit()
    login(client, "organiser")
    page = client.post(f"/compounds/A/votes/{vote_id}/close", follow_redirects=True).get_data(as_text=True)
    assert "投票已截止" in page and "程序步骤未自动完成" in page
    with app.app_context():
        assert db.session.get(Vote, vote_id).state == "closed"


def test_the_elected_members_are_seated_as_the_committee(app, client, world, election):
    from committee_app.committees.util import current_committee

    vote_id = election(seats=1, candidates=("甲", "乙"))
    with app.app_context():
        for name in ("张三", "李四", "赵喆", "developer"):
            cast(vote_id, name, candidates=["甲"])
        db.session.commit()
    login(client, "organiser")
    client.post(f"/compounds/A/votes/{vote_id}/close")
    client.post(f"/compounds/A/votes/{vote_id}/count")
    client.post(f"/compounds/A/votes/{vote_id}/committee")
    with app.app_context():
        committee = current_committee(db.session.get(Compound, world.a))
        assert [m.name for m in committee.members] == ["甲"]
        assert db.session.get(Vote, vote_id).committee_installed_at is not None
    page = client.post(f"/compounds/A/votes/{vote_id}/committee", follow_redirects=True).get_data(as_text=True)
    assert "已就任" in page


def test_every_online_ballot_has_its_audit_entry_by_the_time_the_vote_closes(app, client, world, motion):
    vote_id = motion()
    with app.app_context():
        codes = operations.issue_codes(db.session.get(Vote, vote_id))
        db.session.commit()
    for code in codes.values():
        assert client.post(f"/ballot/{vote_id}/cast", data={"code": code, "choice": "for",
                                                            "confirmed": "1"}).status_code == 200
    with app.app_context():
        vote = db.session.get(Vote, vote_id)
        operations.close_vote(vote, db.session.get(Compound, world.a))
        db.session.commit()
        assert db.session.scalar(db.select(db.func.count(Ballot.id)).where(Ballot.is_audited.is_(False))) == 0
        entries = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "ballot.cast")).all()
        assert len(entries) == 5 and all("receipt_hash" in e.after for e in entries)
        assert all("赵喆" not in e.after and "voter" not in e.after.replace('"actor"', "") for e in entries)
        assert verify_chain().is_intact


def test_candidates_cannot_be_imported_before_the_list_is_finalised(app, client, world, election):
    vote_id = election(candidates=(), open=False)
    login(client, "organiser")
    page = client.get(f"/compounds/A/votes/{vote_id}").get_data(as_text=True)
    assert "从确定的候选人名单导入" in page
    page = client.post(f"/compounds/A/votes/{vote_id}/candidates/finalised", follow_redirects=True).get_data(as_text=True)
    assert "候选人名单尚未确定" in page
    with app.app_context():
        assert not db.session.get(Vote, vote_id).candidates
