"""Queries of the deliberation feature, and who may do what with a community's points."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ..extensions import db
from ..policy import Ability, can, scope_of
from ..registry.models import Community
from .models import DeliberationSession, PointEntry, PointRate


def sessions_of(compound) -> list[DeliberationSession]:
    return list(db.session.scalars(select(DeliberationSession).where(DeliberationSession.compound_id == compound.id)
                                   .order_by(DeliberationSession.held_on.desc(), DeliberationSession.id.desc())))


def may_chair(user, compound) -> bool:
    """The compound's organisers and the mentor of its community run deliberations."""
    return can(user, Ability.MANAGE, compound) or can(user, Ability.COACH, compound)


def may_manage_points(user, community: Community) -> bool:
    scope = scope_of(user)
    return scope.is_admin or community.id in scope.mentor_community_ids


def may_read_points(user, community: Community) -> bool:
    scope = scope_of(user)
    return (may_manage_points(user, community) or community.id in scope.officer_community_ids
            or community.street_id in scope.officer_street_ids)


def communities_for(user) -> list[Community]:
    communities = db.session.scalars(select(Community).order_by(Community.name)).all()
    return [c for c in communities if may_read_points(user, c)]


@dataclass(frozen=True)
class PersonTotal:
    person: str
    earned: int
    spent: int
    adjusted: int
    balance: int
    entries: int


def totals(community_id: int, *, year: int | None = None, search: str = "") -> list[PersonTotal]:
    """Each person's totals, in one aggregate query; highest balance first."""
    earned = func.sum(func.coalesce(PointEntry.points, 0)).filter(PointEntry.kind == "award")
    spent = func.sum(func.coalesce(PointEntry.points, 0)).filter(PointEntry.kind == "exchange")
    adjusted = func.sum(func.coalesce(PointEntry.points, 0)).filter(PointEntry.kind == "adjustment")
    query = (select(PointEntry.person, earned, spent, adjusted, func.sum(PointEntry.points), func.count())
             .where(PointEntry.community_id == community_id).group_by(PointEntry.person))
    if year is not None:
        query = query.where(func.extract("year", PointEntry.earned_on) == year)
    if search:
        query = query.where(PointEntry.person.contains(search, autoescape=True))
    rows = db.session.execute(query).all()
    people = [PersonTotal(p, int(e or 0), -int(s or 0), int(a or 0), int(b or 0), int(n)) for p, e, s, a, b, n in rows]
    return sorted(people, key=lambda t: (-t.balance, t.person))


def ledger(community_id: int, person: str) -> list[PointEntry]:
    return list(db.session.scalars(select(PointEntry).where(
        PointEntry.community_id == community_id, PointEntry.person == person)
        .order_by(PointEntry.earned_on, PointEntry.id)))


def rate_history(community_id: int) -> list[PointRate]:
    return list(db.session.scalars(select(PointRate).where(PointRate.community_id == community_id)
                                   .order_by(PointRate.valid_from.desc(), PointRate.id.desc())))


def participation_by_year(community_id: int, person_names: list[str]) -> dict[str, dict[int, dict[str, int]]]:
    """For the workshop's growth view: points earned per person, per year, per activity."""
    if not person_names:
        return {}
    rows = db.session.execute(
        select(PointEntry.person, func.extract("year", PointEntry.earned_on), PointEntry.activity,
               func.count(), func.sum(PointEntry.points))
        .where(PointEntry.community_id == community_id, PointEntry.kind == "award",
               PointEntry.person.in_(person_names))
        .group_by(PointEntry.person, func.extract("year", PointEntry.earned_on), PointEntry.activity)).all()
    out: dict[str, dict[int, dict[str, int]]] = {}
    for person, year, activity, count, _points in rows:
        out.setdefault(person, {}).setdefault(int(year), {})[activity or "other"] = int(count)
    return out


def categories_of(community_id: int, year: int):
    from .models import AwardCategory
    return list(db.session.scalars(select(AwardCategory).where(
        AwardCategory.community_id == community_id, AwardCategory.year == year).order_by(AwardCategory.id)))


def published_list(community_id: int, year: int):
    from .models import RecognitionList
    return db.session.scalar(select(RecognitionList).where(
        RecognitionList.community_id == community_id, RecognitionList.year == year))


def points_earned_in(community_id: int, year: int, people: list[str] | None = None, limit: int | None = None
                     ) -> list[tuple[str, int]]:
    """Points earned by participation in ``year`` (awards only), most first."""
    query = (select(PointEntry.person, func.sum(PointEntry.points))
             .where(PointEntry.community_id == community_id, PointEntry.kind == "award",
                    func.extract("year", PointEntry.earned_on) == year)
             .group_by(PointEntry.person).order_by(func.sum(PointEntry.points).desc(), PointEntry.person))
    if people is not None:
        if not people:
            return []
        query = query.where(PointEntry.person.in_(people))
    if limit:
        query = query.limit(limit)
    return [(person, int(points)) for person, points in db.session.execute(query)]


def may_nominate(user, community: Community) -> bool:
    """The workshop and the street office record nominations from every channel; the community's
    organisers and owners nominate themselves or a neighbour."""
    if may_read_points(user, community):
        return True
    scope = scope_of(user)
    from ..registry.models import Compound
    compound_ids = set(scope.organiser_compound_ids) | set(scope.owner_voter_keys)
    if not compound_ids:
        return False
    return db.session.scalar(select(func.count(Compound.id)).where(
        Compound.id.in_(compound_ids), Compound.community_id == community.id)) > 0


@dataclass(frozen=True)
class MemberGrowth:
    compound: str
    name: str
    role: str
    years: dict  # year -> {activity: count}
    points: int


def growth(community: Community) -> list[MemberGrowth]:
    """Each sitting committee member of the community's compounds (and the ledger's people who match
    them by name), with their participation per year: what the mentor reads to see who is
    growing into the role. A ledger name matches a member's name exactly or ends with it after a
    title ("楼栋长 王德明" is 王德明)."""
    from ..committees.models import Committee, CommitteeMember
    from ..registry.models import Compound

    rows = db.session.execute(
        select(Compound.name, CommitteeMember.name, CommitteeMember.role)
        .join(Committee, Committee.compound_id == Compound.id)
        .join(CommitteeMember, CommitteeMember.committee_id == Committee.id)
        .where(Compound.community_id == community.id, CommitteeMember.left_on.is_(None))
        .order_by(Compound.name, CommitteeMember.id)).all()
    ledger = db.session.execute(
        select(PointEntry.person, func.extract("year", PointEntry.earned_on), PointEntry.activity, func.count(),
               func.sum(PointEntry.points))
        .where(PointEntry.community_id == community.id, PointEntry.kind == "award")
        .group_by(PointEntry.person, func.extract("year", PointEntry.earned_on), PointEntry.activity)).all()
    out, seen = [], set()
    for compound_name, name, role in rows:
        if (compound_name, name) in seen:
            continue
        seen.add((compound_name, name))
        years: dict[int, dict[str, int]] = {}
        points = 0
        for person, year, activity, count, total in ledger:
            if person == name or person.endswith(" " + name):
                bucket = years.setdefault(int(year), {})
                bucket[activity or "other"] = bucket.get(activity or "other", 0) + int(count)
                points += int(total or 0)
        out.append(MemberGrowth(compound_name, name, role, dict(sorted(years.items())), points))
    return out
