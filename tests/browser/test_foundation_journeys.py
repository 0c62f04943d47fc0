"""A new user's first steps, in a real browser on a phone-sized screen."""
import io

import openpyxl
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_each_demo_role_lands_on_a_page_that_makes_sense(live_server, phone, log_in):
    for username in ("admin", "street", "mentor", "organiser", "owner"):
        phone.context.clear_cookies()
        log_in(phone, live_server, username)
        assert "/login" not in phone.url, username
        assert phone.locator("h1").first.is_visible(), username
        # nothing is wider than the phone
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360 + 1, username


def test_an_organiser_imports_a_roll_from_excel_and_sees_a_bad_file_refused(app, live_server, phone, log_in, tmp_path):
    # 天府新城 has a roll but nothing else yet, so the whole roll may be replaced
    with app.app_context():
        from committee_app.accounts import operations as accounts
        from committee_app.accounts.models import Role
        from committee_app.extensions import db
        from committee_app.registry.models import Compound

        compound = db.session.scalar(db.select(Compound).where(Compound.code == "TFXC"))
        user = accounts.create_user("organiser_tf", "天府新城筹备组", "demo1234")
        accounts.grant_role(user, Role.ORGANISER, compound_id=compound.id)
        db.session.commit()
    log_in(phone, live_server, "organiser_tf")
    phone.goto(f"{live_server}/compounds/TFXC/roll")

    bad = tmp_path / "bad.csv"
    bad.write_text("楼栋,房号,面积,业主\n1栋,1-101,-5,张三\n1栋,1-101,90,李四\n", encoding="gbk")
    phone.set_input_files("input[name=roll_file]", str(bad))
    phone.click("#submit")
    errors = phone.locator("#roll-errors")
    expect(errors).to_be_visible()
    expect(errors).to_contain_text("2")
    expect(errors).to_contain_text("3")

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["楼栋", "房号", "面积", "业主", "业主编号"])
    sheet.append(["1栋", "1-101", 101.5, "测试业主喆", ""])
    sheet.append(["1栋", "1-102", 99, "测试业主堃", ""])
    path = tmp_path / "roll.xlsx"
    book.save(path)
    phone.set_input_files("input[name=roll_file]", str(path))
    phone.click("#submit")
    # a preview of the new roll first; replacing the roll asks for confirmation
    phone.click("#confirm-roll")
    dialog = phone.locator("#confirm-dialog")
    expect(dialog).to_contain_text("替换当前名册")
    dialog.get_by_role("button", name="确认执行").click()
    expect(phone.locator(".alert-success")).to_contain_text("已生效")
    expect(phone.locator("table").first).to_contain_text("测试业主喆")

    phone.get_by_role("button", name="生成名册公示 PDF").click()  # a background job: the page follows it
    link = phone.locator("a[href$='/download']")
    expect(link).to_be_visible()
    with phone.expect_download() as download_info:
        link.click()
    pdf = download_info.value.path().read_bytes()
    assert pdf.startswith(b"%PDF")


def test_the_english_switch_on_a_phone(live_server, phone):
    phone.goto(f"{live_server}/login")
    phone.click("button[name=locale][value=en]")  # in the top bar, outside the collapsed menu
    expect(phone.locator("h1")).to_have_text("Log in")
