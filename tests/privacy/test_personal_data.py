"""Personal data (issue 12, item 7): the public board's roll notice shows masked names and no
phone numbers; the full roll is for admin, the organiser and a street officer in scope, and
every view or download of it is audited with who and when."""
import json
import shutil
import subprocess
from datetime import date, datetime

import pytest
from sqlalchemy import select

from committee_app.audit.models import AuditEntry
from committee_app.extensions import db
from committee_app.notices.models import Notice
from committee_app.procedures.models import Procedure
from committee_app.registry import operations as registry
from committee_app.registry.models import Compound
from tests.conftest import roll_csv
from tests.procedures import factories
from tests.jobs.helpers import document, run_queued

PHONE_ROLL = roll_csv([
    "1栋,1-101,100.00,张三丰,R1,已售,13812345678,",
    "1栋,1-102,80.50,张三丰,R1,已售,13812345678,",
    "1栋,1-201,90.00,李四、王芳,,已售,13900001111,",
    "1栋,1-202,95.25,John Smith,,已售,+86 139 2222 3333,",
    "2栋,2-101,120.00,,,未售,,",
])
FULL_NAMES = ("张三丰", "李四", "王芳", "John Smith")
PHONES = ("13812345678", "13900001111", "139 2222 3333", "13922223333")


def pdf_text(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True,
                          check=True).stdout.decode("utf-8")


def accesses(app):
    with app.app_context():
        return [(e.actor_name, json.loads(e.after)["what"], e.at) for e in db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "personal_data.access").order_by(AuditEntry.seq))]


@pytest.fixture
def roll_with_phones(app, world):
    with app.app_context():
        registry.import_roll(db.session.get(Compound, world.a), "roll.csv", PHONE_ROLL, imported_by="test")
        db.session.commit()


def test_anonymous_visitors_get_the_roll_notice_with_masked_names_and_no_phones(app, client, world, login_as,
                                                                                roll_with_phones, frozen_clock):
    frozen_clock(datetime(2026, 12, 1, 2, 0))
    organiser = login_as("organiser")
    organiser.post("/compounds/A/procedures", data={"kind": "reelection"})
    with app.app_context():
        procedure = db.session.scalar(select(Procedure).where(Procedure.compound_id == world.a))
        factories.settle_before(procedure, "R4_roll_notice", on=date(2026, 11, 20))
        db.session.commit()
        procedure_id = procedure.id
    organiser.post(f"/compounds/A/procedures/{procedure_id}/roll-notice")
    organiser.post("/logout")
    run_queued(app)  # the worker renders the board's copy and attaches it to the notice
    with app.app_context():
        notice = db.session.scalar(select(Notice).where(Notice.kind == "roll_notice"))
        notice_id = notice.id
    # the full roll notice behind the login is closed to anonymous visitors
    assert client.post("/compounds/A/roll/notice-job").status_code == 302
    assert client.get("/compounds/A/roll").status_code == 302
    board = client.get("/board/A").get_data(as_text=True) + client.get(f"/board/A/notices/{notice_id}").get_data(
        as_text=True)
    for secret in FULL_NAMES + PHONES:
        assert secret not in board, secret
    response = client.get(f"/board/A/notices/{notice_id}.pdf")
    assert response.status_code == 200
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext not installed")
    text = pdf_text(response.data)
    for secret in FULL_NAMES + PHONES:
        assert secret not in text, secret
    flat = "".join(text.split())
    # each owner still finds their own unit and area
    assert "张*丰" in flat and "李*、王*" in flat and "J*S*" in flat and "1栋-1-202" in flat and "95.25" in flat
    assert "开发建设单位" in flat  # an organisation is not masked


def test_the_full_roll_is_for_the_roles_that_need_it_and_every_view_is_audited(app, client, world, login_as,
                                                                              roll_with_phones):
    for role in ("mentor", "owner", "outside_officer", "other_organiser"):
        login_as(role)
        assert client.get("/compounds/A/roll").status_code == 403, role
        assert client.post("/compounds/A/roll/notice-job").status_code == 403, role
    assert accesses(app) == []
    for role in ("organiser", "officer", "admin"):
        login_as(role)
        page = client.get("/compounds/A/roll")
        assert page.status_code == 200 and "张三丰" in page.get_data(as_text=True)
        pdf = document(app, client, client.post("/compounds/A/roll/notice-job"))
        assert pdf.status_code == 200 and pdf.headers["Cache-Control"] == "no-store"
    seen = accesses(app)
    assert [(actor, what) for actor, what, _at in seen] == [
        ("organiser", "roll.page"), ("organiser", "roll.notice_pdf"), ("officer", "roll.page"),
        ("officer", "roll.notice_pdf"), ("admin", "roll.page"), ("admin", "roll.notice_pdf")]
    assert all(at is not None for _actor, _what, at in seen)
    # the mentor keeps the counts on the compound page, without a way into the roll
    login_as("mentor")
    page = client.get("/compounds/A").get_data(as_text=True)
    assert "/compounds/A/roll" not in page


def test_the_board_copy_shows_the_roll_as_it_was_when_the_notice_was_posted(app, world, login_as,
                                                                            roll_with_phones, frozen_clock):
    """The PDF is rendered later by a worker; a roll version confirmed meanwhile does not change it."""
    frozen_clock(datetime(2026, 12, 1, 2, 0))
    organiser = login_as("organiser")
    organiser.post("/compounds/A/procedures", data={"kind": "reelection"})
    with app.app_context():
        procedure = db.session.scalar(select(Procedure).where(Procedure.compound_id == world.a))
        factories.settle_before(procedure, "R4_roll_notice", on=date(2026, 11, 20))
        db.session.commit()
        procedure_id = procedure.id
    assert organiser.post(f"/compounds/A/procedures/{procedure_id}/roll-notice").status_code == 302
    with app.app_context():  # before the worker runs, 1-202 is sold on and a new roll confirmed
        registry.import_roll(db.session.get(Compound, world.a), "roll-2.csv", roll_csv([
            "1栋,1-101,100.00,张三丰,R1,已售,,", "1栋,1-102,80.50,张三丰,R1,已售,,",
            "1栋,1-201,90.00,李四、王芳,,已售,,", "1栋,1-202,95.25,欧阳娜娜,,已售,,",
            "2栋,2-101,120.00,,,未售,,"]), imported_by="test")
        db.session.commit()
    run_queued(app)
    with app.app_context():
        notice = db.session.scalar(select(Notice).where(Notice.kind == "roll_notice"))
        assert notice.pdf.startswith(b"%PDF")
        data = notice.pdf
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext not installed")
    flat = "".join(pdf_text(data).split())
    assert "J*S*" in flat and "欧*" not in flat and "名册版本：第2版" in flat  # the version before roll-2.csv
