"""The stepper: phases from the rule data, the step the procedure is at, statuses that say what is
going on, and the undo an organiser may use while nothing relies on the step yet."""
from datetime import date, datetime

import pytest
from sqlalchemy import select

from committee_app.audit.models import AuditEntry
from committee_app.extensions import db
from committee_app.procedures import operations, util
from committee_app.procedures.models import Procedure, ProcedureStep
from committee_app.procedures.operations import ProcedureError
from committee_app.registry.models import Compound
from tests.procedures import factories


@pytest.fixture
def today(frozen_clock):
    frozen_clock(datetime(2026, 12, 1, 2, 0))  # 2026-12-01 in Shanghai
    return date(2026, 12, 1)


def _compound(world):
    return db.session.get(Compound, world.a)


def _step(procedure, key) -> ProcedureStep:
    return next(step for step in procedure.steps if step.key == key)


def _stepper(procedure, today):
    views = util.timeline(procedure, util.effective_settings(procedure.compound), today)
    return util.stepper(procedure, views), {v.step.key: v for v in views}


def _audit(action):
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()


def _json(text):
    import json

    return json.loads(text)


# --------------------------------------------------------------------------- phases and statuses


def test_a_reelection_is_grouped_into_the_five_phases_of_the_rule_data(app, world, today):
    with app.app_context():
        procedure = factories.start(_compound(world))
        stepper, _views = _stepper(procedure, today)
        assert [p.title_zh for p in stepper.phases] == ["筹备", "公示与推荐", "候选人审查与公示", "会议与表决", "结果与备案"]
        assert [p.title_en for p in stepper.phases][0] == "Preparation"
        assert [v.step.key for v in stepper.phases[0].steps] == ["R2_start", "R3_working_group"]
        assert sum(p.total for p in stepper.phases) == len(procedure.steps) == stepper.total
        assert stepper.current.step.key == "R2_start" and stepper.current_phase.number == 1
        assert stepper.settled == 0


def test_the_current_step_and_phase_move_as_steps_settle(app, world, today):
    with app.app_context():
        procedure = factories.start(_compound(world))
        factories.settle_before(procedure, "R5_nominations", on=date(2026, 11, 20))
        stepper, views = _stepper(procedure, today)
        assert stepper.current.step.key == "R5_nominations"
        assert stepper.current_phase.key == "nominations" and stepper.current_phase.number == 2
        assert stepper.phases[0].is_finished and stepper.phases[0].settled == 2
        assert stepper.phases[1].settled == 1 and not stepper.phases[1].is_finished
        assert stepper.settled == 3
        # the current step may be worked on; a later one waits for it
        assert util.step_status(views["R5_nominations"].step, views["R5_nominations"].prerequisites_missing) == "ready"
        assert util.step_status(views["R6a_vetting"].step, views["R6a_vetting"].prerequisites_missing) == "blocked"


@pytest.mark.parametrize("state, extra, expected", [
    ("pending", {}, "ready"),
    ("in_progress", {}, "in_progress"),
    ("in_progress", {"returned_reason": "缺签字"}, "returned"),
    ("submitted", {}, "submitted"),
    ("done", {}, "done"),
    ("waived", {}, "waiver_pending"),
    ("waived", {"waiver_approved_at": datetime(2026, 11, 1)}, "waived"),
])
def test_each_state_shows_the_status_that_says_what_is_going_on(state, extra, expected):
    step = ProcedureStep(key="X", position=0, state=state, **extra)
    assert util.step_status(step) == expected
    assert util.STATUS_LABELS[expected]


def test_a_pending_step_whose_prerequisites_are_open_is_not_started_rather_than_to_do():
    assert util.step_status(ProcedureStep(key="X", position=0, state="pending"), ("前一步",)) == "blocked"


def test_days_left_say_how_long_remains_or_how_late_it_is(app):
    with app.test_request_context():
        assert util.days_left_text(date(2026, 12, 6), date(2026, 12, 1), "before") == "还剩 5 天"
        assert util.days_left_text(date(2026, 12, 1), date(2026, 12, 1), "within") == "今天截止"
        assert util.days_left_text(date(2026, 11, 28), date(2026, 12, 1), "before") == "已逾期 3 天"
        assert util.days_left_text(date(2026, 12, 3), date(2026, 12, 1), "after") == "2 天后可以办理"
        assert util.days_left_text(None, date(2026, 12, 1), "before") is None


def test_opening_nominations_puts_the_nominations_step_in_progress(app, world, today):
    """The reported bug: the step said "待办" while nominations were being collected."""
    from committee_app.nominations import operations as nominations

    with app.app_context():
        compound = _compound(world)
        procedure = factories.start(compound)
        factories.settle_before(procedure, "R5_nominations", on=date(2026, 11, 20))
        nominations.open_list(compound, seats=5, on=today)
        step = _step(procedure, "R5_nominations")
        assert step.state == "in_progress" and step.started_on == today
        assert util.step_status(step) == "in_progress"
        assert _audit("procedure.step.start")


# --------------------------------------------------------------------------- undo


def test_the_organiser_withdraws_a_pending_waiver_request(app, world, today):
    with app.app_context():
        procedure = factories.start(_compound(world))
        step = _step(procedure, "R2_start")
        operations.waive_step(step, "街道已直接组织换届", as_street_office=False)
        assert step.is_waiver_pending
        operations.withdraw_waiver(step)
        assert step.state == "pending" and step.waived_reason is None and not step.is_waiver_pending
        entry = _audit("procedure.step.waiver_withdraw")[0]
        assert _json(entry.before)["state"] == "waived" and _json(entry.after)["state"] == "pending"


def test_an_approved_waiver_cannot_be_withdrawn(app, world, today):
    with app.app_context():
        procedure = factories.start(_compound(world))
        step = _step(procedure, "R2_start")
        operations.waive_step(step, "街道已直接组织换届", as_street_office=True)
        with pytest.raises(ProcedureError, match="不能撤回"):
            operations.withdraw_waiver(step)
        assert step.state == "waived" and step.is_settled


def test_the_organiser_takes_back_a_completion_before_the_street_office_signs_it_off(app, world, today):
    with app.app_context():
        procedure = factories.start(_compound(world))
        step = _step(procedure, "R2_start")
        operations.complete_step(step, on=date(2026, 11, 30), note="误记")
        rule = util.procedure_rules(procedure)["R2_start"]
        assert step.state == "submitted" and operations.can_reopen(step, rule)
        operations.reopen_step(step)
        assert step.state == "in_progress" and step.done_on is None
        assert not operations.can_reopen(step, rule)
        entry = _audit("procedure.step.reopen")[0]
        assert _json(entry.before)["state"] == "submitted" and _json(entry.before)["done_on"] == "2026-11-30"


def test_a_signed_off_step_cannot_be_taken_back(app, world, today):
    with app.app_context():
        procedure = factories.start(_compound(world))
        step = _step(procedure, "R2_start")
        factories.settle(step, on=date(2026, 11, 30))
        assert step.state == "done"
        assert not operations.can_reopen(step, util.procedure_rules(procedure)["R2_start"])
        with pytest.raises(ProcedureError, match="尚未签核"):
            operations.reopen_step(step)
        assert step.state == "done" and not _audit("procedure.step.reopen")


def test_a_step_completed_by_a_feature_is_not_taken_back_on_the_timeline(app, world, today):
    with app.app_context():
        compound = _compound(world)
        procedure = factories.start(compound)
        factories.settle_before(procedure, "R6a_vetting", on=date(2026, 11, 20))
        step = operations.complete_action(compound, "vetting", on=date(2026, 11, 30))
        assert step.state == "submitted"
        with pytest.raises(ProcedureError, match="由相应功能完成"):
            operations.reopen_step(step)
        assert step.state == "submitted"


def test_undoing_an_action_is_refused_once_a_later_step_relies_on_it(app, world, today):
    with app.app_context():
        compound = _compound(world)
        procedure = factories.start(compound)
        factories.settle_before(procedure, "R6a_vetting", on=date(2026, 11, 20))  # nominations done
        operations.complete_action(compound, "vetting", on=date(2026, 11, 30))  # vetting submitted
        with pytest.raises(ProcedureError, match="后续步骤"):
            operations.undo_action(compound, "nominations")
        assert _step(procedure, "R5_nominations").state == "done"


# --------------------------------------------------------------------------- the page


def _page(client, url) -> str:
    return client.get(url).get_data(as_text=True)


def _details_of(page: str, step_id: int) -> str:
    """The opening tag of the step's <details>."""
    import re

    return re.search(rf'<details class="step-item[^>]*id="step-{step_id}"[^>]*>', page).group(0)


def test_the_page_says_where_the_procedure_is_and_collapses_what_is_done(app, world, client, login_as, today):
    with app.app_context():
        procedure = factories.start(_compound(world), meeting_on=date(2027, 1, 20))
        factories.settle_before(procedure, "R4_roll_notice", on=date(2026, 11, 20))
        db.session.commit()
        procedure_id = procedure.id
        ids = {step.key: step.id for step in procedure.steps}
    login_as("organiser")
    page = _page(client, f"/compounds/A/procedures/{procedure_id}")
    assert 'id="you-are-here"' in page and "第2阶段/共5阶段" in page and "公示与推荐" in page
    assert "公示业主名册（表决权人、人数和面积）" in page and "下一步" in page
    # R4 is due 15 days before the meeting of 2027-01-20 (CC art 201): 2027-01-05, 35 days from today
    assert "2027-01-05 前" in page and "还剩 35 天" in page
    assert "发布名册公示" in page
    assert " open" not in _details_of(page, ids["R2_start"])  # done: collapsed
    assert " open" in _details_of(page, ids["R4_roll_notice"])  # current: expanded
    assert " open" not in _details_of(page, ids["R9a_result_notice"])  # future: compact
    assert "已完成 2/2" in page and "js/stepper.js" in page


def test_the_street_officer_sees_the_steps_waiting_for_a_decision(app, world, client, login_as, today):
    with app.app_context():
        procedure = factories.start(_compound(world))
        operations.complete_step(_step(procedure, "R2_start"), on=date(2026, 11, 30))
        db.session.commit()
        procedure_id, step_id = procedure.id, _step(procedure, "R2_start").id
    login_as("officer")
    page = _page(client, f"/compounds/A/procedures/{procedure_id}")
    assert 'id="waiting-for-me"' in page and "签核通过" in page and "请核对材料后签核通过" in page
    assert f"/steps/{step_id}/reopen" not in page  # the organiser's undo, not the street office's


def test_the_organiser_undoes_a_submission_from_the_page_and_a_forged_undo_is_refused(
        app, world, client, login_as, today):
    with app.app_context():
        procedure = factories.start(_compound(world))
        operations.complete_step(_step(procedure, "R2_start"), on=date(2026, 11, 30))
        db.session.commit()
        procedure_id, step_id = procedure.id, _step(procedure, "R2_start").id
    login_as("organiser")
    url = f"/compounds/A/procedures/{procedure_id}"
    page = _page(client, url)
    assert f"/steps/{step_id}/reopen" in page and "撤回完成记录" in page and "data-confirm" in page
    assert f"/steps/{step_id}/waiver/withdraw" not in page
    response = client.post(f"/compounds/A/steps/{step_id}/reopen")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#step-{step_id}")
    with app.app_context():
        assert db.session.get(ProcedureStep, step_id).state == "in_progress"
    assert f"/steps/{step_id}/reopen" not in _page(client, url)
    # a forged second undo, and a forged waiver withdrawal: refused with a reason, nothing changes
    page = client.post(f"/compounds/A/steps/{step_id}/reopen", follow_redirects=True).get_data(as_text=True)
    assert "只有已提交、街道办事处尚未签核的步骤可以撤回重办" in page
    page = client.post(f"/compounds/A/steps/{step_id}/waiver/withdraw", follow_redirects=True).get_data(as_text=True)
    assert "没有待批准的豁免申请" in page
    with app.app_context():
        assert db.session.get(ProcedureStep, step_id).state == "in_progress"
        assert len(_audit("procedure.step.reopen")) == 1 and not _audit("procedure.step.waiver_withdraw")
    login_as("officer")
    assert client.post(f"/compounds/A/steps/{step_id}/reopen").status_code == 403


def test_the_organiser_withdraws_a_waiver_request_from_the_page(app, world, client, login_as, today):
    with app.app_context():
        procedure = factories.start(_compound(world))
        procedure_id, step_id = procedure.id, _step(procedure, "R2_start").id
        db.session.commit()
    login_as("organiser")
    client.post(f"/compounds/A/steps/{step_id}/waive", data={"reason": "街道已直接组织换届"})
    page = _page(client, f"/compounds/A/procedures/{procedure_id}")
    assert "撤回豁免申请" in page and "豁免待批准" in page
    client.post(f"/compounds/A/steps/{step_id}/waiver/withdraw")
    with app.app_context():
        assert db.session.get(ProcedureStep, step_id).state == "pending"
        assert len(_audit("procedure.step.waiver_withdraw")) == 1
