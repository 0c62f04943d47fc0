"""The street office's board with many compounds: SQL statements and time per request.

    python bench/bench_oversight_board.py            # SQLite in a temporary file
    DATABASE_URL=postgresql://... python bench/bench_oversight_board.py   # (drops and recreates the schema)

Builds one street with N compounds in two communities, each with a sitting committee,
every other one with a re-election under way (a step waiting for the street office's
sign-off, a roll notice on the board), every fifth with a committee decision posted, every
third with a counted vote and every fourth with a committee meeting (attendance, motion votes);
then requests /oversight/ as the street officer, asks for the board CSV (a job: the request
only queues it) and runs that job in this process as a worker would, and reports the number of
SQL statements and the median time of each. The bar (SPEC §5): the count does not grow with N.
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
from committee_app.accounts.models import Role  # noqa: E402
from committee_app.committees.models import Committee, CommitteeMember  # noqa: E402
from committee_app.extensions import db  # noqa: E402
from committee_app.notices.operations import post_notice  # noqa: E402
from committee_app.procedures import operations as procedures  # noqa: E402
from committee_app.registry import operations as registry  # noqa: E402
from committee_app.registry.models import Community  # noqa: E402
from committee_app.rules import add_months  # noqa: E402

SIZES = tuple(int(n) for n in os.environ.get("BENCH_SIZES", "3,30,300,1000").split(","))
RUNS = 5


def build(app, size: int, start: int) -> None:
    with app.app_context():
        communities = db.session.scalars(db.select(Community).order_by(Community.id)).all()
        today = clock.today()
        for n in range(start, size):
            compound = registry.create_compound(f"B{n:04d}", f"小区{n:04d}", communities[n % 2])
            db.session.flush()
            ends = today + timedelta(days=(n * 7) % 1500 - 200)
            committee = Committee(compound_id=compound.id, elected_on=add_months(ends, -60),
                                  term_starts_on=add_months(ends, -60), term_ends_on=ends, is_current=True,
                                  filed_on=add_months(ends, -60) + timedelta(days=20 + n % 20))
            committee.members = [CommitteeMember(name=f"委员{k}", role="chair" if k == 0 else "member",
                                                 joined_on=committee.term_starts_on) for k in range(5)]
            db.session.add(committee)
            if n % 2:
                procedure = procedures.start_procedure(compound, "reelection", on=today - timedelta(days=40),
                                                       term_ends_on=ends, meeting_on=today + timedelta(days=20 + n % 30))
                procedures.complete_step(procedure.steps[0], on=today - timedelta(days=39))
                post_notice(compound, kind="roll_notice", title="业主名册公示", posted_on=today - timedelta(days=3),
                            publicity_days=15)
            if n % 5 == 0:
                post_notice(compound, kind="committee_decision", title="业委会决定", posted_on=today - timedelta(days=9))
            db.session.flush()
            _vote_and_meeting(compound, committee, n, today)
        db.session.commit()


def _vote_and_meeting(compound, committee, n: int, today) -> None:
    """Every third compound a counted vote, every fourth a committee meeting with votes (when installed)."""
    from datetime import datetime

    try:
        from committee_app.meetings.models import CommitteeMeeting, MeetingAttendance, Motion, MotionVote
        from committee_app.voting.models import Vote
    except ImportError:
        return
    if n % 3 == 0:
        db.session.add(Vote(compound_id=compound.id, kind="motion", subject="maintenance_funds_use", matter="ordinary",
                            title="使用维修资金", state="counted", opened_at=datetime(2026, 10, 1, 1),
                            result={"roll": {"headcount": 300, "area": "30000.00"},
                                    "participation": {"headcount": 220, "area": "22000.00"}, "status": "decided",
                                    "passed": True, "votes": {"for": {"headcount": 150, "area": "15000.00"}}}))
    if n % 4 == 0:
        meeting = CommitteeMeeting(compound_id=compound.id, committee_id=committee.id, title="业委会会议",
                                   meeting_on=today - timedelta(days=10), agenda_posted_on=today - timedelta(days=18),
                                   is_attendance_recorded=True, decisions_posted_on=today - timedelta(days=9))
        db.session.add(meeting)
        db.session.flush()
        motion = Motion(meeting_id=meeting.id, position=1, text="议案", is_voted=True)
        db.session.add(motion)
        db.session.flush()
        for member in committee.members[:4]:
            db.session.add(MeetingAttendance(meeting_id=meeting.id, member_id=member.id))
            db.session.add(MotionVote(motion_id=motion.id, member_id=member.id, choice="for"))


def measure(app, client, path: str) -> tuple[int, float]:
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)
    client.get(path)  # warm up
    times = []
    event.listen(engine, "before_cursor_execute", count)
    try:
        for _ in range(RUNS):
            statements.clear()
            started = time.perf_counter()
            response = client.get(path)
            times.append(time.perf_counter() - started)
            assert response.status_code == 200, response.status_code
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(statements), statistics.median(times)


def measure_export(app, client) -> tuple[int, float, float]:
    """The board CSV as a job: (statements of the job's run, median request time, median job time).
    The request only queues the job; the job runs here with Huey's executor (the in-memory
    queue of a TESTING app), as a worker thread runs it."""
    huey = app.extensions["jobs_queue"].huey
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    def run_queued() -> None:
        while (task := huey.dequeue()) is not None:
            huey.execute(task)

    client.post("/oversight/board-csv-job")  # warm up
    run_queued()
    asks, runs = [], []
    for _ in range(RUNS):
        started = time.perf_counter()
        response = client.post("/oversight/board-csv-job")
        asks.append(time.perf_counter() - started)
        assert response.status_code == 303, response.status_code
        statements.clear()
        event.listen(engine, "before_cursor_execute", count)
        try:
            started = time.perf_counter()
            run_queued()
            runs.append(time.perf_counter() - started)
        finally:
            event.remove(engine, "before_cursor_execute", count)
    return len(statements), statistics.median(asks), statistics.median(runs)


def main() -> None:
    tmp = tempfile.mkdtemp()
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite3"
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url,
                      "WTF_CSRF_ENABLED": False, "UPLOAD_FOLDER": tmp})
    with app.app_context():
        db.drop_all()
        db.create_all()
        street = registry.create_street("基准街道")
        registry.create_community(street, "基准一社区")
        registry.create_community(street, "基准二社区")
        officer = accounts.create_user("street", "街道", "bench-pass-1")
        accounts.grant_role(officer, Role.STREET_OFFICER, street_id=street.id)
        db.session.commit()
    client = app.test_client()
    assert client.post("/login", data={"username": "street", "password": "bench-pass-1"}).status_code == 302
    print(f"oversight board on {url.split(':')[0]} ({RUNS} runs each, median)")
    built = 0
    for size in SIZES:
        build(app, size, built)
        built = size
        board_statements, board_time = measure(app, client, "/oversight/")
        csv_statements, ask_time, csv_time = measure_export(app, client)
        print(f"  {size:>5} compounds: board {board_statements} statements, {board_time * 1000:.0f} ms; "
              f"CSV job asked in {ask_time * 1000:.0f} ms, run {csv_statements} statements, {csv_time * 1000:.0f} ms")


if __name__ == "__main__":
    main()
