"""Closing the nominations can be undone while the vetting has not ended: no list has been posted,
so no publicity or objection period has begun. Afterwards the close stands."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest

from committee_app.audit.models import AuditEntry
from committee_app.extensions import db
from committee_app.nominations import operations, util
from committee_app.procedures import operations as procedures

from .conftest import NOON, TODAY


@pytest.fixture
def reelection(app, compound_a, users, frozen_clock):
    """Compound A's re-election with R2-R4 done and nominations being collected (one nominee)."""
    frozen_clock(NOON)
    with app.app_context():
        procedure = procedures.start_procedure(compound_a(), "reelection", actor=users("organiser"),
                                               on=TODAY - timedelta(days=20),
                                               term_ends_on=TODAY + timedelta(days=120),
                                               meeting_on=TODAY + timedelta(days=40))
        steps = {step.key: step for step in procedure.steps}
        for key in ("R2_start", "R3_working_group", "R4_roll_notice"):
            procedures.complete_step(steps[key], on=TODAY - timedelta(days=10), actor=users("organiser"))
            if steps[key].state == "submitted":
                procedures.sign_off_step(steps[key], users("officer"))
        operations.open_list(compound_a(), seats=5, on=TODAY, actor=users("organiser"))
        db.session.commit()
        procedure_id = procedure.id

    def step(key):
        from committee_app.procedures.models import Procedure
        return {s.key: s for s in db.session.get(Procedure, procedure_id).steps}[key]
    return step


def _nominate(compound_a, users, person, name="张三"):
    return operations.nominate(compound_a(), channel="community", owner_id=person(name), statement="推荐",
                               recommended_by="社区", entered_by=users("organiser"))


def test_opening_nominations_shows_the_step_in_progress(app, reelection):
    with app.app_context():
        assert reelection("R5_nominations").state == "in_progress"


def test_closed_nominations_are_reopened_before_the_vetting_ends(app, reelection, compound_a, users, person):
    with app.app_context():
        _nominate(compound_a, users, person)
        operations.close_nominations(compound_a(), on=TODAY, actor=users("organiser"))
        assert reelection("R5_nominations").state == "done"
        assert reelection("R6a_vetting").state == "in_progress"  # the vetting is under way
        assert operations.reopen_refusal(util.current_list(compound_a())) is None
        operations.reopen_nominations(compound_a(), on=TODAY, actor=users("organiser"))
        candidate_list = util.current_list(compound_a())
        assert candidate_list.state == "collecting" and candidate_list.closed_on is None
        assert reelection("R5_nominations").state == "in_progress" and reelection("R5_nominations").done_on is None
        assert reelection("R6a_vetting").state == "pending"
        entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "candidate_list.reopen"))
        assert json.loads(entry.before)["closed_on"] == TODAY.isoformat() and entry.actor_name == "organiser"
        assert db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "procedure.step.reopen"))
        # collecting again: a new nomination is taken, and closing again completes the step again
        _nominate(compound_a, users, person, "赵喆")
        operations.close_nominations(compound_a(), on=TODAY, actor=users("organiser"))
        assert reelection("R5_nominations").state == "done"


def test_nominations_cannot_be_reopened_once_the_vetting_has_ended(app, reelection, compound_a, users, person):
    with app.app_context():
        nomination = _nominate(compound_a, users, person)
        operations.record_checks(nomination, {c.key: ("met", "") for c in util.conditions(compound_a())},
                                 reviewer=users("organiser"))
        operations.close_nominations(compound_a(), on=TODAY, actor=users("organiser"))
        operations.record_round(compound_a(), vetted_on=TODAY, reviewers="换届小组", actor=users("organiser"))
        operations.finish_vetting(compound_a(), on=TODAY, actor=users("organiser"))
        assert "资格审查已结束" in operations.reopen_refusal(util.current_list(compound_a()))
        with pytest.raises(operations.NominationError, match="不能再重新开放"):
            operations.reopen_nominations(compound_a(), on=TODAY, actor=users("organiser"))
        assert util.current_list(compound_a()).closed_on == TODAY


def test_a_forged_reopen_is_refused_with_a_message_and_changes_nothing(app, client, login_as, reelection,
                                                                       compound_a, users, person):
    with app.app_context():
        _nominate(compound_a, users, person)
        db.session.commit()
    login_as("organiser")
    page = client.get("/compounds/A/nominations").get_data(as_text=True)
    assert "/nominations/reopen" not in page  # still collecting: nothing to undo
    response = client.post("/compounds/A/nominations/reopen", follow_redirects=True)
    assert "推荐尚未截止，无需重新开放" in response.get_data(as_text=True)
    with app.app_context():
        assert not db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "candidate_list.reopen"))
    client.post("/compounds/A/nominations/close")
    page = client.get("/compounds/A/nominations").get_data(as_text=True)
    assert "/nominations/reopen" in page
    client.post("/compounds/A/nominations/reopen")
    with app.app_context():
        assert util.current_list(compound_a()).state == "collecting"
    login_as("mentor")
    assert client.post("/compounds/A/nominations/reopen").status_code == 403
