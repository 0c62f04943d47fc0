"""Uploaded documents live in the database, written with their record: a request that
rolls back leaves nothing behind, and nothing is written to disk (issue 12, item 8)."""
from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from committee_app.extensions import db
from committee_app.procedures.models import Procedure, StepDocument
from committee_app.storage.models import StoredFile
from committee_app.voting.models import Ballot, PaperEntry
from tests.voting.conftest import motion  # noqa: F401  (fixture)

PDF = b"%PDF-1.4 a scanned decision"


def files_on_disk(app) -> set[Path]:
    roots = [Path(app.config["UPLOAD_FOLDER"]), Path(app.instance_path) / "uploads"]
    return {path for root in roots if root.exists() for path in root.rglob("*") if path.is_file()}


def stored(app, purpose: str | None = None) -> int:
    """Stored documents other than the roll files the world's fixture imported."""
    with app.app_context():
        query = select(func.count(StoredFile.id)).where(~StoredFile.purpose.startswith("registry."))
        if purpose:
            query = query.where(StoredFile.purpose == purpose)
        return db.session.scalar(query)


@pytest.fixture
def today(frozen_clock):
    frozen_clock(datetime(2026, 12, 1, 2, 0))
    return date(2026, 12, 1)


def test_a_refused_step_upload_leaves_no_file_and_an_accepted_one_streams_from_the_database(app, world, login_as, today):
    before = files_on_disk(app)
    client = login_as("organiser")
    client.post("/compounds/A/procedures", data={"kind": "reelection"})
    with app.app_context():
        procedure = db.session.scalar(select(Procedure).where(Procedure.compound_id == world.a))
        step_id = next(step.id for step in procedure.steps if step.key == "R2_start")
    # the first file is good and is stored before the second is refused: the request rolls back
    refused = client.post(f"/compounds/A/steps/{step_id}/documents",
                          data={"documents": [(io.BytesIO(PDF), "决定.pdf"), (io.BytesIO(b"MZ\x90 exe"), "scan.pdf")]},
                          content_type="multipart/form-data", follow_redirects=True)
    assert "不是 PDF、JPEG 或 PNG" in refused.get_data(as_text=True)
    assert stored(app) == 0 and files_on_disk(app) == before
    accepted = client.post(f"/compounds/A/steps/{step_id}/documents",
                           data={"documents": [(io.BytesIO(PDF), "决定.pdf")]}, content_type="multipart/form-data")
    assert accepted.status_code == 302
    assert stored(app, "procedures.step_document") == 1 and files_on_disk(app) == before
    with app.app_context():
        document = db.session.scalar(select(StepDocument))
        assert db.session.get(StoredFile, document.stored_file_id).data == PDF
        document_id = document.id
    download = client.get(f"/compounds/A/documents/{document_id}")
    assert download.data == PDF and download.headers["X-Content-Type-Options"] == "nosniff"
    assert client.post("/logout").status_code in (302, 200)
    assert client.get(f"/compounds/A/documents/{document_id}").status_code in (302, 401, 403)


def test_a_proxy_authorisation_of_a_refused_entry_is_not_kept(app, client, world, motion):
    from tests.conftest import login
    from tests.voting.test_paper import enter

    vote_id = motion()
    before = files_on_disk(app)
    login(client, "organiser")
    assert enter(client, vote_id, choice="for", proxy_name="周红",
                 proxy_document=(io.BytesIO(PDF), "委托书.pdf")).status_code == 302
    assert stored(app, "voting.proxy_authorisation") == 1
    # the same counter's slot again: refused after the document was read and stored, so it rolls back
    again = enter(client, vote_id, choice="for", proxy_name="周红", proxy_document=(io.BytesIO(PDF), "又一份.pdf"))
    assert again.status_code == 400
    assert stored(app, "voting.proxy_authorisation") == 1 and files_on_disk(app) == before
    enter(client, vote_id, slot="2", counter_name="计票人乙", choice="for", proxy_name="周红")
    with app.app_context():
        ballot = db.session.scalar(select(Ballot).where(Ballot.vote_id == vote_id))
        entry = db.session.scalar(select(PaperEntry).where(PaperEntry.slot == 1))
        assert ballot.proxy_document_id == entry.proxy_document_id
        assert db.session.get(StoredFile, ballot.proxy_document_id).filename == "委托书.pdf"
        ballot_id = ballot.id
    download = client.get(f"/compounds/A/votes/{vote_id}/ballots/{ballot_id}/proxy-document")
    assert download.data == PDF and "attachment" in download.headers["Content-Disposition"]


def test_workshop_materials_are_stored_files_and_a_refused_one_leaves_nothing(app, world):
    from committee_app.workshop import operations as workshop
    from committee_app.workshop.models import WorkshopFile
    from tests.workshop.factories import PDF_BYTES, ensure_access_fixtures

    before = files_on_disk(app)
    with app.app_context():
        ensure_access_fixtures(world)
        files = db.session.scalars(select(WorkshopFile)).all()
        assert len(files) == 2
        assert {db.session.get(StoredFile, f.stored_file_id).purpose for f in files} == {"workshop.file"}
        assert PDF_BYTES in {db.session.get(StoredFile, f.stored_file_id).data for f in files}
        with pytest.raises(workshop.WorkshopError):
            workshop.store_file(b"MZ not a pdf", "x.pdf")
        db.session.rollback()
    assert stored(app) == 2 and files_on_disk(app) == before
