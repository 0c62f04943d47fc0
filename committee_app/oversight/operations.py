"""The street office marks a finding handled (with a note) or re-opens it: flush and audit, never commit."""
from __future__ import annotations

from flask_babel import gettext as _

from .. import clock
from ..audit.operations import record
from ..extensions import db
from .models import NOTE_MAX, FindingHandling
from .util import Result


class HandlingError(ValueError):
    """A handling the street office may not record (no note, a finding that is no longer there …)."""


def find_result(results: list[Result], check_key: str, fingerprint: str) -> Result | None:
    """The current finding with this check and fingerprint (None when the facts changed meanwhile)."""
    return next((r for r in results if not r.ok and r.check.key == check_key and r.fingerprint == fingerprint), None)


def mark_handled(compound, result: Result | None, note: str, actor) -> FindingHandling:
    """Record that the street office handled ``result`` (a current finding of ``compound``)."""
    note = (note or "").strip()
    if result is None or result.ok:
        raise HandlingError(_("该问题已不存在或其依据的记录已变化，请刷新后重试。"))
    if not note:
        raise HandlingError(_("请填写处理说明。"))
    if len(note) > NOTE_MAX:
        raise HandlingError(_("处理说明不能超过 %(max)s 个字。", max=NOTE_MAX))
    standing = db.session.scalar(db.select(FindingHandling).where(
        FindingHandling.compound_id == compound.id, FindingHandling.check_key == result.check.key,
        FindingHandling.fingerprint == result.fingerprint, FindingHandling.reopened_at.is_(None)))
    if standing is not None:
        raise HandlingError(_("该问题已标记为已处理。"))
    handling = FindingHandling(compound_id=compound.id, check_key=result.check.key, subject=result.outcome.subject,
                               fingerprint=result.fingerprint, note=note, handled_by_id=actor.id,
                               handled_on=clock.today())
    db.session.add(handling)
    db.session.flush()
    record("oversight.finding_handled", handling, compound_id=compound.id, actor=actor, after={
        "check": result.check.key, "subject": result.outcome.subject, "fingerprint": result.fingerprint,
        "problem": result.problem("zh"), "note": note, "handled_on": handling.handled_on.isoformat()})
    return handling


def reopen(handling: FindingHandling, actor) -> FindingHandling:
    """Undo a handling: the finding counts again (the handling stays, marked re-opened)."""
    if handling.reopened_at is not None:
        raise HandlingError(_("该问题已重新打开。"))
    handling.reopened_at = clock.utcnow()
    handling.reopened_by_id = actor.id
    db.session.flush()
    record("oversight.finding_reopened", handling, compound_id=handling.compound_id, actor=actor,
           before={"check": handling.check_key, "subject": handling.subject, "note": handling.note,
                   "handled_on": handling.handled_on.isoformat()},
           after={"reopened_at": handling.reopened_at.isoformat()})
    return handling
