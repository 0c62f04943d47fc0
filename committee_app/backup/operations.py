"""Writing and reading backup archives. Both run outside a request; restore commits once."""
from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import secrets
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import Table, func, inspect, select, text
from sqlalchemy import types as sqltypes

from .. import clock
from ..audit import keys as audit_keys
from ..extensions import db

FORMAT = "committee-backup"
FORMAT_VERSION = 1
BATCH = 1000


class BackupError(RuntimeError):
    """A backup that cannot be written or restored; the message says why."""


@dataclass(frozen=True)
class Summary:
    tables: int
    rows: int
    schema_revision: str
    keys: tuple[str, ...]


# --------------------------------------------------------------------------- schema


def tables() -> list[Table]:
    """Every table of the models, parents before children."""
    return list(db.metadata.sorted_tables)


def schema_revision() -> str:
    """The database's Alembic revision; for a schema made without migrations (tests), the
    newest revision of the code's migrations."""
    bind = db.session.get_bind()
    if inspect(bind).has_table("alembic_version"):
        versions = sorted(db.session.scalars(text("SELECT version_num FROM alembic_version")))
        if versions:
            return ",".join(versions)
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from .. import PROJECT_ROOT

    config = Config()
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    return ",".join(sorted(ScriptDirectory.from_config(config).get_heads()))


def schema_columns() -> dict[str, list[str]]:
    return {table.name: [column.name for column in table.columns] for table in tables()}


# --------------------------------------------------------------------------- values


def _encode(column, value: Any) -> Any:
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, sqltypes.LargeBinary):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(kind, sqltypes.DateTime):
        return value.isoformat()
    if isinstance(kind, sqltypes.Date):
        return value.isoformat()
    if isinstance(kind, sqltypes.Numeric) and not isinstance(kind, sqltypes.Float):
        return str(value)
    return value  # int, str, bool, JSON documents


def _decode(column, value: Any) -> Any:
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, sqltypes.LargeBinary):
        return base64.b64decode(value)
    if isinstance(kind, sqltypes.DateTime):
        return datetime.fromisoformat(value)
    if isinstance(kind, sqltypes.Date):
        return date.fromisoformat(value)
    if isinstance(kind, sqltypes.Numeric) and not isinstance(kind, sqltypes.Float):
        return Decimal(value)
    if isinstance(kind, sqltypes.Boolean):
        return bool(value)
    return value


# --------------------------------------------------------------------------- create


def create_backup(path: str | os.PathLike) -> Summary:
    """Write every table and the instance keys to the zip at ``path`` (replaced atomically).

    The rows are read in one transaction (a consistent snapshot on PostgreSQL with
    REPEATABLE READ; SQLite's WAL gives the reader one snapshot too).
    """
    target = Path(path)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}")
    checksums: dict[str, str] = {}
    counts: dict[str, int] = {}
    session = db.session
    _append_pending_audit_entries()
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
    revision = schema_revision()
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for table in tables():
                name = f"tables/{table.name}.jsonl"
                digest = hashlib.sha256()
                count = 0
                order = list(table.primary_key.columns) or list(table.columns)
                result = session.execute(select(table).order_by(*order).execution_options(yield_per=BATCH))
                with archive.open(name, "w") as member:
                    for row in result.mappings():
                        line = (json.dumps({c.name: _encode(c, row[c.name]) for c in table.columns},
                                           ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n").encode()
                        member.write(line)
                        digest.update(line)
                        count += 1
                checksums[name] = digest.hexdigest()
                counts[table.name] = count
            key_files = {
                "keys/secret_key": str(current_app.config["SECRET_KEY"]) + "\n",
                "keys/audit_key": audit_keys.export_text(),
            }
            for name, body in key_files.items():
                data = body.encode()
                archive.writestr(name, data)
                checksums[name] = hashlib.sha256(data).hexdigest()
            manifest = {
                "format": FORMAT, "format_version": FORMAT_VERSION,
                "created_at": clock.utcnow().isoformat(timespec="seconds") + "Z",
                "source_dialect": session.get_bind().dialect.name,
                "schema_revision": revision,
                "columns": schema_columns(),
                "counts": counts,
                "sha256": checksums,
            }
            archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True))
        os.chmod(tmp, 0o600)  # it holds the keys
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        session.rollback()
    return Summary(len(counts), sum(counts.values()), revision, tuple(sorted(key_files)))


def _append_pending_audit_entries() -> None:
    """Online ballots wait for their audit entries in batches: append them first, so the
    backup's chain is complete and ``audit verify`` passes on the restored copy."""
    from ..audit.operations import pending_drains

    db.session.rollback()
    for drain in pending_drains():
        while drain():
            db.session.commit()
        db.session.commit()


# --------------------------------------------------------------------------- restore


def read_manifest(archive: zipfile.ZipFile) -> dict:
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except KeyError:
        raise BackupError("not a backup of this application: manifest.json is missing") from None
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"not a backup this version can read (format {manifest.get('format')!r} "
                          f"version {manifest.get('format_version')!r})")
    return manifest


def _check(archive: zipfile.ZipFile, manifest: dict) -> None:
    for name, expected in manifest["sha256"].items():
        digest = hashlib.sha256()
        try:
            with archive.open(name) as member:
                for chunk in iter(lambda: member.read(1 << 16), b""):
                    digest.update(chunk)
        except KeyError:
            raise BackupError(f"the backup is incomplete: {name} is missing") from None
        if digest.hexdigest() != expected:
            raise BackupError(f"the backup is damaged: {name} does not match its checksum")


def database_rows() -> dict[str, int]:
    return {table.name: db.session.scalar(select(func.count()).select_from(table)) for table in tables()}


def restore_backup(path: str | os.PathLike, *, replace: bool = False) -> Summary:
    """Load the archive at ``path`` into this database and put its keys in place.

    Refuses a backup of another schema revision, and a database that already holds rows
    unless ``replace`` (then every row is deleted first, in the same transaction).
    Everything is checked before anything is written; the rows go in one transaction.
    """
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        raise BackupError(f"cannot read {path}: {error}") from None
    with archive:
        manifest = read_manifest(archive)
        revision = schema_revision()
        if manifest["schema_revision"] != revision:
            raise BackupError(f"the backup is of schema revision {manifest['schema_revision']}, this database is at "
                              f"{revision}: restore into a database migrated to the backup's revision "
                              "(flask db upgrade REVISION), then migrate")
        if manifest["columns"] != schema_columns():
            raise BackupError("the backup's tables or columns differ from this database's, though the revision "
                              "matches: refusing")
        _check(archive, manifest)
        occupied = {name: n for name, n in database_rows().items() if n}
        if occupied and not replace:
            shown = ", ".join(f"{name} ({n})" for name, n in sorted(occupied.items())[:5])
            raise BackupError(f"the database is not empty ({shown}…): restore into an empty database, "
                              "or pass --replace to delete every row first")
        secret = archive.read("keys/secret_key").decode().strip()
        _check_secret_key(secret)
        audit_keys.merge_text(archive.read("keys/audit_key").decode())  # adding keys never hurts
        session = db.session
        session.rollback()
        try:
            if occupied:
                for table in reversed(tables()):
                    session.execute(table.delete())
            for table in tables():
                _load_table(archive, table, manifest["counts"][table.name])
            _reset_sequences()
            session.commit()
        except BaseException:
            session.rollback()
            raise
        _write_secret_key(secret)
    counts = manifest["counts"]
    return Summary(len(counts), sum(counts.values()), revision, ("keys/audit_key", "keys/secret_key"))


def _load_table(archive: zipfile.ZipFile, table: Table, expected: int) -> None:
    columns = {column.name: column for column in table.columns}
    batch: list[dict] = []
    count = 0
    with archive.open(f"tables/{table.name}.jsonl") as member:
        for line in io.TextIOWrapper(member, encoding="utf-8"):
            raw = json.loads(line)
            batch.append({name: _decode(columns[name], value) for name, value in raw.items()})
            count += 1
            if len(batch) >= BATCH:
                db.session.execute(table.insert(), batch)
                batch = []
    if batch:
        db.session.execute(table.insert(), batch)
    if count != expected:
        raise BackupError(f"table {table.name}: {count} rows in the backup, the manifest says {expected}")


def _reset_sequences() -> None:
    """PostgreSQL: move each serial/identity sequence past the restored ids."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for table in tables():
        primary = list(table.primary_key.columns)
        if len(primary) != 1 or not isinstance(primary[0].type, sqltypes.Integer):
            continue
        column = primary[0].name
        sequence = db.session.scalar(text("SELECT pg_get_serial_sequence(:table, :column)"),
                                     {"table": f'"{table.name}"', "column": column})
        if sequence:
            db.session.execute(text(f'SELECT setval(:sequence, COALESCE(MAX("{column}"), 1), MAX("{column}") IS NOT NULL) '
                                    f'FROM "{table.name}"'), {"sequence": sequence})


# --------------------------------------------------------------------------- keys


def _secret_key_file() -> Path:
    return Path(current_app.instance_path) / "secret_key"


def _check_secret_key(secret: str) -> None:
    """Voting codes are HMACs under SECRET_KEY: the restored database needs the backup's key.

    A key kept in ``instance/secret_key`` is replaced by the backup's; a key set in the
    configuration (``instance/config.py`` or the environment) must already be the backup's.
    """
    configured = str(current_app.config["SECRET_KEY"])
    if configured == secret:
        return
    path = _secret_key_file()
    if path.exists() and path.read_text().strip() == configured:
        return  # the file's key: replaced by the backup's
    raise BackupError("SECRET_KEY is set in the configuration and differs from the backup's: the issued voting "
                      "codes would stop working. Set SECRET_KEY to the backup's key (keys/secret_key in the "
                      "archive) and restore again")


def _write_secret_key(secret: str) -> None:
    if str(current_app.config["SECRET_KEY"]) == secret:
        return
    path = _secret_key_file()
    kept = path.with_name(f"secret_key.before-restore-{clock.utcnow():%Y%m%d%H%M%S}")
    if path.exists():
        os.replace(path, kept)
    tmp = path.with_name(f".secret_key.{os.getpid()}.{secrets.token_hex(4)}")
    tmp.write_text(secret + "\n")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    current_app.config["SECRET_KEY"] = secret
