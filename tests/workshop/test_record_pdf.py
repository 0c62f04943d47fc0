"""The coaching record PDF the street office reads: sessions, advice, items and their outcome."""
import re
import shutil
import subprocess

import pytest

from committee_app.extensions import db
from committee_app.workshop import operations
from committee_app.workshop.models import ActionItem

from .factories import log_session

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "record.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", "", text)


@needs_poppler
def test_the_street_officer_reads_the_coaching_record(app, client, world, login_as, thursday, tmp_path):
    with app.app_context():
        session = log_session(world.a, days_ago=10, guests=("楼栋长 王德明", "网格员 赵喆"),
                              items=[("核对业主名册面积", -3), ("书面报告街道办", 5), ("组织议事会", 9)])
        by_title = {i.title: i for i in session.items}
        operations.complete_item(by_title["书面报告街道办"], session.held_on, "已报告郫筒街道")
        operations.drop_item(by_title["组织议事会"], "待业委会成立后再议")
        log_session(world.b, items=[("乙小区的事项", 3)])
        db.session.commit()
    login_as("community_officer")
    response = client.get("/workshop/compounds/A/coaching-record.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data, tmp_path)
    for expected in ("业委会主任工作室辅导记录", "甲小区", "2026-11-16", "楼栋长王德明、网格员赵喆", "换届选举",
                     "按程序推进换届。", "核对业主名册面积", "已逾期", "逾期3天", "已完成", "2026-11-16完成：已报告郫筒街道",
                     "已撤销", "撤销理由：待业委会成立后再议", "会谈：1次", "待办事项：3项"):
        assert expected in text, expected
    assert "乙小区的事项" not in text
    fonts = subprocess.run(["pdffonts", str(tmp_path / "record.pdf")], capture_output=True, text=True).stdout
    assert "NotoSansCJK" in fonts.replace("-", "")
    with app.app_context():
        assert db.session.query(ActionItem).count() == 4  # reading changed nothing


def test_the_seeded_demo_shows_the_workshop(app, runner, login_as, client, thursday):
    from committee_app.accounts.models import User
    from tests.conftest import login

    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        mentor = db.session.scalar(db.select(User).where(User.username == "mentor"))
        assert "精城名典业委会主任" in mentor.display_name
    assert login(client, "mentor", "demo1234").status_code == 302
    board = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert "双柏社区业委会主任工作室" in board
    first_three = re.findall(r'data-compound="([^"]+)"', board)[:3]
    assert set(first_three) == {"LD3Q", "ZT1Q", "ZT2Q"}
    assert "项待办已逾期" in board
    events = client.get("/workshop/events").get_data(as_text=True)
    assert "业委会履职的法律边界" in events and "微学堂" in events and "到场" in events
    login(client, "organiser", "demo1234")
    page = client.get("/compounds/ZT1Q").get_data(as_text=True)
    assert "工作室导师的待办事项" in page and "整理上届业委会会议记录" in page
