"""Stories of who is told what on which day, with the clock frozen on each day in turn."""
from datetime import date, timedelta

from committee_app import clock
from committee_app.extensions import db
from committee_app.registry.models import Compound

from .conftest import at

START = date(2026, 12, 1)


def _reelection(app, world, term_ends_on: date):
    """Compound A starts its re-election on START; returns (procedure id, R2 step id, R2 due date)."""
    from committee_app.accounts.models import User
    from committee_app.procedures import operations
    from committee_app.procedures.util import effective_settings, timeline

    clock.freeze(at(START))
    with app.app_context():
        compound = db.session.get(Compound, world.a)
        organiser = db.session.get(User, world.users["organiser"])
        procedure = operations.start_procedure(compound, "reelection", actor=organiser, on=START,
                                               term_ends_on=term_ends_on)
        db.session.commit()
        view = next(v for v in timeline(procedure, effective_settings(compound), START) if v.step.key == "R2_start")
        return procedure.id, view.step.id, view.due_on


def test_an_organiser_is_reminded_7_and_1_days_before_a_step_falls_due_then_told_once_it_is_overdue(
        app, world, run_on, told):
    _pid, _sid, due = _reelection(app, world, date(2027, 3, 21))
    assert due == date(2026, 12, 21)  # begin at least 3 months before the term ends (GR art 32)
    deadline_rules = ("step_due_soon", "step_overdue")
    expected = {
        -8: [],
        -7: [("step_due_soon", "2026-12-14")],
        -6: [("step_due_soon", "2026-12-14")],
        -2: [("step_due_soon", "2026-12-14")],
        -1: [("step_due_soon", "2026-12-14"), ("step_due_soon", "2026-12-20")],
        0: [("step_due_soon", "2026-12-14"), ("step_due_soon", "2026-12-20")],
        1: [("step_due_soon", "2026-12-14"), ("step_due_soon", "2026-12-20"), ("step_overdue", "2026-12-22")],
        2: [("step_due_soon", "2026-12-14"), ("step_due_soon", "2026-12-20"), ("step_overdue", "2026-12-22")],
    }
    for offset, messages in expected.items():
        run_on(due + timedelta(days=offset))
        assert told("organiser", *deadline_rules) == messages, offset
        assert told("mentor", "mentor_step_overdue") == ([("mentor_step_overdue", "2026-12-22")] if offset >= 1 else [])
    # nobody outside the compound hears of it
    assert told("other_organiser") == [] and told("outside_mentor") == []
    assert told("owner", *deadline_rules) == []


def test_a_step_returned_by_the_street_office_reaches_the_organisers_with_the_reason(app, world, run_on, told):
    from committee_app.accounts.models import User
    from committee_app.notifications.models import Notification
    from committee_app.procedures import operations
    from committee_app.procedures.models import ProcedureStep

    procedure_id, step_id, _due = _reelection(app, world, date(2027, 6, 30))
    with app.app_context():
        step = db.session.get(ProcedureStep, step_id)
        operations.complete_step(step, on=START, actor=db.session.get(User, world.users["organiser"]),
                                 note="已书面报告")
        db.session.commit()
    run_on(START + timedelta(days=2))
    assert told("officer", "officer_signoff_waiting") == []  # waiting two days: not yet
    run_on(START + timedelta(days=3))
    assert told("officer", "officer_signoff_waiting") == [("officer_signoff_waiting", "2026-12-04")]
    assert told("community_officer", "officer_signoff_waiting") == [("officer_signoff_waiting", "2026-12-04")]
    assert told("outside_officer") == []
    clock.freeze(at(START + timedelta(days=4)))
    with app.app_context():
        operations.return_step(db.session.get(ProcedureStep, step_id), db.session.get(User, world.users["officer"]),
                               "报告缺少住建局签收回执，请补充后重新提交。")
        db.session.commit()
    run_on(START + timedelta(days=4))
    run_on(START + timedelta(days=5))
    assert told("organiser", "step_returned") == [("step_returned", "2026-12-05")]
    with app.app_context():
        notification = db.session.scalar(db.select(Notification).where(Notification.rule_key == "step_returned"))
        assert "报告缺少住建局签收回执" in notification.body and "《物业管理条例》第十九条" in notification.body
        assert notification.link == f"/compounds/A/procedures/{procedure_id}#step-{step_id}"
        assert notification.title.startswith("甲小区：街道退回")


def test_owners_hear_of_a_vote_and_the_one_who_stopped_optional_messages_only_of_the_statutory_notice(
        app, world, run_on, told):
    from committee_app.accounts.models import User
    from committee_app.notices.operations import post_notice
    from committee_app.notifications import operations as notify
    from committee_app.voting import operations as voting

    day = START
    clock.freeze(at(day))
    with app.app_context():
        compound = db.session.get(Compound, world.a)
        post_notice(compound, kind="meeting_notice", title="业主大会会议通知", posted_on=day - timedelta(days=20))
        vote = voting.create_election(compound, title="第二届业主委员会选举", seats=1, candidates=["张三"], is_by_election=True,
                                      opens_at=at(day + timedelta(days=2)), closes_at=at(day + timedelta(days=6)))
        post_notice(compound, kind="roll_notice", title="甲小区业主名册公示", posted_on=day, publicity_days=15,
                    pdf=b"%PDF-1.4 test")
        neighbour = _owner_account(world, "neighbour", "李四、王芳")
        db.session.commit()
        vote_id = vote.id
    run_on(day)
    assert told("owner") == [("owner_roll_notice", "2026-12-01")]
    assert told("organiser", "vote_opens_soon") == []
    run_on(day + timedelta(days=1))
    assert told("organiser", "vote_opens_soon") == [("vote_opens_soon", "2026-12-02")]
    with app.app_context():
        notify.save_preferences(world.users["owner"], email=None, phone=None, stops_optional=True, choices={})
        db.session.commit()
    clock.freeze(at(day + timedelta(days=2), hour=3))
    with app.app_context():
        from committee_app.voting.models import Vote

        vote = db.session.get(Vote, vote_id)
        voting.open_vote(vote, db.session.get(Compound, world.a), actor=db.session.get(User, world.users["organiser"]))
        db.session.commit()
    for offset in (2, 3, 4, 5, 6):
        run_on(day + timedelta(days=offset))
    assert told("owner") == [("owner_roll_notice", "2026-12-01")]  # optional vote messages stopped
    with app.app_context():
        from committee_app.notifications.models import Notification

        neighbour_told = sorted((n.rule_key, n.due_on.isoformat()) for n in db.session.scalars(
            db.select(Notification).where(Notification.user_id == neighbour)))
    assert neighbour_told == [("owner_roll_notice", "2026-12-01"), ("owner_vote_closing", "2026-12-06"),
                              ("owner_vote_opened", "2026-12-03")]
    assert told("organiser", "vote_closes_soon") == [("vote_closes_soon", "2026-12-06")]
    assert told("other_owner") == []


def _owner_account(world, username: str, voter_name: str) -> int:
    from committee_app.accounts import operations as accounts
    from committee_app.accounts.models import Role
    from committee_app.registry.models import Voter

    key = db.session.scalar(db.select(Voter.key).where(Voter.compound_id == world.a, Voter.display_name == voter_name))
    user = accounts.create_user(username, username, "test-pass-123")
    accounts.grant_role(user, Role.OWNER, compound_id=world.a, voter_key=key)
    db.session.flush()
    return user.id


def test_objections_candidate_list_paper_ballots_and_the_result_reach_the_right_people(app, world, run_on, told):
    from committee_app.nominations.models import CandidateList, Objection
    from committee_app.notices.operations import post_notice
    from committee_app.notifications import operations as notify
    from committee_app.registry.models import Voter
    from committee_app.voting import operations as voting
    from committee_app.voting.models import Vote

    day = START
    clock.freeze(at(day))
    with app.app_context():
        a = db.session.get(Compound, world.a)
        voter_id = db.session.scalar(db.select(Voter.id).where(Voter.compound_id == world.a,
                                                               Voter.display_name == "赵喆"))
        notice = post_notice(a, kind="candidate_list", title="甲小区业主委员会候选人名单公示", posted_on=day,
                             publicity_days=7, pdf=b"%PDF-1.4 test")
        candidate_list = CandidateList(compound_id=world.a, seats=5, opened_on=day, posted_on=day,
                                       notice_id=notice.id, objection_ends_on=notice.publicity_ends_on)
        db.session.add(candidate_list)
        db.session.flush()
        db.session.add(Objection(candidate_list_id=candidate_list.id, voter_id=voter_id, lodged_on=day,
                                 text="候选人张三拖欠物业费"))
        b = db.session.get(Compound, world.b)
        vote = voting.create_election(b, title="乙小区业主委员会选举", seats=1, candidates=["钱堃"], is_by_election=True)
        voting.open_vote(vote, b, enforce_gate=False)
        b_voter = db.session.scalar(db.select(Voter.id).where(Voter.compound_id == world.b,
                                                              Voter.display_name == "赵喆"))
        selection = voting.check_selection(vote, [vote.candidates[0].id], None)
        assert voting.enter_paper(vote, b_voter, slot=1, selection=selection, counter_name="甲") == "waiting"
        notify.save_preferences(world.users["owner"], email=None, phone=None, stops_optional=True, choices={})
        db.session.commit()
        vote_id, b_voter_id = vote.id, b_voter
    run_on(day)
    assert told("organiser", "objection_lodged") == [("objection_lodged", "2026-12-01")]
    assert told("owner") == [("owner_candidate_list", "2026-12-01")]  # statutory: told despite the opt-out
    assert told("other_organiser", "paper_second_counter") == [("paper_second_counter", "2026-12-01")]
    assert told("other_owner", "owner_vote_opened") == [("owner_vote_opened", "2026-12-01")]
    assert told("organiser", "paper_second_counter") == []
    with app.app_context():
        from committee_app.notifications.models import Notification

        owner_message = db.session.scalar(db.select(Notification).where(Notification.rule_key == "owner_candidate_list"))
        assert owner_message.title == "甲小区：候选人名单已公示，异议期至 2026-12-08"
        vote = db.session.get(Vote, vote_id)
        selection = voting.check_selection(vote, [vote.candidates[0].id], None)
        assert voting.enter_paper(vote, b_voter_id, slot=2, selection=selection, counter_name="乙") == "matched"
        post_notice(db.session.get(Compound, world.b), kind="result_notice", title="乙小区选举结果公告",
                    posted_on=day + timedelta(days=1), publicity_days=7, pdf=b"%PDF-1.4 test")
        db.session.commit()
    run_on(day + timedelta(days=1))
    assert told("other_organiser", "paper_second_counter") == [("paper_second_counter", "2026-12-01")]
    assert told("other_owner", "owner_result_posted") == [("owner_result_posted", "2026-12-02")]
