"""The absence justifications still waiting for a decision, as the monthly statement counts them.

Pure functions over plain data. A justification is pending at an instant when it was declared
by then and not yet decided (accepted or refused); it counts in every month that its absence
touches.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class DeclaredAbsence:
    """A trainee's justification of an absence: its days, when declared and when decided."""

    trainee_id: int
    first_day: date
    last_day: date
    declared_at: datetime
    decided_at: datetime | None


def is_pending(absence: DeclaredAbsence, at: datetime) -> bool:
    """Tell whether a justification was declared and not yet decided at an instant."""
    return absence.declared_at <= at and (absence.decided_at is None or absence.decided_at > at)


def pending_per_trainee(
    absences: Iterable[DeclaredAbsence], first: date, last: date, at: datetime
) -> dict[int, int]:
    """Count each trainee's justifications pending at an instant whose absence touches the days
    from first to last."""
    return dict(
        Counter(
            absence.trainee_id
            for absence in absences
            if is_pending(absence, at) and absence.first_day <= last and absence.last_day >= first
        )
    )


def months_touched(first_day: date, last_day: date) -> list[date]:
    """List the first days of the months from one day's to another's."""
    months, month = [], first_day.replace(day=1)
    while month <= last_day:
        months.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months


def pending_per_month(absences: Iterable[DeclaredAbsence], at: datetime) -> dict[date, int]:
    """Count the justifications pending at an instant in each month that their absence touches
    (keyed by the month's first day)."""
    counts: Counter[date] = Counter()
    for absence in absences:
        if is_pending(absence, at):
            counts.update(months_touched(absence.first_day, absence.last_day))
    return dict(counts)


@dataclass(frozen=True)
class Pending:
    """The justifications waiting for a decision at an instant: how many in each month that
    their absence touches, and how many in all (one that spans two months counts once)."""

    by_month: tuple[tuple[date, int], ...]
    total: int

    def of_month(self, month: date) -> int:
        """Return how many wait for a decision in a month (keyed by its first day)."""
        return dict(self.by_month).get(month, 0)


def pending_summary(absences: Iterable[DeclaredAbsence], at: datetime) -> Pending:
    """Count the justifications waiting for a decision at an instant, per month and in all."""
    absences = list(absences)
    return Pending(
        by_month=tuple(sorted(pending_per_month(absences, at).items())),
        total=sum(1 for absence in absences if is_pending(absence, at)),
    )
