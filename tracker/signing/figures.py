"""How the half-days were signed, for the officers: pure functions over plain rows.

What is counted: each trainee expected at a session (enrolled, not yet left, on its day) whose
half-day has started by the cutoff, that is by D's end, or by now when D is today (a half-day
that has not started cannot be signed yet). Each such trainee-half-day is, in this order:

- signed **on screen** when the trainee's signature of it is kept;
- else signed **on paper** when its week's scanned sheet is kept and the roll call does not mark
  the trainee absent or excused (the sheet holds the signatures of those in the room);
- else **not signed**: an absent or excused trainee's half-day is counted here too.

A **disagreement** is a mark that the signatures contradict (`rules.disagreement`): present
without a signature, or signed but absent, outside the weeks on paper. It is **explained** when
the mark carries a note, the instructor's reason.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from tracker.metrics.figures import ratio
from tracker.metrics.series import month_of
from tracker.signing.rules import disagreement
from tracker.timeutil import COURSE_TIME_ZONE

# The marks of a trainee who was not in the room: nobody signs the paper sheet for them.
ABSENCES = ("absent", "excused")


@dataclass(frozen=True, slots=True)
class HalfDayRow:
    """One trainee expected at one session: its start, the mark and how it was signed."""

    day: date
    slot: str
    starts: datetime  # the instant the half-day starts (attendance.times)
    trainee_ref: str
    trainee_name: str
    status: str | None  # None: no mark recorded
    note: str | None
    signed: bool  # the trainee's signature of it is kept
    on_paper: bool  # its week's scanned paper sheet is kept


@dataclass(frozen=True, slots=True)
class MonthSigning:
    """How a month's counted trainee-half-days were signed, and their disagreements."""

    month: date  # its first day
    expected: int
    on_screen: int
    on_paper: int
    not_signed: int
    disagreements: int
    explained: int

    @property
    def on_screen_share(self) -> float | None:
        return ratio(self.on_screen, self.expected)

    @property
    def on_paper_share(self) -> float | None:
        return ratio(self.on_paper, self.expected)

    @property
    def not_signed_share(self) -> float | None:
        return ratio(self.not_signed, self.expected)

    @property
    def unexplained(self) -> int:
        return self.disagreements - self.explained


@dataclass(frozen=True, slots=True)
class Disagreement:
    """A mark that the signatures contradict, with the mark's note (its reason, if any)."""

    day: date
    slot: str
    trainee_ref: str
    trainee_name: str
    kind: str  # rules.PRESENT_WITHOUT_SIGNATURE or rules.SIGNED_BUT_ABSENT
    status: str
    note: str | None

    @property
    def explained(self) -> bool:
        return bool((self.note or "").strip())


def cutoff(as_of: date, now: datetime) -> datetime:
    """Return the instant by which a half-day must have started to count: D's end, or now."""
    end_of_day = datetime.combine(as_of + timedelta(days=1), time(0), tzinfo=COURSE_TIME_ZONE)
    return min(end_of_day, now)


def counted(rows: Iterable[HalfDayRow], by: datetime) -> list[HalfDayRow]:
    """Keep the trainee-half-days that have started by an instant."""
    return [row for row in rows if row.starts <= by]


def how_signed(row: HalfDayRow) -> str:
    """Say how a trainee-half-day was signed: on_screen, on_paper or not_signed."""
    if row.signed:
        return "on_screen"
    if row.on_paper and row.status not in ABSENCES:
        return "on_paper"
    return "not_signed"


def row_disagreement(row: HalfDayRow) -> Disagreement | None:
    """Return how a trainee-half-day's mark and signature disagree, None when they agree."""
    kind = disagreement(row.status, row.signed, row.on_paper)
    if kind is None or row.status is None:
        return None
    return Disagreement(
        row.day, row.slot, row.trainee_ref, row.trainee_name, kind, row.status, row.note
    )


def signing_by_month(rows: Iterable[HalfDayRow], by: datetime) -> list[MonthSigning]:
    """Count, month by month, how the trainee-half-days started by an instant were signed."""
    months: dict[date, dict[str, int]] = {}
    for row in counted(rows, by):
        counts = months.setdefault(
            month_of(row.day),
            dict.fromkeys(
                ("expected", "on_screen", "on_paper", "not_signed", "disagreements", "explained"),
                0,
            ),
        )
        counts["expected"] += 1
        counts[how_signed(row)] += 1
        if (found := row_disagreement(row)) is not None:
            counts["disagreements"] += 1
            counts["explained"] += found.explained
    return [MonthSigning(month, **counts) for month, counts in sorted(months.items())]


def total(months: Iterable[MonthSigning]) -> MonthSigning | None:
    """Add the months up, as one line dated by the first; None when there is none."""
    months = list(months)
    if not months:
        return None
    return MonthSigning(
        month=months[0].month,
        **{
            name: sum(getattr(month, name) for month in months)
            for name in (
                "expected",
                "on_screen",
                "on_paper",
                "not_signed",
                "disagreements",
                "explained",
            )
        },
    )


def disagreements(
    rows: Iterable[HalfDayRow], by: datetime, month: date | None = None
) -> list[Disagreement]:
    """List the disagreements of the half-days started by an instant (of one month, if given),
    in the order of the half-days, then of the trainees."""
    found = [
        item
        for row in counted(rows, by)
        if (month is None or month_of(row.day) == month)
        and (item := row_disagreement(row)) is not None
    ]
    return sorted(found, key=lambda item: (item.day, item.slot, item.trainee_ref))
