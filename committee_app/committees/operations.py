"""Committee operations: install or record a committee, edit its members.
They flush and audit; never commit."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from ..audit.operations import record
from ..extensions import db
from ..registry.models import Voter
from .models import MEMBER_ROLES, Committee, CommitteeMember
from .util import compound_settings, current_committee, term_end_for


class CommitteeError(ValueError):
    """A refused committee operation; the message is shown to the user as it is."""


def _check_voter(compound, voter_id: int | None) -> None:
    if voter_id is None:
        return
    voter_compound = db.session.scalar(select(Voter.compound_id).where(Voter.id == voter_id))
    if voter_compound != compound.id:
        raise CommitteeError(_("表决权人不属于本小区。"))


def _check_member(compound, name: str, voter_id: int | None, role: str) -> str:
    name = (name or "").strip()
    if not name:
        raise CommitteeError(_("委员姓名不能为空。"))
    if len(name) > 120:
        raise CommitteeError(_("委员姓名过长。"))
    if role not in MEMBER_ROLES:
        raise CommitteeError(_("未知的委员职务：%(role)s", role=role))
    _check_voter(compound, voter_id)
    return name


def _check_single_roles(members: list[tuple[str, int | None, str]]) -> None:
    roles = [role for _name, _voter, role in members]
    if roles.count("chair") > 1:
        raise CommitteeError(_("一届业委会只能有一名主任。"))


def _member_json(member: CommitteeMember) -> dict:
    return {"name": member.name, "voter_id": member.voter_id, "role": member.role,
            "joined_on": member.joined_on, "left_on": member.left_on}


def record_committee(compound, *, members: list[tuple[str, int | None, str]], elected_on: date,
                     term_starts_on: date | None = None, term_ends_on: date | None = None,
                     filed_on: date | None = None, actor=None) -> Committee:
    """Make a new committee the compound's current one; the previous one stops being current.

    ``members`` are (name, voter_id or None, role). The term starts on ``term_starts_on``
    (default the election day) and, unless given, ends after the rule set's ``term_years``.
    """
    if not isinstance(elected_on, date):
        raise CommitteeError(_("请填写选举日期。"))
    term_starts_on = term_starts_on or elected_on
    if term_starts_on < elected_on:
        raise CommitteeError(_("任期开始日期不能早于选举日期。"))
    settings = compound_settings(compound)
    if term_ends_on is None:
        term_ends_on = term_end_for(term_starts_on, int(settings["term_years"]))
    if term_ends_on <= term_starts_on:
        raise CommitteeError(_("任期届满日期必须晚于任期开始日期。"))
    if term_end_for(term_starts_on, int(settings["term_years"])) < term_ends_on:
        raise CommitteeError(_("任期不得超过 %(years)s 年（GR art 32）。", years=settings["term_years"]))
    if filed_on is not None and filed_on < elected_on:
        raise CommitteeError(_("备案日期不能早于选举日期。"))
    cleaned = [(_check_member(compound, name, voter_id, role), voter_id, role) for name, voter_id, role in members]
    _check_single_roles(cleaned)

    previous = current_committee(compound)
    if previous is not None:
        if previous.term_starts_on >= term_starts_on:
            raise CommitteeError(_("新一届业委会的任期必须晚于现任业委会（%(start)s 起）。", start=previous.term_starts_on))
        previous.is_current = False
        db.session.flush()  # the partial unique index allows one current committee at a time
        record("committee.end_current", previous, compound_id=compound.id, actor=actor,
               before={"is_current": True}, after={"is_current": False})
    committee = Committee(compound_id=compound.id, elected_on=elected_on, term_starts_on=term_starts_on,
                          term_ends_on=term_ends_on, filed_on=filed_on, is_current=True,
                          created_by_id=getattr(actor, "id", None))
    committee.members = [CommitteeMember(name=name, voter_id=voter_id, role=role, joined_on=term_starts_on)
                         for name, voter_id, role in cleaned]
    db.session.add(committee)
    db.session.flush()
    record("committee.install", committee, compound_id=compound.id, actor=actor, after={
        "elected_on": elected_on, "term_starts_on": term_starts_on, "term_ends_on": term_ends_on,
        "filed_on": filed_on, "previous": previous.id if previous else None,
        "members": [_member_json(m) for m in committee.members]})
    return committee


def install_committee(compound, *, members: list[tuple[str, int | None, str]], elected_on: date,
                      actor=None) -> Committee:
    """Install the committee an election produced: term from the election day for the
    rule set's ``term_years``; the previous committee stops being current."""
    return record_committee(compound, members=members, elected_on=elected_on, actor=actor)


def update_committee(committee: Committee, *, term_ends_on: date, filed_on: date | None, actor=None) -> None:
    """Correct the term end or record the filing date of a committee."""
    if term_ends_on <= committee.term_starts_on:
        raise CommitteeError(_("任期届满日期必须晚于任期开始日期。"))
    from ..registry.models import Compound

    compound = db.session.get(Compound, committee.compound_id)
    years = int(compound_settings(compound)["term_years"])
    if term_end_for(committee.term_starts_on, years) < term_ends_on:
        raise CommitteeError(_("任期不得超过 %(years)s 年（GR art 32）。", years=years))
    if filed_on is not None and filed_on < committee.elected_on:
        raise CommitteeError(_("备案日期不能早于选举日期。"))
    before = {"term_ends_on": committee.term_ends_on, "filed_on": committee.filed_on}
    committee.term_ends_on = term_ends_on
    committee.filed_on = filed_on
    db.session.flush()
    record("committee.update", committee, compound_id=committee.compound_id, actor=actor, before=before,
           after={"term_ends_on": term_ends_on, "filed_on": filed_on})


def add_member(committee: Committee, *, name: str, role: str, voter_id: int | None = None,
               joined_on: date, actor=None) -> CommitteeMember:
    from ..registry.models import Compound

    compound = db.session.get(Compound, committee.compound_id)
    name = _check_member(compound, name, voter_id, role)
    if role == "chair" and any(m.role == "chair" for m in committee.active_members):
        raise CommitteeError(_("一届业委会只能有一名主任。"))
    if joined_on < committee.term_starts_on or joined_on > committee.term_ends_on:
        raise CommitteeError(_("加入日期须在本届任期之内。"))
    member = CommitteeMember(committee_id=committee.id, name=name, role=role, voter_id=voter_id, joined_on=joined_on)
    db.session.add(member)
    db.session.flush()
    record("committee.member_add", member, compound_id=committee.compound_id, actor=actor, after=_member_json(member))
    return member


def update_member(member: CommitteeMember, *, role: str, left_on: date | None, actor=None) -> None:
    """Change a member's role, or record the day they left (from that day they no longer count)."""
    committee = member.committee
    if role not in MEMBER_ROLES:
        raise CommitteeError(_("未知的委员职务：%(role)s", role=role))
    if role == "chair" and any(m.role == "chair" and m.id != member.id for m in committee.active_members):
        raise CommitteeError(_("一届业委会只能有一名主任。"))
    if left_on is not None and left_on <= member.joined_on:
        raise CommitteeError(_("离任日期必须晚于加入日期。"))
    before = _member_json(member)
    member.role = role
    member.left_on = left_on
    db.session.flush()
    record("committee.member_update", member, compound_id=committee.compound_id, actor=actor,
           before=before, after=_member_json(member))
