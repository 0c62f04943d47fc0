"""Benchmark the PDF engine against SPEC §5: one-page notice ≤ 0.3 s median, long documents ≥ 10 pages/s.

Run from the project root:  .venv/bin/python bench/bench_pdf.py
Standalone: builds its own minimal Flask app on the repo's templates/ and static/.
"""

import re
import statistics
import sys
import time
import zlib
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402

from committee_app.pdf import render_pdf  # noqa: E402


def roll_notice_context(voter_count: int) -> dict:
    voters = [
        {"name": "开发建设单位（未售/未交付）", "kind": "developer",
         "units": [f"5栋-{n}" for n in range(101, 121)], "area": Decimal("1800.00")},
        {"name": "李四、王堃", "kind": "co_owned", "units": ["3栋-1-202"], "area": Decimal("120.25")},
    ]
    for n in range(voter_count - len(voters)):
        units = [f"{n // 100 + 1}栋-{n % 4 + 1}-{n % 100 + 101}"]
        if n % 10 == 0:
            units.append(f"车位A-{n}")
        voters.append({"name": f"赵喆{n}", "kind": "owner", "units": units,
                       "area": Decimal("89.50") + (12 if n % 10 == 0 else 0)})
    return {
        "compound_name": "双柏小区",
        "generated_on": "2026-11-26",
        "issuer": "双柏小区首次业主大会筹备组",
        "voters": voters,
        "totals": {"units": sum(len(v["units"]) for v in voters), "voters": len(voters),
                   "headcount": len(voters), "area": sum(v["area"] for v in voters)},
        "publicity": {"starts_on": "2026-12-01", "ends_on": "2026-12-15"},
    }


def page_count(pdf: bytes) -> int:
    """Pages of a PDF: the /Count of its page tree, looked up in plain and compressed objects."""
    counts = [int(m) for m in re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", pdf)]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            text = zlib.decompress(stream)
        except zlib.error:
            continue
        counts += [int(m) for m in re.findall(rb"/Count\s+(\d+)", text)]
    return max(counts, default=0)


def main() -> None:
    app = Flask(__name__, template_folder=str(ROOT / "templates"),
                static_folder=str(ROOT / "static"))
    with app.app_context():
        small = roll_notice_context(12)
        render_pdf("roll_notice.html", **small)  # warm up: fonts, imports, template cache
        times = []
        for _ in range(10):
            started = time.perf_counter()
            pdf = render_pdf("roll_notice.html", **small)
            times.append(time.perf_counter() - started)
        one_page = statistics.median(times)
        print(f"one-page roll notice ({page_count(pdf)} page(s), 12 voters): "
              f"median {one_page:.3f} s over 10 runs (bar ≤ 0.300 s) "
              f"{'OK' if one_page <= 0.3 else 'TOO SLOW'}")

        large = roll_notice_context(1000)
        runs = []
        for _ in range(3):
            started = time.perf_counter()
            pdf = render_pdf("roll_notice.html", **large)
            runs.append(time.perf_counter() - started)
        elapsed = statistics.median(runs)
        pages = page_count(pdf)
        rate = pages / elapsed
        print(f"1,000-voter roll notice: {pages} pages in {elapsed:.2f} s (median of 3) = "
              f"{rate:.1f} pages/s (bar ≥ 10) {'OK' if rate >= 10 else 'TOO SLOW'}; "
              f"{len(pdf) / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
