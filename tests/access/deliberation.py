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
