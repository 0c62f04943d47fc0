"""The demo seeder and the sitting committee's term end."""
from datetime import date, datetime, timedelta

from sqlalchemy import select

from committee_app import clock
from committee_app.extensions import db
from committee_app.notices.models import Notice
from committee_app.procedures.util import active_procedure, procedure_overview, vote_gate
from committee_app.registry.models import Compound
from tests.procedures import factories


def test_the_demo_has_a_reelection_under_way_and_a_formation_at_its_start(app, runner, frozen_clock):
    frozen_clock(datetime(2026, 11, 26, 2, 0))
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        zt = db.session.scalar(select(Compound).where(Compound.name == "中铁一期"))
        ld = db.session.scalar(select(Compound).where(Compound.name == "绿地三期"))
        overview = procedure_overview([zt.id, ld.id])
        assert overview[zt.id].current_step_key == "R5_nominations" and not overview[zt.id].is_overdue
        assert overview[ld.id].kind == "formation" and overview[ld.id].signoffs_waiting == 1
        procedure = active_procedure(zt)
        today = clock.today()
        assert procedure.meeting_on - today >= timedelta(days=15)  # the meeting notice can still be lawful
        assert procedure.term_ends_on is not None
        notice = db.session.scalar(select(Notice).where(Notice.compound_id == zt.id, Notice.kind == "roll_notice"))
        assert notice.pdf.startswith(b"%PDF") and notice.is_in_publicity(today)
        assert vote_gate(zt, procedure.meeting_on) is not None  # no meeting notice yet


def test_a_reelection_takes_the_sitting_committees_term_end(app, world, frozen_clock):
    from committee_app.committees.operations import record_committee

    frozen_clock(datetime(2026, 12, 1, 2, 0))
    with app.app_context():
        compound = db.session.get(Compound, world.a)
        record_committee(compound, members=[("张三", None, "chair")], elected_on=date(2022, 6, 1),
                         term_ends_on=date(2027, 5, 31))
        procedure = factories.start(compound)
        assert procedure.term_ends_on == date(2027, 5, 31)
