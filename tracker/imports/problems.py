"""What is wrong with a file: each problem names its line and column."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file, at a physical line (the header is line 1) and a column."""

    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        parts = [f"line {self.line}"] if self.line is not None else []
        if self.column is not None:
            parts.append(self.column)
        parts.append(self.message)
        return ": ".join(parts)


class ImportRefused(Exception):
    """A file was refused as a whole; `problems` lists everything wrong with it."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems


class Invalid(ValueError):
    """A cell's value cannot be read; the message says why."""
