import pytest
from pathlib import Path
pytestmark = pytest.mark.browser
OUT = "/tmp/shots"
AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")

def _axe(page):
    page.add_script_tag(content=AXE)
    return page.evaluate("async () => { const r = await axe.run(document); return r.violations.map(v => v.id + ' x' + v.nodes.length + ' ' + v.nodes[0].target.join(' ')); }")

def test_shots(live_server, browser, log_in):
    for who in ("organiser", "street"):
        for width in (390, 1280):
            context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN", bypass_csp=True)
            page = context.new_page()
            log_in(page, live_server, who)
            page.goto(f"{live_server}/compounds/ZT1Q/procedures/1")
            page.screenshot(path=f"{OUT}/{who}-{width}.png", full_page=True)
            h = page.evaluate("document.documentElement.scrollHeight")
            sw = page.evaluate("document.documentElement.scrollWidth")
            print(who, width, "height", h, "scrollWidth", sw, "axe closed:", _axe(page))
            page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
            print("   all open: height", page.evaluate("document.documentElement.scrollHeight"),
                  "scrollWidth", page.evaluate("document.documentElement.scrollWidth"), "axe:", _axe(page))
            if who == "organiser" and width == 390:
                page.goto(f"{live_server}/compounds/LD3Q/procedures/2")
                page.screenshot(path=f"{OUT}/organiser-ld-{width}.png", full_page=True)
                print("LD axe", _axe(page))
                page.goto(f"{live_server}/compounds/ZT1Q/procedures/1")
                page.click("text=English")
                page.wait_for_timeout(500)
                page.goto(f"{live_server}/compounds/ZT1Q/procedures/1")
                page.screenshot(path=f"{OUT}/organiser-en-{width}.png", full_page=True)
            context.close()
    context = browser.new_context(viewport={"width": 390, "height": 900}, locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    log_in(page, live_server, "street")
    page.goto(f"{live_server}/compounds/LD3Q/procedures/2")
    page.screenshot(path=f"{OUT}/street-ld-390.png", full_page=True)
    print("street LD axe", _axe(page))
    context.close()
