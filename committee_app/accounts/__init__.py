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

    from sqlalchemy.orm import joinedload

    @login_manager.user_loader
    def load_user(user_id: str):
        """The user of a session cookie, unless it was issued before their last logout."""
        user_key, _sep, generation = user_id.partition(".")
        if not user_key.isdigit() or not generation.isdigit() or int(user_key) > 2**31 - 1:
            return None
        # the grants in the same query: every page asks for them (policy.scope_of)
        user = db.session.get(models.User, int(user_key), options=[joinedload(models.User.grants)])
        if user is None or int(generation) != (user.session_generation or 0):
            return None
        return user

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.user_cli)
    hooks(app).nav.append(NavItem(_l("账号管理"), "accounts.users", lambda user: can(user, Ability.ADMIN), order=90))
    hooks(app).landing.setdefault("admin", "accounts.users")
