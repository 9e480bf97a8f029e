"""The trail: an entry per change, in the same transaction, hash-chained, append-only, verified."""

import json
import threading
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from tracker.attendance.models import AttendanceRecord, Session
from tracker.attendance.operations import Mark, record_roll_call
from tracker.audit import chain
from tracker.audit.capture import acting
from tracker.audit.models import AuditEntry
from tracker.budget.models import BudgetLine, Expense
from tracker.cohorts.models import Cohort, Module, Trainee
from tracker.extensions import db


def entries(**where) -> list[AuditEntry]:
    statement = select(AuditEntry).order_by(AuditEntry.id)
    for name, value in where.items():
        statement = statement.where(getattr(AuditEntry, name) == value)
    return list(db.session.scalars(statement))


def small_cohort(make_cohort) -> tuple[Cohort, Session, list[Trainee]]:
    cohort = make_cohort(slug="trail")
    module = Module(cohort=cohort, code="M1", title="Python", planned_minutes=600)
    trainees = [
        Trainee(
            cohort=cohort,
            ref=f"T{n}",
            first_name="Ana",
            last_name=f"N{n}",
            email=f"t{n}@mail.fr",
            enrolled_on=cohort.starts_on,
        )
        for n in (1, 2)
    ]
    session = Session(cohort=cohort, module=module, date=date(2021, 9, 7), slot="AM")
    db.session.add_all([module, *trainees, session])
    db.session.flush()
    return cohort, session, trainees


def move_clock_past(session: Session, monkeypatch) -> None:
    """Put the application's clock after the half-day, so that its roll call can be taken."""
    from datetime import UTC, datetime

    from tracker import timeutil

    monkeypatch.setattr(timeutil, "utc_now", lambda: datetime(2021, 9, 7, 12, 0, tzinfo=UTC))


def test_each_change_writes_an_entry_saying_who_what_before_and_after(
    app_context, make_cohort, make_user, monkeypatch
):
    cohort, session, (first, second) = small_cohort(make_cohort)
    instructor = make_user("instructor", cohorts=[cohort])
    move_clock_past(session, monkeypatch)
    with acting(account=instructor):
        record_roll_call(session, {first.id: Mark(), second.id: Mark("absent")}, instructor, 0)
    with acting(account=instructor, reason="came in at 9:40"):
        record_roll_call(session, {first.id: Mark(), second.id: Mark("late", 40)}, instructor, 1)

    created, changed = entries(entity="attendance_records", trainee_id=second.id)
    assert created.action == "insert"
    assert created.actor_id == instructor.id
    assert created.cohort_id == cohort.id
    assert json.loads(created.after)["status"] == "absent"
    assert changed.action == "update"
    assert changed.reason == "came in at 9:40"
    # Only what moved (the clock is frozen: the same instant of recording).
    assert json.loads(changed.before) == {"minutes_missed": 0, "status": "absent"}
    assert json.loads(changed.after)["status"] == "late"
    assert json.loads(changed.after)["minutes_missed"] == 40
    assert json.loads(changed.entity_key) == {
        "id": json.loads(changed.entity_key)["id"],
        "session_id": session.id,
        "trainee_id": second.id,
    }
    # The session's version, bumped by each save, is bookkeeping, not a change of the record.
    assert not [e for e in entries(entity="sessions") if e.action == "update"]


def test_an_unchanged_save_writes_nothing_and_outside_a_request_the_actor_is_the_command_line(
    app_context, make_cohort, monkeypatch
):
    _, session, trainees = small_cohort(make_cohort)
    move_clock_past(session, monkeypatch)
    marks = {trainee.id: Mark() for trainee in trainees}
    record_roll_call(session, marks, None, 0)
    count = len(entries())
    record_roll_call(session, marks, None, 1)
    assert len(entries()) == count
    assert {e.actor for e in entries()} == {"command line"}
    assert {e.actor_id for e in entries()} == {None}


def test_objects_flushed_and_bulk_statements_both_leave_entries(app_context, make_cohort):
    cohort = make_cohort(slug="money")
    line = BudgetLine(cohort_id=cohort.id, code="L1", label="Formateurs", planned_amount=1000)
    db.session.add(line)
    db.session.flush()
    expense = Expense(
        line=line, date=date(2021, 10, 1), amount=Decimal("100.00"), description="Cours"
    )
    db.session.add(expense)
    db.session.flush()
    expense.amount = Decimal("120.00")
    db.session.flush()
    db.session.delete(expense)
    db.session.flush()

    actions = [(e.entity, e.action) for e in entries(cohort_id=cohort.id)]
    assert actions[-4:] == [
        ("budget_lines", "insert"),
        ("expenses", "insert"),
        ("expenses", "update"),
        ("expenses", "delete"),
    ]
    update = entries(entity="expenses")[1]
    assert json.loads(update.before) == {"amount": "100.00"}
    assert json.loads(update.after) == {"amount": "120.00"}
    deleted = entries(entity="expenses")[2]
    assert json.loads(deleted.before)["description"] == "Cours"


def test_passwords_never_reach_the_trail(app_context, make_user):
    make_user("admin", email="claire@centre.fr")
    (entry,) = entries(entity="users")
    assert json.loads(entry.after)["password_hash"] == "***"
    assert "argon2" not in entry.after


def test_an_entry_is_written_in_the_same_transaction_as_its_change(app_context, make_cohort):
    make_cohort(slug="gone")
    assert entries(entity="cohorts")
    db.session.rollback()
    assert not entries()


def test_the_database_refuses_to_change_or_remove_an_entry(app_context, make_cohort):
    make_cohort(slug="kept")
    db.session.commit()
    for statement in (
        "UPDATE audit_entries SET actor = 'someone else'",
        "DELETE FROM audit_entries",
    ):
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text(statement))
        db.session.rollback()
    assert len(entries()) == 1


# ---------------------------------------------------------------------------------------------
# tracker audit verify


def tamper(statement: str) -> None:
    """Run SQL on the trail as someone with the database's own rights would, triggers aside."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("ALTER TABLE audit_entries DISABLE TRIGGER USER"))
        connection.execute(text(statement))
        connection.execute(text("ALTER TABLE audit_entries ENABLE TRIGGER USER"))
    else:
        connection.execute(text("DROP TRIGGER audit_entries_no_update"))
        connection.execute(text("DROP TRIGGER audit_entries_no_delete"))
        connection.execute(text(statement))
    db.session.commit()


@pytest.fixture
def trail(app, make_user):
    """A trail of a few entries, committed."""
    with app.app_context():
        for n in range(4):
            make_user("officer", email=f"officer{n}@region.fr")
        db.session.commit()
        assert len(entries()) == 4


def test_verify_says_an_untouched_trail_is_intact(trail, run_tracker):
    result = run_tracker("audit", "verify")
    assert result.exit_code == 0, result.output
    assert "intact: 4 entries" in result.output


@pytest.mark.parametrize(
    "statement, named",
    [
        (
            "UPDATE audit_entries SET after = replace(after, 'officer1', 'admin1') WHERE id = 2",
            "entry 2: altered",
        ),
        ("DELETE FROM audit_entries WHERE id = 3", "entry 4: entry 3 is missing"),
        ("UPDATE audit_entries SET id = 9 WHERE id = 4", "entry 9: altered"),
    ],
    ids=["altered", "removed", "renumbered"],
)
def test_verify_exits_1_naming_the_first_broken_entry(app, trail, run_tracker, statement, named):
    with app.app_context():
        tamper(statement)
    result = run_tracker("audit", "verify")
    assert result.exit_code == 1
    assert named in result.output


def test_verify_finds_an_entry_rewritten_with_a_fresh_hash(app, trail, run_tracker):
    with app.app_context():
        entry = db.session.get(AuditEntry, 2)
        forged = {column.name: getattr(entry, column.name) for column in AuditEntry.__table__.c}
        forged["reason"] = "forged"
        new_hash = chain.entry_hash(forged)
        tamper(f"UPDATE audit_entries SET reason = 'forged', hash = '{new_hash}' WHERE id = 2")
    result = run_tracker("audit", "verify")
    assert result.exit_code == 1
    assert "entry 3: does not follow entry 2" in result.output


def test_verify_finds_an_entry_inserted_out_of_order(app, trail, run_tracker):
    with app.app_context():
        last = db.session.get(AuditEntry, 4)
        inserted = {column.name: getattr(last, column.name) for column in AuditEntry.__table__.c}
        inserted |= {"id": 5, "previous_hash": db.session.get(AuditEntry, 2).hash}
        inserted["hash"] = chain.entry_hash(inserted)
        db.session.execute(AuditEntry.__table__.insert(), inserted)
        db.session.commit()
    result = run_tracker("audit", "verify")
    assert result.exit_code == 1
    assert "entry 5: does not follow entry 4" in result.output


@pytest.mark.postgresql
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_concurrent_writers_on_postgresql_keep_one_chain(app, make_user, run_tracker):
    with app.app_context():
        cohort_id = make_cohort_row()
        db.session.commit()
    failures = []

    def write(writer: int) -> None:
        try:
            with app.app_context():
                line = BudgetLine(
                    cohort_id=cohort_id, code=f"W{writer}", label="x", planned_amount=1
                )
                db.session.add(line)
                db.session.commit()
                for n in range(15):
                    db.session.add(
                        Expense(
                            line=line,
                            date=date(2021, 10, 1),
                            amount=1 + n,
                            description=f"{writer}-{n}",
                            reference=f"{writer}-{n}",
                        )
                    )
                    db.session.commit()
                db.session.remove()
        except Exception as error:  # reported below, with the thread's name
            failures.append(error)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 1 + 3 * 16
    result = run_tracker("audit", "verify")
    assert result.exit_code == 0, result.output


def make_cohort_row() -> int:
    from decimal import Decimal

    from tracker.cohorts.operations import create_cohort

    cohort = create_cohort(
        slug="busy",
        name="Busy",
        funder="Région",
        starts_on=date(2021, 9, 6),
        ends_on=date(2023, 3, 3),
        grant_amount=Decimal("1000"),
    )
    return cohort.id


def test_records_of_a_roll_call_name_their_session_and_trainee(
    app_context, make_cohort, monkeypatch
):
    _, session, trainees = small_cohort(make_cohort)
    move_clock_past(session, monkeypatch)
    record_roll_call(session, {t.id: Mark() for t in trainees}, None, 0)
    stored = db.session.scalars(select(AttendanceRecord)).all()
    written = entries(entity="attendance_records")
    assert {json.loads(e.entity_key)["id"] for e in written} == {r.id for r in stored}
    assert {e.trainee_id for e in written} == {t.id for t in trainees}


def test_marks_name_their_session_so_that_a_roll_calls_changes_are_found_by_index(
    app_context, make_cohort, monkeypatch
):
    from tracker.audit import queries

    _, session, trainees = small_cohort(make_cohort)
    move_clock_past(session, monkeypatch)
    record_roll_call(session, {t.id: Mark() for t in trainees}, None, 0)
    written = entries(entity="attendance_records")
    assert {entry.parent_id for entry in written} == {session.id}
    assert {
        e.id for e in queries.history(entity="attendance_records", key={"session_id": session.id})
    } == {e.id for e in written}
    assert queries.history(entity="attendance_records", key={"session_id": session.id + 1}) == []
