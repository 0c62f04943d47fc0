"""Issue 12 item 5: one large PDF never blocks a small one. Two renders in two threads of one
process: the one-page document finishes while the long one is still rendering."""
from __future__ import annotations

import threading
import time
from decimal import Decimal
from pathlib import Path

from flask import Flask

from committee_app.pdf import render_pdf

ROOT = Path(__file__).resolve().parents[2]


def _roll(voters: int) -> dict:
    return {"compound_name": "双柏小区", "generated_on": "2026-11-26", "issuer": "筹备组",
            "voters": [{"name": f"业主{n}", "kind": "owner", "units": [f"9栋-{n}"], "area": Decimal("10.00")}
                       for n in range(voters)],
            "totals": {"units": voters, "voters": voters, "headcount": voters, "area": Decimal(10 * voters)},
            "publicity": {"starts_on": "2026-12-01", "ends_on": "2026-12-15"}}


def test_a_one_page_pdf_is_not_kept_waiting_by_a_long_one():
    app = Flask(__name__, template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"))
    finished = {}

    def render(name: str, voters: int) -> None:
        with app.app_context():
            pdf = render_pdf("roll_notice.html", **_roll(voters))
        assert pdf.startswith(b"%PDF")
        finished[name] = time.monotonic()

    with app.app_context():
        render_pdf("roll_notice.html", **_roll(1))  # warm up fonts and templates
    big = threading.Thread(target=render, args=("big", 1500))
    big.start()
    time.sleep(2.0)  # the long document is well under way (past parsing, into layout)
    small = threading.Thread(target=render, args=("small", 1))
    small.start()
    small.join(timeout=60)
    big.join(timeout=300)
    assert set(finished) == {"big", "small"}
    assert finished["small"] < finished["big"]
