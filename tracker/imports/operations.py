"""Import a CSV file into a cohort: check every row, then write them all or none."""

from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

from tracker.auth.models import User
from tracker.cohorts.models import Cohort
from tracker.extensions import db
from tracker.imports.assessments import Assessments, Results
from tracker.imports.attendance import Attendance, Sessions
from tracker.imports.budget import Budget, Expenses
from tracker.imports.cohorts import Competencies, Modules, Trainees
from tracker.imports.kinds import Column, Kind, Summary, Values
from tracker.imports.problems import ImportRefused, Invalid, Problem
from tracker.imports.reading import Table, decode, read_table

KINDS: dict[str, type[Kind]] = {
    kind.name: kind
    for kind in (
        Trainees,
        Competencies,
        Modules,
        Sessions,
        Attendance,
        Assessments,
        Results,
        Budget,
        Expenses,
    )
}


def import_csv(
    cohort: Cohort, kind: str, data: bytes, *, recorded_by: User | None = None
) -> Summary:
    """Check every row of a CSV file, then write them all into the cohort; flush, never commit.

    Raise ImportRefused with every problem found when any row is wrong; nothing is written then,
    but after a database error the caller must roll back.
    """
    limit = current_app.config["IMPORT_MAX_BYTES"]
    if len(data) > limit:
        raise ImportRefused([Problem(None, None, too_large(len(data), limit))])
    table = read_table(decode(data))
    importer = KINDS[kind](cohort, recorded_by)
    present = header_columns(importer, table)
    problems: list[Problem] = []
    first_lines: dict[tuple, int] = {}
    for line, cells in table.rows:
        parsed, values, row_problems = read_row(importer, present, table, line, cells)
        if (file_key := importer.file_key(parsed)) is not None:
            columns, key = file_key
            if key in first_lines:
                row_problems.append(Problem(line, columns, f"same as line {first_lines[key]}"))
            else:
                first_lines[key] = line
        if not row_problems:
            row_problems = importer.check(line, values)
        problems.extend(row_problems)
    if problems:
        raise ImportRefused(problems)
    try:
        summary = importer.write()
        db.session.flush()
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        raise ImportRefused(
            [Problem(None, None, f"the database refused the rows: {reason}")]
        ) from error
    return summary


def too_large(size: int, limit: int) -> str:
    """Say that a file is over the size limit."""
    return f"the file is {file_size(size)}, over the limit of {file_size(limit)}"


def file_size(size: int) -> str:
    """Write a number of bytes in megabytes, or bytes for small files."""
    return f"{size / 2**20:.1f} MB" if size >= 2**20 else f"{size} bytes"


def header_columns(importer: Kind, table: Table) -> list[tuple[int, Column]]:
    """Return the kind's columns present in the header, by position; refuse a wrong header."""
    known = {column.name: column for column in importer.columns}
    problems, present, seen = [], [], set()
    for index, name in enumerate(table.header):
        if not name:
            continue
        if name in seen:
            problems.append(Problem(table.header_line, name, "appears twice in the header"))
        elif name not in known:
            problems.append(
                Problem(
                    table.header_line,
                    name,
                    f"unknown column for {importer.name}"
                    f" (expected {', '.join(column.name for column in importer.columns)})",
                )
            )
        else:
            present.append((index, known[name]))
        seen.add(name)
    for column in importer.columns:
        if column.required and column.name not in seen:
            problems.append(Problem(table.header_line, column.name, "missing column"))
    if problems:
        raise ImportRefused(problems)
    return present


def read_row(
    importer: Kind, present: list[tuple[int, Column]], table: Table, line: int, cells: list[str]
) -> tuple[Values, Values, list[Problem]]:
    """Read a row's cells: the values as written, the values with codes resolved, the problems."""
    parsed, values, problems = {}, {}, []
    named = {index for index, _ in present}
    for index, cell in enumerate(cells):
        if cell.strip() and index not in named:
            problems.append(Problem(line, f"column {index + 1}", "has a value but no heading"))
    for index, column in present:
        cell = cells[index].strip() if index < len(cells) else ""
        if not cell:
            if column.required:
                problems.append(Problem(line, column.name, "is required"))
                continue
            cell = column.default
        try:
            if cell is None:
                value = frozenset() if column.many else None
            elif column.many:
                items = (item.strip() for item in cell.split(table.list_separator))
                value = frozenset(column.parse(item) for item in items if item)
            else:
                value = column.parse(cell)
        except Invalid as error:
            problems.append(Problem(line, column.name, str(error)))
            continue
        parsed[column.name] = value
        if column.refers_to is None or value is None:
            values[column.name] = value
            continue
        stored = getattr(importer, column.refers_to)
        what = column.what or column.name
        if column.many:
            missing = sorted(code for code in value if code not in stored)
            if missing:
                problems.append(
                    Problem(
                        line, column.name, ", ".join(f"unknown {what} {code!r}" for code in missing)
                    )
                )
                continue
            values[column.name] = frozenset(stored[code] for code in value)
        elif value not in stored:
            problems.append(Problem(line, column.name, f"unknown {what} {value!r}"))
        else:
            values[column.name] = stored[value]
    return parsed, values, problems
