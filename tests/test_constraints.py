"""The database itself keeps bad data out, whatever code writes to it."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DataError, IntegrityError, StatementError

from tracker.assessments.models import Assessment, Result
from tracker.attendance.models import AttendanceRecord, Session
from tracker.budget.models import BudgetLine, Expense
from tracker.cohorts.models import Cohort, Trainee
from tracker.extensions import db


@pytest.fixture
def world(world, app):
    """The test world (conftest.py), in an application context."""
    with app.app_context():
        yield world
        db.session.rollback()


def refused(statement: str, **params) -> bool:
    """Tell whether the database refuses a raw statement (the ORM's checks bypassed).

    PostgreSQL refuses a text longer than its column as a data error, SQLite by a CHECK.
    """
    try:
        with db.session.begin_nested():
            db.session.execute(text(statement), params)
    except (IntegrityError, DataError):
        return True
    return False


def ids():
    cohort = db.session.query(Cohort).filter_by(slug="alpha").one()
    session = db.session.query(Session).filter_by(cohort_id=cohort.id).first()
    trainee = db.session.query(Trainee).filter_by(cohort_id=cohort.id, ref="T02").one()
    assessment = db.session.query(Assessment).filter_by(code="A1").one()
    line = db.session.query(BudgetLine).filter_by(code="PED").one()
    return cohort, session, trainee, assessment, line


def test_a_score_above_the_maximum_is_refused(world):
    _, _, trainee, assessment, _ = ids()
    assert refused(
        "UPDATE results SET score = 21 WHERE assessment_id = :a AND trainee_id = :t",
        a=assessment.id,
        t=trainee.id,
    )
    # The copy of the maximum cannot be lied about: it must match the assessment's.
    assert refused(
        "UPDATE results SET score = 21, max_score = 40 WHERE assessment_id = :a", a=assessment.id
    )
    # Lowering the maximum below an existing score (15) is refused through the cascade.
    assert refused("UPDATE assessments SET max_score = 10 WHERE id = :a", a=assessment.id)
    assert not refused("UPDATE assessments SET max_score = 40 WHERE id = :a", a=assessment.id)
    assert db.session.query(Result.max_score).filter_by(assessment_id=assessment.id).all() == [
        (40.0,),
        (40.0,),
    ]


@pytest.mark.parametrize(
    ("statement", "what"),
    [
        ("UPDATE attendance_records SET status = 'sleeping'", "an unknown status"),
        ("UPDATE attendance_records SET minutes_missed = -5", "negative minutes"),
        ("UPDATE attendance_records SET status = 'excused', note = ''", "excused without reason"),
        ("UPDATE sessions SET slot = 'EV'", "an unknown slot"),
        ("UPDATE sessions SET minutes = -210", "negative hours"),
        ("UPDATE expenses SET amount = -100", "a negative expense"),
        ("UPDATE budget_lines SET planned_amount = -1", "a negative planned amount"),
        ("UPDATE trainees SET left_on = '2021-01-01'", "leaving before enrolling"),
        ("UPDATE cohorts SET ends_on = '2020-01-01'", "ending before starting"),
        ("UPDATE modules SET pass_mark = 21", "a pass mark over 20"),
        ("UPDATE users SET role = 'superuser'", "an unknown role"),
        ("UPDATE trainees SET ref = 'T01'", "the same trainee reference twice"),
        ("UPDATE attendance_records SET trainee_id = 999999", "a record of no trainee"),
    ],
)
def test_the_database_refuses(world, statement, what):
    assert refused(statement), what


@pytest.mark.parametrize(
    ("status", "minutes", "accepted"),
    [("late", 0, False), ("left_early", 0, False), ("late", 10, True), ("left_early", 1, True)],
)
def test_late_or_left_early_misses_some_minutes(world, status, minutes, accepted):
    _, session, trainee, _, _ = ids()
    statement = (
        "UPDATE attendance_records SET status = :status, minutes_missed = :minutes"
        " WHERE session_id = :s AND trainee_id = :t"
    )
    assert refused(statement, status=status, minutes=minutes, s=session.id, t=trainee.id) == (
        not accepted
    )


CODED = [
    ("trainees", "ref"),
    ("modules", "code"),
    ("competencies", "code"),
    ("assessments", "code"),
    ("budget_lines", "code"),
]


@pytest.mark.parametrize(("table", "column"), CODED)
def test_codes_outside_the_set_are_refused(world, table, column):
    statement = f"UPDATE {table} SET {column} = :code WHERE id = (SELECT min(id) FROM {table})"
    outside = ["T/01", "T 01", "T01\n", "-T01", ".", "..", "_x", "Hélène", "T%01", "", "X" * 33]
    assert [code for code in outside if not refused(statement, code=code)] == []
    within = ["Z9", "qcm-1.b_2", "9", "X" * 32]
    assert [code for code in within if refused(statement, code=code)] == []


def test_a_cohort_short_name_is_lowercase_letters_digits_and_dashes(world):
    statement = "UPDATE cohorts SET slug = :slug WHERE id = (SELECT max(id) FROM cohorts)"
    outside = ["Gamma", "gamma_2", "gamma.2", "gamma/2", "-gamma", "x" * 65, ""]
    assert [slug for slug in outside if not refused(statement, slug=slug)] == []
    assert [slug for slug in ["gamma-2", "x" * 64] if refused(statement, slug=slug)] == []


def test_the_same_natural_key_twice_is_refused(world):
    cohort, session, _, _, _ = ids()
    db.session.add(
        Session(
            cohort_id=cohort.id,
            module_id=session.module_id,
            date=session.date,
            slot=session.slot,
            minutes=210,
        )
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    _, session, trainee, _, _ = ids()
    db.session.add(AttendanceRecord(session_id=session.id, trainee_id=trainee.id, status="present"))
    with pytest.raises(IntegrityError):
        db.session.flush()


def test_money_is_exact_to_the_cent(world):
    _, _, _, _, line = ids()
    expense = Expense(
        budget_line_id=line.id, date=date(2022, 2, 28), amount=Decimal("0.10"), description="Café"
    )
    db.session.add(expense)
    db.session.flush()
    db.session.expire(expense)
    assert expense.amount == Decimal("0.10")
    assert (
        db.session.scalar(text("SELECT amount FROM expenses WHERE id = :i"), {"i": expense.id})
        == 10
    )
    db.session.add(
        Expense(
            budget_line_id=line.id,
            date=date(2022, 2, 28),
            amount=Decimal("0.105"),
            description="Fraction of a cent",
        )
    )
    with pytest.raises(StatementError):
        db.session.flush()
