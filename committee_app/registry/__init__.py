"""Streets, communities, compounds, buildings, units and the owner roll (C1)."""
ORDER = 3


def init_app(app):
    from flask_babel import lazy_gettext as _l

    from ..features import NavItem, hooks
    from ..policy import Ability, can
    from . import cli, models, views  # noqa: F401

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.compound_cli)
    app.cli.add_command(cli.roll_cli)
    hooks(app).nav.append(NavItem(_l("小区"), "registry.compounds", lambda user: can(user, Ability.READ), order=10))
    hooks(app).nav.append(NavItem(_l("区域与小区"), "registry.admin_registry", lambda user: can(user, Ability.ADMIN), order=91))
