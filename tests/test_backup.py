"""`tracker backup` and `tracker restore`: a round trip keeps every figure and the trail intact."""

import json
from datetime import date

import pytest
from sqlalchemy import func, select

from tracker import create_app
from tracker.audit import chain
from tracker.audit.models import AuditEntry
from tracker.cli import main
from tracker.cohorts.models import Cohort
from tracker.extensions import db
from tracker.metrics.loading import cohort_metrics

AS_OF = date(2022, 3, 1)


def state(app) -> dict:
    """Every cohort's figures and the trail's verification, as the application reads them."""
    with app.app_context():
        cohorts = db.session.scalars(select(Cohort).order_by(Cohort.slug)).all()
        figures = {cohort.slug: cohort_metrics(cohort, AS_OF) for cohort in cohorts}
        verified = chain.verify(db.session.connection())
        db.session.rollback()
        return {"figures": json.loads(json.dumps(figures, default=str)), "trail": verified}


@pytest.fixture
def empty_database(request, app, tmp_path):
    """A new database of the same kind as the app's, with no table at all."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    server = request.getfixturevalue("postgresql_server")
    name = server.create_database()
    yield server.url(name)
    server.drop_database(name)


@pytest.fixture
def restored_app(empty_database, tmp_path):
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": empty_database}
    )
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def run(app, *args):
    return app.test_cli_runner().invoke(main, list(args))


def test_a_round_trip_keeps_every_figure_and_the_trail(app, world, restored_app, tmp_path):
    copy = tmp_path / "tracker.backup"
    before = state(app)
    assert before["trail"][0] > 0 and before["trail"][1] is None

    made = run(app, "backup", str(copy))
    assert made.exit_code == 0, made.output
    assert "copied into" in made.output
    put_back = run(restored_app, "restore", str(copy))
    assert put_back.exit_code == 0, put_back.output

    assert state(restored_app) == before
    verified = run(restored_app, "audit", "verify")
    assert verified.exit_code == 0 and f"{before['trail'][0]} entries" in verified.output


def test_the_restored_trail_still_refuses_changes(app, world, restored_app, tmp_path):
    copy = tmp_path / "tracker.backup"
    assert run(app, "backup", str(copy)).exit_code == 0
    assert run(restored_app, "restore", str(copy)).exit_code == 0
    with restored_app.app_context():
        entry = db.session.scalars(select(AuditEntry).limit(1)).one()
        entry.reason = "rewritten"
        with pytest.raises(Exception, match="append-only"):
            db.session.commit()
        db.session.rollback()


def test_a_copy_is_never_written_over_an_existing_file(app, world, tmp_path):
    copy = tmp_path / "tracker.backup"
    copy.write_bytes(b"yesterday's copy")
    result = run(app, "backup", str(copy))
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert copy.read_bytes() == b"yesterday's copy"
    assert not list(tmp_path.glob(".*partial"))


def test_a_copy_is_put_back_only_into_an_empty_database(app, world, tmp_path):
    copy = tmp_path / "tracker.backup"
    assert run(app, "backup", str(copy)).exit_code == 0
    with app.app_context():
        entries = db.session.scalar(select(func.count()).select_from(AuditEntry))

    result = run(app, "restore", str(copy))

    assert result.exit_code == 1
    assert "not empty" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == entries


def test_a_file_that_is_not_a_copy_is_refused_and_changes_nothing(restored_app, tmp_path):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("name,email\n")
    result = run(restored_app, "restore", str(bogus))
    assert result.exit_code == 1
    assert "is not a copy" in result.output
    assert "Traceback" not in result.output
    missing = run(restored_app, "restore", str(tmp_path / "absent.backup"))
    assert missing.exit_code == 1 and "no such file" in missing.output
    with restored_app.app_context():
        from sqlalchemy import inspect

        assert inspect(db.engine).get_table_names() == []
