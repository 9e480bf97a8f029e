"""The rules of a cohort's dates and of a trainee's enrolment, in one place: the forms, the
operations, the importer and the figures ask these.

Pure functions: dates and times in, problems or a yes/no out.
"""

from datetime import date, time

from flask_babel import gettext as _

from tracker.i18n import clock
from tracker.i18n import day as show_day
from tracker.rules import Problem


def is_expected(day: date, enrolled_on: date, left_on: date | None) -> bool:
    """Tell whether a trainee enrolled on one day, and who left on another (if any), is expected
    on a day: from enrolment to withdrawal, both included (docs/figures.md)."""
    return enrolled_on <= day and (left_on is None or day <= left_on)


def has_left(left_on: date | None, as_of: date) -> bool:
    """Tell whether a trainee who left on a day (if any) has withdrawn as of D."""
    return left_on is not None and left_on <= as_of


def expected_on(trainee, day: date) -> bool:
    """Tell whether a trainee (anything with enrolled_on and left_on) is expected on a day."""
    return is_expected(day, trainee.enrolled_on, trainee.left_on)


def not_expected_problems(
    ref: str, day: date, enrolled_on: date, left_on: date | None
) -> list[Problem]:
    """Return why a trainee is not expected on a day; an empty list when they are."""
    if day < enrolled_on:
        message = _(
            "%(ref)s is not expected on %(day)s: enrolled on %(enrolled)s",
            ref=ref,
            day=day,
            enrolled=enrolled_on,
        )
        return [Problem("trainee", message)]
    if left_on is not None and day > left_on:
        message = _(
            "%(ref)s is not expected on %(day)s: left on %(left)s", ref=ref, day=day, left=left_on
        )
        return [Problem("trainee", message)]
    return []


def outside_cohort_problems(cohort, day: date | None, field: str = "date") -> list[Problem]:
    """Return the problem of a day outside the cohort's dates (`cohort` has starts_on and
    ends_on); an empty list when it is within them or not given."""
    if day is None or cohort.starts_on <= day <= cohort.ends_on:
        return []
    return [
        Problem(
            field,
            _(
                "The date must be within the cohort, from %(first)s to %(last)s.",
                first=show_day(cohort.starts_on),
                last=show_day(cohort.ends_on),
            ),
            in_file=_(
                "%(day)s is outside the cohort (%(start)s to %(end)s)",
                day=day,
                start=cohort.starts_on,
                end=cohort.ends_on,
            ),
        )
    ]


def enrolment_problems(enrolled_on: date | None, left_on: date | None) -> list[Problem]:
    """Return the problem of an enrolment after the day the trainee left."""
    if enrolled_on is None or left_on is None or enrolled_on <= left_on:
        return []
    return [
        Problem(
            "enrolled_on",
            _("The trainee left on %(day)s: enrolment must come first.", day=show_day(left_on)),
            in_file=_("must be on or before the day the trainee left"),
        )
    ]


def leaving_day_problems(enrolled_on: date, left_on: date | None) -> list[Problem]:
    """Return the problem of a trainee leaving before the day they enrolled."""
    if left_on is None or enrolled_on <= left_on:
        return []
    return [
        Problem(
            "left_on",
            _(
                "The trainee enrolled on %(day)s: they cannot leave before.",
                day=show_day(enrolled_on),
            ),
            in_file=_(
                "%(left)s is before enrolled_on %(enrolled)s", left=left_on, enrolled=enrolled_on
            ),
        )
    ]


def withdrawal_problems(
    enrolled_on: date, left_on: date | None, reason: str | None
) -> list[Problem]:
    """Return what is wrong with a withdrawal: the day before enrolment, or no reason given.

    A reason is said only of a trainee who left, and a trainee who left needs one.
    """
    if not (reason or "").strip():
        if left_on is None:
            return []
        reason_problem = Problem(
            "reason", _("Give the reason for leaving."), _("is required when left_on is given")
        )
        return [*leaving_day_problems(enrolled_on, left_on), reason_problem]
    if left_on is None:
        return [Problem("left_on", _("is required when exit_reason is given"))]
    return leaving_day_problems(enrolled_on, left_on)


def half_day_times_problems(
    morning_starts_at: time | None,
    morning_ends_at: time | None,
    afternoon_starts_at: time | None,
    afternoon_ends_at: time | None,
) -> list[Problem]:
    """Return what is wrong with a cohort's times of its half-days; an empty list when nothing.

    Each half-day ends after it starts, and the afternoon starts once the morning has ended (the
    signing windows of one day follow each other). A time not given is not checked: its field
    says it is required.
    """
    problems = []
    if morning_starts_at and morning_ends_at and morning_ends_at <= morning_starts_at:
        problems.append(
            Problem(
                "morning_ends_at",
                _(
                    "The morning must end after it starts (%(start)s).",
                    start=clock(morning_starts_at),
                ),
                in_file=_(
                    "the morning must end after it starts (%(start)s)",
                    start=clock(morning_starts_at),
                ),
            )
        )
    if morning_ends_at and afternoon_starts_at and afternoon_starts_at < morning_ends_at:
        problems.append(
            Problem(
                "afternoon_starts_at",
                _(
                    "The afternoon must start once the morning has ended (%(end)s).",
                    end=clock(morning_ends_at),
                ),
                in_file=_(
                    "the afternoon must start once the morning has ended (%(end)s)",
                    end=clock(morning_ends_at),
                ),
            )
        )
    if afternoon_starts_at and afternoon_ends_at and afternoon_ends_at <= afternoon_starts_at:
        problems.append(
            Problem(
                "afternoon_ends_at",
                _(
                    "The afternoon must end after it starts (%(start)s).",
                    start=clock(afternoon_starts_at),
                ),
                in_file=_(
                    "the afternoon must end after it starts (%(start)s)",
                    start=clock(afternoon_starts_at),
                ),
            )
        )
    return problems
