"""The restore drill (issue 12, item 8): owners vote with the codes of their letters, the
database is backed up, the installation is lost, the backup is restored into a fresh
database: the audit chain verifies, every upload is back, and a code issued but not yet
used still casts — because the backup carried the secret key the codes are checked with.

SQLite to SQLite in a temporary folder; with DATABASE_URL set, PostgreSQL to SQLite and
back to a fresh PostgreSQL database.
"""
from __future__ import annotations

import io
import json
import os
import zipfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from committee_app import create_app
from committee_app.extensions import db
from committee_app.registry.models import Compound
from committee_app.storage.models import StoredFile
from committee_app.voting import operations as voting
from committee_app.voting.models import Ballot, Vote, VotingCode
from tests.conftest import _test_config
from tests.voting.conftest import motion  # noqa: F401  (fixture)

PDF = b"%PDF-1.4 the working group's decision"


@contextmanager
def fresh_app(url: str, folder: Path):
    """An installation on an empty database at ``url``: its own (empty) audit key file, the
    same SECRET_KEY setting as the tests (the key restored must be the one the codes need)."""
    app = create_app(_test_config(url, folder / "uploads"))
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.session.remove()
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.drop_all()
            db.engine.dispose()


@contextmanager
def fresh_postgres(url: str, suffix: str):
    base = make_url(url.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"{base.database}_{suffix}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def cast_with_code(app, vote_id: int, code: str) -> int:
    client = app.test_client()
    response = client.post(f"/ballot/{vote_id}/cast", data={"code": code, "choice": "for", "confirmed": "1"})
    return response.status_code


@pytest.fixture
def voted(app, world, motion, login_as):
    """Compound A votes on a motion: codes issued to every owner, two cast online with their
    codes; a step document was uploaded. Returns (vote id, the unused codes, the used ones)."""
    vote_id = motion()
    with app.app_context():
        codes = voting.issue_codes(db.session.get(Vote, vote_id))
        db.session.commit()
    codes = list(codes.values())
    used, unused = codes[:2], codes[2:]
    for code in used:
        assert cast_with_code(app, vote_id, code) == 200
    client = login_as("organiser")
    client.post("/compounds/A/procedures", data={"kind": "reelection"})
    from committee_app.procedures.models import Procedure

    with app.app_context():
        step_id = db.session.scalar(select(Procedure).where(Procedure.compound_id == world.a)).steps[0].id
    assert client.post(f"/compounds/A/steps/{step_id}/documents", data={"documents": [(io.BytesIO(PDF), "决定.pdf")]},
                       content_type="multipart/form-data").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(Ballot.id)).where(Ballot.is_audited.is_(False))) == 2
    return vote_id, unused, used


def _restore_and_check(runner_app, archive: Path, vote_id: int, unused: list[str], used: list[str]) -> None:
    runner = runner_app.test_cli_runner()
    result = runner.invoke(args=["backup", "restore", str(archive)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    with runner_app.app_context():
        assert db.session.scalar(select(StoredFile.data).where(StoredFile.purpose == "procedures.step_document")) == PDF
        assert db.session.scalar(select(func.count(Ballot.id)).where(Ballot.vote_id == vote_id)) == 2
    assert cast_with_code(runner_app, vote_id, unused[0]) == 200  # an issued, unused code still casts
    assert cast_with_code(runner_app, vote_id, used[0]) == 409  # a used one stays used
    # new rows take fresh ids after the restored ones (PostgreSQL sequences were moved on)
    with runner_app.app_context():
        assert db.session.scalar(select(func.count(Ballot.id)).where(Ballot.vote_id == vote_id)) == 3
        voting.drain_ballot_audit(wait=True)
        db.session.commit()
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0


def test_a_backup_restores_into_a_fresh_database_with_its_keys(app, runner, voted, tmp_path):
    vote_id, unused, used = voted
    archive = tmp_path / "backup.zip"
    result = runner.invoke(args=["backup", "create", str(archive)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(archive) as backup:
        manifest = json.loads(backup.read("manifest.json"))
        assert backup.read("keys/secret_key").decode().strip() == "test"
        assert backup.read("keys/audit_key").decode().strip()
    assert manifest["counts"]["ballot"] == 2 and manifest["counts"]["stored_file"] >= 1
    with fresh_app("sqlite:///" + str(tmp_path / "restored.sqlite3"), tmp_path / "restored") as restored:
        with restored.app_context():  # a lost installation: not even the audit key file
            assert not Path(restored.config["AUDIT_KEY_FILE"]).exists()
        _restore_and_check(restored, archive, vote_id, unused, used)


@pytest.mark.skipif(not os.environ.get("DATABASE_URL"), reason="PostgreSQL only when DATABASE_URL is set")
def test_a_postgresql_backup_restores_into_sqlite_and_back_into_postgresql(app, runner, voted, tmp_path):
    vote_id, unused, used = voted
    archive = tmp_path / "from-postgresql.zip"
    assert runner.invoke(args=["backup", "create", str(archive)]).exit_code == 0
    with fresh_app("sqlite:///" + str(tmp_path / "restored.sqlite3"), tmp_path / "sqlite") as on_sqlite:
        assert on_sqlite.test_cli_runner().invoke(args=["backup", "restore", str(archive)]).exit_code == 0
        again = tmp_path / "from-sqlite.zip"
        result = on_sqlite.test_cli_runner().invoke(args=["backup", "create", str(again)])
        assert result.exit_code == 0, result.output
    with fresh_postgres(os.environ["DATABASE_URL"], "restore") as url:
        with fresh_app(url, tmp_path / "postgresql") as on_postgresql:
            _restore_and_check(on_postgresql, again, vote_id, unused, used)


def test_restore_refuses_a_database_that_holds_rows_unless_told(app, runner, voted, tmp_path):
    archive = tmp_path / "backup.zip"
    assert runner.invoke(args=["backup", "create", str(archive)]).exit_code == 0
    refused = runner.invoke(args=["backup", "restore", str(archive)])
    assert refused.exit_code != 0 and "not empty" in refused.output
    replaced = runner.invoke(args=["backup", "restore", "--replace", str(archive)])
    assert replaced.exit_code == 0, replaced.output
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0


def test_restore_refuses_another_schema_revision_and_a_damaged_archive(app, runner, world, tmp_path):
    archive = tmp_path / "backup.zip"
    assert runner.invoke(args=["backup", "create", str(archive)]).exit_code == 0
    with zipfile.ZipFile(archive) as backup:
        members = {name: backup.read(name) for name in backup.namelist()}
    manifest = json.loads(members["manifest.json"])

    def rewritten(name, **changes):
        path = tmp_path / name
        with zipfile.ZipFile(path, "w") as out:
            for member, data in members.items():
                out.writestr(member, changes.get(member, data))
        return path

    older = rewritten("older.zip", **{"manifest.json": json.dumps(manifest | {"schema_revision": "0123abcd"})})
    with fresh_app("sqlite:///" + str(tmp_path / "fresh.sqlite3"), tmp_path / "fresh") as fresh:
        cli = fresh.test_cli_runner()
        result = cli.invoke(args=["backup", "restore", str(older)])
        assert result.exit_code != 0 and "schema revision 0123abcd" in result.output
        damaged = rewritten("damaged.zip", **{"tables/compound.jsonl": members["tables/compound.jsonl"] + b"{}\n"})
        result = cli.invoke(args=["backup", "restore", str(damaged)])
        assert result.exit_code != 0 and "tables/compound.jsonl does not match its checksum" in result.output
        with fresh.app_context():
            assert db.session.scalar(select(func.count(Compound.id))) == 0  # nothing written


def test_restore_refuses_a_configured_secret_key_that_would_void_the_codes(app, runner, world, tmp_path):
    archive = tmp_path / "backup.zip"
    assert runner.invoke(args=["backup", "create", str(archive)]).exit_code == 0
    config = _test_config("sqlite:///" + str(tmp_path / "fresh.sqlite3"), tmp_path / "fresh" / "uploads")
    other = create_app(config | {"SECRET_KEY": "another installation's key"})
    with other.app_context():
        db.create_all()
    result = other.test_cli_runner().invoke(args=["backup", "restore", str(archive)])
    assert result.exit_code != 0 and "voting codes would stop working" in result.output
    with other.app_context():
        assert db.session.scalar(select(func.count(Compound.id))) == 0
        db.session.remove()
        db.engine.dispose()
