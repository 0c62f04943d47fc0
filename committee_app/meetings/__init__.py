"""Committee meetings (agenda, attendance, motions), minutes with revisions, owners'
proposals for deliberation, and the legal-boundary checklists (C6, C7; rules-reference §6-§7)."""
ORDER = 50


def init_app(app):
    from ..features import CompoundPanel, hooks
    from . import models, seed, views  # noqa: F401

    app.register_blueprint(views.bp)
    hooks(app).compound_panels.append(CompoundPanel("meetings/_panel.html", views.compound_panel, order=50))
    hooks(app).seeders.append((50, "meetings", seed.seed_meetings))
