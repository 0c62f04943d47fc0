"""Roll import of 20,000 rows (bar: ≤ 10 s), on SQLite or on DATABASE_URL.

    .venv/bin/python bench/bench_roll_import.py [--rows 20000]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from committee_app import create_app  # noqa: E402
from committee_app.extensions import db  # noqa: E402


def roll_bytes(rows: int) -> bytes:
    lines = ["楼栋,房号,面积,业主,业主编号,状态,手机,车位"]
    for i in range(rows):
        building = f"{i // 400 + 1}栋"
        unit = f"{(i % 400) // 100 + 1}-{i % 100 + 101}"
        if i % 50 == 0:
            lines.append(f"{building},{unit},{80 + i % 70}.{i % 100:02d},,,未售,,")
        elif i % 10 == 0:
            lines.append(f"{building},{unit},{80 + i % 70}.{i % 100:02d},买受人{i // 20},R{i // 20},已售,,")
        elif i % 7 == 0:
            lines.append(f"{building},{unit},{80 + i % 70}.{i % 100:02d},业主{i}、共有人{i},,已售,,")
        else:
            lines.append(f"{building},{unit},{80 + i % 70}.{i % 100:02d},业主{i},,已售,13800000000,")
    return ("\n".join(lines) + "\n").encode("utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    from committee_app.registry import operations

    data = roll_bytes(args.rows)
    with app.app_context():
        db.drop_all()
        db.create_all()
        compound = operations.create_compound("BENCH", "基准小区")
        db.session.commit()
        started = time.perf_counter()
        result = operations.import_roll(compound, "roll.csv", data, imported_by="bench")
        db.session.commit()
        first = time.perf_counter() - started
        started = time.perf_counter()
        operations.import_roll(compound, "roll.csv", data, imported_by="bench")
        db.session.commit()
        again = time.perf_counter() - started
        print(f"roll import, {args.rows} rows on {db.engine.dialect.name}: first import {first:.2f} s "
              f"({result.units} units, {result.voters} voters), re-import of the same file {again:.2f} s (bar ≤ 10 s)")
        db.session.remove()
        db.drop_all()


if __name__ == "__main__":
    main()
