"""The rules of the timetable and of a roll call's marks, in one place: the forms, the operations
and the importer all ask `session_problems`, `hours_problems`, `missed_problems` and
`mark_problems`.

Pure functions: dates, statuses, minutes, notes and instants in, problems out.
"""

from collections.abc import Mapping
from datetime import date, datetime, time

import holidays
from flask_babel import gettext as _

from tracker.attendance.models import SESSION_KINDS, SLOTS, STATUSES
from tracker.attendance.times import cohort_times
from tracker.cohorts.rules import outside_cohort_problems
from tracker.i18n import clock
from tracker.rules import Problem
from tracker.timeutil import COURSE_TIME_ZONE

# The longest session, in minutes.
MAX_SESSION_MINUTES = 12 * 60

# The statuses under which a trainee attends part of a half-day and misses some minutes of it.
PARTLY_ATTENDED = ("late", "left_early")

# When each half-day usually starts, where the course is held; a cohort's sessions start at the
# cohort's times, or their own (attendance.times).
HALF_DAY_STARTS = {"AM": time(9, 0), "PM": time(13, 30)}


def public_holidays(first: date, last: date, language: str = "fr") -> Mapping[date, str]:
    """Return France's public holidays of the years from first to last, named in a language: no
    session is generated on one, and no mark moves to one."""
    return holidays.France(years=range(first.year, last.year + 1), language=language)


def half_day_start(day: date, slot: str, start: time | None = None) -> datetime:
    """Return the instant a half-day starts, in the course's time zone: at its start time when
    given (a session's, attendance.times), else at the usual time of its slot."""
    return datetime.combine(day, start or HALF_DAY_STARTS[slot], tzinfo=COURSE_TIME_ZONE)


def has_started(day: date, slot: str, now: datetime, start: time | None = None) -> bool:
    """Tell whether a half-day (starting at `start`, else at the usual time of its slot) has
    started at an instant (a timezone-aware datetime)."""
    return now >= half_day_start(day, slot, start)


# What is wrong with a mark, and which of its fields (status, minutes_missed, note).
MarkProblem = Problem


def session_problems(
    cohort,
    day: date,
    slot: str,
    minutes: int,
    kind: str,
    starts_at: time | None = None,
    ends_at: time | None = None,
) -> list[Problem]:
    """Return what is wrong with a half-day of a cohort's timetable; an empty list when nothing.

    `cohort` has starts_on and ends_on, and the times of its half-days; the session must fall
    within its dates, and end after it starts (its own times, or the cohort's for its slot).
    The hours it credits are the funder's count, not its span: they are not checked against its
    times.
    """
    problems = outside_cohort_problems(cohort, day)
    if slot not in SLOTS:
        problems.append(Problem("slot", _("Choose the morning or the afternoon.")))
    else:
        problems += times_problems(starts_at, ends_at, *cohort_times(cohort, slot))
    if kind not in SESSION_KINDS:
        problems.append(Problem("kind", _("Choose a kind of session.")))
    return problems + hours_problems(minutes)


def times_problems(
    starts_at: time | None, ends_at: time | None, usual_start: time, usual_end: time
) -> list[Problem]:
    """Return the problem of a session ending before it starts, with its own times (either may
    be None: the cohort's usual time for its slot)."""
    start, end = starts_at or usual_start, ends_at or usual_end
    if end > start:
        return []
    if ends_at is not None:
        return [
            Problem(
                "ends_at",
                _("The session must end after it starts (%(start)s).", start=clock(start)),
                in_file=_(
                    "%(end)s is not after the session's start, %(start)s",
                    end=clock(end),
                    start=clock(start),
                ),
            )
        ]
    return [
        Problem(
            "starts_at",
            _(
                "The session must start before it ends (%(end)s, the cohort's time).",
                end=clock(end),
            ),
            in_file=_(
                "%(start)s is not before the session's end, %(end)s (the cohort's time)",
                start=clock(start),
                end=clock(end),
            ),
        )
    ]


def hours_problems(minutes: int | None) -> list[Problem]:
    """Return the problem of a session's length (in minutes) that is not a half-day's."""
    if minutes is None or 0 < minutes <= MAX_SESSION_MINUTES:
        return []
    # A file's hours are read as more than 0 and at most 12: only rounding can leave 0 minutes.
    in_file = _("must be at least one minute") if minutes <= 0 else None
    return [Problem("hours", _("The hours must be more than 0 and at most 12."), in_file)]


def missed_problems(minutes: int, most_missed: int | None) -> list[Problem]:
    """Return the problem of a session shortened below the minutes a trainee already missed of
    it (`most_missed`, None when nothing is recorded)."""
    if most_missed is None or minutes >= most_missed:
        return []
    return [
        Problem(
            "hours",
            _("A trainee already missed %(minutes)d minutes of this session.", minutes=most_missed),
            in_file=_(
                "a trainee already missed %(minutes)d minutes of this session", minutes=most_missed
            ),
        )
    ]


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
