"""What the officers' pages read of the signatures: set-based queries, a fixed number per cohort."""

from datetime import date, datetime, timedelta

from sqlalchemy import and_, select

from tracker.attendance.models import AttendanceRecord, Session
from tracker.attendance.times import cohort_times
from tracker.cohorts.models import Cohort, Trainee
from tracker.cohorts.queries import expected_at
from tracker.extensions import db
from tracker.signing.figures import HalfDayRow
from tracker.signing.models import PaperSheet, Signature
from tracker.timeutil import COURSE_TIME_ZONE


def paper_weeks(cohort: Cohort) -> set[date]:
    """Return the Mondays of the cohort's weeks whose signed paper sheet is kept."""
    return set(db.session.scalars(select(PaperSheet.week).where(PaperSheet.cohort_id == cohort.id)))


def half_day_rows(cohort: Cohort, last_day: date) -> list[HalfDayRow]:
    """Load each trainee expected at each of the cohort's sessions up to a day, with the mark
    and whether it was signed on screen or on paper: one query, and one for the paper weeks."""
    on_paper = paper_weeks(cohort)
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
