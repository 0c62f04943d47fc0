"""Routes of the workshop (C3): mentors coach their community, organisers update their items,
street officers read the coaching record, owners see nothing."""
from tests.workshop.factories import ensure_access_fixtures

from .core import code_of
from .routes import Route

COACHES = ("admin", "mentor")
ANY_MENTOR = ("admin", "mentor", "outside_mentor")


def _a(path):
    return lambda w: f"/workshop/compounds/{code_of(w)}{path}"


def _fx(key, template):
    return lambda w: template.format(code=code_of(w), id=ensure_access_fixtures(w)[key])


ROUTES = [
    Route("workshop.board", lambda w: "/workshop/", allowed=ANY_MENTOR),
    Route("workshop.compound", _a(""), allowed=COACHES),
    Route("workshop.new_session", _a("/sessions/new"), allowed=COACHES),
    Route("workshop.new_session", _a("/sessions/new"), method="POST", allowed=COACHES, ok=(400,)),
    Route("workshop.session", _fx("session", "/workshop/compounds/{code}/sessions/{id}"), allowed=COACHES),
    Route("workshop.edit_session", _fx("session", "/workshop/compounds/{code}/sessions/{id}/edit"), allowed=COACHES),
    Route("workshop.edit_session", _fx("session", "/workshop/compounds/{code}/sessions/{id}/edit"), method="POST",
          allowed=COACHES, ok=(400,)),
    Route("workshop.add_item", _fx("session", "/workshop/compounds/{code}/sessions/{id}/items"), method="POST",
          allowed=COACHES, ok=(302,)),
    Route("workshop.upload_session_file", _fx("session", "/workshop/compounds/{code}/sessions/{id}/files"),
          method="POST", allowed=COACHES, ok=(302,)),
    Route("workshop.session_file", _fx("file", "/workshop/compounds/{code}/files/{id}"), allowed=COACHES),
    Route("workshop.items", _a("/items"), allowed=COACHES + ("organiser",)),
    Route("workshop.coached_items", lambda w: "/workshop/items", allowed=ANY_MENTOR),
    Route("workshop.my_items", lambda w: "/workshop/my-items", allowed=("admin", "organiser", "other_organiser")),
    Route("workshop.complete_item", _fx("item", "/workshop/compounds/{code}/items/{id}/complete"), method="POST",
          allowed=COACHES + ("organiser",), ok=(302,)),
    Route("workshop.drop_item", _fx("item", "/workshop/compounds/{code}/items/{id}/drop"), method="POST",
          allowed=COACHES + ("organiser",), ok=(302,)),
    Route("workshop.coaching_record", _a("/coaching-record.pdf"),
          allowed=COACHES + ("officer", "community_officer")),
    Route("workshop.events", lambda w: "/workshop/events", allowed=ANY_MENTOR),
    Route("workshop.new_event", lambda w: "/workshop/events/new", allowed=ANY_MENTOR),
    Route("workshop.new_event", lambda w: "/workshop/events/new", method="POST", allowed=ANY_MENTOR, ok=(400,)),
    Route("workshop.event", _fx("event", "/workshop/events/{id}"), allowed=COACHES),
    Route("workshop.invite", _fx("event", "/workshop/events/{id}/invitees"), method="POST", allowed=COACHES,
          ok=(302,)),
    Route("workshop.attendance", _fx("event", "/workshop/events/{id}/attendance"), method="POST", allowed=COACHES,
          ok=(302,)),
    Route("workshop.upload_material", _fx("event", "/workshop/events/{id}/materials"), method="POST",
          allowed=COACHES, ok=(302,)),
    Route("workshop.material", lambda w: "/workshop/events/{e}/materials/{m}".format(
        e=ensure_access_fixtures(w)["event"], m=ensure_access_fixtures(w)["material"]), allowed=COACHES),
    Route("workshop.people", lambda w: "/workshop/people", allowed=ANY_MENTOR),
    Route("workshop.account_record", lambda w: f"/workshop/people/accounts/{w.users['organiser']}",
          allowed=COACHES + ("organiser",)),
    Route("workshop.guest_record", lambda w: (ensure_access_fixtures(w), "/workshop/people/guests?name=楼栋长 王德明")[1],
          allowed=COACHES, denied=(403, 404), note="a mentor of another community finds no such guest (404)"),
    Route("workshop.my_training", lambda w: "/workshop/my-training", allowed=("admin", "organiser", "other_organiser"),
          ok=(302,)),
]
