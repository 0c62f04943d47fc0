"""The street officer's board: what it shows, for whom, in how many queries, and its CSV."""
from __future__ import annotations

import csv
import io
from contextlib import contextmanager
from datetime import date, timedelta

from sqlalchemy import event

from committee_app.committees import operations as committees
from committee_app.extensions import db
from committee_app.notices.operations import post_notice
from committee_app.procedures import operations as procedures
from committee_app.registry import operations as registry
from committee_app.registry.models import Community, Compound
from tests.jobs.helpers import document, run_queued


def _text(response) -> str:
    return response.get_data(as_text=True)


@contextmanager
def count_statements(app):
    """Count the SQL statements run inside the block."""
    statements = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", listener)


def test_the_board_lists_every_compound_in_the_officers_street(app, world, login_as, today):
    client = login_as("officer")
    page = _text(client.get("/oversight/"))
    assert "甲小区" in page and "乙小区" in page and "丙小区" not in page
    assert "监督看板" in page


def test_an_officer_of_another_street_sees_nothing_of_this_one(app, world, login_as, today):
    client = login_as("outside_officer")
    page = _text(client.get("/oversight/"))
    assert "甲小区" not in page and "乙小区" not in page and "丙小区" in page
    assert client.get("/oversight/compounds/A").status_code == 403
    export = document(app, client, client.post("/oversight/board-csv-job"))
    rows = list(csv.reader(io.StringIO(export.data.decode("utf-8-sig"))))
    assert [row[1] for row in rows[1:]] == ["丙小区"]
    assert "甲小区" not in _text(client.get("/oversight/signoffs"))


def test_a_community_officer_sees_only_their_community(app, world, login_as, today):
    client = login_as("community_officer")
    page = _text(client.get("/oversight/"))
    assert "甲小区" in page and "丙小区" not in page


def test_owners_organisers_and_mentors_have_no_board(app, world, login_as, today):
    for role in ("owner", "organiser", "mentor"):
        assert login_as(role).get("/oversight/").status_code == 403


def test_the_street_officer_lands_on_the_board(app, world, login_as, today):
    response = login_as("officer").get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/oversight/")


def test_the_board_shows_term_procedure_deadline_signoffs_and_findings(app, world, login_as, today):
    with app.app_context():
        a = db.session.get(Compound, world.a)
        committees.record_committee(a, members=[("张三", None, "chair")], elected_on=date(2021, 12, 1),
                                    term_ends_on=date(2026, 11, 30), filed_on=date(2021, 12, 20))
        b = db.session.get(Compound, world.b)
        procedure = procedures.start_procedure(b, "reelection", on=date(2026, 11, 1),
                                               term_ends_on=date(2027, 5, 31), meeting_on=date(2027, 1, 10))
        procedures.complete_step(procedure.steps[0], on=date(2026, 11, 2))
        db.session.commit()
    client = login_as("officer")
    page = _text(client.get("/oversight/"))
    assert "2026-11-30" in page and "任期已届满" in page and "任期届满前3个月启动换届" in page  # A: term over
    assert "业主委员会换届选举" in page and "2026-12-26" in page  # B: roll notice due 15 days before the meeting
    assert "待签核" in page
    findings_only = _text(client.get("/oversight/?findings=1"))
    assert "甲小区" in findings_only and "乙小区" not in findings_only
    overdue_only = _text(client.get("/oversight/?overdue=1"))
    assert "甲小区" in overdue_only and "乙小区" not in overdue_only


def test_the_board_sorts_and_filters_by_community_and_ignores_bad_values_with_a_message(app, world, login_as, today):
    with app.app_context():
        registry.create_compound("Z", "阿小区", db.session.get(Community, world.community))
        db.session.commit()
    client = login_as("admin")
    page = _text(client.get(f"/oversight/?community={world.other_community}"))
    assert "丙小区" in page and "甲小区" not in page
    page = _text(client.get("/oversight/?sort=community"))
    assert page.index("丙小区") < page.index("甲小区")  # 另一社区 sorts before 测试社区
    response = client.get("/oversight/?community=abc&sort=nope")
    assert response.status_code == 200
    page = _text(response)
    assert "社区筛选条件无效" in page and "排序方式无效" in page and "甲小区" in page


def test_the_csv_export_is_utf8_with_a_bom_so_excel_reads_chinese(app, world, login_as, today):
    client = login_as("officer")
    response = document(app, client, client.post("/oversight/board-csv-job", data={"sort": "name"}))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["小区编号", "小区", "社区"]
    assert {row[1] for row in rows[1:]} == {"甲小区", "乙小区"}
    assert all(row[2] == "测试社区" for row in rows[1:])


def test_the_board_query_count_does_not_grow_with_the_number_of_compounds(app, world, login_as, today):
    client = login_as("officer")
    _populate_range(app, world, 0, 3, today)
    client.get("/oversight/")  # warm the per-process caches (rule sets, checks)
    document(app, client, client.post("/oversight/board-csv-job"))
    with count_statements(app) as few:
        assert client.get("/oversight/").status_code == 200
    client.post("/oversight/board-csv-job")
    with count_statements(app) as csv_few:  # the export, made by the job (its own bookkeeping included)
        run_queued(app)
    _populate_range(app, world, 3, 30, today)
    client.get("/oversight/")  # the data changed: computed again (and kept in the data cache)
    with count_statements(app) as many:
        page = _text(client.get("/oversight/"))
    assert "测试小区029" in page and "测试小区000" in page
    assert len(many) == len(few), (len(few), len(many))
    export = client.post("/oversight/board-csv-job")
    with count_statements(app) as csv_many:
        run_queued(app)
    assert "测试小区029" in document(app, client, export).data.decode("utf-8-sig")
    assert len(csv_many) == len(csv_few), (len(csv_few), len(csv_many))


def _populate_range(app, world, start: int, stop: int, today: date) -> None:
    """Compounds ``start``..``stop`` in the officer's community, each with a committee, a
    procedure with a step waiting for sign-off, and a notice on its board."""
    with app.app_context():
        community = db.session.get(Community, world.community)
        for n in range(start, stop):
            compound = registry.create_compound(f"P{n:03d}", f"测试小区{n:03d}", community)
            elected = date(2022, 1, 1) + timedelta(days=n)
            committees.record_committee(compound, members=[("甲", None, "chair")], elected_on=elected,
                                        filed_on=elected + timedelta(days=10))
            procedure = procedures.start_procedure(compound, "reelection", on=today - timedelta(days=30),
                                                   term_ends_on=today + timedelta(days=120),
                                                   meeting_on=today + timedelta(days=40))
            procedures.complete_step(procedure.steps[0], on=today - timedelta(days=29))
            post_notice(compound, kind="committee_decision", title="决定", posted_on=today - timedelta(days=3))
        db.session.commit()


def test_the_boards_procedure_columns_equal_the_procedures_features_overview(app, world, login_as, today):
    from committee_app.oversight.facts import gather
    from committee_app.oversight.util import overview_of
    from committee_app.procedures.util import procedure_overview

    with app.app_context():
        a, b, c = (db.session.get(Compound, i) for i in (world.a, world.b, world.c))
        late = procedures.start_procedure(a, "reelection", on=date(2026, 9, 1), term_ends_on=date(2026, 12, 20),
                                          meeting_on=date(2026, 12, 20))  # R2 due 2026-09-20: overdue
        procedures.waive_step(late.steps[1], "街道另行组建")
        waiting = procedures.start_procedure(b, "reelection", on=date(2026, 11, 1), term_ends_on=date(2027, 6, 30),
                                             meeting_on=date(2027, 1, 20))
        procedures.complete_step(waiting.steps[0], on=date(2026, 11, 2))
        formation = procedures.start_procedure(c, "formation", on=date(2026, 11, 1), application_on=date(2026, 10, 20))
        procedures.waive_step(formation.steps[0], "建设单位已注销")  # awaiting the street office: still current
        db.session.commit()
        rows = [(x.id, x.code, x.name, x.rule_set, x.setting_overrides) for x in (a, b, c)]
        facts = gather(rows, today)
        expected = procedure_overview([a.id, b.id, c.id])
        for compound_id, compound_facts in facts.items():
            active = next(p for p in compound_facts.procedures if p.status == "active")
            assert overview_of(active, compound_facts.settings, today) == expected[compound_id]
        assert expected[a.id].overdue_steps == 1 and expected[b.id].signoffs_waiting == 1
        assert expected[c.id].current_step_key == "F1_developer_handover"
