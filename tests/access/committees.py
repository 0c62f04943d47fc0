"""Routes of the committees feature."""
from .core import code_of
from .routes import READERS_OF_A, Route

MANAGERS_OF_A = ("admin", "organiser")

ROUTES = [
    Route("committees.committee", lambda w: f"/compounds/{code_of(w)}/committee", allowed=READERS_OF_A + ("owner",)),
    Route("committees.record_committee", lambda w: f"/compounds/{code_of(w)}/committee", method="POST",
          allowed=MANAGERS_OF_A, ok=(400,)),
    Route("committees.update_term", lambda w: f"/compounds/{code_of(w)}/committee/term", method="POST",
          allowed=MANAGERS_OF_A, ok=(404,), note="no committee yet"),
    Route("committees.add_member", lambda w: f"/compounds/{code_of(w)}/committee/members", method="POST",
          allowed=MANAGERS_OF_A, ok=(404,), note="no committee yet"),
    Route("committees.update_member", lambda w: f"/compounds/{code_of(w)}/committee/members/999999", method="POST",
          allowed=MANAGERS_OF_A, ok=(404,)),
]
