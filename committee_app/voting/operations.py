"""Voting operations: votes and their life cycle, codes, ballots, paper entries, the
count and the result notice. They flush and audit; they never commit.
"""
from __future__ import annotations

import functools
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import (Boolean, DateTime, Integer, String, bindparam, delete, exists, func, insert, literal, select,
                        update)

from .. import clock, uploads
from ..audit.operations import record
from ..extensions import db
from ..registry.models import Building, Compound, Unit, Voter
from ..registry.util import version_unit_voters, version_voter_ids
from ..rules import get_rule_set
from ..storage import operations as storage
from . import integration, law
from .audit_content import ballot_digests
from .ballotfile import BallotError, parse_ballot_file
from .models import (CHOICES, Ballot, BallotChoice, Candidate, LetterBatch, PaperEntry, Vote,
                     VoteStateError, VotingCode)
from .tally import tally

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed from paper


class VotingError(ValueError):
    """A refused voting operation; the message is shown to the user as it is."""


class AlreadyVoted(VotingError):
    """The voter has a ballot in this vote (or the code was used)."""


class PaperRejected(VotingError):
    def __init__(self, errors: list[BallotError]):
        super().__init__(_("选票文件有 %(count)s 处错误，未导入任何选票。", count=len(errors)))
        self.errors = errors


# --------------------------------------------------------------------------- votes


def _check_times(opens_at: datetime | None, closes_at: datetime | None) -> None:
    if opens_at and closes_at and closes_at <= opens_at:
        raise VotingError(_("截止时间必须晚于开始时间。"))


def compound_settings(compound: Compound) -> dict:
    return _settings(compound)[1]


def _settings(compound: Compound) -> tuple:
    rule_set = get_rule_set(compound.rule_set)
    return rule_set, rule_set.effective_settings(compound.setting_overrides or {})


def _first_day(meeting_on: date | None, opens_at: datetime | None, closes_at: datetime | None) -> date | None:
    """The earliest local day any part of the vote falls on (its meeting date or its times)."""
    days = [meeting_on] if meeting_on else []
    days += [clock.to_local(moment).date() for moment in (opens_at, closes_at) if moment]
    return min(days, default=None)


def check_notice_period(compound: Compound, first_on: date, *, opening: bool) -> None:
    """Refuse a vote any part of which falls inside the general meeting notice period (PMR art 14).

    With the notice posted, the vote may start on ``law.earliest_vote_on(posted)``; before it is
    posted (creating or editing a draft) the earliest is counted from today, the first day it
    could go up. Opening needs the notice posted. Every general meeting vote is gated, inside a
    procedure or not; a procedure's own gate (its notice step, the announced meeting date) also
    applies at opening.
    """
    if opening:
        reason = integration.vote_gate(compound, first_on)
        if reason:
            raise VotingError(_("不能开始投票：%(reason)s", reason=reason))
    _rule_set, settings = _settings(compound)
    posted_on = integration.meeting_notice_posted_on(compound)
    days = law.notice_days(settings)
    if posted_on is None:
        if opening:
            raise VotingError(_("不能开始投票：尚未张贴业主大会会议通知；会议通知须在投票开始至少 %(days)s 日前发出"
                                "（依据：PMR art 14）。", days=days))
        earliest = law.earliest_vote_on(clock.today(), settings)
        if first_on < earliest:
            raise VotingError(_("会议通知尚未张贴；即使今天张贴，投票最早也只能于 %(earliest)s 开始（通知须提前至少 %(days)s 日，"
                                "依据：PMR art 14）；%(first)s 落在通知期内。",
                                earliest=earliest.isoformat(), days=days, first=first_on.isoformat()))
        return
    earliest = law.earliest_vote_on(posted_on, settings)
    if first_on < earliest:
        raise VotingError(_("会议通知于 %(posted)s 张贴，投票最早可于 %(earliest)s 开始（通知须提前至少 %(days)s 日，"
                            "依据：PMR art 14）；%(first)s 落在通知期内。", posted=posted_on.isoformat(),
                            earliest=earliest.isoformat(), days=days, first=first_on.isoformat()))


def post_meeting_notice(vote: Vote, compound: Compound, *, posted_on: date | None = None, actor=None):
    """Post the general meeting notice for a vote held outside a procedure (PMR art 14) on the
    compound's board. ``posted_on`` records a paper notice that went up earlier (never a future
    day; the entry's own time is kept beside it and audited). In a procedure the notice is the
    procedure's meeting notice step."""
    from ..notices.operations import NoticeError, post_notice

    if vote.state != "draft":
        raise VotingError(_("投票已开始，会议通知应在投票开始前张贴。"))
    if integration.in_procedure(compound):
        raise VotingError(_("本小区正在进行成立或换届程序：会议通知请在程序的“会议通知”步骤中发出。"))
    today = clock.today()
    posted_on = posted_on or today
    if posted_on > today:
        raise VotingError(_("张贴日期不能晚于今天。"))
    _rule_set, settings = _settings(compound)
    earliest = law.earliest_vote_on(posted_on, settings)
    # the notice is a public document kept as posted, in Chinese whatever the page's language
    when = []
    if vote.meeting_on:
        when.append(f"会议日期：{vote.meeting_on.isoformat()}")
    if vote.opens_at:
        closes = clock.to_local(vote.closes_at).strftime("%Y-%m-%d %H:%M") if vote.closes_at else "—"
        when.append(f"投票时间：{clock.to_local(vote.opens_at).strftime('%Y-%m-%d %H:%M')} 至 {closes}")
    body = f"定于 {earliest.isoformat()} 或之后召开业主大会会议，表决：{vote.title}。" + "；".join(when)
    try:
        notice = post_notice(compound, kind="meeting_notice", title=f"关于召开业主大会会议的通知（{vote.title}）",
                             posted_on=posted_on, body=body, citations=["PMR art 14"], source=("vote", vote.id),
                             posted_by=actor if hasattr(actor, "id") else None)
    except NoticeError as error:
        raise VotingError(str(error)) from None
    record("vote.meeting_notice", vote, compound_id=vote.compound_id, actor=actor,
           after={"notice": notice.id, "posted_on": posted_on, "entered_on": today, "earliest_vote_on": earliest})
    return notice


def create_election(compound: Compound, *, title: str, seats: int, candidates: list[str] | None = None,
                    meeting_on: date | None = None, opens_at: datetime | None = None,
                    closes_at: datetime | None = None, description: str = "", is_by_election: bool = False,
                    actor=None) -> Vote:
    title = (title or "").strip()
    if not title:
        raise VotingError(_("表决标题不能为空。"))
    _rule_set, settings = _settings(compound)
    try:
        law.check_seats(settings, seats, is_by_election=is_by_election)
    except law.LawError as error:
        raise VotingError(str(error)) from None
    _check_times(opens_at, closes_at)
    first_on = _first_day(meeting_on, opens_at, closes_at)
    if first_on is not None:
        check_notice_period(compound, first_on, opening=False)
    vote = Vote(compound_id=compound.id, kind="election", subject="committee", matter="ordinary", title=title,
                seats=seats, meeting_on=meeting_on, opens_at=opens_at, closes_at=closes_at,
                description=description or "", state="draft", is_by_election=bool(is_by_election),
                created_by_id=getattr(actor, "id", None))
    db.session.add(vote)
    db.session.flush()
    record("vote.create", vote, compound_id=compound.id, actor=actor,
           after={"kind": "election", "title": title, "seats": seats, "by_election": bool(is_by_election)})
    for name in candidates or []:
        add_candidate(vote, name=name, actor=actor)
    return vote


def motion_matter(compound: Compound, subject: str, requested: str | None = None) -> law.MatterBasis:
    """The matter a motion on ``subject`` carries in ``compound`` (CC art 278), checked against a
    ``requested`` matter; raises :class:`VotingError` with the citation when they disagree."""
    rule_set, settings = _settings(compound)
    try:
        basis = law.matter_basis(rule_set, settings, subject)
        law.check_matter(basis, requested)
    except law.LawError as error:
        raise VotingError(str(error)) from None
    return basis


def create_motion(compound: Compound, *, title: str, subject: str, matter: str | None = None,
                  meeting_on: date | None = None, opens_at: datetime | None = None,
                  closes_at: datetime | None = None, description: str = "", actor=None) -> Vote:
    """A motion on ``subject``; its matter follows the subject (``matter``, when given, must agree)."""
    title = (title or "").strip()
    if not title:
        raise VotingError(_("表决标题不能为空。"))
    if subject == "committee":
        raise VotingError(_("选举业主委员会请新建选举，而不是事项表决。"))
    basis = motion_matter(compound, subject, matter)
    _check_times(opens_at, closes_at)
    first_on = _first_day(meeting_on, opens_at, closes_at)
    if first_on is not None:
        check_notice_period(compound, first_on, opening=False)
    vote = Vote(compound_id=compound.id, kind="motion", subject=subject, matter=basis.matter, title=title,
                meeting_on=meeting_on, opens_at=opens_at, closes_at=closes_at, description=description or "",
                state="draft", created_by_id=getattr(actor, "id", None))
    db.session.add(vote)
    db.session.flush()
    record("vote.create", vote, compound_id=compound.id, actor=actor,
           after={"kind": "motion", "title": title, "matter": basis.matter, "subject": subject,
                  "matter_reason": basis.reason()})
    return vote


def _finalised_list_rules(vote: Vote) -> bool:
    """In a formation or re-election procedure the ballot carries only the finalised candidate list."""
    compound = db.session.get(Compound, vote.compound_id)
    return integration.in_procedure(compound) and integration.finalised_candidates(compound) is not None


def add_candidate(vote: Vote, *, name: str, statement: str = "", biography: str = "", voter_id: int | None = None,
                  nomination_id: int | None = None, is_party_member: bool = False, actor=None) -> Candidate:
    if vote.kind != "election":
        raise VotingError(_("只有选举才有候选人。"))
    if vote.state != "draft":
        raise VotingError(_("投票开始后不能再修改候选人。"))
    name = (name or "").strip()
    if not name:
        raise VotingError(_("候选人姓名不能为空。"))
    if nomination_id is None and _finalised_list_rules(vote):
        raise VotingError(_("本小区正在进行选举程序：选票上的候选人只能来自经公示确定的候选人名单，不能手工添加"
                            "（依据：GR art 12、GR art 31）。请使用“按确定的名单添加”。"))
    if db.session.scalar(select(Candidate.id).where(Candidate.vote_id == vote.id, Candidate.name == name)):
        raise VotingError(_("候选人 %(name)s 已在名单中。", name=name))
    position = db.session.scalar(select(func.count(Candidate.id)).where(Candidate.vote_id == vote.id)) or 0
    candidate = Candidate(vote_id=vote.id, name=name, statement=statement or "", biography=biography or "",
                          voter_id=voter_id, nomination_id=nomination_id, is_party_member=is_party_member,
                          position=position + 1)
    db.session.add(candidate)
    db.session.flush()
    record("vote.candidate_add", candidate, compound_id=vote.compound_id, actor=actor,
           after={"vote": vote.id, "name": name, "nomination": nomination_id})
    return candidate


def remove_candidate(vote: Vote, candidate: Candidate, *, actor=None) -> None:
    if vote.state != "draft":
        raise VotingError(_("投票开始后不能再修改候选人。"))
    record("vote.candidate_remove", candidate, compound_id=vote.compound_id, actor=actor,
           before={"vote": vote.id, "name": candidate.name})
    db.session.delete(candidate)
    db.session.flush()


def add_finalised_candidates(vote: Vote, compound: Compound, *, actor=None) -> int:
    """Add the nominations' finalised list (those not already on the ballot)."""
    finalised = integration.finalised_candidates(compound)
    if finalised is None:
        raise VotingError(_("提名功能尚未启用，请手动添加候选人。"))
    if not finalised:
        raise VotingError(_("候选人名单尚未确定：名单公示期满、异议处理完毕并确定后才能导入。"))
    existing = set(db.session.scalars(select(Candidate.name).where(Candidate.vote_id == vote.id)))
    added = 0
    for item in finalised:
        if item.name in existing:
            continue
        add_candidate(vote, name=item.name, statement=item.statement or "", biography=item.biography or "",
                      voter_id=item.voter_id, nomination_id=item.nomination_id,
                      is_party_member=bool(item.is_party_member), actor=actor)
        added += 1
    return added


def set_times(vote: Vote, *, opens_at: datetime | None, closes_at: datetime | None, actor=None) -> None:
    """Plan the vote's times while it is a draft; refused inside the notice period (PMR art 14).
    Once the vote has opened its announced times stand."""
    if vote.state != "draft":
        raise VotingError(_("投票已开始，公告的投票时间不能再更改（提前截止请写明理由）。"))
    _check_times(opens_at, closes_at)
    first_on = _first_day(vote.meeting_on, opens_at, closes_at)
    if first_on is not None:
        check_notice_period(db.session.get(Compound, vote.compound_id), first_on, opening=False)
    before = {"opens_at": vote.opens_at, "closes_at": vote.closes_at}
    vote.opens_at, vote.closes_at = opens_at, closes_at
    db.session.flush()
    record("vote.times", vote, compound_id=vote.compound_id, actor=actor, before=before,
           after={"opens_at": opens_at, "closes_at": closes_at})


def open_vote(vote: Vote, compound: Compound, *, at: datetime | None = None, actor=None,
              enforce_gate: bool = True) -> None:
    """Open a draft vote. ``at`` (naive UTC, not in the past) plans its start when none is planned.

    Refused while any part of it would fall inside the meeting notice period (PMR art 14) and,
    in a procedure, before the procedure's meeting notice step allows it. ``enforce_gate=False``
    is for the demo seeder and tests that build past votes.
    """
    if vote.kind == "election":
        count = db.session.scalar(select(func.count(Candidate.id)).where(Candidate.vote_id == vote.id))
        if not count:
            raise VotingError(_("选举没有候选人，不能开始投票。"))
    now = clock.utcnow()
    if at is not None:
        if vote.state == "draft" and vote.opens_at is not None and at != vote.opens_at:
            raise VotingError(_("本表决已公告开始时间 %(opens)s，不能以其他时间开始。",
                                opens=clock.to_local(vote.opens_at).strftime("%Y-%m-%d %H:%M")))
        if at < now.replace(second=0, microsecond=0):
            raise VotingError(_("开始时间不能早于现在。"))
        if vote.closes_at is not None and at >= vote.closes_at:
            raise VotingError(_("截止时间必须晚于开始时间。"))
    starts = at or vote.opens_at or now
    opens_on = clock.to_local(max(now, starts)).date()
    if enforce_gate:
        check_notice_period(compound, opens_on, opening=True)
    try:
        vote.open(now)
    except VoteStateError as error:
        raise VotingError(str(error)) from None
    if at is not None:
        vote.opens_at = at
    vote.opened_in_procedure = integration.in_procedure(compound)
    _fix_roll(vote, compound)
    db.session.flush()
    record("vote.open", vote, compound_id=vote.compound_id, actor=actor,
           after={"state": "open", "opened_at": now, "opens_at": vote.opens_at,
                  "in_procedure": vote.opened_in_procedure,
                  "roll_version": vote.roll_version.number if vote.roll_version else None})
    if vote.opened_in_procedure:
        integration.start_action(compound, "vote", on=opens_on, actor=actor)


def close_vote(vote: Vote, compound: Compound, *, reason: str | None = None, actor=None) -> None:
    """Close an open vote. Before its announced end (``closes_at``) a reason is required; it is
    kept on the vote and shown on the street office's oversight board."""
    reason = (reason or "").strip() or None
    now = clock.utcnow()
    if vote.state == "open" and vote.closes_at is not None and now < vote.closes_at and reason is None:
        raise VotingError(_("投票公告截止时间为 %(closes)s，提前截止须写明理由（理由将记录并报街道办监督）。",
                            closes=clock.to_local(vote.closes_at).strftime("%Y-%m-%d %H:%M")))
    while drain_ballot_audit(vote_id=vote.id, wait=True):
        pass
    try:
        vote.close(now)
    except VoteStateError as error:
        raise VotingError(str(error)) from None
    early = vote.closes_at is not None and now < vote.closes_at
    vote.close_reason = reason if early else None
    db.session.flush()
    ballots = db.session.scalar(select(func.count(Ballot.id)).where(Ballot.vote_id == vote.id))
    record("vote.close", vote, compound_id=vote.compound_id, actor=actor,
           after={"state": "closed", "closed_at": now, "ballots": ballots, "early": early, "reason": vote.close_reason})
    integration.complete_action(compound, "vote", on=clock.today(), actor=actor)


def reopen_vote(vote: Vote, compound: Compound, *, reason: str, actor=None) -> None:
    """Reopen a closed, uncounted vote until its announced end, with a recorded reason (shown on
    the oversight board)."""
    reason = (reason or "").strip()
    if not reason:
        raise VotingError(_("重新开放投票须写明理由（理由将记录并报街道办监督）。"))
    now = clock.utcnow()
    if vote.closes_at is not None and now >= vote.closes_at:
        raise VotingError(_("公告的投票截止时间已过，不能重新开放投票。"))
    try:
        vote.reopen(now)
    except VoteStateError as error:
        raise VotingError(str(error)) from None
    vote.reopen_reason = reason
    vote.close_reason = None
    db.session.flush()
    record("vote.reopen", vote, compound_id=vote.compound_id, actor=actor, after={"state": "open", "reason": reason})


def count_vote(vote: Vote, compound: Compound, *, actor=None) -> dict:
    """Count a closed vote. Refused while paper entries wait for a second entry or disagree."""
    from .util import paper_status

    while drain_ballot_audit(vote_id=vote.id, wait=True):  # a ballot that committed as the vote closed
        pass
    status = paper_status(vote)
    if status.waiting or status.mismatched:
        raise VotingError(_("还有 %(waiting)s 张纸质选票只录入了一次、%(mismatched)s 张两次录入不一致，处理后才能计票。",
                            waiting=len(status.waiting), mismatched=len(status.mismatched)))
    result = tally(vote)
    try:
        vote.mark_counted(clock.utcnow(), result)
    except VoteStateError as error:
        raise VotingError(str(error)) from None
    db.session.flush()
    record("vote.count", vote, compound_id=vote.compound_id, actor=actor, after=result)
    integration.complete_action(compound, "count", on=clock.today(), actor=actor)
    return result


def _fix_roll(vote: Vote, compound: Compound) -> None:
    """Keep the roll version current at opening: the vote counts against it for ever. Codes
    issued before opening to voters no longer on that roll stop working."""
    from ..registry.operations import ensure_current_version

    version = ensure_current_version(compound)
    vote.roll_version_id = version.id if version is not None else None
    if version is not None:
        db.session.execute(delete(VotingCode).where(VotingCode.vote_id == vote.id, VotingCode.used_at.is_(None),
                                                    VotingCode.voter_id.not_in(version_voter_ids(version.id))))


def roll_lock(compound: Compound) -> str | None:
    """Roll lock hook: the roll cannot be replaced while a vote is open (a closed vote keeps
    the version it opened on, so a later roll changes nothing of it)."""
    row = db.session.execute(
        select(Vote.title).where(Vote.compound_id == compound.id, Vote.state == "open").limit(1)).first()
    if row is None:
        return None
    return _("表决“%(title)s”正在投票，投票期间名册已锁定；投票截止后可以导入新版名册。", title=row.title)


# --------------------------------------------------------------------------- codes


def normalise_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def format_receipt(code: str) -> str:
    """A receipt code as it was shown, in groups of four ("ABCD-EFGH-…"), however it was typed."""
    plain = normalise_code(code)
    return "-".join(plain[i:i + 4] for i in range(0, len(plain), 4))


def hash_code(code: str) -> str:
    """HMAC-SHA-256 of a voting code with the installation's secret key as pepper."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, b"voting-code:" + normalise_code(code).encode(), hashlib.sha256).hexdigest()


def receipt_hash(receipt: str) -> str:
    """Plain SHA-256, so an owner can check the public ballot box independently."""
    return hashlib.sha256(normalise_code(receipt).encode()).hexdigest()


def _random_code(groups: int) -> str:
    # 32 symbols: each random byte's low five bits pick one, uniformly
    raw = "".join(CODE_ALPHABET[byte & 31] for byte in secrets.token_bytes(groups * 4))
    return "-".join(raw[i:i + 4] for i in range(0, len(raw), 4))


def new_voting_code() -> str:
    return _random_code(3)  # 12 symbols of 32: 60 bits


def new_receipt_code() -> str:
    return _random_code(4)


@dataclass(frozen=True)
class IssuedLetters:
    """A printed letter batch and its codes ({voter_id: code}), shown once and never stored."""

    batch: LetterBatch | None
    codes: dict[int, str]


def _actor_name(actor) -> str:
    return getattr(actor, "username", None) or (actor if isinstance(actor, str) else "system")


def _new_batch(vote: Vote, kind: str, voter_ids: list[int], *, reason: str = "", actor=None) -> LetterBatch:
    number = (db.session.scalar(select(func.max(LetterBatch.number)).where(LetterBatch.vote_id == vote.id)) or 0) + 1
    batch = LetterBatch(vote_id=vote.id, number=number, kind=kind, reason=reason, voter_ids=list(voter_ids),
                        printed_at=clock.utcnow(), printed_by_id=getattr(actor, "id", None),
                        printed_by_name=_actor_name(actor))
    db.session.add(batch)
    db.session.flush()
    return batch


def _insert_codes(vote: Vote, batch: LetterBatch, voter_ids: list[int]) -> dict[int, str]:
    codes = {voter_id: new_voting_code() for voter_id in voter_ids}
    if codes:
        db.session.execute(insert(VotingCode), [
            {"vote_id": vote.id, "voter_id": voter_id, "code_hash": hash_code(code), "issued_at": batch.printed_at,
             "batch_id": batch.id} for voter_id, code in codes.items()])
    return codes


def _letterless_voters(vote: Vote) -> list[int]:
    """Voters on the vote's roll (its version once open, else the current roll) without a code
    for this vote and without a ballot in it."""
    voted = select(Ballot.voter_id).where(Ballot.vote_id == vote.id)
    coded = select(VotingCode.voter_id).where(VotingCode.vote_id == vote.id)
    on_roll = (Voter.id.in_(version_voter_ids(vote.roll_version_id)) if vote.roll_version_id is not None
               else Voter.is_on_roll)
    return list(db.session.scalars(
        select(Voter.id).where(Voter.compound_id == vote.compound_id, on_roll, Voter.id.not_in(voted),
                               Voter.id.not_in(coded))
        .order_by(Voter.id)))


def letters_to_issue(vote: Vote) -> int:
    """How many voters would get a letter from :func:`issue_letters` now (0: every letter is out)."""
    return len(_letterless_voters(vote))


def issue_letters(vote: Vote, *, actor=None) -> IssuedLetters:
    """Issue a letter (a fresh code) once to every voter who has none yet; return the batch.

    Letters are issued once per voter: a second call prints only voters still without a
    letter (none, usually) and never voids a code already delivered. A lost letter is
    reprinted one voter at a time (:func:`reprint_letter`).
    """
    if vote.state not in ("draft", "open"):
        raise VotingError(_("投票已截止，不能再发放投票码。"))
    voter_ids = _letterless_voters(vote)
    if not voter_ids:
        return IssuedLetters(None, {})
    batch = _new_batch(vote, "original", voter_ids, actor=actor)
    codes = _insert_codes(vote, batch, voter_ids)
    record("vote.letters_issue", batch, compound_id=vote.compound_id, actor=actor,
           after={"vote": vote.id, "batch": batch.number, "kind": "original", "letters": len(codes)})
    return IssuedLetters(batch, codes)


def reissue_unprinted(vote: Vote, batch_id: int, *, actor=None) -> IssuedLetters:
    """Fresh codes for a batch whose printing failed (a background job retried): the document
    was never made, so no letter of it left the office and its codes, known only to the failed
    run, are void. Voters of the batch whose code is still that batch's and unused get a new
    code in the same batch; those who voted or got a one-voter reprint meanwhile keep theirs."""
    if vote.state not in ("draft", "open"):
        raise VotingError(_("投票已截止，不能再发放投票码。"))
    batch = db.session.get(LetterBatch, batch_id)
    if batch is None or batch.vote_id != vote.id:
        raise VotingError(_("这批通知书的记录已不存在。"))
    voted = select(Ballot.voter_id).where(Ballot.vote_id == vote.id)
    voter_ids = list(db.session.scalars(
        select(VotingCode.voter_id).where(VotingCode.vote_id == vote.id, VotingCode.batch_id == batch.id,
                                          VotingCode.used_at.is_(None), VotingCode.voter_id.not_in(voted))
        .order_by(VotingCode.voter_id)))
    if not voter_ids:
        return IssuedLetters(batch, {})
    db.session.execute(delete(VotingCode).where(VotingCode.vote_id == vote.id, VotingCode.batch_id == batch.id,
                                                VotingCode.voter_id.in_(voter_ids)))
    codes = _insert_codes(vote, batch, voter_ids)
    record("vote.letters_reissue", batch, compound_id=vote.compound_id, actor=actor,
           after={"vote": vote.id, "batch": batch.number, "kind": batch.kind, "letters": len(codes),
                  "why": "printing failed, retried"})
    return IssuedLetters(batch, codes)


def issue_codes(vote: Vote, *, actor=None) -> dict[int, str]:
    """{voter_id: code} of the voters who got their letter now (see :func:`issue_letters`)."""
    return issue_letters(vote, actor=actor).codes


def _reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise VotingError(_("补打通知书须写明理由（例如：业主报告通知书遗失）。"))
    return reason[:500]


def check_reprint_all(vote: Vote, reason: str | None) -> str:
    """The reason of a whole-run reprint, or the refusal: only a draft vote's letters, with a reason."""
    if vote.state != "draft":
        raise VotingError(_("投票已开始，不能整批重印通知书：整批重印会使已送达业主的投票码全部作废。"
                            "某位业主的通知书遗失时，请为该业主单独补打并写明理由。"))
    return _reason(reason)


def reprint_all_letters(vote: Vote, *, reason: str, actor=None) -> IssuedLetters:
    """Print every voter's letter again (a lost or spoilt print run): only while the vote is a draft.

    Once the vote is open a bulk reprint would silently void the codes already delivered,
    so it is refused; reprint the letters that are lost one by one instead.
    """
    reason = check_reprint_all(vote, reason)
    voided = db.session.execute(delete(VotingCode).where(VotingCode.vote_id == vote.id,
                                                         VotingCode.used_at.is_(None))).rowcount
    voter_ids = _letterless_voters(vote)
    if not voter_ids:
        raise VotingError(_("名册中没有需要打印通知书的表决权人。"))
    batch = _new_batch(vote, "reprint", voter_ids, reason=reason, actor=actor)
    codes = _insert_codes(vote, batch, voter_ids)
    record("vote.letters_reprint_all", batch, compound_id=vote.compound_id, actor=actor,
           after={"vote": vote.id, "batch": batch.number, "kind": "reprint", "letters": len(codes),
                  "voided": voided, "reason": reason, "by": _actor_name(actor)})
    return IssuedLetters(batch, codes)


def reprint_letter(vote: Vote, voter_id: int, *, reason: str, actor=None) -> IssuedLetters:
    """Reprint one voter's letter: a new code for that voter alone, their earlier code void.

    Needs a reason and is audited with the organiser's name; refused once the voter has
    voted (their code is used) or the vote has closed.
    """
    if vote.state not in ("draft", "open"):
        raise VotingError(_("投票已截止，不能再补打通知书。"))
    reason = _reason(reason)
    voter = db.session.get(Voter, voter_id)
    if voter is None or voter.compound_id != vote.compound_id:
        raise VotingError(_("名册中没有这位表决权人。"))
    if has_ballot(vote.id, voter_id):
        raise VotingError(_("该表决权人已经投票，不能补打通知书。"))
    old = db.session.scalar(select(VotingCode).where(VotingCode.vote_id == vote.id, VotingCode.voter_id == voter_id))
    voided_batch = None
    if old is not None:
        if old.used_at is not None:
            raise VotingError(_("该表决权人已经投票，不能补打通知书。"))
        voided_batch = db.session.scalar(select(LetterBatch.number).where(LetterBatch.id == old.batch_id))
        db.session.delete(old)
        db.session.flush()
    batch = _new_batch(vote, "reprint", [voter_id], reason=reason, actor=actor)
    codes = _insert_codes(vote, batch, [voter_id])
    record("vote.letter_reprint", batch, compound_id=vote.compound_id, actor=actor,
           after={"vote": vote.id, "batch": batch.number, "kind": "reprint", "voter": voter_id,
                  "voided_batch": voided_batch, "reason": reason, "by": _actor_name(actor)})
    return IssuedLetters(batch, codes)


def find_code(vote: Vote, code: str) -> VotingCode | None:
    if not normalise_code(code):
        return None
    return db.session.scalar(select(VotingCode).where(VotingCode.code_hash == hash_code(code),
                                                      VotingCode.vote_id == vote.id))


# --------------------------------------------------------------------------- ballots


@dataclass(frozen=True)
class Selection:
    candidate_ids: tuple[int, ...] = ()
    choice: str | None = None


def check_selection(vote: Vote, candidate_ids, choice: str | None, *, is_spoilt: bool = False,
                    check_candidates: bool = True) -> Selection:
    """The marks of a ballot, checked: known candidates, at most ``seats`` of them.

    ``check_candidates=False`` leaves the "is each one a candidate of this vote" check to
    the insert of the marks (:func:`cast_online`), saving a query on the hot path.
    """
    if is_spoilt:
        return Selection()
    if vote.kind == "election":
        try:
            ids = tuple(sorted({int(value) for value in candidate_ids or []}))
        except (TypeError, ValueError):
            raise VotingError(_("选票内容无效。")) from None
        if check_candidates and not set(ids) <= set(
                db.session.scalars(select(Candidate.id).where(Candidate.vote_id == vote.id))):
            raise VotingError(_("选票上有不在候选人名单中的人。"))
        if len(ids) > (vote.seats or 0):
            raise VotingError(_("最多只能选 %(seats)s 人，您选了 %(n)s 人。", seats=vote.seats, n=len(ids)))
        return Selection(candidate_ids=ids)
    if choice in (None, ""):
        return Selection()
    if choice not in CHOICES:
        raise VotingError(_("表决意见只能是同意、反对或弃权。"))
    return Selection(choice=choice)


def has_ballot(vote_id: int, voter_id: int) -> bool:
    return db.session.scalar(
        select(Ballot.id).where(Ballot.vote_id == vote_id, Ballot.voter_id == voter_id)) is not None


@dataclass(frozen=True)
class BallotTarget:
    """What casting needs to know about a vote and its compound, read in one query."""

    id: int
    compound_id: int
    kind: str
    seats: int | None
    state: str
    opens_at: datetime | None
    closes_at: datetime | None
    title: str
    compound_code: str
    compound_name: str

    def accepts_ballots_at(self, moment: datetime) -> bool:
        return (self.state == "open" and (self.opens_at is None or moment >= self.opens_at)
                and (self.closes_at is None or moment < self.closes_at))


@dataclass(frozen=True)
class CodeRow:
    id: int
    voter_id: int
    used_at: datetime | None


@functools.cache
def _cast_statements() -> dict:
    """The cast path's statements, built once per process with bind parameters.

    Building a statement costs more than running it; plain table statements (no ORM
    entities) also skip the ORM's compilation step.
    """
    vote_t, compound_t, code_t = Vote.__table__.c, Compound.__table__.c, VotingCode.__table__.c
    ballot_t, choice_t, candidate_t = Ballot.__table__, BallotChoice.__table__, Candidate.__table__.c
    vote_columns = (vote_t.id, vote_t.compound_id, vote_t.kind, vote_t.seats, vote_t.state, vote_t.opens_at,
                    vote_t.closes_at, vote_t.title, compound_t.code, compound_t.name)
    with_compound = Vote.__table__.join(Compound.__table__, compound_t.id == vote_t.compound_id)
    # FOR SHARE OF vote (PostgreSQL; SQLite has one writer anyway): closing the vote waits for the
    # ballots being cast, and a ballot cast after the close sees it closed — none slips in late
    share_vote = {"read": True, "of": Vote.__table__}
    return {
        "target": select(*vote_columns).select_from(with_compound).where(vote_t.id == bindparam("vote_id"))
        .with_for_update(**share_vote),
        "target_code": select(*vote_columns, code_t.id, code_t.voter_id, code_t.used_at).select_from(
            with_compound.outerjoin(VotingCode.__table__, (code_t.vote_id == vote_t.id)
                                    & (code_t.code_hash == bindparam("code_hash"))))
        .where(vote_t.id == bindparam("vote_id")).with_for_update(**share_vote),
        "claim_code": update(VotingCode.__table__).where(code_t.id == bindparam("code_id"), code_t.used_at.is_(None))
        .values(used_at=bindparam("now")),
        "ballot": insert(ballot_t).returning(ballot_t.c.id),
        # an online ballot goes in only while its vote is open, checked inside the writing
        # transaction (SQLite reads the state before its write lock otherwise)
        "online_ballot": insert(ballot_t).from_select(
            ["vote_id", "voter_id", "channel", "choice", "is_blank", "is_spoilt", "receipt_hash", "cast_at",
             "is_audited"],
            select(bindparam("vote_id", type_=Integer), bindparam("voter_id", type_=Integer),
                   bindparam("channel", type_=String), bindparam("choice", type_=String),
                   bindparam("is_blank", type_=Boolean), literal(False, Boolean), bindparam("receipt_hash", type_=String),
                   bindparam("cast_at", type_=DateTime), literal(False, Boolean))
            .where(exists().where(vote_t.id == bindparam("vote_id"), vote_t.state == "open")))
        .returning(ballot_t.c.id),
        # only candidates of this vote: a forged id inserts nothing and the ballot is refused
        "marks": insert(choice_t).from_select(
            ["ballot_id", "candidate_id"],
            select(bindparam("ballot_id", type_=Integer), candidate_t.id).where(
                candidate_t.vote_id == bindparam("vote_id"), candidate_t.id.in_(bindparam("ids", expanding=True))))
        .returning(choice_t.c.candidate_id),
    }


def ballot_target(vote_id: int, code: str = "") -> tuple[BallotTarget | None, CodeRow | None]:
    """The vote (with its compound) and, when ``code`` is given, that code's row: one query."""
    statements = _cast_statements()
    if normalise_code(code):
        row = db.session.execute(statements["target_code"], {"vote_id": vote_id, "code_hash": hash_code(code)}).first()
    else:
        row = db.session.execute(statements["target"], {"vote_id": vote_id}).first()
    if row is None:
        return None, None
    code_row = CodeRow(*row[10:13]) if len(row) > 10 and row[10] is not None else None
    return BallotTarget(*row[:10]), code_row


def _store_ballot(vote, voter_id: int, selection: Selection, *, channel: str, is_spoilt: bool = False,
                  proxy_name: str | None = None, proxy_document_id: int | None = None,
                  is_audited: bool = True) -> tuple[int, str, str]:
    """Insert a ballot and its marks; return (ballot id, receipt code, receipt hash).

    The unique (vote_id, voter_id) constraint refuses a second ballot (IntegrityError).
    """
    statements = _cast_statements()
    receipt = new_receipt_code()
    digest = receipt_hash(receipt)
    is_blank = not is_spoilt and not selection.candidate_ids and selection.choice is None
    values = {"vote_id": vote.id, "voter_id": voter_id, "channel": channel, "choice": selection.choice,
              "is_blank": is_blank, "receipt_hash": digest, "cast_at": clock.utcnow()}
    if channel.startswith("online"):
        ballot_id = db.session.execute(statements["online_ballot"], values).scalar()
        if ballot_id is None:
            raise VotingError(_("该表决当前不在投票时间内。"))
    else:
        ballot_id = db.session.execute(statements["ballot"], values | {
            "is_spoilt": is_spoilt, "proxy_name": proxy_name, "proxy_document_id": proxy_document_id,
            "is_audited": is_audited}).scalar_one()
    if selection.candidate_ids:
        marks = db.session.execute(statements["marks"], {"ballot_id": ballot_id, "vote_id": vote.id,
                                                         "ids": list(selection.candidate_ids)}).all()
        if len(marks) != len(selection.candidate_ids):
            raise VotingError(_("选票上有不在候选人名单中的人。"))
    return ballot_id, receipt, digest


def cast_online(vote, voter_id: int, selection: Selection, *, code=None) -> tuple[int, str]:
    """Store an online ballot; return (ballot id, receipt code). The receipt is shown once, never stored.

    ``vote`` is a :class:`Vote` or a :class:`BallotTarget`; ``code`` a :class:`VotingCode` or
    :class:`CodeRow`. A voter who already has a ballot hits the database's unique constraint
    (IntegrityError): the caller rolls back and tells them they have voted. The audit
    entry ("ballot.cast", actor "voter") follows in :func:`drain_ballot_audit`.
    """
    now = clock.utcnow()
    if not vote.accepts_ballots_at(now):
        raise VotingError(_("该表决当前不在投票时间内。"))
    if code is not None:
        claimed = db.session.execute(_cast_statements()["claim_code"], {"code_id": code.id, "now": now})
        if claimed.rowcount != 1:
            raise AlreadyVoted(_("此投票码已经使用过，不能再次投票。"))
    channel = "online_code" if code is not None else "online_account"
    ballot_id, receipt, _digest = _store_ballot(vote, voter_id, selection, channel=channel, is_audited=False)
    return ballot_id, receipt


# the channel as the audit log names it (code / account / paper / proxy)
AUDIT_CHANNELS = {"online_code": "code", "online_account": "account", "paper": "paper", "proxy": "proxy"}


def drain_ballot_audit(*, vote_id: int | None = None, limit: int = 500, wait: bool = False) -> int:
    """Append the audit entries of online ballots cast since the last drain; return how many.

    Casting commits the ballot without touching the audit chain, so concurrent casts do
    not queue behind the chain's lock through each commit's disk flush; the entries are
    then appended in batches (one flush for many). On PostgreSQL a drain that would wait
    for another drainer's lock returns 0 unless ``wait`` (that drainer or the next one
    takes the ballot). Closing a vote drains it with ``wait=True``, so every ballot is
    in the chain before the count.
    """
    session = db.session
    if session.get_bind().dialect.name == "postgresql" and not wait:
        from ..audit.operations import _PG_LOCK_KEY
        from sqlalchemy import text

        if not session.execute(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY}).scalar():
            return 0
    ballot_t, vote_t = Ballot.__table__.c, Vote.__table__.c
    code_t, batch_t = VotingCode.__table__.c, LetterBatch.__table__.c
    # a code ballot's letter batch: the voter's code (used, so never voided) names it
    query = (select(ballot_t.id, ballot_t.vote_id, ballot_t.channel, ballot_t.receipt_hash, ballot_t.cast_at,
                    vote_t.compound_id, batch_t.number, batch_t.kind)
             .select_from(Ballot.__table__.join(Vote.__table__, vote_t.id == ballot_t.vote_id)
                          .outerjoin(VotingCode.__table__, (code_t.vote_id == ballot_t.vote_id)
                                     & (code_t.voter_id == ballot_t.voter_id) & (ballot_t.channel == "online_code"))
                          .outerjoin(LetterBatch.__table__, batch_t.id == code_t.batch_id))
             .where(ballot_t.is_audited.is_(False)).order_by(ballot_t.id).limit(limit))
    if vote_id is not None:
        query = query.where(ballot_t.vote_id == vote_id)
    rows = session.execute(query).all()
    contents = ballot_digests([row[0] for row in rows])
    for ballot_id, ballot_vote_id, channel, digest, cast_at, compound_id, batch_number, batch_kind in rows:
        after = {"vote": ballot_vote_id, "channel": AUDIT_CHANNELS.get(channel, channel), "receipt_hash": digest,
                 "cast_at": cast_at, "content_hash": contents[ballot_id]}
        if channel == "online_code":
            after["letter"] = {"batch": batch_number, "kind": batch_kind}
        record("ballot.cast", ("Ballot", ballot_id), compound_id=compound_id, actor="voter", after=after)
    if rows:
        session.execute(update(Ballot.__table__).where(ballot_t.id.in_([row[0] for row in rows]))
                        .values(is_audited=True))
    return len(rows)


# --------------------------------------------------------------------------- reading one voter's ballot


def audit_ballot_read(vote, ballot_id: int | None, *, voter_id: int | None, what: str, reason: str = "", actor=None):
    """Record that someone read one voter's ballot (or part of it, such as the proxy authorisation)."""
    return record("ballot.read", ("Ballot", ballot_id if ballot_id is not None else f"none:{vote.id}:{voter_id}"),
                  compound_id=vote.compound_id, actor=actor,
                  after={"vote": vote.id, "voter": voter_id, "what": what, "reason": reason,
                         "found": ballot_id is not None, "by": _actor_name(actor)})


def read_ballot(vote: Vote, voter_id: int, *, reason: str, actor=None, via: str = "page") -> dict:
    """One voter's ballot for an inspection (a court, a complaint): audited, with a reason.

    Returns plain values: ``found``, ``channel``, ``cast_at``, ``text`` (the marks),
    ``is_spoilt``, ``proxy_name``, ``letter`` ({"batch", "kind"} for a code ballot). The
    voter's name is not part of it: the reader named the unit.
    """
    from .util import CHANNEL_LABELS, ballot_text, candidate_names

    reason = (reason or "").strip()
    if not reason:
        raise VotingError(_("查阅个人选票须写明理由（例如：法院调取函编号、业主投诉编号）。"))
    voter = db.session.get(Voter, voter_id)
    if voter is None or voter.compound_id != vote.compound_id:
        raise VotingError(_("名册中没有这位表决权人。"))
    ballot = db.session.scalar(select(Ballot).where(Ballot.vote_id == vote.id, Ballot.voter_id == voter_id))
    audit_ballot_read(vote, ballot.id if ballot else None, voter_id=voter_id, what=f"ballot ({via})",
                      reason=reason[:500], actor=actor)
    if ballot is None:
        return {"found": False}
    letter = None
    if ballot.channel == "online_code":
        row = db.session.execute(
            select(LetterBatch.number, LetterBatch.kind).join(VotingCode, VotingCode.batch_id == LetterBatch.id)
            .where(VotingCode.vote_id == vote.id, VotingCode.voter_id == voter_id)).first()
        letter = {"batch": row[0], "kind": row[1]} if row else None
    return {"found": True, "channel": ballot.channel, "channel_label": CHANNEL_LABELS.get(ballot.channel, ballot.channel),
            "cast_at": ballot.cast_at, "text": ballot_text(ballot, candidate_names(vote)),
            "is_spoilt": ballot.is_spoilt, "proxy_name": ballot.proxy_name, "letter": letter,
            "receipt_hash": ballot.receipt_hash}


# --------------------------------------------------------------------------- paper ballots

def store_proxy_document(vote: Vote, data: bytes, *, filename: str = "", actor=None) -> int:
    """Check a proxy authorisation upload (PDF/JPEG/PNG by magic bytes, size) and store it in
    the database with the entry's transaction; return the stored file's id."""
    limit = int(current_app.config.get("UPLOAD_MAX_BYTES") or 10 * 1024 * 1024)
    if not data:
        raise VotingError(_("授权委托书文件为空。"))
    if len(data) > limit:
        raise VotingError(_("授权委托书文件太大（上限 %(mb)s MB）。", mb=limit // (1024 * 1024)))
    kind = uploads.sniff(data)
    if kind is None:
        raise VotingError(_("授权委托书只能是 PDF、JPEG 或 PNG 文件。"))
    name = os.path.basename((filename or "").replace("\\", "/"))[:200] or f"proxy-{vote.id}{kind.extension}"
    stored = storage.store(data, filename=name, content_type=kind.content_type, purpose="voting.proxy_authorisation",
                           created_by=getattr(actor, "username", None))
    return stored.id


def enter_paper(vote: Vote, voter_id: int, *, slot: int | None, selection: Selection, is_spoilt: bool = False,
                counter_name: str = "", proxy_name: str | None = None, proxy_document_id: int | None = None,
                source: str = "页面录入", actor=None) -> str:
    """One counter's entry of one paper ballot. Returns "waiting", "matched" or "mismatch".

    When both entries exist and agree the ballot is stored; when they disagree they are
    listed for resolution and nothing counts.
    """
    _check_paper_allowed(vote)
    if has_ballot(vote.id, voter_id):
        raise VotingError(_("该业主已有一张选票（网上或纸质），不能再录入。"))
    existing = {e.slot: e for e in db.session.scalars(
        select(PaperEntry).where(PaperEntry.vote_id == vote.id, PaperEntry.voter_id == voter_id))}
    if slot is None:
        slot = 1 if 1 not in existing else 2
    if slot not in (1, 2):
        raise VotingError(_("录入序号只能是 1 或 2。"))
    if slot in existing:
        raise VotingError(_("该选票已由第 %(slot)s 位计票人录入。", slot=slot))
    counter_name = (counter_name or "").strip()
    other = existing.get(3 - slot)
    if other is not None and counter_name and other.counter_name == counter_name:
        raise VotingError(_("同一张选票的两次录入须由两位不同的计票人完成。"))
    entry = PaperEntry(vote_id=vote.id, voter_id=voter_id, slot=slot, counter_name=counter_name,
                       choice=selection.choice, candidate_ids=list(selection.candidate_ids), is_spoilt=is_spoilt,
                       proxy_name=(proxy_name or "").strip() or None, proxy_document_id=proxy_document_id,
                       source=source[:120], entered_by_id=getattr(actor, "id", None))
    db.session.add(entry)
    db.session.flush()
    record("paper.enter", entry, compound_id=vote.compound_id, actor=actor,
           after={"vote": vote.id, "voter": voter_id, "slot": slot, "counter": counter_name, "source": source})
    if other is None:
        return "waiting"
    if other.content() != entry.content():
        return "mismatch"
    _ballot_from_entries(vote, entry, other, actor=actor)
    return "matched"


def _ballot_from_entries(vote: Vote, entry: PaperEntry, other: PaperEntry, *, actor=None) -> int:
    proxy_name = entry.proxy_name or other.proxy_name
    channel = "proxy" if proxy_name else "paper"
    ballot_id, _receipt, digest = _store_ballot(
        vote, entry.voter_id, Selection(tuple(entry.candidate_ids or ()), entry.choice), is_spoilt=entry.is_spoilt,
        channel=channel, proxy_name=proxy_name,
        proxy_document_id=entry.proxy_document_id or other.proxy_document_id)
    record("ballot.paper", ("Ballot", ballot_id), compound_id=vote.compound_id, actor=actor,
           after={"vote": vote.id, "channel": channel, "receipt_hash": digest, "entries": sorted([entry.id, other.id]),
                  "content_hash": ballot_digests([ballot_id])[ballot_id]})
    return ballot_id


def resolve_mismatch(vote: Vote, voter_id: int, *, accept_slot: int | None, note: str, actor=None) -> str:
    """Settle two disagreeing entries: accept one (the other is corrected to it) or discard both."""
    if vote.state not in ("open", "closed"):
        raise VotingError(_("该表决已计票，不能再修改纸质选票。"))
    note = (note or "").strip()
    if not note:
        raise VotingError(_("请写明处理理由（例如：核对原始选票后确认）。"))
    entries = {e.slot: e for e in db.session.scalars(
        select(PaperEntry).where(PaperEntry.vote_id == vote.id, PaperEntry.voter_id == voter_id))}
    if set(entries) != {1, 2} or entries[1].content() == entries[2].content():
        raise VotingError(_("这张选票没有不一致的两次录入。"))
    before = {slot: list(entry.content()) for slot, entry in entries.items()}
    if accept_slot is None:
        for entry in entries.values():
            db.session.delete(entry)
        db.session.flush()
        record("paper.discard", ("PaperEntry", f"{vote.id}:{voter_id}"), compound_id=vote.compound_id, actor=actor,
               before=before, after={"note": note})
        return "discarded"
    if accept_slot not in (1, 2):
        raise VotingError(_("录入序号只能是 1 或 2。"))
    accepted, corrected = entries[accept_slot], entries[3 - accept_slot]
    corrected.choice = accepted.choice
    corrected.candidate_ids = list(accepted.candidate_ids or [])
    corrected.is_spoilt = accepted.is_spoilt
    corrected.proxy_name = accepted.proxy_name
    db.session.flush()
    record("paper.resolve", ("PaperEntry", f"{vote.id}:{voter_id}"), compound_id=vote.compound_id, actor=actor,
           before=before, after={"accepted_slot": accept_slot, "note": note})
    _ballot_from_entries(vote, accepted, corrected, actor=actor)
    return "matched"


def _check_paper_allowed(vote: Vote) -> None:
    """Paper ballots are entered only once the vote has opened (its announced start reached)
    and before it is counted."""
    if vote.state not in ("open", "closed"):
        raise VotingError(_("只有投票中或已截止、未计票的表决才能录入纸质选票。"))
    if vote.opens_at is not None and clock.utcnow() < vote.opens_at:
        raise VotingError(_("投票于 %(opens)s 开始，此前不能录入纸质选票。",
                            opens=clock.to_local(vote.opens_at).strftime("%Y-%m-%d %H:%M")))


def _write_in(vote: Vote, name: str, *, actor=None) -> Candidate:
    """A name written on ballots that is not on the list (另选他人), counted like a candidate."""
    position = db.session.scalar(select(func.count(Candidate.id)).where(Candidate.vote_id == vote.id)) or 0
    candidate = Candidate(vote_id=vote.id, name=name, is_write_in=True, position=position + 1)
    db.session.add(candidate)
    db.session.flush()
    record("vote.write_in", candidate, compound_id=vote.compound_id, actor=actor,
           after={"vote": vote.id, "name": name})
    return candidate


def unit_voters(compound_id: int, roll_version_id: int | None = None) -> dict[tuple[str, str], int]:
    """{(building, unit number): voter id} on the vote's roll version, else the current roll (one query)."""
    if roll_version_id is not None:
        return version_unit_voters(roll_version_id)
    rows = db.session.execute(
        select(Building.name, Unit.number, Unit.voter_id).join(Building, Building.id == Unit.building_id)
        .where(Unit.compound_id == compound_id))
    return {(b, n): v for b, n, v in rows}


def import_paper_file(vote: Vote, filename: str, data: bytes, *, slot: int | None = None, counter_name: str = "",
                      actor=None) -> dict:
    """Import one counter's paper ballots from a file, all or nothing.

    Returns {"rows", "matched", "waiting", "mismatch"}. Raises :class:`PaperRejected`
    listing every bad row (unknown unit or candidate, over-voting, a voter's second
    ballot naming both rows, a ballot already entered).
    """
    _check_paper_allowed(vote)
    compound = db.session.get(Compound, vote.compound_id)
    write_ins_allowed = vote.kind == "election" and bool(_settings(compound)[1].get("write_in_allowed"))
    parsed = parse_ballot_file(filename, data, vote.kind)
    errors = list(parsed.errors)
    units = unit_voters(vote.compound_id, vote.roll_version_id)
    candidates = {c.name: c.id for c in db.session.scalars(select(Candidate).where(Candidate.vote_id == vote.id))}
    voted = set(db.session.scalars(select(Ballot.voter_id).where(Ballot.vote_id == vote.id)))
    entered: dict[int, set[int]] = {}
    for voter_id, entry_slot in db.session.execute(
            select(PaperEntry.voter_id, PaperEntry.slot).where(PaperEntry.vote_id == vote.id)):
        entered.setdefault(voter_id, set()).add(entry_slot)
    seen: dict[int, int] = {}
    planned = []
    for row in parsed.rows:
        voter_id = units.get((row.building, row.unit))
        if voter_id is None:
            errors.append(BallotError(row.row_number, f"名册中没有 {row.building} {row.unit}"))
            continue
        if voter_id in seen:
            errors.append(BallotError(row.row_number, f"与第{seen[voter_id]}行是同一投票人的第二张选票"
                                                      f"（第{seen[voter_id]}行和第{row.row_number}行）"))
            continue
        seen[voter_id] = row.row_number
        if voter_id in voted:
            errors.append(BallotError(row.row_number, "该投票人已有一张选票（网上或纸质）"))
            continue
        taken = entered.get(voter_id, set())
        row_slot = slot if slot is not None else (1 if 1 not in taken else 2)
        if row_slot in taken or len(taken) >= 2:
            errors.append(BallotError(row.row_number, f"该选票已由第 {row_slot} 位计票人录入"))
            continue
        names: tuple[str, ...] = ()
        if vote.kind == "election" and not row.is_spoilt:
            unknown = [name for name in row.choices if name not in candidates]
            if unknown and not write_ins_allowed:
                errors.append(BallotError(row.row_number, "不是候选人：" + "、".join(unknown)
                                          + "（本小区选举办法不允许另选他人）"))
                continue
            if len(set(row.choices)) != len(row.choices):
                errors.append(BallotError(row.row_number, "同一候选人选了两次"))
                continue
            if len(row.choices) > (vote.seats or 0):
                errors.append(BallotError(row.row_number, f"选了 {len(row.choices)} 人，超过应选 {vote.seats} 人；"
                                                          "如按规定为无效票，请在「无效」列填“是”"))
                continue
            names = row.choices
        planned.append((row, voter_id, row_slot, names))
    if errors:
        raise PaperRejected(sorted(errors, key=lambda e: e.row or 0))
    for _row, _voter_id, _slot, names in planned:
        for name in names:
            if name not in candidates:  # 另选他人, allowed by the compound's rules
                candidates[name] = _write_in(vote, name, actor=actor).id
    outcome = {"rows": len(planned), "matched": 0, "waiting": 0, "mismatch": 0}
    for row, voter_id, row_slot, names in planned:
        selection = Selection(tuple(sorted(candidates[name] for name in names)),
                              None if row.is_spoilt else row.vote)
        result = enter_paper(vote, voter_id, slot=row_slot, selection=selection, is_spoilt=row.is_spoilt,
                             counter_name=counter_name, proxy_name=row.proxy,
                             source=f"{filename} 第{row.row_number}行", actor=actor)
        outcome[result] += 1
    return outcome


# --------------------------------------------------------------------------- results


def post_result_notice(vote: Vote, compound: Compound, *, actor=None):
    """Render the result notice PDF and post it on the compound's public board."""
    from ..notices.operations import post_notice
    from ..pdf import render_pdf
    from .util import result_notice_context

    if vote.state != "counted":
        raise VotingError(_("计票完成后才能发布表决结果公告。"))
    if vote.result_notice_id:
        raise VotingError(_("表决结果公告已发布。"))
    context = result_notice_context(vote, compound)
    pdf = render_pdf("result_notice.html", **context)
    notice = post_notice(compound, kind="result_notice", title=context["title"], posted_on=clock.today(),
                         body=f"{context['summary']}\n公开票箱（凭回执码核对本人选票）：{context['box_url']}"
                              f"\n审计链锚点（哈希值:条数）：{context['audit_anchor']['head_hash']}:"
                              f"{context['audit_anchor']['count']}",
                         citations=list(vote.result.get("basis", [])),
                         source=("vote", vote.id), pdf=pdf, posted_by=actor)
    vote.result_notice_id = notice.id
    db.session.flush()
    record("vote.result_notice", vote, compound_id=vote.compound_id, actor=actor, after={"notice": notice.id})
    integration.complete_action(compound, "result_notice", on=clock.today(), actor=actor)
    return notice


def seat_committee(vote: Vote, compound: Compound, *, actor=None):
    """Seat the elected members through the committees feature."""
    if vote.kind != "election" or vote.state != "counted":
        raise VotingError(_("只有已计票的选举才能产生业委会。"))
    if vote.committee_installed_at:
        raise VotingError(_("本次选举的当选委员已就任。"))
    if not integration.can_install_committee():
        raise VotingError(_("业委会功能尚未启用。"))
    elected = [row["name"] for row in vote.result["candidates"] if row["elected"]]
    if not elected:
        raise VotingError(_("本次选举没有当选的委员。"))
    voter_ids = dict(db.session.execute(
        select(Candidate.name, Candidate.voter_id).where(Candidate.vote_id == vote.id)).all())
    members = [(name, voter_ids.get(name), "member") for name in elected]
    elected_on = clock.to_local(vote.closed_at or clock.utcnow()).date()
    committee = integration.install_committee(compound, members, elected_on=elected_on, actor=actor)
    vote.committee_installed_at = clock.utcnow()
    db.session.flush()
    record("vote.install_committee", vote, compound_id=vote.compound_id, actor=actor, after={"members": elected})
    return committee
