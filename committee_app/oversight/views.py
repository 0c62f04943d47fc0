"""Oversight pages: the street office's board, sign-offs waiting, a compound's findings, PDFs."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user


from .. import clock
from ..extensions import db
from ..policy import Ability, authorize, can, get_compound_or_404, scope_of
from ..procedures.models import Procedure
from ..web import datacache
from . import reports, util
from .checks import get_checks
from .model import SEVERITIES, SEVERITY_LABELS

bp = Blueprint("oversight", __name__, url_prefix="/oversight")


def _language() -> str:
    locale = get_locale()
    return "en" if locale is not None and locale.language == "en" else "zh"


@bp.app_context_processor
def _helpers():
    # app-wide: the compound page renders this feature's panel outside the blueprint
    return {"oversight_severity_labels": SEVERITY_LABELS}


@bp.context_processor
def _page_helpers():
    return {"severities": SEVERITIES, "term_labels": util.TERM_LABELS, "language": _language()}


def _filters() -> dict:
    """The board's filter and sort from the query string; a bad value is named and ignored."""
    args = request.args
    community_id = None
    if args.get("community"):
        try:
            community_id = int(args["community"])
        except ValueError:
            flash(_("社区筛选条件无效，已忽略。"), "warning")
    sort = args.get("sort") or "name"
    if sort not in util.SORTS:
        flash(_("排序方式无效，已按小区名称排序。"), "warning")
        sort = "name"
    return {"community_id": community_id, "only_findings": args.get("findings") == "1",
            "only_overdue": args.get("overdue") == "1", "sort": sort}


@bp.get("/")
def board():
    authorize(Ability.SIGN_OFF)
    filters = _filters()
    # the compounds and communities of the officer's scope: the same for every officer with these grants
    compound_ids, communities = datacache.cached(
        "oversight.scope", repr(scope_of(current_user)),
        lambda: (util.board_compound_ids(current_user), util.communities_in_scope(current_user)))

    def table() -> tuple[str, int]:
        # the same for every officer with these compounds: kept rendered in the data cache
        rows = util.rows_of(compound_ids, **filters)
        return (render_template("oversight/_board_table.html", rows=rows),
                sum(r.signoffs_waiting for r in rows))

    key = (compound_ids, clock.today(), str(get_locale()), tuple(sorted(filters.items())))
    html, waiting = datacache.render_kept("oversight.board_table", key, table)
    return render_template("oversight/board.html", table=html, filters=filters,
                           communities=communities, sorts=util.SORTS,
                           waiting=waiting)


@bp.get("/board.csv")
def board_csv():
    authorize(Ability.SIGN_OFF)
    rows = util.board_rows(current_user, **_filters())
    response = Response(util.board_csv(rows), mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = "attachment; filename=oversight-board.csv"
    return response


@bp.get("/signoffs")
def signoffs():
    authorize(Ability.SIGN_OFF)
    return render_template("oversight/signoffs.html", waiting=util.signoffs_waiting(current_user))


@bp.get("/compounds/<code>")
def compound(code: str):
    compound = get_compound_or_404(code)
    authorize(Ability.READ, compound)
    facts, results = util.compound_results(compound)
    checks = get_checks()
    procedures = db.session.scalars(db.select(Procedure).where(Procedure.compound_id == compound.id)
                                    .order_by(Procedure.started_at.desc())).all()
    from ..procedures.util import procedure_title

    return render_template(
        "oversight/compound.html", compound=compound, checks=checks, findings=util.findings_of(results),
        passed=[r for r in results if r.ok], skipped=util.skipped_checks(facts, checks),
        procedures=[(p, procedure_title(p)) for p in procedures],
        is_officer=can(current_user, Ability.SIGN_OFF, compound))


def _procedure(code: str, procedure_id: int):
    compound = get_compound_or_404(code)
    procedure = db.session.get(Procedure, procedure_id)
    if procedure is None or procedure.compound_id != compound.id:
        abort(404)
    authorize(Ability.READ, compound)
    return compound, procedure


def _pdf(data: bytes, name: str) -> Response:
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f"inline; filename={name}"
    return response


@bp.get("/compounds/<code>/procedures/<int:procedure_id>/compliance.pdf")
def compliance_report(code: str, procedure_id: int):
    from ..pdf import render_pdf

    compound, procedure = _procedure(code, procedure_id)
    pdf = render_pdf("compliance_report.html", **reports.compliance_report_context(compound, procedure))
    return _pdf(pdf, f"compliance-{compound.code}-{procedure.id}.pdf")


@bp.get("/compounds/<code>/procedures/<int:procedure_id>/filing.pdf")
def filing_package(code: str, procedure_id: int):
    from ..pdf import render_pdf

    compound, procedure = _procedure(code, procedure_id)
    pdf = render_pdf("filing_package.html", **reports.filing_package_context(compound, procedure))
    return _pdf(pdf, f"filing-{compound.code}-{procedure.id}.pdf")


def compound_panel(compound, user) -> dict | None:
    """The findings summary on the compound page (readers of the compound)."""
    if not can(user, Ability.READ, compound):
        return None
    _facts, results = util.compound_results(compound)
    findings = util.findings_of(results)
    return {"compound": compound, "findings": findings,
            "counts": {s: sum(1 for f in findings if f.severity == s) for s in SEVERITIES}}
