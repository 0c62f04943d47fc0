"""Routes of the job queue: asking for a long document needs the ability the document needs
(letters: manage the compound; the roll notice: read it; a street's report: an officer of that
street); a job's page, progress and download are for those who may read the record it is about."""
from committee_app.extensions import db

from .routes import ALL_ROLES, READERS_OF_A, Route
from .voting import base

MANAGERS = ("admin", "organiser")
OFFICERS = ("admin", "officer", "community_officer", "outside_officer")


def _job(world, kind, state):
    from committee_app.accounts.models import User
    from committee_app.jobs import operations
    from committee_app.jobs.models import Job
    from committee_app.policy import Ability
    from committee_app.storage import operations as storage

    job = db.session.scalar(db.select(Job).where(Job.kind == kind, Job.state == state, Job.compound_id == world.a))
    if job is None:
        organiser = db.session.get(User, world.users["organiser"])
        ability = Ability.MANAGE if kind == "voting.letters" else Ability.READ
        job = operations.start_job(kind, actor=organiser, ability=ability, compound_id=world.a)
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


ROUTES = [
    Route("jobs.start_letters", lambda w: base(w) + "/letters-job", method="POST", allowed=MANAGERS, ok=(303,)),
    Route("jobs.start_roll_notice", lambda w: "/compounds/A/roll/notice-job", method="POST", allowed=READERS_OF_A,
          ok=(303,)),
    Route("jobs.start_street_report", lambda w: f"/oversight/streets/{w.street}/compliance-job", method="POST",
          allowed=("admin", "officer"), ok=(303,), note="only an officer of that street (or admin)"),
    Route("jobs.start_board_csv", lambda w: "/oversight/board-csv-job", method="POST", allowed=OFFICERS, ok=(303,)),
    Route("jobs.index", lambda w: "/jobs/", allowed=ALL_ROLES),
    Route("jobs.show", lambda w: f"/jobs/{done_roll_notice(w)}", allowed=READERS_OF_A),
    Route("jobs.progress", lambda w: f"/jobs/{done_roll_notice(w)}/progress", allowed=READERS_OF_A),
    Route("jobs.download", lambda w: f"/jobs/{done_roll_notice(w)}/download", allowed=READERS_OF_A),
    Route("jobs.retry", lambda w: f"/jobs/{_job(w, 'voting.letters', 'failed')}/retry", method="POST",
          allowed=MANAGERS, ok=(303,), note="letters carry codes: only those who manage the compound"),
]
