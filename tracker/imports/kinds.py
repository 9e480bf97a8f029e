"""What every kind of file has in common: its columns, its natural key and how rows are written."""

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, ClassVar

from sqlalchemy import Select

from tracker.auth.models import User
from tracker.cohorts.models import Cohort
from tracker.extensions import db
from tracker.imports.problems import Problem
from tracker.imports.reading import Parser


@dataclass(frozen=True)
class Column:
    """A column of a kind of file: how its cells are read and what a blank cell means."""

    name: str
    parse: Parser
    required: bool = True
    # The text that a blank cell stands for; None means "no value".
    default: str | None = None
    # A list of codes in one cell, separated by the file's list separator.
    many: bool = False
    # The Kind attribute mapping codes to what they refer to, e.g. "trainees" for trainee refs
    # (operations.unknown_code says so when a code is not there).
    refers_to: str | None = None


@dataclass
class Summary:
    """How many rows of a file were created, updated and left unchanged."""

    kind: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return (
            f"{self.kind}: {self.created} created, {self.updated} updated,"
            f" {self.unchanged} unchanged"
        )


Values = dict[str, Any]


class Kind:
    """One kind of file: subclasses preload what they need, check each row, then write them all.

    `values` hold the columns present in the file, read and defaulted. `check` turns them into a
    record of model attributes under the row's key in the database. Attributes whose column is
    absent from the file keep their stored value on update and take `defaults` on creation.
    `defaults` may also name what is only compared or checked, never written as a column
    (a module's competencies, the most minutes already missed at a session).
    """

    name: ClassVar[str]
    model: ClassVar[type[db.Model]]
    columns: ClassVar[tuple[Column, ...]]
    key: ClassVar[tuple[str, ...]]
    defaults: ClassVar[Values] = {}
    # The feature's batch operation that writes the rows: (new rows, changed rows with their id).
    write_rows: ClassVar[Callable[[list[Values], list[Values]], None]]

    def __init__(self, cohort: Cohort, recorded_by: User | None = None) -> None:
        self.cohort = cohort
        self.recorded_by = recorded_by
        self.records: dict[Hashable, Values] = {}
        self.existing: dict[Hashable, Values] = self.load()

    def load(self) -> dict[Hashable, Values]:
        """Preload the cohort's rows of this kind by key, and whatever the checks need."""
        raise NotImplementedError

    def file_key(self, values: Values) -> tuple[str, tuple] | None:
        """Return the row's natural key in the file and the columns that make it."""
        if any(column not in values for column in self.key):
            return None
        return ", ".join(self.key), tuple(values[column] for column in self.key)

    def check(self, line: int, values: Values) -> list[Problem]:
        """Check one row against the database and keep its record for writing."""
        raise NotImplementedError

    def current(self, key: Hashable, record: Values) -> Values:
        """Return what the row will hold once written: stored or default values, then the file's."""
        return {**self.existing.get(key, self.defaults), **record}

    def write(self) -> Summary:
        """Insert the new rows and update the changed ones, in bulk (write_rows)."""
        summary = Summary(self.name)
        self.upsert(summary)
        return summary

    def upsert(
        self, summary: Summary, *, on_change: Values | None = None
    ) -> tuple[list[Hashable], list[Hashable]]:
        """Write the records; return the keys created and the keys of rows that changed."""
        attributes = set(self.model.__table__.columns.keys())
        fixed = {"cohort_id": self.cohort.id} if "cohort_id" in attributes else {}
        fixed |= {name: value for name, value in self.defaults.items() if name in attributes}
        on_change = on_change or {}
        inserts, updates, created, changed = [], [], [], []
        for key, record in self.records.items():
            # Records may also hold what is not a column (links to competencies), compared only.
            columns = {name: value for name, value in record.items() if name in attributes}
            stored = self.existing.get(key)
            if stored is None:
                inserts.append(fixed | columns | on_change)
                created.append(key)
            elif any(stored[name] != value for name, value in record.items()):
                if any(stored[name] != value for name, value in columns.items()):
                    updates.append({"id": stored["id"]} | columns | on_change)
                changed.append(key)
        type(self).write_rows(inserts, updates)
        summary.created += len(created)
        summary.updated += len(changed)
        summary.unchanged += len(self.records) - len(created) - len(changed)
        return created, changed


def stored(statement: Select, key: str | tuple[str, ...]) -> dict[Hashable, Values]:
    """Run a select of columns and return its rows as dicts under their key."""
    rows = db.session.execute(statement).mappings()
    if isinstance(key, str):
        return {row[key]: dict(row) for row in rows}
    return {tuple(row[name] for name in key): dict(row) for row in rows}
