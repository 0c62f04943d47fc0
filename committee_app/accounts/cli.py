import click
from flask.cli import AppGroup

from ..extensions import db
from . import operations
from .models import Role

user_cli = AppGroup("user", help="Accounts.")


@user_cli.command("create-admin")
@click.argument("username")
@click.option("--name", "display_name", default="管理员")
@click.password_option()
def create_admin(username: str, display_name: str, password: str) -> None:
    """Create an administrator account."""
    try:
        user = operations.create_user(username, display_name, password)
        operations.grant_role(user, Role.ADMIN)
    except operations.AccountError as error:
        db.session.rollback()
        raise click.ClickException(str(error))
    db.session.commit()
    click.echo(f"created admin {username}")
