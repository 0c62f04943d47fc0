"""Fixtures for nominations: compound A with a smaller co-signer minimum (its roll has
four non-developer voters), and helpers that find people on A's roll by name."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from committee_app.extensions import db
from committee_app.registry.models import Compound, Owner

# 2026-11-26 10:00 in Shanghai
NOON = datetime(2026, 11, 26, 2, 0)
TODAY = date(2026, 11, 26)


@pytest.fixture
def compound_a(app, world):
    """Compound A with joint_nomination_min_cosigners = 2; returns a loader for use in app contexts."""
    with app.app_context():
        compound = db.session.get(Compound, world.a)
        compound.setting_overrides = {"joint_nomination_min_cosigners": 2}
        db.session.commit()

    def load() -> Compound:
        return db.session.get(Compound, world.a)
    return load


@pytest.fixture
def person(world):
    """``person("李四")`` → the Owner id of that person on compound A's roll (or ``compound="b"``)."""
    def find(name: str, compound: str = "a") -> int:
        compound_id = getattr(world, compound)
        owner_id = db.session.scalar(db.select(Owner.id).where(Owner.compound_id == compound_id, Owner.name == name))
        assert owner_id is not None, name
        return owner_id
    return find


@pytest.fixture
def users(world):
    from committee_app.accounts.models import User

    def get(name: str) -> User:
        return db.session.get(User, world.users[name])
    return get
