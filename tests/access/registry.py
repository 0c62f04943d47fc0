"""Routes of the roll versions: preview, confirm, cancel, the template (registry)."""
from committee_app.extensions import db
from committee_app.registry.models import Compound, RollVersion

from .routes import READERS_OF_A, Route

MANAGERS_OF_A = ("admin", "organiser")


def _code(world):
    return db.session.get(Compound, world.a).code


def _current_version(world) -> int:
    """The world's version 1 of compound A: confirming or cancelling it again is refused (302)."""
    return db.session.scalar(db.select(RollVersion.id).where(RollVersion.compound_id == world.a,
                                                             RollVersion.state == "current"))


def _versions(world, tail=""):
    return f"/compounds/{_code(world)}/roll/versions/{_current_version(world)}{tail}"


ROUTES = [
    Route("registry.roll_version", lambda w: _versions(w), allowed=("admin", "officer", "community_officer", "organiser"),
          note="it names who joins and leaves: personal data"),
    Route("registry.confirm_roll", lambda w: _versions(w, "/confirm"), method="POST", allowed=MANAGERS_OF_A,
          ok=(302,)),
    Route("registry.cancel_roll", lambda w: _versions(w, "/cancel"), method="POST", allowed=MANAGERS_OF_A,
          ok=(302,)),
    Route("registry.roll_template", lambda w: f"/compounds/{_code(w)}/roll/template.xlsx", allowed=MANAGERS_OF_A),
]
