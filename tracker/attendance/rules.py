"""The rules of a roll call's marks, in one place: the roll call form, the operation that records
it and the attendance importer all ask `mark_problems`.

Pure functions: statuses, minutes, notes and instants in, problems out.
"""

from dataclasses import dataclass
from datetime import date, datetime, time

from flask_babel import gettext as _

from tracker.attendance.models import STATUSES
from tracker.timeutil import COURSE_TIME_ZONE

# The statuses under which a trainee attends part of a half-day and misses some minutes of it.
PARTLY_ATTENDED = ("late", "left_early")

# When each half-day starts, where the course is held. One time for every session until sessions
# get times of their own.
HALF_DAY_STARTS = {"AM": time(9, 0), "PM": time(13, 30)}


def half_day_start(day: date, slot: str) -> datetime:
    """Return the instant a half-day starts, in the course's time zone."""
    return datetime.combine(day, HALF_DAY_STARTS[slot], tzinfo=COURSE_TIME_ZONE)


def has_started(day: date, slot: str, now: datetime) -> bool:
    """Tell whether a half-day has started at an instant (a timezone-aware datetime)."""
    return now >= half_day_start(day, slot)


@dataclass(frozen=True)
class MarkProblem:
    """What is wrong with a mark, and which of its fields (status, minutes_missed, note)."""

    field: str
    message: str


def mark_problems(
    status: str,
    minutes_missed: int | None,
    note: str | None,
    *,
    session_minutes: int,
    started: bool = True,
) -> list[MarkProblem]:
    """Return what is wrong with one trainee's mark at a half-day; an empty list when nothing.

    Minutes are missed only by a trainee late or leaving early, who must have missed some (else
    the whole half-day would be credited); an excused absence needs a reason; before the half-day
    starts, only an absence announced in advance (excused, with a reason) can be recorded.
    """
    if status not in STATUSES:
        return [MarkProblem("status", _("Choose a status."))]
    problems = []
    minutes = minutes_missed or 0
    if minutes < 0:
        problems.append(MarkProblem("minutes_missed", _("Enter 0 or more minutes.")))
    elif status in PARTLY_ATTENDED and minutes == 0:
        problems.append(
            MarkProblem(
                "minutes_missed",
                _("Enter the minutes missed, more than 0, for a late arrival or early departure."),
            )
        )
    elif status not in PARTLY_ATTENDED and minutes > 0:
        problems.append(
            MarkProblem(
                "minutes_missed",
                _("Minutes missed are only for a trainee late or leaving early."),
            )
        )
    elif minutes > session_minutes:
        problems.append(
            MarkProblem(
                "minutes_missed",
                _("At most %(minutes)d minutes, the session's length.", minutes=session_minutes),
            )
        )
    if status == "excused" and not (note or "").strip():
        problems.append(MarkProblem("note", _("A reason is required for an excused absence.")))
    if not started and status != "excused":
        problems.append(
            MarkProblem(
                "status",
                _(
                    "This half-day has not started: only an absence announced in advance can be "
                    "recorded, as an excused absence with its reason."
                ),
            )
        )
    return problems


def is_mark(status: str, minutes_missed: int | None, note: str | None, started: bool) -> bool:
    """Tell whether a line of the roll call page records a mark.

    The page shows everyone present until told otherwise; before the half-day starts, a line
    left at that (present, with no minutes and no note) records nothing.
    """
    return started or status != "present" or bool(minutes_missed) or bool((note or "").strip())
