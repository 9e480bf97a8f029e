"""Assessments and results files."""

from collections.abc import Hashable
from decimal import Decimal

from sqlalchemy import func, select

from tracker.assessments import operations, rules
from tracker.assessments.models import (
    ASSESSMENT_KINDS,
    Assessment,
    Result,
    assessment_competencies,
)
from tracker.cohorts.models import Module, Trainee
from tracker.cohorts.rules import not_expected_problems
from tracker.extensions import db
from tracker.imports.cohorts import competency_ids, linked_competencies, write_links
from tracker.imports.kinds import Column, Kind, Summary, Values, stored
from tracker.imports.problems import Problem, on_line
from tracker.imports.reading import a_date, choice, codes, number, text


class Assessments(Kind):
    name = "assessments"
    model = Assessment
    columns = (
        Column("code", codes),
        Column("module", codes, refers_to="modules"),
        Column("title", text(300)),
        Column("date", a_date),
        Column("kind", choice(ASSESSMENT_KINDS), required=False, default="exam"),
        Column("max_score", number(above=Decimal(0))),
        Column("weight", number(above=Decimal(0)), required=False, default="1"),
        Column(
            "competencies",
            codes,
            required=False,
            many=True,
            refers_to="competencies",
        ),
    )
    key = ("code",)
    defaults = {"kind": "exam", "weight": 1.0, "competencies": frozenset(), "best_score": None}
    write_rows = staticmethod(operations.write_assessments)

    def load(self) -> dict[Hashable, Values]:
        self.modules = dict(
            db.session.execute(
                select(Module.code, Module.id).where(Module.cohort_id == self.cohort.id)
            ).all()
        )
        self.competencies = competency_ids(self.cohort.id)
        assessments = stored(
            select(
                Assessment.id,
                Assessment.code,
                Assessment.module_id,
                Assessment.title,
                Assessment.date,
                Assessment.kind,
                Assessment.max_score,
                Assessment.weight,
                func.max(Result.score).label("best_score"),
            )
            .outerjoin(Result, Result.assessment_id == Assessment.id)
            .where(Assessment.cohort_id == self.cohort.id)
            .group_by(Assessment.id),
            "code",
        )
        linked_competencies(
            assessment_competencies, assessment_competencies.c.assessment_id, assessments
        )
        return assessments

    def check(self, line: int, values: Values) -> list[Problem]:
        record = dict(values)
        record["module_id"] = record.pop("module")
        record["max_score"] = float(values["max_score"])
        if "weight" in values:
            record["weight"] = float(values["weight"])
        now = self.current(values["code"], record)
        problems = rules.assessment_problems(
            self.cohort, values["date"], now["kind"], values["max_score"], now["weight"]
        )
        problems += rules.maximum_problems(values["max_score"], now["best_score"])
        self.records[values["code"]] = record
        return on_line(line, problems)

    def write(self) -> Summary:
        summary = Summary(self.name)
        created, _ = self.upsert(summary)
        ids = {code: assessment["id"] for code, assessment in self.existing.items()}
        if created:
            ids = dict(
                db.session.execute(
                    select(Assessment.code, Assessment.id).where(
                        Assessment.cohort_id == self.cohort.id
                    )
                ).all()
            )
        write_links(assessment_competencies, "assessment_id", self, ids)
        return summary


class Results(Kind):
    name = "results"
    model = Result
    columns = (
        Column("assessment", codes, refers_to="assessments"),
        Column("trainee", codes, refers_to="trainees"),
        Column("score", number()),
        Column("comment", text(), required=False),
    )
    key = ("assessment", "trainee")
    defaults = {"comment": None}
    write_rows = staticmethod(operations.write_results)

    def load(self) -> dict[Hashable, Values]:
        self.assessments = stored(
            select(Assessment.id, Assessment.code, Assessment.date, Assessment.max_score).where(
                Assessment.cohort_id == self.cohort.id
            ),
            "code",
        )
        self.trainees = stored(
            select(Trainee.id, Trainee.ref, Trainee.enrolled_on, Trainee.left_on).where(
                Trainee.cohort_id == self.cohort.id
            ),
            "ref",
        )
        return stored(
            select(
                Result.id,
                Result.assessment_id,
                Result.trainee_id,
                Result.score,
                Result.max_score,
                Result.comment,
            )
            .join(Assessment, Result.assessment_id == Assessment.id)
            .where(Assessment.cohort_id == self.cohort.id),
            ("assessment_id", "trainee_id"),
        )

    def write(self) -> Summary:
        summary = Summary(self.name)
        created, changed = self.upsert(summary)
        # A results grid opened before the import must not save over what it brought.
        operations.results_changed(assessment_id for assessment_id, _ in created + changed)
        return summary

    def check(self, line: int, values: Values) -> list[Problem]:
        assessment, trainee = values["assessment"], values["trainee"]
        # The results grid lists only the trainees expected on the assessment's day.
        problems = not_expected_problems(
            trainee["ref"], assessment["date"], trainee["enrolled_on"], trainee["left_on"]
        )
        problems += rules.score_problems(
            values["score"], assessment["max_score"], assessment=assessment["code"]
        )
        key = (assessment["id"], trainee["id"])
        record = {
            "assessment_id": assessment["id"],
            "trainee_id": trainee["id"],
            "score": float(values["score"]),
            # The database checks the score against this copy of the assessment's maximum.
            "max_score": assessment["max_score"],
        }
        if "comment" in values:
            record["comment"] = values["comment"]
        self.records[key] = record
        return on_line(line, problems)
