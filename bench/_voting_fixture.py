"""Shared set-up for the voting benchmarks: an app on a fresh schema and a big compound.

BENCH_DATABASE_URL=postgresql://… selects PostgreSQL (its schema is dropped and recreated:
a benchmark database, never a real one, hence not DATABASE_URL); default is a temporary
SQLite file.
"""
from __future__ import annotations

import os
import random
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select  # noqa: E402

from committee_app import create_app  # noqa: E402
from committee_app.extensions import db  # noqa: E402


def make_app(fresh: bool = True):
    url = os.environ.get("BENCH_DATABASE_URL") or "sqlite:///" + str(Path(tempfile.mkdtemp()) / "bench.sqlite3")
    config = {"SQLALCHEMY_DATABASE_URI": url, "TESTING": True}
    app = create_app(config)
    if fresh:
        with app.app_context():
            db.drop_all()
            db.create_all()
    return app, url


def big_compound(voters: int, code: str = "BIG", seed: int = 20):
    """A compound with ``voters`` voters (one flat each, the developer's stock as one), inserted in bulk."""
    from committee_app.registry import operations as registry
    from committee_app.registry.models import Compound, Voter

    rng = random.Random(seed)
    compound = registry.create_compound(code, "基准小区")
    rows = []
    for n in range(voters):
        area = Decimal(rng.randint(6000, 16000)) / 100
        rows.append({"compound_id": compound.id, "key": f"V{n}", "kind": "developer" if n == 0 else "owner",
                     "display_name": f"业主{n}", "unit_count": 1, "area": area,
                     "parking_area": Decimal("0.00")})
    db.session.execute(insert(Voter), rows)
    db.session.flush()
    ids = list(db.session.scalars(select(Voter.id).where(Voter.compound_id == compound.id).order_by(Voter.id)))
    return db.session.get(Compound, compound.id), ids
