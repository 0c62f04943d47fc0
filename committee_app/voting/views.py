"""Voting pages. Thin: load → authorize → operation → commit once → redirect/render."""
from __future__ import annotations

import functools

import time

from flask import (Blueprint, Response, abort, current_app, flash, redirect, render_template, request,
                   url_for)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError, OperationalError

from .. import clock
from ..extensions import db
from ..pdf import render_pdf
from ..policy import Ability, authorize, can, get_compound_or_404, owner_voter
from ..registry.models import Compound
from ..storage import operations as storage
from ..web.transaction import attempt, database_problem, rollback, transaction
from . import integration, operations, util
from .forms import CandidateForm, PaperImportForm, TimesForm, VoteForm
from .models import STATE_LABELS, Ballot, Candidate, Vote

bp = Blueprint("voting", __name__)


@bp.context_processor
def _ballot_reading():
    """``can_read_ballot(compound)`` for the vote page's link to the (audited) ballot inspection."""
    return {"can_read_ballot": lambda compound: can(current_user, Ability.READ_BALLOT, compound)}


def _load(code: str, vote_id: int, ability: Ability) -> tuple[Compound, Vote]:
    compound = get_compound_or_404(code)
    authorize(ability, compound)
    vote = util.vote_in(compound, vote_id)
    if vote is None:
        abort(404)
    return compound, vote


def _local_to_utc(value):
    return clock.local_to_utc(value) if value else None


def _flash_form(form) -> None:
    for messages in form.errors.values():
        for message in messages:
            flash(message, "danger")


def _detail(compound, vote):
    return redirect(url_for("voting.detail", code=compound.code, vote_id=vote.id))


def _detail_url(code: str, vote_id: int, **_ids) -> str:
    """Where an organiser's action that could not be saved sends the browser back."""
    return url_for("voting.detail", code=code, vote_id=vote_id)


def panel_context(compound, user):
    readable = can(user, Ability.READ, compound)
    voter_of = can(user, Ability.VOTE, compound)
    if not (readable or voter_of):
        return None
    votes = util.votes_of(compound)
    if not votes and not can(user, Ability.MANAGE, compound):
        return None
    return {"compound": compound, "votes": votes, "can_read": readable, "can_vote": voter_of,
            "can_manage": can(user, Ability.MANAGE, compound), "state_labels": STATE_LABELS}


def board_context(compound, _user):
    """The public board's links of each vote once it opens: where to vote, the ballot box where a
    receipt is checked, and the result notice once published. One query. The same for every
    reader (the board keeps it rendered for all), so nothing of ``_user`` is read."""
    votes = [vote for vote in util.votes_of(compound) if vote.state != "draft"]
    if not votes:
        return None
    return {"compound": compound, "votes": votes, "state_labels": STATE_LABELS,
            "accepting": {vote.id: vote.accepts_ballots_at(clock.utcnow()) for vote in votes},
            # the moments at which "accepting" turns by itself: the board is kept rendered until the next one
            "changes_at": [moment for vote in votes if vote.state == "open"
                           for moment in (vote.opens_at, vote.closes_at) if moment is not None]}


# --------------------------------------------------------------------------- organiser pages


@bp.get("/compounds/<code>/votes")
def index(code: str):
    compound = get_compound_or_404(code)
    authorize(Ability.READ, compound)
    return render_template("voting/index.html", compound=compound, votes=util.votes_of(compound),
                           form=VoteForm(), can_manage=can(current_user, Ability.MANAGE, compound),
                           state_labels=STATE_LABELS)


@bp.post("/compounds/<code>/votes")
@transaction
def create(code: str):
    compound = get_compound_or_404(code)
    authorize(Ability.MANAGE, compound)
    form = VoteForm()
    if not form.validate_on_submit():
        _flash_form(form)
        return render_template("voting/index.html", compound=compound, votes=util.votes_of(compound), form=form,
                               can_manage=True, state_labels=STATE_LABELS), 400
    common = dict(title=form.title.data, meeting_on=form.meeting_on.data, opens_at=_local_to_utc(form.opens_at.data),
                  closes_at=_local_to_utc(form.closes_at.data), description=form.description.data or "",
                  actor=current_user)

    def create_vote():
        if form.kind.data == "election":
            return operations.create_election(compound, seats=form.seats.data,
                                              is_by_election=bool(form.is_by_election.data), **common)
        return operations.create_motion(compound, matter=form.matter.data or None, subject=form.subject.data,
                                        **common)
    vote, refusal = attempt(create_vote)
    if refusal:
        return render_template("voting/index.html", compound=compound, votes=util.votes_of(compound), form=form,
                               can_manage=True, state_labels=STATE_LABELS), 400
    flash(_("已新建表决：%(title)s", title=vote.title), "success")
    return _detail(compound, vote)


@bp.get("/compounds/<code>/votes/<int:vote_id>")
def detail(code: str, vote_id: int):
    compound, vote = _load(code, vote_id, Ability.READ)
    times = TimesForm(opens_at=vote.opens_at and clock.to_local(vote.opens_at).replace(tzinfo=None),
                      closes_at=vote.closes_at and clock.to_local(vote.closes_at).replace(tzinfo=None))
    return render_template(
        "voting/detail.html", compound=compound, vote=vote, state_labels=STATE_LABELS,
        can_manage=can(current_user, Ability.MANAGE, compound), candidate_form=CandidateForm(), times_form=times,
        counts=util.ballot_counts(vote), paper=util.paper_status(vote),
        nominations_ready=(vote.kind == "election" and vote.state == "draft"
                           and integration.finalised_candidates(compound) is not None),
        can_install=integration.can_install_committee(), lock_reason=operations.roll_lock(compound),
        matter_reason=_matter_reason(compound, vote), in_procedure=integration.in_procedure(compound),
        notice_posted_on=integration.meeting_notice_posted_on(compound))


def _matter_reason(compound, vote) -> str | None:
    if vote.kind != "motion":
        return None
    try:
        return operations.motion_matter(compound, vote.subject).reason()
    except operations.VotingError:
        return None


@bp.errorhandler(OperationalError)
@bp.errorhandler(IntegrityError)
def busy(error):
    """A write that lost a race with the ballots being cast (SQLite has one writer; the audit
    chain's unique seq refuses a fork): nothing was saved, say so instead of a 500. A database
    that is busy, read-only or full is named as such (web.transaction.database_problem)."""
    db.session.rollback()
    if isinstance(error, OperationalError):
        problem = database_problem(error)
        title = _("未保存") if problem.kind in ("read_only", "full") else _("请稍后再试")
        return render_template("web/error.html", status=problem.status, title=title,
                               message=problem.message), problem.status
    return render_template("web/error.html", status=503, title=_("请稍后再试"),
                           message=_("数据库正忙（大量选票正在提交），刚才的操作没有保存，请稍后再试。")), 503


def _apply(compound, vote, operation, success: str):
    """Run an operation and write it out (the view's :func:`transaction` commits); a refusal is
    flashed. A write that lost a race with the ballots being cast is retried, then explained,
    never a 500."""
    for tried in range(3):
        try:
            operation()
            db.session.flush()
        except operations.VotingError as error:
            rollback()
            flash(str(error), "danger")
        except (OperationalError, IntegrityError):
            rollback()
            if tried < 2:
                time.sleep(0.2 * (tried + 1))
                continue
            flash(_("数据库正忙（大量选票正在提交），请稍后再试。"), "warning")
        else:
            flash(success, "success")
            for warning in integration.warnings():
                flash(_("程序步骤未自动完成：%(reason)s", reason=warning), "warning")
        break
    return _detail(compound, vote)


@bp.post("/compounds/<code>/votes/<int:vote_id>/candidates")
@transaction(back=_detail_url)
def add_candidate(code: str, vote_id: int):
    compound, vote = _load(code, vote_id, Ability.MANAGE)
    form = CandidateForm()
    if not form.validate_on_submit():
        _flash_form(form)
        return _detail(compound, vote)
    return _apply(compound, vote, lambda: operations.add_candidate(
        vote, name=form.name.data, statement=form.statement.data or "", biography=form.biography.data or "",
        actor=current_user), _("已添加候选人。"))


@bp.post("/compounds/<code>/votes/<int:vote_id>/candidates/finalised")
@transaction(back=_detail_url)
def add_finalised(code: str, vote_id: int):
    compound, vote = _load(code, vote_id, Ability.MANAGE)
    return _apply(compound, vote, lambda: operations.add_finalised_candidates(vote, compound, actor=current_user),
                  _("已按确定的候选人名单添加候选人。"))


@bp.post("/compounds/<code>/votes/<int:vote_id>/candidates/<int:candidate_id>/remove")
@transaction(back=_detail_url)
def remove_candidate(code: str, vote_id: int, candidate_id: int):
    compound, vote = _load(code, vote_id, Ability.MANAGE)
    candidate = db.session.get(Candidate, candidate_id)
    if candidate is None or candidate.vote_id != vote.id:
        abort(404)
    return _apply(compound, vote, lambda: operations.remove_candidate(vote, candidate, actor=current_user),
                  _("已移除候选人。"))


@bp.post("/compounds/<code>/votes/<int:vote_id>/times")
@transaction(back=_detail_url)
def set_times(code: str, vote_id: int):
    compound, vote = _load(code, vote_id, Ability.MANAGE)
    form = TimesForm()
    if not form.validate_on_submit():
        _flash_form(form)
        return _detail(compound, vote)
    return _apply(compound, vote, lambda: operations.set_times(
        vote, opens_at=_local_to_utc(form.opens_at.data), closes_at=_local_to_utc(form.closes_at.data),
        actor=current_user), _("投票时间已保存。"))


@bp.post("/compounds/<code>/votes/<int:vote_id>/meeting-notice")
@transaction(back=_detail_url)
def meeting_notice(code: str, vote_id: int):
    """Post today's general meeting notice for a vote outside a procedure (PMR art 14)."""
    compound, vote = _load(code, vote_id, Ability.MANAGE)
    return _apply(compound, vote, lambda: operations.post_meeting_notice(vote, compound, actor=current_user),
                  _("会议通知已张贴到公告栏。"))


@bp.post("/compounds/<code>/votes/<int:vote_id>/<any(open, close, reopen, count):action>")
@transaction(back=_detail_url)
def transition(code: str, vote_id: int, action: str):
    compound, vote = _load(code, vote_id, Ability.MANAGE)
    reason = (request.form.get("reason") or "")[:1000]
    operation = {"open": operations.open_vote, "count": operations.count_vote,
                 "close": functools.partial(operations.close_vote, reason=reason),
                 "reopen": functools.partial(operations.reopen_vote, reason=reason)}[action]
    message = {"open": _("投票已开始。"), "close": _("投票已截止。"), "reopen": _("投票已重新开放。"),
               "count": _("计票完成。")}[action]
    response = _apply(compound, vote, lambda: operation(vote, compound, actor=current_user), message)
    if action == "count" and vote.state == "counted":
        return redirect(url_for("voting.count", code=compound.code, vote_id=vote.id))
    return response


def _base_url() -> str:
    return util.letters_base_url()


def _letters_response(compound, vote, issued: operations.IssuedLetters, suffix: str = "") -> Response:
    pdf = util.render_letters(vote, compound, issued.codes, _base_url(), issued.batch)
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f"attachment; filename=voter-letters-{compound.code}-{vote.id}"
                               f"-{issued.batch.number}{suffix}.pdf",
        "Cache-Control": "no-store"})


@bp.get("/compounds/<code>/votes/<int:vote_id>/letters")
def letter_batches(code: str, vote_id: int):
    compound, vote = _load(code, vote_id, Ability.MANAGE)
    return render_template("voting/letters.html", compound=compound, vote=vote, state_labels=STATE_LABELS,
                           batches=util.letter_batches(vote),
                           can_reprint=can(current_user, Ability.REPRINT_LETTER, compound),
                           buildings=sorted({b for b, _n in util.units_of_compound(compound)}))


@bp.post("/compounds/<code>/votes/<int:vote_id>/letters/reprint")
@transaction(back=lambda code, vote_id: url_for("voting.letter_batches", code=code, vote_id=vote_id))
def reprint_letter(code: str, vote_id: int):
    """Reprint one voter's letter (named by building and unit): their old code void, a reason required."""
    compound, vote = _load(code, vote_id, Ability.REPRINT_LETTER)
    form = request.form
    voter_id = operations.unit_voters(compound.id).get((form.get("building", "").strip(), form.get("unit", "").strip()))
    if voter_id is None:
        raise operations.VotingError(_("名册中没有这个楼栋和房号。"))
    issued = operations.reprint_letter(vote, voter_id, reason=form.get("reason", ""), actor=current_user)
    return _letters_response(compound, vote, issued, "-reprint")


@bp.get("/compounds/<code>/votes/<int:vote_id>/ballot-paper.pdf")
def ballot_paper(code: str, vote_id: int):
    compound, vote = _load(code, vote_id, Ability.READ)
    pdf = render_pdf("ballot_paper.html", **util.ballot_paper_context(vote, compound))
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f"inline; filename=ballot-paper-{vote.id}.pdf"})


# --------------------------------------------------------------------------- paper ballots


def _paper_page(compound, vote, status=200, import_form=None, errors=None):
    return render_template("voting/paper.html", compound=compound, vote=vote, paper=util.paper_status(vote),
                           counts=util.ballot_counts(vote), import_form=import_form or PaperImportForm(),
                           buildings=sorted({b for b, _n in util.units_of_compound(compound)}), errors=errors,
                           state_labels=STATE_LABELS), status


@bp.get("/compounds/<code>/votes/<int:vote_id>/paper")
def paper(code: str, vote_id: int):
    compound, vote = _load(code, vote_id, Ability.MANAGE)
    return _paper_page(compound, vote)


@bp.post("/compounds/<code>/votes/<int:vote_id>/paper")
@transaction
def enter_paper(code: str, vote_id: int):
    compound, vote = _load(code, vote_id, Ability.MANAGE)
    form = request.form
    voter_id = operations.unit_voters(compound.id, vote.roll_version_id).get((form.get("building", "").strip(), form.get("unit", "").strip()))

    def enter():
        if voter_id is None:
            raise operations.VotingError(_("名册中没有这个楼栋和房号。"))
        if not form.get("counter_name", "").strip():
            raise operations.VotingError(_("请填写计票人姓名。"))
        slot = form.get("slot", type=int)
        is_spoilt = form.get("is_spoilt") == "1"
        selection = operations.check_selection(vote, form.getlist("candidate"), form.get("choice") or None,
                                               is_spoilt=is_spoilt)
        proxy_name = form.get("proxy_name", "").strip() or None
        document = None
        upload = request.files.get("proxy_document")
        if upload is not None and upload.filename:
            document = operations.store_proxy_document(vote, upload.read(), filename=upload.filename,
                                                       actor=current_user)
        return operations.enter_paper(vote, voter_id, slot=slot, selection=selection, is_spoilt=is_spoilt,
                                      counter_name=form.get("counter_name", ""), proxy_name=proxy_name,
                                      proxy_document_id=document, actor=current_user)
    result, refusal = attempt(enter)
    if refusal:
        return _paper_page(compound, vote, 400)
    flash({"waiting": _("已录入，等待第二位计票人录入。"), "matched": _("两次录入一致，选票已计入。"),
           "mismatch": _("两次录入不一致，请核对原始选票后处理。")}[result],
          "warning" if result == "mismatch" else "success")
    return redirect(url_for("voting.paper", code=compound.code, vote_id=vote.id))


@bp.post("/compounds/<code>/votes/<int:vote_id>/paper/import")
@transaction
def import_paper(code: str, vote_id: int):
    compound, vote = _load(code, vote_id, Ability.MANAGE)
    form = PaperImportForm()
    if not form.validate_on_submit():
        _flash_form(form)
        return _paper_page(compound, vote, 400, form)
    upload = form.ballot_file.data
    outcome, refusal = attempt(lambda: operations.import_paper_file(
        vote, upload.filename or "ballots.csv", upload.read(), slot=int(form.slot.data) if form.slot.data else None,
        counter_name=form.counter_name.data, actor=current_user))
    if isinstance(refusal, operations.PaperRejected):
        return _paper_page(compound, vote, 400, form, refusal.errors)
    if refusal:
        return _paper_page(compound, vote, 400, form)
    flash(_("已导入 %(rows)s 张选票：%(matched)s 张与另一次录入一致已计入，%(waiting)s 张等待第二次录入，"
            "%(mismatch)s 张不一致。", **outcome), "success")
    return redirect(url_for("voting.paper", code=compound.code, vote_id=vote.id))


@bp.post("/compounds/<code>/votes/<int:vote_id>/paper/<int:voter_id>/resolve")
@transaction(back=lambda code, vote_id, voter_id: url_for("voting.paper", code=code, vote_id=vote_id))
def resolve(code: str, vote_id: int, voter_id: int):
    compound, vote = _load(code, vote_id, Ability.MANAGE)
    accept = request.form.get("accept", "")
    operations.resolve_mismatch(vote, voter_id, accept_slot=int(accept) if accept in ("1", "2") else None,
                                note=request.form.get("note", ""), actor=current_user)
    flash(_("已处理。"), "success")
    return redirect(url_for("voting.paper", code=compound.code, vote_id=vote.id))


@bp.get("/compounds/<code>/votes/<int:vote_id>/ballots/<int:ballot_id>/proxy-document")
@transaction
def proxy_document(code: str, vote_id: int, ballot_id: int):
    compound, vote = _load(code, vote_id, Ability.MANAGE)
    ballot = db.session.get(Ballot, ballot_id)
    stored = storage.get(ballot.proxy_document_id) if ballot is not None and ballot.vote_id == vote.id else None
    if stored is None:
        abort(404)
    operations.audit_ballot_read(vote, ballot.id, voter_id=ballot.voter_id, what="proxy_document",
                                 actor=current_user)
    return storage.send(stored, as_attachment=True)


@bp.route("/compounds/<code>/votes/<int:vote_id>/ballot-inspection", methods=["GET", "POST"])
@transaction
def inspect_ballot(code: str, vote_id: int):
    """Read one voter's ballot for an inspection (a court, a complaint): named by unit, with a
    reason, every read audited. No page lists voters beside ballots."""
    compound, vote = _load(code, vote_id, Ability.READ_BALLOT)
    reading, status = None, 200
    form = request.form
    if request.method == "POST":
        voter_id = operations.unit_voters(compound.id).get((form.get("building", "").strip(),
                                                            form.get("unit", "").strip()))

        def read():
            if voter_id is None:
                raise operations.VotingError(_("名册中没有这个楼栋和房号。"))
            return operations.read_ballot(vote, voter_id, reason=form.get("reason", ""), actor=current_user)
        reading, refusal = attempt(read)
        if refusal:
            status = 400
    return render_template("voting/inspect.html", compound=compound, vote=vote, reading=reading,
                           state_labels=STATE_LABELS, form=form,
                           buildings=sorted({b for b, _n in util.units_of_compound(compound)})), status


# --------------------------------------------------------------------------- the count


@bp.get("/compounds/<code>/votes/<int:vote_id>/count")
def count(code: str, vote_id: int):
    compound, vote = _load(code, vote_id, Ability.READ)
    proxies = []
    if can(current_user, Ability.MANAGE, compound):
        proxies = db.session.scalars(db.select(Ballot).where(Ballot.vote_id == vote.id, Ballot.channel == "proxy")
                                     .order_by(Ballot.id)).all()
    if util.results_hidden(vote):  # while owners vote: turnout against the quorum only, for every role
        return render_template("voting/turnout.html", compound=compound, vote=vote,
                               turnout=util.turnout_view(vote, compound), state_labels=STATE_LABELS)
    return render_template("voting/count.html", compound=compound, vote=vote, view=util.count_view(vote, compound),
                           state_labels=STATE_LABELS, can_manage=can(current_user, Ability.MANAGE, compound),
                           can_install=integration.can_install_committee(), proxies=proxies)


@bp.post("/compounds/<code>/votes/<int:vote_id>/result-notice")
@transaction(back=_detail_url)
def result_notice(code: str, vote_id: int):
    compound, vote = _load(code, vote_id, Ability.MANAGE)
    return _apply(compound, vote, lambda: operations.post_result_notice(vote, compound, actor=current_user),
                  _("表决结果公告已发布到公示栏。"))


@bp.post("/compounds/<code>/votes/<int:vote_id>/committee")
@transaction(back=_detail_url)
def install_committee(code: str, vote_id: int):
    compound, vote = _load(code, vote_id, Ability.MANAGE)
    return _apply(compound, vote, lambda: operations.seat_committee(vote, compound, actor=current_user),
                  _("当选委员已记入业委会。"))


# --------------------------------------------------------------------------- the ballot (public)


def _public_vote(vote_id: int) -> tuple[Compound, Vote]:
    vote = db.session.get(Vote, vote_id)
    if vote is None:
        abort(404)
    return db.session.get(Compound, vote.compound_id), vote


def _who(compound, vote, code_text: str):
    """(voter_id, code row, problem) for this request: the code's voter, else the owner's own voter."""
    if code_text:
        code = operations.find_code(vote, code_text)
        if code is None:
            return None, None, _("投票码不正确，请核对通知书上的投票码。")
        if code.used_at is not None:
            return code.voter_id, code, " ".join([_("此投票码已经使用过，不能再次投票。"),
                                                  _("回执码只在投票成功时显示一次，不会再次显示。")])
        return code.voter_id, code, None
    if current_user.is_authenticated and can(current_user, Ability.VOTE, compound):
        voter = owner_voter(current_user, compound)
        if voter is not None:
            return voter.id, None, None
    return None, None, None


def _ballot_page(compound, vote, *, code_text="", status=200, selected=(), choice=None, message=None):
    voter_id, code, problem = _who(compound, vote, code_text)
    already = voter_id is not None and operations.has_ballot(vote.id, voter_id)
    if message:
        flash(message, "danger")
    elif problem:
        flash(problem, "danger")
    voter_name = None
    if voter_id is not None and not problem:
        voter_name = util.voter_labels({voter_id}, vote.roll_version_id).get(voter_id)
    return render_template("voting/ballot.html", compound=compound, vote=vote, code=code_text if code else "",
                           voter=voter_name if not problem else None, already=already and not problem,
                           accepting=vote.accepts_ballots_at(clock.utcnow()), selected=set(selected),
                           choice=choice, state_labels=STATE_LABELS), status


@bp.get("/ballot/<int:vote_id>")
def ballot(vote_id: int):
    compound, vote = _public_vote(vote_id)
    return _ballot_page(compound, vote, code_text=request.args.get("code", "").strip())


def _read_selection(vote):
    return operations.check_selection(vote, request.form.getlist("candidate"), request.form.get("choice") or None)


@bp.post("/ballot/<int:vote_id>/confirm")
def confirm(vote_id: int):
    compound, vote = _public_vote(vote_id)
    code_text = request.form.get("code", "").strip()
    voter_id, code, problem = _who(compound, vote, code_text)
    try:
        if problem:
            raise operations.VotingError(problem)
        if voter_id is None:
            raise operations.VotingError(_("请输入通知书上的投票码，或以业主账号登录。"))
        if not vote.accepts_ballots_at(clock.utcnow()):
            raise operations.VotingError(_("该表决当前不在投票时间内。"))
        if operations.has_ballot(vote.id, voter_id):
            raise operations.VotingError(_("您已经投过票了，每位业主只能投一次。"))
        selection = _read_selection(vote)
    except operations.VotingError as error:
        return _ballot_page(compound, vote, code_text=code_text, status=400, message=str(error),
                            selected=request.form.getlist("candidate"))
    names = util.candidate_names(vote)
    return render_template("voting/confirm.html", compound=compound, vote=vote, code=code_text,
                           chosen=[(cid, names[cid]) for cid in selection.candidate_ids], choice=selection.choice,
                           choice_labels=util.CHOICE_LABELS)


@bp.post("/ballot/<int:vote_id>/cast")
def cast(vote_id: int):
    """The hot path of SPEC §5 (≥ 300 ballots/s): plain rows and Core statements, no ORM loads."""
    code_text = request.form.get("code", "").strip()
    target, code = operations.ballot_target(vote_id, code_text)
    if target is None:
        abort(404)
    try:
        voter_id, code = _caster(target, code_text, code)
        if request.form.get("confirmed") != "1":
            raise operations.VotingError(_("请先确认您的选择，再提交选票。"))
        selection = operations.check_selection(target, request.form.getlist("candidate"),
                                               request.form.get("choice") or None, check_candidates=False)
        receipt = _cast_and_commit(target, voter_id, selection, code)
    except operations.VotingError as error:
        db.session.rollback()
        compound, vote = _public_vote(vote_id)
        status = 409 if isinstance(error, operations.AlreadyVoted) else 400
        return _ballot_page(compound, vote, code_text=code_text, status=status, message=str(error))
    return render_template("voting/receipt.html", vote=target, receipt=receipt,
                           compound={"code": target.compound_code, "name": target.compound_name},
                           next_url=url_for("voting.box", code=target.compound_code, vote_id=target.id))


def _caster(target, code_text: str, code):
    """(voter id, code row) casting now: the code's voter, else the signed-in owner's own voter."""
    if code_text:
        if code is None:
            raise operations.VotingError(_("投票码不正确，请核对通知书上的投票码。"))
        if code.used_at is not None:  # also a reload of the receipt page, which posts the ballot again
            raise operations.AlreadyVoted(" ".join([_("此投票码已经使用过，不能再次投票。"),
                                                    _("回执码只在投票成功时显示一次，不会再次显示。")]))
        return code.voter_id, code
    if current_user.is_authenticated:
        compound = db.session.get(Compound, target.compound_id)
        if can(current_user, Ability.VOTE, compound):
            voter = owner_voter(current_user, compound)
            if voter is not None:
                return voter.id, None
    raise operations.VotingError(_("请输入通知书上的投票码，或以业主账号登录。"))


AUDIT_BATCH = 10


def _drain_audit(ballot_id: int) -> None:
    """Every AUDIT_BATCH-th ballot appends the queued ballots' audit entries in one transaction
    (closing the vote appends the rest)."""
    if ballot_id % AUDIT_BATCH:
        return
    try:
        operations.drain_ballot_audit()
        db.session.commit()
    except (IntegrityError, OperationalError):  # another drainer won the race; it or the next one appends them
        db.session.rollback()
    except Exception:  # the ballot is already committed: its receipt must still be shown
        db.session.rollback()
        current_app.logger.exception("appending ballot audit entries failed; closing the vote appends them")


def _cast_and_commit(target, voter_id, selection, code, attempts: int = 5) -> str:
    """Cast and commit; a lost race ends in "already voted" or a retry, never a second ballot."""
    for tried in range(attempts):
        try:
            ballot_id, receipt = operations.cast_online(target, voter_id, selection, code=code)
            db.session.commit()
            _drain_audit(ballot_id)
            return receipt
        except operations.VotingError:
            db.session.rollback()
            raise
        except (IntegrityError, OperationalError):
            db.session.rollback()
            if operations.has_ballot(target.id, voter_id):
                raise operations.AlreadyVoted(_("您已经投过票了，每位业主只能投一次。")) from None
            time.sleep(0.02 * (tried + 1))
    raise operations.VotingError(_("投票人数较多，请稍后再试一次。"))


# --------------------------------------------------------------------------- the receipt PDF


RECEIPT_EXPLANATION = ("投票截止后，公开票箱列出每张选票所选的内容和一串由回执码算出的编号，但不公开是谁投的；"
                       "在公开票箱（{box}）输入本回执码，即可找到您的选票，核对它被如实记录。回执码只有您持有，请妥善保存。")


@bp.post("/ballot/<int:vote_id>/receipt.pdf")
def receipt_pdf(vote_id: int):
    """A one-page receipt to keep: the receipt code, the vote's title, the time of casting and what
    the ballot box shows. Never the choice, never who voted. Posted (the code stays out of URLs and
    logs); anyone holding a receipt code may print it, as anyone may look it up in the ballot box."""
    compound, vote = _public_vote(vote_id)
    receipt = operations.normalise_code(request.form.get("receipt", ""))[:64]
    cast_at = None
    if receipt:
        cast_at = db.session.scalar(db.select(Ballot.cast_at).where(
            Ballot.vote_id == vote.id, Ballot.receipt_hash == operations.receipt_hash(receipt)))
    if cast_at is None:
        return render_template("web/error.html", status=404, title=_("没有找到这张选票"),
                               message=_("没有找到这个回执码对应的选票，请核对后重试。")), 404
    pdf = render_pdf("receipt.html", title="投票回执", compound_name="", generated_on="", vote_title=vote.title,
                     cast_at=clock.to_local(cast_at).strftime("%Y-%m-%d %H:%M"),
                     receipt=operations.format_receipt(receipt),
                     explanation=RECEIPT_EXPLANATION.format(box=util.box_url(vote, compound)))
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f"attachment; filename=receipt-{vote.id}.pdf",
                             "Cache-Control": "no-store"})


# --------------------------------------------------------------------------- public ballot box


@bp.get("/board/<code>/votes/<int:vote_id>")
def box(code: str, vote_id: int):
    compound = get_compound_or_404(code)
    vote = util.vote_in(compound, vote_id)
    if vote is None:
        abort(404)
    if vote.state not in ("closed", "counted"):
        return render_template("voting/box.html", compound=compound, vote=vote, page=None, found=None,
                               receipt="", names={}, state_labels=STATE_LABELS, view=None)
    receipt = request.args.get("receipt", "").strip()
    found = None
    if receipt:
        found = db.session.scalar(db.select(Ballot).where(Ballot.vote_id == vote.id,
                                                          Ballot.receipt_hash == operations.receipt_hash(receipt)))
        if found is None:
            flash(_("没有找到这个回执码对应的选票，请核对后重试。"), "warning")
    hash_prefix = request.args.get("hash", "").strip().lower()[:64]
    if hash_prefix and not all(c in "0123456789abcdef" for c in hash_prefix):
        flash(_("回执编号只含数字 0-9 和字母 a-f。"), "warning")
        hash_prefix = ""
    page = util.box_page(vote, request.args.get("page", 1, type=int), hash_prefix=hash_prefix)
    view = util.public_count_view(vote, compound) if vote.state == "counted" else None
    return render_template("voting/box.html", compound=compound, vote=vote, page=page, found=found, receipt=receipt,
                           hash_prefix=hash_prefix,
                           names=util.public_candidate_names(vote), state_labels=STATE_LABELS, view=view,
                           ballot_text=util.ballot_text)
