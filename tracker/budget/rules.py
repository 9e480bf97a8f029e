"""The rules of budget lines and expenses, in one place: the forms, the operations and the
importer all ask `line_problems`, `expense_problems` and `expense_date_problems`.

Pure functions: codes, amounts, texts and dates in, problems out.
"""

from datetime import date, timedelta
from decimal import Decimal

from flask_babel import gettext as _

from tracker.codes import is_code, not_a_code
from tracker.i18n import day as show_day
from tracker.money import round_money
from tracker.rules import Problem

# How far after today an expense may be dated: an invoice of next month, not a typing slip.
FUTURE_DAYS = 31


def years_from(day: date, years: int) -> date:
    """Return the same day some years later (or earlier); 29 February becomes the 28th."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def plausible_dates(cohort, today: date) -> tuple[date, date]:
    """Return the first and last dates an expense of the cohort (with starts_on and ends_on) may
    have.

    From a year before the cohort starts (preparation) to a year after it ends (last invoices),
    and never more than a month after today.
    """
    first = years_from(cohort.starts_on, -1)
    last = min(years_from(cohort.ends_on, 1), today + timedelta(days=FUTURE_DAYS))
    return first, max(first, last)


def expense_date_problems(cohort, day: date | None, today: date) -> list[Problem]:
    """Return the problem of an expense dated outside the cohort's plausible dates."""
    first, last = plausible_dates(cohort, today)
    if day is None or first <= day <= last:
        return []
    return [
        Problem(
            "date",
            _(
                "The date must be from %(first)s to %(last)s.",
                first=show_day(first),
                last=show_day(last),
            ),
            in_file=_(
                "%(day)s is outside the expenses' dates (%(first)s to %(last)s)",
                day=day,
                first=first,
                last=last,
            ),
        )
    ]


def expense_problems(amount: Decimal | None, description: str | None) -> list[Problem]:
    """Return what is wrong with an expense's amount (euros and cents, more than 0) and
    description (not empty)."""
    problems = []
    if amount is not None and (
        not isinstance(amount, Decimal) or amount <= 0 or amount != round_money(amount)
    ):
        problems.append(
            Problem(
                "amount",
                _("The amount must be more than 0."),
                in_file=_("must be an amount in euros and cents, more than 0"),
            )
        )
    if description is not None and not description.strip():
        problems.append(
            Problem("description", _("This field is required."), in_file=_("must not be empty"))
        )
    return problems


def line_problems(code: str, label: str, planned_amount: Decimal) -> list[Problem]:
    """Return what is wrong with a budget line: its code, its label, its planned amount (euros
    and cents, not negative)."""
    problems = []
    code = code.strip()
    if not code:
        problems.append(Problem("code", _("must not be empty")))
    elif not is_code(code):
        problems.append(Problem("code", not_a_code(code)))
    if not label.strip():
        problems.append(Problem("label", _("must not be empty")))
    if planned_amount < 0 or planned_amount != round_money(planned_amount):
        problems.append(
            Problem("planned_amount", _("must be an amount in euros and cents, not negative"))
        )
    return problems
