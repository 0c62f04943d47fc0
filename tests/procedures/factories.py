"""Helpers to put a compound's procedure in a given state through the real operations.

Other features' tests may use them, e.g. a procedure whose meeting notice was posted::

    from tests.procedures.factories import procedure_with_meeting_notice
    procedure = procedure_with_meeting_notice(compound, posted_on=date(2026, 11, 1),
                                              meeting_on=date(2026, 11, 16))

They need an app context; the caller commits. Steps before the wanted one are completed
(action steps via ``complete_action``) or waived, and street sign-offs are given.
"""
from __future__ import annotations

from datetime import date

from committee_app.procedures import operations
from committee_app.procedures.models import Procedure, ProcedureStep
from committee_app.procedures.util import procedure_rules


def start(compound, kind: str = "reelection", *, on: date = date(2026, 10, 1), **anchors) -> Procedure:
    return operations.start_procedure(compound, kind, on=on, **anchors)


def settle(step: ProcedureStep, *, on: date, officer=None) -> None:
    """Complete ``step`` on ``on`` and sign it off when the rules ask for it."""
    operations.complete_step(step, on=on)
    if step.state == "submitted":
        operations.sign_off_step(step, officer)


def settle_before(procedure: Procedure, key: str, *, on: date, officer=None) -> ProcedureStep:
    """Settle every step before ``key`` (in order) on ``on``; return the step ``key``."""
    for step in procedure.steps:
        if step.key == key:
            return step
        if not step.is_settled:
            settle(step, on=on, officer=officer)
    raise KeyError(key)


def procedure_with_meeting_notice(compound, *, posted_on: date, meeting_on: date, kind: str = "reelection",
                                  officer=None) -> Procedure:
    """A procedure whose meeting notice step is done, posted on ``posted_on`` for ``meeting_on``."""
    procedure = start(compound, kind, on=posted_on, meeting_on=meeting_on)
    rules = procedure_rules(procedure)
    notice_key = next(key for key, rule in rules.items() if rule.action == "meeting_notice")
    settle_before(procedure, notice_key, on=posted_on, officer=officer)
    operations.complete_action(compound, "meeting_notice", on=posted_on)
    return procedure
