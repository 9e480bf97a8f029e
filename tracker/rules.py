"""The shape of what a feature's rules find wrong, shared by every feature's `rules.py`.

A rule is written once, as a pure function returning a list of problems; the form shows them
under its fields, the operation refuses with the first, the importer names them with the file's
line. A problem says it twice when people read it in two places: `message` for someone at a form
(the value is in front of them), `in_file` for a line of a file (quoting the file's value).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """What is wrong, and with which field (the form's field, the file's column)."""

    field: str
    message: str
    # The same problem said for a line of a file or the command line, when it reads otherwise.
    in_file: str | None = None

    @property
    def file_message(self) -> str:
        """Return the problem as a file's line or the command line says it."""
        return self.in_file if self.in_file is not None else self.message
