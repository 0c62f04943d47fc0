"""Routes of the procedures feature: mentor and street officer read, organiser (and admin) act,
street officer (and admin) sign off; owners and anonymous users see only the public board."""
from datetime import date

from committee_app.extensions import db
from committee_app.registry.models import Compound

from .core import code_of
from .routes import READERS_OF_A, Route

MANAGERS_OF_A = ("admin", "organiser")
SIGNERS_FOR_A = ("admin", "officer", "community_officer")


def _procedure(world):
    """Compound A's re-election (created once), with a document on its first step."""
    from committee_app.procedures import operations
    from committee_app.procedures.models import Procedure

    procedure = db.session.scalar(db.select(Procedure).where(Procedure.compound_id == world.a))
    if procedure is None:
        procedure = operations.start_procedure(db.session.get(Compound, world.a), "reelection",
                                               on=date(2026, 11, 1))
        operations.add_document(procedure.steps[0], "报告.pdf", b"%PDF-1.4 test")
        db.session.commit()
    return procedure


def _procedure_url(world, tail=""):
    return f"/compounds/{code_of(world)}/procedures/{_procedure(world).id}{tail}"


def _step_url(world, tail):
    return f"/compounds/{code_of(world)}/steps/{_procedure(world).steps[1].id}/{tail}"


def _document_url(world):
    return f"/compounds/{code_of(world)}/documents/{_procedure(world).steps[0].documents[0].id}"


ROUTES = [
    Route("procedures.index", lambda w: f"/compounds/{code_of(w)}/procedures", allowed=READERS_OF_A),
    # the URL builder creates A's active procedure first, so this start is refused and changes nothing
    Route("procedures.start", lambda w: _procedure_url(w) and f"/compounds/{code_of(w)}/procedures", method="POST",
          allowed=MANAGERS_OF_A, ok=(302,), data={"kind": "formation"}, note="refused: one is active"),
    Route("procedures.timeline", lambda w: _procedure_url(w), allowed=READERS_OF_A),
    Route("procedures.anchors", lambda w: _procedure_url(w, "/anchors"), method="POST", allowed=MANAGERS_OF_A,
          ok=(302,)),
    Route("procedures.abandon", lambda w: _procedure_url(w, "/abandon"), method="POST", allowed=MANAGERS_OF_A,
          ok=(302,), note="no reason: refused"),
    Route("procedures.roll_notice", lambda w: _procedure_url(w, "/roll-notice"), method="POST",
          allowed=MANAGERS_OF_A, ok=(302,), note="refused: prerequisites open"),
    Route("procedures.meeting_notice", lambda w: _procedure_url(w, "/meeting-notice"), allowed=MANAGERS_OF_A),
    Route("procedures.meeting_notice", lambda w: _procedure_url(w, "/meeting-notice"), method="POST",
          allowed=MANAGERS_OF_A, ok=(400,)),
    Route("procedures.start_step", lambda w: _step_url(w, "start"), method="POST", allowed=MANAGERS_OF_A,
          ok=(302,)),
    Route("procedures.complete_step", lambda w: _step_url(w, "complete"), method="POST", allowed=MANAGERS_OF_A,
          ok=(302,)),
    Route("procedures.waive_step", lambda w: _step_url(w, "waive"), method="POST",
          allowed=MANAGERS_OF_A + SIGNERS_FOR_A[1:], ok=(302,), note="organiser, or the street office approving"),
    Route("procedures.withdraw_waiver", lambda w: _step_url(w, "waiver/withdraw"), method="POST",
          allowed=MANAGERS_OF_A, ok=(302,), note="refused: no waiver waiting"),
    Route("procedures.reopen_step", lambda w: _step_url(w, "reopen"), method="POST",
          allowed=MANAGERS_OF_A, ok=(302,), note="refused: not submitted"),
    Route("procedures.approve_waiver", lambda w: _step_url(w, "waiver/approve"), method="POST",
          allowed=SIGNERS_FOR_A, ok=(302,), note="refused: no waiver waiting"),
    Route("procedures.reject_waiver", lambda w: _step_url(w, "waiver/reject"), method="POST",
          allowed=SIGNERS_FOR_A, ok=(302,), note="no reason: refused"),
    Route("procedures.upload_documents", lambda w: _step_url(w, "documents"), method="POST",
          allowed=MANAGERS_OF_A, ok=(302,)),
    Route("procedures.document", _document_url, allowed=READERS_OF_A),
    Route("procedures.sign_off", lambda w: _step_url(w, "sign-off"), method="POST", allowed=SIGNERS_FOR_A,
          ok=(302,)),
    Route("procedures.return_step", lambda w: _step_url(w, "return"), method="POST", allowed=SIGNERS_FOR_A,
          ok=(302,)),
    Route("procedures.settings", lambda w: f"/compounds/{code_of(w)}/settings", allowed=READERS_OF_A),
    Route("procedures.save_settings", lambda w: f"/compounds/{code_of(w)}/settings", method="POST",
          allowed=MANAGERS_OF_A, ok=(302,)),
]
