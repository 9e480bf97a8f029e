"""What a service manager or a load balancer asks: is the database reachable, is its schema
the one this version of the code expects."""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


@cache
def newest_migration() -> str:
    """Return the revision of the newest migration shipped with the code."""
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def schema_revision(engine: Engine) -> str | None:
    """Return the database's migration revision, or None when no migration was ever applied."""
    with engine.connect() as connection:
        try:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except SQLAlchemyError:
            return None


@dataclass(frozen=True)
class Health:
    """The answer to /healthz."""

    database: str  # "reachable" or "unreachable"
    schema: str | None  # the database's revision
    expected: str  # the code's newest revision

    @property
    def healthy(self) -> bool:
        return self.database == "reachable" and self.schema == self.expected


def check(engine: Engine) -> Health:
    """Reach the database and compare its schema with the code's migrations."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        revision = schema_revision(engine)
    except SQLAlchemyError:
        return Health("unreachable", None, newest_migration())
    return Health("reachable", revision, newest_migration())
