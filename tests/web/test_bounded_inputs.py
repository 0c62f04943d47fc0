"""Every input bounded (issue 12, item 1): ids, pages, text lengths, NUL bytes, CSV cells, and a
health check that tells a read-only database from a busy one. Run on PostgreSQL too
(DATABASE_URL), where an over-long or NUL-holding value used to answer 500."""
from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from sqlalchemy import select

from committee_app.accounts.models import User
from committee_app.extensions import db
from committee_app.registry import operations as registry
from committee_app.registry.models import Compound
from tests.conftest import PASSWORD, login, roll_csv
from tests.jobs.helpers import document

HUGE = "99999999999999999999"
PAST_INT = str(2**31)


@pytest.mark.parametrize("url", [f"/ballot/{HUGE}", f"/ballot/{PAST_INT}", f"/compounds/A/votes/{PAST_INT}",
                                 f"/compounds/A/meetings/{HUGE}", f"/workshop/compounds/A/sessions/{PAST_INT}",
                                 f"/admin/users/{HUGE}", f"/board/A/notices/{PAST_INT}"])
def test_an_id_past_the_column_range_is_not_found(app, world, login_as, url):
    assert login_as("admin").get(url).status_code == 404


@pytest.mark.parametrize("page", [HUGE, PAST_INT, "-" + HUGE])
def test_a_page_number_past_the_range_is_not_found(app, world, login_as, page):
    assert login_as("organiser").get(f"/compounds/A/roll?page={page}").status_code == 404


def test_a_nul_byte_in_a_user_name_is_refused_with_a_message(app, client, world):
    response = client.post("/login", data={"username": "officer\x00", "password": PASSWORD})
    assert response.status_code == 400 and "空字符" in response.get_data(as_text=True)


def test_a_nul_byte_in_a_new_account_is_refused_and_nothing_is_saved(app, world, login_as):
    client = login_as("admin")
    response = client.post("/admin/users", data={"username": "clerk", "display_name": "王\x00五",
                                                 "password": "long-enough-1"})
    assert response.status_code == 400 and "空字符" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(User).where(User.username == "clerk")) is None


def test_a_nul_byte_in_a_title_is_refused(app, world, login_as):
    client = login_as("organiser")
    response = client.post("/compounds/A/proposals/new", data={"title": "修缮\x00电梯", "body": "内容"})
    assert response.status_code == 400 and "空字符" in response.get_data(as_text=True)


def test_a_nul_byte_in_an_upload_file_name_is_refused(app, world, login_as):
    from tests.workshop.factories import PDF_BYTES, ensure_access_fixtures

    with app.app_context():
        session_id = ensure_access_fixtures(world)["session"]
    client = login_as("mentor")
    response = client.post(f"/workshop/compounds/A/sessions/{session_id}/files",
                           data={"files": (io.BytesIO(PDF_BYTES), "advice\x00.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 400 and "文件名" in response.get_data(as_text=True)


def test_a_roll_with_a_unit_number_longer_than_its_column_is_refused(app, world, login_as):
    client = login_as("organiser")
    roll = roll_csv(["1栋,1-" + "1" * 100 + ",100.00,张三,,已售,,"])
    response = client.post("/compounds/A/roll", data={"roll_file": (io.BytesIO(roll), "roll.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert "过长" in response.get_data(as_text=True)
    with app.app_context():
        assert registry.roll_summary(db.session.get(Compound, world.a)).units == 7  # the old roll stands


def test_a_roll_imported_from_the_command_line_with_an_over_long_building_is_refused(app, world, runner, tmp_path):
    path = tmp_path / "roll.csv"
    path.write_bytes(roll_csv(["楼" * 100 + ",1-101,100.00,张三,,已售,,"]))
    result = runner.invoke(args=["roll", "import", "A", str(path)])
    assert result.exit_code == 1 and "过长" in result.output


def test_the_oversight_csv_neutralises_formulas(app, world, login_as):
    with app.app_context():
        db.session.get(Compound, world.a).name = '=HYPERLINK("http://evil.example","点击")'
        db.session.get(Compound, world.b).name = "+1+1"
        db.session.commit()
    client = login_as("officer")
    export = document(app, client, client.post("/oversight/board-csv-job"))
    rows = list(csv.reader(io.StringIO(export.data.decode("utf-8-sig"))))
    names = {row[0]: row[1] for row in rows[1:]}
    assert names["A"] == "'=HYPERLINK(\"http://evil.example\",\"点击\")"
    assert names["B"] == "'+1+1"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_the_health_check_writes_to_the_database(app, client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json["database"] == "writable"
    from committee_app.web.models import HealthCheck
    with app.app_context():
        assert db.session.get(HealthCheck, 1) is not None


def test_a_read_only_database_is_reported_as_read_only_not_busy(app, client, database_url):
    from sqlalchemy import event

    with app.app_context():
        engine = db.engine

    def read_only(conn, cursor, statement, parameters, context, executemany):
        if db.engine.dialect.name == "postgresql":
            cursor.execute("SET TRANSACTION READ ONLY")
        else:
            cursor.execute("PRAGMA query_only = ON")
    event.listen(engine, "before_cursor_execute", read_only)
    try:
        response = client.get("/healthz")
    finally:
        event.remove(engine, "before_cursor_execute", read_only)
        with app.app_context():
            if db.engine.dialect.name == "sqlite":
                db.session.remove()
                db.engine.dispose()
    assert response.status_code == 503
    assert response.json["database"] == "read_only" and "只读" in response.json["message"]
    assert "正忙" not in response.json["message"]


def test_a_full_disk_is_reported_as_full():
    from sqlalchemy.exc import OperationalError

    from committee_app.web.transaction import database_problem

    class Full(Exception):
        sqlstate = "53100"

    assert database_problem(OperationalError("INSERT", {}, Full("could not extend file: No space left"))).kind == "full"
    assert database_problem(OperationalError("INSERT", {}, Exception("database or disk is full"))).kind == "full"
    assert database_problem(OperationalError("INSERT", {}, Exception("database is locked"))).kind == "busy"


def test_a_committee_member_name_longer_than_its_column_is_refused_on_the_page(app, world, login_as):
    from committee_app.committees.util import current_committee

    client = login_as("organiser")
    response = client.post("/compounds/A/committee", data={
        "members": "张" * 300 + "，主任", "elected_on": "2026-11-01"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "过长" in page and "张" * 300 in page  # the posted form is shown again
    with app.app_context():
        assert current_committee(db.session.get(Compound, world.a)) is None
