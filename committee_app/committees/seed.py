"""Demo committees: 精城名典 mid-term, 中铁一期 re-election upcoming, 中铁二期 re-election due."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from ..extensions import db
from ..registry.models import Voter
from ..rules import add_months
from . import operations

SURNAMES = "陈王李张刘杨黄赵吴周徐孙马朱胡郭何"


def _members(compound, count: int, seed: int) -> list[tuple[str, int | None, str]]:
    voters = db.session.scalars(select(Voter).where(Voter.compound_id == compound.id, Voter.kind == "owner")
                                .order_by(Voter.id).offset(seed).limit(count * 3)).all()[::3]
    roles = ["chair", "vice_chair"] + ["member"] * (count - 2)
    return [(voter.display_name.split("、")[0], voter.id, role) for voter, role in zip(voters, roles)]


def _install(ctx, name: str, term_ends_on, count: int, seed: int):
    compound = ctx.compounds[name]
    # a five-year term whose last day falls on (or a day next to) ``term_ends_on``
    term_starts_on = add_months(term_ends_on, -60) + timedelta(days=1)
    return operations.record_committee(compound, members=_members(compound, count, seed), elected_on=term_starts_on,
                                       filed_on=term_starts_on + timedelta(days=20), actor="seed-demo")


def seed_committees(ctx) -> None:
    today = ctx.today
    _install(ctx, "精城名典", add_months(today, 38), 7, 0)   # plenty of term left
    _install(ctx, "中铁一期", add_months(today, 4), 7, 1)    # re-election upcoming (due in a month)
    _install(ctx, "中铁二期", add_months(today, 2), 5, 2)    # re-election due
