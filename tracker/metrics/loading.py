"""Load what the figures of a cohort need, in a fixed number of set-based queries.

Nine queries whatever the size of the cohort, each filtered by the cohort's id (through the
unique indexes on sessions (cohort_id, date, slot) and attendance_records (session_id,
trainee_id)) and selecting plain columns rather than ORM objects, so that the roll calls of a
whole course load in a few milliseconds.
"""

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import CursorResult, Select, select

from tracker.assessments.models import Assessment, Result, assessment_competencies
from tracker.attendance.models import AttendanceRecord, Session
from tracker.budget.models import BudgetLine, Expense
from tracker.cohorts.models import Cohort, Competency, Module, Trainee
from tracker.extensions import db
from tracker.metrics.figures import (
    AssessmentInfo,
    BudgetLineInfo,
    CohortData,
    CohortInfo,
    ExpenseInfo,
    ModuleInfo,
    SessionInfo,
    TraineeInfo,
    cohort_figures,
    figures_json,
)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector, if it runs, for the duration of the block.

    Fetching some 17,000 roll-call rows allocates tens of thousands of tuples; each counts
    towards the collector's thresholds and triggers collections that walk the whole heap (the
    application's modules included), which tripled the time of the load when measured. Rows hold
    no reference cycles, so nothing is lost by collecting after the fetch.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def marks_held(cohort_id: int, as_of: date) -> Select:
    """Select the roll-call marks of the cohort's sessions held by D, as figures.Mark."""
    return (
        select(
            AttendanceRecord.session_id,
            AttendanceRecord.trainee_id,
            AttendanceRecord.status,
            AttendanceRecord.minutes_missed,
        )
        .join(Session, Session.id == AttendanceRecord.session_id)
        .where(Session.cohort_id == cohort_id, Session.date <= as_of)
    )


def plain_rows(result: CursorResult) -> list[tuple]:
    """Fetch a result's rows as the database driver returns them: plain tuples.

    Only for columns whose values SQLAlchemy hands over unchanged (integers and strings, which
    it does not convert on SQLite or PostgreSQL). The roll-call marks are read so: without a
    `Row` object for each of 16,000 records, reading them takes a third less time, and tuples
    of plain values are soon left alone by the garbage collector.
    """
    try:
        return result.cursor.fetchall()
    finally:
        result.close()


# The tables the data is read from: a change to any other leaves a cohort's data as it was
# (`tracker.metrics.versions` reads the trail so). A query added below names its tables here.
LOADED_TABLES = frozenset(
    {
        Cohort.__tablename__,
        Trainee.__tablename__,
        Session.__tablename__,
        AttendanceRecord.__tablename__,
        Module.__tablename__,
        Assessment.__tablename__,
        assessment_competencies.name,
        Competency.__tablename__,
        Result.__tablename__,
        BudgetLine.__tablename__,
        Expense.__tablename__,
    }
)


def load_cohort_data(cohort: Cohort, as_of: date) -> CohortData:
    """Load the cohort's trainees, timetable, roll calls, results and budget held by D."""
    with collector_paused():
        return _load_cohort_data(cohort, as_of)


def _load_cohort_data(cohort: Cohort, as_of: date) -> CohortData:
    # Core execution on the session's connection: plain rows, none of the ORM's loading work.
    execute = db.session.connection().execute
    cohort_id = cohort.id

    trainees = execute(
        select(
            Trainee.id,
            Trainee.ref,
            Trainee.first_name,
            Trainee.last_name,
            Trainee.enrolled_on,
            Trainee.left_on,
        )
        .where(Trainee.cohort_id == cohort_id, Trainee.enrolled_on <= as_of)
        .order_by(Trainee.ref)
    ).all()
    sessions = execute(
        select(Session.id, Session.date, Session.slot, Session.minutes, Session.module_id)
        .where(Session.cohort_id == cohort_id, Session.date <= as_of)
        .order_by(Session.date, Session.slot)
    ).all()
    marks = plain_rows(execute(marks_held(cohort_id, as_of)))
    modules = execute(
        select(Module.id, Module.code, Module.planned_minutes, Module.pass_mark)
        .where(Module.cohort_id == cohort_id)
        .order_by(Module.code)
    ).all()
    # Every assessment, held or not: a module with one still to come is neither passed nor failing.
    assessments = execute(
        select(
            Assessment.id,
            Assessment.module_id,
            Assessment.date,
            Assessment.max_score,
            Assessment.weight,
            Assessment.code,
        )
        .where(Assessment.cohort_id == cohort_id)
        .order_by(Assessment.date, Assessment.code)
    ).all()
    evaluated = execute(
        select(assessment_competencies.c.assessment_id, Competency.code)
        .join(Competency, Competency.id == assessment_competencies.c.competency_id)
        .join(Assessment, Assessment.id == assessment_competencies.c.assessment_id)
        .where(Assessment.cohort_id == cohort_id)
    ).all()
    scores = execute(
        select(Result.assessment_id, Result.trainee_id, Result.score)
        .join(Assessment, Assessment.id == Result.assessment_id)
        .where(Assessment.cohort_id == cohort_id, Assessment.date <= as_of)
    ).all()
    lines = execute(
        select(BudgetLine.id, BudgetLine.code, BudgetLine.label, BudgetLine.planned_amount)
        .where(BudgetLine.cohort_id == cohort_id)
        .order_by(BudgetLine.code)
    ).all()
    expenses = execute(
        select(Expense.budget_line_id, Expense.date, Expense.amount)
        .join(BudgetLine, BudgetLine.id == Expense.budget_line_id)
        .where(BudgetLine.cohort_id == cohort_id, Expense.date <= as_of)
    ).all()

    competencies: dict[int, list[str]] = {}
    for assessment_id, code in evaluated:
        competencies.setdefault(assessment_id, []).append(code)

    return CohortData(
        as_of=as_of,
        cohort=CohortInfo(
            slug=cohort.slug,
            starts_on=cohort.starts_on,
            ends_on=cohort.ends_on,
            grant_amount=cohort.grant_amount,
            contracted_trainees=cohort.contracted_trainees,
            planned_minutes_per_trainee=cohort.planned_minutes_per_trainee,
            attendance_threshold=cohort.attendance_threshold,
        ),
        trainees=tuple(TraineeInfo(*row) for row in trainees),
        sessions=tuple(SessionInfo(*row) for row in sessions),
        # The tuples as fetched: copying 17,000 of them into other objects would cost time.
        marks=tuple(marks),
        modules=tuple(ModuleInfo(*row) for row in modules),
        assessments=tuple(
            AssessmentInfo(
                id=id_,
                module_id=module_id,
                date=day,
                max_score=max_score,
                weight=weight,
                competencies=tuple(sorted(competencies.get(id_, ()))),
                code=code,
            )
            for id_, module_id, day, max_score, weight, code in assessments
        ),
        scores=tuple(scores),
        budget_lines=tuple(BudgetLineInfo(*row) for row in lines),
        expenses=tuple(ExpenseInfo(*row) for row in expenses),
    )


def with_marks_reloaded(
    data: CohortData, cohort_id: int, session_ids: set[int]
) -> tuple[CohortData, list, list]:
    """Return the data with the marks of some sessions read again, the rest as it was, with the
    marks of those sessions it held and those read.

    The same data (and no marks) when none of those sessions is held by its date; otherwise new
    data, with nothing worked out from the old one."""
    held = {session.id for session in data.sessions} & session_ids
    if not held:
        return data, [], []
    execute = db.session.connection().execute
    with collector_paused():
        marks = plain_rows(
            execute(marks_held(cohort_id, data.as_of).where(AttendanceRecord.session_id.in_(held)))
        )
        kept, dropped = [], []
        for mark in data.marks:
            (dropped if mark[0] in held else kept).append(mark)
    return replace(data, marks=(*kept, *marks)), dropped, marks


def cohort_metrics(cohort: Cohort, as_of: date) -> dict[str, Any]:
    """Return the cohort's figures as of D as the JSON object of `tracker metrics`."""
    return figures_json(cohort_figures(load_cohort_data(cohort, as_of)))
