"""Routes of the oversight feature: the board and the sign-off list for street officers
in scope (and admin); a compound's findings and its compliance report for everyone who reads the compound."""
from datetime import date

from .core import code_of
from .procedures import _procedure
from .routes import READERS_OF_A, Route

OFFICERS = ("admin", "officer", "community_officer", "outside_officer")


def _handling_id(world):
    """A standing handling of a finding of compound A (none of the roles has made it)."""
    from committee_app.extensions import db
    from committee_app.oversight.models import FindingHandling

    handling = FindingHandling(compound_id=world.a, check_key="non_voter_clause", subject="setting:non_voter_clause",
                               fingerprint="0" * 64, note="已核实", handled_by_id=world.users["admin"],
                               handled_on=date(2026, 12, 1))
    db.session.add(handling)
    db.session.commit()
    return handling.id


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
    # a street officer in scope (and admin) marks a finding handled or re-opens it; the posted finding does
    # not exist here, so an allowed role is sent back to the compound page with the refusal (302)
    Route("oversight.mark_handled", lambda w: f"/oversight/compounds/{code_of(w)}/findings/handled", method="POST",
          allowed=("admin", "officer", "community_officer"), ok=(302,),
          data={"check": "non_voter_clause", "fingerprint": "0" * 64, "note": "已核实"}),
    Route("oversight.reopen_handling",
          lambda w: f"/oversight/compounds/{code_of(w)}/handlings/{_handling_id(w)}/reopen", method="POST",
          allowed=("admin", "officer", "community_officer"), ok=(302,)),
]
