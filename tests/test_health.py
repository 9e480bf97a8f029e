"""`/healthz`: 200 only when the database answers and its migrations are the code's newest."""

import socket

from flask_migrate import upgrade
from sqlalchemy import text

from tests.test_migrations import empty_app  # noqa: F401  (the fixture)
from tracker import create_app
from tracker.extensions import db
from tracker.health.checks import newest_migration


def test_healthy_once_the_migrations_are_applied(empty_app):  # noqa: F811
    client = empty_app.test_client()
    before = client.get("/healthz")
    assert before.status_code == 503
    assert before.json == {
        "status": "unavailable",
        "database": "reachable",
        "migration": None,
        "expected_migration": newest_migration(),
    }

    with empty_app.app_context():
        upgrade()
    after = client.get("/healthz")

    assert after.status_code == 200
    assert after.json["status"] == "ok"
    assert after.json["migration"] == newest_migration()
    assert after.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in after.headers


def test_unhealthy_when_the_code_is_newer_than_the_schema(empty_app):  # noqa: F811
    with empty_app.app_context():
        upgrade()
        db.session.execute(text("UPDATE alembic_version SET version_num = '0006'"))
        db.session.commit()
    answer = empty_app.test_client().get("/healthz")
    assert answer.status_code == 503
    assert answer.json["migration"] == "0006"


def test_unhealthy_when_the_database_does_not_answer(seal_certificate):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # free, and closed once the block ends
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": f"postgresql+psycopg://tracker@127.0.0.1:{port}/none",
            "SEAL_CERTIFICATE": str(seal_certificate),
        }
    )
    answer = app.test_client().get("/healthz")
    assert answer.status_code == 503
    assert answer.json["database"] == "unreachable"
    assert "Traceback" not in answer.get_data(as_text=True)
