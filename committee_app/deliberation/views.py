"""Deliberation sessions (chair's screen, projector view) and the participation ledger."""
from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select

from .. import clock
from ..extensions import db
from ..policy import Ability, authorize, can, get_compound_or_404
from ..registry.models import Community
from ..web.transaction import attempt, transaction
from ..web.views import flash_errors
from . import operations, rules, util
from .forms import EndSpeechForm, EntryForm, FloorForm, MotionForm, RateForm, SecondForm, SessionForm, VoteForm
from .models import DONE, QUEUED, DeliberationMotion, DeliberationSession

bp = Blueprint("deliberation", __name__)


def compound_panel(compound, user):
    may_read = can(user, Ability.READ, compound)
    if not (may_read or can(user, Ability.VOTE, compound)):
        return None
    from sqlalchemy import func
    from .models import Consultation
    open_count = db.session.scalar(select(func.count(Consultation.id)).where(
        Consultation.compound_id == compound.id, Consultation.published_at.is_(None),
        Consultation.closes_on >= clock.today()))
    return {"compound": compound, "sessions": util.sessions_of(compound)[:5] if may_read else [],
            "may_read": may_read, "may_chair": util.may_chair(user, compound), "open_consultations": open_count}


def _session_or_404(compound, session_id: int) -> DeliberationSession:
    session = db.session.get(DeliberationSession, session_id)
    if session is None or session.compound_id != compound.id:
        abort(404)
    return session


def _motion_or_404(session, motion_id: int) -> DeliberationMotion:
    motion = db.session.get(DeliberationMotion, motion_id)
    if motion is None or motion.session_id != session.id:
        abort(404)
    return motion


def _session_form(compound) -> SessionForm:
    from ..meetings.models import CommitteeMeeting

    form = SessionForm()
    form.body.choices = [(key, _(body.title)) for key, body in rules.bodies().items()]
    meetings = db.session.scalars(select(CommitteeMeeting).where(CommitteeMeeting.compound_id == compound.id)
                                  .order_by(CommitteeMeeting.meeting_on.desc()).limit(20)).all()
    form.meeting_id.choices = [("", _("不并入"))] + [(str(m.id), f"{m.meeting_on} {m.title}") for m in meetings]
    return form


@bp.get("/compounds/<code>/deliberations")
def sessions(code: str):
    compound = get_compound_or_404(code)
    authorize(Ability.READ, compound)
    form = _session_form(compound)
    if not form.is_submitted():
        form.held_on.data = clock.today()
        form.chair_name.data = current_user.display_name
    return _sessions_page(compound, form)


def _sessions_page(compound, form, status: int = 200):
    return render_template("deliberation/sessions.html", compound=compound, sessions=util.sessions_of(compound),
                           form=form, may_chair=util.may_chair(current_user, compound), bodies=rules.bodies()), status


@bp.post("/compounds/<code>/deliberations")
@transaction
def create_session(code: str):
    compound = get_compound_or_404(code)
    if not util.may_chair(current_user, compound):
        authorize(Ability.MANAGE, compound)
    form = _session_form(compound)
    if not form.validate_on_submit():
        flash_errors(form)
        return _sessions_page(compound, form, 400)
    meeting = None
    if form.meeting_id.data:
        from ..meetings.models import CommitteeMeeting
        meeting = db.session.get(CommitteeMeeting, int(form.meeting_id.data))
    session, refusal = attempt(lambda: operations.create_session(
        compound, body=form.body.data, title=form.title.data, held_on=form.held_on.data, place=form.place.data,
        chair_name=form.chair_name.data, member_count=form.member_count.data, present=form.present.data,
        meeting=meeting, actor=current_user))
    if refusal:
        return _sessions_page(compound, form, 400)
    return redirect(url_for("deliberation.chair", code=compound.code, session_id=session.id))


def _state(session: DeliberationSession) -> dict:
    """Plain values for the chair's screen, the projector and its JSON feed."""
    body = rules.body(session.body)
    motion = operations.current_motion(session)
    speaking = operations.speaking_now(motion) if motion else None
    spoken: dict[str, int] = {}
    queue = []
    if motion is not None:
        for r in motion.floor:
            if r.state == DONE:
                spoken[r.speaker] = spoken.get(r.speaker, 0) + 1
            elif r.state == QUEUED:
                queue.append({"id": r.id, "speaker": r.speaker, "side": r.side})
    return {
        "session": {"id": session.id, "title": session.title, "body": _(body.title), "state": session.state,
                    "members": session.member_count, "present": session.present_count},
        "motion": None if motion is None else {
            "id": motion.id, "position": motion.position, "text": motion.text, "is_amendment": motion.is_amendment,
            "parent_text": motion.parent.text if motion.parent else None, "state": motion.state,
            "moved_by": motion.moved_by, "seconded_by": motion.seconded_by},
        "speaking": None if speaking is None else {
            "speaker": speaking.speaker, "side": speaking.side,
            "started_at": speaking.started_at.isoformat() + "Z", "limit": body.rules.speech_seconds},
        "queue": queue,
        "spoken": [{"speaker": k, "turns": v} for k, v in spoken.items()],
        "turn_limit": body.rules.turns_per_motion,
        "decided": [{"position": m.position, "text": m.text, "outcome": m.outcome, "for": m.votes_for,
                     "against": m.votes_against, "abstain": m.votes_abstain, "is_amendment": m.is_amendment}
                    for m in session.motions if m.outcome],
    }


@bp.get("/compounds/<code>/deliberations/<int:session_id>")
def chair(code: str, session_id: int):
    compound = get_compound_or_404(code)
    authorize(Ability.READ, compound)
    session = _session_or_404(compound, session_id)
    return _chair_page(compound, session)


def _chair_page(compound, session, status: int = 200):
    body = rules.body(session.body)
    motion = operations.current_motion(session)
    return render_template(
        "deliberation/chair.html", compound=compound, session=session, body=body, motion=motion,
        state=_state(session), may_chair=util.may_chair(current_user, compound) and session.is_open,
        may_amend=motion is not None and motion.state == "open" and rules.may_amend(motion.depth, body.rules),
        motion_form=MotionForm(formdata=None), second_form=SecondForm(formdata=None), floor_form=FloorForm(formdata=None),
        end_form=EndSpeechForm(formdata=None), vote_form=VoteForm(formdata=None)), status


@bp.get("/compounds/<code>/deliberations/<int:session_id>/projector")
def projector(code: str, session_id: int):
    compound = get_compound_or_404(code)
    authorize(Ability.READ, compound)
    session = _session_or_404(compound, session_id)
    return render_template("deliberation/projector.html", compound=compound, session=session, state=_state(session))


@bp.get("/compounds/<code>/deliberations/<int:session_id>/state.json")
def state(code: str, session_id: int):
    compound = get_compound_or_404(code)
    authorize(Ability.READ, compound)
    session = _session_or_404(compound, session_id)
    response = jsonify(_state(session))
    response.headers["Cache-Control"] = "no-store"
    return response


def _act(code: str, session_id: int, action):
    """Run one chair's action: load, authorize, act, back to the chair's screen (the view's
    :func:`transaction` commits)."""
    compound = get_compound_or_404(code)
    authorize(Ability.READ, compound)
    if not util.may_chair(current_user, compound):
        abort(403)
    session = _session_or_404(compound, session_id)
    message, refusal = attempt(lambda: action(session))
    if refusal:
        return _chair_page(compound, db.session.get(DeliberationSession, session_id), 400)
    if message:
        flash(message, "success")
    return redirect(url_for("deliberation.chair", code=compound.code, session_id=session.id))


def _valid(form) -> None:
    if not form.validate_on_submit():
        raise operations.DeliberationError("；".join(m for errors in form.errors.values() for m in errors))


@bp.post("/compounds/<code>/deliberations/<int:session_id>/motions")
@transaction
def move(code: str, session_id: int):
    def action(session):
        form = MotionForm()
        _valid(form)
        parent = None
        if form.parent_id.data:
            if not form.parent_id.data.isdigit():
                abort(404)
            parent = _motion_or_404(session, int(form.parent_id.data))
        operations.move_motion(session, text=form.text.data, moved_by=form.moved_by.data, parent=parent,
                               actor=current_user)
        return _("已提出修正案，请附议。") if parent else _("已提出动议，请附议。")
    return _act(code, session_id, action)


@bp.post("/compounds/<code>/deliberations/<int:session_id>/motions/<int:motion_id>/second")
@transaction
def second(code: str, session_id: int, motion_id: int):
    def action(session):
        form = SecondForm()
        _valid(form)
        operations.second_motion(_motion_or_404(session, motion_id), seconded_by=form.seconded_by.data,
                                 actor=current_user)
        return _("已附议，进入讨论。")
    return _act(code, session_id, action)


@bp.post("/compounds/<code>/deliberations/<int:session_id>/motions/<int:motion_id>/lapse")
@transaction
def lapse(code: str, session_id: int, motion_id: int):
    def action(session):
        operations.lapse_motion(_motion_or_404(session, motion_id), actor=current_user)
        return _("无人附议，动议不成立。")
    return _act(code, session_id, action)


@bp.post("/compounds/<code>/deliberations/<int:session_id>/motions/<int:motion_id>/floor")
@transaction
def request_floor(code: str, session_id: int, motion_id: int):
    def action(session):
        form = FloorForm()
        _valid(form)
        operations.request_floor(_motion_or_404(session, motion_id), speaker=form.speaker.data, side=form.side.data,
                                 actor=current_user)
        return None
    return _act(code, session_id, action)


@bp.post("/compounds/<code>/deliberations/<int:session_id>/motions/<int:motion_id>/next")
@transaction
def give_floor(code: str, session_id: int, motion_id: int):
    def action(session):
        request_ = operations.give_floor(_motion_or_404(session, motion_id), actor=current_user)
        return _("请 %(name)s 发言。", name=request_.speaker)
    return _act(code, session_id, action)


@bp.post("/compounds/<code>/deliberations/<int:session_id>/motions/<int:motion_id>/end")
@transaction
def end_speech(code: str, session_id: int, motion_id: int):
    def action(session):
        form = EndSpeechForm()
        _valid(form)
        spoken = operations.end_speech(_motion_or_404(session, motion_id), summary=form.summary.data,
                                       actor=current_user)
        if spoken.is_over_time:
            return _("发言 %(seconds)s 秒，超过时限，已记入纪要。", seconds=spoken.seconds)
        return None
    return _act(code, session_id, action)


@bp.post("/compounds/<code>/deliberations/<int:session_id>/motions/<int:motion_id>/vote")
@transaction
def vote(code: str, session_id: int, motion_id: int):
    def action(session):
        form = VoteForm()
        _valid(form)
        outcome = operations.put_to_vote(_motion_or_404(session, motion_id), votes_for=form.votes_for.data,
                                         votes_against=form.votes_against.data,
                                         votes_abstain=form.votes_abstain.data, actor=current_user)
        return {"passed": _("表决通过。"), "failed": _("表决未通过。"),
                "no_quorum": _("出席人数不足法定人数，表决无效。")}[outcome.state]
    return _act(code, session_id, action)


@bp.post("/compounds/<code>/deliberations/<int:session_id>/close")
@transaction
def close(code: str, session_id: int):
    def action(session):
        operations.close_session(session, actor=current_user)
        return _("议事结束，纪要草稿已生成。")
    return _act(code, session_id, action)


# --- points ----------------------------------------------------------------------------

@bp.get("/points")
@login_required
def points_home():
    communities = util.communities_for(current_user)
    if not communities:
        abort(403)
    if len(communities) == 1:
        return redirect(url_for("deliberation.points", community_id=communities[0].id))
    return render_template("deliberation/points_home.html", communities=communities)


def _community_or_404(community_id: int) -> Community:
    community = db.session.get(Community, community_id)
    if community is None:
        abort(404)
    if not current_user.is_authenticated:
        authorize(Ability.READ)
    if not util.may_read_points(current_user, community):
        abort(403)
    return community


def _entry_form() -> EntryForm:
    form = EntryForm()
    form.activity.choices = [("", "—")] + [(k, _(v.title)) for k, v in rules.default_points().items()]
    return form


def _rate_form() -> RateForm:
    form = RateForm()
    form.activity.choices = [(k, _(v.title)) for k, v in rules.default_points().items()]
    return form


@bp.get("/communities/<int:community_id>/points")
def points(community_id: int):
    community = _community_or_404(community_id)
    return _points_page(community)


def _points_page(community, status: int = 200, entry_form=None, rate_form=None):
    search = (request.args.get("q") or "").strip()[:120]
    year_arg = request.args.get("year") or ""
    year = int(year_arg) if year_arg.isdigit() and 2000 <= int(year_arg) <= 2100 else None
    person = (request.args.get("person") or "").strip()[:120]
    rate_form = rate_form or _rate_form()
    if rate_form.valid_from.data is None:
        rate_form.valid_from.data = clock.today()
    return render_template(
        "deliberation/points.html", community=community, totals=util.totals(community.id, year=year, search=search),
        search=search, year=year, person=person, ledger=util.ledger(community.id, person) if person else [],
        rates=operations.current_rates(community.id), kinds=rules.default_points(),
        history=util.rate_history(community.id), may_manage=util.may_manage_points(current_user, community),
        entry_form=entry_form or _entry_form(), rate_form=rate_form), status


def _points_act(community_id: int, action):
    community = _community_or_404(community_id)
    if not util.may_manage_points(current_user, community):
        abort(403)
    message, refusal = attempt(lambda: action(community))
    if refusal:
        return _points_page(db.session.get(Community, community_id), 400)
    flash(message, "success")
    return redirect(url_for("deliberation.points", community_id=community_id))


@bp.post("/communities/<int:community_id>/points/sync")
@transaction
def sync_points(community_id: int):
    def action(community):
        added = operations.sync_participation(community, actor=current_user)
        return ngettext("已按参与记录新增 %(num)s 条积分。", "已按参与记录新增 %(num)s 条积分。", added)
    return _points_act(community_id, action)


@bp.post("/communities/<int:community_id>/points/entries")
@transaction
def add_entry(community_id: int):
    def action(community):
        form = _entry_form()
        _valid(form)
        operations.record_entry(community, person=form.person.data, kind=form.kind.data, points=form.points.data,
                                reason=form.reason.data, activity=form.activity.data or None, actor=current_user)
        return _("已记入台账。")
    return _points_act(community_id, action)


@bp.post("/communities/<int:community_id>/points/rates")
@transaction
def set_rate(community_id: int):
    def action(community):
        form = _rate_form()
        _valid(form)
        operations.set_rate(community, activity=form.activity.data, points=form.points.data,
                            valid_from=form.valid_from.data, reason=form.reason.data, actor=current_user)
        return _("积分标准已调整，原标准保留在历史中。")
    return _points_act(community_id, action)


# --- recognition ------------------------------------------------------------------------

def _year() -> int:
    arg = request.values.get("year") or ""
    return int(arg) if arg.isdigit() and 2000 <= int(arg) <= 2100 else clock.today().year


def _nomination_form(community, year: int):
    from .forms import NominationForm
    form = NominationForm()
    form.category_id.choices = [(str(c.id), c.name) for c in util.categories_of(community.id, year)]
    return form


def _recognition_community(community_id: int) -> Community:
    community = db.session.get(Community, community_id)
    if community is None:
        abort(404)
    if not current_user.is_authenticated:
        authorize(Ability.READ)
    if not util.may_nominate(current_user, community):
        abort(403)
    return community


@bp.get("/communities/<int:community_id>/recognition")
def recognition(community_id: int):
    community = _recognition_community(community_id)
    return _recognition_page(community, _year())


def _recognition_page(community, year: int, status: int = 200, **forms):
    from .forms import CategoryForm, ReviewForm
    from .models import AwardNomination

    categories = util.categories_of(community.id, year)
    nominees = [n.nominee for c in categories for n in c.nominations]
    may_manage = util.may_manage_points(current_user, community)
    nomination_form = forms.get("nomination_form") or _nomination_form(community, year)
    if not nomination_form.nominated_by.data and current_user.is_authenticated:
        nomination_form.nominated_by.data = current_user.display_name
    return render_template(
        "deliberation/recognition.html", community=community, year=year, categories=categories,
        published=util.published_list(community.id, year), may_manage=may_manage,
        points=dict(util.points_earned_in(community.id, year, nominees)),
        most_active=util.points_earned_in(community.id, year, limit=10) if util.may_read_points(current_user, community) else [],
        category_form=forms.get("category_form") or CategoryForm(formdata=None),
        nomination_form=nomination_form, review_form=ReviewForm(formdata=None),
        channel_labels={"self": _("自我推荐"), "resident": _("居民推荐"), "organisation": _("组织推荐")},
        state_labels={"nominated": _("待评审"), "accepted": _("通过"), "declined": _("不通过")}), status


def _recognition_act(community_id: int, action, *, manage: bool = True):
    community = _recognition_community(community_id)
    if manage and not util.may_manage_points(current_user, community):
        abort(403)
    year = _year()
    message, refusal = attempt(lambda: action(community, year))
    if refusal:
        return _recognition_page(db.session.get(Community, community_id), year, 400)
    flash(message, "success")
    return redirect(url_for("deliberation.recognition", community_id=community_id, year=year))


@bp.post("/communities/<int:community_id>/recognition/categories")
@transaction
def add_category(community_id: int):
    from .forms import CategoryForm

    def action(community, year):
        form = CategoryForm()
        _valid(form)
        operations.add_category(community, year=year, name=form.name.data, description=form.description.data or "",
                                actor=current_user)
        return _("已增加表彰类别。")
    return _recognition_act(community_id, action)


@bp.post("/communities/<int:community_id>/recognition/nominations")
@transaction
def nominate(community_id: int):
    from .models import AwardCategory

    def action(community, year):
        form = _nomination_form(community, year)
        _valid(form)
        category = db.session.get(AwardCategory, int(form.category_id.data))
        if category is None or category.community_id != community.id:
            abort(404)
        channel = form.channel.data
        if channel == "organisation" and not util.may_read_points(current_user, community) \
                and not scope_of_organiser(current_user, community):
            raise operations.DeliberationError(_("组织推荐由社区、工作室或小区筹备组（业委会）提交。"))
        operations.nominate(category, nominee=form.nominee.data, channel=channel,
                            nominated_by=form.nominated_by.data, reason=form.reason.data, actor=current_user)
        return _("推荐已提交，等待评审。")
    return _recognition_act(community_id, action, manage=False)


def scope_of_organiser(user, community) -> bool:
    from ..policy import scope_of
    from ..registry.models import Compound
    ids = scope_of(user).organiser_compound_ids
    return bool(ids) and db.session.scalar(select(Compound.id).where(
        Compound.id.in_(ids), Compound.community_id == community.id).limit(1)) is not None


@bp.post("/communities/<int:community_id>/recognition/nominations/<int:nomination_id>/review")
@transaction
def review(community_id: int, nomination_id: int):
    from .forms import ReviewForm
    from .models import AwardNomination

    def action(community, year):
        nomination = db.session.get(AwardNomination, nomination_id)
        if nomination is None or nomination.category.community_id != community.id:
            abort(404)
        form = ReviewForm()
        _valid(form)
        operations.review_nomination(nomination, accept=form.decision.data == "accept", note=form.note.data or "",
                                     actor=current_user)
        return _("已记录评审结果。")
    return _recognition_act(community_id, action)


@bp.post("/communities/<int:community_id>/recognition/publish")
@transaction
def publish(community_id: int):
    def action(community, year):
        operations.publish_list(community, year=year, actor=current_user)
        return _("%(year)s 年度表彰名单已发布。", year=year)
    return _recognition_act(community_id, action)


@bp.get("/communities/<int:community_id>/recognition/nominations/<int:nomination_id>/certificate.pdf")
def certificate(community_id: int, nomination_id: int):
    from flask import Response

    from ..pdf import render_pdf
    from .models import AwardNomination

    community = _recognition_community(community_id)
    nomination = db.session.get(AwardNomination, nomination_id)
    if nomination is None or nomination.category.community_id != community.id or nomination.state != "accepted":
        abort(404)
    published = util.published_list(community.id, nomination.category.year)
    if published is None:
        abort(404)
    pdf = render_pdf("certificate.html", title="荣誉证书", compound_name=community.name,
                     generated_on=clock.to_local(published.published_at).date().isoformat(),
                     issuer=community.name, nominee=nomination.nominee, category=nomination.category.name,
                     year=nomination.category.year, reason=nomination.reason)
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f"inline; filename=certificate-{nomination.id}.pdf"})


# --- online consultation ------------------------------------------------------------------

def _read_compound(code: str):
    compound = get_compound_or_404(code)
    if not can(current_user, Ability.VOTE, compound):
        authorize(Ability.READ, compound)
    return compound


def _consultation_or_404(compound, consultation_id: int):
    from .models import Consultation
    consultation = db.session.get(Consultation, consultation_id)
    if consultation is None or consultation.compound_id != compound.id:
        abort(404)
    return consultation


@bp.get("/compounds/<code>/consultations")
def consultations(code: str):
    compound = _read_compound(code)
    return _consultations_page(compound)


def _consultations_page(compound, form=None, status: int = 200):
    from .forms import ConsultationForm
    from .models import Consultation

    items = db.session.scalars(select(Consultation).where(Consultation.compound_id == compound.id)
                               .order_by(Consultation.closes_on.desc(), Consultation.id.desc())).all()
    return render_template("deliberation/consultations.html", compound=compound, consultations=items,
                           today=clock.today(), may_manage=can(current_user, Ability.MANAGE, compound),
                           form=form or ConsultationForm(formdata=None)), status


@bp.post("/compounds/<code>/consultations")
@transaction
def create_consultation(code: str):
    from .forms import ConsultationForm

    compound = get_compound_or_404(code)
    authorize(Ability.MANAGE, compound)
    form = ConsultationForm()

    def create():
        _valid(form)
        return operations.create_consultation(compound, title=form.title.data, question=form.question.data,
                                              options=form.options.data, closes_on=form.closes_on.data,
                                              actor=current_user)
    consultation, refusal = attempt(create)
    if refusal:
        return _consultations_page(compound, form, 400)
    flash(_("征询已发起。"), "success")
    return redirect(url_for("deliberation.consultation", code=compound.code, consultation_id=consultation.id))


@bp.get("/compounds/<code>/consultations/<int:consultation_id>")
def consultation(code: str, consultation_id: int):
    compound = _read_compound(code)
    return _consultation_page(compound, _consultation_or_404(compound, consultation_id))


def _consultation_page(compound, consultation, status: int = 200):
    from ..policy import owner_voter
    from .forms import HideForm, PublishForm, VoiceForm
    from .models import ConsultationVoice

    voter = owner_voter(current_user, compound) if can(current_user, Ability.VOTE, compound) else None
    mine = None
    if voter is not None:
        mine = db.session.scalar(select(ConsultationVoice).where(
            ConsultationVoice.consultation_id == consultation.id, ConsultationVoice.voter_key == voter.key))
    voice_form = VoiceForm(formdata=None, obj=mine)
    voice_form.option.choices = [(o, o) for o in consultation.options]
    return render_template(
        "deliberation/consultation.html", compound=compound, consultation=consultation, voter=voter, mine=mine,
        is_open=consultation.is_open_on(clock.today()), tally=operations.tally_consultation(consultation),
        may_manage=can(current_user, Ability.MANAGE, compound), voice_form=voice_form,
        hide_form=HideForm(formdata=None), publish_form=PublishForm(formdata=None)), status


def _consultation_act(code: str, consultation_id: int, ability: Ability, action):
    compound = get_compound_or_404(code)
    authorize(ability, compound)
    consultation = _consultation_or_404(compound, consultation_id)
    message, refusal = attempt(lambda: action(compound, consultation))
    if refusal:
        return _consultation_page(compound, _consultation_or_404(compound, consultation_id), 400)
    flash(message, "success")
    return redirect(url_for("deliberation.consultation", code=compound.code, consultation_id=consultation_id))


@bp.post("/compounds/<code>/consultations/<int:consultation_id>/voice")
@transaction
def give_voice(code: str, consultation_id: int):
    from ..policy import owner_voter
    from .forms import VoiceForm

    def action(compound, consultation):
        voter = owner_voter(current_user, compound)
        if voter is None:
            abort(403)
        form = VoiceForm()
        _valid(form)
        operations.give_voice(consultation, voter, option=form.option.data, comment=form.comment.data or "",
                              actor=current_user)
        return _("你的意见已提交，截止前可以修改。")
    return _consultation_act(code, consultation_id, Ability.VOTE, action)


@bp.post("/compounds/<code>/consultations/<int:consultation_id>/voices/<int:voice_id>/hide")
@transaction
def hide_voice(code: str, consultation_id: int, voice_id: int):
    from .forms import HideForm
    from .models import ConsultationVoice

    def action(compound, consultation):
        voice = db.session.get(ConsultationVoice, voice_id)
        if voice is None or voice.consultation_id != consultation.id:
            abort(404)
        form = HideForm()
        _valid(form)
        operations.hide_voice(voice, reason=form.reason.data, actor=current_user)
        return _("该意见已隐藏，理由已记录。")
    return _consultation_act(code, consultation_id, Ability.MANAGE, action)


@bp.post("/compounds/<code>/consultations/<int:consultation_id>/publish")
@transaction
def publish_consultation(code: str, consultation_id: int):
    from .forms import PublishForm

    def action(compound, consultation):
        form = PublishForm()
        _valid(form)
        operations.publish_consultation(consultation, summary=form.summary.data, answer=form.answer.data,
                                        actor=current_user)
        return _("汇总和答复已发布。")
    return _consultation_act(code, consultation_id, Ability.MANAGE, action)


@bp.get("/communities/<int:community_id>/growth")
def growth(community_id: int):
    community = _community_or_404(community_id)
    return render_template("deliberation/growth.html", community=community, members=util.growth(community),
                           kinds=rules.default_points(),
                           roles={"chair": _("主任"), "vice_chair": _("副主任"), "member": _("委员")})
