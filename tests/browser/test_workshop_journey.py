"""The issue's "done when", in a real browser on a 360 px phone: the mentor sees which compound needs
attention and why, logs a session with two action items, and the compound's organiser closes one."""
import re

import pytest

pytestmark = pytest.mark.browser


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 360 + 1


def test_the_mentor_logs_a_session_and_the_organiser_closes_an_item(live_server, phone, log_in):
    log_in(phone, live_server, "mentor")
    assert phone.url.endswith("/workshop/")
    assert fits(phone)
    first = phone.locator("#board [data-compound]").first
    assert first.get_attribute("data-compound") in ("LD3Q", "ZT1Q")
    assert "项待办已逾期" in first.inner_text()

    phone.goto(f"{live_server}/workshop/compounds/ZT1Q/sessions/new")
    assert fits(phone)
    phone.fill("input[name=place]", "中铁一期物业服务中心")
    phone.locator("input[name=attendee_ids]").first.check()
    phone.fill("textarea[name=guests]", "换届小组成员 李淑芬")
    phone.check("input[name=topics][value=reelection]")
    phone.select_option("select[name=step_key]", "R5_nominations")
    phone.fill("textarea[name=advice]", "推荐候选人须核对业主身份；联名推荐人数按规则核对。")
    phone.fill("input[name='items-0-title']", "张贴候选人推荐公告")
    phone.fill("input[name='items-0-assignee']", "周建国")
    phone.fill("input[name='items-0-due_on']", "2099-01-10")
    phone.fill("input[name='items-1-title']", "核对联名推荐签名")
    phone.fill("input[name='items-1-assignee']", "李淑芬")
    phone.fill("input[name='items-1-due_on']", "2099-01-20")
    phone.click("form button.btn-primary")
    phone.wait_for_load_state()
    assert "含 2 项待办" in phone.content()
    assert fits(phone)

    phone.context.clear_cookies()
    log_in(phone, live_server, "organiser")
    phone.goto(f"{live_server}/compounds/ZT1Q")
    panel = phone.locator("#workshop-panel")
    assert "张贴候选人推荐公告" in panel.inner_text() and "核对联名推荐签名" in panel.inner_text()
    card = panel.locator(".list-group-item", has_text="张贴候选人推荐公告")
    card.locator("summary", has_text="标记完成").click()
    card.locator("textarea[name=note]").fill("公告已于小区公告栏张贴")
    card.locator("button", has_text="确认完成").click()
    phone.wait_for_load_state()
    assert "已标记完成：张贴候选人推荐公告" in phone.content()
    assert not re.search(r"<strong>张贴候选人推荐公告</strong>", phone.locator("#workshop-panel").inner_html())
    assert fits(phone)


def test_the_workshop_pages_fit_a_phone(live_server, phone, log_in):
    log_in(phone, live_server, "mentor")
    for path in ("/workshop/items", "/workshop/events", "/workshop/events/1", "/workshop/people",
                 "/workshop/compounds/LD3Q", "/workshop/compounds/LD3Q/sessions/3", "/workshop/events/new"):
        response = phone.goto(live_server + path)
        assert response.status == 200, path
        assert phone.locator("h1").first.is_visible(), path
        assert fits(phone), path
