"""Pages of the job queue: ask for a long document (answers at once), watch its progress,
download it, retry it when it failed."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
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


def _send(job: Job) -> None:
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
    _send(job)
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
    job = operations.start_job("voting.letters", actor=current_user, ability=Ability.MANAGE,
                               compound_id=compound.id, target_id=vote.id,
                               params={"base_url": current_app.config.get("PUBLIC_BASE_URL") or request.host_url})
    return _started(job)


@bp.post("/compounds/<code>/roll/notice-job")
@transaction
def start_roll_notice(code: str):
    compound = get_compound_or_404(code)
    authorize(Ability.READ, compound)
    job = operations.start_job("registry.roll_notice", actor=current_user, ability=Ability.READ,
                               compound_id=compound.id)
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
                               street_id=street.id)
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


def _job_or_404(job_id: int) -> Job:
    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())
    job = db.session.get(Job, job_id)
    if job is None:
        abort(404)
    if not util.can_read_job(current_user, job):
        abort(403)
    return job


@bp.get("/jobs/")
def index():
    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())
    return render_template("jobs/index.html", jobs=util.recent_jobs_of(current_user), kinds=KINDS)


@bp.get("/jobs/<int:job_id>")
def show(job_id: int):
    job = _job_or_404(job_id)
    return render_template("jobs/job.html", job=job, kind=KINDS[job.kind])


@bp.get("/jobs/<int:job_id>/progress")
def progress(job_id: int):
    job = _job_or_404(job_id)
    response = jsonify(util.progress_of(job))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/jobs/<int:job_id>/download")
def download(job_id: int):
    job = _job_or_404(job_id)
    stored = storage.get(job.stored_file_id) if job.state == "done" and job.stored_file_id else None
    if stored is None:
        abort(404)
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
    _send(job)
    flash(_("已重新开始生成。"), "info")
    return redirect(url_for("jobs.show", job_id=job.id), code=303)
