"""Weeks and months asked for in addresses and on the command line: 2022-W05, 2022-06.

One parser for each, shared by the timetable, the attendance sheets and the monthly statement, so
that every page refuses the same values with the same message. Years are bounded so that the
dates around an asked period (the week before, the month after) stay within what Python and the
databases hold.
"""

import re
from datetime import date

from flask_babel import gettext as _

FIRST_YEAR = 1900
LAST_YEAR = 2999

WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$")
# 2022-06 as a browser's month picker sends it, or 06/2022 as people write it.
ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
FRENCH_MONTH = re.compile(r"^(\d{1,2})/(\d{4})$")


class PeriodError(ValueError):
    """A week or month that cannot be read; the message says why, in the user's language."""


def weeks_in(year: int) -> int:
    """Return how many ISO weeks a year has: 52 or 53."""
    return date(year, 12, 28).isocalendar()[1]


def parse_week(text: str) -> date:
    """Return the Monday of an ISO week written 2022-W05, else raise PeriodError."""
    match = WEEK.match(text.strip())
    if match is None:
        raise PeriodError(
            _("“%(text)s” is not a week: write it as 2022-W05 (year, W, week number).", text=text)
        )
    year, week = int(match[1]), int(match[2])
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise PeriodError(
            _(
                "Choose a week of the years %(first)d to %(last)d.",
                first=FIRST_YEAR,
                last=LAST_YEAR,
            )
        )
    if not 1 <= week <= weeks_in(year):
        raise PeriodError(
            _(
                "%(year)d has weeks 01 to %(last)d: there is no week %(week)d.",
                year=year,
                last=weeks_in(year),
                week=week,
            )
        )
    return date.fromisocalendar(year, week, 1)


def parse_month(text: str) -> date:
    """Return the first day of a month written 2022-06 or 06/2022, else raise PeriodError."""
    text = text.strip()
    if match := ISO_MONTH.match(text):
        year, month = int(match[1]), int(match[2])
    elif match := FRENCH_MONTH.match(text):
        month, year = int(match[1]), int(match[2])
    else:
        year = month = 0
    if not 1 <= month <= 12:
        raise PeriodError(_("Enter a month as 06/2022, or pick it in the calendar."))
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise PeriodError(
            _(
                "Choose a month of the years %(first)d to %(last)d.",
                first=FIRST_YEAR,
                last=LAST_YEAR,
            )
        )
    return date(year, month, 1)
