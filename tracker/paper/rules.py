"""The rules of a week's paper sheet, in one place: the page and the operation ask
`week_problems`.

Pure functions: dates in, problems out.
"""

from datetime import date, timedelta

from flask_babel import gettext as _

from tracker.i18n import day as show_day
from tracker.rules import Problem


def week_problems(cohort, monday: date, today: date) -> list[Problem]:
    """Return why no signed sheet can be uploaded for the week of a Monday; empty when it can.

    `cohort` has starts_on and ends_on. A sheet is signed during its week: the week must be
    within the cohort's dates (one day of it at least) and have begun.
    """
    sunday = monday + timedelta(days=6)
    if sunday < cohort.starts_on or monday > cohort.ends_on:
        return [
            Problem(
                "week",
                _(
                    "This week is outside the cohort, which runs from %(first)s to %(last)s.",
                    first=show_day(cohort.starts_on),
                    last=show_day(cohort.ends_on),
                ),
            )
        ]
    if monday > today:
        return [
            Problem(
                "week",
                _(
                    "This week has not begun: its sheet is signed from %(monday)s.",
                    monday=show_day(monday),
                ),
            )
        ]
    return []
