"""Who may do what, decided in one place.

Every view loads its object, then asks this module (``authorize``), then acts.
Abilities are small and composable; each feature maps its actions onto them:

- ``READ``     read a compound's records: admin, a street officer whose street or
               community holds it, the mentor of its community's workshop, its organisers.
- ``MANAGE``   run its procedures and records: admin and its organisers.
- ``SIGN_OFF`` sign off or return steps the rules give the street office: a street
               officer in scope (and admin).
- ``COACH``    log coaching and workshop records for it: the mentor of its community
               (and admin).
- ``VOTE``     act as an owner of it (nominate, vote, propose): a user with an owner
               grant for it; use :func:`owner_voter` to get their voter record.
- ``ADMIN``    installation administration.
- ``PERSONAL_DATA`` see the full roll (owners' names, units, areas, phones: the roll page,
               the full roll notice PDF, any roll export): admin, its organisers and a street
               officer in scope. Organisers keep the roll, send the letters and answer the
               roll's objections (SPC arts 8-9); the street office checks the roll it signs
               off and answers owners' complaints. The workshop mentor coaches the procedure
               and needs counts, not people, so is left out (PIPL art 6: no more than the
               purpose needs); owners and anonymous visitors see the masked public notice.
               Every view or download is audited (``privacy.audit_personal_data``).
- ``REPRINT_LETTER`` reprint one voter's letter (a new code, the old one void) with a
               reason: admin and its organisers, who deliver the letters. Audited with the
               organiser's name; a bulk reprint is refused once the vote is open.
- ``READ_BALLOT`` read one voter's ballot (court or complaint inspection; owners' ballots
               are named, GR art 22): admin and a street officer in scope, with a reason,
               every read audited. Organisers run the vote and may be the ones whose
               conduct is questioned, so they count ballots but never read one voter's
               online ballot; the UI never shows the voter beside a ballot.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from flask import abort, g
from flask_login import current_user
from sqlalchemy import Select, false, or_, select
from sqlalchemy.orm import joinedload

from .accounts.models import Role
from .extensions import db, login_manager
from .registry.models import Community, Compound, Voter


class Ability(StrEnum):
    READ = "read"
    MANAGE = "manage"
    SIGN_OFF = "sign_off"
    COACH = "coach"
    VOTE = "vote"
    ADMIN = "admin"
    PERSONAL_DATA = "personal_data"
    REPRINT_LETTER = "reprint_letter"
    READ_BALLOT = "read_ballot"


@dataclass(frozen=True)
class Scope:
    """Everything a user's grants cover, computed once per request."""

    is_admin: bool = False
    officer_street_ids: frozenset[int] = frozenset()
    officer_community_ids: frozenset[int] = frozenset()
    mentor_community_ids: frozenset[int] = frozenset()
    organiser_compound_ids: frozenset[int] = frozenset()
    owner_voter_keys: dict[int, str] = field(default_factory=dict)  # compound_id -> voter key

    @property
    def is_officer(self) -> bool:
        return bool(self.officer_street_ids or self.officer_community_ids)

    @property
    def is_mentor(self) -> bool:
        return bool(self.mentor_community_ids)


def scope_of(user: Any) -> Scope:
    if user is None or not getattr(user, "is_authenticated", False):
        return Scope()
    cache = g.setdefault("_policy_scopes", {})
    if user.id not in cache:
        cache[user.id] = _build_scope(user)
    return cache[user.id]


def _build_scope(user: Any) -> Scope:
    streets, officer_communities, mentor_communities, compounds = set(), set(), set(), set()
    owner_keys: dict[int, str] = {}
    is_admin = False
    for grant in user.grants:
        if grant.role == Role.ADMIN:
            is_admin = True
        elif grant.role == Role.STREET_OFFICER:
            if grant.street_id:
                streets.add(grant.street_id)
            if grant.community_id:
                officer_communities.add(grant.community_id)
        elif grant.role == Role.MENTOR and grant.community_id:
            mentor_communities.add(grant.community_id)
        elif grant.role == Role.ORGANISER and grant.compound_id:
            compounds.add(grant.compound_id)
        elif grant.role == Role.OWNER and grant.compound_id and grant.voter_key:
            owner_keys[grant.compound_id] = grant.voter_key
    return Scope(is_admin, frozenset(streets), frozenset(officer_communities),
                 frozenset(mentor_communities), frozenset(compounds), owner_keys)


def _community_street(community_id: int | None) -> int | None:
    if community_id is None:
        return None
    cache = g.setdefault("_policy_community_street", {})
    if community_id not in cache:
        cache[community_id] = db.session.scalar(select(Community.street_id).where(Community.id == community_id))
    return cache[community_id]


def _officer_covers(scope: Scope, compound: Compound) -> bool:
    if compound.community_id in scope.officer_community_ids:
        return True
    return bool(scope.officer_street_ids) and _community_street(compound.community_id) in scope.officer_street_ids


def can(user: Any, ability: Ability, compound: Compound | None = None) -> bool:
    scope = scope_of(user)
    if ability == Ability.ADMIN:
        return scope.is_admin
    if compound is None:
        # "may this user do this to some compound at all?" (navigation, landing pages)
        return scope.is_admin or {
            Ability.READ: scope.is_officer or scope.is_mentor or bool(scope.organiser_compound_ids),
            Ability.MANAGE: bool(scope.organiser_compound_ids),
            Ability.SIGN_OFF: scope.is_officer,
            Ability.COACH: scope.is_mentor,
            Ability.VOTE: bool(scope.owner_voter_keys),
            Ability.PERSONAL_DATA: bool(scope.organiser_compound_ids) or scope.is_officer,
            Ability.REPRINT_LETTER: bool(scope.organiser_compound_ids),
            Ability.READ_BALLOT: scope.is_officer,
        }[ability]
    if ability == Ability.VOTE:
        return compound.id in scope.owner_voter_keys
    if scope.is_admin:
        return True
    if ability == Ability.READ:
        return (compound.id in scope.organiser_compound_ids
                or compound.community_id in scope.mentor_community_ids
                or _officer_covers(scope, compound))
    if ability == Ability.MANAGE:
        return compound.id in scope.organiser_compound_ids
    if ability == Ability.SIGN_OFF:
        return _officer_covers(scope, compound)
    if ability == Ability.COACH:
        return compound.community_id in scope.mentor_community_ids
    if ability == Ability.PERSONAL_DATA:
        return compound.id in scope.organiser_compound_ids or _officer_covers(scope, compound)
    if ability == Ability.REPRINT_LETTER:
        return compound.id in scope.organiser_compound_ids
    if ability == Ability.READ_BALLOT:
        return _officer_covers(scope, compound)
    return False


def authorize(ability: Ability, compound: Compound | None = None) -> None:
    """Abort the request unless the current user has ``ability`` (on ``compound``).

    Anonymous users are sent to log in; signed-in users without the ability get 403.
    """
    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())
    if not can(current_user, ability, compound):
        abort(403)


def owner_voter(user: Any, compound: Compound) -> Voter | None:
    """The voter record the user may act as in ``compound``, if any: found by its key, so an
    owner's account follows them across roll versions, and only while they are on the roll."""
    key = scope_of(user).owner_voter_keys.get(compound.id)
    if key is None:
        return None
    return db.session.scalar(select(Voter).where(Voter.compound_id == compound.id, Voter.key == key,
                                                 Voter.is_on_roll))


def compounds_where(user: Any, ability: Ability) -> Select:
    """``select(Compound)`` limited to the compounds on which the user has ``ability``."""
    scope = scope_of(user)
    query = select(Compound)
    if ability == Ability.VOTE:
        return query.where(Compound.id.in_(scope.owner_voter_keys) if scope.owner_voter_keys else false())
    if scope.is_admin:
        return query
    conditions = []
    if ability in (Ability.READ, Ability.MANAGE) and scope.organiser_compound_ids:
        conditions.append(Compound.id.in_(scope.organiser_compound_ids))
    if ability in (Ability.READ, Ability.COACH) and scope.mentor_community_ids:
        conditions.append(Compound.community_id.in_(scope.mentor_community_ids))
    if ability in (Ability.READ, Ability.SIGN_OFF):
        if scope.officer_community_ids:
            conditions.append(Compound.community_id.in_(scope.officer_community_ids))
        if scope.officer_street_ids:
            conditions.append(Compound.community_id.in_(
                select(Community.id).where(Community.street_id.in_(scope.officer_street_ids))))
    return query.where(or_(*conditions) if conditions else false())


def get_compound_or_404(code: str) -> Compound:
    # its community and street in the same query: the scope check and the page header read them
    compound = db.session.scalar(select(Compound).where(Compound.code == code)
                                 .options(joinedload(Compound.community).joinedload(Community.street)))
    if compound is None:
        abort(404)
    return compound
