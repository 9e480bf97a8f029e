"""What the signing pages read: a half-day's signatures and the half-days a trainee may sign now.

A fixed number of set-based queries each, whatever the number of trainees.
"""

from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, select

from tracker.attendance import times
from tracker.attendance.models import AttendanceRecord, Session
from tracker.attendance.queries import expected_at_session
from tracker.attendance.times import cohort_times
from tracker.cohorts.models import Cohort, Trainee
from tracker.cohorts.queries import expected_at
from tracker.extensions import db
from tracker.paper import queries as paper_queries
from tracker.signing.figures import HalfDayRow
from tracker.signing.models import Signature
from tracker.timeutil import COURSE_TIME_ZONE


def signature_of(session: Session, trainee: Trainee) -> Signature | None:
    """Load a trainee's signature of a half-day, if they signed it."""
    return db.session.scalar(
        select(Signature).where(
            Signature.session_id == session.id, Signature.trainee_id == trainee.id
        )
    )


def signed_and_expected(session: Session) -> tuple[int, int]:
    """Count the trainees expected at a half-day who signed it, and those expected."""
    expected = db.session.scalar(
        select(func.count(Trainee.id)).where(
            Trainee.cohort_id == session.cohort_id, *expected_at(session.date)
        )
    )
    signed = db.session.scalar(
        select(func.count(Signature.id))
        .join(Trainee, Trainee.id == Signature.trainee_id)
        .join(Session, Session.id == Signature.session_id)
        .where(Signature.session_id == session.id, expected_at_session())
    )
    return signed, expected


def sessions_around(trainee: Trainee, now: datetime) -> list[Session]:
    """Load the half-days of a trainee's cohort from the day before to the day after an instant,
    at which they are expected, in order (a window may open the evening before a half-day)."""
    today = now.astimezone(COURSE_TIME_ZONE).date()
    return list(
        db.session.scalars(
            select(Session)
            .where(
                Session.cohort_id == trainee.cohort_id,
                Session.date.between(today - timedelta(days=1), today + timedelta(days=1)),
                *expected_at(Session.date, trainee),
            )
            .order_by(Session.date, Session.slot)
        )
    )


def open_for_signing(trainee: Trainee, now: datetime) -> list[Session]:
    """Load the half-days that a trainee may sign at an instant: expected, window open, roll call
    not closed."""
    return [
        session
        for session in sessions_around(trainee, now)
        if session.closed_at is None and times.is_signing_open(session, now)
    ]


def next_opening(trainee: Trainee, now: datetime) -> tuple[Session, datetime] | None:
    """Return the next half-day of the trainee's day whose signing window is not open yet, and
    when it opens; None when there is none left today."""
    today = now.astimezone(COURSE_TIME_ZONE).date()
    for session in sessions_around(trainee, now):
        opens, _closes = times.signing_window(session)
        if session.date == today and opens > now:
            return session, opens
    return None


def signatures_by_session(trainee: Trainee, session_ids: list[int]) -> dict[int, Signature]:
    """Load a trainee's signatures of some half-days, by half-day id."""
    if not session_ids:
        return {}
    return {
        signature.session_id: signature
        for signature in db.session.scalars(
            select(Signature).where(
                Signature.trainee_id == trainee.id, Signature.session_id.in_(session_ids)
            )
        )
    }


def half_day_rows(cohort: Cohort, last_day: date) -> list[HalfDayRow]:
    """Load each trainee expected at each of the cohort's sessions up to a day, with the mark
    and whether it was signed on screen or on paper: one query, and one for the weeks on paper."""
    on_paper = paper_queries.all_paper_weeks(cohort.id)
    rows = db.session.execute(
        select(
            Session.date,
            Session.slot,
            Session.starts_at,
            Trainee.ref,
            Trainee.first_name,
            Trainee.last_name,
            AttendanceRecord.status,
            AttendanceRecord.note,
            Signature.id.is_not(None),
        )
        .join(Trainee, and_(Trainee.cohort_id == Session.cohort_id, *expected_at(Session.date)))
        .outerjoin(
            AttendanceRecord,
            and_(
                AttendanceRecord.session_id == Session.id,
                AttendanceRecord.trainee_id == Trainee.id,
            ),
        )
        .outerjoin(
            Signature,
            and_(Signature.session_id == Session.id, Signature.trainee_id == Trainee.id),
        )
        .where(Session.cohort_id == cohort.id, Session.date <= last_day)
        .order_by(Session.date, Session.slot, Trainee.ref)
    )
    usual_start = {slot: cohort_times(cohort, slot)[0] for slot in ("AM", "PM")}
    return [
        HalfDayRow(
            day=day,
            slot=slot,
            starts=datetime.combine(day, starts_at or usual_start[slot], tzinfo=COURSE_TIME_ZONE),
            trainee_ref=ref,
            trainee_name=f"{first_name} {last_name}",
            status=status,
            note=note,
            signed=signed,
            on_paper=day - timedelta(days=day.weekday()) in on_paper,
        )
        for day, slot, starts_at, ref, first_name, last_name, status, note, signed in rows
    ]
