import pytest
pytestmark = pytest.mark.browser

@pytest.mark.parametrize("width", [390, 1280])
def test_shots(live_server, browser, log_in, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    log_in(page, live_server, "street")
    page.goto(f"{live_server}/oversight/")
    page.screenshot(path=f"/tmp/ov_board_{width}.png", full_page=True)
    page.goto(f"{live_server}/oversight/compounds/ZT1Q")
    page.screenshot(path=f"/tmp/ov_compound_{width}.png", full_page=True)
    print("SCROLL", page.evaluate("document.documentElement.scrollWidth"))
    context.close()
