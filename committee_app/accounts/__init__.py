"""Accounts, roles and logins."""
ORDER = 2


def init_app(app):
    from flask_babel import lazy_gettext as _l

    from ..extensions import db, login_manager
    from ..features import NavItem, hooks
    from ..policy import Ability, can
    from . import cli, models, views

    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("请先登录。")
    login_manager.login_message_category = "warning"

    @login_manager.user_loader
    def load_user(user_id: str):
        return db.session.get(models.User, int(user_id))

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.user_cli)
    hooks(app).nav.append(NavItem(_l("账号管理"), "accounts.users", lambda user: can(user, Ability.ADMIN), order=90))
    hooks(app).landing.setdefault("admin", "accounts.users")
