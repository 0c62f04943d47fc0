"""Routes of nominations, vetting and the candidate list (C4)."""
from committee_app import clock
from committee_app.extensions import db
from committee_app.registry.models import Compound, Owner

from .core import code_of
from .routes import READERS_OF_A, Route

MANAGERS = ("admin", "organiser")


def _nomination_id(world):
    """A candidate list for compound A with one nomination (created on first use)."""
    from committee_app.nominations import operations, util

    compound = db.session.get(Compound, world.a)
    candidate_list = util.current_list(compound)
    if candidate_list is None:
        operations.open_list(compound, seats=5, on=clock.today())
        owner_id = db.session.scalar(db.select(Owner.id).where(Owner.compound_id == world.a, Owner.name == "李四"))
        operations.nominate(compound, channel="self", owner_id=owner_id, statement="access test")
        db.session.commit()
        candidate_list = util.current_list(compound)
    return candidate_list.nominations[0].id


def _base(w):
    _nomination_id(w)
    return f"/compounds/{code_of(w)}"


ROUTES = [
    Route("nominations.index", lambda w: f"{_base(w)}/nominations", allowed=READERS_OF_A),
    Route("nominations.new", lambda w: f"{_base(w)}/nominations/new", allowed=MANAGERS),
    Route("nominations.detail", lambda w: f"{_base(w)}/nominations/{_nomination_id(w)}", allowed=READERS_OF_A),
    Route("nominations.document", lambda w: f"{_base(w)}/nominations/{_nomination_id(w)}/documents/999999",
          allowed=READERS_OF_A, ok=(404,)),
    Route("nominations.list_pdf", lambda w: f"{_base(w)}/nominations/list.pdf", allowed=READERS_OF_A),
    Route("nominations.candidates", lambda w: f"{_base(w)}/candidates", allowed=READERS_OF_A + ("owner",)),
    Route("nominations.my_candidates", lambda w: "/candidates", allowed=("owner", "other_owner"), ok=(302,)),
    Route("nominations.self_nominate", lambda w: f"{_base(w)}/candidates/nominate", allowed=("owner",)),
    # POSTs with an empty form: refused with a flashed message (302) or the form again (400), nothing written.
    Route("nominations.open_list", lambda w: f"{_base(w)}/nominations/open", method="POST", allowed=MANAGERS,
          ok=(302,)),
    Route("nominations.create", lambda w: f"{_base(w)}/nominations/new", method="POST", allowed=MANAGERS, ok=(400,)),
    Route("nominations.record_checks", lambda w: f"{_base(w)}/nominations/{_nomination_id(w)}/checks", method="POST",
          allowed=MANAGERS, ok=(302,)),
    Route("nominations.add_documents", lambda w: f"{_base(w)}/nominations/{_nomination_id(w)}/documents",
          method="POST", allowed=MANAGERS, ok=(302,)),
    Route("nominations.withdraw", lambda w: f"{_base(w)}/nominations/{_nomination_id(w)}/withdraw", method="POST",
          allowed=MANAGERS, ok=(302,)),
    Route("nominations.record_round", lambda w: f"{_base(w)}/nominations/rounds", method="POST", allowed=MANAGERS,
          ok=(302,)),
    Route("nominations.close", lambda w: f"{_base(w)}/nominations/close", method="POST", allowed=MANAGERS,
          ok=(302,)),
    Route("nominations.reopen", lambda w: f"{_base(w)}/nominations/reopen", method="POST", allowed=MANAGERS,
          ok=(302,), note="refused unless closed and not yet vetted"),
    Route("nominations.finish_vetting", lambda w: f"{_base(w)}/nominations/vetted", method="POST", allowed=MANAGERS,
          ok=(302,)),
    Route("nominations.post_list", lambda w: f"{_base(w)}/nominations/post", method="POST", allowed=MANAGERS,
          ok=(302,)),
    Route("nominations.finalise", lambda w: f"{_base(w)}/nominations/finalise", method="POST", allowed=MANAGERS,
          ok=(302,)),
    Route("nominations.answer_objection", lambda w: f"{_base(w)}/nominations/objections/999999/answer",
          method="POST", allowed=MANAGERS, ok=(404,)),
    Route("nominations.submit_self_nomination", lambda w: f"{_base(w)}/candidates/nominate", method="POST",
          allowed=("owner",), ok=(400,)),
    Route("nominations.lodge_objection", lambda w: f"{_base(w)}/candidates/objections", method="POST",
          allowed=("owner",), ok=(302,)),
]
