"""Routes of the deliberation feature (sessions, projector, points)."""
from .core import code_of
from .routes import READERS_OF_A, Route

CHAIRS_OF_A = ("admin", "organiser", "mentor")
POINTS_READERS = ("admin", "officer", "community_officer", "mentor")
POINTS_MANAGERS = ("admin", "mentor")


def _session(w):
    return f"/compounds/{code_of(w)}/deliberations/999999"


def _community(w):
    return f"/communities/{w.community}/points"


ROUTES = [
    Route("deliberation.sessions", lambda w: f"/compounds/{code_of(w)}/deliberations", allowed=READERS_OF_A),
    Route("deliberation.create_session", lambda w: f"/compounds/{code_of(w)}/deliberations", method="POST",
          allowed=CHAIRS_OF_A, ok=(400,), note="empty form"),
    Route("deliberation.chair", _session, allowed=READERS_OF_A, ok=(404,)),
    Route("deliberation.projector", lambda w: _session(w) + "/projector", allowed=READERS_OF_A, ok=(404,)),
    Route("deliberation.state", lambda w: _session(w) + "/state.json", allowed=READERS_OF_A, ok=(404,)),
    Route("deliberation.move", lambda w: _session(w) + "/motions", method="POST", allowed=CHAIRS_OF_A, ok=(404,),
          denied=(403,)),
    Route("deliberation.second", lambda w: _session(w) + "/motions/1/second", method="POST", allowed=CHAIRS_OF_A,
          ok=(404,)),
    Route("deliberation.lapse", lambda w: _session(w) + "/motions/1/lapse", method="POST", allowed=CHAIRS_OF_A,
          ok=(404,)),
    Route("deliberation.request_floor", lambda w: _session(w) + "/motions/1/floor", method="POST",
          allowed=CHAIRS_OF_A, ok=(404,)),
    Route("deliberation.give_floor", lambda w: _session(w) + "/motions/1/next", method="POST", allowed=CHAIRS_OF_A,
          ok=(404,)),
    Route("deliberation.end_speech", lambda w: _session(w) + "/motions/1/end", method="POST", allowed=CHAIRS_OF_A,
          ok=(404,)),
    Route("deliberation.vote", lambda w: _session(w) + "/motions/1/vote", method="POST", allowed=CHAIRS_OF_A,
          ok=(404,)),
    Route("deliberation.close", lambda w: _session(w) + "/close", method="POST", allowed=CHAIRS_OF_A, ok=(404,)),
    Route("deliberation.points_home", lambda w: "/points",
          allowed=POINTS_READERS + ("outside_officer", "outside_mentor"), ok=(200, 302), note="their own community"),
    Route("deliberation.points", _community, allowed=POINTS_READERS),
    Route("deliberation.sync_points", lambda w: _community(w) + "/sync", method="POST", allowed=POINTS_MANAGERS,
          ok=(302,)),
    Route("deliberation.add_entry", lambda w: _community(w) + "/entries", method="POST", allowed=POINTS_MANAGERS,
          ok=(400,), note="empty form"),
    Route("deliberation.set_rate", lambda w: _community(w) + "/rates", method="POST", allowed=POINTS_MANAGERS,
          ok=(400,), note="empty form"),
]

RECOGNITION_READERS = POINTS_READERS + ("organiser", "owner", "other_organiser", "other_owner")


def _recognition(w):
    return f"/communities/{w.community}/recognition"


ROUTES += [
    Route("deliberation.recognition", _recognition, allowed=RECOGNITION_READERS),
    Route("deliberation.add_category", lambda w: _recognition(w) + "/categories", method="POST",
          allowed=POINTS_MANAGERS, ok=(400,), note="empty form"),
    Route("deliberation.nominate", lambda w: _recognition(w) + "/nominations", method="POST",
          allowed=RECOGNITION_READERS, ok=(400,), note="no category this year"),
    Route("deliberation.review", lambda w: _recognition(w) + "/nominations/999999/review", method="POST",
          allowed=POINTS_MANAGERS, ok=(404,)),
    Route("deliberation.publish", lambda w: _recognition(w) + "/publish", method="POST", allowed=POINTS_MANAGERS,
          ok=(400,), note="nothing accepted"),
    Route("deliberation.certificate", lambda w: _recognition(w) + "/nominations/999999/certificate.pdf",
          allowed=RECOGNITION_READERS, ok=(404,)),
]

OWNERS_AND_READERS_OF_A = READERS_OF_A + ("owner",)


def _consultation(w):
    return f"/compounds/{code_of(w)}/consultations/999999"


ROUTES += [
    Route("deliberation.consultations", lambda w: f"/compounds/{code_of(w)}/consultations",
          allowed=OWNERS_AND_READERS_OF_A),
    Route("deliberation.create_consultation", lambda w: f"/compounds/{code_of(w)}/consultations", method="POST",
          allowed=("admin", "organiser"), ok=(400,), note="empty form"),
    Route("deliberation.consultation", _consultation, allowed=OWNERS_AND_READERS_OF_A, ok=(404,)),
    Route("deliberation.give_voice", lambda w: _consultation(w) + "/voice", method="POST", allowed=("owner",),
          ok=(404,)),
    Route("deliberation.hide_voice", lambda w: _consultation(w) + "/voices/1/hide", method="POST",
          allowed=("admin", "organiser"), ok=(404,)),
    Route("deliberation.publish_consultation", lambda w: _consultation(w) + "/publish", method="POST",
          allowed=("admin", "organiser"), ok=(404,)),
]

ROUTES += [
    Route("deliberation.growth", lambda w: f"/communities/{w.community}/growth", allowed=POINTS_READERS),
]
