"""Salons and micro-classroom trainings: invitations, attendance on the day, training records."""
from datetime import date
from io import BytesIO

from sqlalchemy import select

from committee_app.audit.models import AuditEntry
from committee_app.extensions import db
from committee_app.workshop.models import EventInvitee, WorkshopEvent

from .factories import PNG_BYTES, create_event


def test_a_mentor_runs_a_salon_and_takes_attendance_on_the_day(app, client, world, login_as, thursday):
    login_as("mentor")
    response = client.post("/workshop/events/new", data={
        "community_id": world.community, "kind": "salon", "title": "业委会履职的法律边界",
        "speakers": "律师 王律师", "held_on": "2026-11-26", "place": "社区党群服务中心"})
    assert response.status_code == 302
    event_url = response.headers["Location"]
    with app.app_context():
        event = db.session.scalar(select(WorkshopEvent))
        assert (event.kind, event.title, event.held_on) == ("salon", "业委会履职的法律边界", date(2026, 11, 26))
    response = client.post(event_url + "/invitees", data={
        "user_ids": [str(world.users["organiser"]), str(world.users["other_organiser"])],
        "guests": "楼栋长 王德明\n社区网格员 罗敏", "guest_compound_id": str(world.a)})
    assert response.status_code == 302
    with app.app_context():
        invitees = {i.name: i for i in db.session.scalars(select(EventInvitee))}
        assert set(invitees) == {"organiser", "other_organiser", "楼栋长 王德明", "社区网格员 罗敏"}
        assert invitees["other_organiser"].compound_id == world.b
        present = [invitees["organiser"].id, invitees["楼栋长 王德明"].id]
    response = client.post(event_url + "/attendance", data={"present": [str(i) for i in present]},
                           follow_redirects=True)
    assert "到场 2 人，共邀请 4 人" in response.get_data(as_text=True)
    with app.app_context():
        attended = {i.name: i.attended for i in db.session.scalars(select(EventInvitee))}
        assert attended == {"organiser": True, "楼栋长 王德明": True, "other_organiser": False, "社区网格员 罗敏": False}
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "workshop.event.attendance"))

    people = client.get("/workshop/people").get_data(as_text=True)
    assert "楼栋长 王德明" in people and "参加 1 / 受邀 1" in people
    record = client.get(f"/workshop/people/accounts/{world.users['other_organiser']}").get_data(as_text=True)
    assert "业委会履职的法律边界" in record and "缺席" in record
    guest = client.get("/workshop/people/guests?name=楼栋长 王德明").get_data(as_text=True)
    assert "业委会履职的法律边界" in guest and "到场" in guest
    # the organiser reads their own training record
    login_as("organiser")
    own = client.get("/workshop/my-training", follow_redirects=True).get_data(as_text=True)
    assert "业委会履职的法律边界" in own and "参加 1 次" in own
    assert client.get(f"/workshop/people/accounts/{world.users['other_organiser']}").status_code == 403


def test_attendance_cannot_be_taken_before_the_day(app, client, world, login_as, thursday):
    with app.app_context():
        event = create_event(world.community, days_from_now=3, kind="microclass")
        event_id = event.id
        db.session.commit()
    login_as("mentor")
    client.post(f"/workshop/events/{event_id}/invitees", data={"user_ids": [str(world.users["organiser"])]})
    with app.app_context():
        invitee_id = db.session.scalar(select(EventInvitee.id))
    response = client.post(f"/workshop/events/{event_id}/attendance", data={"present": [str(invitee_id)]},
                           follow_redirects=True)
    assert "活动当天起才能登记签到" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(EventInvitee, invitee_id).attended is None


def test_invitations_stay_within_the_community(app, client, world, login_as, thursday):
    from committee_app.accounts import operations as accounts
    from committee_app.accounts.models import Role

    with app.app_context():
        event_id = create_event(world.community).id
        outsider = accounts.create_user("c_organiser", "丙小区筹备组", "pw-123456")
        accounts.grant_role(outsider, Role.ORGANISER, compound_id=world.c)
        outsider_id = outsider.id
        db.session.commit()
    login_as("mentor")
    response = client.post(f"/workshop/events/{event_id}/invitees", data={"user_ids": [str(outsider_id)]},
                           follow_redirects=True)
    assert "只能邀请本社区" in response.get_data(as_text=True)
    response = client.post(f"/workshop/events/{event_id}/invitees",
                           data={"guests": "某人", "guest_compound_id": str(world.c)}, follow_redirects=True)
    assert "不在本社区" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(EventInvitee.id)) is None


def test_event_materials_are_images_or_pdfs(app, client, world, login_as, thursday):
    with app.app_context():
        event_id = create_event(world.community).id
        db.session.commit()
    login_as("mentor")
    url = f"/workshop/events/{event_id}/materials"
    bad = client.post(url, data={"file": (BytesIO(b"<html>hi</html>"), "slides.png")},
                      content_type="multipart/form-data", follow_redirects=True)
    assert "只接受 PDF、JPEG 或 PNG 文件" in bad.get_data(as_text=True)
    assert client.post(url, data={"file": (BytesIO(PNG_BYTES), "合影.png")},
                       content_type="multipart/form-data").status_code == 302
    page = client.get(f"/workshop/events/{event_id}").get_data(as_text=True)
    assert "合影.png" in page


def test_an_outside_mentor_cannot_open_the_communitys_events(app, client, world, login_as, thursday):
    with app.app_context():
        event_id = create_event(world.community).id
        db.session.commit()
    login_as("outside_mentor")
    assert "业委会履职的法律边界" not in client.get("/workshop/events").get_data(as_text=True)
    assert client.get(f"/workshop/events/{event_id}").status_code == 403
    assert client.post(f"/workshop/events/{event_id}/attendance", data={}).status_code == 403
    response = client.post("/workshop/events/new", data={
        "community_id": world.community, "kind": "salon", "title": "x", "held_on": "2026-11-26"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(WorkshopEvent.id).where(WorkshopEvent.title == "x")) is None
