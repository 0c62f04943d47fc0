"""The functions other features code against: vote_gate, procedure_overview, active_procedure;
and rule data checked at start-up."""
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import event

from committee_app import create_app
from committee_app.extensions import db
from committee_app.procedures import operations
from committee_app.procedures.operations import ProcedureError
from committee_app.procedures.util import active_procedure, procedure_overview, vote_gate
from committee_app.registry.models import Compound
from tests.procedures import factories


def _compound(world, name="a"):
    return db.session.get(Compound, getattr(world, name))


def test_a_vote_may_open_15_days_after_the_notice_counting_inclusively(app, world, december):
    with app.app_context():
        compound = _compound(world)
        factories.procedure_with_meeting_notice(compound, posted_on=date(2026, 11, 1), meeting_on=date(2026, 11, 16))
        assert vote_gate(compound, date(2026, 11, 16)) is None
        assert vote_gate(compound, date(2026, 11, 20)) is None
        reason = vote_gate(compound, date(2026, 11, 15))
        assert reason and "《物业管理条例》第十四条" in reason and "2026-11-16" in reason


def test_a_vote_may_not_open_before_the_announced_meeting_date(app, world, december):
    with app.app_context():
        compound = _compound(world)
        factories.procedure_with_meeting_notice(compound, posted_on=date(2026, 11, 1), meeting_on=date(2026, 11, 25))
        reason = vote_gate(compound, date(2026, 11, 20))
        assert reason and "2026-11-25" in reason
        assert vote_gate(compound, date(2026, 11, 25)) is None


def test_no_vote_before_the_meeting_notice_is_done(app, world, december):
    with app.app_context():
        compound = _compound(world)
        procedure = factories.start(compound, meeting_on=date(2026, 12, 20))
        reason = vote_gate(compound, date(2026, 12, 20))
        assert reason and "《物业管理条例》第十四条" in reason and "会议通知" in reason
        # the meeting notice cannot be waived (PMR art 14), and one waived before that rule does not open the vote
        factories.settle_before(procedure, "R7_meeting_notice", on=date(2026, 11, 1))
        notice_step = next(s for s in procedure.steps if s.key == "R7_meeting_notice")
        with pytest.raises(ProcedureError, match="法定步骤"):
            operations.waive_step(notice_step, "测试")
        notice_step.waive("旧数据：组织方自行豁免")
        assert not notice_step.is_settled
        assert "未经街道办事处批准" in vote_gate(compound, date(2026, 12, 20))


def test_a_compound_without_a_procedure_is_not_gated(app, world):
    with app.app_context():
        assert active_procedure(_compound(world)) is None
        assert vote_gate(_compound(world), date(2026, 11, 1)) is None


def test_the_overview_summarises_each_active_procedure(app, world, december):
    with app.app_context():
        a, b = _compound(world, "a"), _compound(world, "b")
        procedure = factories.start(a, term_ends_on=date(2027, 5, 31), meeting_on=date(2026, 12, 10))
        operations.complete_step(procedure.steps[0], on=date(2026, 11, 2))  # R2 submitted, waits for sign-off
        factories.start(b, "formation", application_on=date(2026, 9, 1))  # F2 due 2026-10-31: overdue
        overview = procedure_overview([world.a, world.b, world.c])
        assert set(overview) == {world.a, world.b}
        first = overview[world.a]
        assert first.kind == "reelection" and first.title == "业主委员会换届选举"
        assert first.current_step_key == "R2_start" and first.signoffs_waiting == 1
        # R4/R7 due 2026-11-25 have passed (today 2026-12-01); R6b due 2026-12-03 is next
        assert first.overdue_steps == 2 and first.is_overdue
        assert first.next_due_on == date(2026, 12, 3)
        second = overview[world.b]
        assert second.current_step_key == "F1_developer_handover"
        assert second.overdue_steps == 1 and second.next_due_on is None and second.signoffs_waiting == 0


def _count_queries(app):
    counter = {"n": 0}

    def before(*_args, **_kwargs):
        counter["n"] += 1
    event.listen(db.engine, "before_cursor_execute", before)
    return counter, lambda: event.remove(db.engine, "before_cursor_execute", before)


def test_the_overview_uses_the_same_number_of_queries_for_one_or_three_compounds(app, world, december):
    with app.app_context():
        factories.start(_compound(world, "a"))
        db.session.commit()
        db.session.expire_all()
        counter, stop = _count_queries(app)
        procedure_overview([world.a])
        one = counter["n"]
        stop()
        for name in ("b", "c"):
            factories.start(_compound(world, name), "formation")
        db.session.commit()
        db.session.expire_all()
        counter, stop = _count_queries(app)
        overview = procedure_overview([world.a, world.b, world.c])
        three = counter["n"]
        stop()
        assert len(overview) == 3 and one == three == 2


def test_a_broken_rule_file_stops_start_up_naming_file_and_key(tmp_path, monkeypatch):
    from committee_app.rules import RuleDataError, get_rule_sets, loader

    source = Path(loader.DATA_DIR)
    for path in source.glob("*.yaml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    national = tmp_path / "national.yaml"
    national.write_text(national.read_text(encoding="utf-8").replace(
        "anchor: meeting_on, setting: meeting_notice_days", "anchor: meting_on, setting: meeting_notice_days"),
        encoding="utf-8")
    monkeypatch.setattr(loader, "DATA_DIR", tmp_path)
    get_rule_sets.cache_clear()
    try:
        with pytest.raises(RuleDataError) as broken:
            create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
        assert "national.yaml" in str(broken.value) and "deadline.anchor" in str(broken.value)
        assert "meting_on" in str(broken.value)
    finally:
        monkeypatch.undo()
        get_rule_sets.cache_clear()
