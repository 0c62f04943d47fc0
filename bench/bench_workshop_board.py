"""The mentor's board with many compounds: SQL statements and time per request.

    python bench/bench_workshop_board.py            # SQLite in a temporary file
    DATABASE_URL=postgresql://... python bench/bench_workshop_board.py

Builds one community with N compounds (each with two sessions and three action items,
some overdue; every other one with a re-election under way), then requests /workshop/ as its mentor and reports the number of SQL
statements and the median time. The bar (SPEC §5): the count does not grow with N.
"""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event  # noqa: E402

from committee_app import clock, create_app  # noqa: E402
from committee_app.accounts import operations as accounts  # noqa: E402
from committee_app.accounts.models import Role, User  # noqa: E402
from committee_app.extensions import db  # noqa: E402
from committee_app.registry import operations as registry  # noqa: E402
from committee_app.registry.models import Community  # noqa: E402
from committee_app.procedures import operations as procedures  # noqa: E402
from committee_app.workshop import operations  # noqa: E402

SIZES = (3, 30, 300)
RUNS = 7


def build(app, size: int, start: int) -> None:
    with app.app_context():
        community = db.session.scalar(db.select(Community))
        mentor = db.session.scalar(db.select(User).where(User.username == "mentor"))
        today = clock.today()
        for n in range(start, size):
            compound = registry.create_compound(f"B{n:04d}", f"小区{n:04d}", community)
            db.session.flush()
            if n % 2:  # every other compound has a re-election under way
                procedures.start_procedure(compound, "reelection", on=today - timedelta(days=40),
                                           meeting_on=today + timedelta(days=5 + n % 30))
            for days_ago in (40, 6):
                operations.log_session(
                    compound, held_on=today - timedelta(days=days_ago), topics=["reelection"], advice="按程序推进。",
                    guest_names=["筹备组成员"], mentor=mentor, items=[
                        operations.NewItem("核对名册", "甲", today + timedelta(days=n % 7 - 3)),
                        operations.NewItem("报告街道", "乙", today + timedelta(days=n % 11)),
                    ] if days_ago == 6 else [operations.NewItem("整理档案", "丙", today - timedelta(days=2))])
        db.session.commit()


def main() -> None:
    tmp = tempfile.mkdtemp()
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite3"
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url,
                      "WTF_CSRF_ENABLED": False, "UPLOAD_FOLDER": tmp})
    with app.app_context():
        db.drop_all()
        db.create_all()
        street = registry.create_street("基准街道")
        community = registry.create_community(street, "基准社区")
        mentor = accounts.create_user("mentor", "导师", "bench-pass-1")
        accounts.grant_role(mentor, Role.MENTOR, community_id=community.id)
        db.session.commit()
    client = app.test_client()
    assert client.post("/login", data={"username": "mentor", "password": "bench-pass-1"}).status_code == 302
    print(f"database: {url.split(':')[0]}")
    built = 0
    results = []
    for size in SIZES:
        build(app, size, built)
        built = size
        with app.app_context():
            statements: list[str] = []
            listener = lambda *args: statements.append(args[2])  # noqa: E731
            event.listen(db.engine, "before_cursor_execute", listener)
            times = []
            for _ in range(RUNS):
                statements.clear()
                started = time.perf_counter()
                response = client.get("/workshop/")
                times.append(time.perf_counter() - started)
                assert response.status_code == 200
            event.remove(db.engine, "before_cursor_execute", listener)
        median = statistics.median(times)
        results.append((size, len(statements), median))
        print(f"{size:>5} compounds: {len(statements):>3} SQL statements per request, median {median * 1000:.1f} ms")
    counts = {count for _size, count, _median in results}
    with app.app_context():
        db.drop_all()
        db.engine.dispose()
    if len(counts) != 1:
        print("FAIL: the statement count grows with the number of compounds")
        sys.exit(1)
    print("OK: constant statement count")


if __name__ == "__main__":
    main()
