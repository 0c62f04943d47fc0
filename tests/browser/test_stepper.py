"""An organiser on a 390 px phone finds where the re-election stands, opens a finished step from a
link, and undoes closing the nominations through the confirmation dialog."""
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _steps(app):
    from committee_app.extensions import db
    from committee_app.procedures.models import Procedure

    with app.app_context():
        db.session.expire_all()
        procedure = db.session.scalar(db.select(Procedure).where(Procedure.id == 1))
        return {step.key: (step.id, step.state) for step in procedure.steps}


def test_an_organiser_on_a_phone_follows_the_stepper_and_undoes_a_close(app, live_server, browser, log_in):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, live_server, "organiser")
    steps = _steps(app)
    assert steps["R5_nominations"][1] == "in_progress"  # the demo collects nominations: not "待办"
    timeline = f"{live_server}/compounds/ZT1Q/procedures/1"
    page.goto(timeline)

    here = page.locator("#you-are-here")
    expect(here).to_be_visible()
    expect(here).to_contain_text("第2阶段/共5阶段")
    expect(here).to_contain_text("公布候选人条件和推荐办法，收集推荐")
    expect(here).to_contain_text("进行中")
    expect(here.locator("#next-action")).to_contain_text("截止推荐")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll

    # done steps are collapsed: their summary shows, their body does not
    first_id = steps["R2_start"][0]
    first = page.locator(f"#step-{first_id}")
    expect(first.locator("summary.step-summary")).to_contain_text("已完成")
    expect(first.locator(".step-body")).to_be_hidden()
    current = page.locator(f"#step-{steps['R5_nominations'][0]}")
    expect(current.locator(".step-body")).to_be_visible()

    # a link to a collapsed step (as a notification sends) opens it
    page.goto(f"{timeline}#step-{first_id}")
    expect(first.locator(".step-body")).to_be_visible()
    expect(first.locator(".step-body")).to_contain_text("完成日期")

    # the main action of the "you are here" block leads to the nominations; closing them asks first
    page.goto(timeline)
    here.get_by_role("link", name="前往“候选人推荐”").click()
    expect(page).to_have_url(f"{live_server}/compounds/ZT1Q/nominations")
    dialog = page.locator("#confirm-dialog")
    page.get_by_role("button", name="截止推荐").click()
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("资格审查结束前可以重新开放推荐")
    dialog.get_by_role("button", name="确认执行").click()
    expect(page.locator("#list-state")).to_contain_text("资格审查中")
    assert _steps(app)["R5_nominations"][1] == "done"

    # the undo: reopen the nominations, confirmed in the dialog
    page.get_by_role("button", name="重新开放推荐").click()
    expect(dialog).to_be_visible()
    expect(dialog.locator("#confirm-dialog-title")).to_have_text("请确认重新开放推荐")
    expect(dialog).to_contain_text("已登记的推荐和审查记录保留")
    dialog.get_by_role("button", name="确认执行").click()
    expect(page.locator("#list-state")).to_contain_text("收集推荐中")
    assert _steps(app)["R5_nominations"][1] == "in_progress"

    page.goto(timeline)
    expect(here).to_contain_text("公布候选人条件和推荐办法，收集推荐")
    expect(here).to_contain_text("进行中")
    context.close()
