"""Nominations, vetting and the candidate list. Operations fill models, flush and write
the audit log; they never commit. A refused operation raises :class:`NominationError`
with a message for the user and the request rolls back, so nothing is written."""
from __future__ import annotations

import os
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from .. import clock, uploads
from ..audit.operations import record
from ..extensions import db
from ..privacy import mask_name
from ..notices.operations import post_notice, supersede_notice
from ..notices.models import Notice
from ..registry.models import Compound, Owner, Voter
from ..storage import operations as storage
from . import rules, util
from .models import (
    CandidateList,
    Cosigner,
    EligibilityCheck,
    Nomination,
    NominationDocument,
    Objection,
    VettingRound,
)

STATEMENT_MAX = 2000
BIOGRAPHY_MAX = 500
FILE_KINDS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}


class NominationError(ValueError):
    pass


# --------------------------------------------------------------------------- procedure


def complete_procedure_action(compound: Compound, action: str, *, on: date, actor=None, note: str | None = None):
    """Complete the active procedure's step done by ``action`` ("nominations", "vetting",
    "candidate_list"). Returns the step, or None when the compound has no active procedure.
    A step the procedure refuses (a prerequisite or a legal date not met) refuses the whole
    operation with its reason.
    """
    from ..procedures.operations import ProcedureError, complete_action

    try:
        return complete_action(compound, action, on=on, actor=actor, note=note)
    except ProcedureError as error:
        raise NominationError(_("程序步骤未能完成：%(reason)s", reason=str(error))) from error


def start_procedure_action(compound: Compound, action: str, *, on: date, actor=None) -> None:
    """Mark the active procedure's step done by ``action`` in progress: its work has begun."""
    from ..procedures.operations import start_action

    start_action(compound, action, on=on, actor=actor)


# --------------------------------------------------------------------------- the list


def open_list(compound: Compound, *, seats: int | None, on: date, actor=None) -> CandidateList:
    """Start collecting nominations and post the candidate conditions and nomination method."""
    current = util.current_list(compound)
    if current is not None and current.state != "final":
        raise NominationError(_("本小区已有一轮推荐正在进行，不能重复开始。"))
    rule_set, settings = util.rules_of(compound)
    seats = settings["committee_seats_default"] if seats is None else seats
    smallest, largest = settings["committee_size_min"], settings["committee_size_max"]
    if not (smallest <= seats <= largest) or seats % 2 == 0:
        raise NominationError(_("委员名额应为 %(a)s 至 %(b)s 之间的单数。", a=smallest, b=largest))
    candidate_list = CandidateList(compound_id=compound.id, seats=seats, opened_on=on,
                                   opened_by_id=getattr(actor, "id", None))
    db.session.add(candidate_list)
    db.session.flush()
    conditions = rule_set.conditions_in_force(settings)
    # Notices are official documents: posted in Chinese whatever the organiser's page language.
    lines = [f"本届业主委员会委员名额：{seats} 名。", "", "候选人条件："]
    lines += [f"{index}. {condition.text_zh}" for index, condition in enumerate(conditions, 1)]
    lines += ["", f"推荐方式：本人自荐；业主联名推荐（不少于 {settings['joint_nomination_min_cosigners']} 名业主联名）；"
                  "社区党组织推荐；社区（居委会）推荐。"]
    notice = post_notice(compound, kind="nomination_notice", title=f"{compound.name}业主委员会候选人条件和推荐办法",
                         posted_on=on, body="\n".join(lines), citations=["GR art 31", "PMR art 16"],
                         source=("candidate_list", candidate_list.id), posted_by=actor)
    candidate_list.nomination_notice_id = notice.id
    start_procedure_action(compound, "nominations", on=on, actor=actor)
    record("candidate_list.open", candidate_list, compound_id=compound.id, actor=actor,
           after={"seats": seats, "opened_on": on})
    return candidate_list


def _require_list(compound: Compound, *states: str) -> CandidateList:
    candidate_list = util.current_list(compound)
    if candidate_list is None:
        raise NominationError(_("本小区尚未开始收集候选人推荐。"))
    if states and candidate_list.state not in states:
        messages = {
            "collecting": _("推荐已截止，不能再做此操作。"),
            "vetting": _("此操作只能在资格审查阶段进行。"),
            "posted": _("此操作只能在候选人名单公示期间进行。"),
        }
        raise NominationError(messages.get(states[0], _("当前阶段不能做此操作。")))
    return candidate_list


# --------------------------------------------------------------------------- nominating


def _person(compound: Compound, owner_id, what: str) -> Owner:
    owner = db.session.get(Owner, owner_id) if isinstance(owner_id, int) else None
    if owner is None or owner.compound_id != compound.id:
        raise NominationError(_("%(what)s不在本小区业主名册中，请从名册中选择。", what=what))
    return owner


def nominate(compound: Compound, *, channel: str, owner_id: int, statement: str, biography: str = "",
             is_party_member: bool = False, recommended_by: str | None = None,
             cosigner_owner_ids: list | tuple = (), is_paper_form: bool = True, entered_by=None,
             files: list[tuple[str, bytes]] | tuple = ()) -> Nomination:
    """Record a nomination through ``channel`` ("self", "joint", "party", "community").

    The nominee is an owner (person) on the roll. A joint nomination needs at least the
    rule set's number of co-signers, each a distinct voter of the compound other than the
    nominee. ``files`` are checked (type by content, size) before anything is written.
    """
    candidate_list = _require_list(compound, "collecting")
    _rule_set, settings = util.rules_of(compound)
    if channel not in rules.CHANNELS:
        raise NominationError(_("请选择推荐方式。"))
    owner = _person(compound, owner_id, _("被推荐人"))
    voter = owner.voter
    if voter.kind == "developer":
        raise NominationError(_("建设单位不能作为候选人。"))
    taken = db.session.scalar(select(Nomination).where(
        Nomination.candidate_list_id == candidate_list.id, Nomination.voter_id == voter.id,
        Nomination.withdrawn_on.is_(None)))
    if taken is not None:
        raise NominationError(_("%(name)s（%(units)s）已被推荐（%(channel)s），同一表决权人只能作为一名候选人。",
                                name=taken.nominee_name, units=taken.units_label, channel=_(taken.channel_label)))
    statement = (statement or "").strip()
    biography = (biography or "").strip()
    if not statement:
        raise NominationError(_("请填写参选陈述（推荐理由）。"))
    if len(statement) > STATEMENT_MAX:
        raise NominationError(_("参选陈述不能超过 %(n)s 字。", n=STATEMENT_MAX))
    if len(biography) > BIOGRAPHY_MAX:
        raise NominationError(_("个人简介不能超过 %(n)s 字。", n=BIOGRAPHY_MAX))
    recommended_by = (recommended_by or "").strip() or None
    if channel in rules.ORGANISATION_CHANNELS and not recommended_by:
        raise NominationError(_("请填写推荐组织的名称。"))
    cosigners = check_cosigners(compound, voter, cosigner_owner_ids, settings["joint_nomination_min_cosigners"]) \
        if channel == "joint" else []
    if channel != "joint" and cosigner_owner_ids:
        raise NominationError(_("只有业主联名推荐需要填写联名业主。"))
    checked_files = check_files(files)

    nomination = Nomination(
        candidate_list_id=candidate_list.id, compound_id=compound.id, voter_id=voter.id, nominee_name=owner.name,
        units_label=util.units_label(voter), channel=channel,
        recommended_by=recommended_by if channel in rules.ORGANISATION_CHANNELS else None,
        is_paper_form=is_paper_form, is_party_member=bool(is_party_member), statement=statement,
        biography=biography, entered_by_id=getattr(entered_by, "id", None), entered_at=clock.utcnow(),
    )
    nomination.cosigners = [Cosigner(voter_id=person.voter_id, name=person.name,
                                     units_label=util.units_label(person.voter)) for person in cosigners]
    db.session.add(nomination)
    db.session.flush()
    # The nominee was picked from the roll: the first national condition is met by construction.
    db.session.add(EligibilityCheck(nomination_id=nomination.id, condition_key="is_owner", status=rules.MET,
                                    note=f"已与业主名册核对：{nomination.units_label}",
                                    reviewed_by_id=getattr(entered_by, "id", None)))
    _store_files(nomination, checked_files, entered_by)
    record("nomination.create", nomination, compound_id=compound.id, actor=entered_by, after={
        "nominee": nomination.nominee_name, "voter_id": voter.id, "channel": channel,
        "recommended_by": nomination.recommended_by, "is_paper_form": is_paper_form,
        "is_party_member": nomination.is_party_member,
        "cosigners": [{"voter_id": c.voter_id, "name": c.name} for c in nomination.cosigners],
        "documents": [name for name, _data, _kind in checked_files],
    })
    return nomination


def self_nominate(compound: Compound, user, *, owner_id: int | None, statement: str, biography: str = "",
                  is_party_member: bool = False, files=()) -> Nomination:
    """An owner nominates themselves (or one of the co-owners of their own voter record)."""
    from ..policy import owner_voter

    voter = owner_voter(user, compound)
    if voter is None:
        raise NominationError(_("您的账号没有关联本小区的业主记录。"))
    owners = voter.owners
    if owner_id is None and len(owners) == 1:
        owner_id = owners[0].id
    if owner_id not in {owner.id for owner in owners}:
        raise NominationError(_("只能推荐您本人（您的业主记录中的姓名）。"))
    return nominate(compound, channel="self", owner_id=owner_id, statement=statement, biography=biography,
                    is_party_member=is_party_member, is_paper_form=False, entered_by=user, files=files)


def check_cosigners(compound: Compound, nominee_voter: Voter, owner_ids, minimum: int) -> list[Owner]:
    """The co-signers as owners of distinct voters; refuses unknown people, the same voter
    twice, the nominee, and fewer than ``minimum``."""
    people: list[Owner] = []
    seen: dict[int, Owner] = {}
    for position, owner_id in enumerate(owner_ids, 1):
        if not isinstance(owner_id, int):
            raise NominationError(_("第 %(n)s 位联名业主不在本小区业主名册中，请从名册中选择。", n=position))
        owner = _person(compound, owner_id, _("第 %(n)s 位联名业主", n=position))
        if owner.voter_id == nominee_voter.id:
            raise NominationError(_("被推荐人本人（%(name)s）不能作为联名业主。", name=owner.name))
        if owner.voter.kind == "developer":
            raise NominationError(_("建设单位不能作为联名业主。"))
        if owner.voter_id in seen:
            first = seen[owner.voter_id]
            raise NominationError(_("“%(a)s”和“%(b)s”是同一表决权人（%(units)s），联名时只能计一人。",
                                    a=first.name, b=owner.name, units=util.units_label(owner.voter)))
        seen[owner.voter_id] = owner
        people.append(owner)
    if len(people) < minimum:
        raise NominationError(_("联名业主 %(n)s 人，少于规则要求的 %(m)s 人。", n=len(people), m=minimum))
    return people


# --------------------------------------------------------------------------- documents


def check_files(files) -> list[tuple[str, bytes, str]]:
    limit = current_app.config.get("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
    checked = []
    for filename, data in files:
        name = os.path.basename((filename or "").replace("\\", "/"))[:200] or "document"
        if not data:
            raise NominationError(_("文件“%(name)s”是空的。", name=name))
        if len(data) > limit:
            raise NominationError(_("文件“%(name)s”超过 %(mb)s MB 的上限。", name=name, mb=limit // (1024 * 1024)))
        kind = uploads.sniff(data)
        if kind is None:
            raise NominationError(_("文件“%(name)s”不是 PDF、JPEG 或 PNG 文件。", name=name))
        checked.append((name, data, kind.content_type))
    return checked


def _store_files(nomination: Nomination, checked, actor) -> list[NominationDocument]:
    documents = []
    if not checked:
        return documents
    for name, data, kind in checked:
        stored = storage.store(data, filename=name, content_type=kind, purpose="nominations.document",
                               created_by=getattr(actor, "username", None))
        document = NominationDocument(nomination_id=nomination.id, filename=name, stored_file_id=stored.id,
                                      content_type=kind, size=len(data), uploaded_by_id=getattr(actor, "id", None))
        db.session.add(document)
        documents.append(document)
    db.session.flush()
    return documents


def add_documents(nomination: Nomination, files, actor=None) -> list[NominationDocument]:
    if nomination.candidate_list.state == "final":
        raise NominationError(_("候选人名单已确定，不能再添加材料。"))
    checked = check_files(files)
    if not checked:
        raise NominationError(_("请选择要上传的文件。"))
    documents = _store_files(nomination, checked, actor)
    record("nomination.documents", nomination, compound_id=nomination.compound_id, actor=actor,
           after={"documents": [d.filename for d in documents]})
    return documents


def document_file(document: NominationDocument):
    """The stored bytes of ``document`` (a StoredFile)."""
    return storage.get(document.stored_file_id)


# --------------------------------------------------------------------------- vetting


def record_checks(nomination: Nomination, marks: dict[str, tuple[str, str]], reviewer=None, *,
                  all_met: bool = False) -> None:
    """Record the vetting marks ``{condition key: (status, note)}`` for one candidate.

    Only the conditions in force may be marked; a mark of "not met" or "not applicable"
    needs a note saying why. With ``all_met`` ("全部符合"), every condition in force that
    ``marks`` leaves without a status is recorded as met, one check per item exactly as if
    each had been answered; a status given in ``marks`` is an exception and always wins.
    """
    if nomination.candidate_list.state not in ("collecting", "vetting") or nomination.candidate_list.vetted_on:
        raise NominationError(_("资格审查已结束，不能再修改审查结果。"))
    if nomination.is_withdrawn:
        raise NominationError(_("该推荐已撤回。"))
    compound = db.session.get(Compound, nomination.compound_id)
    conditions = {condition.key: condition for condition in util.conditions(compound)}
    existing = {check.condition_key: check for check in nomination.checks}
    if all_met:
        marks = dict(marks)
        for key in conditions:
            status, note = marks.get(key, ("", ""))
            if not status:
                check = existing.get(key)
                kept = check.note if check is not None and check.status == rules.MET and not note else note
                marks[key] = (rules.MET, kept)
    changed = {}
    for key, (status, note) in marks.items():
        if key not in conditions:
            raise NominationError(_("未知的审查项目：%(key)s", key=key))
        if not status:
            continue
        if status not in rules.CHECK_STATUSES:
            raise NominationError(_("审查结果无效：%(status)s", status=status))
        note = (note or "").strip()
        if status != rules.MET and not note:
            raise NominationError(_("“%(item)s”标为%(status)s时须写明理由。", item=conditions[key].text_zh,
                                    status=_(util.check_label(status))))
        check = existing.get(key)
        if check is not None and check.status == status and check.note == note:
            continue
        before = {"status": check.status, "note": check.note} if check else None
        if check is None:
            check = EligibilityCheck(nomination_id=nomination.id, condition_key=key)
            db.session.add(check)
            nomination.checks.append(check)
        check.status, check.note = status, note
        check.reviewed_by_id = getattr(reviewer, "id", None)
        check.reviewed_at = clock.utcnow()
        changed[key] = {"before": before, "after": {"status": status, "note": note}}
    db.session.flush()
    if changed:
        after = {"nominee": nomination.nominee_name, "items": changed}
        if all_met:
            after["all_met_except"] = sorted(key for key, (status, _note) in marks.items() if status != rules.MET)
        record("nomination.vet", nomination, compound_id=nomination.compound_id, actor=reviewer, after=after)


def record_round(compound: Compound, *, vetted_on: date, reviewers: str, note: str = "", actor=None) -> VettingRound:
    """Record one review round (初审/复审/联审) with who vetted and when."""
    candidate_list = _require_list(compound, "collecting", "vetting")
    if candidate_list.vetted_on:
        raise NominationError(_("资格审查已结束。"))
    reviewers = (reviewers or "").strip()
    if not reviewers:
        raise NominationError(_("请填写审查人或审查单位。"))
    if vetted_on is None or vetted_on > clock.today():
        raise NominationError(_("审查日期不能晚于今天。"))
    if vetted_on < candidate_list.opened_on:
        raise NominationError(_("审查日期不能早于开始推荐的日期。"))
    number = len(candidate_list.rounds) + 1
    vetting_round = VettingRound(candidate_list_id=candidate_list.id, number=number, vetted_on=vetted_on,
                                 reviewers=reviewers[:255], note=(note or "").strip(),
                                 recorded_by_id=getattr(actor, "id", None))
    db.session.add(vetting_round)
    candidate_list.rounds.append(vetting_round)
    db.session.flush()
    record("candidate_list.vetting_round", vetting_round, compound_id=compound.id, actor=actor,
           after={"number": number, "vetted_on": vetted_on, "reviewers": vetting_round.reviewers,
                  "note": vetting_round.note})
    return vetting_round


def close_nominations(compound: Compound, *, on: date, actor=None) -> CandidateList:
    """Stop collecting nominations; completes the procedure's "nominations" step."""
    candidate_list = _require_list(compound, "collecting")
    if not util.active_nominations(candidate_list):
        raise NominationError(_("还没有任何推荐，不能截止。"))
    complete_procedure_action(compound, "nominations", on=on, actor=actor,
                              note=f"推荐截止，共 {len(util.active_nominations(candidate_list))} 人被推荐。")
    candidate_list.closed_on = on
    candidate_list.closed_by_id = getattr(actor, "id", None)
    db.session.flush()
    record("candidate_list.close", candidate_list, compound_id=compound.id, actor=actor, after={"closed_on": on})
    start_procedure_action(compound, "vetting", on=on, actor=actor)
    return candidate_list


def reopen_refusal(candidate_list: CandidateList | None) -> str | None:
    """None when closed nominations may be reopened, else why not.

    Lawful while the vetting has not ended: no candidate list has been posted or finalised, so no
    publicity or objection period has started and no owner relied on a list (GR art 31 sets no
    period for collecting nominations; the legal periods run to the meeting date, not from the close).
    """
    if candidate_list is None:
        return _("本小区尚未开始收集候选人推荐。")
    if candidate_list.closed_on is None:
        return _("推荐尚未截止，无需重新开放。")
    if candidate_list.vetted_on is not None or candidate_list.posted_on is not None or candidate_list.finalised_at:
        return _("资格审查已结束或候选人名单已公示，推荐不能再重新开放。")
    return None


def reopen_nominations(compound: Compound, *, on: date, actor=None) -> CandidateList:
    """Undo closing the nominations while the vetting has not ended (see :func:`reopen_refusal`):
    nominations are collected again and the procedure's "nominations" step is in progress again."""
    from ..procedures.operations import ProcedureError, undo_action

    candidate_list = util.current_list(compound)
    refusal = reopen_refusal(candidate_list)
    if refusal:
        raise NominationError(refusal)
    closed_on = candidate_list.closed_on
    try:
        undo_action(compound, "nominations", actor=actor, reason="nominations reopened")
    except ProcedureError as error:
        raise NominationError(_("程序步骤不能撤销：%(reason)s", reason=str(error))) from error
    candidate_list.closed_on = None
    candidate_list.closed_by_id = None
    db.session.flush()
    record("candidate_list.reopen", candidate_list, compound_id=compound.id, actor=actor,
           before={"closed_on": closed_on}, after={"closed_on": None, "reopened_on": on})
    return candidate_list


def finish_vetting(compound: Compound, *, on: date, actor=None) -> CandidateList:
    """End the vetting: every candidate decided, at least one round recorded; completes "vetting"."""
    candidate_list = _require_list(compound, "vetting")
    if candidate_list.vetted_on:
        raise NominationError(_("资格审查已结束。"))
    if not candidate_list.rounds:
        raise NominationError(_("请先记录至少一轮资格审查（审查人和日期）。"))
    conditions = util.conditions(compound)
    for nomination in util.active_nominations(candidate_list):
        decision = util.decision(nomination, conditions)
        if not decision.is_complete:
            titles = "、".join(util.condition_text(conditions, key) for key in decision.pending)
            raise NominationError(_("%(name)s 还有未审查的项目：%(items)s", name=nomination.nominee_name,
                                    items=titles))
    eligible = util.candidates(candidate_list, conditions)
    if not eligible:
        raise NominationError(_("没有符合条件的候选人，不能结束资格审查。"))
    complete_procedure_action(compound, "vetting", on=on, actor=actor,
                              note=f"资格审查 {len(candidate_list.rounds)} 轮，{len(eligible)} 人符合条件。")
    candidate_list.vetted_on = on
    candidate_list.vetted_by_id = getattr(actor, "id", None)
    db.session.flush()
    record("candidate_list.vetted", candidate_list, compound_id=compound.id, actor=actor,
           after={"vetted_on": on, "eligible": [n.nominee_name for n in eligible]})
    return candidate_list


# --------------------------------------------------------------------------- the notice


def _list_pdf(compound: Compound, candidate_list: CandidateList) -> bytes:
    from flask import has_request_context

    from ..pdf import render_pdf

    context = util.candidate_list_context(compound, candidate_list, public=True)  # posted on the board
    if has_request_context():
        return render_pdf("candidate_list.html", **context)
    # From the CLI or a seeder: the app's template context processors expect a request.
    with current_app.test_request_context():
        return render_pdf("candidate_list.html", **context)


def post_list(compound: Compound, *, on: date, actor=None) -> Notice:
    """Post the candidate list notice with its objection period (CC arts 201-203: from the day after
    posting, extended past a statutory rest day)."""
    candidate_list = _require_list(compound, "vetting")
    if not candidate_list.vetted_on:
        raise NominationError(_("资格审查尚未结束，不能公示候选人名单。"))
    if on < candidate_list.vetted_on:
        raise NominationError(_("公示日期不能早于资格审查结束日期。"))
    if not util.candidates(candidate_list, util.conditions(compound)):
        raise NominationError(_("名单上没有候选人，不能公示。"))
    vetting = util.procedure_step(compound, "vetting")
    if vetting is not None and vetting["state"] not in ("done", "waived"):
        raise NominationError(_("资格审查步骤（%(step)s）尚未完成或尚待街道办事处签核，暂不能公示候选人名单。",
                                step=vetting["title"]))
    _rule_set, settings = util.rules_of(compound)
    candidate_list.posted_on = on
    candidate_list.objection_ends_on = rules.period_end(on, settings["objection_period_days"])
    db.session.flush()
    notice = post_notice(
        compound, kind="candidate_list", title=f"{compound.name}业主委员会候选人名单公示",
        posted_on=on, body=util.notice_body(compound, candidate_list),
        publicity_days=settings["candidate_publicity_days"], citations=["GR art 31", "SC practice"],
        source=("candidate_list", candidate_list.id), pdf=_list_pdf(compound, candidate_list), posted_by=actor)
    candidate_list.notice_id = notice.id
    start_procedure_action(compound, "candidate_list", on=on, actor=actor)
    db.session.flush()
    record("candidate_list.post", candidate_list, compound_id=compound.id, actor=actor,
           after={"posted_on": on, "objection_ends_on": candidate_list.objection_ends_on, "notice_id": notice.id})
    return notice


def _repost(compound: Compound, candidate_list: CandidateList, reason: str, on: date, actor) -> None:
    """Replace the list's current notice (the final list once there is one) after a change."""
    is_final = candidate_list.final_notice_id is not None
    old = db.session.get(Notice, candidate_list.final_notice_id if is_final else candidate_list.notice_id)
    if old is None or not old.is_current:
        return
    body = util.final_notice_body(compound, candidate_list) if is_final else util.notice_body(compound, candidate_list)
    notice = supersede_notice(
        old, reason=reason, posted_by=actor, title=old.title, posted_on=on, body=body,
        publicity_ends_on=old.publicity_ends_on, citations=list(old.citations),
        pdf=_list_pdf(compound, candidate_list))
    if is_final:
        candidate_list.final_notice_id = notice.id
    else:
        candidate_list.notice_id = notice.id
    db.session.flush()


# --------------------------------------------------------------------------- objections


def lodge_objection(compound: Compound, user, *, nomination_id: int | None, text: str, on: date) -> Objection:
    """An owner objects to the posted list (or one candidate on it) within the period."""
    from ..policy import owner_voter

    candidate_list = _require_list(compound, "posted")
    voter = owner_voter(user, compound)
    if voter is None:
        raise NominationError(_("您的账号没有关联本小区的业主记录。"))
    if not rules.objection_open(candidate_list.posted_on, candidate_list.objection_ends_on, on):
        raise NominationError(_("异议期为 %(a)s 至 %(b)s，现在不能提出异议。", a=candidate_list.posted_on,
                                b=candidate_list.objection_ends_on))
    nomination = None
    if nomination_id:
        nomination = db.session.get(Nomination, nomination_id)
        if nomination is None or nomination.candidate_list_id != candidate_list.id:
            raise NominationError(_("请选择名单上的候选人。"))
    text = (text or "").strip()
    if not text:
        raise NominationError(_("请写明异议的内容和理由。"))
    if len(text) > STATEMENT_MAX:
        raise NominationError(_("异议内容不能超过 %(n)s 字。", n=STATEMENT_MAX))
    objection = Objection(candidate_list_id=candidate_list.id, nomination_id=getattr(nomination, "id", None),
                          voter_id=voter.id, text=text, lodged_on=on, lodged_by_id=getattr(user, "id", None))
    db.session.add(objection)
    candidate_list.objections.append(objection)
    db.session.flush()
    record("candidate_list.objection", objection, compound_id=compound.id, actor=user,
           after={"voter_id": voter.id, "nomination_id": objection.nomination_id, "text": text, "lodged_on": on})
    return objection


def answer_objection(objection: Objection, *, answer: str, is_upheld: bool, actor=None) -> Objection:
    candidate_list = db.session.get(CandidateList, objection.candidate_list_id)
    if candidate_list.state == "final":
        raise NominationError(_("候选人名单已确定。"))
    if objection.is_answered:
        raise NominationError(_("该异议已经答复。"))
    answer = (answer or "").strip()
    if not answer:
        raise NominationError(_("请填写答复内容。"))
    objection.answer = answer
    objection.is_upheld = bool(is_upheld)
    objection.answered_at = clock.utcnow()
    objection.answered_by_id = getattr(actor, "id", None)
    db.session.flush()
    record("candidate_list.objection_answer", objection, compound_id=candidate_list.compound_id, actor=actor,
           after={"answer": answer, "is_upheld": objection.is_upheld})
    return objection


# --------------------------------------------------------------------------- withdrawal, finalising


def withdraw(nomination: Nomination, *, reason: str, on: date, actor=None) -> Nomination:
    """Withdraw a nomination before the vote, with its reason. A posted list is re-posted."""
    if nomination.is_withdrawn:
        raise NominationError(_("该推荐已经撤回。"))
    reason = (reason or "").strip()
    if not reason:
        raise NominationError(_("请写明撤回的理由。"))
    nomination.withdrawn_on = on
    nomination.withdrawn_reason = reason
    nomination.withdrawn_by_id = getattr(actor, "id", None)
    db.session.flush()
    candidate_list = nomination.candidate_list
    record("nomination.withdraw", nomination, compound_id=nomination.compound_id, actor=actor,
           after={"nominee": nomination.nominee_name, "reason": reason, "withdrawn_on": on,
                  "list_state": candidate_list.state})
    if candidate_list.notice_id is not None or candidate_list.final_notice_id is not None:
        compound = db.session.get(Compound, nomination.compound_id)
        # the reason shows on the public board: the name is masked (PIPL)
        _repost(compound, candidate_list, f"候选人{mask_name(nomination.nominee_name)}退出：{reason}", on, actor)
    return nomination


def finalise(compound: Compound, *, on: date, actor=None) -> CandidateList:
    """Fix the candidate list once the objection period is over and every objection is answered;
    completes the procedure's "candidate_list" step."""
    candidate_list = _require_list(compound, "posted")
    if not rules.period_over(candidate_list.objection_ends_on, on):
        raise NominationError(_("异议期至 %(d)s 24时止，尚未届满，不能确定名单。", d=candidate_list.objection_ends_on))
    unanswered = [o for o in candidate_list.objections if not o.is_answered]
    if unanswered:
        raise NominationError(_("还有 %(n)s 条异议未答复，不能确定名单。", n=len(unanswered)))
    if not util.candidates(candidate_list, util.conditions(compound)):
        raise NominationError(_("名单上没有候选人，不能确定。"))
    complete_procedure_action(compound, "candidate_list", on=on, actor=actor, note="候选人名单已确定。")
    candidate_list.finalised_on = on
    candidate_list.finalised_at = clock.utcnow()
    candidate_list.finalised_by_id = getattr(actor, "id", None)
    db.session.flush()
    # The last of the "three publications": the final list, for every owner to see before the vote.
    final = post_notice(compound, kind="candidate_list", title=f"{compound.name}业主委员会候选人正式名单",
                        posted_on=on, body=util.final_notice_body(compound, candidate_list),
                        citations=["GR art 31", "SC practice"], source=("candidate_list", candidate_list.id),
                        pdf=_list_pdf(compound, candidate_list), posted_by=actor)
    candidate_list.final_notice_id = final.id
    db.session.flush()
    record("candidate_list.finalise", candidate_list, compound_id=compound.id, actor=actor, after={
        "finalised_on": on,
        "candidates": [n.nominee_name for n in util.candidates(candidate_list, util.conditions(compound))]})
    return candidate_list

