"""A mentor coaches a compound; its organisers see and close the mentor's items."""
from datetime import date

from sqlalchemy import func, select

from committee_app.audit.models import AuditEntry
from committee_app.extensions import db
from committee_app.workshop.models import ActionItem, CoachingSession, WorkshopFile

from .factories import PDF_BYTES, log_session


def session_form(world, **overrides):
    data = {
        "held_on": "2026-11-25", "place": "物业会议室", "attendee_ids": [str(world.users["organiser"])],
        "guests": "楼栋长 王德明、社区网格员 罗敏", "topics": ["reelection", "handover"],
        "step_key": "R4_roll_notice", "advice": "名册公示前逐户核对面积。",
        "items-0-title": "核对业主名册面积", "items-0-assignee": "周建国", "items-0-due_on": "2026-11-30",
        "items-1-title": "准备换届小组名单公示", "items-1-assignee": "李淑芬", "items-1-due_on": "2026-12-10",
    }
    data.update(overrides)
    return data


def test_a_mentor_logs_a_session_with_two_action_items(app, client, world, login_as, thursday):
    login_as("mentor")
    response = client.post("/workshop/compounds/A/sessions/new", data=session_form(world))
    assert response.status_code == 302
    with app.app_context():
        session = db.session.scalar(select(CoachingSession))
        assert session.held_on == date(2026, 11, 25) and session.topics == ["reelection", "handover"]
        assert [a.name for a in session.attendees] == ["organiser", "楼栋长 王德明", "社区网格员 罗敏"]
        assert [(i.title, i.assignee, i.due_on) for i in session.items] == [
            ("核对业主名册面积", "周建国", date(2026, 11, 30)), ("准备换届小组名单公示", "李淑芬", date(2026, 12, 10))]
        actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.compound_id == world.a)).all()
        assert actions.count("workshop.session.log") == 1 and actions.count("workshop.item.add") == 2
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "核对业主名册面积" in page and "名册公示前逐户核对面积" in page


def test_a_session_with_bad_input_is_refused_and_nothing_is_written(app, client, world, login_as, thursday):
    login_as("mentor")
    bad = [
        session_form(world, held_on="2026-11-27"),  # in the future
        session_form(world, **{"items-1-due_on": ""}),  # half an item
        session_form(world, topics=[]),
        session_form(world, attendee_ids=[str(world.users["other_organiser"])]),  # not an organiser of A
        session_form(world, attendee_ids=[], guests=""),
        session_form(world, step_key="NOPE"),
        session_form(world, **{"items-0-due_on": "2026-11-01"}),  # due before the session
        session_form(world, held_on="not a date"),
    ]
    for data in bad:
        response = client.post("/workshop/compounds/A/sessions/new", data=data)
        assert response.status_code == 400, data
        assert "alert-danger" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(CoachingSession.id))) == 0
        assert db.session.scalar(select(func.count(ActionItem.id))) == 0


def test_the_organiser_sees_the_mentors_open_items_and_closes_one(app, client, world, login_as, thursday):
    with app.app_context():
        session = log_session(world.a, items=[("核对业主名册面积", 4), ("整理会议记录", -1)], days_ago=5)
        log_session(world.b, items=[("乙小区的事项", 3)])
        by_title = {i.title: i.id for i in session.items}
        first, second = by_title["核对业主名册面积"], by_title["整理会议记录"]
        db.session.commit()
    login_as("organiser")
    compound_page = client.get("/compounds/A").get_data(as_text=True)
    assert "工作室导师的待办事项" in compound_page
    assert "核对业主名册面积" in compound_page and "整理会议记录" in compound_page
    assert "乙小区的事项" not in compound_page
    assert "已逾期" in compound_page
    items_page = client.get("/workshop/my-items").get_data(as_text=True)
    assert "核对业主名册面积" in items_page and "乙小区的事项" not in items_page

    response = client.post(f"/workshop/compounds/A/items/{first}/complete",
                           data={"completed_on": "2026-11-26", "note": "已逐户核对", "next": "/compounds/A"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/compounds/A")
    with app.app_context():
        item = db.session.get(ActionItem, first)
        assert (item.status, item.completed_on, item.outcome_note) == ("done", date(2026, 11, 26), "已逐户核对")
        assert item.closed_by_id == world.users["organiser"]
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "workshop.item.complete"))
        assert entry.actor_name == "organiser" and '"open"' in entry.before and '"done"' in entry.after
    # the closed item leaves the compound page panel
    assert "<strong>核对业主名册面积</strong>" not in client.get("/compounds/A").get_data(as_text=True)

    response = client.post(f"/workshop/compounds/A/items/{second}/drop", data={"reason": "已并入换届方案"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(ActionItem, second).status == "dropped"


def test_closing_an_item_needs_a_date_and_a_note_and_only_once(app, client, world, login_as, thursday):
    with app.app_context():
        item_id = log_session(world.a, items=[("核对名册", 4)]).items[0].id
        db.session.commit()
    login_as("organiser")
    url = f"/workshop/compounds/A/items/{item_id}"
    for data in ({"completed_on": "2026-11-26", "note": ""}, {"completed_on": "", "note": "x"},
                 {"completed_on": "2026-11-27", "note": "future"}):
        client.post(url + "/complete", data=data)
    client.post(url + "/drop", data={"reason": "  "})
    with app.app_context():
        assert db.session.get(ActionItem, item_id).status == "open"
    client.post(url + "/complete", data={"completed_on": "2026-11-26", "note": "ok"})
    response = client.post(url + "/drop", data={"reason": "改主意"}, follow_redirects=True)
    assert "已办结或已撤销" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(ActionItem, item_id).status == "done"


def test_an_organiser_cannot_reach_another_compounds_items(app, client, world, login_as, thursday):
    with app.app_context():
        a_item = log_session(world.a, items=[("甲的事项", 4)]).items[0].id
        db.session.commit()
    login_as("other_organiser")
    assert client.get("/workshop/compounds/A/items").status_code == 403
    assert client.post(f"/workshop/compounds/A/items/{a_item}/complete",
                       data={"completed_on": "2026-11-26", "note": "x"}).status_code == 403
    # their own compound in the URL with A's item id: not found
    assert client.post(f"/workshop/compounds/B/items/{a_item}/complete",
                       data={"completed_on": "2026-11-26", "note": "x"}).status_code == 404
    assert "甲的事项" not in client.get("/workshop/my-items").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(ActionItem, a_item).status == "open"


def test_a_mentor_outside_the_community_sees_nothing(app, client, world, login_as, thursday):
    with app.app_context():
        session_id = log_session(world.a, items=[("甲的事项", 4)]).id
        db.session.commit()
    login_as("outside_mentor")
    board = client.get("/workshop/").get_data(as_text=True)
    assert "丙小区" in board and "甲小区" not in board and "乙小区" not in board
    assert client.get("/workshop/compounds/A").status_code == 403
    assert client.get(f"/workshop/compounds/A/sessions/{session_id}").status_code == 403
    assert client.get("/workshop/compounds/A/coaching-record.pdf").status_code == 403
    assert client.get(f"/workshop/compounds/C/sessions/{session_id}").status_code == 404


def test_owners_see_nothing_of_the_workshop_and_officers_only_the_record(app, client, world, login_as, thursday):
    with app.app_context():
        log_session(world.a, items=[("甲的事项", 4)])
        db.session.commit()
    login_as("owner")
    page = client.get("/compounds/A").get_data(as_text=True)
    assert "工作室" not in page.split("<main")[1].split("</main>")[0] and "甲的事项" not in page
    login_as("officer")
    page = client.get("/compounds/A").get_data(as_text=True)
    assert "辅导记录 PDF" in page and "甲的事项" not in page
    assert client.get("/workshop/compounds/A/items").status_code == 403


def test_attachments_are_checked_by_their_bytes(app, client, world, login_as, thursday):
    from io import BytesIO

    with app.app_context():
        session_id = log_session(world.a).id
        db.session.commit()
    login_as("mentor")
    url = f"/workshop/compounds/A/sessions/{session_id}/files"
    fake = client.post(url, data={"file": (BytesIO(b"MZ\x90\x00 not a pdf"), "advice.pdf")},
                       content_type="multipart/form-data", follow_redirects=True)
    assert "只接受 PDF、JPEG 或 PNG 文件" in fake.get_data(as_text=True)
    app.config["UPLOAD_MAX_BYTES"] = 100
    big = client.post(url, data={"file": (BytesIO(PDF_BYTES + b"0" * 200), "big.pdf")},
                      content_type="multipart/form-data", follow_redirects=True)
    assert "超过" in big.get_data(as_text=True)
    app.config["UPLOAD_MAX_BYTES"] = 10 * 1024 * 1024
    ok = client.post(url, data={"file": (BytesIO(PDF_BYTES), "意见书.pdf")}, content_type="multipart/form-data")
    assert ok.status_code == 302
    with app.app_context():
        files = db.session.scalars(select(WorkshopFile)).all()
        assert [(f.filename, f.content_type) for f in files] == [("意见书.pdf", "application/pdf")]
        file_id = files[0].id
    download = client.get(f"/workshop/compounds/A/files/{file_id}")
    assert download.status_code == 200 and download.data == PDF_BYTES


def test_the_mentor_follows_up_every_open_item_of_the_community(app, client, world, login_as, thursday):
    with app.app_context():
        log_session(world.a, items=[("甲：已逾期", -2)], days_ago=5)
        log_session(world.b, items=[("乙：下周", 7)])
        db.session.commit()
    login_as("mentor")
    html = client.get("/workshop/items").get_data(as_text=True)
    assert html.index("甲：已逾期") < html.index("乙：下周")
    assert "甲小区" in html and "乙小区" in html and "逾期 2 天" in html
    login_as("outside_mentor")
    assert "甲：已逾期" not in client.get("/workshop/items").get_data(as_text=True)


def test_a_mentor_corrects_a_session_and_the_audit_keeps_the_old_advice(app, client, world, login_as, thursday):
    with app.app_context():
        session = log_session(world.a, days_ago=3, items=[("核对名册", 2)])
        session_id = session.id
        db.session.commit()
    login_as("mentor")
    url = f"/workshop/compounds/A/sessions/{session_id}/edit"
    form = client.get(url).get_data(as_text=True)
    assert "按程序推进换届。" in form
    for bad in ({"held_on": "2026-11-27", "topics": ["reelection"], "advice": "x"},  # in the future
                {"held_on": "2026-11-23", "topics": [], "advice": "x"},
                {"held_on": "2026-11-23", "topics": ["reelection"], "advice": " "}):
        assert client.post(url, data=bad).status_code == 400
    response = client.post(url, data={"held_on": "2026-11-23", "place": "电话", "topics": ["reelection", "chair"],
                                      "advice": "改为先选举主任。"})
    assert response.status_code == 302
    with app.app_context():
        session = db.session.get(CoachingSession, session_id)
        assert (session.place, session.topics, session.advice) == ("电话", ["reelection", "chair"], "改为先选举主任。")
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "workshop.session.update"))
        assert "按程序推进换届。" in entry.before and "改为先选举主任。" in entry.after
