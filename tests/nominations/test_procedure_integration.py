"""The re-election procedure moves on by itself: closing nominations completes R5, ending the
vetting completes R6a (for the street office's sign-off), finalising the list completes R6b."""
from __future__ import annotations

from datetime import timedelta

import pytest

from committee_app.extensions import db
from committee_app.nominations import operations, util

from .conftest import NOON, TODAY

from committee_app.procedures import operations as procedures


@pytest.fixture
def reelection(app, compound_a, users, frozen_clock):
    """Compound A's re-election with the roll notice done (R2-R4), the meeting 40 days out."""
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
        db.session.commit()
        procedure_id = procedure.id

    def step(key):
        from committee_app.procedures.models import Procedure
        return {s.key: s for s in db.session.get(Procedure, procedure_id).steps}[key]
    return step


def test_the_procedure_moves_on_with_the_candidate_list(app, client, login_as, reelection, compound_a, users,
                                                        person, frozen_clock):
    with app.app_context():
        ids = {name: person(name) for name in ("张三", "赵喆")}
        conditions = util.conditions(compound_a())
    login_as("organiser")
    client.post("/compounds/A/nominations/open", data={"seats": "5"})
    for name, channel in (("张三", "party"), ("赵喆", "community")):
        client.post("/compounds/A/nominations/new", data={"channel": channel, "owner_id": ids[name],
                                                          "recommended_by": "社区", "statement": "推荐"})
    client.post("/compounds/A/nominations/close")
    with app.app_context():
        assert reelection("R5_nominations").state == "done"
        nomination_ids = [n.id for n in util.current_list(compound_a()).nominations]
    for nomination_id in nomination_ids:
        client.post(f"/compounds/A/nominations/{nomination_id}/checks",
                    data={f"status_{c.key}": "met" for c in conditions})
    client.post("/compounds/A/nominations/rounds", data={"vetted_on": "2026-11-26", "reviewers": "换届小组、派出所"})
    client.post("/compounds/A/nominations/vetted")
    with app.app_context():
        assert reelection("R6a_vetting").state == "submitted"  # the street office signs the vetting off
    page = client.get("/compounds/A/nominations").get_data(as_text=True)
    assert "候选人资格联审" in page and "待街道签核" in page
    page = client.post("/compounds/A/nominations/post", follow_redirects=True).get_data(as_text=True)
    assert "尚待街道办事处签核" in page
    with app.app_context():
        assert util.candidate_list_state(compound_a()) == "vetting"
        procedures.sign_off_step(reelection("R6a_vetting"), users("officer"))
        db.session.commit()
    client.post("/compounds/A/nominations/post")
    frozen_clock(NOON + timedelta(days=7))
    assert "尚未届满" in client.post("/compounds/A/nominations/finalise", follow_redirects=True).get_data(as_text=True)
    frozen_clock(NOON + timedelta(days=8))
    assert "候选人名单已确定" in client.post("/compounds/A/nominations/finalise",
                                       follow_redirects=True).get_data(as_text=True)
    with app.app_context():
        assert util.candidate_list_state(compound_a()) == "final"
        step = reelection("R6b_candidate_list")
        assert step.state == "done" and step.done_on == TODAY + timedelta(days=8)


def test_nominations_cannot_close_before_the_roll_notice(app, compound_a, users, person, frozen_clock):
    frozen_clock(NOON)
    with app.app_context():
        procedures.start_procedure(compound_a(), "reelection", actor=users("organiser"), on=TODAY,
                                   term_ends_on=TODAY + timedelta(days=120))
        operations.open_list(compound_a(), seats=5, on=TODAY)
        operations.nominate(compound_a(), channel="self", owner_id=person("李四"), statement="x")
        with pytest.raises(operations.NominationError, match="前置步骤"):
            operations.close_nominations(compound_a(), on=TODAY)


def test_the_demo_keeps_nominations_and_procedure_in_step(app, runner):
    with app.app_context():
        result = runner.invoke(args=["seed-demo"])
        assert result.exit_code == 0, result.output
        from committee_app.procedures.util import active_procedure
        from committee_app.registry.models import Compound
        compound = db.session.scalar(db.select(Compound).where(Compound.name == "中铁一期"))
        steps = {s.key: s.state for s in active_procedure(compound).steps}
        assert steps["R4_roll_notice"] == "done" and steps["R5_nominations"] in ("pending", "in_progress")
        assert util.candidate_list_state(compound) == "collecting"
