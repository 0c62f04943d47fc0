"""The street office's oversight (C8): a board of every compound in scope, compliance
findings computed from recorded facts by checks held as data, sign-offs waiting, the
compliance report and the filing package PDFs."""
ORDER = 60


def init_app(app):
    from flask_babel import lazy_gettext as _l

    from ..features import CompoundPanel, NavItem, hooks
    from ..policy import Ability, can
    from . import seed, views
    from .checks import get_checks

    get_checks()  # a broken checks.yaml stops start-up with a message naming the check
    app.register_blueprint(views.bp)
    hooks(app).nav.append(NavItem(_l("监督看板"), "oversight.board", visible=lambda user: can(user, Ability.SIGN_OFF),
                                  order=15))
    hooks(app).nav.append(NavItem(_l("待签核"), "oversight.signoffs", visible=lambda user: can(user, Ability.SIGN_OFF),
                                  order=16))
    hooks(app).landing["street_officer"] = "oversight.board"
    hooks(app).compound_panels.append(CompoundPanel("oversight/_panel.html", views.compound_panel, order=60))
    hooks(app).seeders.append((60, "oversight", seed.seed_oversight))
