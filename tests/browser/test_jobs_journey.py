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
