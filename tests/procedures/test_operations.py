"""An organiser runs a re-election: gates, prerequisites, waivers, anchors, sign-off, actions."""
from datetime import date

import pytest
from sqlalchemy import select

from committee_app.audit.models import AuditEntry
from committee_app.extensions import db
from committee_app.procedures import operations
from committee_app.procedures.models import Procedure, ProcedureStep
from committee_app.procedures.operations import ProcedureError
from committee_app.procedures.util import active_procedure, timeline
from committee_app.procedures.util import effective_settings
from committee_app.registry.models import Compound
from tests.procedures import factories


def _compound(world, name="a"):
    return db.session.get(Compound, getattr(world, name))


def _step(procedure, key) -> ProcedureStep:
    return next(step for step in procedure.steps if step.key == key)


def _due(procedure, key):
    for view in timeline(procedure, effective_settings(procedure.compound)):
        if view.step.key == key:
            return view.due_on


def test_a_reelection_lays_out_every_step_of_the_rule_set(app, world, december):
    with app.app_context():
        procedure = factories.start(_compound(world))
        keys = [step.key for step in procedure.steps]
        assert keys[0] == "R2_start" and "R7_meeting_notice" in keys and keys[-1] == "R11_handover"
        assert all(step.state == "pending" for step in procedure.steps)
        assert active_procedure(_compound(world)).id == procedure.id


def test_a_compound_has_at_most_one_active_procedure(app, world, december):
    with app.app_context():
        factories.start(_compound(world))
        with pytest.raises(ProcedureError):
            operations.start_procedure(_compound(world), "formation")
        # the database refuses it too
        db.session.add(Procedure(compound_id=world.a, kind="formation", rule_set="national", status="active",
                                 started_on=date(2026, 11, 1)))
        with pytest.raises(Exception):
            db.session.flush()
        db.session.rollback()


def test_a_step_waits_for_its_prerequisites(app, world, december):
    with app.app_context():
        procedure = factories.start(_compound(world))
        with pytest.raises(ProcedureError, match="前置步骤"):
            operations.complete_step(_step(procedure, "R3_working_group"), on=date(2026, 11, 2))
        assert _step(procedure, "R3_working_group").state == "pending"


def test_a_step_needing_the_street_office_counts_as_done_only_once_signed_off(app, world, december):
    with app.app_context():
        officer = world.users["officer"]
        procedure = factories.start(_compound(world))
        start = _step(procedure, "R2_start")
        operations.complete_step(start, on=date(2026, 11, 2))
        assert start.state == "submitted"
        with pytest.raises(ProcedureError, match="前置步骤"):
            operations.complete_step(_step(procedure, "R3_working_group"), on=date(2026, 11, 3))
        operations.sign_off_step(start, officer)
        assert start.state == "done" and start.signed_off_at is not None
        operations.complete_step(_step(procedure, "R3_working_group"), on=date(2026, 11, 3))
        with pytest.raises(ProcedureError):
            operations.sign_off_step(start, officer)  # already signed off


def test_a_returned_step_goes_back_to_the_organiser_with_the_reason(app, world, december):
    with app.app_context():
        procedure = factories.start(_compound(world))
        start = _step(procedure, "R2_start")
        with pytest.raises(ProcedureError):
            operations.return_step(start, None, "太早")  # nothing submitted yet
        operations.complete_step(start, on=date(2026, 11, 2))
        with pytest.raises(ProcedureError):
            operations.return_step(start, None, "  ")
        operations.return_step(start, None, "未附住建部门回执，请补充后重新提交")
        assert start.state == "in_progress" and start.is_returned
        assert start.returned_reason == "未附住建部门回执，请补充后重新提交"
        operations.complete_step(start, on=date(2026, 11, 4))
        assert start.state == "submitted" and not start.is_returned
        actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)).all()
        assert "procedure.step.return" in actions and actions.count("procedure.step.complete") == 2


def _user(world, name):
    from committee_app.accounts.models import User

    return db.session.get(User, world.users[name])


def test_a_waiver_the_street_office_must_approve_counts_only_once_approved(app, world, december):
    with app.app_context():
        procedure = factories.start(_compound(world), "formation")
        handover = _step(procedure, "F1_developer_handover")
        organiser, officer = _user(world, "organiser"), _user(world, "officer")
        with pytest.raises(ProcedureError):
            operations.waive_step(handover, " ", actor=organiser)
        operations.waive_step(handover, "建设单位已注销，资料由街道另行收集", actor=organiser)
        assert handover.state == "waived" and handover.is_waiver_pending and not handover.is_settled
        with pytest.raises(ProcedureError, match="前置步骤"):
            operations.complete_step(_step(procedure, "F2_preparatory_group_decision"), on=date(2026, 11, 3))
        with pytest.raises(ProcedureError):
            operations.waive_step(handover, "again", actor=organiser)
        operations.approve_waiver(handover, officer)
        assert handover.is_settled and handover.waiver_approved_by_id == officer.id and handover.waiver_approved_by_street
        # an approved waiver lets the next step go ahead
        operations.complete_step(_step(procedure, "F2_preparatory_group_decision"), on=date(2026, 11, 3))


def test_the_street_office_refuses_a_waiver_with_a_reason(app, world, december):
    with app.app_context():
        procedure = factories.start(_compound(world), "reelection")
        start = _step(procedure, "R2_start")
        operations.waive_step(start, "街道已责令换届", actor=_user(world, "organiser"))
        with pytest.raises(ProcedureError):
            operations.reject_waiver(start, _user(world, "officer"), "")
        operations.reject_waiver(start, _user(world, "officer"), "未见责令文件，请按时报告")
        assert start.state == "pending" and start.is_returned and start.returned_reason == "未见责令文件，请按时报告"


@pytest.mark.parametrize("key", ["R4_roll_notice", "R6a_vetting", "R6b_candidate_list", "R7_meeting_notice",
                                 "R8a_vote", "R10_filing"])
def test_a_statutory_step_cannot_be_waived_by_the_organiser_or_the_street_office(app, world, december, key):
    with app.app_context():
        procedure = factories.start(_compound(world), "reelection")
        step = _step(procedure, key)
        for actor in (_user(world, "organiser"), _user(world, "officer")):
            with pytest.raises(ProcedureError, match="法定步骤"):
                operations.waive_step(step, "本小区情况特殊", actor=actor)
        assert step.state == "pending"


def test_the_organiser_waives_alone_only_where_the_rules_allow_it(app, world, december):
    with app.app_context():
        procedure = factories.start(_compound(world), "formation")
        seals = _step(procedure, "F10_seals")
        operations.waive_step(seals, "沿用原印章，备案事项无变更", actor=_user(world, "organiser"))
        assert seals.is_settled and not seals.waiver_approved_by_street
        # the street office waives a step it may approve: settled at once
        handover = _step(procedure, "F1_developer_handover")
        operations.waive_step(handover, "建设单位已注销", actor=_user(world, "officer"))
        assert handover.is_settled and handover.waiver_approved_by_street


def test_a_meeting_notice_exactly_15_days_before_the_meeting_passes(app, world, december):
    with app.app_context():
        procedure = factories.start(_compound(world), meeting_on=date(2026, 11, 16))
        factories.settle_before(procedure, "R7_meeting_notice", on=date(2026, 11, 1))
        step = operations.complete_action(_compound(world), "meeting_notice", on=date(2026, 11, 1))
        assert step.key == "R7_meeting_notice" and step.state == "done" and step.done_on == date(2026, 11, 1)


def test_a_meeting_notice_14_days_before_the_meeting_is_refused_with_the_citation(app, world, december):
    with app.app_context():
        procedure = factories.start(_compound(world), meeting_on=date(2026, 11, 16))
        factories.settle_before(procedure, "R7_meeting_notice", on=date(2026, 11, 1))
        with pytest.raises(ProcedureError) as refused:
            operations.complete_action(_compound(world), "meeting_notice", on=date(2026, 11, 2))
        assert "《物业管理条例》第十四条" in str(refused.value) and "2026-11-01" in str(refused.value)
        assert refused.value.citations == ("PMR art 14",)
        assert _step(procedure, "R7_meeting_notice").state == "pending"


def test_a_meeting_notice_10_days_before_the_meeting_is_refused(app, world, december):
    with app.app_context():
        procedure = factories.start(_compound(world), meeting_on=date(2026, 11, 20))
        factories.settle_before(procedure, "R7_meeting_notice", on=date(2026, 11, 1))
        with pytest.raises(ProcedureError, match="物业管理条例》第十四条"):
            operations.complete_action(_compound(world), "meeting_notice", on=date(2026, 11, 10))


def test_a_roll_notice_that_has_not_stood_15_days_is_refused(app, world, december):
    with app.app_context():
        procedure = factories.start(_compound(world), meeting_on=date(2026, 11, 20))
        factories.settle_before(procedure, "R4_roll_notice", on=date(2026, 11, 1))
        with pytest.raises(ProcedureError, match="指导规则》第十二条"):
            operations.complete_action(_compound(world), "roll_notice", on=date(2026, 11, 6))
        operations.complete_action(_compound(world), "roll_notice", on=date(2026, 11, 5))


def test_a_meeting_notice_needs_a_meeting_date(app, world, december):
    with app.app_context():
        procedure = factories.start(_compound(world))
        factories.settle_before(procedure, "R7_meeting_notice", on=date(2026, 11, 1))
        with pytest.raises(ProcedureError, match="会议日期"):
            operations.complete_action(_compound(world), "meeting_notice", on=date(2026, 11, 1))


def test_moving_the_meeting_too_close_to_a_posted_roll_notice_is_refused(app, world, december):
    with app.app_context():
        procedure = factories.start(_compound(world), meeting_on=date(2026, 11, 30))
        factories.settle_before(procedure, "R4_roll_notice", on=date(2026, 11, 1))
        operations.complete_action(_compound(world), "roll_notice", on=date(2026, 11, 10))
        with pytest.raises(ProcedureError, match="指导规则》第十二条"):
            operations.set_anchors(procedure, meeting_on=date(2026, 11, 20))
        assert procedure.meeting_on == date(2026, 11, 30)
        operations.set_anchors(procedure, meeting_on=date(2026, 12, 20))
        assert procedure.meeting_on == date(2026, 12, 20)


def test_once_the_meeting_notice_is_out_a_new_date_takes_a_new_notice(app, world, december):
    from committee_app.notices.models import Notice

    with app.app_context():
        compound = _compound(world)
        procedure = factories.start(compound)
        factories.settle_before(procedure, "R7_meeting_notice", on=date(2026, 11, 1))
        details = dict(meeting_time="9:00", place="会所", form="meeting", agenda="选举")
        operations.post_meeting_notice(procedure, posted_on=date(2026, 11, 1), meeting_on=date(2026, 11, 20),
                                       **details)
        db.session.commit()
        with pytest.raises(ProcedureError, match="物业管理条例》第十四条"):
            operations.set_anchors(procedure, meeting_on=date(2026, 11, 30))
        with pytest.raises(ProcedureError, match="理由"):
            operations.post_meeting_notice(procedure, posted_on=date(2026, 11, 20), meeting_on=date(2026, 12, 5),
                                           **details)
        # posted again on 11-20, the notice period counts again: 12-04 is too early, 12-05 is fine
        with pytest.raises(ProcedureError, match="物业管理条例》第十四条"):
            operations.post_meeting_notice(procedure, posted_on=date(2026, 11, 20), meeting_on=date(2026, 12, 4),
                                           reason="改期", **details)
        db.session.rollback()
        procedure = active_procedure(compound)
        step, notice = operations.post_meeting_notice(procedure, posted_on=date(2026, 11, 20),
                                                      meeting_on=date(2026, 12, 5), reason="会所装修，改期", **details)
        assert step.done_on == date(2026, 11, 20) and procedure.meeting_on == date(2026, 12, 5)
        old = db.session.scalar(select(Notice).where(Notice.superseded_by_id == notice.id))
        assert old.superseded_reason == "会所装修，改期" and old.posted_on == date(2026, 11, 1)
        from committee_app.procedures.util import vote_gate
        assert vote_gate(compound, date(2026, 12, 4)) is not None
        assert vote_gate(compound, date(2026, 12, 5)) is None


def test_changing_an_anchor_moves_the_due_dates(app, world, december):
    with app.app_context():
        procedure = factories.start(_compound(world), term_ends_on=date(2027, 5, 31))
        assert _due(procedure, "R7_meeting_notice") is None
        assert _due(procedure, "R2_start") == date(2027, 2, 28)  # 3 calendar months, clamped
        operations.set_anchors(procedure, meeting_on=date(2027, 1, 20))
        assert _due(procedure, "R7_meeting_notice") == date(2027, 1, 5)
        assert _due(procedure, "R4_roll_notice") == date(2027, 1, 5)
        assert _due(procedure, "R6b_candidate_list") == date(2027, 1, 13)
        operations.set_anchors(procedure, meeting_on=date(2027, 2, 1))
        assert _due(procedure, "R7_meeting_notice") == date(2027, 1, 17)
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "procedure.anchors")
                                   .order_by(AuditEntry.seq.desc())).first()
        assert "2027-01-20" in entry.before and "2027-02-01" in entry.after


def test_a_compound_override_changes_the_due_dates(app, world, december):
    with app.app_context():
        compound = _compound(world)
        procedure = factories.start(compound, meeting_on=date(2027, 1, 20))
        operations.update_settings(compound, {"candidate_publicity_days": "10"})
        assert _due(procedure, "R6b_candidate_list") == date(2027, 1, 10)


def test_a_late_time_limit_is_recorded_late_not_refused(app, world, december):
    with app.app_context():
        # the term ends in 2 months: the start "3 months before" is already late, but still happens
        procedure = factories.start(_compound(world), term_ends_on=date(2027, 1, 31))
        step = operations.complete_step(_step(procedure, "R2_start"), on=date(2026, 11, 30))
        assert step.state == "submitted"
        view = next(v for v in timeline(procedure, effective_settings(procedure.compound)) if v.step.key == "R2_start")
        assert view.late_note and "指导规则" in view.late_note


def test_a_step_cannot_be_recorded_in_the_future(app, world, december):
    with app.app_context():
        procedure = factories.start(_compound(world))
        with pytest.raises(ProcedureError, match="晚于今天"):
            operations.complete_step(_step(procedure, "R2_start"), on=date(2026, 12, 2))


def test_complete_action_without_a_procedure_or_step_returns_none(app, world, december):
    with app.app_context():
        assert operations.complete_action(_compound(world), "vote", on=date(2026, 11, 1)) is None
        factories.start(_compound(world), "formation")
        assert operations.complete_action(_compound(world), "no_such_action", on=date(2026, 11, 1)) is None


def test_complete_action_refuses_a_step_whose_prerequisites_are_open(app, world, december):
    with app.app_context():
        factories.start(_compound(world))
        with pytest.raises(ProcedureError, match="前置步骤"):
            operations.complete_action(_compound(world), "nominations", on=date(2026, 11, 1))


def test_the_vote_action_records_the_election_date_and_documents(app, world, december):
    with app.app_context():
        compound = _compound(world)
        procedure = factories.procedure_with_meeting_notice(compound, posted_on=date(2026, 11, 1),
                                                            meeting_on=date(2026, 11, 16))
        step = operations.complete_action(compound, "vote", on=date(2026, 11, 16), note="投票结束",
                                          documents=[("计票.pdf", b"%PDF-1.4 x")])
        assert step.key == "R8a_vote" and step.state == "done" and step.note == "投票结束"
        assert procedure.election_on == date(2026, 11, 16)
        assert [d.filename for d in step.documents] == ["计票.pdf"]
        with pytest.raises(ProcedureError):
            operations.complete_action(compound, "vote", on=date(2026, 11, 16))  # already done


@pytest.mark.parametrize("data,ok", [
    (b"%PDF-1.7 ...", True), (b"\xff\xd8\xff\xe0 jpeg", True), (b"\x89PNG\r\n\x1a\n....", True),
    (b"GIF89a", False), (b"", False), (b"PK\x03\x04 docx", False),
])
def test_documents_are_checked_by_their_first_bytes(app, world, december, data, ok):
    with app.app_context():
        procedure = factories.start(_compound(world))
        step = _step(procedure, "R2_start")
        if ok:
            document = operations.add_document(step, "../../etc/scan", data)
            assert document.filename == "scan" and operations.document_file(document).data == data
        else:
            with pytest.raises(ProcedureError):
                operations.add_document(step, "x.pdf", data)


def test_a_document_over_the_size_limit_is_refused(app, world, december):
    app.config["UPLOAD_MAX_BYTES"] = 100
    with app.app_context():
        procedure = factories.start(_compound(world))
        with pytest.raises(ProcedureError, match="上限"):
            operations.add_document(_step(procedure, "R2_start"), "big.pdf", b"%PDF-" + b"0" * 200)


def test_the_procedure_completes_when_every_step_is_settled(app, world, december):
    with app.app_context():
        procedure = factories.start(_compound(world))
        for step in procedure.steps:
            factories.settle(step, on=date(2026, 11, 1), officer=world.users.get("officer") if hasattr(world, "users") else None)
        assert procedure.status == "completed" and active_procedure(_compound(world)) is None
