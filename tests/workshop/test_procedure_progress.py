"""The board shows where each coached compound stands in its procedure (from the procedures feature)."""
import re
from datetime import date

import pytest

pytest.importorskip("committee_app.procedures")
factories = pytest.importorskip("tests.procedures.factories")

from committee_app.extensions import db  # noqa: E402
from committee_app.registry.models import Compound  # noqa: E402
from committee_app.workshop import util  # noqa: E402

from .factories import log_session  # noqa: E402


def test_a_compound_with_an_overdue_procedure_deadline_comes_first(app, client, world, login_as, thursday):
    with app.app_context():
        log_session(world.a, items=[("甲：已逾期", -2)], days_ago=5)
        # a re-election started in October whose general meeting is four days away: the
        # notice steps that had to happen before the meeting are late
        factories.start(db.session.get(Compound, world.b), "reelection", on=date(2026, 10, 1),
                        meeting_on=date(2026, 11, 30))
        db.session.commit()
        overview = util.procedure_overviews([world.a, world.b])
    assert set(overview) == {world.b}
    b = overview[world.b]
    assert (b.kind, b.current_step_key, b.is_overdue, b.overdue_steps) == ("reelection", "R2_start", True, 3)
    login_as("mentor")
    html = client.get("/workshop/").get_data(as_text=True)
    assert re.findall(r'data-compound="([^"]+)"', html)[:2] == ["B", "A"]
    card = html.split('data-compound="B"')[1].split('data-compound="A"')[0]
    assert b.current_step_title in card and "换届" in card
    assert "程序期限已逾期 3 项" in card
    assert "程序进度暂不可用" not in html


def test_the_board_says_when_no_procedure_is_under_way(app, client, world, login_as, thursday):
    with app.app_context():
        log_session(world.a, items=[("甲：下周", 7)])
        db.session.commit()
    login_as("mentor")
    html = client.get("/workshop/").get_data(as_text=True)
    assert "尚未启动成立或换届程序" in html


def test_the_coaching_page_shows_the_current_step_with_a_link(app, client, world, login_as, thursday):
    with app.app_context():
        procedure = factories.start(db.session.get(Compound, world.a), "reelection", on=date(2026, 10, 1),
                                    meeting_on=date(2026, 11, 30))
        procedure_id = procedure.id
        db.session.commit()
    login_as("mentor")
    html = client.get("/workshop/compounds/A").get_data(as_text=True)
    assert "任期届满前启动换届" in html and f"/compounds/A/procedures/{procedure_id}" in html
    assert "程序期限已逾期 3 项" in html
    board = client.get("/workshop/").get_data(as_text=True)
    assert f"/compounds/A/procedures/{procedure_id}" in board


def test_the_coaching_record_names_the_procedure_step(app, client, world, login_as, thursday, tmp_path):
    from .test_record_pdf import pdf_text

    with app.app_context():
        factories.start(db.session.get(Compound, world.a), "reelection", on=date(2026, 10, 1),
                        meeting_on=date(2026, 11, 30))
        log_session(world.a, items=[("核对名册", 3)])
        db.session.commit()
    login_as("officer")
    text = pdf_text(client.get("/workshop/compounds/A/coaching-record.pdf").data, tmp_path)
    assert "当前程序：业主委员会换届选举" in text and "已逾期步骤3项" in text
