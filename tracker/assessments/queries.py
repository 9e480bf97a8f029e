"""What the assessments' pages, the trainee's page and the reports read of assessments and
results, in one place: a fixed number of set-based queries each, whatever the number of trainees.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, select

from tracker.assessments.models import Assessment, Result, assessment_competencies
from tracker.cohorts.models import Cohort, Competency, Module, Trainee
from tracker.cohorts.queries import expected_at
from tracker.cohorts.rules import is_expected
from tracker.extensions import db


@dataclass(frozen=True)
class ResultLine:
    """An assessment of a module and the trainee's result, if any."""

    code: str
    title: str
    date: date
    kind: str
    max_score: float
    weight: float
    score: float | None
    comment: str | None

    def held(self, as_of: date) -> bool:
        return self.date <= as_of


@dataclass(frozen=True)
class ModuleLine:
    """A module of the curriculum, its assessments with the trainee's results, and its grade."""

    id: int
    code: str
    title: str
    planned_minutes: int
    pass_mark: float
    assessments: list[ResultLine]


def results_by_module(cohort: Cohort, trainee: Trainee) -> list[ModuleLine]:
    """Return the cohort's modules with their assessments and the trainee's results, in order."""
    modules = {
        row.id: ModuleLine(row.id, row.code, row.title, row.planned_minutes, row.pass_mark, [])
        for row in db.session.execute(
            select(Module.id, Module.code, Module.title, Module.planned_minutes, Module.pass_mark)
            .where(Module.cohort_id == cohort.id)
            .order_by(Module.code)
        )
    }
    for row in db.session.execute(
        select(
            Assessment.module_id,
            Assessment.code,
            Assessment.title,
            Assessment.date,
            Assessment.kind,
            Assessment.max_score,
            Assessment.weight,
            Result.score,
            Result.comment,
        )
        .outerjoin(
            Result, and_(Result.assessment_id == Assessment.id, Result.trainee_id == trainee.id)
        )
        .where(Assessment.cohort_id == cohort.id)
        .order_by(Assessment.date, Assessment.code)
    ):
        modules[row.module_id].assessments.append(ResultLine(*row[1:]))
    return list(modules.values())


@dataclass(frozen=True)
class AssessmentLine:
    """An assessment as the modules page lists it."""

    id: int
    module_id: int
    code: str
    title: str
    date: date
    kind: str
    max_score: float
    weight: float
    competencies: tuple[str, ...]
    results: int
    expected: int


def cohort_assessments(cohort: Cohort) -> list[AssessmentLine]:
    """Load the cohort's assessments by date, with their competencies and results entered."""
    entered = (
        select(func.count(Result.id))
        .where(Result.assessment_id == Assessment.id)
        .correlate(Assessment)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(
            Assessment.id,
            Assessment.module_id,
            Assessment.code,
            Assessment.title,
            Assessment.date,
            Assessment.kind,
            Assessment.max_score,
            Assessment.weight,
            entered,
        )
        .where(Assessment.cohort_id == cohort.id)
        .order_by(Assessment.date, Assessment.code)
    ).all()
    if not rows:
        return []
    evaluated: dict[int, list[str]] = {}
    for assessment_id, code in db.session.execute(
        select(assessment_competencies.c.assessment_id, Competency.code)
        .join(Competency, Competency.id == assessment_competencies.c.competency_id)
        .where(Competency.cohort_id == cohort.id)
        .order_by(Competency.code)
    ):
        evaluated.setdefault(assessment_id, []).append(code)
    enrolment = db.session.execute(
        select(Trainee.enrolled_on, Trainee.left_on).where(Trainee.cohort_id == cohort.id)
    ).all()
    return [
        AssessmentLine(
            id=id_,
            module_id=module_id,
            code=code,
            title=title,
            date=day,
            kind=kind,
            max_score=max_score,
            weight=weight,
            competencies=tuple(evaluated.get(id_, ())),
            results=results,
            expected=sum(
                1 for enrolled_on, left_on in enrolment if is_expected(day, enrolled_on, left_on)
            ),
        )
        for id_, module_id, code, title, day, kind, max_score, weight, results in rows
    ]


def best_score(assessment: Assessment) -> float | None:
    """Return the best score recorded at an assessment, None when no result is recorded."""
    return db.session.scalar(
        select(func.max(Result.score)).where(Result.assessment_id == assessment.id)
    )


def expected_trainees(assessment: Assessment) -> list[Trainee]:
    """Load the trainees of the cohort expected on the assessment's date, ordered by reference."""
    return list(
        db.session.scalars(
            select(Trainee)
            .where(Trainee.cohort_id == assessment.cohort_id, *expected_at(assessment.date))
            .order_by(Trainee.ref)
        )
    )


def assessment_results(assessment: Assessment) -> dict[int, tuple[float, str | None]]:
    """Load the results of an assessment: trainee id -> (score, comment)."""
    return {
        trainee_id: (score, comment)
        for trainee_id, score, comment in db.session.execute(
            select(Result.trainee_id, Result.score, Result.comment).where(
                Result.assessment_id == assessment.id
            )
        )
    }
