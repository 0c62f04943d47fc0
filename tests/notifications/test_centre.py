"""The notification centre: the bell's count, the list, opening an entry where one acts,
preferences, and the private calendar feed (RFC 5545)."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from committee_app import clock
from committee_app.extensions import db
from committee_app.registry.models import Compound

from .conftest import at

DAY = date(2026, 12, 1)


def _returned_step(app, world):
    """Compound A's first step returned by the street office; returns (procedure id, step id)."""
    from committee_app.accounts.models import User
    from committee_app.procedures import operations

    clock.freeze(at(DAY))
    with app.app_context():
        organiser = db.session.get(User, world.users["organiser"])
        procedure = operations.start_procedure(db.session.get(Compound, world.a), "reelection", actor=organiser,
                                               on=DAY, term_ends_on=date(2027, 6, 30))
        step = procedure.steps[0]
        operations.complete_step(step, on=DAY, actor=organiser)
        operations.return_step(step, db.session.get(User, world.users["officer"]), "请补充报告回执。")
        db.session.commit()
        return procedure.id, step.id


def test_the_organiser_sees_the_bell_count_and_opens_the_returned_step(app, world, client, login_as, run_on):
    procedure_id, step_id = _returned_step(app, world)
    run_on(DAY)
    login_as("organiser")
    page = client.get("/compounds/A").get_data(as_text=True)
    assert re.search(r'id="notification-bell"[^>]*>.*?data-unread="1"', page, re.S)
    listing = client.get("/notifications").get_data(as_text=True)
    assert "甲小区：街道退回" in listing and "请补充报告回执" in listing
    notification_id = re.search(r'/notifications/(\d+)/open', listing).group(1)
    response = client.post(f"/notifications/{notification_id}/open")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/compounds/A/procedures/{procedure_id}#step-{step_id}")
    page = client.get("/compounds/A").get_data(as_text=True)
    assert 'data-unread=' not in page.split('id="notification-bell"')[1].split("</a>")[0]


def test_nobody_opens_or_sees_another_persons_notification(app, world, client, login_as, run_on):
    _returned_step(app, world)
    run_on(DAY)
    login_as("other_organiser")
    assert "街道退回" not in client.get("/notifications").get_data(as_text=True)
    from committee_app.notifications.models import Notification

    with app.app_context():
        notification_id = db.session.scalar(db.select(Notification.id))
    assert client.post(f"/notifications/{notification_id}/open").status_code == 404


def test_mark_all_read(app, world, client, login_as, run_on):
    _returned_step(app, world)
    run_on(DAY)
    login_as("organiser")
    client.post("/notifications/read")
    assert 'data-unread="1"' not in client.get("/notifications").get_data(as_text=True)


def test_preferences_are_saved_and_a_bad_address_changes_nothing(app, world, client, login_as):
    from committee_app.notifications.models import NotificationProfile
    from committee_app.notifications.util import preferences_of

    login_as("owner")
    page = client.get("/notifications/settings").get_data(as_text=True)
    assert "只接收法定公示公告" in page  # an owner may stop optional messages
    response = client.post("/notifications/settings", data={"email": "not-an-address", "phone": "12345678"})
    assert response.status_code == 400 and "电子邮箱格式不正确" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(NotificationProfile, world.users["owner"]).email is None
    client.post("/notifications/settings", data={"email": "zhao@example.org", "phone": "13800000000",
                                                 "votes:email": "on", "notices:sms": "on", "stops_optional": "on"})
    with app.app_context():
        profile = db.session.get(NotificationProfile, world.users["owner"])
        assert (profile.email, profile.phone, profile.stops_optional) == ("zhao@example.org", "13800000000", True)
        prefs = preferences_of(world.users["owner"])
        assert prefs[("votes", "email")] and not prefs[("notices", "email")] and prefs[("notices", "sms")]
    login_as("organiser")
    assert "只接收法定公示公告" not in client.get("/notifications/settings").get_data(as_text=True)


def test_the_calendar_feed_parses_and_holds_the_persons_deadlines_and_votes(app, world, client, login_as):
    from icalendar import Calendar

    from committee_app.voting import operations as voting

    from committee_app.notices.operations import post_notice

    procedure_id, step_id = _returned_step(app, world)
    opens_at = datetime.combine(clock.today() + timedelta(days=20), datetime.min.time()).replace(hour=1)
    with app.app_context():
        compound = db.session.get(Compound, world.a)
        post_notice(compound, kind="meeting_notice", title="业主大会会议通知", posted_on=clock.today())
        # in a procedure the candidates come from the finalised list: this vote has none yet
        voting.create_election(compound, title="第二届业主委员会选举", seats=1, is_by_election=True,
                               opens_at=opens_at, closes_at=opens_at + timedelta(hours=9))
        db.session.commit()
    login_as("organiser")
    page = client.get("/notifications/settings").get_data(as_text=True)
    feed_url = re.search(r'value="(http[^"]+\.ics)"', page).group(1)
    client.post("/logout")
    response = client.get(feed_url)  # a phone calendar subscribes without logging in
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    r2 = events[f"step-{step_id}-2027-03-30@committee-app"]
    assert "甲小区" in str(r2["summary"]) and r2.decoded("dtstart") == date(2027, 3, 30)
    assert str(r2["url"]).endswith(f"/compounds/A/procedures/{procedure_id}#step-{step_id}")
    vote = next(e for uid, e in events.items() if uid.startswith("vote-"))
    assert "第二届业主委员会选举" in str(vote["summary"])
    assert vote.decoded("dtstart").replace(tzinfo=None) == opens_at
    # the owner's feed holds the vote of their compound, not the organiser's deadlines
    login_as("owner")
    owner_feed = re.search(r'value="(http[^"]+\.ics)"', client.get("/notifications/settings").get_data(as_text=True))
    owner_events = [str(e["summary"]) for e in Calendar.from_ical(client.get(owner_feed.group(1)).data).walk("VEVENT")]
    assert any("第二届业主委员会选举" in s for s in owner_events)
    assert not any("截止" in s for s in owner_events)
    # resetting the token retires the old address
    login_as("organiser")
    client.post("/notifications/calendar/reset")
    assert client.get(feed_url).status_code == 404
    new_url = re.search(r'value="(http[^"]+\.ics)"', client.get("/notifications/settings").get_data(as_text=True))
    assert new_url.group(1) != feed_url and client.get(new_url.group(1)).status_code == 200


def test_the_mentors_board_shows_what_the_street_office_sees(app, client, runner):
    from tests.conftest import login

    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert login(client, "mentor", "demo1234").status_code == 302
    board = client.get("/workshop/").get_data(as_text=True)
    quiet = board.split('id="quiet"')[1] if 'id="quiet"' in board else ""
    assert "BLHY" not in quiet and "WKCS" not in quiet  # findings / ended term: never "no items"
    entry = board.split('data-compound="BLHY"')[1].split('class="list-group-item')[0]
    assert re.search(r"业委会任期已于 \d{4}-\d{2}-\d{2} 届满，尚未换届", entry)
    assert "街道合规问题" in entry and 'data-finding="high"' in entry


def test_each_demo_role_logs_in_to_notifications_about_its_compounds(app, client, runner):
    from tests.conftest import login

    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    expectations = {
        "organiser": "中铁一期：街道已签核",
        "street": "柏林花语：业委会任期已于",
        "mentor": "辅导小区",
        "owner": "中铁一期：业主名册已公示",
    }
    for username, text in expectations.items():
        client.post("/logout")
        assert login(client, username, "demo1234").status_code == 302
        listing = client.get("/notifications").get_data(as_text=True)
        assert text in listing, username
    client.post("/logout")
    login(client, "owner", "demo1234")
    assert "柏林花语" not in client.get("/notifications").get_data(as_text=True)


def test_notify_run_from_the_command_line(app, world, runner, run_on):
    _returned_step(app, world)
    clock.freeze(at(DAY + timedelta(days=1)))
    result = runner.invoke(args=["notify", "run"])
    assert result.exit_code == 0, result.output
    assert "notifications created: " in result.output
    again = runner.invoke(args=["notify", "run"])
    assert "notifications created: 0" in again.output


def test_the_list_speaks_english_when_asked_and_its_query_count_does_not_grow(app, world, client, login_as, run_on):
    from sqlalchemy import event

    from committee_app.notifications.models import Notification

    _returned_step(app, world)
    run_on(DAY)
    login_as("organiser")
    client.post("/language", data={"locale": "en"})
    page = client.get("/notifications").get_data(as_text=True)
    assert "甲小区: the street office returned" in page and "Open and act" in page

    def statements_for_list() -> int:
        seen = []
        with app.app_context():
            listener = lambda *args: seen.append(args[2])  # noqa: E731
            event.listen(db.engine, "before_cursor_execute", listener)
            try:
                client.get("/notifications")
            finally:
                event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    few = statements_for_list()
    with app.app_context():
        for n in range(40):
            db.session.add(Notification(user_id=world.users["organiser"], rule_key="step_overdue", kind="deadlines",
                                        source_type="procedure_step", source_id=1000 + n, dedupe_key=f"test-{n}",
                                        title=f"第{n}条", values={"compound": "甲小区", "step": f"步骤{n}"}))
        db.session.commit()
    assert statements_for_list() == few
