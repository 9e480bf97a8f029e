"""Read the trainees' outcomes, and the courses their cohorts follow."""

import re
import unicodedata
from collections.abc import Sequence
from datetime import date

from sqlalchemy import select

from tracker.cohorts.models import Cohort, Trainee
from tracker.cohorts.rules import has_left
from tracker.extensions import db
from tracker.outcomes.figures import TraineeOutcome
from tracker.outcomes.models import Outcome


def outcomes_of(trainee_ids: Sequence[int]) -> dict[int, dict[str, Outcome]]:
    """Return the outcomes recorded for these trainees: trainee id -> moment -> outcome."""
    found: dict[int, dict[str, Outcome]] = {}
    for start in range(0, len(trainee_ids), 1000):
        chunk = list(trainee_ids[start : start + 1000])
        for outcome in db.session.scalars(select(Outcome).where(Outcome.trainee_id.in_(chunk))):
            found.setdefault(outcome.trainee_id, {})[outcome.moment] = outcome
    return found


def trainee_outcomes(cohorts: Sequence[Cohort], as_of: date) -> list[TraineeOutcome]:
    """Load what the outcome figures need of the trainees of the cohorts over by D (their end
    on or before D): each one enrolled by D, with the outcomes recorded by D."""
    ended = {cohort.id: cohort for cohort in cohorts if cohort.ends_on <= as_of}
    if not ended:
        return []
    trainees = db.session.execute(
        select(Trainee.id, Trainee.cohort_id, Trainee.enrolled_on, Trainee.left_on).where(
            Trainee.cohort_id.in_(list(ended)), Trainee.enrolled_on <= as_of
        )
    ).all()
    recorded: dict[int, dict[str, tuple[str, str | None]]] = {}
    ids = [row.id for row in trainees]
    for start in range(0, len(ids), 1000):
        rows = db.session.execute(
            select(Outcome.trainee_id, Outcome.moment, Outcome.situation, Outcome.certification)
            .where(Outcome.trainee_id.in_(ids[start : start + 1000]))
            .where(Outcome.recorded_on <= as_of)
        )
        for trainee_id, moment, situation, certification in rows:
            recorded.setdefault(trainee_id, {})[moment] = (situation, certification)
    loaded = []
    for row in trainees:
        withdrawn = has_left(row.left_on, as_of)
        mine = recorded.get(row.id, {})
        loaded.append(
            TraineeOutcome(
                entered_on=row.enrolled_on,
                exited_on=row.left_on if withdrawn else ended[row.cohort_id].ends_on,
                completed=not withdrawn,
                certification=mine.get("exit", (None, None))[1],
                situations={moment: situation for moment, (situation, _) in mine.items()},
            )
        )
    return loaded


# ---------------------------------------------------------------------------------------------
# Courses: the cohorts that share a course title (as the grant agreement writes it, else the
# cohort's name) follow the same course.


def course_title(cohort: Cohort) -> str:
    """Return the title of the course a cohort follows."""
    return cohort.title_in_agreement.strip() or cohort.name.strip()


def course_slug(cohort: Cohort) -> str:
    """Return the course's name in addresses: its title in lower-case ASCII words and dashes."""
    ascii_title = (
        unicodedata.normalize("NFKD", course_title(cohort)).encode("ascii", "ignore").decode()
    )
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-") or "course"


def courses() -> dict[str, list[Cohort]]:
    """Return every course's cohorts, by the course's slug, the latest cohort first."""
    found: dict[str, list[Cohort]] = {}
    for cohort in db.session.scalars(select(Cohort).order_by(Cohort.starts_on.desc(), Cohort.slug)):
        found.setdefault(course_slug(cohort), []).append(cohort)
    return dict(sorted(found.items()))
