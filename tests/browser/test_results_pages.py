"""The pages that reflect a counted election and the support chart, seen as an owner on a phone and a
desktop: the owner's home shows who was elected with the result notice and the ballot box, the public
board links them, a proposal shows its support against the 20% line; axe-core finds no violations."""
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
NAMES = ["陈志宏", "王秀英", "李建军", "张丽华", "刘洋", "赵敏", "孙国平"]


def _axe(page) -> list[str]:
    page.add_script_tag(content=AXE)
    return page.evaluate("async () => (await axe.run(document)).violations.map(v => v.id + ' ' + v.nodes[0].target)")


def counted_election(app) -> int:
    """中铁一期's re-election counted and its result notice posted: five of seven candidates elected."""
    from committee_app.extensions import db
    from committee_app.registry.models import Compound, Voter
    from committee_app.voting import operations
    from committee_app.voting.models import Candidate

    with app.app_context():
        compound = db.session.scalar(db.select(Compound).where(Compound.code == "ZT1Q"))
        vote = operations.create_election(compound, title="中铁一期第三届业主委员会选举", seats=5)
        for position, name in enumerate(NAMES, start=1):  # in the procedure only the finalised list is typed in
            db.session.add(Candidate(vote_id=vote.id, name=name, position=position))
        db.session.flush()
        operations.open_vote(vote, compound, enforce_gate=False)
        ids = list(db.session.scalars(db.select(Candidate.id).where(Candidate.vote_id == vote.id)
                                      .order_by(Candidate.position)))
        voters = list(db.session.scalars(db.select(Voter.id).where(Voter.compound_id == compound.id)))
        for voter_id in voters[: len(voters) * 9 // 10]:
            operations.cast_online(vote, voter_id, operations.Selection(tuple(sorted(ids[:5]))))
        operations.close_vote(vote, compound, reason="测试：提前截止")
        operations.count_vote(vote, compound)
        operations.post_result_notice(vote, compound)
        db.session.commit()
        return vote.id


@pytest.mark.parametrize("width", [390, 1280])
def test_an_owner_sees_the_elected_committee_and_the_support_chart(app, live_server, browser, log_in, width):
    vote_id = counted_election(app)
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, live_server, "owner")
    page.goto(f"{live_server}/compounds/ZT1Q")
    result = page.locator("#election-result")
    expect(result).to_contain_text("当选委员 5 人")
    for masked in ("陈*宏", "王*英", "李*军", "张*华", "刘*"):
        expect(page.locator("#elected-members")).to_contain_text(masked)
    expect(page.locator("body")).not_to_contain_text("换届选举程序已启动")
    expect(page.locator("body")).not_to_contain_text("陈志宏")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert _axe(page) == []
    result.get_by_role("link", name="表决结果公告").click()
    expect(page.locator("body")).to_contain_text("表决结果公告")
    page.go_back()
    page.locator("#election-result").get_by_role("link", name="公开票箱（核对回执）").click()
    expect(page.locator("#box")).to_be_visible()
    assert _axe(page) == []

    page.goto(f"{live_server}/board/ZT1Q")
    expect(page.locator(f"#board-vote-{vote_id}")).to_contain_text("表决结果公告")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert _axe(page) == []
    context.close()

    # a proposal of 绿地三期 past the 20% line, with its chart
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, live_server, "owner_ld")
    page.goto(f"{live_server}/compounds/LD3Q/proposals")
    hrefs = page.locator("main a[href*='/proposals/']").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert hrefs
    for href in hrefs:
        page.goto(live_server + href)
        expect(page.locator("#support-chart")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert _axe(page) == [], href
    context.close()
