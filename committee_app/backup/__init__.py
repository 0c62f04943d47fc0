"""Backup and restore (issue 12, item 8): the whole database (uploads included, since they
live in it) and the keys that live outside it, in one portable archive.

``flask backup create FILE`` writes a zip holding each table's rows as JSON lines (types
preserved by the column's type, so a SQLite backup restores into PostgreSQL and back),
the instance keys (``secret_key``, which voting codes are checked with, and the audit
keys) and a manifest with the schema revision, the row counts and each member's SHA-256.
``flask backup restore FILE`` loads it into an empty database of the same schema revision.
"""
ORDER = 2


def init_app(app):
    from . import cli

    app.cli.add_command(cli.backup_cli)
