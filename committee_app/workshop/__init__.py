"""The committee-director workshop (业委会主任工作室): coaching sessions, action items,
salons and micro-classroom trainings, the mentor's board and the coaching record (C3)."""
ORDER = 40


def init_app(app):
    from flask_babel import lazy_gettext as _l

    from ..features import CompoundPanel, NavItem, hooks
    from ..policy import Ability, can
    from . import models, seed, views  # noqa: F401

    app.register_blueprint(views.bp)
    hooks(app).landing["mentor"] = "workshop.board"
    hooks(app).nav.append(NavItem(_l("工作室看板"), "workshop.board", lambda user: can(user, Ability.COACH), order=5))
    hooks(app).nav.append(NavItem(_l("沙龙与微学堂"), "workshop.events", lambda user: can(user, Ability.COACH), order=6))
    hooks(app).nav.append(NavItem(_l("导师待办事项"), "workshop.my_items",
                                  lambda user: can(user, Ability.MANAGE) and not can(user, Ability.ADMIN), order=20))
    hooks(app).nav.append(NavItem(_l("我的培训记录"), "workshop.my_training",
                                  lambda user: can(user, Ability.MANAGE) and not can(user, Ability.ADMIN), order=21))
    hooks(app).compound_panels.append(CompoundPanel("workshop/_panel.html", views.compound_panel, order=40))
    hooks(app).seeders.append((40, "workshop", seed.seed_workshop))
