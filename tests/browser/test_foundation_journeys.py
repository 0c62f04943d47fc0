"""A new user's first steps, in a real browser on a phone-sized screen."""
import io

import openpyxl
import pytest

pytestmark = pytest.mark.browser


def test_each_demo_role_lands_on_a_page_that_makes_sense(live_server, phone, log_in):
    for username in ("admin", "street", "mentor", "organiser", "owner"):
        phone.context.clear_cookies()
        log_in(phone, live_server, username)
        assert "/login" not in phone.url, username
        assert phone.locator("h1").first.is_visible(), username
        # nothing is wider than the phone
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360 + 1, username


def test_an_organiser_imports_a_roll_from_excel_and_sees_a_bad_file_refused(live_server, phone, log_in, tmp_path):
    log_in(phone, live_server, "organiser")
    phone.goto(f"{live_server}/compounds/ZT1Q/roll")

    bad = tmp_path / "bad.csv"
    bad.write_text("楼栋,房号,面积,业主\n1栋,1-101,-5,张三\n1栋,1-101,90,李四\n", encoding="gbk")
    phone.set_input_files("input[name=roll_file]", str(bad))
    phone.click("#submit")
    errors = phone.locator("#roll-errors")
    assert errors.is_visible()
    assert "2" in errors.inner_text() and "3" in errors.inner_text()

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["楼栋", "房号", "面积", "业主", "业主编号"])
    sheet.append(["1栋", "1-101", 101.5, "测试业主喆", ""])
    sheet.append(["1栋", "1-102", 99, "测试业主堃", ""])
    path = tmp_path / "roll.xlsx"
    book.save(path)
    phone.set_input_files("input[name=roll_file]", str(path))
    phone.click("#submit")
    assert "名册已导入" in phone.content()
    assert "测试业主喆" in phone.content()

    with phone.expect_download() as download_info:
        phone.evaluate("""() => { const a = document.querySelector("a[href$='notice.pdf']"); a.setAttribute('download', ''); a.click(); }""")
    pdf = download_info.value.path().read_bytes()
    assert pdf.startswith(b"%PDF")


def test_the_english_switch_on_a_phone(live_server, phone):
    phone.goto(f"{live_server}/login")
    phone.locator("button.navbar-toggler").click()
    phone.click("button[name=locale][value=en]")
    phone.wait_for_load_state()
    assert phone.locator("h1").inner_text() == "Log in"
