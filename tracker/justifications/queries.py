"""What the pages, the home page and the statements read of the absence justifications."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload

from tracker.attendance.models import AttendanceRecord, Session
from tracker.audit import replay
from tracker.cohorts.models import Module, Trainee
from tracker.cohorts.rules import is_expected
from tracker.extensions import db
from tracker.justifications import rules
from tracker.metrics.justifications import DeclaredAbsence
from tracker.signing.models import Justification
from tracker.timeutil import COURSE_TIME_ZONE


def trainee_justifications(trainee_id: int, limit: int | None = None) -> list[Justification]:
    """Load a trainee's justifications, the latest declared first."""
    query = (
        select(Justification)
        .options(joinedload(Justification.decided_by))
        .where(Justification.trainee_id == trainee_id)
        .order_by(Justification.declared_at.desc(), Justification.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def count_of_trainee(trainee_id: int) -> int:
    """Count a trainee's justifications."""
    return db.session.scalar(
        select(func.count(Justification.id)).where(Justification.trainee_id == trainee_id)
    )


def cohort_justifications(cohort_id: int) -> list[Justification]:
    """Load the justifications of a cohort's trainees: those waiting for a decision first, the
    longest waiting first; then the decided ones, the latest decided first."""
    waiting = case((Justification.state == "pending", 0), else_=1)
    return list(
        db.session.scalars(
            select(Justification)
            .join(Trainee, Trainee.id == Justification.trainee_id)
            .options(joinedload(Justification.trainee), joinedload(Justification.decided_by))
            .where(Trainee.cohort_id == cohort_id)
            .order_by(
                waiting,
                case((Justification.state == "pending", Justification.declared_at)),
                Justification.decided_at.desc(),
                Justification.id,
            )
        ).unique()
    )


def pending_counts(cohort_ids: Iterable[int]) -> dict[int, int]:
    """Count the justifications waiting for a decision in each of the cohorts (those with any)."""
    ids = list(cohort_ids)
    if not ids:
        return {}
    return dict(
        db.session.execute(
            select(Trainee.cohort_id, func.count(Justification.id))
            .join(Trainee, Trainee.id == Justification.trainee_id)
            .where(Trainee.cohort_id.in_(ids), Justification.state == "pending")
            .group_by(Trainee.cohort_id)
        ).all()
    )


@dataclass(frozen=True)
class CoveredHalfDay:
    """A half-day of the timetable that a justification covers, with the trainee's mark now."""

    session_id: int
    date: date
    slot: str
    minutes: int
    module_code: str
    closed: bool
    status: str | None
    minutes_missed: int
    note: str | None


def covered_half_days(justification: Justification) -> list[CoveredHalfDay]:
    """Load the half-days of the timetable that a justification covers where its trainee is
    expected, in order, with the trainee's mark at each (None where there is none yet)."""
    trainee = justification.trainee
    rows = db.session.execute(
        select(
            Session.id,
            Session.date,
            Session.slot,
            Session.minutes,
            Module.code,
            Session.closed_at,
            AttendanceRecord.status,
            AttendanceRecord.minutes_missed,
            AttendanceRecord.note,
        )
        .join(Module, Module.id == Session.module_id)
        .outerjoin(
            AttendanceRecord,
            (AttendanceRecord.session_id == Session.id)
            & (AttendanceRecord.trainee_id == trainee.id),
        )
        .where(
            Session.cohort_id == trainee.cohort_id,
            Session.date.between(justification.first_day, justification.last_day),
        )
        .order_by(Session.date, Session.slot)
    ).all()
    return [
        CoveredHalfDay(
            session_id=id_,
            date=day,
            slot=slot,
            minutes=minutes,
            module_code=code,
            closed=closed_at is not None,
            status=status,
            minutes_missed=minutes_missed or 0,
            note=note,
        )
        for id_, day, slot, minutes, code, closed_at, status, minutes_missed, note in rows
        if rules.covers(
            justification.first_day,
            justification.first_slot,
            justification.last_day,
            justification.last_slot,
            day,
            slot,
        )
        and is_expected(day, trainee.enrolled_on, trainee.left_on)
    ]


def declared_absences(cohort_id: int, trainee_id: int | None = None) -> list[DeclaredAbsence]:
    """Load the justifications of a cohort's trainees (or of one) as the statement counts them."""
    query = (
        select(
            Justification.trainee_id,
            Justification.first_day,
            Justification.last_day,
            Justification.declared_at,
            Justification.decided_at,
        )
        .join(Trainee, Trainee.id == Justification.trainee_id)
        .where(Trainee.cohort_id == cohort_id)
    )
    if trainee_id is not None:
        query = query.where(Justification.trainee_id == trainee_id)
    return [DeclaredAbsence(*row) for row in db.session.execute(query)]


def counted_at(as_of: date) -> datetime:
    """Return the instant at which the figures as of D count the justifications waiting: the
    end of D where the course is held, or the instant whose records are rebuilt, if earlier."""
    at = datetime.combine(as_of, time.max, tzinfo=COURSE_TIME_ZONE)
    rebuilt = replay.rebuilt_at()
    return at if rebuilt is None else min(at, rebuilt)
