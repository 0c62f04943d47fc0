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
