"""Bad URLs and forms get a clear answer, never a 500."""
import pytest

from committee_app.extensions import db

from .factories import ensure_access_fixtures


@pytest.mark.parametrize("method,url,data", [
    ("GET", "/workshop/compounds/NOPE", None),
    ("GET", "/workshop/compounds/A/sessions/999999", None),
    ("GET", "/workshop/compounds/A/files/999999", None),
    ("POST", "/workshop/compounds/A/items/999999/complete", {"completed_on": "2026-11-26", "note": "x"}),
    ("POST", "/workshop/compounds/A/items/{item}/complete", {"completed_on": "26/11/2026", "note": "x"}),
    ("POST", "/workshop/compounds/A/sessions/new", {"held_on": "2026-11-25", "attendee_ids": "abc", "advice": "x"}),
    ("POST", "/workshop/compounds/A/sessions/new", {"held_on": "2026-11-25", "items-0-due_on": "tomorrow"}),
    ("POST", "/workshop/compounds/A/sessions/{session}/items", {"title": "x", "assignee": "y", "due_on": "2020-01-01"}),
    ("GET", "/workshop/events/999999", None),
    ("POST", "/workshop/events/{event}/invitees", {"user_ids": "abc", "guest_compound_id": "x"}),
    ("POST", "/workshop/events/{event}/invitees", {"user_ids": "999999"}),
    ("POST", "/workshop/events/{event}/attendance", {"present": "999999"}),
    ("POST", "/workshop/events/{event}/attendance", {"present": "abc"}),
    ("POST", "/workshop/events/{event}/materials", {}),
    ("GET", "/workshop/events/{event}/materials/999999", None),
    ("POST", "/workshop/events/new", {"community_id": "999999", "kind": "salon", "title": "x", "held_on": "2026-11-26"}),
    ("POST", "/workshop/events/new", {"community_id": "1", "kind": "party", "title": "x", "held_on": "2026-11-26"}),
    ("GET", "/workshop/people/accounts/999999", None),
    ("GET", "/workshop/people/guests", None),
    ("GET", "/workshop/people/guests?name=nobody", None),
])
def test_bad_requests_are_answered_clearly(app, client, world, login_as, thursday, method, url, data):
    with app.app_context():
        ids = ensure_access_fixtures(world)
    login_as("mentor")
    url = url.format(**ids)
    response = client.open(url, method=method, data=data or {})
    assert response.status_code in (302, 400, 403, 404), response.status_code
    if response.status_code == 302:
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "alert-danger" in page


def test_nothing_was_written_by_refused_requests(app, client, world, login_as, thursday):
    from committee_app.workshop.models import ActionItem, EventInvitee

    with app.app_context():
        ids = ensure_access_fixtures(world)
        before = (db.session.query(ActionItem).count(), db.session.query(EventInvitee).count())
    login_as("mentor")
    client.post(f"/workshop/compounds/A/sessions/{ids['session']}/items",
                data={"title": "x", "assignee": "y", "due_on": "2020-01-01"})
    client.post(f"/workshop/events/{ids['event']}/invitees", data={"user_ids": "999999", "guests": "新人"})
    with app.app_context():
        assert (db.session.query(ActionItem).count(), db.session.query(EventInvitee).count()) == before
