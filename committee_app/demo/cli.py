from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from .. import clock
from ..accounts import operations as accounts
from ..accounts.models import Role, User
from ..extensions import db
from ..features import hooks
from ..registry import operations as registry
from ..registry.models import Community, Compound, Street, Voter
from .rolls import demo_roll_csv

DEMO_PASSWORD = "demo1234"

# (code, name, seed, buildings, floors, flats per floor) — nine compounds of Shuangbai community
COMPOUNDS = [
    ("JCMD", "精城名典", 1, 3, 8, 2),
    ("LD3Q", "绿地三期", 2, 3, 9, 2),
    ("ZT1Q", "中铁一期", 3, 4, 9, 2),
    ("ZT2Q", "中铁二期", 4, 3, 8, 2),
    ("BLHY", "柏林花语", 5, 2, 8, 2),
    ("WKCS", "望丛春晓", 6, 2, 7, 2),
    ("XHWA", "犀浦和园", 7, 2, 7, 2),
    ("JHLJ", "锦华丽景", 8, 2, 6, 2),
    ("TFXC", "天府新城", 9, 2, 6, 2),
]

# username, display name, role, scope
ACCOUNTS = [
    ("admin", "系统管理员", Role.ADMIN, None),
    ("street", "街道办 刘晓岚", Role.STREET_OFFICER, "street"),
    ("mentor", "何文斌（精城名典业委会主任 · 工作室导师）", Role.MENTOR, "community"),
    ("organiser", "中铁一期换届小组 周建国", Role.ORGANISER, "ZT1Q"),
    ("organiser_ld", "绿地三期筹备组 孙丽", Role.ORGANISER, "LD3Q"),
    ("organiser_jc", "精城名典业委会 陈志宏", Role.ORGANISER, "JCMD"),
    ("owner", "中铁一期业主", Role.OWNER, "ZT1Q"),
    ("owner_ld", "绿地三期业主", Role.OWNER, "LD3Q"),
]


@dataclass
class DemoContext:
    """What feature seeders get: the demo's street, community, compounds and accounts."""

    street: Street
    community: Community
    compounds: dict[str, Compound]  # by name, e.g. ctx.compounds["中铁一期"]
    users: dict[str, User]  # by username
    today: date
    notes: list[str] = field(default_factory=list)


@click.command("seed-demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already holds compounds.")
def seed_demo(if_empty: bool) -> None:
    """Seed the Shuangbai community demo (invented people) and one account per role."""
    if db.session.scalar(select(func.count(Compound.id))):
        if if_empty:
            click.echo("database already seeded; nothing to do")
            print_logins()
            return
        raise click.ClickException("the database already holds compounds; seed-demo runs on an empty database")
    ctx = build_demo()
    for _order, name, seeder in sorted(hooks().seeders, key=lambda item: item[:2]):
        seeder(ctx)
        db.session.flush()
        current_app.logger.info("seeded %s", name)
    db.session.commit()
    click.echo("demo seeded: Shuangbai community, 9 compounds")
    print_logins()


def build_demo() -> DemoContext:
    street = registry.create_street("郫筒街道", "郫都区")
    community = registry.create_community(street, "双柏社区")
    compounds: dict[str, Compound] = {}
    for code, name, seed, buildings, floors, per_floor in COMPOUNDS:
        compound = registry.create_compound(code, name, community, address=f"成都市郫都区郫筒街道{name}")
        roll = demo_roll_csv(seed, buildings, floors, per_floor)
        registry.import_roll(compound, f"{name}业主名册.csv", roll, imported_by="seed-demo")
        compounds[name] = compound
    by_code = {c.code: c for c in compounds.values()}
    users: dict[str, User] = {}
    for username, display_name, role, scope in ACCOUNTS:
        user = accounts.create_user(username, display_name, DEMO_PASSWORD)
        kwargs: dict = {}
        if scope == "street":
            kwargs["street_id"] = street.id
        elif scope == "community":
            kwargs["community_id"] = community.id
        elif scope in by_code:
            kwargs["compound_id"] = by_code[scope].id
            if role == Role.OWNER:
                voter = db.session.scalars(
                    select(Voter).where(Voter.compound_id == by_code[scope].id, Voter.kind == "owner").order_by(Voter.id)
                ).first()
                kwargs["voter_key"] = voter.key
                user.display_name = f"{voter.display_name}（{by_code[scope].name}业主）"
        accounts.grant_role(user, role, **kwargs)
        users[username] = user
    return DemoContext(street, community, compounds, users, clock.today())


def print_logins() -> None:
    click.echo(f"demo logins (password {DEMO_PASSWORD} for each):")
    for username, display_name, role, _scope in ACCOUNTS:
        click.echo(f"  {username:<13} {role.value:<15} {display_name}")
