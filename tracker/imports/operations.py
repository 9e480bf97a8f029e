"""Import a file (CSV or XLSX) into a cohort: check every row, then write them all or none."""

import re

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.exc import SQLAlchemyError

from tracker.auth.models import User
from tracker.cohorts.models import Cohort
from tracker.extensions import db
from tracker.i18n import number
from tracker.imports.assessments import Assessments, Results
from tracker.imports.attendance import Attendance, Sessions
from tracker.imports.budget import Budget, Expenses
from tracker.imports.cohorts import Competencies, Modules, Trainees
from tracker.imports.kinds import Column, Kind, Summary, Values
from tracker.imports.positionings import Positionings
from tracker.imports.problems import ImportRefused, Invalid, Problem
from tracker.imports.reading import Table, read_file

KINDS: dict[str, type[Kind]] = {
    kind.name: kind
    for kind in (
        Trainees,
        Positionings,
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


def import_file(
    cohort: Cohort, kind: str, data: bytes, *, recorded_by: User | None = None
) -> Summary:
    """Check every row of a CSV or XLSX file, then write them all into the cohort; flush, never
    commit.

    Raise ImportRefused with every problem found when any row is wrong; nothing is written then,
    but after a database error the caller must roll back.
    """
    limit = current_app.config["IMPORT_MAX_BYTES"]
    if len(data) > limit:
        raise ImportRefused([Problem(None, None, too_large(len(data), limit))])
    table = read_file(data, most_bytes=limit)
    importer = KINDS[kind](cohort, recorded_by)
    present = header_columns(importer, table)
    problems: list[Problem] = []
    first_lines: dict[tuple, int] = {}
    for line, cells in table.rows:
        parsed, values, row_problems = read_row(importer, present, table, line, cells)
        if (file_key := importer.file_key(parsed)) is not None:
            columns, key = file_key
            if key in first_lines:
                same = _("same as line %(line)d", line=first_lines[key])
                row_problems.append(Problem(line, columns, same))
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
            [Problem(None, None, _("the database refused the rows: %(reason)s", reason=reason))]
        ) from error
    return summary


def too_large(size: int, limit: int) -> str:
    """Say that a file is over the size limit."""
    return _(
        "the file is %(size)s, over the limit of %(limit)s",
        size=file_size(size),
        limit=file_size(limit),
    )


def file_size(size: int) -> str:
    """Write a number of bytes in megabytes, or bytes for small files."""
    if size >= 2**20:
        return _("%(size)s MB", size=number(size / 2**20, 1))
    return ngettext("%(num)d byte", "%(num)d bytes", size)


def header_columns(importer: Kind, table: Table) -> list[tuple[int, Column]]:
    """Return the kind's columns present in the header, by position; refuse a wrong header."""
    known = {column.name: column for column in importer.columns}
    problems, present, seen = [], [], set()
    for index, name in enumerate(table.header):
        if not name:
            continue
        if name in seen:
            problems.append(Problem(table.header_line, name, _("appears twice in the header")))
        elif name not in known:
            problems.append(
                Problem(
                    table.header_line,
                    name,
                    _(
                        "unknown column for %(kind)s (expected %(columns)s)",
                        kind=importer.name,
                        columns=", ".join(column.name for column in importer.columns),
                    ),
                )
            )
        else:
            present.append((index, known[name]))
        seen.add(name)
    for column in importer.columns:
        if column.required and column.name not in seen:
            problems.append(Problem(table.header_line, column.name, _("missing column")))
    if problems:
        raise ImportRefused(problems)
    return present


def unknown_code(column: Column, code: str) -> str:
    """Say that a code names nothing of its kind in the cohort: unknown trainee 'T99'."""
    unknown = {
        "modules": _("unknown module %(code)r", code=code),
        "competencies": _("unknown competency %(code)r", code=code),
        "assessments": _("unknown assessment %(code)r", code=code),
        "trainees": _("unknown trainee %(code)r", code=code),
        "lines": _("unknown budget line %(code)r", code=code),
    }
    return unknown[column.refers_to]


def read_row(
    importer: Kind, present: list[tuple[int, Column]], table: Table, line: int, cells: list[str]
) -> tuple[Values, Values, list[Problem]]:
    """Read a row's cells: the values as written, the values with codes resolved, the problems."""
    parsed, values, problems = {}, {}, []
    named = {index for index, _ in present}
    for index, cell in enumerate(cells):
        if cell.strip() and index not in named:
            column = _("column %(num)d", num=index + 1)
            problems.append(Problem(line, column, _("has a value but no heading")))
    for index, column in present:
        cell = cells[index].strip() if index < len(cells) else ""
        if not cell:
            if column.required:
                problems.append(Problem(line, column.name, _("is required")))
                continue
            cell = column.default
        try:
            if cell is None:
                value = frozenset() if column.many else None
            elif column.many:
                separators = f"[{re.escape(table.list_separator)}]"
                items = (item.strip() for item in re.split(separators, cell))
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
        if column.many:
            missing = sorted(code for code in value if code not in stored)
            if missing:
                unknown = ", ".join(unknown_code(column, code) for code in missing)
                problems.append(Problem(line, column.name, unknown))
                continue
            values[column.name] = frozenset(stored[code] for code in value)
        elif value not in stored:
            problems.append(Problem(line, column.name, unknown_code(column, value)))
        else:
            values[column.name] = stored[value]
    return parsed, values, problems
