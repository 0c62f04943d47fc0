"""Signals reach people (issue 13): notifications with an in-app centre, rules held as data
(rules.yaml), e-mail and SMS through an outbox sent after commit, ``flask notify run``
(``runner.run_once`` for the job queue), private calendar feeds and channel preferences."""
ORDER = 90


def init_app(app):
    from flask_login import current_user

    from ..features import hooks
    from . import cli, models, seed, views  # noqa: F401
    from .util import unread_count

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.notify)
    hooks(app).seeders.append((90, "notifications", seed.seed_notifications))

    from ..web import datacache

    @app.context_processor
    def _notification_bell():
        def notification_bell() -> int:
            if not current_user.is_authenticated:
                return 0
            user_id = current_user.id
            if datacache.generations_read():  # the page read them already: no query when nothing changed
                return datacache.cached("notifications.unread", user_id, lambda: unread_count(user_id))
            return unread_count(user_id)
        return {"notification_bell": notification_bell}
