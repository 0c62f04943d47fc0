"""Owners' proposals: submit, support once per voter, discuss, the EGM line, the committee's posted answer."""
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from committee_app.extensions import db
from committee_app.meetings import operations
from committee_app.meetings.models import Proposal, ProposalSupport
from committee_app.notices.models import Notice
from committee_app.registry.models import Compound, Voter


def _submit(client):
    response = client.post("/compounds/A/proposals", data={"title": "增设充电桩", "body": "地面停车场增设充电桩。"})
    assert response.status_code == 302
    with client.application.app_context():
        return db.session.scalar(select(Proposal.id))


def _voters(world, name="a"):
    return db.session.scalars(select(Voter).where(Voter.compound_id == getattr(world, name)).order_by(Voter.id)).all()


def test_an_owner_submits_and_counts_as_the_first_supporter(app, client, world, login_as):
    login_as("owner")
    proposal_id = _submit(client)
    page = client.get(f"/compounds/A/proposals/{proposal_id}").get_data(as_text=True)
    assert "1 / 5" in page and "您已联署支持" in page and "赵喆" in page


def test_a_second_support_from_the_same_voter_is_refused_and_not_counted(app, client, world, login_as):
    login_as("owner")
    proposal_id = _submit(client)
    response = client.post(f"/compounds/A/proposals/{proposal_id}/support", follow_redirects=True)
    assert "已经支持过" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(ProposalSupport.id))) == 1


def test_the_database_keeps_one_support_per_voter(app, client, world, login_as):
    login_as("owner")
    proposal_id = _submit(client)
    with app.app_context():
        voter_id = db.session.scalar(select(ProposalSupport.voter_id))
        db.session.add(ProposalSupport(proposal_id=proposal_id, voter_id=voter_id))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_support_is_counted_by_headcount_and_area_and_twenty_percent_of_both_brings_the_egm_duty(
        app, client, world, login_as):
    login_as("owner")
    proposal_id = _submit(client)
    with app.app_context():
        compound, proposal = db.session.get(Compound, world.a), db.session.get(Proposal, proposal_id)
        support = operations.support_of(proposal, compound)
        # roll of A: 5 voters, 607.75 m²; 1 in 5 is exactly 20% of the heads (以上 includes the number)
        # but 95.25 m² is short of 20% of the area: no duty (GR art 21 asks for both)
        assert support.headcount == 1 and support.roll_headcount == 5 and support.is_headcount_reached
        assert str(support.area) == "95.25" and support.headcount_percent == 20 and not support.is_area_reached
        assert not support.egm_duty
        db.session.commit()
    page = client.get(f"/compounds/A/proposals/{proposal_id}").get_data(as_text=True)
    assert "人数已达到，面积尚未达到" in page and "GR art 21" in page
    with app.app_context():
        compound, proposal = db.session.get(Compound, world.a), db.session.get(Proposal, proposal_id)
        others = [v for v in _voters(world) if v.display_name != "赵喆"]
        operations.support_proposal(proposal, others[0])
        support = operations.support_of(proposal, compound)
        assert support.headcount == 2 and support.is_area_reached and support.egm_duty
        assert support.area == others[0].area + db.session.get(Voter, proposal.voter_id).area
        db.session.commit()
    page = client.get(f"/compounds/A/proposals/{proposal_id}").get_data(as_text=True)
    assert "均已达 20%以上：业委会应当组织召开业主大会临时会议" in page and "PMR art 13" in page


def test_a_voter_of_another_compound_cannot_support(app, client, world, login_as):
    login_as("owner")
    proposal_id = _submit(client)
    with app.app_context():
        with pytest.raises(operations.MeetingError):
            operations.support_proposal(db.session.get(Proposal, proposal_id), _voters(world, "b")[0])
    login_as("other_owner")
    assert client.post(f"/compounds/A/proposals/{proposal_id}/support").status_code == 403
    assert client.get(f"/compounds/A/proposals/{proposal_id}").status_code == 403
    assert client.get(f"/compounds/B/proposals/{proposal_id}").status_code == 404
    assert client.post("/compounds/A/proposals", data={"title": "x", "body": "y"}).status_code == 403


def test_owners_and_the_committee_discuss_and_the_answer_is_posted(app, client, world, login_as):
    login_as("owner")
    proposal_id = _submit(client)
    client.post(f"/compounds/A/proposals/{proposal_id}/comments", data={"body": "希望尽快落实。"})
    login_as("organiser")
    client.post(f"/compounds/A/proposals/{proposal_id}/comments", data={"body": "下次会议讨论。"})
    assert client.post(f"/compounds/A/proposals/{proposal_id}/decision",
                       data={"decision": "同意，委托物业报价后提请业主大会表决。"}).status_code == 302
    page = client.get(f"/compounds/A/proposals/{proposal_id}").get_data(as_text=True)
    assert "希望尽快落实" in page and "下次会议讨论" in page and "已答复" in page and "委托物业报价" in page
    with app.app_context():
        notice = db.session.scalar(select(Notice))
        assert notice.kind == "proposal_decision" and "委托物业报价" in notice.body
    assert "议题答复：增设充电桩" in client.get("/board/A").get_data(as_text=True)
    login_as("owner")
    response = client.post(f"/compounds/A/proposals/{proposal_id}/support", follow_redirects=True)
    assert "已答复" in response.get_data(as_text=True)


@pytest.mark.parametrize("role, read, act", [
    ("owner", 200, 302), ("mentor", 200, 403), ("officer", 200, 403), ("organiser", 200, 403),
    ("other_owner", 403, 403), ("outside_officer", 403, 403)])
def test_who_reads_and_who_proposes(client, world, login_as, role, read, act):
    login_as(role)
    assert client.get("/compounds/A/proposals").status_code == read
    assert client.post("/compounds/A/proposals", data={"title": "议题", "body": "内容"}).status_code == act


def test_only_the_committee_answers(app, client, world, login_as):
    login_as("owner")
    proposal_id = _submit(client)
    assert client.post(f"/compounds/A/proposals/{proposal_id}/decision", data={"decision": "自答"}).status_code == 403
    login_as("mentor")
    assert client.post(f"/compounds/A/proposals/{proposal_id}/decision", data={"decision": "x"}).status_code == 403
    assert client.post(f"/compounds/A/proposals/{proposal_id}/comments", data={"body": "x"}).status_code == 403


def _support_page(app, client, world, login_as, rows: list[str], supporters: int) -> str:
    """A compound whose roll is ``rows``; the first ``supporters`` voters (by roll order) support one
    proposal; the page as the admin reads it."""
    from committee_app.registry import operations as registry
    from tests.conftest import roll_csv

    with app.app_context():
        compound = registry.create_compound("P", "比例小区", db.session.get(Compound, world.a).community)
        registry.import_roll(compound, "roll.csv", roll_csv(rows), imported_by="test")
        voters = db.session.scalars(select(Voter).where(Voter.compound_id == compound.id).order_by(Voter.id)).all()
        proposal = operations.submit_proposal(compound, voters[0], title="更换门禁", body="更换小区门禁系统。")
        for voter in voters[1:supporters]:
            operations.support_proposal(proposal, voter)
        db.session.commit()
        proposal_id = proposal.id
    login_as("admin")
    return client.get(f"/compounds/P/proposals/{proposal_id}").get_data(as_text=True)


def _bars(page: str) -> list[tuple[str, str]]:
    """(width, fill) of each drawn bar of the support chart (the grey tracks left out)."""
    import re

    chart = page[page.index('<svg id="support-chart"'):page.index("</svg>", page.index('<svg id="support-chart"'))]
    return re.findall(r'<rect x="0" y="\d+" width="([\d.]+)" height="24" fill="(#198754|#0a58ca)"', chart)


FIVE_FLATS = ["1栋,101,100.00,甲一,,已售,,", "1栋,102,100.00,乙二,,已售,,", "1栋,103,100.00,丙三,,已售,,",
              "1栋,104,100.00,丁四,,已售,,", "1栋,105,100.00,戊五,,已售,,"]


def test_the_support_chart_stands_exactly_on_the_twenty_percent_line(app, client, world, login_as):
    """One owner of five with 100 of 500 m²: exactly 20% of both (以上 includes the number): both bars
    reach the dashed line, green, and the duty to call an extraordinary general meeting shows."""
    page = _support_page(app, client, world, login_as, FIVE_FLATS, supporters=1)
    assert 'role="img" aria-labelledby="support-chart-title"' in page
    assert "联署支持占全体业主的比例：人数 20.00%，面积 20.00%；召开业主大会临时会议须两项均达 20%" in page
    assert _bars(page) == [("60.0", "#198754"), ("60.0", "#198754")]
    assert '<line x1="60.0" x2="60.0"' in page and ">20% 线</text>" in page
    table = page[page.index('id="support-table"'):page.index("</table>", page.index('id="support-table"'))]
    assert "1 / 5" in table and "100.00 / 500.00 m²" in table and table.count("已达到") == 2
    assert "均已达 20%以上：业委会应当组织召开业主大会临时会议" in page


def test_the_support_chart_just_short_of_twenty_percent_of_the_area_is_not_reached(app, client, world, login_as):
    """99.99 of 500 m² is 19.998%: shown as 19.99% (rounded down, never 20.00%), the area bar stays blue and
    no duty; the headcount (1 of 5) reaches its line."""
    rows = [FIVE_FLATS[0].replace("100.00", "99.99"), *FIVE_FLATS[1:4], FIVE_FLATS[4].replace("100.00", "100.01")]
    page = _support_page(app, client, world, login_as, rows, supporters=1)
    assert "人数 20.00%，面积 19.99%" in page
    assert _bars(page) == [("60.0", "#198754"), ("59.97", "#0a58ca")]
    table = page[page.index('id="support-table"'):page.index("</table>", page.index('id="support-table"'))]
    assert "99.99 / 500.00 m²" in table and "100.00 m²" in table and table.count("已达到") == 1
    assert "人数已达到，面积尚未达到" in page and "均已达" not in page


def test_the_support_chart_with_two_of_five_supporters(app, client, world, login_as):
    page = _support_page(app, client, world, login_as, FIVE_FLATS, supporters=2)
    assert _bars(page) == [("120.0", "#198754"), ("120.0", "#198754")]
    assert "人数 40.00%，面积 40.00%" in page
