"""Long work in the background (issue 14): a job queue (Huey; SQLite in ``instance/`` by
default, Redis with ``REDIS_URL``), job records shared by every app server, long documents
rendered in chunks by several workers and joined, progress pages, and the periodic hooks."""
ORDER = 90


def init_app(app):
    from flask_babel import lazy_gettext as _l

    from ..features import NavItem, hooks
    from . import cli, models, views  # noqa: F401
    from .queue import make_queue

    app.extensions["jobs_queue"] = make_queue(app)
    app.register_blueprint(views.bp)
    app.cli.add_command(cli.jobs_cli)
    hooks(app).nav.append(NavItem(_l("后台任务"), "jobs.index", lambda user: user.is_authenticated
                                  and not _owner_only(user), order=95))


def _owner_only(user) -> bool:
    from ..policy import Ability, can

    return not any(can(user, ability) for ability in (Ability.READ, Ability.SIGN_OFF, Ability.ADMIN))
