"""axe-core finds no accessibility violations on the key pages of every role, on a 390 px phone
and a 1280 px desktop (axe-core 4.14.1 vendored in tests/browser/vendor)."""
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")

# (who signs in, page): at least one journey page of each role
PAGES = [
    (None, "/login"),
    (None, "/board/ZT1Q"),
    ("owner", "/compounds/ZT1Q"),
    ("owner", "/compounds/ZT1Q/candidates"),
    ("owner", "/compounds/ZT1Q/proposals"),
    ("owner", "/compounds/ZT1Q/consultations/1"),
    ("owner", "/notifications"),
    ("owner", "/compounds/ZT1Q/committee"),
    ("organiser", "/compounds/ZT1Q/procedures/1"),
    ("organiser", "/compounds/ZT1Q/roll"),
    ("organiser", "/compounds/ZT1Q/nominations"),
    ("organiser", "/compounds/ZT1Q/votes"),
    ("organiser", "/compounds/ZT1Q/meetings"),
    ("organiser", "/compounds/ZT1Q/checklist"),
    ("organiser", "/compounds/ZT1Q/nominations/1"),
    ("organiser", "/compounds/ZT1Q/roll/versions/3"),
    ("organiser", "/compounds/ZT1Q/settings"),
    ("organiser", "/workshop/my-items"),
    ("street", "/oversight/"),
    ("street", "/oversight/compounds/ZT1Q"),
    ("street", "/oversight/compounds/BLHY"),  # findings with the form to mark one handled
    ("street", "/oversight/signoffs"),
    ("mentor", "/workshop/"),
    ("mentor", "/workshop/compounds/ZT1Q"),
    ("mentor", "/communities/1/recognition"),
    ("mentor", "/workshop/items"),
    ("mentor", "/workshop/events"),
    ("admin", "/admin/users"),
    ("admin", "/admin/registry"),
    ("admin", "/admin/users/4"),
    ("admin", "/points"),
]


def _violations(page) -> list[str]:
    page.add_script_tag(content=AXE)
    result = page.evaluate("async () => { const r = await axe.run(document); return r.violations.map("
                           "v => ({id: v.id, n: v.nodes.length, target: v.nodes[0].target.join(' '),"
                           " summary: v.nodes[0].failureSummary})); }")
    return [f"{v['id']} ×{v['n']} first at {v['target']}: {v['summary']}" for v in result]


@pytest.mark.parametrize("width", [390, 1280])
def test_key_pages_of_every_role_have_no_axe_violations(live_server, browser, log_in, width):
    found: dict[str, list[str]] = {}
    checked = 0
    for who in sorted({who for who, _path in PAGES}, key=lambda name: name or ""):
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN",
                                      bypass_csp=True)  # to inject axe; the app's own pages run no inline script
        page = context.new_page()
        page.set_default_timeout(15_000)
        if who:
            log_in(page, live_server, who)
        for _who, path in (entry for entry in PAGES if entry[0] == who):
            response = page.goto(live_server + path)
            assert response.status == 200, (who, path, response.status)
            violations = _violations(page)
            checked += 1
            if violations:
                found[f"{who or 'anonymous'} {path}"] = violations
        context.close()
    assert checked == len(PAGES) >= 15
    assert found == {}, "\n".join(f"{where}:\n  " + "\n  ".join(v) for where, v in found.items())
