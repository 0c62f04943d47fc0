"""An organiser meets a confirmation before every irreversible step: closing a vote early asks first,
says what cannot be undone, and cancelling leaves the vote open."""
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def open_vote(app):
    """An open two-seat by-election at 天府新城 whose meeting notice stood 15 days."""
    from datetime import timedelta

    from committee_app import clock
    from committee_app.extensions import db
    from committee_app.notices.operations import post_notice
    from committee_app.registry.models import Compound
    from committee_app.voting import operations

    with app.app_context():
        compound = db.session.scalar(db.select(Compound).where(Compound.code == "TFXC"))
        post_notice(compound, kind="meeting_notice", title="业主大会会议通知", posted_on=clock.today() - timedelta(days=15))
        vote = operations.create_election(compound, title="天府新城业主委员会选举（确认测试）", seats=2,
                                          candidates=["林晓喆", "王子堃", "陈思远"], is_by_election=True)
        operations.open_vote(vote, compound)
        db.session.commit()
        return vote.id


def vote_state(app, vote_id):
    from committee_app.extensions import db
    from committee_app.voting.models import Vote

    with app.app_context():
        db.session.expire_all()
        return db.session.get(Vote, vote_id).state


@pytest.mark.parametrize("width", [390, 1280])
def test_closing_a_vote_asks_first_and_cancel_changes_nothing(app, live_server, browser, log_in, width):
    vote_id = open_vote(app)
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, live_server, "admin")
    page.goto(f"{live_server}/compounds/TFXC/votes/{vote_id}")
    dialog = page.locator("#confirm-dialog")
    expect(dialog).to_be_hidden()
    # the script replaces the "I understand" box with the dialog
    expect(page.locator("form[data-confirm] .confirm-check").first).to_be_hidden()

    page.get_by_role("button", name="截止投票").click()
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("无法撤销")
    expect(dialog).to_contain_text("截止后业主不能再投票")
    dialog.get_by_role("button", name="取消").click()
    expect(dialog).to_be_hidden()
    page.wait_for_timeout(300)
    assert vote_state(app, vote_id) == "open"
    expect(page).to_have_url(f"{live_server}/compounds/TFXC/votes/{vote_id}")

    # Escape cancels too
    page.get_by_role("button", name="截止投票").click()
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    page.wait_for_timeout(300)
    assert vote_state(app, vote_id) == "open"

    # confirming goes ahead (the early close needs its reason)
    page.fill("input[name=reason]", "全体业主已投票")
    page.get_by_role("button", name="截止投票").click()
    with page.expect_navigation():
        dialog.get_by_role("button", name="确认执行").click()
    assert vote_state(app, vote_id) == "closed"

    # counting asks too, saying what it makes final
    page.goto(f"{live_server}/compounds/TFXC/votes/{vote_id}")
    page.get_by_role("button", name="确认计票结果").click()
    expect(dialog).to_contain_text("计票结果即定稿")
    dialog.get_by_role("button", name="取消").click()
    page.wait_for_timeout(300)
    assert vote_state(app, vote_id) == "closed"
    context.close()


def test_without_javascript_the_step_needs_the_i_understand_box(app, live_server, browser, log_in):
    vote_id = open_vote(app)
    context = browser.new_context(viewport={"width": 390, "height": 900}, locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, live_server, "admin")
    page.goto(f"{live_server}/compounds/TFXC/votes/{vote_id}")
    form = page.locator("form[data-confirm]", has=page.get_by_role("button", name="截止投票"))
    box = form.get_by_role("checkbox")
    expect(box).to_be_visible()
    expect(form).to_contain_text("我已了解：截止后业主不能再投票")
    page.fill("input[name=reason]", "全体业主已投票")
    page.get_by_role("button", name="截止投票").click()  # the browser refuses the unticked box
    page.wait_for_timeout(500)
    assert vote_state(app, vote_id) == "open"
    box.check()
    with page.expect_navigation():
        page.get_by_role("button", name="截止投票").click()
    assert vote_state(app, vote_id) == "closed"
    context.close()
