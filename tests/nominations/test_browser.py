"""Nominations in a real browser on a 360 px phone: an owner nominates themselves, an
organiser finds a nominee on the roll by unit.

Playwright's sync API allows one running instance per thread, and tests/browser keeps a
session-wide one open; so each test here drives its own Chromium in a worker thread.
"""
import threading

import pytest

from tests.browser.conftest import CHROMIUM, live_server  # noqa: F401  (the demo served on a free port)

pytestmark = pytest.mark.browser


def on_phone(base_url: str, username: str, steps) -> None:
    """Log in as ``username`` on a 360 px page and run ``steps(page)`` in a worker thread."""
    failure = []

    def run():
        from playwright.sync_api import sync_playwright

        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                                     args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
                try:
                    page = browser.new_context(viewport={"width": 360, "height": 780}, locale="zh-CN").new_page()
                    page.set_default_timeout(15_000)
                    page.goto(f"{base_url}/login")
                    page.fill("input[name=username]", username)
                    page.fill("input[name=password]", "demo1234")
                    with page.expect_navigation():
                        page.click("input[type=submit]")
                    steps(page)
                finally:
                    browser.close()
        except BaseException as error:  # noqa: BLE001 — re-raised in the test's thread
            failure.append(error)

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(timeout=120)
    assert not worker.is_alive(), "the browser did not finish in time"
    if failure:
        raise failure[0]


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 360 + 1


def test_an_owner_nominates_themselves_on_a_phone(live_server):  # noqa: F811
    def steps(phone):
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
    on_phone(live_server, "owner", steps)


def test_an_organiser_finds_a_nominee_by_unit_and_sees_the_checklist(live_server):  # noqa: F811
    def steps(phone):
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
    on_phone(live_server, "organiser", steps)
