"""Nominations in a real browser on a 360 px phone: an owner nominates themselves, an
organiser finds a nominee on the roll by unit."""
import pytest

from tests.browser.conftest import browser, live_server, log_in, phone  # noqa: F401  (shared fixtures)

pytestmark = pytest.mark.browser


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 360 + 1


def test_an_owner_nominates_themselves_on_a_phone(live_server, phone, log_in):  # noqa: F811
    log_in(phone, live_server, "owner")
    phone.goto(f"{live_server}/compounds/ZT1Q")
    with phone.expect_navigation():
        phone.click("text=候选人与自荐")
    assert fits_the_phone(phone)
    with phone.expect_navigation():
        phone.click("text=我要自荐")
    assert fits_the_phone(phone)
    phone.fill("textarea[name=statement]", "我愿意为业主服务，时间充裕。")
    phone.fill("textarea[name=biography]", "退休教师")
    with phone.expect_navigation():
        phone.click("button:has-text('提交自荐')")
    assert "您的自荐已提交" in phone.content()
    assert "审查中" in phone.locator("#my-nominations").inner_text()


def test_an_organiser_finds_a_nominee_by_unit_and_sees_the_checklist(live_server, phone, log_in):  # noqa: F811
    log_in(phone, live_server, "organiser")
    phone.goto(f"{live_server}/compounds/ZT1Q/nominations")
    assert fits_the_phone(phone)
    assert phone.locator("#nominations tbody tr").count() == 4
    with phone.expect_navigation():
        phone.click("text=登记推荐")
    assert fits_the_phone(phone)
    phone.select_option("#channel", "joint")
    assert phone.locator("#joint-fields").is_visible()
    phone.fill("input[data-target=owner_id]", "2栋-1-1")
    visible = phone.evaluate("Array.from(document.getElementById('owner_id').options)"
                             ".filter(o => !o.hidden && o.value !== '0').map(o => o.text)")
    assert visible and all("2栋-1-1" in text for text in visible)
    phone.goto(f"{live_server}/compounds/ZT1Q/nominations")
    with phone.expect_navigation():
        phone.locator("#nominations tbody a").first.click()
    assert fits_the_phone(phone)
    assert phone.locator("[id^=check-]").count() == 13
