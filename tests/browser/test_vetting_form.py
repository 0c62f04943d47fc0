"""An organiser vets a nominee with "全部符合", marking one exception; and answers an objection,
which has no preselected outcome (issue 15 item 7)."""
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _statuses(app, nomination_id):
    from committee_app.extensions import db
    from committee_app.nominations.models import EligibilityCheck

    with app.app_context():
        checks = db.session.scalars(db.select(EligibilityCheck).where(EligibilityCheck.nomination_id == nomination_id))
        return {c.condition_key: (c.status, c.note) for c in checks}


def _unvetted_nomination(app):
    from committee_app.extensions import db
    from committee_app.nominations.models import Nomination

    with app.app_context():
        return db.session.scalar(db.select(Nomination.id).where(Nomination.channel == "community"))


@pytest.mark.parametrize("width", [390, 1280])
def test_an_organiser_vets_with_all_conform_and_one_exception(app, live_server, browser, log_in, width):
    nomination_id = _unvetted_nomination(app)
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, live_server, "organiser")
    page.goto(f"{live_server}/compounds/ZT1Q/nominations/{nomination_id}")
    expect(page.locator("#all-met")).to_be_checked()
    # the per-item choices stay folded away until an exception is marked
    expect(page.locator("#status-no_unpaid_fees")).to_be_hidden()
    page.locator("#check-no_unpaid_fees .vetting-exception summary").click()
    page.locator("#status-no_unpaid_fees").select_option("not_met")
    page.fill("#note-no_unpaid_fees", "欠缴物业费 3 个月")
    with page.expect_navigation():
        page.get_by_role("button", name="保存审查结果").last.click()
    expect(page.locator("#decision")).to_contain_text("不符合条件")
    expect(page.locator("#decision")).to_contain_text("欠缴物业费 3 个月")
    statuses = _statuses(app, nomination_id)
    assert statuses.pop("no_unpaid_fees") == ("not_met", "欠缴物业费 3 个月")
    assert statuses and {status for status, _note in statuses.values()} == {"met"}
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    # mark the exception back as conforming: "全部符合" alone now makes the nominee eligible
    page.locator("#status-no_unpaid_fees").select_option("")
    page.fill("#note-no_unpaid_fees", "")
    with page.expect_navigation():
        page.get_by_role("button", name="保存审查结果").last.click()
    expect(page.locator("#decision")).to_contain_text("符合条件（全部必备条件均符合）")
    context.close()


def _posted_with_an_objection(app):
    """中铁一期's list vetted with 全部符合, posted, and one owner's objection lodged."""
    from committee_app import clock
    from committee_app.accounts.models import User
    from committee_app.extensions import db
    from committee_app.nominations import operations, util
    from committee_app.procedures import operations as procedures
    from committee_app.procedures import util as procedures_util
    from committee_app.registry.models import Compound

    with app.app_context():
        compound = db.session.scalar(db.select(Compound).where(Compound.code == "ZT1Q"))
        organiser = db.session.scalar(db.select(User).where(User.username == "organiser"))
        owner = db.session.scalar(db.select(User).where(User.username == "owner"))
        candidate_list = util.current_list(compound)
        for nomination in candidate_list.nominations:
            operations.record_checks(nomination, {}, reviewer=organiser, all_met=True)
        operations.close_nominations(compound, on=clock.today(), actor=organiser)
        operations.finish_vetting(compound, on=clock.today(), actor=organiser)
        step_key = util.procedure_step(compound, "vetting")["key"]
        step = next(s for s in procedures_util.active_procedure(compound).steps if s.key == step_key)
        if step.state == "submitted":  # the street office signs the vetting off
            street = db.session.scalar(db.select(User).where(User.username == "street"))
            procedures.sign_off_step(step, street)
        operations.post_list(compound, on=clock.today(), actor=organiser)
        operations.lodge_objection(compound, owner, nomination_id=None, text="名单中有人长期不在小区居住。",
                                   on=clock.today())
        db.session.commit()
        return candidate_list.objections[0].id if candidate_list.objections else None


@pytest.mark.parametrize("width", [390, 1280])
def test_an_objection_answer_has_no_preselected_outcome(app, live_server, browser, log_in, width):
    _posted_with_an_objection(app)
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, live_server, "organiser")
    page.goto(f"{live_server}/compounds/ZT1Q/nominations")
    outcome = page.locator("select.answer-outcome").first
    expect(outcome).to_have_value("")
    expect(outcome.locator("option:checked")).to_have_text("请选择")
    page.locator("textarea[id^=answer-]").first.fill("经核实，该候选人常住本小区。")
    page.get_by_role("button", name="答复").first.click()  # the browser requires a choice: nothing is sent
    expect(page.locator("select.answer-outcome").first).to_be_visible()
    assert page.evaluate("document.querySelector('select.answer-outcome').validity.valueMissing")
    outcome.select_option("dismissed")
    with page.expect_navigation():
        page.get_by_role("button", name="答复").first.click()
    expect(page.locator(".alert-success")).to_contain_text("异议已答复")
    expect(page.get_by_text("异议不成立")).to_be_visible()
    context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_the_vetting_and_answer_forms_have_no_axe_violations(app, live_server, browser, log_in, width):
    from tests.browser.test_accessibility import _violations

    nomination_id = _unvetted_nomination(app)
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, live_server, "organiser")
    page.goto(f"{live_server}/compounds/ZT1Q/nominations/{nomination_id}")
    page.locator("#check-no_unpaid_fees .vetting-exception summary").click()
    assert _violations(page) == []
    _posted_with_an_objection(app)
    page.goto(f"{live_server}/compounds/ZT1Q/nominations?q=&state=")
    expect(page.locator("select.answer-outcome").first).to_be_visible()
    assert _violations(page) == []
    context.close()
