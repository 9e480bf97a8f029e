"""Trainees, competencies and modules files."""

from collections import defaultdict
from collections.abc import Hashable
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import delete, insert, select

from tracker.cohorts import operations, rules
from tracker.cohorts.models import Competency, Module, Trainee, module_competencies
from tracker.extensions import db
from tracker.hours import hours_to_minutes
from tracker.imports.kinds import Column, Kind, Summary, Values, stored
from tracker.imports.problems import Problem, on_line
from tracker.imports.reading import a_date, codes, email, number, text


class Trainees(Kind):
    name = "trainees"
    model = Trainee
    columns = (
        Column("ref", codes),
        Column("first_name", text(100)),
        Column("last_name", text(100)),
        Column("email", email),
        Column("enrolled_on", a_date),
        Column("left_on", a_date, required=False),
        Column("exit_reason", text(), required=False),
    )
    key = ("ref",)
    defaults = {"left_on": None, "exit_reason": None}
    write_rows = staticmethod(operations.write_trainees)

    def load(self) -> dict[Hashable, Values]:
        return stored(
            select(
                Trainee.id,
                Trainee.ref,
                Trainee.first_name,
                Trainee.last_name,
                Trainee.email,
                Trainee.enrolled_on,
                Trainee.left_on,
                Trainee.exit_reason,
            ).where(Trainee.cohort_id == self.cohort.id),
            "ref",
        )

    def check(self, line: int, values: Values) -> list[Problem]:
        record = dict(values)
        now = self.current(values["ref"], record)
        problems = rules.withdrawal_problems(now["enrolled_on"], now["left_on"], now["exit_reason"])
        self.records[values["ref"]] = record
        return on_line(line, problems, {"reason": "exit_reason"})


class Competencies(Kind):
    name = "competencies"
    model = Competency
    columns = (
        Column("code", codes),
        Column("title", text(300)),
        Column("block", text(200), required=False, default=""),
    )
    key = ("code",)
    defaults = {"block": ""}
    write_rows = staticmethod(operations.write_competencies)

    def load(self) -> dict[Hashable, Values]:
        return stored(
            select(Competency.id, Competency.code, Competency.title, Competency.block).where(
                Competency.cohort_id == self.cohort.id
            ),
            "code",
        )

    def check(self, line: int, values: Values) -> list[Problem]:
        self.records[values["code"]] = dict(values)
        return []


def competency_ids(cohort_id: int) -> dict[str, int]:
    """Return the cohort's competencies: their ids by code."""
    return dict(
        db.session.execute(
            select(Competency.code, Competency.id).where(Competency.cohort_id == cohort_id)
        ).all()
    )


def linked_competencies(link_table, owner_column, owners: dict[Hashable, Values]) -> None:
    """Add to each stored owner (module or assessment) the ids of its competencies."""
    by_id = {owner["id"]: owner for owner in owners.values()}
    links = defaultdict(set)
    for owner_id, competency_id in db.session.execute(
        select(owner_column, link_table.c.competency_id).where(owner_column.in_(by_id))
    ):
        links[owner_id].add(competency_id)
    for owner_id, owner in by_id.items():
        owner["competencies"] = frozenset(links[owner_id])


def write_links(link_table, owner_column: str, kind: Kind, ids: dict[Hashable, int]) -> None:
    """Replace the competencies of the owners (modules or assessments) whose list changed."""
    owners = {
        ids[key]: record["competencies"]
        for key, record in kind.records.items()
        if "competencies" in record
        and record["competencies"] != kind.existing.get(key, kind.defaults)["competencies"]
    }
    if not owners:
        return
    db.session.execute(delete(link_table).where(link_table.c[owner_column].in_(owners)))
    rows = [
        {owner_column: owner, "competency_id": competency}
        for owner, competencies in owners.items()
        for competency in sorted(competencies)
    ]
    if rows:
        db.session.execute(insert(link_table), rows)


class Modules(Kind):
    name = "modules"
    model = Module
    columns = (
        Column("code", codes),
        Column("title", text(300)),
        Column("planned_hours", number()),
        Column("starts_on", a_date, required=False),
        Column("ends_on", a_date, required=False),
        Column("pass_mark", number(maximum=Decimal(20)), required=False, default="10"),
        Column(
            "competencies",
            codes,
            required=False,
            many=True,
            refers_to="competencies",
        ),
    )
    key = ("code",)
    defaults = {"starts_on": None, "ends_on": None, "pass_mark": 10.0, "competencies": frozenset()}
    write_rows = staticmethod(operations.write_modules)

    def load(self) -> dict[Hashable, Values]:
        self.competencies = competency_ids(self.cohort.id)
        modules = stored(
            select(
                Module.id,
                Module.code,
                Module.title,
                Module.planned_minutes,
                Module.starts_on,
                Module.ends_on,
                Module.pass_mark,
            ).where(Module.cohort_id == self.cohort.id),
            "code",
        )
        linked_competencies(module_competencies, module_competencies.c.module_id, modules)
        return modules

    def check(self, line: int, values: Values) -> list[Problem]:
        record = dict(values)
        record["planned_minutes"] = hours_to_minutes(record.pop("planned_hours"))
        if "pass_mark" in record:
            record["pass_mark"] = float(record["pass_mark"])
        now = self.current(values["code"], record)
        problems = []
        if now["starts_on"] and now["ends_on"] and now["ends_on"] < now["starts_on"]:
            problems.append(
                Problem(
                    line,
                    "ends_on",
                    _(
                        "%(end)s is before starts_on %(start)s",
                        end=now["ends_on"],
                        start=now["starts_on"],
                    ),
                )
            )
        self.records[values["code"]] = record
        return problems

    def write(self) -> Summary:
        summary = Summary(self.name)
        created, _ = self.upsert(summary)
        ids = {code: module["id"] for code, module in self.existing.items()}
        if created:
            ids = dict(
                db.session.execute(
                    select(Module.code, Module.id).where(Module.cohort_id == self.cohort.id)
                ).all()
            )
        write_links(module_competencies, "module_id", self, ids)
        return summary
