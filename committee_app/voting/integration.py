"""The few places voting meets features built in parallel (procedures, nominations,
committees). Each is one small function that does nothing while its feature is absent.
"""
from __future__ import annotations

import importlib
from datetime import date
from pathlib import Path

from flask import g, has_app_context


def _module(name: str):
    """``committee_app.<name>`` when that feature is part of this installation, else None."""
    import committee_app

    package_dir = Path(committee_app.__file__).resolve().parent
    if not (package_dir / name.split(".")[0]).is_dir():
        return None  # never pick up a same-named package from another checkout on sys.path
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


def in_procedure(compound) -> bool:
    """Whether the compound has an active formation or re-election procedure."""
    util = _module("procedures.util")
    return util is not None and hasattr(util, "active_procedure") and util.active_procedure(compound) is not None


def meeting_notice_posted_on(compound) -> date | None:
    """When the general meeting notice went up (PMR art 14): the active procedure's meeting
    notice step when done, else the latest current "meeting_notice" on the compound's board."""
    util = _module("procedures.util")
    if util is not None and hasattr(util, "active_procedure"):
        procedure = util.active_procedure(compound)
        step = util.meeting_notice_step(procedure) if procedure is not None else None
        if step is not None:
            return step.done_on if step.state == "done" else None
    models = _module("notices.models")
    if models is None:
        return None
    from sqlalchemy import func, select

    from ..extensions import db

    notice = models.Notice
    return db.session.scalar(select(func.max(notice.posted_on)).where(
        notice.compound_id == compound.id, notice.kind == "meeting_notice", notice.superseded_by_id.is_(None)))


def complete_action(compound, action: str, *, on: date, actor=None) -> str | None:
    """Tell the procedure engine that "vote", "count" or "result_notice" is done.

    The vote's own change stands even when the procedure refuses to complete its step (a
    prerequisite still open): the refusal is returned and kept in ``g.voting_warnings``
    for the page to show.
    """
    operations = _module("procedures.operations")
    if operations is None or not hasattr(operations, "complete_action"):
        return None
    from ..extensions import db

    try:
        with db.session.begin_nested():
            operations.complete_action(compound, action, on=on, actor=actor)
    except getattr(operations, "ProcedureError", ValueError) as error:
        if has_app_context():
            g.setdefault("voting_warnings", []).append(str(error))
        return str(error)
    return None


def start_action(compound, action: str, *, on: date, actor=None) -> None:
    """Tell the procedure engine that the work of "vote" has begun (its step shows in progress)."""
    operations = _module("procedures.operations")
    if operations is None or not hasattr(operations, "start_action"):
        return
    operations.start_action(compound, action, on=on, actor=actor)


def warnings() -> list[str]:
    return list(g.get("voting_warnings", [])) if has_app_context() else []


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
