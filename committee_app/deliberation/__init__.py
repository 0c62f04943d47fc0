"""Structured deliberation (议事协商) and the participation incentive system.

A deliberation session of a compound's committee, its 议事会 or an owners' consultation
runs motions by rules of procedure held as data (南塘十三条, a simplified Robert's Rules):
moved and seconded, speakers for and against in turn within a time and turn limit,
amendments voted before the main motion, then a vote of the members present with the
majority the body needs. Its record becomes a minutes draft. Participation (salons,
微学堂, deliberations, committee duties, volunteering) earns points in a ledger that is
never edited in place.
"""
ORDER = 60


def init_app(app):
    from ..features import CompoundPanel, NavItem, hooks
    from ..policy import Ability, can
    from flask_babel import lazy_gettext as _l
    from . import models, seed, views  # noqa: F401

    app.register_blueprint(views.bp)
    hooks(app).compound_panels.append(CompoundPanel("deliberation/_panel.html", views.compound_panel, order=70))
    hooks(app).nav.append(NavItem(_l("积分与表彰"), "deliberation.points_home",
                                  lambda user: can(user, Ability.COACH) or can(user, Ability.ADMIN)
                                  or can(user, Ability.SIGN_OFF), order=80))
    hooks(app).seeders.append((70, "deliberation", seed.seed_deliberation))
