"""The few places voting meets features built in parallel (procedures, nominations,
committees). Each is one small function that does nothing while its feature is absent.
"""
from __future__ import annotations

import importlib
from datetime import date


def _module(name: str):
    try:
        return importlib.import_module(f"committee_app.{name}")
    except ModuleNotFoundError:
        return None


def vote_gate(compound, opens_on: date) -> str | None:
    """Why the vote may not open on ``opens_on`` (the meeting notice has not stood its
    full period, PMR art 14), or None."""
    util = _module("procedures.util")
    if util is None or not hasattr(util, "vote_gate"):
        return None
    return util.vote_gate(compound, opens_on)


def complete_action(compound, action: str, *, on: date, actor=None) -> None:
    """Tell the procedure engine that "vote", "count" or "result_notice" is done."""
    operations = _module("procedures.operations")
    if operations is None or not hasattr(operations, "complete_action"):
        return
    operations.complete_action(compound, action, on=on, actor=actor)


def finalised_candidates(compound) -> list | None:
    """The finalised candidate list from nominations, or None when nominations is absent."""
    util = _module("nominations.util")
    if util is None or not hasattr(util, "finalised_candidates"):
        return None
    return list(util.finalised_candidates(compound))


def can_install_committee() -> bool:
    operations = _module("committees.operations")
    return operations is not None and hasattr(operations, "install_committee")


def install_committee(compound, members: list[tuple[str, int | None, str]], *, elected_on: date, actor=None):
    operations = _module("committees.operations")
    if operations is None or not hasattr(operations, "install_committee"):
        return None
    return operations.install_committee(compound, members=members, elected_on=elected_on, actor=actor)
