"""What the pages, the officers' views, the reports and the exports read of trainees, in one place.

Set-based queries over the cohorts' tables; the rules they apply in SQL are those of
`tracker.cohorts.rules`, which says them in Python.
"""

from sqlalchemy import ColumnElement, or_

from tracker.cohorts.models import Trainee


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
