"""Owners' committees: the sitting committee of a compound, its members and its term
(GR art 32), and when its re-election is due (rules-reference §4 R1/R2)."""
ORDER = 15


def init_app(app):
    from ..features import CompoundPanel, hooks
    from . import models, seed, views  # noqa: F401

    app.register_blueprint(views.bp)
    hooks(app).compound_panels.append(CompoundPanel("committees/_panel.html", views.compound_panel, order=20))
    hooks(app).seeders.append((15, "committees", seed.seed_committees))
