"""Participation earns points by the community's table; the ledger is never edited in place and
its totals equal the sum of its entries (on SQLite and PostgreSQL)."""
from datetime import date

import pytest
from sqlalchemy import func, select

from committee_app import clock
from committee_app.deliberation import operations, util
from committee_app.deliberation.models import PointEntry
from committee_app.extensions import db
from committee_app.registry.models import Community, Compound


@pytest.fixture
def attended_microclass(app, world):
    from committee_app.workshop import operations as workshop

    with app.app_context():
        community = db.session.get(Community, world.community)
        event = workshop.create_event(community, kind="microclass", title="微学堂：名册公示", held_on=date(2026, 11, 1),
                                      actor="test")
        workshop.invite(event, guests=[("楼栋长 王德明", world.a), ("缺席者", None)], actor="test")
        workshop.take_attendance(event, {i.id for i in event.invitees if i.guest_name == "楼栋长 王德明"}, actor="test")
        db.session.commit()
        return event.id


def test_a_resident_activists_microclass_attendance_becomes_points_once(app, world, attended_microclass):
    with app.app_context():
        community = db.session.get(Community, world.community)
        assert operations.sync_participation(community, actor="test") == 1
        assert operations.sync_participation(community, actor="test") == 0, "each participation earns once"
        db.session.commit()
        [entry] = util.ledger(community.id, "楼栋长 王德明")
        assert (entry.kind, entry.activity, entry.points, entry.source) == (
            "award", "microclass", 5, f"workshop_event:{attended_microclass}")
        assert util.ledger(community.id, "缺席者") == []


def test_the_community_changes_a_rate_from_a_date_and_keeps_its_history(app, world):
    with app.app_context():
        community = db.session.get(Community, world.community)
        clock.freeze(clock.datetime(2026, 12, 1, 2, 0))
        operations.set_rate(community, activity="microclass", points=8, valid_from=date(2026, 12, 1),
                            reason="鼓励参加培训", actor="test")
        assert operations.current_rates(community.id, date(2026, 11, 30))["microclass"] == 5
        assert operations.current_rates(community.id, date(2026, 12, 1))["microclass"] == 8
        operations.set_rate(community, activity="microclass", points=6, valid_from=date(2027, 1, 1), reason="回调")
        assert [r.points for r in util.rate_history(community.id)] == [6, 8]
        with pytest.raises(operations.DeliberationError):
            operations.set_rate(community, activity="napping", points=1, valid_from=date(2027, 1, 1), reason="x")


def test_an_exchange_cannot_spend_more_than_the_balance(app, world):
    with app.app_context():
        community = db.session.get(Community, world.community)
        operations.record_entry(community, person="罗敏", kind="award", activity="volunteering", points=5,
                                reason="共享日志愿服务")
        with pytest.raises(operations.DeliberationError, match="不足"):
            operations.record_entry(community, person="罗敏", kind="exchange", points=6, reason="兑换")
        operations.record_entry(community, person="罗敏", kind="exchange", points=5, reason="兑换洗衣液")
        assert operations.balance(community.id, "罗敏") == 0
        with pytest.raises(operations.DeliberationError, match="理由|事由"):
            operations.record_entry(community, person="罗敏", kind="adjustment", points=-1, reason=" ")


def test_ledger_totals_equal_the_sum_of_entries(app, world):
    with app.app_context():
        community = db.session.get(Community, world.community)
        entries = [("甲", "award", 5), ("甲", "award", 3), ("甲", "exchange", 4), ("乙", "award", 2),
                   ("乙", "adjustment", -1), ("甲", "adjustment", 7)]
        for person, kind, points in entries:
            operations.record_entry(community, person=person, kind=kind, points=points, reason="测试",
                                    activity="volunteering" if kind == "award" else None)
        db.session.commit()
        totals = {t.person: t for t in util.totals(community.id)}
        assert (totals["甲"].earned, totals["甲"].spent, totals["甲"].adjusted, totals["甲"].balance) == (8, 4, 7, 11)
        assert (totals["乙"].balance, totals["乙"].entries) == (1, 2)
        for person, total in totals.items():
            assert total.balance == db.session.scalar(select(func.sum(PointEntry.points)).where(
                PointEntry.community_id == community.id, PointEntry.person == person))
        assert [t.person for t in util.totals(community.id, search="乙")] == ["乙"]


def test_the_ledger_page_lists_and_filters_and_only_the_mentor_writes(app, world, login_as):
    client = login_as("mentor")
    url = f"/communities/{world.community}/points"
    response = client.post(f"{url}/entries", data={"person": "罗敏", "kind": "award", "activity": "volunteering",
                                                   "points": "5", "reason": "共享日"})
    assert response.status_code == 302
    assert "罗敏" in client.get(url).get_data(as_text=True)
    assert "罗敏" in client.get(url + "?person=罗敏").get_data(as_text=True)
    officer = login_as("officer")
    assert officer.get(url).status_code == 200
    assert officer.post(f"{url}/sync").status_code == 403
    assert login_as("outside_officer").get(url).status_code == 403


def _recognition(world):
    return f"/communities/{world.community}/recognition"


def test_the_years_recognition_runs_from_categories_to_a_published_list_and_certificates(app, world, login_as,
                                                                                       attended_microclass):
    with app.app_context():
        operations.sync_participation(db.session.get(Community, world.community), actor="test")
        db.session.commit()
    year = clock.today().year
    mentor = login_as("mentor")
    url = _recognition(world)
    assert mentor.post(f"{url}/categories?year={year}", data={"name": "优秀楼栋长"}).status_code == 302
    assert mentor.post(f"{url}/categories?year={year}", data={"name": "优秀楼栋长"}).status_code == 400  # duplicate
    with app.app_context():
        [category] = util.categories_of(world.community, year)
        category_id = category.id
    owner = login_as("owner")
    nominated = owner.post(f"{url}/nominations?year={year}", data={
        "category_id": str(category_id), "nominee": "楼栋长 王德明", "channel": "resident", "nominated_by": "赵喆",
        "reason": "带头推动议事"})
    assert nominated.status_code == 302
    forged = owner.post(f"{url}/nominations?year={year}", data={
        "category_id": str(category_id), "nominee": "赵喆", "channel": "organisation", "nominated_by": "赵喆",
        "reason": "自夸"})
    assert forged.status_code == 400, "an owner cannot nominate in the organisation's name"
    assert owner.post(f"{url}/publish?year={year}").status_code == 403
    mentor = login_as("mentor")
    assert mentor.post(f"{url}/publish?year={year}").status_code == 400  # a nomination waits for review
    with app.app_context():
        nomination_id = util.categories_of(world.community, year)[0].nominations[0].id
    assert mentor.post(f"{url}/nominations/{nomination_id}/review?year={year}",
                       data={"decision": "accept"}).status_code == 302
    certificate = f"{url}/nominations/{nomination_id}/certificate.pdf"
    assert mentor.get(certificate).status_code == 404, "no certificate before the list is published"
    assert mentor.post(f"{url}/publish?year={year}").status_code == 302
    page = mentor.get(f"{url}?year={year}").get_data(as_text=True)
    assert "楼栋长 王德明" in page and "当年积分 5" in page, "the 微学堂 attendance shows on the recognition list"
    response = mentor.get(certificate)
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    late = mentor.post(f"{url}/categories?year={year}", data={"name": "迟到类别"})
    assert late.status_code == 400
    assert login_as("outside_officer").get(url).status_code == 403


def test_the_mentor_sees_each_committee_members_participation_by_year(app, world, login_as, attended_microclass):
    from committee_app.committees import operations as committees

    with app.app_context():
        compound = db.session.get(Compound, world.a)
        committees.record_committee(compound, members=[("王德明", None, "chair"), ("新委员", None, "member")],
                                    elected_on=date(2026, 1, 10), term_starts_on=None, term_ends_on=None,
                                    filed_on=None, actor="test")
        operations.sync_participation(db.session.get(Community, world.community), actor="test")
        db.session.commit()
        [grown, new] = util.growth(db.session.get(Community, world.community))
        assert (grown.name, grown.years, grown.points) == ("王德明", {2026: {"microclass": 1}}, 5)
        assert new.years == {} and new.points == 0
    page = login_as("mentor").get(f"/communities/{world.community}/growth").get_data(as_text=True)
    assert "王德明" in page and "尚无参与记录" in page


def test_the_coaching_record_shows_each_members_growth(app, world, attended_microclass):
    from committee_app.committees import operations as committees
    from committee_app.workshop.util import coaching_record_context

    with app.app_context():
        compound = db.session.get(Compound, world.a)
        committees.record_committee(compound, members=[("王德明", None, "chair")], elected_on=date(2026, 1, 10),
                                    term_starts_on=None, term_ends_on=None, filed_on=None, actor="test")
        operations.sync_participation(db.session.get(Community, world.community), actor="test")
        db.session.commit()
        growth = coaching_record_context(compound)["growth"]
        assert growth == [{"name": "王德明", "points": 5, "years": [{"year": 2026, "text": "参加微学堂培训 1 次"}]}]
