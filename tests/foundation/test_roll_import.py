"""An organiser imports the owner roll: file formats, row-level errors, all-or-nothing."""
import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import func, select

from committee_app.audit.models import AuditEntry
from committee_app.extensions import db
from committee_app.features import hooks
from committee_app.registry import operations
from committee_app.registry.models import Compound, Unit, Voter
from tests.conftest import roll_csv
from tests.jobs.helpers import document

GOOD_ROWS = [
    "5栋,1-101,88.00,孙喆,,已售,13800000000,",
    "5栋,1-102,99.99,周堃,,已售,,",
]


def upload(client, code, filename, data):
    return client.post(f"/compounds/{code}/roll", data={"roll_file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def upload_and_confirm(client, code, filename, data):
    """Upload (the page shows the difference), then confirm the pending version."""
    response = upload(client, code, filename, data)
    assert response.status_code == 302 and "/roll/versions/" in response.headers["Location"], response.status_code
    return client.post(response.headers["Location"] + "/confirm")


def xlsx_bytes(rows):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def summary(app, compound_id):
    with app.app_context():
        return operations.roll_summary(db.session.get(Compound, compound_id))


def test_an_organiser_imports_a_roll_from_an_excel_file(app, client, world, login_as):
    login_as("organiser")
    data = xlsx_bytes([["楼栋", "房号", "面积", "业主", "业主编号", "状态", "车位"],
                       ["1栋", "1-101", 100, "张三", "R1", "已售", None],
                       ["1栋", "1-102", 80.5, "张三", "R1", "已售", None],
                       ["2栋", "2-101", 120.25, None, None, "未售", None],
                       ["车库", "P-1", 12, "李喆", None, "已售", "是"]])
    response = upload_and_confirm(client, "A", "名册.xlsx", data)
    assert response.status_code == 302
    result = summary(app, world.a)
    assert (result.units, result.voters, result.area) == (4, 3, Decimal("312.75"))
    with app.app_context():
        buyer = db.session.scalar(select(Voter).where(Voter.compound_id == world.a, Voter.key == "ref:R1"))
        assert buyer.unit_count == 2 and buyer.area == Decimal("180.50")
    page = client.get("/compounds/A/roll").get_data(as_text=True)
    assert "李喆" in page and "312.75" in page


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_in_each_encoding_committees_use(app, client, world, login_as, encoding):
    login_as("organiser")
    text = "楼栋,房号,面积,业主\n5栋,1-101,88.00,孙伟\n5栋,1-102,99.99,周敏\n"
    assert upload_and_confirm(client, "A", "roll.csv", text.encode(encoding)).status_code == 302
    assert summary(app, world.a).units == 2


@pytest.mark.parametrize("row, column, fragment", [
    ("5栋,1-103,,王五,,已售,,", "area", "面积"),
    ("5栋,1-103,0,王五,,已售,,", "area", "面积"),
    ("5栋,1-103,-3,王五,,已售,,", "area", "面积"),
    ("5栋,1-103,88.123,王五,,已售,,", "area", "面积"),
    ("5栋,1-101,88.00,王五,,已售,,", "unit", "1-101"),
    ("5栋,1-103,88.00,王五,,出租,,", "status", "状态"),
    ("5栋,1-103,88.00,,,已售,,", "owner", "业主"),
])
def test_a_bad_row_is_named_and_nothing_is_imported(app, client, world, login_as, row, column, fragment):
    login_as("organiser")
    before = summary(app, world.a)
    response = upload(client, "A", "roll.csv", roll_csv(GOOD_ROWS + [row]))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "未导入任何数据" in page and fragment in page
    assert ">4<" in page  # the bad row is the file's fourth line
    assert summary(app, world.a) == before


def test_one_owner_ref_with_two_names_is_refused(app, client, world, login_as):
    login_as("organiser")
    response = upload(client, "A", "roll.csv", roll_csv(["1栋,1-1,90,张三,X1,已售,,", "1栋,1-2,90,李四,X1,已售,,"]))
    assert response.status_code == 400
    assert "X1" in response.get_data(as_text=True)


def test_wrong_columns_and_unreadable_files_are_refused(app, client, world, login_as):
    login_as("organiser")
    before = summary(app, world.a)
    assert upload(client, "A", "roll.csv", "building,flat\n1,2\n".encode()).status_code == 400
    assert upload(client, "A", "roll.xlsx", b"PK\x03\x04 not really a workbook").status_code == 400
    assert upload(client, "A", "roll.csv", bytes(range(256)) * 4).status_code == 400
    assert upload(client, "A", "roll.pdf", b"%PDF-1.4").status_code == 400
    assert summary(app, world.a) == before


def test_a_reimport_is_refused_once_a_vote_has_opened(app, client, world, login_as):
    hooks(app).roll_locks.append(lambda compound: "已有表决开始" if compound.code == "A" else None)
    login_as("organiser")
    response = upload(client, "A", "roll.csv", roll_csv(GOOD_ROWS))
    assert response.status_code == 400
    assert "已有表决开始" in response.get_data(as_text=True)
    assert upload(client, "B", "roll.csv", roll_csv(GOOD_ROWS)).status_code == 403  # not her compound


def test_a_reimport_keeps_voter_ids_of_owners_still_on_the_roll(app, world):
    with app.app_context():
        compound = db.session.get(Compound, world.a)
        before = db.session.scalar(select(Voter.id).where(Voter.compound_id == world.a, Voter.key == "ref:R1"))
        operations.import_roll(compound, "roll.csv", roll_csv(["1栋,1-101,100.00,张三,R1,已售,,",
                                                               "9栋,9-9,50.00,新业主,,已售,,"]))
        db.session.commit()
        after = db.session.scalar(select(Voter.id).where(Voter.compound_id == world.a, Voter.key == "ref:R1"))
        assert before == after
        assert db.session.scalar(select(func.count(Unit.id)).where(Unit.compound_id == world.a)) == 2
        assert operations.roll_summary(compound).area == Decimal("150.00")


def test_the_import_is_audited(app, client, world, login_as):
    login_as("organiser")
    upload_and_confirm(client, "A", "roll.csv", roll_csv(GOOD_ROWS))
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "roll.import")
                                   .order_by(AuditEntry.seq.desc())).first()
        assert entry.actor_name == "organiser" and '"units":2' in entry.after


def test_the_roll_notice_pdf_shows_names_as_real_glyphs(app, client, world, login_as, tmp_path):
    import shutil
    import subprocess

    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils (pdftotext) is not installed")
    login_as("organiser")
    response = document(app, client, client.post("/compounds/A/roll/notice-job"))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    path = tmp_path / "notice.pdf"
    path.write_bytes(response.data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    for expected in ("甲小区", "赵喆", "钱堃", "李四、王芳", "607.75"):
        assert expected in text


def test_a_voter_other_records_point_at_leaves_the_roll_but_keeps_their_record(app, world):
    from committee_app.committees.models import CommitteeMember
    from committee_app.committees.operations import install_committee

    with app.app_context():
        compound = db.session.get(Compound, world.a)
        zhao = db.session.scalar(select(Voter).where(Voter.compound_id == world.a, Voter.display_name == "赵喆"))
        install_committee(compound, members=[("赵喆", zhao.id, "chair")], elected_on=date(2026, 1, 10))
        db.session.commit()
        version = operations.import_roll(compound, "roll.csv", roll_csv(GOOD_ROWS))
        db.session.commit()
        assert version.number == 2 and version.diff["leaves"]["count"] == 5
        assert operations.roll_summary(compound).voters == 2
        zhao = db.session.get(Voter, zhao.id)
        assert not zhao.is_on_roll and zhao.display_name == "赵喆"
        assert db.session.scalar(select(CommitteeMember.voter_id).where(CommitteeMember.name == "赵喆")) == zhao.id
