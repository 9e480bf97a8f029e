"""What the trainee's page and the reports read of assessments and results, in one place."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, select

from tracker.assessments.models import Assessment, Result
from tracker.cohorts.models import Cohort, Module, Trainee
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
