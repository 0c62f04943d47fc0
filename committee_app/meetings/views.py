"""Committee meetings, minutes, proposals and checklists. Thin: load → authorize → operate → commit."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from .. import clock
from ..committees.util import compound_settings, current_committee
from ..pdf import render_pdf
from ..policy import Ability, authorize, can, get_compound_or_404, owner_voter
from ..rules.model import SITUATIONS
from ..web.transaction import attempt, transaction
from ..web.views import flash_errors
from . import checks, operations, util
from .forms import (AgendaItemForm, AttendanceForm, CommentForm, DecisionForm, MeetingForm, MinutesForm, MotionForm,
                    PlainForm, ProposalForm, RequestForm, SignForm)
from .models import VOTE_CHOICES, VOTE_LABELS

bp = Blueprint("meetings", __name__)


def compound_panel(compound, user):
    """Meetings, proposals and checklists on the compound page."""
    readers = can(user, Ability.READ, compound)
    owner = can(user, Ability.VOTE, compound)
    if not (readers or owner):
        return None
    today = clock.today()
    meetings = util.meetings_of(compound)[:3] if readers else []
    proposals = util.proposals_of(compound)
    return {"compound": compound, "is_reader": readers, "meetings": meetings, "today": today,
            "open_proposals": sum(1 for p, _n in proposals if p.state == "open"), "proposals": len(proposals)}


# --------------------------------------------------------------------------- meetings


def _meeting_form(compound) -> MeetingForm:
    form = MeetingForm()
    form.request_id.choices = [(0, "—")] + [
        (r.id, _("%(d)s 提议（%(n)s 名委员），应于 %(due)s 前开会", d=r.requested_on, n=len(r.signers),
                 due=r.meeting_due_on)) for r in util.requests_of(compound) if not r.meetings]
    if not form.is_submitted():
        form.agenda_posted_on.data = clock.today()
    return form


def _request_form(committee) -> RequestForm:
    form = RequestForm()
    today = clock.today()
    form.member_ids.choices = [(m.id, f"{m.name}（{_(m.role_label)}）")
                               for m in (committee.members_on(today) if committee else [])]
    if not form.is_submitted():
        form.requested_on.data = today
    return form


def _index(compound, status=200, meeting_form=None, request_form=None):
    committee = current_committee(compound)
    today = clock.today()
    settings = compound_settings(compound)
    requests = util.requests_of(compound)
    return render_template(
        "meetings/index.html", compound=compound, committee=committee, meetings=util.meetings_of(compound),
        requests=[(r, util.request_status(r, today)) for r in requests], today=today,
        notice_days=settings["committee_agenda_notice_days"], request_days=settings["committee_request_meeting_days"],
        can_manage=can(current_user, Ability.MANAGE, compound),
        meeting_form=meeting_form or _meeting_form(compound), request_form=request_form or _request_form(committee),
    ), status


@bp.get("/compounds/<code>/meetings")
def index(code: str):
    compound = get_compound_or_404(code)
    authorize(Ability.READ, compound)
    return _index(compound)


@bp.post("/compounds/<code>/meetings")
@transaction
def create_meeting(code: str):
    compound = get_compound_or_404(code)
    authorize(Ability.MANAGE, compound)
    form = _meeting_form(compound)
    if not form.validate_on_submit():
        flash_errors(form)
        return _index(compound, 400, meeting_form=form)
    meeting_request = None
    if form.request_id.data:
        meeting_request = next((r for r in util.requests_of(compound) if r.id == form.request_id.data), None)
    meeting, refusal = attempt(lambda: operations.create_meeting(
        compound, title=form.title.data, meeting_on=form.meeting_on.data,
        agenda_posted_on=form.agenda_posted_on.data, agenda=form.agenda.data.splitlines(),
        location=form.location.data, urgent_reason=form.urgent_reason.data, request=meeting_request,
        actor=current_user))
    if refusal:
        return _index(compound, 400, meeting_form=form)
    flash(_("会议已安排，议题已告知。") if not meeting.is_urgent else _("已安排紧急会议，紧急理由已记录。"), "success")
    return redirect(url_for("meetings.meeting", code=compound.code, meeting_id=meeting.id))


@bp.post("/compounds/<code>/meetings/requests")
@transaction
def record_request(code: str):
    compound = get_compound_or_404(code)
    authorize(Ability.MANAGE, compound)
    form = _request_form(current_committee(compound))
    if not form.validate_on_submit():
        flash_errors(form)
        return _index(compound, 400, request_form=form)
    meeting_request, refusal = attempt(lambda: operations.record_request(
        compound, requested_on=form.requested_on.data, subject=form.subject.data,
        member_ids=(form.member_ids.data or []), actor=current_user))
    if refusal:
        return _index(compound, 400, request_form=form)
    flash(_("已登记委员提议，应于 %(d)s 前召开会议。", d=meeting_request.meeting_due_on), "success")
    return redirect(url_for("meetings.index", code=compound.code))


def _load(code: str, meeting_id: int, ability: Ability):
    compound = get_compound_or_404(code)
    authorize(ability, compound)
    meeting = util.load_meeting(compound, meeting_id)
    if meeting is None:
        abort(404)
    return compound, meeting


def _meeting_page(compound, meeting, status=200, **forms):
    today = clock.today()
    members = operations.members_of(meeting)
    present = meeting.present_member_ids
    attendance_form = forms.get("attendance_form") or AttendanceForm(formdata=None, member_ids=sorted(present))
    attendance_form.member_ids.choices = [(m.id, f"{m.name}（{_(m.role_label)}）") for m in members]
    motion_form = forms.get("motion_form") or MotionForm(formdata=None)
    motion_form.agenda_item_id.choices = [(0, "—")] + [(i.id, i.title) for i in meeting.agenda_items]
    results = {motion.id: operations.result_of(motion, meeting) for motion in meeting.motions}
    votes = {motion.id: {v.member_id: v.choice for v in motion.votes} for motion in meeting.motions}
    due_on = operations.decisions_due_on(meeting, compound)
    quorum = checks.motion_result(len(members), len(present), 0, 0, 0).quorum_met
    settings = compound_settings(compound)
    return render_template(
        "meetings/meeting.html", compound=compound, meeting=meeting, members=members, present=present,
        quorum_met=quorum, results=results, votes=votes, today=today, vote_choices=VOTE_CHOICES,
        vote_labels=VOTE_LABELS, decisions_due_on=due_on,
        decisions_status=checks.posting_status(due_on, meeting.decisions_posted_on, today),
        latest_agenda_on=checks.counted_latest_agenda_on(meeting.meeting_on, settings["committee_agenda_notice_days"]),
        decisions_due_counted=checks.counted_within_days(meeting.meeting_on, int(settings["decision_posting_days"])),
        can_manage=can(current_user, Ability.MANAGE, compound) and not meeting.is_locked,
        can_post=can(current_user, Ability.MANAGE, compound), attendance_form=attendance_form, motion_form=motion_form, plain_form=PlainForm(),
        agenda_form=forms.get("agenda_form") or AgendaItemForm(formdata=None),
    ), status


@bp.get("/compounds/<code>/meetings/<int:meeting_id>")
def meeting(code: str, meeting_id: int):
    compound, meeting = _load(code, meeting_id, Ability.READ)
    return _meeting_page(compound, meeting)


def _back(compound, meeting, anchor: str = ""):
    return redirect(url_for("meetings.meeting", code=compound.code, meeting_id=meeting.id) + anchor)


@bp.post("/compounds/<code>/meetings/<int:meeting_id>/agenda")
@transaction
def add_agenda_item(code: str, meeting_id: int):
    compound, meeting = _load(code, meeting_id, Ability.MANAGE)
    form = AgendaItemForm()
    if not form.validate_on_submit():
        flash_errors(form)
        return _meeting_page(compound, meeting, 400, agenda_form=form)
    _result, refusal = attempt(lambda: operations.add_agenda_item(
        meeting, compound, title=form.title.data, urgent_reason=form.urgent_reason.data, actor=current_user))
    if refusal:
        return _meeting_page(compound, util.load_meeting(compound, meeting_id), 400, agenda_form=form)
    flash(_("已增加议题。"), "success")
    return _back(compound, meeting)


@bp.post("/compounds/<code>/meetings/<int:meeting_id>/attendance")
@transaction
def record_attendance(code: str, meeting_id: int):
    compound, meeting = _load(code, meeting_id, Ability.MANAGE)
    form = AttendanceForm()
    form.member_ids.choices = [(m.id, m.name) for m in operations.members_of(meeting)]
    if not form.validate_on_submit():
        flash_errors(form)
        return _back(compound, meeting, "#attendance")
    _result, refusal = attempt(lambda: operations.record_attendance(
        meeting, (form.member_ids.data or []), actor=current_user))
    if refusal:
        return _back(compound, meeting, "#attendance")
    flash(_("出席情况已保存。"), "success")
    return _back(compound, meeting, "#attendance")


@bp.post("/compounds/<code>/meetings/<int:meeting_id>/motions")
@transaction
def add_motion(code: str, meeting_id: int):
    compound, meeting = _load(code, meeting_id, Ability.MANAGE)
    form = MotionForm()
    form.agenda_item_id.choices = [(0, "—")] + [(i.id, i.title) for i in meeting.agenda_items]
    if not form.validate_on_submit():
        flash_errors(form)
        return _back(compound, meeting, "#motions")
    _result, refusal = attempt(lambda: operations.add_motion(
        meeting, text=form.text.data, agenda_item_id=form.agenda_item_id.data or None, actor=current_user))
    if refusal:
        return _back(compound, meeting, "#motions")
    flash(_("已增加表决事项。"), "success")
    return _back(compound, meeting, "#motions")


@bp.post("/compounds/<code>/meetings/<int:meeting_id>/motions/<int:motion_id>/votes")
@transaction
def record_votes(code: str, meeting_id: int, motion_id: int):
    compound, meeting = _load(code, meeting_id, Ability.MANAGE)
    motion = next((m for m in meeting.motions if m.id == motion_id), None)
    if motion is None:
        abort(404)
    form = PlainForm()
    if not form.validate_on_submit():
        flash_errors(form)
        return _back(compound, meeting, "#motions")
    votes = {}
    for key, value in request.form.items():
        if key.startswith("vote-"):
            try:
                votes[int(key[5:])] = value or None
            except ValueError:
                flash(_("表决数据无效。"), "danger")
                return _back(compound, meeting, "#motions")
    _result, refusal = attempt(lambda: operations.record_votes(motion, meeting, votes, actor=current_user))
    if refusal:
        return _back(compound, meeting, "#motions")
    flash(_("表决结果已保存。"), "success")
    return _back(compound, meeting, "#motions")


@bp.post("/compounds/<code>/meetings/<int:meeting_id>/decisions")
@transaction
def post_decisions(code: str, meeting_id: int):
    compound, meeting = _load(code, meeting_id, Ability.MANAGE)
    if not PlainForm().validate_on_submit():
        abort(400)
    _result, refusal = attempt(lambda: operations.post_decisions(meeting, compound, actor=current_user))
    if refusal:
        return _back(compound, meeting, "#decisions")
    flash(_("会议决定已在公示栏公告。"), "success")
    return _back(compound, meeting, "#decisions")


# --------------------------------------------------------------------------- minutes


def _minutes_page(compound, meeting, status=200, minutes_form=None, sign_form=None):
    minutes = meeting.minutes
    latest = minutes.latest if minutes else None
    content = latest.content if latest else {}
    if minutes_form is None:
        minutes_form = MinutesForm(formdata=None, opening=content.get("opening", ""), other=content.get("other", ""))
    previous = {item.get("id"): item.get("discussion", "") for item in content.get("items", [])}
    discussions = {item.id: request.form.get(f"item-{item.id}", previous.get(item.id, ""))
                   if request.method == "POST" else previous.get(item.id, "") for item in meeting.agenda_items}
    present = [m for m in operations.members_of(meeting) if m.id in meeting.present_member_ids]
    if sign_form is None:
        sign_form = SignForm(formdata=None, signed_on=clock.today())
    sign_form.member_ids.choices = [(m.id, m.name) for m in operations.unsigned_members(meeting)]
    signatures = sorted(minutes.signatures, key=lambda s: (s.revision_number, s.member_id)) if minutes else []
    names = {m.id: m.name for m in meeting.committee.members}
    return render_template(
        "meetings/minutes.html", compound=compound, meeting=meeting, minutes=minutes, latest=latest,
        lines=util.revision_lines(latest.content) if latest else [], discussions=discussions, present=present,
        signatures=signatures, member_names=names,
        record_changed=not meeting.is_locked and operations.record_changed_since_latest(meeting), unsigned=operations.unsigned_members(meeting) if latest else [],
        can_manage=can(current_user, Ability.MANAGE, compound), minutes_form=minutes_form, sign_form=sign_form,
        plain_form=PlainForm(),
    ), status


@bp.get("/compounds/<code>/meetings/<int:meeting_id>/minutes")
def minutes(code: str, meeting_id: int):
    compound, meeting = _load(code, meeting_id, Ability.READ)
    return _minutes_page(compound, meeting)


@bp.post("/compounds/<code>/meetings/<int:meeting_id>/minutes")
@transaction
def save_minutes(code: str, meeting_id: int):
    compound, meeting = _load(code, meeting_id, Ability.MANAGE)
    form = MinutesForm()
    if not form.validate_on_submit():
        flash_errors(form)
        return _minutes_page(compound, meeting, 400, minutes_form=form)
    discussions = {item.id: request.form.get(f"item-{item.id}", "") for item in meeting.agenda_items}
    revision, refusal = attempt(lambda: operations.save_minutes(
        meeting, opening=form.opening.data, discussions=discussions, other=form.other.data, reason=form.reason.data,
        actor=current_user))
    if refusal:
        return _minutes_page(compound, util.load_meeting(compound, meeting_id), 400, minutes_form=form)
    flash(_("纪要已保存为第 %(n)s 版。", n=revision.number), "success")
    return redirect(url_for("meetings.minutes", code=compound.code, meeting_id=meeting.id))


@bp.post("/compounds/<code>/meetings/<int:meeting_id>/minutes/sign")
@transaction
def sign_minutes(code: str, meeting_id: int):
    compound, meeting = _load(code, meeting_id, Ability.MANAGE)
    form = SignForm()
    form.member_ids.choices = [(m.id, m.name) for m in operations.members_of(meeting)]
    if not form.validate_on_submit():
        flash_errors(form)
        return redirect(url_for("meetings.minutes", code=compound.code, meeting_id=meeting.id))
    added, refusal = attempt(lambda: operations.sign_minutes(
        meeting, (form.member_ids.data or []), signed_on=form.signed_on.data, actor=current_user))
    if refusal:
        return redirect(url_for("meetings.minutes", code=compound.code, meeting_id=meeting.id))
    flash(ngettext("已登记 %(num)s 名委员签字。", "已登记 %(num)s 名委员签字。", added), "success")
    return redirect(url_for("meetings.minutes", code=compound.code, meeting_id=meeting.id))


@bp.post("/compounds/<code>/meetings/<int:meeting_id>/minutes/lock")
@transaction
def lock_minutes(code: str, meeting_id: int):
    compound, meeting = _load(code, meeting_id, Ability.MANAGE)
    if not PlainForm().validate_on_submit():
        abort(400)
    _result, refusal = attempt(lambda: operations.lock_minutes(meeting, actor=current_user))
    if refusal:
        return redirect(url_for("meetings.minutes", code=compound.code, meeting_id=meeting.id))
    flash(_("纪要已锁定；此后只能以更正版本修改，并须说明理由。"), "success")
    return redirect(url_for("meetings.minutes", code=compound.code, meeting_id=meeting.id))


@bp.get("/compounds/<code>/meetings/<int:meeting_id>/minutes/compare")
def compare_minutes(code: str, meeting_id: int):
    compound, meeting = _load(code, meeting_id, Ability.READ)
    minutes = meeting.minutes
    if minutes is None or not minutes.revisions:
        abort(404)
    latest = minutes.latest.number
    old_number = request.args.get("a", max(latest - 1, 1), type=int)
    new_number = request.args.get("b", latest, type=int)
    old, new = minutes.revision(old_number), minutes.revision(new_number)
    if old is None or new is None:
        abort(404)
    return render_template("meetings/compare.html", compound=compound, meeting=meeting, minutes=minutes,
                           old=old, new=new, rows=util.diff_rows(old.content, new.content))


@bp.get("/compounds/<code>/meetings/<int:meeting_id>/minutes.pdf")
def minutes_pdf(code: str, meeting_id: int):
    compound, meeting = _load(code, meeting_id, Ability.READ)
    if meeting.minutes is None or meeting.minutes.latest is None:
        abort(404)
    number = request.args.get("revision", type=int)
    if number is not None and meeting.minutes.revision(number) is None:
        abort(404)
    pdf = render_pdf("minutes.html", **util.minutes_pdf_context(compound, meeting, number))
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f"inline; filename=minutes-{compound.code}-{meeting.meeting_on}.pdf"})


# --------------------------------------------------------------------------- proposals


def _authorize_proposals(compound) -> None:
    if not can(current_user, Ability.VOTE, compound):
        authorize(Ability.READ, compound)


def _proposals_page(compound, status=200, form=None):
    voter = owner_voter(current_user, compound)
    return render_template(
        "meetings/proposals.html", compound=compound, proposals=util.proposals_of(compound), voter=voter,
        form=form or ProposalForm(formdata=None), roll_headcount=_roll_headcount(compound),
    ), status


def _roll_headcount(compound) -> int:
    from ..registry.operations import roll_summary

    return roll_summary(compound).headcount


@bp.get("/compounds/<code>/proposals")
def proposals(code: str):
    compound = get_compound_or_404(code)
    _authorize_proposals(compound)
    return _proposals_page(compound)


@bp.post("/compounds/<code>/proposals")
@transaction
def submit_proposal(code: str):
    compound = get_compound_or_404(code)
    authorize(Ability.VOTE, compound)
    form = ProposalForm()
    if not form.validate_on_submit():
        flash_errors(form)
        return _proposals_page(compound, 400, form)
    proposal, refusal = attempt(lambda: operations.submit_proposal(
        compound, owner_voter(current_user, compound), title=form.title.data, body=form.body.data,
        actor=current_user))
    if refusal:
        return _proposals_page(compound, 400, form)
    flash(_("议题已提交，您已作为第一位联署业主。"), "success")
    return redirect(url_for("meetings.proposal", code=compound.code, proposal_id=proposal.id))


def _proposal_page(compound, proposal, status=200, comment_form=None, decision_form=None):
    voter = owner_voter(current_user, compound)
    return render_template(
        "meetings/proposal.html", compound=compound, proposal=proposal, voter=voter,
        support=operations.support_of(proposal, compound), supporters=util.supporter_names(proposal),
        has_supported=util.has_supported(proposal, voter), can_manage=can(current_user, Ability.MANAGE, compound),
        can_vote=voter is not None, comment_form=comment_form or CommentForm(formdata=None),
        decision_form=decision_form or DecisionForm(formdata=None), plain_form=PlainForm(),
        egm_citations=checks.EGM_CITATIONS,
    ), status


@bp.get("/compounds/<code>/proposals/<int:proposal_id>")
def proposal(code: str, proposal_id: int):
    compound = get_compound_or_404(code)
    _authorize_proposals(compound)
    proposal = util.load_proposal(compound, proposal_id)
    if proposal is None:
        abort(404)
    return _proposal_page(compound, proposal)


@bp.post("/compounds/<code>/proposals/<int:proposal_id>/support")
@transaction
def support_proposal(code: str, proposal_id: int):
    compound = get_compound_or_404(code)
    authorize(Ability.VOTE, compound)
    proposal = util.load_proposal(compound, proposal_id)
    if proposal is None:
        abort(404)
    if not PlainForm().validate_on_submit():
        abort(400)
    _result, refusal = attempt(lambda: operations.support_proposal(
        proposal, owner_voter(current_user, compound), actor=current_user))
    if refusal:
        return redirect(url_for("meetings.proposal", code=compound.code, proposal_id=proposal_id))
    flash(_("已联署支持该议题。"), "success")
    return redirect(url_for("meetings.proposal", code=compound.code, proposal_id=proposal_id))


@bp.post("/compounds/<code>/proposals/<int:proposal_id>/comments")
@transaction
def comment(code: str, proposal_id: int):
    compound = get_compound_or_404(code)
    is_committee = can(current_user, Ability.MANAGE, compound)
    if not is_committee:
        authorize(Ability.VOTE, compound)
    proposal = util.load_proposal(compound, proposal_id)
    if proposal is None:
        abort(404)
    form = CommentForm()
    if not form.validate_on_submit():
        flash_errors(form)
        return _proposal_page(compound, proposal, 400, comment_form=form)
    _result, refusal = attempt(lambda: operations.comment_on(
        proposal, body=form.body.data, actor=current_user, is_committee=is_committee))
    if refusal:
        return _proposal_page(compound, proposal, 400, comment_form=form)
    return redirect(url_for("meetings.proposal", code=compound.code, proposal_id=proposal_id) + "#discussion")


@bp.post("/compounds/<code>/proposals/<int:proposal_id>/decision")
@transaction
def decide_proposal(code: str, proposal_id: int):
    compound = get_compound_or_404(code)
    authorize(Ability.MANAGE, compound)
    proposal = util.load_proposal(compound, proposal_id)
    if proposal is None:
        abort(404)
    form = DecisionForm()
    if not form.validate_on_submit():
        flash_errors(form)
        return _proposal_page(compound, proposal, 400, decision_form=form)
    _result, refusal = attempt(lambda: operations.decide_proposal(
        proposal, compound, decision=form.decision.data, actor=current_user))
    if refusal:
        return _proposal_page(compound, util.load_proposal(compound, proposal_id), 400, decision_form=form)
    flash(_("答复已记录并在公示栏公告。"), "success")
    return redirect(url_for("meetings.proposal", code=compound.code, proposal_id=proposal_id))


# --------------------------------------------------------------------------- checklists


def _situation(compound) -> str:
    situation = request.args.get("situation") or util.default_situation(compound)
    if situation not in SITUATIONS:
        abort(404)
    return situation


@bp.get("/compounds/<code>/checklist")
def checklist(code: str):
    compound = get_compound_or_404(code)
    authorize(Ability.READ, compound)
    situation = _situation(compound)
    return render_template("meetings/checklist.html", compound=compound, situations=util.situations(),
                           checklist=util.checklist_context(compound, situation))


@bp.get("/compounds/<code>/checklist.pdf")
def checklist_pdf(code: str):
    compound = get_compound_or_404(code)
    authorize(Ability.READ, compound)
    situation = _situation(compound)
    pdf = render_pdf("checklist.html", **util.checklist_context(compound, situation))
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f"inline; filename=checklist-{compound.code}-{situation}.pdf"})
