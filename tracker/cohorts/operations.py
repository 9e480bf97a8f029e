"""Operations on cohorts. They flush and never commit."""

import re
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from tracker.cohorts.models import Cohort
from tracker.extensions import db
from tracker.hours import hours_to_minutes
from tracker.money import round_money

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


class CohortError(ValueError):
    """A cohort cannot be saved as asked; the message names the field and what is wrong."""


def create_cohort(
    *,
    slug: str,
    name: str,
    starts_on: date,
    ends_on: date,
    grant_amount: Decimal,
    contracted_trainees: int = 25,
    planned_hours_per_trainee: Decimal | None = None,
    funder: str = "",
    attendance_threshold: Decimal = Decimal("0.80"),
) -> Cohort:
    """Add a cohort after checking every field."""
    if not SLUG.match(slug):
        raise CohortError(f"slug: {slug!r} must be lowercase letters, digits and dashes")
    if db.session.scalar(select(Cohort.id).where(Cohort.slug == slug)) is not None:
        raise CohortError(f"slug: a cohort {slug} already exists")
    if not name.strip():
        raise CohortError("name: must not be empty")
    if ends_on < starts_on:
        raise CohortError("ends: the cohort must end on or after the day it starts")
    if grant_amount < 0 or grant_amount != round_money(grant_amount):
        raise CohortError("grant: must be a non-negative amount in euros and cents")
    if contracted_trainees < 1:
        raise CohortError("trainees: must be at least 1")
    planned_minutes = None
    if planned_hours_per_trainee is not None:
        if planned_hours_per_trainee < 0:
            raise CohortError("hours: must not be negative")
        planned_minutes = hours_to_minutes(planned_hours_per_trainee)
    if not 0 <= attendance_threshold <= 1:
        raise CohortError("threshold: must be between 0 and 1")
    cohort = Cohort(
        slug=slug,
        name=name.strip(),
        funder=funder.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        grant_amount=grant_amount,
        contracted_trainees=contracted_trainees,
        planned_minutes_per_trainee=planned_minutes,
        attendance_threshold=float(attendance_threshold),
    )
    db.session.add(cohort)
    db.session.flush()
    return cohort
