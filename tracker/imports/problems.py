"""What is wrong with a file: each problem names its line and column.

The messages are in the language of the page that shows them, or in English on the command line
(i18n.select_locale); column names and the values quoted from the file stay as written in it.
"""

from dataclasses import dataclass

from flask_babel import gettext as _

from tracker import rules


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file, at a physical line (the header is line 1) and a column."""

    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = {"line": self.line, "column": self.column, "message": self.message}
        if self.line is None:
            return self.message if self.column is None else _("%(column)s: %(message)s", **where)
        if self.column is None:
            return _("line %(line)d: %(message)s", **where)
        return _("line %(line)d: %(column)s: %(message)s", **where)


class ImportRefused(Exception):
    """A file was refused as a whole; `problems` lists everything wrong with it."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems)
        self.problems = problems

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)


class Invalid(ValueError):
    """A cell's value cannot be read; the message says why."""


def on_line(
    line: int, problems: list[rules.Problem], columns: dict[str, str] | None = None
) -> list[Problem]:
    """Name the problems a feature's rules found with a line of a file, under the file's columns
    (`columns` maps a rule's field to its column where their names differ)."""
    columns = columns or {}
    return [
        Problem(line, columns.get(problem.field, problem.field), problem.file_message)
        for problem in problems
    ]
