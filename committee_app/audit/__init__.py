"""Append-only, hash-chained audit log (C9)."""
ORDER = 1


def init_app(app):
    from . import cli, models  # noqa: F401  (models register their table)

    app.cli.add_command(cli.audit_cli)
