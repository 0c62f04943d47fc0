import os
import pytest
pytestmark = pytest.mark.browser
OUT = "/tmp/shots"

def test_shots(live_server, browser, log_in):
    for who in ("organiser", "street"):
        for width in (390, 1280):
            context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
            page = context.new_page()
            log_in(page, live_server, who)
            page.goto(f"{live_server}/compounds/ZT1Q/procedures/1")
            page.screenshot(path=f"{OUT}/{who}-{width}.png", full_page=True)
            h = page.evaluate("document.documentElement.scrollHeight")
            sw = page.evaluate("document.documentElement.scrollWidth")
            print(who, width, "height", h, "scrollWidth", sw)
            context.close()
