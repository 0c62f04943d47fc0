"""Oversight pages: the street office's board, sign-offs waiting, a compound's findings, PDFs."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from .. import clock
from ..extensions import db
from ..policy import Ability, authorize, can, get_compound_or_404, scope_of
from ..procedures.models import Procedure
from ..web import datacache
from ..web.transaction import transaction
from . import operations, reports, util
from .checks import get_checks
from .model import SEVERITIES, SEVERITY_LABELS
from .models import NOTE_MAX, FindingHandling
from .risk import BAND_LABELS

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
    return {"severities": SEVERITIES, "term_labels": util.TERM_LABELS, "language": _language(),
            "band_labels": BAND_LABELS, "note_max": NOTE_MAX}


def _filters() -> dict:
    """The board's filter and sort from the query string; a bad value is named and ignored."""
    args = request.args
    community_id = None
    if args.get("community"):
        try:
            community_id = int(args["community"])
        except ValueError:
            flash(_("社区筛选条件无效，已忽略。"), "warning")
    sort = args.get("sort") or util.DEFAULT_SORT
    if sort not in util.SORTS:
        flash(_("排序方式无效，已按风险排序。"), "warning")
        sort = util.DEFAULT_SORT
    return {"community_id": community_id, "only_findings": args.get("findings") == "1",
            "only_overdue": args.get("overdue") == "1", "sort": sort}


@bp.get("/")
def board():
    authorize(Ability.SIGN_OFF)
    filters = _filters()
    # the compounds of the officer's scope: the same for every officer with these grants
    compound_ids = datacache.cached("oversight.scope", repr(scope_of(current_user)),
                                    lambda: util.board_compound_ids(current_user))

    def fragments() -> tuple[str, dict]:
        # the same for every officer with these compounds: kept rendered in the data cache
        # (the glance chart, the phone cards and the table; nothing per user or per request)
        board = util.board_of(compound_ids, **filters)
        return (render_template("oversight/_board_table.html", board=board, rows=board.rows),
                {"glance": str(render_template("oversight/_glance.html", board=board)),
                 "communities": board.communities,
                 "waiting": sum(r.signoffs_waiting for r in board.rows)})

    key = (compound_ids, clock.today(), str(get_locale()), tuple(sorted(filters.items())))
    html, extra = datacache.render_kept("oversight.board_table", key, fragments)
    return render_template("oversight/board.html", table=html, glance=Markup(extra["glance"]), filters=filters,
                           communities=extra["communities"], sorts=util.SORTS, waiting=extra["waiting"])


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

    handlings = util.open_handlings([compound.id]).get(compound.id, {})
    return render_template(
        "oversight/compound.html", compound=compound, checks=checks,
        findings=util.with_handlings(util.findings_of(results), handlings),
        passed=[r for r in results if r.ok], skipped=util.skipped_checks(facts, checks),
        procedures=[(p, procedure_title(p)) for p in procedures],
        is_officer=can(current_user, Ability.SIGN_OFF, compound))


@bp.post("/compounds/<code>/findings/handled")
@transaction(back=lambda code: url_for("oversight.compound", code=code))
def mark_handled(code: str):
    """The street office marks a current finding handled, with a note (the finding is named by its
    check and the fingerprint of its facts; a finding whose facts changed meanwhile is refused)."""
    compound = get_compound_or_404(code)
    authorize(Ability.SIGN_OFF, compound)
    _facts, results = util.compound_results(compound)
    result = operations.find_result(results, request.form.get("check", ""), request.form.get("fingerprint", ""))
    operations.mark_handled(compound, result, request.form.get("note", ""), current_user)
    flash(_("已标记为已处理。"), "success")
    return redirect(url_for("oversight.compound", code=compound.code) + "#findings")


@bp.post("/compounds/<code>/handlings/<int:handling_id>/reopen")
@transaction(back=lambda code, handling_id: url_for("oversight.compound", code=code))
def reopen_handling(code: str, handling_id: int):
    compound = get_compound_or_404(code)
    handling = db.session.get(FindingHandling, handling_id)
    if handling is None or handling.compound_id != compound.id:
        abort(404)
    authorize(Ability.SIGN_OFF, compound)
    operations.reopen(handling, current_user)
    flash(_("已重新打开该问题，它重新计入风险。"), "success")
    return redirect(url_for("oversight.compound", code=compound.code) + "#findings")


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


def compound_panel(compound, user) -> dict | None:
    """The findings summary on the compound page (readers of the compound)."""
    if not can(user, Ability.READ, compound):
        return None
    _facts, results = util.compound_results(compound)
    findings = util.findings_of(results)
    return {"compound": compound, "findings": findings,
            "counts": {s: sum(1 for f in findings if f.severity == s) for s in SEVERITIES}}
