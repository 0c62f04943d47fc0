"""The procedure section of the compound page."""
from __future__ import annotations

from ..policy import Ability, can
from .util import procedure_overview


def panel_context(compound, user) -> dict | None:
    if not can(user, Ability.READ, compound):
        return None
    overview = procedure_overview([compound.id]).get(compound.id)
    return {"compound": compound, "overview": overview, "can_manage": can(user, Ability.MANAGE, compound)}
