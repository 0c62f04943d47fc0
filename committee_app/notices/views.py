"""The public board: readable by anyone, without logging in."""
from __future__ import annotations

from flask import Blueprint, Response, abort, render_template
from flask_babel import get_locale
from sqlalchemy import select

from .. import clock
from ..extensions import db
from ..policy import get_compound_or_404
from ..web import datacache
from .models import Notice

bp = Blueprint("notices", __name__)


@bp.get("/board/<code>")
def board(code: str):
    today = clock.today()

    def notices_part() -> tuple[str, str]:
        # the same for every reader (no login): kept rendered until a notice or the compound changes
        compound = get_compound_or_404(code)
        notices = db.session.scalars(
            select(Notice).where(Notice.compound_id == compound.id).order_by(Notice.posted_on.desc(), Notice.id.desc())
        ).all()
        current = [n for n in notices if n.is_current]
        superseded = [n for n in notices if not n.is_current]
        return (render_template("notices/_board_notices.html", compound=compound, current=current,
                                superseded=superseded, today=today), compound.name)

    html, name = datacache.render_kept("notices.board", (code, today, str(get_locale())), notices_part)
    from ..audit.operations import anchor

    # the audit chain's anchor: kept apart, it moves with every audited change (a ballot too)
    return render_template("notices/board.html", compound_name=name, notices=html,
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
    return render_template("notices/notice.html", compound=compound, notice=notice, today=clock.today())


@bp.get("/board/<code>/notices/<int:notice_id>.pdf")
def notice_pdf(code: str, notice_id: int):
    compound, notice = _notice(code, notice_id)
    if not notice.pdf:
        abort(404)
    return Response(notice.pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f"inline; filename=notice-{notice.id}.pdf"})
