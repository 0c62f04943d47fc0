"""Pages every role shares: the landing page, the language switch, error pages."""
ORDER = 0


def init_app(app):
    from . import guards, models, security, views  # noqa: F401 - models: the health_check table

    security.init_app(app)
    guards.init_app(app)

    app.register_blueprint(views.bp)
    views.register_error_handlers(app)
    views.register_template_helpers(app)
