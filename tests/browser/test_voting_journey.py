"""An owner votes on a phone with the code from the voter notice letter, then checks the ballot box."""
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def open_election(app):
    """An open two-seat by-election at 天府新城 (outside any procedure: its meeting notice stood 15 days) with
    codes issued."""
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


def test_an_owner_votes_by_code_and_finds_the_ballot_in_the_box(app, live_server, phone):
    vote_id, compound_id, (code, other_code) = open_election(app)
    phone.goto(f"{live_server}/ballot/{vote_id}?code={code}")  # the QR code on the letter opens this
    boxes = phone.locator("input[name=candidate]")
    expect(boxes).to_have_count(3)
    boxes.nth(0).check()
    boxes.nth(1).check()
    expect(boxes.nth(2)).to_be_disabled()  # vote for at most two: no over-voting
    assert phone.evaluate("document.documentElement.scrollWidth") <= 361
    phone.locator("#ballot-form button").click()
    expect(phone.locator("body")).to_contain_text("林晓喆")
    phone.get_by_role("button", name="确认提交选票").click()
    receipt = phone.locator("#receipt").inner_text().strip()
    assert receipt

    # the code cannot be used twice
    phone.goto(f"{live_server}/ballot/{vote_id}?code={code}")
    expect(phone.locator(".alert-danger, .alert-warning, .alert-info").first).to_be_visible()

    from committee_app.extensions import db
    from committee_app.registry.models import Compound
    from committee_app.voting import operations
    from committee_app.voting.models import Vote

    with app.app_context():
        vote = db.session.get(Vote, vote_id)
        compound = db.session.get(Compound, compound_id)
        operations.close_vote(vote, compound)
        db.session.commit()
    phone.goto(f"{live_server}/board/TFXC/votes/{vote_id}?receipt={receipt}")
    found = phone.locator("#receipt-found")
    # the box is public: candidates' names are masked (PIPL)
    expect(found).to_contain_text("林*喆")
    expect(found).to_contain_text("王*堃")
    expect(found).not_to_contain_text("陈*远")
    expect(phone.locator("body")).not_to_contain_text("林晓喆")
    expect(phone.locator("body")).not_to_contain_text(code)
