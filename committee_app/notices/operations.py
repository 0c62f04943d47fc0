"""Posting and superseding notices. Operations flush and audit; never commit."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from ..audit.operations import record
from ..extensions import db
from .models import NOTICE_KINDS, Notice


class NoticeError(ValueError):
    pass


def publicity_end(posted_on: date, days: int) -> date:
    """Last day of a publicity period of ``days`` days for a notice posted on ``posted_on``: the
    posting day is not counted (CC art 201), a last day that is a statutory rest day moves to the
    first day after it (CC art 203); the period ends at 24:00 of that day."""
    from ..rules import publicity_period

    return publicity_period(posted_on, days).on


def post_notice(compound, *, kind: str, title: str, posted_on: date, body: str = "",
                publicity_days: int | None = None, publicity_ends_on: date | None = None,
                citations: list[str] | None = None, source: tuple[str, int] | None = None,
                pdf: bytes | None = None, posted_by=None) -> Notice:
    """Post a notice on the compound's public board.

    Give either ``publicity_days`` (counted from the day after ``posted_on``, CC arts 201-203) or
    ``publicity_ends_on``; neither means a notice without a publicity period.
    """
    if kind not in NOTICE_KINDS:
        raise NoticeError(_("未知的公告类型：%(kind)s", kind=kind))
    if not title.strip():
        raise NoticeError(_("公告标题不能为空。"))
    if publicity_days is not None:
        if publicity_days < 1:
            raise NoticeError(_("公示期至少为 1 天。"))
        publicity_ends_on = publicity_end(posted_on, publicity_days)
    if publicity_ends_on is not None and publicity_ends_on < posted_on:
        raise NoticeError(_("公示期结束日期不能早于张贴日期。"))
    notice = Notice(
        compound_id=compound.id, kind=kind, title=title.strip(), body=body, posted_on=posted_on,
        publicity_ends_on=publicity_ends_on, citations=list(citations or []),
        source_type=source[0] if source else None, source_id=source[1] if source else None,
        pdf=pdf, posted_by_id=getattr(posted_by, "id", None),
    )
    db.session.add(notice)
    db.session.flush()
    record("notice.post", notice, compound_id=compound.id, actor=posted_by,
           after={"kind": kind, "title": notice.title, "posted_on": posted_on, "publicity_ends_on": publicity_ends_on,
                  "source": list(source) if source else None})
    return notice


def supersede_notice(old: Notice, *, reason: str, posted_by=None, **new_notice) -> Notice:
    """Post a replacement for ``old`` and mark ``old`` superseded with a visible reason."""
    if not old.is_current:
        raise NoticeError(_("该公告已被替换，不能再次替换。"))
    if not reason or not reason.strip():
        raise NoticeError(_("替换公告必须写明理由。"))
    from ..registry.models import Compound

    compound = db.session.get(Compound, old.compound_id)
    new_notice.setdefault("kind", old.kind)
    new_notice.setdefault("source", (old.source_type, old.source_id) if old.source_type else None)
    replacement = post_notice(compound, posted_by=posted_by, **new_notice)
    old.superseded_by_id = replacement.id
    old.superseded_reason = reason.strip()
    db.session.flush()
    record("notice.supersede", old, compound_id=old.compound_id, actor=posted_by,
           after={"superseded_by": replacement.id, "reason": old.superseded_reason})
    return replacement
