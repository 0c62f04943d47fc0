"""Findings from the voting and meetings features' records, gathered by the facts layer.

Each test is skipped while its feature is not installed (its checks are then reported as
"not checked", never guessed). Records are written through the models, as the features store them.
"""
from __future__ import annotations

from datetime import date, datetime

import pytest

from committee_app.committees import operations as committees
from committee_app.extensions import db
from committee_app.oversight.util import compound_results, findings_of
from committee_app.registry.models import Compound
from tests.procedures import factories
from tests.jobs.helpers import document


def _findings(app, compound_id) -> dict[str, list]:
    with app.app_context():
        compound = db.session.get(Compound, compound_id)
        _facts, results = compound_results(compound)
        found: dict[str, list] = {}
        for result in findings_of(results):
            found.setdefault(result.check.key, []).append(result.outcome.message)
        return found


def _tally(part_head, part_area, *, status="decided", passed=None, for_counts=None) -> dict:
    result = {"roll": {"headcount": 5, "area": "607.75"}, "participation": {"headcount": part_head, "area": part_area},
              "status": status}
    if passed is not None:
        result["passed"] = passed
    if for_counts is not None:
        result["votes"] = {"for": {"headcount": for_counts[0], "area": for_counts[1]}}
    return result


def test_a_counted_vote_without_quorum_declared_decided_is_a_finding(app, world, today):
    voting = pytest.importorskip("committee_app.voting.models")
    with app.app_context():
        db.session.add_all([
            voting.Vote(compound_id=world.a, kind="motion", subject="other", matter="ordinary", title="增设充电桩",
                        state="counted", opened_at=datetime(2026, 11, 10, 1), result=_tally(3, "300.00", passed=True,
                                                                                            for_counts=(2, "200.00"))),
            voting.Vote(compound_id=world.b, kind="motion", subject="maintenance_funds_raise", matter="ordinary",
                        title="筹集维修资金", state="counted", opened_at=datetime(2026, 11, 10, 1),
                        result=_tally(4, "500.00", passed=True, for_counts=(3, "400.00"))),
        ])
        db.session.commit()
    a, b = _findings(app, world.a), _findings(app, world.b)
    assert a["quorum_before_result"] == ["no_quorum"]
    assert a["vote_after_notice"] == ["no_notice"]
    assert b["matter_threshold"] == ["wrong_matter"] and "quorum_before_result" not in b


def test_a_vote_opened_on_the_day_the_notice_period_ends_is_in_time(app, world, today):
    voting = pytest.importorskip("committee_app.voting.models")
    with app.app_context():
        compound = db.session.get(Compound, world.a)
        factories.procedure_with_meeting_notice(compound, posted_on=date(2026, 11, 1), meeting_on=date(2026, 11, 16))
        # opened at 09:00 Shanghai time on the 16th (01:00 UTC), and one a day early
        db.session.add(voting.Vote(compound_id=world.a, kind="election", subject="committee", matter="ordinary",
                                   title="选举", state="open", opened_at=datetime(2026, 11, 16, 1)))
        db.session.commit()
    assert "vote_after_notice" not in _findings(app, world.a)
    with app.app_context():
        vote = db.session.scalar(db.select(voting.Vote))
        vote.opened_at = datetime(2026, 11, 15, 1)
        db.session.commit()
    assert _findings(app, world.a)["vote_after_notice"] == ["early"]


def _meetings_models():
    return pytest.importorskip("committee_app.meetings.models")


def _committee(app, compound_id, members: int, *, term_ends_on=date(2029, 12, 31)):
    with app.app_context():
        committee = committees.record_committee(
            db.session.get(Compound, compound_id),
            members=[(f"委员{n}", None, "chair" if n == 0 else "member") for n in range(members)],
            elected_on=date(2025, 1, 1), term_ends_on=term_ends_on, filed_on=date(2025, 1, 20))
        db.session.commit()
        return committee.id, [m.id for m in committee.members]


def _meeting(app, m, compound_id, committee_id, present_ids, votes_for: int, *, on=date(2026, 11, 20),
             posted=date(2026, 11, 10), urgent_reason=None):
    with app.app_context():
        meeting = m.CommitteeMeeting(compound_id=compound_id, committee_id=committee_id, title="业委会会议",
                                     meeting_on=on, agenda_posted_on=posted, is_urgent=urgent_reason is not None,
                                     urgent_reason=urgent_reason, is_attendance_recorded=True)
        db.session.add(meeting)
        db.session.flush()
        for member_id in present_ids:
            db.session.add(m.MeetingAttendance(meeting_id=meeting.id, member_id=member_id))
        motion = m.Motion(meeting_id=meeting.id, position=1, text="议案", is_voted=True)
        db.session.add(motion)
        db.session.flush()
        for index, member_id in enumerate(present_ids):
            db.session.add(m.MotionVote(motion_id=motion.id, member_id=member_id,
                                        choice="for" if index < votes_for else "against"))
        db.session.commit()


def test_committee_meetings_without_quorum_or_notice_are_findings(app, world, today):
    m = _meetings_models()
    committee_id, members = _committee(app, world.a, 6)
    _meeting(app, m, world.a, committee_id, members[:3], 3)  # exactly half present: no quorum
    _meeting(app, m, world.a, committee_id, members[:4], 4, posted=date(2026, 11, 18), urgent_reason="水管爆裂")
    found = _findings(app, world.a)
    assert found["committee_meeting_quorum"] == ["no_quorum"]
    assert found["urgent_meeting_without_notice"] == ["urgent"]
    assert found["committee_decisions_posted"] == ["overdue", "overdue"]  # voted on 11-20, nothing posted by 12-01


def test_a_members_request_without_a_meeting_in_7_days_is_a_finding(app, world, today):
    m = _meetings_models()
    committee_id, members = _committee(app, world.a, 6)
    with app.app_context():
        db.session.add(m.MeetingRequest(compound_id=world.a, committee_id=committee_id, requested_on=date(2026, 11, 10),
                                        subject="审议物业费调整", meeting_due_on=date(2026, 11, 17), member_count=6))
        db.session.commit()
    assert _findings(app, world.a)["member_request_met"] == ["overdue"]


def test_a_meeting_after_the_term_ended_is_acting_after_term(app, world, today):
    m = _meetings_models()
    committee_id, members = _committee(app, world.a, 5, term_ends_on=date(2026, 11, 15))
    _meeting(app, m, world.a, committee_id, members[:3], 3, on=date(2026, 11, 16), posted=date(2026, 11, 9))
    assert _findings(app, world.a)["acting_after_term"] == ["acted_meeting"]


def test_the_filing_package_carries_the_adopted_covenant_and_the_count_record(app, world, login_as, today):
    voting = pytest.importorskip("committee_app.voting.models")
    import subprocess

    with app.app_context():
        procedure = factories.start(db.session.get(Compound, world.a), "formation", on=date(2026, 9, 1),
                                    election_on=date(2026, 11, 10))
        roll = {"headcount": 5, "area": "607.75"}
        part = {"headcount": 4, "area": "500.00", "quorum_met": True}
        db.session.add_all([
            voting.Vote(compound_id=world.a, kind="motion", subject="covenant", matter="ordinary",
                        title="表决通过《管理规约》", state="counted", opened_at=datetime(2026, 11, 10, 1),
                        result={"roll": roll, "participation": part, "status": "decided", "passed": True,
                                "votes": {"for": {"headcount": 3, "area": "400.00"},
                                          "against": {"headcount": 1, "area": "100.00"},
                                          "abstain": {"headcount": 0, "area": "0.00"}},
                                "basis": ["CC art 278"]}),
            voting.Vote(compound_id=world.a, kind="election", subject="committee", matter="ordinary",
                        title="选举第一届业主委员会", state="counted", opened_at=datetime(2026, 11, 10, 1),
                        result={"roll": roll, "participation": part, "status": "decided",
                                "candidates": [{"name": "王建华", "headcount": 4, "area": "500.00", "approved": True,
                                                "elected": True}]}),
        ])
        db.session.commit()
        procedure_id = procedure.id
    client = login_as("officer")
    data = document(app, client, client.post(f"/oversight/compounds/A/procedures/{procedure_id}/filing-job")).data
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    assert "表决通过《管理规约》" in text and "通过" in text and "王建华" in text and "607.75" in text
    assert "业主大会议事规则" in text and "未记录" in text  # no vote on the rules of procedure recorded
