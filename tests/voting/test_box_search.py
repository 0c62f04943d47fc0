"""An owner finds their row in a long public ballot box by the start of its receipt hash."""
import re

from committee_app.extensions import db
from committee_app.registry.models import Compound
from committee_app.voting import operations
from committee_app.voting.models import Vote

from .conftest import cast


def _rows(page: str) -> list[str]:
    body = page.split('id="box"', 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'<td class="font-monospace small text-break">([0-9a-f]{16})…</td>', body)


def test_the_ballot_box_is_filtered_by_the_start_of_a_receipt_hash(app, client, world, election):
    vote_id = election(seats=2, candidates=("王建国", "李秀英", "张伟"))
    with app.app_context():
        _ballot, receipt = cast(vote_id, "赵喆", candidates=["李秀英"])
        cast(vote_id, "张三", candidates=["王建国", "张伟"])
        cast(vote_id, "李四", candidates=["王建国"])
        vote = db.session.get(Vote, vote_id)
        operations.close_vote(vote, db.session.get(Compound, world.a))
        db.session.commit()
    mine = operations.receipt_hash(receipt)
    assert len(_rows(client.get(f"/board/A/votes/{vote_id}").get_data(as_text=True))) == 3

    found = client.get(f"/board/A/votes/{vote_id}?receipt={receipt}").get_data(as_text=True)
    assert f"hash={mine[:16]}" in found  # a link to the row in the box

    page = client.get(f"/board/A/votes/{vote_id}?hash={mine[:6].upper()}").get_data(as_text=True)
    assert _rows(page) == [mine[:16]] and "找到 1 张选票" in page

    bad = client.get(f"/board/A/votes/{vote_id}?hash=xyz%25").get_data(as_text=True)
    assert "回执编号只含数字" in bad and len(_rows(bad)) == 3
