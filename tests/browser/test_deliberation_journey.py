"""Issue 16's "done when", in a real browser: the mentor chairs a deliberation at 绿地三期's 议事会
on a 360 px phone — one motion, one amendment — while the projector view follows in another
window, and the minutes draft holds the outcome."""
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 360 + 1


def test_the_mentor_chairs_a_motion_with_an_amendment_while_the_projector_follows(live_server, browser, phone,
                                                                                   log_in):
    log_in(phone, live_server, "mentor")
    phone.goto(f"{live_server}/compounds/LD3Q/deliberations")
    assert fits(phone)
    phone.select_option("select[name=body]", "council")
    phone.fill("input[name=title]", "议事会：垃圾分类投放点")
    phone.fill("input[name=member_count]", "7")
    phone.fill("textarea[name=present]", "王德明\n赵秀英\n孙丽\n陈志华\n刘晓燕")
    phone.click("form button.btn-primary")
    phone.wait_for_load_state()
    chair_url = phone.url
    assert "/deliberations/" in chair_url and fits(phone)

    room = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN").new_page()
    log_in(room, live_server, "mentor")
    room.goto(chair_url + "/projector")
    assert "暂无待议动议" in room.inner_text(".js-motion-label")

    phone.fill("textarea[name=text]", "在北门增设一处垃圾分类投放点。")
    phone.fill("input[name=moved_by]", "王德明")
    phone.click("button:has-text('提出动议')")
    phone.wait_for_load_state()
    phone.fill("input[name=seconded_by]", "陈志华")
    phone.click("button:has-text('附议')")
    phone.wait_for_load_state()
    expect(room.locator(".js-motion-text")).to_contain_text("北门", timeout=10_000)

    phone.fill("input[name=speaker]", "刘晓燕")
    phone.select_option("select[name=side]", "against")
    phone.click("button:has-text('申请发言')")
    phone.wait_for_load_state()
    phone.click("button:has-text('请下一位发言')")
    phone.wait_for_load_state()
    expect(room.locator(".js-speaker")).to_contain_text("刘晓燕", timeout=10_000)
    assert room.inner_text(".js-countdown").endswith("s")
    phone.fill("textarea[name=summary]", "北门离幼儿园太近")
    phone.click("button:has-text('结束发言')")
    phone.wait_for_load_state()

    amend = phone.locator("form", has=phone.locator("button", has_text="提出修正案"))
    amend.locator("textarea[name=text]").fill("在西门停车场旁增设一处垃圾分类投放点。")
    amend.locator("input[name=moved_by]").fill("孙丽")
    amend.locator("button").click()
    phone.wait_for_load_state()
    assert "修正案" in phone.inner_text("main")
    phone.fill("input[name=seconded_by]", "刘晓燕")
    phone.click("button:has-text('附议')")
    phone.wait_for_load_state()
    expect(room.locator(".js-motion-label")).to_contain_text("修正案", timeout=10_000)

    for votes in (("4", "1", "0"), ("5", "0", "0")):  # the amendment, then the motion as amended
        phone.fill("input[name=votes_for]", votes[0])
        phone.fill("input[name=votes_against]", votes[1])
        phone.fill("input[name=votes_abstain]", votes[2])
        phone.click("button:has-text('记录表决结果')")
        phone.wait_for_load_state()
        assert "表决通过" in phone.inner_text(".alert")
    expect(room.locator(".js-results li")).to_have_count(2, timeout=10_000)
    assert "西门停车场" in room.inner_text(".js-results")

    draft = phone.inner_text(".minutes-draft")
    assert "按修正后的文本表决：在西门停车场旁增设一处垃圾分类投放点。" in draft
    assert "表决：赞成 5，反对 0，弃权 0；通过" in draft
    assert "反方 刘晓燕 发言" in draft and "北门离幼儿园太近" in draft
    assert fits(phone)
    room.context.close()
