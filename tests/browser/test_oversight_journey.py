"""The street officer sees which compound broke which rule, signs off one step and returns another."""
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_the_street_officer_signs_off_one_step_and_returns_another(live_server, phone, log_in):
    log_in(phone, live_server, "street")
    assert "/oversight" in phone.url
    board = phone.locator("main")
    expect(board).to_contain_text("柏林花语")  # the demo's compound whose term ended without a re-election

    phone.goto(f"{live_server}/oversight/signoffs")
    links = phone.get_by_role("link", name="查看并签核")
    expect(links).to_have_count(2)
    links.first.click()
    phone.get_by_role("button", name="签核通过").first.click()
    expect(phone.locator(".alert-success").first).to_be_visible()

    phone.goto(f"{live_server}/oversight/signoffs")
    phone.get_by_role("link", name="查看并签核").first.click()
    phone.locator("details summary", has_text="退回").first.click()
    phone.locator("textarea[name=reason], input[name=reason]").first.fill("移交资料缺少规划图，请补充后重新提交。")
    phone.get_by_role("button", name="退回").first.click()
    expect(phone.locator("body")).to_contain_text("移交资料缺少规划图")

    phone.goto(f"{live_server}/oversight/signoffs")
    expect(phone.get_by_role("link", name="查看并签核")).to_have_count(0)


@pytest.fixture
def phone_390(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_on_a_phone_the_board_is_cards_by_risk_and_a_finding_is_marked_handled_then_reopened(
        live_server, phone_390, log_in):
    page = phone_390
    log_in(page, live_server, "street")
    page.goto(f"{live_server}/oversight/")
    cards = page.locator("#board-cards article.board-card")
    expect(cards.first).to_be_visible()
    expect(page.locator("#board-table")).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1  # no sideways scroll
    expect(page.locator("#risk-bands-chart")).to_be_visible()
    # highest risk first: the first card is a high-risk compound, the findings read as what went wrong
    first = cards.first
    expect(first.locator(".risk-badge")).to_have_attribute("data-band", "high")
    berlin = page.locator("#board-cards article", has_text="柏林花语")
    expect(berlin).to_contain_text("换届程序尚未启动")
    before = berlin.locator(".risk-badge").inner_text()

    berlin.get_by_role("link", name="合规检查详情").click()
    finding = page.locator("article", has_text="换届程序尚未启动").first
    finding.locator("summary", has_text="标记为已处理").click()
    finding.get_by_role("button", name="确认已处理").click()  # the note is required: the browser keeps the form
    expect(page.locator(".alert-success")).to_have_count(0)
    finding.get_by_label("处理说明（必填）：如何处理、结果如何").fill("已约谈业委会主任，换届程序下周启动。")
    finding.get_by_role("button", name="确认已处理").click()
    expect(page.locator(".alert-success").first).to_contain_text("已标记为已处理")
    expect(page.locator("body")).to_contain_text("已约谈业委会主任")

    page.goto(f"{live_server}/oversight/")
    berlin = page.locator("#board-cards article", has_text="柏林花语")
    expect(berlin.locator(".finding-handled")).to_contain_text("已约谈业委会主任")
    assert berlin.locator(".risk-badge").inner_text() != before  # a handled finding stops counting

    berlin.get_by_role("link", name="合规检查详情").click()
    page.get_by_role("button", name="重新打开").first.click()
    expect(page.locator(".alert-success").first).to_contain_text("已重新打开")
    page.goto(f"{live_server}/oversight/")
    expect(page.locator("#board-cards article", has_text="柏林花语").locator(".risk-badge")).to_have_text(before)


def test_on_a_desktop_the_board_stays_a_table(live_server, browser, log_in):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        log_in(page, live_server, "street")
        page.goto(f"{live_server}/oversight/")
        expect(page.locator("#board-table table#board")).to_be_visible()
        expect(page.locator("#board-cards")).to_be_hidden()
        expect(page.locator("#findings-by-check-chart title")).to_have_text("各检查项未处理的问题数")
    finally:
        context.close()
