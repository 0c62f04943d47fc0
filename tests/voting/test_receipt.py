"""A voter keeps the receipt: the receipt page says it is shown once and offers copy and a PDF; the PDF
holds only the receipt code, the vote's title, the time and what the ballot box shows — never the
choice or who voted; the ballot box explains itself in plain words."""
import re
from io import BytesIO

from pypdf import PdfReader

from committee_app import clock
from committee_app.extensions import db
from committee_app.registry.models import Compound
from committee_app.voting import operations
from committee_app.voting.models import Ballot, Candidate, Vote

from .conftest import close, voter_id

NAMES = ("林晓喆", "王子堃", "陈思远")


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


def _cast_by_code(app, client, vote_id: int, who: str, marks=(), choice=None) -> str:
    """Cast with the code of ``who``'s letter on an anonymous phone; returns the receipt page."""
    with app.app_context():
        vote = db.session.get(Vote, vote_id)
        code = operations.issue_codes(vote)[voter_id(vote.compound_id, who)]
        ids = [db.session.scalar(db.select(Candidate.id).where(Candidate.vote_id == vote_id, Candidate.name == n))
               for n in marks]
        db.session.commit()
    data = {"code": code, "candidate": ids, "confirmed": "1"}
    if choice:
        data["choice"] = choice
    response = client.post(f"/ballot/{vote_id}/cast", data=data)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def _receipt(page: str) -> str:
    return re.search(r'id="receipt">([^<]+)<', page).group(1).strip()


def test_the_receipt_page_says_it_is_shown_once_and_offers_copy_and_pdf(app, client, world, election):
    vote_id = election(seats=2, candidates=NAMES)
    page = _cast_by_code(app, client, vote_id, "张三", marks=["林晓喆"])
    receipt = _receipt(page)
    assert re.fullmatch(r"[A-Z2-9]{4}(-[A-Z2-9]{4}){3}", receipt)
    assert "回执码只显示这一次" in page and "刷新本页后无法再次显示" in page
    assert 'data-copy-target="#receipt"' in page and "js/copy.js" in page  # the button works by a static script
    assert "<script>" not in page and "onclick" not in page  # CSP: script-src 'self', no inline script
    assert f'action="/ballot/{vote_id}/receipt.pdf"' in page and f'name="receipt" value="{receipt}"' in page
    assert "SHA-256" not in page and "哈希" not in page
    assert "不公开是谁投的" in page
    assert "林晓喆" not in page  # the receipt page does not repeat the choice


def test_the_receipt_pdf_holds_the_code_title_and_time_and_never_the_choice_or_the_voter(app, client, world,
                                                                                         election):
    vote_id = election(seats=2, candidates=NAMES)
    receipt = _receipt(_cast_by_code(app, client, vote_id, "张三", marks=["林晓喆", "王子堃"]))
    response = client.post(f"/ballot/{vote_id}/receipt.pdf", data={"receipt": receipt})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == f"attachment; filename=receipt-{vote_id}.pdf"
    reader = PdfReader(BytesIO(response.data))
    assert len(reader.pages) == 1
    text = pdf_text(response.data)
    flat = re.sub(r"\s+", "", text)
    with app.app_context():
        cast_at = db.session.scalar(db.select(Ballot.cast_at).where(Ballot.vote_id == vote_id))
    assert "投票回执" in flat and "第二届业委会选举" in flat and receipt in flat
    assert clock.to_local(cast_at).strftime("%Y-%m-%d %H:%M").replace(" ", "") in flat
    assert "不公开是谁投的" in flat and f"/board/A/votes/{vote_id}" in flat
    for private in (*NAMES, "林*喆", "王*堃", "张三", "1-101", "1-102", "180.50", "甲小区"):
        assert private not in flat, private
    # typed from paper in lower case without dashes it is the same receipt
    again = client.post(f"/ballot/{vote_id}/receipt.pdf", data={"receipt": receipt.replace("-", "").lower()})
    assert again.status_code == 200 and receipt in re.sub(r"\s+", "", pdf_text(again.data))


def test_a_motion_receipt_pdf_does_not_show_the_choice(app, client, world, motion):
    vote_id = motion()
    receipt = _receipt(_cast_by_code(app, client, vote_id, "赵喆", choice="against"))
    flat = re.sub(r"\s+", "", pdf_text(client.post(f"/ballot/{vote_id}/receipt.pdf", data={"receipt": receipt}).data))
    assert receipt in flat and "使用维修资金" in flat
    for private in ("反对", "同意", "弃权", "赵喆", "1-202", "95.25"):
        assert private not in flat, private


def test_an_unknown_or_missing_receipt_prints_nothing(app, client, world, election):
    vote_id, other_id = election(seats=2, candidates=NAMES), election(seats=1, candidates=NAMES, title="另一选举")
    receipt = _receipt(_cast_by_code(app, client, vote_id, "张三", marks=["林晓喆"]))
    for data in ({"receipt": "ABCD-EFGH-JKLM-NPQR"}, {"receipt": ""}, {}):
        response = client.post(f"/ballot/{vote_id}/receipt.pdf", data=data)
        assert response.status_code == 404 and response.mimetype == "text/html"
    # a receipt of one vote prints nothing under another vote
    assert client.post(f"/ballot/{other_id}/receipt.pdf", data={"receipt": receipt}).status_code == 404
    assert client.post("/ballot/999999/receipt.pdf", data={"receipt": receipt}).status_code == 404


def test_the_ballot_box_explains_itself_in_plain_words_and_offers_the_receipt_pdf(app, client, world, election):
    vote_id = election(seats=2, candidates=NAMES)
    receipt = _receipt(_cast_by_code(app, client, vote_id, "张三", marks=["林晓喆"]))
    close(app, vote_id)
    page = client.get(f"/board/A/votes/{vote_id}?receipt={receipt}").get_data(as_text=True)
    assert "票箱公开每张选票所选的内容和一串由回执码算出的编号（不是回执码本身），但不公开是谁投的" in page
    assert "SHA-256" not in page and "哈希" not in page and "回执编号" in page
    found = page[page.index('id="receipt-found"'):]
    assert "林*喆" in found and f'action="/ballot/{vote_id}/receipt.pdf"' in found
    with app.app_context():
        digest = db.session.scalar(db.select(Ballot.receipt_hash).where(Ballot.vote_id == vote_id))
    # what the box shows is the start of the receipt's SHA-256, never the receipt itself
    assert digest[:16] in page and digest == operations.receipt_hash(receipt)
    table = page[page.index('<table class="table table-sm" id="box">'):]
    assert receipt not in table[:table.index("</table>")]


def test_reloading_the_receipt_page_casts_nothing_and_says_the_code_is_not_shown_again(app, client, world, election):
    """A reload posts the ballot again: refused (one ballot per voter), and the page says plainly that the
    receipt code cannot be shown again — it is never stored."""
    vote_id = election(seats=2, candidates=NAMES)
    with app.app_context():
        vote = db.session.get(Vote, vote_id)
        code = operations.issue_codes(vote)[voter_id(vote.compound_id, "张三")]
        chosen = db.session.scalar(db.select(Candidate.id).where(Candidate.vote_id == vote_id))
        db.session.commit()
    data = {"code": code, "candidate": [chosen], "confirmed": "1"}
    first = client.post(f"/ballot/{vote_id}/cast", data=data)
    receipt = _receipt(first.get_data(as_text=True))
    again = client.post(f"/ballot/{vote_id}/cast", data=data)
    page = again.get_data(as_text=True)
    assert again.status_code == 409
    assert "此投票码已经使用过" in page and "回执码只在投票成功时显示一次，不会再次显示" in page
    assert receipt not in page and 'id="receipt"' not in page
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Ballot.id)).where(Ballot.vote_id == vote_id)) == 1
    # the letter's QR link opened again says the same
    assert "不会再次显示" in client.get(f"/ballot/{vote_id}?code={code}").get_data(as_text=True)


def test_an_owner_account_that_voted_is_told_the_receipt_is_not_shown_again(app, client, world, election, login_as):
    vote_id = election(seats=2, candidates=NAMES)
    login_as("owner")
    client.post(f"/ballot/{vote_id}/cast", data={"confirmed": "1"})  # a blank ballot from the owner's account
    page = client.get(f"/ballot/{vote_id}").get_data(as_text=True)
    assert "您已经投过票了" in page and "回执码只在投票成功时显示一次，不会再次显示" in page
