"""An owner on a 390 px phone casts a ballot with the code from the letter, copies the receipt code with
the copy button and downloads the one-page receipt PDF: the code, the vote's title and the time, never
the choice. The receipt page and the ballot box keep 0 axe violations."""
import re
from io import BytesIO
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

pytestmark = pytest.mark.browser


def open_election(app):
    """An open two-seat by-election at 天府新城 with letters printed, as in test_voting_journey.py."""
    from datetime import timedelta

    from committee_app import clock
    from committee_app.extensions import db
    from committee_app.notices.operations import post_notice
    from committee_app.registry.models import Compound
    from committee_app.voting import operations

    with app.app_context():
        compound = db.session.scalar(db.select(Compound).where(Compound.code == "TFXC"))
        post_notice(compound, kind="meeting_notice", title="业主大会会议通知", posted_on=clock.today() - timedelta(days=15))
        vote = operations.create_election(compound, title="天府新城业主委员会选举（测试）", seats=2,
                                          candidates=["林晓喆", "王子堃", "陈思远"], is_by_election=True)
        operations.open_vote(vote, compound)
        codes = operations.issue_codes(vote)
        db.session.commit()
        return vote.id, compound.id, list(codes.values())[:2]

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")


def _axe(page) -> list[str]:
    page.add_script_tag(content=AXE)
    return page.evaluate("async () => (await axe.run(document)).violations.map(v => v.id + ' ' + v.nodes[0].target)")


def test_an_owner_copies_the_receipt_and_saves_it_as_pdf_on_a_phone(app, live_server, browser):
    vote_id, compound_id, (code, _other) = open_election(app)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN",
                                  permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server}/ballot/{vote_id}?code={code}")
    page.locator("input[name=candidate]").nth(0).check()
    page.locator("#ballot-form button").click()
    page.get_by_role("button", name="确认提交选票").click()
    receipt = page.locator("#receipt").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{4}(-[A-Z2-9]{4}){3}", receipt)
    expect(page.locator("#receipt-once")).to_contain_text("只显示这一次")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # the copy button appears with the script and puts the code on the clipboard
    copy = page.get_by_role("button", name="复制回执码")
    expect(copy).to_be_visible()
    copy.click()
    expect(page.locator("#copy-status")).to_have_text("回执码已复制。")
    assert page.evaluate("navigator.clipboard.readText()") == receipt

    # save as PDF: a download of one page with the code, the title and the time, never the choice
    with page.expect_download() as download_info:
        page.get_by_role("button", name="保存为 PDF").click()
    download = download_info.value
    assert download.suggested_filename == f"receipt-{vote_id}.pdf"
    data = Path(download.path()).read_bytes()
    reader = PdfReader(BytesIO(data))
    assert len(reader.pages) == 1
    text = re.sub(r"\s+", "", reader.pages[0].extract_text())
    assert receipt in text and "天府新城业主委员会选举（测试）" in text and "投票时间" in text
    assert "林晓喆" not in text and "林*喆" not in text and code not in text

    # the receipt page itself has no accessibility violations (axe injected without the CSP)
    context.close()
    checked = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", bypass_csp=True)
    checker = checked.new_page()
    checker.goto(f"{live_server}/board/TFXC/votes/{vote_id}")
    assert _axe(checker) == []
    checker.goto(f"{live_server}/board/TFXC")
    expect(checker.locator(f"#board-vote-{vote_id}")).to_contain_text("去投票")
    assert _axe(checker) == []
    checked.close()


def test_without_the_clipboard_the_copy_button_selects_the_code(app, live_server, browser):
    """Where navigator.clipboard is missing (an old browser, a page not served over HTTPS) the code is
    selected so the owner can copy it by hand."""
    vote_id, _compound_id, (code, _other) = open_election(app)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    context.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined});")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server}/ballot/{vote_id}?code={code}")
    page.locator("#ballot-form button").click()
    page.get_by_role("button", name="确认提交选票").click()
    receipt = page.locator("#receipt").inner_text().strip()
    page.get_by_role("button", name="复制回执码").click()
    expect(page.locator("#copy-status")).not_to_be_empty()
    assert page.evaluate("window.getSelection().toString().trim()") == receipt
    context.close()


def test_the_receipt_page_has_no_axe_violations(app, live_server, browser):
    vote_id, _compound_id, (code, _other) = open_election(app)
    for width in (390, 1280):
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN", bypass_csp=True)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{live_server}/ballot/{vote_id}?code={code}")
        page.locator("#ballot-form button").click()
        page.get_by_role("button", name="确认提交选票").click()
        expect(page.locator("#receipt")).to_be_visible()
        assert _axe(page) == [], width
        context.close()
        code = _other
