"""Rows written in bulk (tracker/batch.py): one batch however their empty fields fall."""

from datetime import date, time

import pytest
from sqlalchemy import event, select

from tracker.attendance.models import Session
from tracker.batch import write_rows
from tracker.cohorts.models import Cohort, Module
from tracker.extensions import db


@pytest.fixture
def statements(app_context, world):
    """The INSERT statements sent to the database from now on, each with its number of rows."""
    sent = []

    def record(connection, cursor, statement, parameters, context, executemany):
        if statement.startswith("INSERT INTO sessions"):
            sent.append(len(parameters) if executemany else 1)

    event.listen(db.engine, "before_cursor_execute", record)
    yield sent
    event.remove(db.engine, "before_cursor_execute", record)


def half_days(world, count: int, **fields) -> list[dict]:
    cohort = db.session.scalar(select(Cohort).where(Cohort.slug == world.cohort))
    module = db.session.scalar(select(Module).where(Module.cohort_id == cohort.id))
    return [
        {
            "cohort_id": cohort.id,
            "module_id": module.id,
            "date": date(2031, 1, 1 + index),
            "slot": "AM",
            **fields,
        }
        for index in range(count)
    ]


def test_rows_whose_empty_fields_differ_go_in_one_batch(world, statements):
    rows = half_days(world, 6)
    for index, row in enumerate(rows):
        # Every other half-day has its own times; the others leave them empty (None).
        row["starts_at"] = time(8, 30) if index % 2 else None
        row["ends_at"] = time(12, 0) if index % 2 else None
    write_rows(Session, rows, [])
    assert statements == [6]
    written = db.session.scalars(
        select(Session.starts_at).where(Session.date >= date(2031, 1, 1)).order_by(Session.date)
    ).all()
    assert written == [None, time(8, 30)] * 3
