"""The changes to assessments and their results (what the pages read is in queries.py).

Changes flush and never commit, and refuse what the rules refuse (tracker.assessments.rules).
Each reads the database in a fixed number of set-based queries, whatever the number of trainees.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import delete, select, update
from sqlalchemy.orm.attributes import set_committed_value

from tracker.assessments import rules
from tracker.assessments.models import Assessment, Result
from tracker.assessments.queries import best_score
from tracker.attendance.operations import check_version, claim_version
from tracker.batch import Row, write_rows
from tracker.cohorts.models import Cohort, Competency, Module
from tracker.cohorts.queries import not_expected
from tracker.extensions import db
from tracker.rules import Problem


class AssessmentError(ValueError):
    """A change to an assessment or its results that the rules refuse.

    The message is for people, in their language; `field` names the field of the form it is
    about, when it is about one.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


# ---------------------------------------------------------------------------------------------
# The modules and their assessments


def check_assessment(
    cohort: Cohort, module: Module, day: date, kind: str, max_score: Decimal, weight: Decimal
) -> None:
    """Refuse an assessment that breaks the rules."""
    if module.cohort_id != cohort.id:
        raise AssessmentError(_("Choose a module of this cohort."), "module")
    refuse(rules.assessment_problems(cohort, day, kind, max_score, weight))


def refuse(problems: list[Problem]) -> None:
    """Refuse with the first problem the rules found (tracker.assessments.rules)."""
    if problems:
        raise AssessmentError(problems[0].message, problems[0].field)


def cohort_competencies(cohort: Cohort, ids: Sequence[int]) -> list[Competency]:
    """Load the cohort's competencies of these ids; refuse others."""
    if not ids:
        return []
    found = list(
        db.session.scalars(
            select(Competency).where(Competency.cohort_id == cohort.id, Competency.id.in_(ids))
        )
    )
    if len(found) != len(set(ids)):
        raise AssessmentError(_("Choose competencies of this cohort."), "competencies")
    return found


def create_assessment(
    cohort: Cohort,
    *,
    code: str,
    module: Module,
    title: str,
    day: date,
    kind: str,
    max_score: Decimal,
    weight: Decimal,
    competency_ids: Sequence[int] = (),
) -> Assessment:
    """Add an assessment to one of the cohort's modules."""
    check_assessment(cohort, module, day, kind, max_score, weight)
    taken = select(Assessment.id).where(Assessment.cohort_id == cohort.id, Assessment.code == code)
    if db.session.scalar(taken) is not None:
        raise AssessmentError(_("Another assessment of this cohort has this code."), "code")
    assessment = Assessment(
        cohort_id=cohort.id,
        module_id=module.id,
        code=code,
        title=title,
        date=day,
        kind=kind,
        max_score=float(max_score),
        weight=float(weight),
        competencies=cohort_competencies(cohort, competency_ids),
    )
    db.session.add(assessment)
    db.session.flush()
    return assessment


def change_assessment(
    assessment: Assessment,
    *,
    code: str,
    module: Module,
    title: str,
    day: date,
    kind: str,
    max_score: Decimal,
    weight: Decimal,
    competency_ids: Sequence[int] = (),
) -> Assessment:
    """Change an assessment; its maximum may not fall below a score already recorded."""
    cohort = assessment.cohort
    check_assessment(cohort, module, day, kind, max_score, weight)
    taken = select(Assessment.id).where(
        Assessment.cohort_id == cohort.id, Assessment.code == code, Assessment.id != assessment.id
    )
    if db.session.scalar(taken) is not None:
        raise AssessmentError(_("Another assessment of this cohort has this code."), "code")
    refuse(rules.maximum_problems(max_score, best_score(assessment)))
    assessment.code = code
    assessment.module_id = module.id
    assessment.title = title
    assessment.date = day
    assessment.kind = kind
    # The results' copies of the maximum follow through their foreign key (ON UPDATE CASCADE).
    assessment.max_score = float(max_score)
    assessment.weight = float(weight)
    assessment.competencies = cohort_competencies(cohort, competency_ids)
    db.session.flush()
    return assessment


# ---------------------------------------------------------------------------------------------
# The results grid


@dataclass(frozen=True)
class Score:
    """What the grid records for one trainee: a score (None for no result) and a comment."""

    score: Decimal | None
    comment: str | None = None


@dataclass(frozen=True)
class Recorded:
    """How many results a save of the grid added or changed, and removed."""

    saved: int
    removed: int


def record_results(
    assessment: Assessment, scores: Mapping[int, Score], seen_version: int
) -> Recorded:
    """Record the results grid of an assessment (trainee id -> score; None removes a result).

    Refuses with StalePage, writing nothing, when the grid was saved since `seen_version`. A
    save that changes no result writes nothing, not even the grid's version, so that what is
    worked out from the cohort's records stays as it is (as a roll call saved as it shows).
    """
    for entry in scores.values():
        refuse(rules.score_problems(entry.score, assessment.max_score))
    if not_expected(assessment.cohort_id, scores, assessment.date):
        raise AssessmentError(
            _(
                "Some trainees of the page are no longer expected on the day of this "
                "assessment: open the results again."
            )
        )
    stored = {
        trainee_id: (id_, score, comment)
        for id_, trainee_id, score, comment in db.session.execute(
            select(Result.id, Result.trainee_id, Result.score, Result.comment).where(
                Result.assessment_id == assessment.id
            )
        )
    }
    new, changed, removed = [], [], []
    for trainee_id, entry in scores.items():
        comment = (entry.comment or "").strip() or None
        old = stored.get(trainee_id)
        if entry.score is None:
            if old is not None:
                removed.append(old[0])
            continue
        score = float(entry.score)
        if old is None:
            new.append(
                {
                    "assessment_id": assessment.id,
                    "trainee_id": trainee_id,
                    "score": score,
                    "max_score": assessment.max_score,
                    "comment": comment,
                }
            )
        elif (old[1], old[2]) != (score, comment):
            changed.append({"id": old[0], "score": score, "comment": comment})
    if not (new or changed or removed):
        check_version(Assessment, assessment.id, Assessment.results_version, seen_version)
        return Recorded(saved=0, removed=0)
    # Claimed after the results were read: a save that came in between has raised the version,
    # and the claim refuses this one.
    version = claim_version(Assessment, assessment.id, Assessment.results_version, seen_version)
    set_committed_value(assessment, "results_version", version)
    write_results(new, changed)
    if removed:
        db.session.execute(
            delete(Result)
            .where(Result.id.in_(removed))
            .execution_options(synchronize_session=False)
        )
    db.session.flush()
    return Recorded(saved=len(new) + len(changed), removed=len(removed))


# ---------------------------------------------------------------------------------------------
# Batches: the importer and the demo write many rows at once, through these alone.


def write_assessments(new: Sequence[Row], changed: Sequence[Row]) -> None:
    """Add and change many assessments at once (rows of columns; a changed row holds its id)."""
    write_rows(Assessment, new, changed)


def write_results(new: Sequence[Row], changed: Sequence[Row]) -> None:
    """Add and change many results at once (rows of columns; a changed row holds its id)."""
    write_rows(Result, new, changed)


def results_changed(assessment_ids: Iterable[int]) -> None:
    """Raise the version of the results grids whose results a batch changed: a grid opened
    before must not save over them."""
    ids = set(assessment_ids)
    if ids:
        db.session.execute(
            update(Assessment)
            .where(Assessment.id.in_(ids))
            .values(results_version=Assessment.results_version + 1)
        )
