"""When a half-day starts and ends, and when its trainees may sign it.

A session has times of its own, or takes its cohort's for its slot (09:00–12:30 and 13:30–17:00
unless the cohort says otherwise). The signing window opens a few minutes before the start and
closes at the end (settings `SIGNING_OPENS_MINUTES_BEFORE`, default 15).
"""

from datetime import datetime, time, timedelta

from flask import current_app

from tracker.attendance.models import Session
from tracker.cohorts.models import Cohort
from tracker.timeutil import COURSE_TIME_ZONE


def cohort_times(cohort: Cohort, slot: str) -> tuple[time, time]:
    """Return a cohort's start and end of its mornings (AM) or afternoons (PM)."""
    if slot == "AM":
        return cohort.morning_starts_at, cohort.morning_ends_at
    return cohort.afternoon_starts_at, cohort.afternoon_ends_at


def session_times(session: Session, cohort: Cohort | None = None) -> tuple[time, time]:
    """Return when a session starts and ends: its own times, or its cohort's for its slot."""
    default_start, default_end = cohort_times(cohort or session.cohort, session.slot)
    return session.starts_at or default_start, session.ends_at or default_end


def starts(session: Session, cohort: Cohort | None = None) -> datetime:
    """Return the instant a session starts, in the course's time zone."""
    start, _ = session_times(session, cohort)
    return datetime.combine(session.date, start, tzinfo=COURSE_TIME_ZONE)


def ends(session: Session, cohort: Cohort | None = None) -> datetime:
    """Return the instant a session ends, in the course's time zone."""
    _, end = session_times(session, cohort)
    return datetime.combine(session.date, end, tzinfo=COURSE_TIME_ZONE)


def signing_window(session: Session, cohort: Cohort | None = None) -> tuple[datetime, datetime]:
    """Return when trainees may start and stop signing a session: before its start, to its end."""
    before = timedelta(minutes=int(current_app.config["SIGNING_OPENS_MINUTES_BEFORE"]))
    return starts(session, cohort) - before, ends(session, cohort)


def is_signing_open(session: Session, now: datetime, cohort: Cohort | None = None) -> bool:
    """Tell whether a session's signing window is open at an instant."""
    opens, closes = signing_window(session, cohort)
    return opens <= now < closes


def minutes_late(session: Session, signed_at: datetime, cohort: Cohort | None = None) -> int:
    """Return the whole minutes between a session's start and a signature (0 when on time)."""
    late = signed_at - starts(session, cohort)
    return max(0, int(late.total_seconds() // 60))
