"""What the home page, the trainee's page and the reports read of the timetable and the roll
calls, in one place: a fixed number of set-based queries each, whatever the number of trainees.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, func, or_, select

from tracker import timeutil
from tracker.attendance.models import AttendanceRecord, Session
from tracker.cohorts.models import Cohort, Module, Trainee
from tracker.cohorts.queries import expected_at
from tracker.extensions import db
from tracker.metrics import series
from tracker.metrics.figures import CohortData
from tracker.metrics.versions import DATA_KEPT, current_data, kept_figures


def expected_at_session(trainee=Trainee, session=Session):
    """The SQL condition that a trainee is expected at a session (docs/figures.md)."""
    return and_(trainee.cohort_id == session.cohort_id, *expected_at(session.date, trainee))


@dataclass(frozen=True)
class SessionLine:
    """A session on a list of the home page, with the state of its roll call."""

    id: int
    date: date
    slot: str
    module_code: str
    module_title: str
    cohort_slug: str
    cohort_name: str
    recorded: int
    expected: int

    @property
    def roll_call_taken(self) -> bool:
        return self.recorded >= self.expected


def _session_lines(cohort_ids: Sequence[int]):
    """Select sessions of the cohorts with the number of roll-call marks and expected trainees."""
    expected = (
        select(func.count(Trainee.id))
        .where(expected_at_session())
        .correlate(Session)
        .scalar_subquery()
    )
    recorded = (
        select(func.count(AttendanceRecord.id))
        .join(Trainee, Trainee.id == AttendanceRecord.trainee_id)
        .where(AttendanceRecord.session_id == Session.id, expected_at_session())
        .correlate(Session)
        .scalar_subquery()
    )
    query = (
        _timetable_lines()
        .add_columns(recorded.label("recorded"), expected.label("expected"))
        .where(Session.cohort_id.in_(cohort_ids))
    )
    return query, recorded, expected


def _timetable_lines():
    """Select sessions with their module and cohort, as a SessionLine begins."""
    return (
        select(
            Session.id,
            Session.date,
            Session.slot,
            Module.code,
            Module.title,
            Cohort.slug,
            Cohort.name,
        )
        .join(Module, Module.id == Session.module_id)
        .join(Cohort, Cohort.id == Session.cohort_id)
    )


def week_sessions(cohort_ids: Sequence[int], today: date) -> list[SessionLine]:
    """Return the sessions of the cohorts in the week of `today`, Monday to Sunday, in order."""
    if not cohort_ids:
        return []
    monday = today - timedelta(days=today.weekday())
    query, _, _ = _session_lines(cohort_ids)
    rows = db.session.execute(
        query.where(Session.date.between(monday, monday + timedelta(days=6))).order_by(
            Session.date, Session.slot, Cohort.slug
        )
    ).all()
    return [SessionLine(*row) for row in rows]


def roll_calls_not_taken(
    cohort_ids: Sequence[int], now: datetime, limit: int | None = 10
) -> tuple[list[SessionLine], int]:
    """Return the latest half-days begun whose roll call misses someone, and how many there are.

    Today's half-days count once they have begun, at their own time or their cohort's for
    their slot (attendance.times): at 00:18, the afternoon's roll call is not missing yet.

    Which half-days miss a mark is worked out from each cohort's data, kept by the version of
    its records (`tracker.metrics.versions`) and by the day of its latest half-day held by
    today: what misses marks depends only on the half-days held, so on a new day only the
    cohorts with a half-day since are worked out again, not those that ended; a cohort with no
    half-day held has none missing. The instructors' home page, asked again and again, reads the
    timetable of those half-days only, not every session's marks. More cohorts to work out than
    a worker keeps the data of (an administrator's home after a restart) are counted in one
    set-based pass instead: loading each would cost a whole load and push out the data their
    own pages share.
    """
    if not cohort_ids:
        return [], 0
    local = now.astimezone(timeutil.COURSE_TIME_ZONE)
    today = local.date()
    latest = (
        select(func.max(Session.date))
        .where(Session.cohort_id == Cohort.id, Session.date <= today)
        .correlate(Cohort)
        .scalar_subquery()
    )
    rows = db.session.execute(select(Cohort, latest).where(Cohort.id.in_(cohort_ids))).all()
    days = {cohort.id: day for cohort, day in rows if day is not None}
    cohorts = [cohort for cohort, day in rows if day is not None]
    counts: dict[int, tuple[int, int]] = {}

    def work_out(changed: Sequence[Cohort]) -> dict[int, dict[int, tuple[int, int]]]:
        if len(changed) > DATA_KEPT:
            return count_marks_missing([cohort.id for cohort in changed], today)
        return {
            cohort.id: marks_missing(current_data(cohort, days[cohort.id])) for cohort in changed
        }

    for missing in kept_figures.get_many("marks missing", cohorts, days, work_out).values():
        counts.update(missing)
    if not counts:
        return [], 0
    starts_at = func.coalesce(
        Session.starts_at,
        case((Session.slot == "AM", Cohort.morning_starts_at), else_=Cohort.afternoon_starts_at),
    )
    begun = or_(
        Session.date < today,
        and_(Session.date == today, starts_at <= local.time().replace(tzinfo=None)),
    )
    rows = db.session.execute(
        _timetable_lines()
        .where(Session.id.in_(counts), begun)
        .order_by(Session.date.desc(), Session.slot.desc(), Cohort.slug)
    ).all()
    lines = [SessionLine(*row, *counts[row.id]) for row in rows]
    return (lines if limit is None else lines[:limit]), len(lines)


def count_marks_missing(
    cohort_ids: Sequence[int], today: date
) -> dict[int, dict[int, tuple[int, int]]]:
    """Return `marks_missing` of each cohort as of today, counted in one set-based query: for
    each session held by today whose roll call misses a trainee expected that day, the marks of
    those expected and how many were expected, by cohort id.

    The trainees expected at each session are counted apart from the marks of those expected,
    each a join of one large table with small ones, and the two counts compared: joining the
    marks to every (session, trainee expected) pair would hash all the marks first.
    """
    held = and_(Session.cohort_id.in_(cohort_ids), Session.date <= today)
    expected = (
        select(Session.cohort_id, Session.id.label("session_id"), func.count().label("trainees"))
        .join(Trainee, expected_at_session())
        .where(held)
        .group_by(Session.cohort_id, Session.id)
        .subquery()
    )
    recorded = (
        select(AttendanceRecord.session_id, func.count().label("marks"))
        .join(Session, Session.id == AttendanceRecord.session_id)
        .join(Trainee, and_(Trainee.id == AttendanceRecord.trainee_id, expected_at_session()))
        .where(held)
        .group_by(AttendanceRecord.session_id)
        .subquery()
    )
    marks = func.coalesce(recorded.c.marks, 0)
    rows = db.session.execute(
        select(expected.c.cohort_id, expected.c.session_id, marks, expected.c.trainees)
        .outerjoin(recorded, recorded.c.session_id == expected.c.session_id)
        .where(marks < expected.c.trainees)
    )
    missing: dict[int, dict[int, tuple[int, int]]] = {cohort_id: {} for cohort_id in cohort_ids}
    for cohort_id, session_id, recorded_marks, trainees in rows:
        missing[cohort_id][session_id] = (recorded_marks, trainees)
    return missing


def marks_missing(data: CohortData) -> dict[int, tuple[int, int]]:
    """Return, for each session held by the data's date whose roll call misses a trainee
    expected that day, the marks of those expected and how many were expected."""
    marks = series.marks_by_session_and_trainee(data)
    expected_on = series.expected_by_day(data)
    missing = {}
    for session in data.sessions:
        expected = expected_on.get(session.date, ())
        recorded = sum((session.id, trainee.id) in marks for trainee in expected)
        if recorded < len(expected):
            missing[session.id] = (recorded, len(expected))
    return missing


@dataclass(frozen=True)
class HistoryLine:
    """A held session at which a trainee was expected, and what the roll call recorded."""

    date: date
    slot: str
    minutes: int
    module_code: str
    module_title: str
    status: str | None
    minutes_missed: int | None
    note: str | None


def attendance_history(trainee: Trainee, as_of: date, *, every: bool) -> list[HistoryLine]:
    """Return the held sessions at which the trainee was expected, most recent first.

    Unless `every` is set, only those that the trainee missed in whole or in part, whose roll
    call is not taken, or that carry a note: a course has hundreds of sessions, and these are
    the ones a reader looks for.
    """
    conditions = [
        Session.cohort_id == trainee.cohort_id,
        Session.date <= as_of,
        *expected_at(Session.date, trainee),
    ]
    if not every:
        conditions.append(
            or_(
                AttendanceRecord.id.is_(None),
                AttendanceRecord.status != "present",
                func.coalesce(AttendanceRecord.note, "") != "",
            )
        )
    rows = db.session.execute(
        select(
            Session.date,
            Session.slot,
            Session.minutes,
            Module.code,
            Module.title,
            AttendanceRecord.status,
            AttendanceRecord.minutes_missed,
            AttendanceRecord.note,
        )
        .join(Module, Module.id == Session.module_id)
        .outerjoin(
            AttendanceRecord,
            and_(
                AttendanceRecord.session_id == Session.id,
                AttendanceRecord.trainee_id == trainee.id,
            ),
        )
        .where(*conditions)
        .order_by(Session.date.desc(), Session.slot.desc())
    ).all()
    return [HistoryLine(*row) for row in rows]
