"""Routes of the oversight feature: the board and the sign-off list for street officers
in scope (and admin); a compound's findings and its compliance report for everyone who reads the compound."""
from .core import code_of
from .procedures import _procedure
from .routes import READERS_OF_A, Route

OFFICERS = ("admin", "officer", "community_officer", "outside_officer")


def _procedure_id(world):
    # the procedures feature's helper creates A's procedure (with the document its routes need)
    return _procedure(world).id


ROUTES = [
    # an officer of another street may open the board: it lists only their own compounds (tested in tests/oversight)
    Route("oversight.board", lambda w: "/oversight/", allowed=OFFICERS),
    Route("oversight.signoffs", lambda w: "/oversight/signoffs", allowed=OFFICERS),
    Route("oversight.compound", lambda w: f"/oversight/compounds/{code_of(w)}", allowed=READERS_OF_A),
    Route("oversight.compliance_report",
          lambda w: f"/oversight/compounds/{code_of(w)}/procedures/{_procedure_id(w)}/compliance.pdf",
          allowed=READERS_OF_A),
]
