"""Positionings on entry files: one row per trainee, matched on the trainee."""

from collections.abc import Hashable

from sqlalchemy import select

from tracker import timeutil
from tracker.cohorts.models import Trainee
from tracker.followups import operations, rules
from tracker.followups.models import POSITIONING_KINDS, Positioning
from tracker.imports.kinds import Column, Kind, Values, stored
from tracker.imports.problems import Problem, on_line
from tracker.imports.reading import a_date, choice, codes, text, yes_no


class Positionings(Kind):
    name = "positionings"
    model = Positioning
    columns = (
        Column("trainee", codes, refers_to="trainees"),
        Column("date", a_date),
        Column("kind", choice(POSITIONING_KINDS)),
        Column("result", text(rules.RESULT_MOST)),
        Column("prerequisites_met", yes_no),
        Column("comment", text(), required=False),
    )
    key = ("trainee",)
    defaults = {"comment": None}
    write_rows = staticmethod(operations.write_positionings)

    def load(self) -> dict[Hashable, Values]:
        # One day for the whole file: a positioning is not dated after it.
        self.today = timeutil.today()
        self.trainees = stored(
            select(Trainee.id, Trainee.ref).where(Trainee.cohort_id == self.cohort.id), "ref"
        )
        return stored(
            select(
                Positioning.id,
                Positioning.trainee_id,
                Positioning.date,
                Positioning.kind,
                Positioning.result,
                Positioning.prerequisites_met,
                Positioning.comment,
            )
            .join(Trainee, Positioning.trainee_id == Trainee.id)
            .where(Trainee.cohort_id == self.cohort.id),
            "trainee_id",
        )

    def check(self, line: int, values: Values) -> list[Problem]:
        trainee_id = values["trainee"]["id"]
        record = {
            "trainee_id": trainee_id,
            "date": values["date"],
            "kind": values["kind"],
            "result": values["result"],
            "prerequisites_met": values["prerequisites_met"],
        }
        if "comment" in values:
            record["comment"] = values["comment"]
        self.records[trainee_id] = record
        problems = rules.positioning_problems(
            day=values["date"], kind=values["kind"], result=values["result"], today=self.today
        )
        return on_line(line, problems)
