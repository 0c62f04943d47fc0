"""Routes of the job queue: asking for a long document needs the ability the document needs
(letters: manage the compound; the full roll notice: see the full roll; a count record or a
filing package: read the compound, a count record once the vote has closed; a street's report:
an officer of that street); a job's page, progress and download are for those who may read the
record it is about."""
from committee_app.extensions import db

from .core import PERSONAL_DATA_OF_A
from .oversight import _procedure_id
from .routes import ALL_ROLES, READERS_OF_A, Route
from .voting import _vote, base

MANAGERS = ("admin", "organiser")
OFFICERS = ("admin", "officer", "community_officer", "outside_officer")
ABILITIES = {"voting.letters": "manage", "registry.roll_notice": "personal_data"}


def _job(world, kind, state, target_id=None):
    from committee_app.accounts.models import User
    from committee_app.jobs import operations
    from committee_app.jobs.models import Job
    from committee_app.policy import Ability
    from committee_app.storage import operations as storage

    job = db.session.scalar(db.select(Job).where(Job.kind == kind, Job.state == state, Job.compound_id == world.a,
                                                 Job.target_id.is_(target_id) if target_id is None
                                                 else Job.target_id == target_id))
    if job is None:
        organiser = db.session.get(User, world.users["organiser"])
        job = operations.start_job(kind, actor=organiser, ability=Ability(ABILITIES.get(kind, "read")),
                                   compound_id=world.a, target_id=target_id)
        job.state = state
        if state == "done":
            job.stored_file_id = storage.store(b"%PDF-1.7 access test", filename="doc.pdf",
                                               content_type="application/pdf", purpose="jobs.test").id
        if state == "failed":
            job.error = "test"
        db.session.commit()
    return job.id


def done_roll_notice(world):
    return _job(world, "registry.roll_notice", "done")


def done_count_record(world, state="closed"):
    return _job(world, "voting.count_record", "done", _vote(world, f"计票记录访问测试（{state}）", state))


ROUTES = [
    Route("jobs.start_letters", lambda w: base(w) + "/letters-job", method="POST", allowed=MANAGERS, ok=(303,)),
    Route("jobs.start_reprint_all", lambda w: base(w, "草稿表决", "draft") + "/letters/reprint-all-job",
          method="POST", allowed=MANAGERS, ok=(303,), data={"reason": "打印件被雨淋湿"}),
    Route("jobs.start_reprint_all", lambda w: base(w) + "/letters/reprint-all-job", method="POST",
          allowed=MANAGERS, ok=(302,), data={"reason": "再印一次"},
          note="the vote is open: a bulk reprint is refused with a message, no job"),
    Route("jobs.start_count_record", lambda w: base(w, "已截止表决", "closed") + "/count-record-job", method="POST",
          allowed=READERS_OF_A, ok=(303,)),
    Route("jobs.start_count_record", lambda w: base(w) + "/count-record-job", method="POST",
          allowed=READERS_OF_A, ok=(303,), note="while owners vote: sent back to the turnout page, no job"),
    Route("jobs.start_roll_notice", lambda w: "/compounds/A/roll/notice-job", method="POST",
          allowed=PERSONAL_DATA_OF_A, ok=(303,), note="the full roll: names unmasked"),
    Route("jobs.start_filing_package", lambda w: f"/oversight/compounds/A/procedures/{_procedure_id(w)}/filing-job",
          method="POST", allowed=READERS_OF_A, ok=(303,)),
    Route("jobs.start_street_report", lambda w: f"/oversight/streets/{w.street}/compliance-job", method="POST",
          allowed=("admin", "officer"), ok=(303,), note="only an officer of that street (or admin)"),
    Route("jobs.start_board_csv", lambda w: "/oversight/board-csv-job", method="POST", allowed=OFFICERS, ok=(303,)),
    Route("jobs.index", lambda w: "/jobs/", allowed=ALL_ROLES),
    Route("jobs.show", lambda w: f"/jobs/{done_roll_notice(w)}", allowed=PERSONAL_DATA_OF_A),
    Route("jobs.progress", lambda w: f"/jobs/{done_roll_notice(w)}/progress", allowed=PERSONAL_DATA_OF_A),
    Route("jobs.download", lambda w: f"/jobs/{done_roll_notice(w)}/download", allowed=PERSONAL_DATA_OF_A),
    Route("jobs.download", lambda w: f"/jobs/{done_count_record(w)}/download", allowed=READERS_OF_A),
    Route("jobs.download", lambda w: f"/jobs/{done_count_record(w, 'open')}/download", allowed=(),
          note="a count record of a vote reopened since: results hidden again, for every role"),
    Route("jobs.retry", lambda w: f"/jobs/{_job(w, 'voting.letters', 'failed')}/retry", method="POST",
          allowed=MANAGERS, ok=(303,), note="letters carry codes: only those who manage the compound"),
]
