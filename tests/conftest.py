"""Shared fixtures: an app on a fresh database per test, a client, a CLI runner, and a
small world of one street with two communities, three compounds and one account per
role (plus outsiders), built through the real operations.

Set DATABASE_URL to run the whole suite on PostgreSQL; otherwise SQLite in a temporary
file. The schema is created once per session; each test starts from empty tables.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime

import pytest
from sqlalchemy import text

from committee_app import clock, create_app
from committee_app.extensions import db

PASSWORD = "test-pass-123"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")


@pytest.fixture(scope="session")
def _schema(database_url, tmp_path_factory):
    app = create_app(_test_config(database_url, tmp_path_factory.mktemp("instance")))
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.session.remove()
        db.engine.dispose()
    return True


def _test_config(database_url: str, upload_dir) -> dict:
    return {
        "TESTING": True,
        "ROWS_STRICT": True,  # a bug inside an isolated row fails the test (web/rows.py)
        "SECRET_KEY": "test",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "UPLOAD_FOLDER": str(upload_dir),
        "AUDIT_KEY_FILE": str(upload_dir) + "-audit_key",  # never the project's instance/audit_key
        "SERVER_NAME": "localhost",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # fast hashing for tests only
        # this process's queue, even with REDIS_URL in the environment: the job tests choose
        # SQLite or Redis themselves (tests/jobs/conftest.py), tests/jobs/helpers.run_queued drains it
        "JOBS_QUEUE": "memory",
    }


def _empty_all_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{table.name}"' for table in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        db.session.commit()
        return
    # PRAGMA foreign_keys is ignored inside a transaction: switch it outside one.
    db.session.remove()
    with db.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
        for table in tables:
            connection.execute(table.delete())
        connection.commit()
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.commit()
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


@pytest.fixture
def app(_schema, database_url, tmp_path):
    app = create_app(_test_config(database_url, tmp_path / "uploads"))
    with app.app_context():
        _empty_all_tables()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    clock.freeze(None)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def frozen_clock():
    """Freeze the clock: ``frozen_clock(datetime(2026, 11, 26, 2, 0))`` (naive UTC)."""
    def freeze(moment: datetime) -> None:
        clock.freeze(moment)
    yield freeze
    clock.freeze(None)


def roll_csv(rows: list[str], header: str = "楼栋,房号,面积,业主,业主编号,状态,手机,车位") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


# A small roll: 6 units, 5 voters (a two-flat buyer, a co-owned flat, developer stock of
# two flats, one ordinary flat... ) — see World.voters for keys.
SMALL_ROLL = roll_csv([
    "1栋,1-101,100.00,张三,R1,已售,,",
    "1栋,1-102,80.50,张三,R1,已售,,",
    "1栋,1-201,90.00,李四、王芳,,已售,,",
    "1栋,1-202,95.25,赵喆,,已售,,",
    "2栋,2-101,120.00,,,未售,,",
    "2栋,2-102,110.00,,,未售,,",
    "车库,P-001,12.00,钱堃,,已售,,是",
])


@dataclass
class World:
    """Accounts by role name and the compounds they cover.

    compound A (``a``) and B (``b``) are in community ``community`` of ``street``;
    compound C (``c``) is in ``other_community`` of ``other_street``.
    """

    street: object
    other_street: object
    community: object
    other_community: object
    a: object
    b: object
    c: object
    users: dict = field(default_factory=dict)

    ROLES = ("admin", "officer", "community_officer", "outside_officer", "mentor", "outside_mentor",
             "organiser", "other_organiser", "owner", "other_owner")


@pytest.fixture
def world(app) -> World:
    from committee_app.accounts import operations as accounts
    from committee_app.accounts.models import Role
    from committee_app.registry import operations as registry
    from committee_app.registry.models import Voter

    with app.app_context():
        street = registry.create_street("测试街道")
        other_street = registry.create_street("另一街道")
        community = registry.create_community(street, "测试社区")
        other_community = registry.create_community(other_street, "另一社区")
        a = registry.create_compound("A", "甲小区", community)
        b = registry.create_compound("B", "乙小区", community)
        c = registry.create_compound("C", "丙小区", other_community)
        for compound in (a, b, c):
            registry.import_roll(compound, "roll.csv", SMALL_ROLL, imported_by="test")
        owner_key = db.session.scalar(db.select(Voter.key).where(Voter.compound_id == a.id, Voter.display_name == "赵喆"))
        other_key = db.session.scalar(db.select(Voter.key).where(Voter.compound_id == b.id, Voter.display_name == "赵喆"))
        specs = {
            "admin": (Role.ADMIN, {}),
            "officer": (Role.STREET_OFFICER, {"street_id": street.id}),
            "community_officer": (Role.STREET_OFFICER, {"community_id": community.id}),
            "outside_officer": (Role.STREET_OFFICER, {"street_id": other_street.id}),
            "mentor": (Role.MENTOR, {"community_id": community.id}),
            "outside_mentor": (Role.MENTOR, {"community_id": other_community.id}),
            "organiser": (Role.ORGANISER, {"compound_id": a.id}),
            "other_organiser": (Role.ORGANISER, {"compound_id": b.id}),
            "owner": (Role.OWNER, {"compound_id": a.id, "voter_key": owner_key}),
            "other_owner": (Role.OWNER, {"compound_id": b.id, "voter_key": other_key}),
        }
        users = {}
        for name, (role, scope) in specs.items():
            user = accounts.create_user(name, name, PASSWORD)
            accounts.grant_role(user, role, **scope)
            users[name] = user.id
        db.session.commit()
        world = World(street.id, other_street.id, community.id, other_community.id, a.id, b.id, c.id, users)
    return world


def login(client, username: str, password: str = PASSWORD):
    return client.post("/login", data={"username": username, "password": password})


@pytest.fixture
def login_as(client):
    """``login_as("organiser")`` logs the test client in as that world account."""
    def do_login(username: str):
        client.post("/logout")
        response = login(client, username)
        assert response.status_code == 302, f"login as {username} failed"
        return client
    return do_login
