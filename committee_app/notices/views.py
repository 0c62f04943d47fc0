"""The public board: readable by anyone, without logging in."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from .. import clock
from ..extensions import db, login_manager
from ..policy import get_compound_or_404
from ..web import datacache
from . import util
from .models import Notice

bp = Blueprint("notices", __name__)


@bp.get("/board/<code>")
def board(code: str):
    from ..features import hooks

    today = clock.today()

    def notices_part() -> tuple[str, dict]:
        # the same for every reader (no login): kept rendered until a notice, a vote or the compound
        # changes, or until a moment at which a panel changes by itself (a vote opening or closing)
        compound = get_compound_or_404(code)
        rows = db.session.execute(
            select(Notice, util.pdf_pending(Notice.id)).where(Notice.compound_id == compound.id)
            .order_by(Notice.posted_on.desc(), Notice.id.desc())
        ).all()
        notices = [notice for notice, _pending in rows]
        current = [n for n in notices if n.is_current]
        superseded = [n for n in notices if not n.is_current]
        # the panels see the board as any reader does (anyone reads it, without logging in): what
        # is kept is shared by every reader, so nothing of the reader may go into it
        reader = login_manager.anonymous_user()
        now = clock.utcnow()
        panels = [(panel.template, context) for panel in hooks().board_panels
                  if (context := panel.context(compound, reader)) is not None]
        moments = [moment for _template, context in panels for moment in context.get("changes_at", ())
                   if moment is not None and moment > now]
        html = render_template("notices/_board_notices.html", compound=compound, current=current,
                               superseded=superseded, today=today, panels=panels,
                               pdf_pending={notice.id for notice, pending in rows if pending})
        return html, {"name": compound.name, "until": min(moments, default=None)}

    html, extra = datacache.render_kept(
        "notices.board", (code, today, str(get_locale())), notices_part,
        fresh=lambda value: value[1]["until"] is None or clock.utcnow() < value[1]["until"])
    from ..audit.operations import anchor

    # the audit chain's anchor: kept apart, it moves with every audited change (a ballot too)
    return render_template("notices/board.html", compound_name=extra["name"], notices=html,
                           audit_anchor=datacache.cached("audit.anchor", None, anchor))


def _notice(code: str, notice_id: int):
    compound = get_compound_or_404(code)
    notice = db.session.get(Notice, notice_id)
    if notice is None or notice.compound_id != compound.id:
        abort(404)
    return compound, notice


@bp.get("/board/<code>/notices/<int:notice_id>")
def notice(code: str, notice_id: int):
    compound, notice = _notice(code, notice_id)
    return render_template("notices/notice.html", compound=compound, notice=notice, today=clock.today(),
                           pdf_pending=notice.id in util.pdf_jobs([notice.id]))


@bp.get("/board/<code>/notices/<int:notice_id>.pdf")
def notice_pdf(code: str, notice_id: int):
    compound, notice = _notice(code, notice_id)
    if not notice.pdf:
        if notice.id in util.pdf_jobs([notice.id]):  # posted, its document still being rendered: say so
            flash(_("公示文件生成中，请稍后再下载。"), "info")
            return redirect(url_for("notices.notice", code=compound.code, notice_id=notice.id), code=303)
        abort(404)
    return Response(notice.pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f"inline; filename=notice-{notice.id}.pdf"})
