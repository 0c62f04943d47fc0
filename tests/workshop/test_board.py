"""The mentor's board: which compound needs attention and why, at a fixed query count."""
import re
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import event

from committee_app.accounts.models import User
from committee_app.extensions import db
from committee_app.registry import operations as registry
from committee_app.registry.models import Community
from committee_app.workshop import util

from .factories import log_session


def board_order(html: str) -> list[str]:
    board = html.split('id="board"')[1].split('id="quiet"')[0] if 'id="quiet"' in html else html.split('id="board"')[1]
    return re.findall(r'data-compound="([^"]+)"', board)


def test_overdue_items_put_a_compound_first_and_count_with_a_frozen_clock(app, client, world, login_as, frozen_clock):
    frozen_clock(datetime(2026, 11, 26, 2, 0))  # 2026-11-26 in Shanghai
    with app.app_context():
        log_session(world.b, items=[("乙：明天到期", 1)])
        log_session(world.a, items=[("甲：今天到期", 0), ("甲：后天到期", 2)])
        db.session.commit()
    login_as("mentor")
    html = client.get("/workshop/").get_data(as_text=True)
    assert board_order(html) == ["A", "B"]  # A due today is sooner than B tomorrow; nothing overdue yet
    assert "项待办已逾期" not in html

    # two days later, Shanghai time: A's item due 11-26 and B's due 11-27 are overdue
    frozen_clock(datetime(2026, 11, 27, 16, 30))  # 2026-11-28 00:30 in Shanghai
    html = client.get("/workshop/").get_data(as_text=True)
    assert "1 项待办已逾期" in html
    with app.app_context():
        rows = {r.code: r for r in util.board_rows(db.session.get(User, world.users["mentor"]))}
    assert (rows["A"].open_items, rows["A"].overdue_items) == (2, 1)
    assert (rows["B"].open_items, rows["B"].overdue_items) == (1, 1)
    assert rows["A"].last_session_on == date(2026, 11, 23)


@dataclass
class FakeOverview:
    procedure_id: int
    kind: str
    title: str
    current_step_key: str
    current_step_title: str
    next_due_on: date | None
    overdue_steps: int
    is_overdue: bool


def test_an_overdue_procedure_deadline_comes_before_overdue_items(app, client, world, login_as, thursday, monkeypatch):
    with app.app_context():
        log_session(world.a, items=[("甲：已逾期", -2)], days_ago=5)
        db.session.commit()
    overview = FakeOverview(1, "reelection", "第三届业委会换届", "R7_meeting_notice", "公告业主大会会议",
                            date(2026, 11, 20), 1, True)
    monkeypatch.setattr(util, "procedures_available", lambda: True)
    monkeypatch.setattr(util, "procedure_overviews", lambda ids: {world.b: overview} if world.b in ids else {})
    login_as("mentor")
    html = client.get("/workshop/").get_data(as_text=True)
    assert board_order(html)[:2] == ["B", "A"]
    assert "程序期限已逾期 1 项" in html and "公告业主大会会议" in html


@contextmanager
def count_statements():
    statements = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


def add_compounds(app, community_id: int, start: int, count: int) -> None:
    """Compounds with a session, two items and (every other one) a re-election under way."""
    from committee_app.procedures import operations as procedures

    with app.app_context():
        community = db.session.get(Community, community_id)
        for n in range(start, start + count):
            compound = registry.create_compound(f"Q{n}", f"小区{n:03d}", community)
            db.session.flush()
            log_session(compound.id, items=[(f"事项{n}", n % 5 - 2), (f"事项{n}b", 3)])
            if n % 2:
                procedures.start_procedure(compound, "reelection", on=date(2026, 10, 1),
                                           meeting_on=date(2026, 12, 1 + n % 20))
        db.session.commit()


def test_the_board_query_count_does_not_grow_with_the_compounds(app, client, world, login_as, thursday):
    app.extensions["datacache"]["enabled"] = False  # the board computed each time (tests/perf covers the kept one)
    login_as("mentor")
    add_compounds(app, world.community, 1, 1)  # A, B and one more
    with app.app_context():
        with count_statements() as few:
            html = client.get("/workshop/").get_data(as_text=True)
    assert len(re.findall(r'data-compound="', html)) == 3
    add_compounds(app, world.community, 2, 27)  # 30 compounds
    with app.app_context():
        with count_statements() as many:
            html = client.get("/workshop/").get_data(as_text=True)
    assert len(re.findall(r'data-compound="', html)) == 30
    assert html.count("换届：") == 14
    print(f"board statements: 3 compounds {len(few)}, 30 compounds {len(many)}")
    assert len(few) == len(many), (len(few), len(many))
    assert len(many) <= 20  # the oversight facts (findings, terms) add their fixed queries, and the bell one
