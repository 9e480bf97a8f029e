"""The migrations shipped in the package build exactly the schema of the models."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from tests.conftest import DATABASES
from tracker import create_app
from tracker.extensions import db


@pytest.fixture(params=DATABASES)
def empty_app(request, tmp_path):
    """The application on a database with no table at all."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'empty.db'}"
        name = None
    else:
        server = request.getfixturevalue("postgresql_server")
        name = server.create_database()
        url = server.url(name)
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": url})
    yield app
    with app.app_context():
        db.engine.dispose()
    if name:
        server.drop_database(name)


def schema_differences() -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def tables() -> set[str]:
    return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_upgrade_from_empty_builds_the_models_schema(empty_app):
    with empty_app.app_context():
        assert tables() == set()
        upgrade()
        assert tables() == set(db.metadata.tables)
        assert schema_differences() == []


def test_downgrade_to_empty_and_upgrade_again(empty_app):
    with empty_app.app_context():
        upgrade()
        downgrade(revision="base")
        assert tables() == set()
        upgrade()
        assert tables() == set(db.metadata.tables)
        assert schema_differences() == []


def test_tracker_init_creates_then_keeps_the_schema(empty_app):
    runner = empty_app.test_cli_runner()
    from tracker.cli import main

    for _ in range(2):
        result = runner.invoke(main, ["init"])
        assert result.exit_code == 0, result.output
        assert "up to date" in result.output
    with empty_app.app_context():
        assert tables() == set(db.metadata.tables)
