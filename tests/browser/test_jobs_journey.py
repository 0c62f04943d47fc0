"""The organiser prints the voter letters from the browser and watches the progress bar to the
download, while the worker renders the letters in chunks."""
import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

pytestmark = pytest.mark.browser


def test_an_organiser_watches_the_letters_progress_to_the_download(app, live_server, phone, log_in, monkeypatch):
    from committee_app.extensions import db
    from committee_app.registry.models import Compound
    from committee_app.voting import operations

    monkeypatch.setattr("committee_app.jobs.kinds.LETTERS_PER_CHUNK", 10)
    with app.app_context():
        compound = db.session.scalar(db.select(Compound).where(Compound.code == "JCMD"))  # no procedure running
        vote = operations.create_election(compound, title="精城名典业委会补选（测试）", seats=2,
                                          candidates=["林晓喆", "王子堃", "陈思远"], is_by_election=True)
        operations.open_vote(vote, compound, enforce_gate=False)
        db.session.commit()
        vote_id = vote.id
    log_in(phone, live_server, "organiser_jc")
    phone.goto(f"{live_server}/compounds/JCMD/votes/{vote_id}")
    phone.get_by_role("button", name="打印业主表决通知书（含投票码）").click()
    phone.get_by_role("button", name="确认执行").click()  # letters are issued once: the page asks first

    expect(phone.locator("h1")).to_have_text("业主表决通知书（含投票码）")
    # the page polls (static/js/jobs.js) and shows the download link when the worker is done
    link = phone.locator("a[href$='/download']")
    expect(link).to_be_visible(timeout=90_000)
    expect(phone.locator(".alert-success")).to_contain_text("已完成")
    with phone.expect_download() as download_info:
        link.click()
    reader = PdfReader(io.BytesIO(download_info.value.path().read_bytes()))
    assert len(reader.pages) >= 20
    assert phone.evaluate("document.documentElement.scrollWidth") <= 361


def test_a_mentor_asks_for_a_count_record_and_downloads_it_on_a_390px_phone(app, live_server, browser, log_in,
                                                                            tmp_path):
    """The count page's button answers at once with the job's page; the worker makes the record;
    the page shows the download. Screenshots of each step go to SCREENSHOT_DIR (or tmp_path)."""
    import os
    from pathlib import Path

    from committee_app.extensions import db
    from committee_app.registry.models import Compound, Voter
    from committee_app.voting import operations

    shots = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    with app.app_context():
        compound = db.session.scalar(db.select(Compound).where(Compound.code == "JCMD"))  # no procedure running
        vote = operations.create_election(compound, title="精城名典业委会补选（计票记录）", seats=1,
                                          candidates=["林晓喆", "王子堃"], is_by_election=True)
        operations.open_vote(vote, compound, enforce_gate=False)
        first = vote.candidates[0].id
        voters = db.session.scalars(db.select(Voter.id).where(Voter.compound_id == compound.id, Voter.is_on_roll)
                                    .order_by(Voter.id).limit(12)).all()
        for voter_id in voters:
            operations.cast_online(vote, voter_id, operations.check_selection(vote, [first], None))
        operations.close_vote(vote, compound)
        operations.count_vote(vote, compound)
        db.session.commit()
        vote_id = vote.id

    from tests.browser.test_accessibility import _violations

    # bypass_csp only to inject axe-core; the app's pages run no inline script
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", bypass_csp=True)
    phone = context.new_page()
    phone.set_default_timeout(15_000)
    log_in(phone, live_server, "mentor")
    phone.goto(f"{live_server}/compounds/JCMD/votes/{vote_id}/count")
    button = phone.get_by_role("button", name="生成计票记录 PDF")
    expect(button).to_be_visible()
    phone.screenshot(path=str(shots / "count-record-1-button.png"), full_page=False)
    assert _violations(phone) == []
    button.click()
    expect(phone.locator("h1")).to_have_text("计票记录")
    phone.screenshot(path=str(shots / "count-record-2-job.png"), full_page=False)
    link = phone.locator("a[href$='/download']")
    expect(link).to_be_visible(timeout=60_000)
    expect(phone.locator(".alert-success")).to_contain_text("已完成")
    phone.screenshot(path=str(shots / "count-record-3-done.png"), full_page=False)
    assert _violations(phone) == []
    with phone.expect_download() as download_info:
        link.click()
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(download_info.value.path().read_bytes())).pages)
    assert "计票记录" in text and "精城名典业委会补选" in text
    assert phone.evaluate("document.documentElement.scrollWidth") <= 391
    phone.set_viewport_size({"width": 1280, "height": 800})  # the same pages on a desktop
    phone.reload()
    phone.screenshot(path=str(shots / "count-record-4-done-1280.png"), full_page=False)
    phone.goto(f"{live_server}/jobs/")
    expect(phone.locator("a[href$='/download']").first).to_be_visible()
    assert _violations(phone) == []
    phone.screenshot(path=str(shots / "count-record-5-jobs-1280.png"), full_page=False)
    context.close()
