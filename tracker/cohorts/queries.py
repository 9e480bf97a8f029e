"""What the pages, the officers' views, the reports and the exports read of trainees, in one place.

Set-based queries over the cohorts' tables; the rules they apply in SQL are those of
`tracker.cohorts.rules`, which says them in Python.
"""

from datetime import date

from sqlalchemy import ColumnElement, or_, select

from tracker.cohorts.models import Cohort, Trainee
from tracker.extensions import db


def expected_at(day, trainee=Trainee) -> list[ColumnElement[bool]]:
    """Return the conditions under which a trainee is expected on a day (a date or a column).

    `trainee` is the Trainee table or an alias of it, or one trainee already loaded. The SQL
    spelling of rules.is_expected: from enrolment to withdrawal, both included.
    """
    if isinstance(trainee, Trainee):
        conditions = [day >= trainee.enrolled_on]
        if trainee.left_on is not None:
            conditions.append(day <= trainee.left_on)
        return conditions
    return [trainee.enrolled_on <= day, or_(trainee.left_on.is_(None), day <= trainee.left_on)]


def not_expected(cohort_id: int, trainee_ids, day: date) -> set[int]:
    """Return those of the trainee ids that are not trainees of the cohort expected on a day."""
    ids = set(trainee_ids)
    if not ids:
        return set()
    expected = db.session.scalars(
        select(Trainee.id).where(
            Trainee.id.in_(ids), Trainee.cohort_id == cohort_id, *expected_at(day)
        )
    )
    return ids - set(expected)


def expected_between(first, last, trainee=Trainee) -> list[ColumnElement[bool]]:
    """Return the conditions under which a trainee is expected on one day at least from first to
    last (dates or columns)."""
    return [trainee.enrolled_on <= last, or_(trainee.left_on.is_(None), first <= trainee.left_on)]


def withdrawn_trainees(cohort: Cohort, as_of: date) -> list[Trainee]:
    """Load the trainees who left the cohort on or before D, in order of leaving."""
    return list(
        db.session.scalars(
            select(Trainee)
            .where(
                Trainee.cohort_id == cohort.id,
                Trainee.enrolled_on <= as_of,
                Trainee.left_on <= as_of,
            )
            .order_by(Trainee.left_on, Trainee.ref)
        )
    )
