"""`flask seed-demo`: the Shuangbai community demo, built through the real operations."""
ORDER = 99


def init_app(app):
    from . import cli

    app.cli.add_command(cli.seed_demo)
