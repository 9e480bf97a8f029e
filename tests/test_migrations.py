"""The migrations shipped in the package build exactly the schema of the models."""

from datetime import date

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text
from sqlalchemy.orm import defer

from tests.conftest import DATABASES
from tracker import create_app
from tracker.cohorts.models import Cohort
from tracker.extensions import db
from tracker.metrics.loading import cohort_metrics


@pytest.fixture(params=DATABASES)
def empty_app(request, tmp_path, seal_certificate):
    """The application on a database with no table at all."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'empty.db'}"
        name = None
    else:
        server = request.getfixturevalue("postgresql_server")
        name = server.create_database()
        url = server.url(name)
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": url,
            # `tracker init` makes a certificate where there is none: not in the project's folder.
            "SEAL_CERTIFICATE": str(seal_certificate),
        }
    )
    yield app
    with app.app_context():
        db.engine.dispose()
    if name:
        server.drop_database(name)


# The cohort's half-day times, which migration 0006 adds, and its agreement, which 0007 adds.
TIMES = (
    Cohort.morning_starts_at,
    Cohort.morning_ends_at,
    Cohort.afternoon_starts_at,
    Cohort.afternoon_ends_at,
    Cohort.agreement_number,
    Cohort.title_in_agreement,
)


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


def check_constraints() -> dict[str, dict[str, str]]:
    """Return each table's CHECK constraints as the database reports them: name and condition."""
    inspector = inspect(db.engine)
    return {
        table: {
            check["name"]: " ".join(check["sqltext"].split())
            for check in inspector.get_check_constraints(table)
        }
        for table in db.metadata.tables
    }


def test_upgrade_builds_the_models_check_constraints(empty_app):
    # Alembic's comparison leaves CHECK constraints out: compare them with the models' own.
    with empty_app.app_context():
        upgrade()
        migrated = check_constraints()
        downgrade(revision="base")
        db.metadata.create_all(db.engine)
        assert check_constraints() == migrated
        assert "ck_trainees_ref_characters" in migrated["trainees"]
        assert "ck_attendance_records_partly_attended_has_minutes" in migrated["attendance_records"]
        db.metadata.drop_all(db.engine)


COHORT = (
    "INSERT INTO cohorts (id, slug, name, funder, starts_on, ends_on, grant_amount,"
    " contracted_trainees, attendance_threshold)"
    " VALUES (:id, :slug, 'IA', '', '2022-01-03', '2022-12-16', 27300000, 25, 0.8)"
)
TRAINEE = (
    "INSERT INTO trainees (id, cohort_id, ref, first_name, last_name, email, enrolled_on)"
    " VALUES (:id, :cohort, :ref, 'Ada', 'Lovelace', 'ada@example.org', '2022-01-03')"
)
MODULE = (
    "INSERT INTO modules (id, cohort_id, code, title, planned_minutes, pass_mark)"
    " VALUES (:id, :cohort, :code, 'Python', 6000, 10)"
)
SESSION = (
    "INSERT INTO sessions (id, cohort_id, module_id, date, slot, minutes, kind, roll_call_version)"
    " VALUES (:id, 1, 1, :day, 'AM', 210, 'classroom', 0)"
)
RECORD = (
    "INSERT INTO attendance_records"
    " (id, session_id, trainee_id, status, minutes_missed, note, recorded_at)"
    " VALUES (:id, :session, :trainee, :status, :minutes, :note, '2022-01-10 09:00:00+00')"
)


def fill_version_0002(rows: dict[str, list[dict]]) -> None:
    """Bring an empty database to version 0002 and add rows, as that version let them be."""
    upgrade(revision="0002")
    for statement, values in rows.items():
        db.session.execute(text(statement), values)
    db.session.commit()
    db.session.remove()


def test_upgrade_turns_late_without_minutes_into_present_with_the_same_figures(empty_app):
    statuses = [("late", 0), ("left_early", 0), ("late", 30), ("left_early", 45), ("absent", 0)]
    with empty_app.app_context():
        fill_version_0002(
            {
                COHORT: [{"id": 1, "slug": "alpha"}],
                TRAINEE: [{"id": 1, "cohort": 1, "ref": "T01"}],
                MODULE: [{"id": 1, "cohort": 1, "code": "M01"}],
                SESSION: [{"id": n, "day": f"2022-01-1{n}"} for n in range(len(statuses))],
                RECORD: [
                    {
                        "id": n,
                        "session": n,
                        "trainee": 1,
                        "status": status,
                        "minutes": minutes,
                        "note": f"note {n}",
                    }
                    for n, (status, minutes) in enumerate(statuses)
                ],
            }
        )
        # The cohort as version 0002 has it: without the half-days' times of 0006 nor 0007's.
        cohort = db.session.get(Cohort, 1, options=[defer(column) for column in TIMES])
        before = cohort_metrics(cohort, date(2022, 6, 30))
        db.session.remove()
        upgrade()
        records = db.session.execute(
            text("SELECT status, minutes_missed, note FROM attendance_records ORDER BY id")
        ).all()
        assert [tuple(record) for record in records] == [
            ("present", 0, "note 0"),
            ("present", 0, "note 1"),
            ("late", 30, "note 2"),
            ("left_early", 45, "note 3"),
            ("absent", 0, "note 4"),
        ]
        assert cohort_metrics(db.session.get(Cohort, 1), date(2022, 6, 30)) == before
        db.session.remove()


def test_upgrade_stops_at_codes_outside_the_set_and_names_them(empty_app):
    runner = empty_app.test_cli_runner()
    from tracker.cli import main

    with empty_app.app_context():
        fill_version_0002(
            {
                COHORT: [{"id": 1, "slug": "alpha"}, {"id": 2, "slug": "Promo 2"}],
                TRAINEE: [
                    {"id": 1, "cohort": 1, "ref": "T/01"},
                    {"id": 2, "cohort": 1, "ref": "T02"},
                ],
                MODULE: [{"id": 1, "cohort": 2, "code": "M 01"}],
                SESSION: [{"id": 1, "day": "2022-01-10"}],
                RECORD: [
                    {
                        "id": 1,
                        "session": 1,
                        "trainee": 2,
                        "status": "late",
                        "minutes": 0,
                        "note": None,
                    }
                ],
            }
        )
    result = runner.invoke(main, ["init"])
    assert result.exit_code == 1
    assert "Nothing was changed" in result.output
    fixes = [
        "cohort 'Promo 2': UPDATE cohorts SET slug = 'promo-2' WHERE id = 2;",
        "module 'M 01' of cohort Promo 2: UPDATE modules SET code = 'M-01' WHERE id = 1;",
        "trainee 'T/01' of cohort alpha: UPDATE trainees SET ref = 'T-01' WHERE id = 1;",
    ]
    for fix in fixes:
        assert fix in result.output
    assert "T02" not in result.output
    with empty_app.app_context():
        # Nothing changed: the version, and the record that the upgrade would make present.
        assert db.session.scalar(text("SELECT version_num FROM alembic_version")) == "0002"
        assert db.session.scalar(text("SELECT status FROM attendance_records")) == "late"
        for fix in fixes:
            db.session.execute(text(fix.split(": ", 1)[1]))
        db.session.commit()
        db.session.remove()
    result = runner.invoke(main, ["init"])
    assert result.exit_code == 0, result.output
    with empty_app.app_context():
        assert db.session.scalar(text("SELECT ref FROM trainees WHERE id = 1")) == "T-01"
        assert db.session.scalar(text("SELECT status FROM attendance_records")) == "present"
        db.session.remove()
