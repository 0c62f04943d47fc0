"""Pages of the job queue: ask for a long document (answers at once), watch its progress,
download it, retry it when it failed."""
from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db, login_manager
from ..policy import Ability, authorize, get_compound_or_404, scope_of
from ..storage import operations as storage
from ..web.transaction import after_commit, transaction
from . import operations, util
from .kinds import KINDS
from .models import Job

bp = Blueprint("jobs", __name__)


@bp.app_context_processor
def _helpers():
    return {"job_streets": _streets_for_reports}


def _streets_for_reports() -> list:
    """Streets whose whole compliance report the current user may ask for."""
    from ..registry.models import Street

    if not current_user.is_authenticated:
        return []
    scope = scope_of(current_user)
    query = select(Street).order_by(Street.name)
    if not scope.is_admin:
        if not scope.officer_street_ids:
            return []
        query = query.where(Street.id.in_(scope.officer_street_ids))
    return list(db.session.scalars(query))


def send_after_commit(job: Job) -> None:
    """Send the job to the workers once the request's transaction has committed (a worker must
    find the job's row); an unreachable queue marks it failed (retryable)."""
    db.session.flush()
    job_id, attempt = job.id, job.attempt

    def enqueue() -> None:
        try:
            operations.enqueue(db.session.get(Job, job_id))
        except Exception as error:  # noqa: BLE001
            from .runner import fail

            fail(job_id, attempt, error)

    after_commit(enqueue)


def _started(job: Job):
    send_after_commit(job)
    flash(_("已开始生成，完成后可在本页下载。"), "info")
    return redirect(url_for("jobs.show", job_id=job.id), code=303)


# --------------------------------------------------------------------------- asking


@bp.post("/compounds/<code>/votes/<int:vote_id>/letters-job")
@transaction
def start_letters(code: str, vote_id: int):
    from ..voting import util as voting_util

    compound = get_compound_or_404(code)
    authorize(Ability.MANAGE, compound)
    vote = voting_util.vote_in(compound, vote_id)
    if vote is None:
        abort(404)
    if vote.state not in ("draft", "open"):
        flash(_("投票已截止，不能再发放投票码。"), "danger")
        return redirect(url_for("voting.detail", code=compound.code, vote_id=vote.id))
    from ..voting import operations as voting_operations

    if not voting_operations.letters_to_issue(vote):  # letters go out once per voter: nothing to print
        flash(_("每位表决权人的通知书都已发出（或已投票）。通知书只发一次，再次打印不会生成新的投票码；"
                "某位业主的通知书遗失时，请在“通知书发放记录与补打”中为其单独补打并写明理由。"), "info")
        return redirect(url_for("voting.letter_batches", code=compound.code, vote_id=vote.id))
    job = operations.start_job("voting.letters", actor=current_user, ability=Ability.MANAGE,
                               compound_id=compound.id, target_id=vote.id,
                               params={"base_url": voting_util.letters_base_url(),
                                       "subject": f"{compound.name} · {vote.title}"})
    return _started(job)


@bp.post("/compounds/<code>/votes/<int:vote_id>/letters/reprint-all-job")
@transaction(back=lambda code, vote_id: url_for("voting.letter_batches", code=code, vote_id=vote_id))
def start_reprint_all(code: str, vote_id: int):
    """Print a draft vote's whole run of letters again (earlier codes void, a reason required):
    refused at once when the vote has opened or no reason is given; the codes are issued and
    the letters printed by the worker."""
    from ..voting import operations as voting_operations
    from ..voting import util as voting_util

    compound = get_compound_or_404(code)
    authorize(Ability.REPRINT_LETTER, compound)
    vote = voting_util.vote_in(compound, vote_id)
    if vote is None:
        abort(404)
    reason = voting_operations.check_reprint_all(vote, request.form.get("reason", ""))
    job = operations.start_job("voting.letters", actor=current_user, ability=Ability.MANAGE,
                               compound_id=compound.id, target_id=vote.id,
                               params={"base_url": voting_util.letters_base_url(),
                                       "reprint_all": True, "reason": reason,
                                       "subject": f"{compound.name} · {vote.title}"})
    return _started(job)


@bp.post("/compounds/<code>/votes/<int:vote_id>/count-record-job")
@transaction
def start_count_record(code: str, vote_id: int):
    """The count record of a vote: for its readers, once the vote has closed (results are
    hidden while owners vote)."""
    from ..voting import util as voting_util

    compound = get_compound_or_404(code)
    authorize(Ability.READ, compound)
    vote = voting_util.vote_in(compound, vote_id)
    if vote is None:
        abort(404)
    if voting_util.results_hidden(vote):
        flash(_("计票记录在投票截止后才能打印；投票期间只公布投票进度。"), "warning")
        return redirect(url_for("voting.count", code=compound.code, vote_id=vote.id), code=303)
    job = operations.start_job("voting.count_record", actor=current_user, ability=Ability.READ,
                               compound_id=compound.id, target_id=vote.id,
                               params={"subject": f"{compound.name} · {vote.title}"})
    return _started(job)


@bp.post("/compounds/<code>/roll/notice-job")
@transaction
def start_roll_notice(code: str):
    """The full roll notice (names unmasked): for the roles that may see the full roll; every
    download is audited as a personal-data access."""
    compound = get_compound_or_404(code)
    authorize(Ability.PERSONAL_DATA, compound)
    job = operations.start_job("registry.roll_notice", actor=current_user, ability=Ability.PERSONAL_DATA,
                               compound_id=compound.id, params={"subject": compound.name})
    return _started(job)


@bp.post("/oversight/compounds/<code>/procedures/<int:procedure_id>/filing-job")
@transaction
def start_filing_package(code: str, procedure_id: int):
    from ..procedures.models import Procedure

    compound = get_compound_or_404(code)
    procedure = db.session.get(Procedure, procedure_id)
    if procedure is None or procedure.compound_id != compound.id:
        abort(404)
    authorize(Ability.READ, compound)
    from ..procedures.util import procedure_title

    job = operations.start_job("oversight.filing_package", actor=current_user, ability=Ability.READ,
                               compound_id=compound.id, target_id=procedure.id,
                               params={"subject": f"{compound.name} · {procedure_title(procedure)}"})
    return _started(job)


@bp.post("/oversight/streets/<int:street_id>/compliance-job")
@transaction
def start_street_report(street_id: int):
    from ..registry.models import Street

    street = db.session.get(Street, street_id)
    if street is None:
        abort(404)
    authorize(Ability.SIGN_OFF)
    scope = scope_of(current_user)
    if not (scope.is_admin or street.id in scope.officer_street_ids):
        abort(403)
    job = operations.start_job("oversight.street_report", actor=current_user, ability=Ability.SIGN_OFF,
                               street_id=street.id, params={"subject": street.name})
    return _started(job)


@bp.post("/oversight/board-csv-job")
@transaction
def start_board_csv():
    authorize(Ability.SIGN_OFF)
    params = {"only_findings": request.form.get("findings") == "1", "only_overdue": request.form.get("overdue") == "1",
              "sort": request.form.get("sort") or "name"}
    if (request.form.get("community") or "").isdigit():
        params["community_id"] = int(request.form["community"])
    job = operations.start_job("oversight.board_csv", actor=current_user, ability=Ability.SIGN_OFF, params=params)
    return _started(job)


# --------------------------------------------------------------------------- watching


def _job_or_404(job_id: int, *, document: bool = False) -> Job:
    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())
    job = db.session.get(Job, job_id)
    if job is None:
        abort(404)
    if not util.can_read_job(current_user, job, document=document):
        abort(403)
    return job


@bp.get("/jobs/")
def index():
    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())
    return render_template("jobs/index.html", jobs=util.recent_jobs_of(current_user), kinds=KINDS,
                           readable=util.document_readable)


@bp.get("/jobs/<int:job_id>")
def show(job_id: int):
    job = _job_or_404(job_id)
    return render_template("jobs/job.html", job=job, kind=KINDS[job.kind], readable=util.document_readable(job))


@bp.get("/jobs/<int:job_id>/progress")
def progress(job_id: int):
    job = _job_or_404(job_id)
    response = jsonify(util.progress_of(job))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/jobs/<int:job_id>/download")
@transaction
def download(job_id: int):
    job = _job_or_404(job_id, document=True)
    stored = storage.get(job.stored_file_id) if job.state == "done" and job.stored_file_id else None
    if stored is None:
        abort(404)
    kind = KINDS[job.kind]
    if kind.on_download is not None:
        kind.on_download(job, current_user)
    response = storage.send(stored, as_attachment=True)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/jobs/<int:job_id>/retry")
@transaction
def retry(job_id: int):
    job = _job_or_404(job_id)
    if job.state != "failed" or not operations.retry_job(job, actor=current_user):
        flash(_("只有失败的任务可以重试。"), "warning")
        return redirect(url_for("jobs.show", job_id=job.id), code=303)
    send_after_commit(job)
    flash(_("已重新开始生成。"), "info")
    return redirect(url_for("jobs.show", job_id=job.id), code=303)
