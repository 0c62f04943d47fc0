"""Formation and re-election procedures, step by step, from rule data (C2)."""
ORDER = 20


def init_app(app):
    from ..features import CompoundPanel, hooks
    from ..rules import RuleDataError, get_rule_sets
    from . import models, panel, seed, views  # noqa: F401

    # Load and validate every rule set now: a broken rule file stops start-up with a
    # message naming the file and key, instead of failing later on some page.
    try:
        get_rule_sets()
    except RuleDataError as error:
        app.logger.critical("rule data is broken: %s", error)
        raise
    app.register_blueprint(views.bp)
    hooks(app).compound_panels.append(CompoundPanel("procedures/_panel.html", panel.panel_context, order=20))
    hooks(app).seeders.append((20, "procedures", seed.seed_procedures))
