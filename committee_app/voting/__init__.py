"""Ballots and the count by headcount and area (C5): elections and motions of a general
meeting, voting codes and letters, online and paper ballots, the count, the result notice
and the public ballot box."""
ORDER = 35


def init_app(app):
    from ..features import CompoundPanel, hooks
    from . import cli, models, operations, seed, views  # noqa: F401

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.election_cli)
    app.cli.add_command(cli.ballots_cli)
    app.cli.add_command(cli.tally_command)
    hooks(app).roll_locks.append(operations.roll_lock)
    hooks(app).compound_panels.append(CompoundPanel("voting/_panel.html", views.panel_context, order=35))
    hooks(app).board_panels.append(CompoundPanel("voting/_board.html", views.board_context, order=35))
    from .util import latest_election_result

    hooks(app).election_result = latest_election_result
    hooks(app).seeders.append((35, "voting", seed.seed))
    from ..audit.operations import register_content_source, register_pending_drain
    from . import audit_content

    register_content_source(app, "Ballot", audit_content.verify_source)
    register_pending_drain(app, audit_content.drain_pending)
