"""Committees and terms: installing a committee, the term status boundaries, the pages."""
from datetime import date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from committee_app.committees import operations
from committee_app.committees.models import Committee, CommitteeMember
from committee_app.committees.util import current_committee, term_status
from committee_app.extensions import db
from committee_app.registry.models import Compound, Voter


def _voter_ids(compound):
    return db.session.scalars(select(Voter.id).where(Voter.compound_id == compound.id).order_by(Voter.id)).all()


def _members(n=7, voter_ids=()):
    roles = ["chair", "vice_chair"] + ["member"] * (n - 2)
    ids = list(voter_ids) + [None] * n
    return [(f"委员{i + 1}", ids[i], roles[i]) for i in range(n)]


def test_a_five_year_term_from_29_february_ends_on_the_last_day_of_february(app, world):
    with app.app_context():
        compound = db.session.get(Compound, world.a)
        committee = operations.install_committee(compound, members=_members(5), elected_on=date(2024, 2, 29))
        assert committee.term_ends_on == date(2029, 2, 28)  # 2029 has no 29 February (CC art 202)
        with pytest.raises(operations.CommitteeError):
            operations.update_committee(committee, term_ends_on=date(2029, 3, 1), filed_on=None)
        operations.update_committee(committee, term_ends_on=date(2029, 2, 27), filed_on=None)
        db.session.rollback()


def test_an_elected_committee_is_installed_with_a_five_year_term(app, world):
    with app.app_context():
        compound = db.session.get(Compound, world.a)
        committee = operations.install_committee(compound, members=_members(7, _voter_ids(compound)[:2]),
                                                 elected_on=date(2026, 3, 1))
        db.session.commit()
        assert committee.term_starts_on == date(2026, 3, 1)
        # the election day is not counted: five years end on the corresponding day (CC arts 201-202)
        assert committee.term_ends_on == date(2031, 3, 1)
        current = current_committee(compound)
        assert current.id == committee.id and len(current.active_members) == 7
        assert current.active_members[0].role == "chair"


def test_a_new_committee_replaces_the_current_one(app, world):
    with app.app_context():
        compound = db.session.get(Compound, world.a)
        first = operations.install_committee(compound, members=_members(5), elected_on=date(2021, 3, 1))
        second = operations.install_committee(compound, members=_members(7), elected_on=date(2026, 2, 20))
        db.session.commit()
        assert not first.is_current and second.is_current
        assert current_committee(compound).id == second.id
        assert current_committee(db.session.get(Compound, world.b)) is None


def test_the_database_allows_one_current_committee_per_compound(app, world):
    with app.app_context():
        for elected in (date(2021, 1, 1), date(2022, 1, 1)):
            db.session.add(Committee(compound_id=world.a, elected_on=elected, term_starts_on=elected,
                                     term_ends_on=date(2025, 12, 31), is_current=True))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


@pytest.mark.parametrize("members, message", [
    ([("", None, "member")], "姓名"),
    ([("甲", None, "boss")], "职务"),
    ([("甲", None, "chair"), ("乙", None, "chair")], "主任"),
])
def test_bad_members_are_refused_and_nothing_is_written(app, world, members, message):
    with app.app_context():
        compound = db.session.get(Compound, world.a)
        with pytest.raises(operations.CommitteeError, match=message):
            operations.install_committee(compound, members=members, elected_on=date(2026, 1, 1))
        db.session.rollback()
        assert db.session.scalar(select(func.count(Committee.id))) == 0


def test_a_voter_of_another_compound_cannot_be_a_member(app, world):
    with app.app_context():
        compound = db.session.get(Compound, world.a)
        other_voter = _voter_ids(db.session.get(Compound, world.b))[0]
        with pytest.raises(operations.CommitteeError):
            operations.install_committee(compound, members=[("甲", other_voter, "member")], elected_on=date(2026, 1, 1))


def test_a_term_longer_than_the_rule_set_allows_is_refused(app, world):
    with app.app_context():
        compound = db.session.get(Compound, world.a)
        with pytest.raises(operations.CommitteeError, match="5"):
            operations.record_committee(compound, members=_members(5), elected_on=date(2026, 1, 1),
                                        term_ends_on=date(2031, 1, 2))
        committee = operations.record_committee(compound, members=_members(5), elected_on=date(2026, 1, 1),
                                                term_ends_on=date(2031, 1, 1))
        assert committee.term_ends_on == date(2031, 1, 1)


def test_a_shorter_local_term_comes_from_the_compound_setting(app, world):
    with app.app_context():
        compound = db.session.get(Compound, world.a)
        compound.setting_overrides = {"term_years": 3}
        committee = operations.install_committee(compound, members=_members(5), elected_on=date(2026, 1, 1))
        assert committee.term_ends_on == date(2029, 1, 1)


# Term ends 2027-05-31; re-election starts three months before: due on 2027-02-28 (clamped).
@pytest.mark.parametrize("today, status", [
    (date(2026, 11, 29), "not_yet"),
    (date(2026, 11, 30), "upcoming"),   # lead 3 + upcoming 3 months before the end
    (date(2027, 2, 27), "upcoming"),
    (date(2027, 2, 28), "due"),         # the due date itself is due
    (date(2027, 5, 31), "due"),         # the last day of the term is still due, not overdue
    (date(2027, 6, 1), "overdue"),
])
def test_term_status_boundaries(app, world, today, status):
    with app.app_context():
        compound = db.session.get(Compound, world.a)
        operations.record_committee(compound, members=_members(5), elected_on=date(2022, 6, 1),
                                    term_ends_on=date(2027, 5, 31))
        term = term_status(compound, today)
        assert term.status == status
        assert term.term_ends_on == date(2027, 5, 31)
        assert term.reelection_due_on == date(2027, 2, 28)
        assert "GR art 32" in term.citations and term.is_unconfirmed
        assert term.handover_due_on == date(2027, 6, 10)  # within 10 days after the term ends (R11)


def test_term_status_follows_the_compound_lead_time(app, world):
    with app.app_context():
        compound = db.session.get(Compound, world.a)
        compound.setting_overrides = {"reelection_lead_months": 6}
        operations.record_committee(compound, members=_members(5), elected_on=date(2022, 6, 1),
                                    term_ends_on=date(2027, 5, 31))
        term = term_status(compound, date(2026, 12, 1))
        assert term.reelection_due_on == date(2026, 11, 30) and term.status == "due"


def test_no_committee_no_term_status(app, world):
    with app.app_context():
        assert term_status(db.session.get(Compound, world.a), date(2026, 1, 1)) is None


def test_members_join_change_role_and_leave(app, world):
    with app.app_context():
        compound = db.session.get(Compound, world.a)
        committee = operations.install_committee(compound, members=_members(5), elected_on=date(2026, 1, 1))
        member = operations.add_member(committee, name="新委员", role="member", joined_on=date(2026, 6, 1))
        with pytest.raises(operations.CommitteeError):
            operations.update_member(member, role="chair", left_on=None)  # already a chair
        operations.update_member(committee.active_members[0], role="member", left_on=date(2026, 7, 1))
        operations.update_member(member, role="chair", left_on=None)
        db.session.commit()
        assert "委员1" in [m.name for m in committee.members_on(date(2026, 6, 15))]
        assert len(committee.members_on(date(2026, 6, 15))) == 6
        assert "委员1" not in [m.name for m in committee.members_on(date(2026, 7, 1))]
        assert len(committee.members_on(date(2026, 7, 1))) == 5
        assert committee.members_on(date(2026, 7, 1))[0].name == "新委员"


def test_the_organiser_records_the_committee_from_the_page(app, client, world, login_as, frozen_clock):
    frozen_clock(datetime(2026, 11, 26, 2, 0))
    login_as("organiser")
    response = client.post("/compounds/A/committee", data={
        "elected_on": "2024-01-10", "filed_on": "2024-01-30",
        "members": "王建华，主任，1栋-1-202\n李梅，副主任\n张强\n刘洋,委员\n陈静,委员"})
    assert response.status_code == 302
    page = client.get("/compounds/A/committee").get_data(as_text=True)
    assert "王建华" in page and "2029-01-10" in page and "2028-10-10" in page
    with app.app_context():
        member = db.session.scalar(select(CommitteeMember).where(CommitteeMember.name == "王建华"))
        assert db.session.get(Voter, member.voter_id).display_name == "赵喆"
    compound_page = client.get("/compounds/A").get_data(as_text=True)
    assert "2028-10-10" in compound_page and "任期内" in compound_page


def test_a_bad_member_line_is_named_and_nothing_is_written(app, client, world, login_as):
    login_as("organiser")
    response = client.post("/compounds/A/committee", data={
        "elected_on": "2024-01-10", "members": "王建华，主任\n李梅，秘书长"})
    assert response.status_code == 400
    assert "第 2 行" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Committee.id))) == 0


def test_the_compound_panel_shows_a_due_reelection(app, client, world, login_as, frozen_clock):
    frozen_clock(datetime(2026, 11, 26, 2, 0))
    with app.app_context():
        operations.record_committee(db.session.get(Compound, world.a), members=_members(5),
                                    elected_on=date(2022, 1, 25), term_ends_on=date(2027, 1, 24))
        db.session.commit()
    login_as("mentor")
    page = client.get("/compounds/A").get_data(as_text=True)
    assert "应当启动换届" in page and "2026-10-24" in page
    login_as("owner")
    assert "应当启动换届" in client.get("/compounds/A/committee").get_data(as_text=True)


def test_another_compounds_member_id_is_not_found(app, client, world, login_as):
    with app.app_context():
        operations.install_committee(db.session.get(Compound, world.a), members=_members(3), elected_on=date(2026, 1, 1))
        other = operations.install_committee(db.session.get(Compound, world.b), members=_members(3),
                                             elected_on=date(2026, 1, 1))
        db.session.commit()
        other_member = other.members[0].id
    login_as("organiser")
    assert client.post(f"/compounds/A/committee/members/{other_member}",
                       data={f"m{other_member}-role": "member"}).status_code == 404


def test_an_overdue_term_shows_the_handover_deadline(app, client, world, login_as, frozen_clock):
    frozen_clock(datetime(2026, 11, 26, 2, 0))
    with app.app_context():
        operations.record_committee(db.session.get(Compound, world.a), members=_members(5),
                                    elected_on=date(2021, 11, 20), term_ends_on=date(2026, 11, 19))
        db.session.commit()
    login_as("officer")
    page = client.get("/compounds/A/committee").get_data(as_text=True)
    # ten days after 11-19 is Sunday 11-29: the handover is due on Monday 11-30 (CC art 203)
    assert "换届逾期" in page and "2026-11-30" in page
