"""The migrations build exactly the schema the models describe."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from committee_app import create_app
from committee_app.extensions import db


def test_migrations_match_the_models(tmp_path):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.sqlite3'}"})
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}),
                                           db.metadata)
        db.engine.dispose()
    assert not differences, (
        "models and migrations differ; generate a migration with "
        "`flask --app committee_app db migrate -m '...'` (on branches the lead does this at merge): "
        f"{differences}")
