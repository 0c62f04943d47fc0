"""The public board: readable by anyone, without logging in."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from .. import clock
from ..extensions import db
from ..policy import get_compound_or_404
from . import util
from .models import Notice

bp = Blueprint("notices", __name__)


@bp.get("/board/<code>")
def board(code: str):
    compound = get_compound_or_404(code)
    rows = db.session.execute(
        select(Notice, util.pdf_pending(Notice.id)).where(Notice.compound_id == compound.id)
        .order_by(Notice.posted_on.desc(), Notice.id.desc())
    ).all()
    notices = [notice for notice, _pending in rows]
    current = [n for n in notices if n.is_current]
    superseded = [n for n in notices if not n.is_current]
    from ..audit.operations import anchor
    from ..features import hooks

    panels = [(panel.template, context) for panel in hooks().board_panels
              if (context := panel.context(compound, current_user)) is not None]
    return render_template("notices/board.html", compound=compound, current=current, superseded=superseded,
                           today=clock.today(), audit_anchor=anchor(), panels=panels,
                           pdf_pending={notice.id for notice, pending in rows if pending})


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
