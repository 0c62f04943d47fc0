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
    assert b.kind == "reelection" and b.current_step_title
    login_as("mentor")
    html = client.get("/workshop/").get_data(as_text=True)
    assert b.current_step_title in html
    order = re.findall(r'data-compound="([^"]+)"', html)
    if b.is_overdue:
        assert order[:2] == ["B", "A"]
        assert f"程序期限已逾期 {b.overdue_steps} 项" in html
    else:
        assert order[:2] == ["A", "B"]
