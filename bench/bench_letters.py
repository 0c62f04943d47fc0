"""Benchmark the voter letter batch against SPEC §5: long documents ≥ 10 pages/s.

    .venv/bin/python bench/bench_letters.py [--voters 300]

One page per voter with the voting code and its QR code (a PNG data: URI). Times the whole
batch as the organiser's button does it: issuing the codes (HMAC per code), building the
letters and their QR codes, and rendering the PDF.
"""
from __future__ import annotations

import argparse
import time

from _voting_fixture import big_compound, make_app

from bench_pdf import page_count

from committee_app.extensions import db

BAR = 10.0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--voters", type=int, default=300)
    args = parser.parse_args()
    from committee_app.pdf import render_pdf
    from committee_app.voting import operations, util

    app, _url = make_app()
    with app.app_context(), app.test_request_context(base_url="https://vote.example.cn"):
        compound, _ids = big_compound(args.voters, code="LTR")
        vote = operations.create_election(compound, title="第三届业主委员会选举", seats=7,
                                          candidates=[f"候选人{n}" for n in range(1, 10)], actor="bench")
        db.session.commit()
        # warm up fonts and templates with a small batch
        warm = operations.issue_codes(vote, actor="bench")
        render_pdf("voter_letters.html", **util.letters_context(vote, compound, dict(list(warm.items())[:3]),
                                                                "https://vote.example.cn"))
        start = time.perf_counter()
        # letters go once per voter: the timed run is a (draft-only) reprint of every letter
        codes = operations.reprint_all_letters(vote, reason="bench: timed print run", actor="bench").codes
        context = util.letters_context(vote, compound, codes, "https://vote.example.cn")
        built = time.perf_counter()
        pdf = render_pdf("voter_letters.html", **context)
        elapsed = time.perf_counter() - start
        pages = page_count(pdf)
        rate = pages / elapsed
        print(f"{pages} letters ({len(pdf) / 1024:.0f} KiB) in {elapsed:.2f} s: codes and QR {built - start:.2f} s, "
              f"PDF {elapsed - (built - start):.2f} s → {rate:.1f} pages/s (bar ≥ {BAR:.0f})")
        ok = pages == args.voters and rate >= BAR
        print("PASS" if ok else "FAIL")
        return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
