"""The rules of a positioning on entry and of a follow-up, in one place: the forms, the
operations and the importer ask these.

Pure functions: values in, problems out. A trainee at risk "without a follow-up" is decided here
too, from dates alone.
"""

from datetime import date, timedelta

from flask_babel import gettext as _

from tracker.followups.models import CHANNELS, POSITIONING_KINDS
from tracker.i18n import day as show_day
from tracker.rules import Problem

# A trainee at risk needs a follow-up dated within this many days (issue 14: "within 7 days").
FOLLOW_UP_WITHIN_DAYS = 7
# The longest short result of a positioning ("B1, 14/20", "level reached").
RESULT_MOST = 200


def not_after_today(day: date, today: date, field: str = "date") -> list[Problem]:
    """Return the problem of a day after today: what is recorded has happened."""
    if day > today:
        return [
            Problem(
                field,
                _("Must not be after today (%(today)s).", today=show_day(today)),
                _("%(day)s is after today", day=show_day(day)),
            )
        ]
    return []


def positioning_problems(*, day: date, kind: str, result: str, today: date) -> list[Problem]:
    """Return what is wrong with a positioning on entry; an empty list when nothing is."""
    problems = not_after_today(day, today)
    if kind not in POSITIONING_KINDS:
        problems.append(Problem("kind", _("Choose a test or an interview.")))
    if not result.strip():
        problems.append(Problem("result", _("Give the result of the positioning.")))
    elif len(result) > RESULT_MOST:
        problems.append(Problem("result", _("At most %(max)d characters.", max=RESULT_MOST)))
    return problems


def follow_up_problems(
    *, day: date, channel: str, said: str, enrolled_on: date, today: date
) -> list[Problem]:
    """Return what is wrong with a follow-up of a trainee; an empty list when nothing is."""
    problems = not_after_today(day, today)
    if day < enrolled_on:
        problems.append(
            Problem(
                "date",
                _(
                    "Must not be before the trainee's enrolment (%(day)s).",
                    day=show_day(enrolled_on),
                ),
            )
        )
    if channel not in CHANNELS:
        problems.append(Problem("channel", _("Choose phone, meeting or mail.")))
    if not said.strip():
        problems.append(Problem("said", _("Say what was said.")))
    return problems


def needs_follow_up(last_follow_up: date | None, today: date) -> bool:
    """Tell whether a trainee at risk, last followed up on a day (if ever), needs a follow-up:
    none dated within the last 7 days, today included."""
    return last_follow_up is None or last_follow_up < today - timedelta(days=FOLLOW_UP_WITHIN_DAYS)
