"""The rules of an absence justification, in one place: the form and the operations ask them.

Pure functions: dates, half-days and texts in, problems or a yes/no out.

An absence runs from a half-day to a half-day, both included: from (first day, its morning or
its afternoon) to (last day, its morning or its afternoon).
"""

from datetime import date, timedelta

from flask_babel import gettext as _

from tracker.cohorts.rules import outside_cohort_problems
from tracker.i18n import day as show_day
from tracker.rules import Problem

# How far ahead an absence may be declared (an appointment, a summons).
DAYS_AHEAD = 30
# The longest reason, which becomes the note of each excused half-day.
LONGEST_REASON = 500
SLOT_ORDER = {"AM": 0, "PM": 1}


def half_day(day: date, slot: str) -> tuple[date, int]:
    """Order half-days: a day's morning before its afternoon."""
    return day, SLOT_ORDER[slot]


def covers(first_day: date, first_slot: str, last_day: date, last_slot: str, day, slot) -> bool:
    """Tell whether an absence from one half-day to another covers a half-day (day, slot)."""
    return half_day(first_day, first_slot) <= half_day(day, slot) <= half_day(last_day, last_slot)


def latest_day(today: date) -> date:
    """Return the last day an absence declared today may reach."""
    return today + timedelta(days=DAYS_AHEAD)


def span_problems(
    cohort, first_day: date, first_slot: str, last_day: date, last_slot: str, today: date
) -> list[Problem]:
    """Return what is wrong with the half-days of a declared absence; empty when nothing.

    `cohort` has starts_on and ends_on: the absence is within them. It may be past, or reach at
    most DAYS_AHEAD days after today.
    """
    problems = []
    for field, slot in (("first_slot", first_slot), ("last_slot", last_slot)):
        if slot not in SLOT_ORDER:
            problems.append(Problem(field, _("Choose the morning or the afternoon.")))
    problems += outside_cohort_problems(cohort, first_day, "first_day")
    problems += outside_cohort_problems(cohort, last_day, "last_day")
    if problems:
        return problems
    if half_day(last_day, last_slot) < half_day(first_day, first_slot):
        problems.append(
            Problem("last_day", _("The absence must end on or after the half-day it starts."))
        )
    if last_day > latest_day(today):
        problems.append(
            Problem(
                "last_day",
                _(
                    "An absence can be declared at most %(days)d days ahead: up to %(day)s.",
                    days=DAYS_AHEAD,
                    day=show_day(latest_day(today)),
                ),
            )
        )
    return problems


def reason_problems(reason: str | None, field: str = "reason") -> list[Problem]:
    """Return what is wrong with the reason of an absence or of a refusal; empty when nothing."""
    reason = (reason or "").strip()
    if not reason:
        return [Problem(field, _("Give the reason."))]
    if len(reason) > LONGEST_REASON:
        return [Problem(field, _("At most %(max)d characters.", max=LONGEST_REASON))]
    return []
