"""Each compound's public notice board (公示栏): what the rules say must be posted."""
ORDER = 5


def init_app(app):
    from ..features import hooks
    from . import models, views  # noqa: F401

    app.register_blueprint(views.bp)
    hooks(app).public_board_endpoint = "notices.board"
