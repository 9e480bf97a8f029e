"""The series behind the charts and the statements, as pure functions over a `CohortData`.

They follow the conventions of `tracker.metrics.figures` and reuse its helpers, so that a chart,
a statement and the figures of the same cohort as of the same date agree to the minute and to
the cent:

- Only held sessions count (dated on or before D), and a trainee counts at a session only when
  expected there; records of sessions where the trainee is not expected are ignored.
- Durations are whole minutes; convert them with `tracker.hours.minutes_to_hours` at the edges
  (the statement rows do it in their `*_hours` properties).
- Rates are rounded half up to 4 places, as in the figures; money is `Decimal` to the cent.
- Weeks are ISO weeks ("2022-W05", from Monday); months are given by their first day.
- A roll call not taken is not an absence: the charts' rates (`recorded_rate`, the heat map's,
  a trainee's monthly ones) are of the hours recorded, and the hours not recorded are given
  apart. The figures' own attendance rate, attended over scheduled, stays as docs/figures.md has it.
"""

import statistics
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import TypeVar

from tracker.hours import minutes_to_hours
from tracker.i18n import rate_as_shown
from tracker.metrics.figures import (
    CARRIED_TRAINEES,
    CohortData,
    Mark,
    ModuleGrade,
    ModuleInfo,
    SessionInfo,
    TraineeInfo,
    attended_minutes,
    cohort_figures,
    course_days,
    elapsed_days,
    held_sessions,
    module_grades,
    ratio,
    scale_money,
)
from tracker.metrics.memo import NOT_ON_MARKS, not_on_marks, per_data, worked_out
from tracker.money import round_money

Key = TypeVar("Key", bound=Hashable)

# A cohort's figure shown beside a trainee's (a module's median grade, a month's attendance) is
# made of at least this many trainees, those with a grade or a roll call in it: with fewer, a
# trainee could work a classmate's figure out of it and their own (of two graded trainees, the
# median and one's grade give the other's). Smaller groups show no cohort figure.
SMALLEST_GROUP = 5


# ---------------------------------------------------------------------------------------------
# Points


@dataclass(frozen=True, slots=True)
class AttendanceMinutes:
    """Minutes of expected held sessions, split so that the parts add up to the scheduled ones.

    scheduled = attended + excused + unjustified + unrecorded, exactly.
    """

    scheduled: int = 0
    attended: int = 0
    excused: int = 0
    unjustified: int = 0
    unrecorded: int = 0

    @property
    def rate(self) -> float | None:
        return ratio(self.attended, self.scheduled)

    @property
    def recorded_rate(self) -> float | None:
        """Attended over the hours whose roll call was taken (None when none was)."""
        return ratio(self.attended, self.scheduled - self.unrecorded)


@dataclass(frozen=True, slots=True)
class WeekPoint:
    """The cohort's attendance during one ISO week of held sessions.

    `rate` is attended over scheduled, as the figures'; `recorded_rate` is over the hours
    recorded, as the charts show it beside the hours not recorded.
    """

    week: str
    starts_on: date
    scheduled_minutes: int
    attended_minutes: int
    excused_minutes: int
    unrecorded_minutes: int
    rate: float | None
    recorded_rate: float | None
    threshold: float


@dataclass(frozen=True, slots=True)
class Heatmap:
    """Attendance rates per trainee (rows, by ref) and ISO week (columns), of the hours recorded.

    `unrecorded` holds the minutes whose roll call was not taken. A cell of both is None where the
    trainee was expected at no held session of that week; a rate is also None where none of the
    week's roll calls was taken for the trainee.
    """

    weeks: tuple[str, ...]
    week_starts: tuple[date, ...]
    refs: tuple[str, ...]
    rates: tuple[tuple[float | None, ...], ...]
    unrecorded: tuple[tuple[int | None, ...], ...]
    threshold: float


@dataclass(frozen=True, slots=True)
class StatementRow:
    """One trainee's hours in one calendar month, as funders need them for trainees' pay.

    `unjustified_minutes` are those of `absent` sessions plus the minutes missed by arriving
    late or leaving early (capped at the session's length), so that scheduled = attended +
    excused + unjustified + unrecorded holds exactly, in minutes.
    """

    trainee_id: int
    ref: str
    name: str
    month: date
    scheduled_minutes: int
    attended_minutes: int
    excused_minutes: int
    unjustified_minutes: int
    unrecorded_minutes: int

    @property
    def scheduled_hours(self) -> float:
        return minutes_to_hours(self.scheduled_minutes)

    @property
    def attended_hours(self) -> float:
        return minutes_to_hours(self.attended_minutes)

    @property
    def excused_hours(self) -> float:
        return minutes_to_hours(self.excused_minutes)

    @property
    def unjustified_hours(self) -> float:
        return minutes_to_hours(self.unjustified_minutes)

    @property
    def unrecorded_hours(self) -> float:
        return minutes_to_hours(self.unrecorded_minutes)

    @property
    def attendance_rate(self) -> float | None:
        return ratio(self.attended_minutes, self.scheduled_minutes)


@dataclass(frozen=True, slots=True)
class BurnUpPoint:
    """The budget at the end of one month of the cohort (its last day, or the cohort's end).

    `spent` is None for the months after D's; `forecast` is None for the months ending before D
    or when the forecast at completion is not defined.
    """

    month: date
    ends_on: date
    spent: Decimal | None
    planned: Decimal
    forecast: Decimal | None


@dataclass(frozen=True, slots=True)
class BurnUp:
    """Cumulative spending against the linear plan and the forecast, month by month.

    `spent` and `planned` are the spending and the linear plan at D.
    """

    starts_on: date
    ends_on: date
    as_of: date
    grant: Decimal
    spent: Decimal
    planned: Decimal
    forecast_at_completion: Decimal | None
    points: tuple[BurnUpPoint, ...]


@dataclass(frozen=True, slots=True)
class MonthPoint:
    """A trainee's attendance rate in one month, beside the cohort's in the same month.

    Both rates are of the hours recorded (None when none was); the trainee's minutes scheduled
    and not recorded are given apart. The cohort's rate is None when fewer than SMALLEST_GROUP
    trainees have a roll call that month, and rounded as it is shown (to a tenth of a percent)
    otherwise: it is there to compare with, and a classmate's mark should redraw the trainee's
    chart and remake their report only when it changes what they show.
    """

    month: date
    trainee_rate: float | None
    cohort_rate: float | None
    threshold: float
    scheduled_minutes: int
    unrecorded_minutes: int


@dataclass(frozen=True, slots=True)
class ModuleGradePoint:
    """A trainee's grade out of 20 in one module, its pass mark and the cohort's median.

    The median is None when fewer than SMALLEST_GROUP trainees have a grade in the module.
    """

    module_id: int
    code: str
    grade: float | None
    pass_mark: float
    cohort_median: float | None


# ---------------------------------------------------------------------------------------------
# Counting minutes


class _Tally:
    """Add up the minutes of expected held sessions, split as in `AttendanceMinutes`."""

    __slots__ = ("attended", "excused", "scheduled", "unjustified", "unrecorded")

    def __init__(self) -> None:
        self.scheduled = self.attended = self.excused = self.unjustified = self.unrecorded = 0

    def add(self, minutes: int, mark: Mark | None) -> None:
        self.scheduled += minutes
        if mark is None:
            self.unrecorded += minutes
            return
        status = mark[2]
        attended = attended_minutes(status, minutes, mark[3])
        self.attended += attended
        if status == "excused":
            self.excused += minutes
        else:
            # absent: the whole session; late, left early: the minutes missed, up to the session.
            self.unjustified += minutes - attended

    def add_up(self, other: AttendanceMinutes) -> None:
        self.scheduled += other.scheduled
        self.attended += other.attended
        self.excused += other.excused
        self.unjustified += other.unjustified
        self.unrecorded += other.unrecorded

    def minutes(self) -> AttendanceMinutes:
        return AttendanceMinutes(
            self.scheduled, self.attended, self.excused, self.unjustified, self.unrecorded
        )


def enrolled_trainees(data: CohortData) -> list[TraineeInfo]:
    """Return the trainees enrolled by D, ordered by ref."""
    return sorted((t for t in data.trainees if t.enrolled_on <= data.as_of), key=lambda t: t.ref)


@per_data
def marks_by_session_and_trainee(data: CohortData) -> dict[tuple[int, int], Mark]:
    """Index the roll-call marks by session and trainee (once per data object)."""
    return {(mark[0], mark[1]): mark for mark in data.marks}


def tally_attendance(
    data: CohortData,
    key: Callable[[TraineeInfo, SessionInfo], Key],
    trainees: Iterable[TraineeInfo] | None = None,
) -> dict[Key, AttendanceMinutes]:
    """Add up the minutes of each trainee's expected held sessions, grouped by `key`.

    Keys come in order of session (date, then slot), then of trainee; a group appears only when
    some trainee was expected at one of its sessions.
    """
    marks = marks_by_session_and_trainee(data)
    chosen = enrolled_trainees(data) if trainees is None else list(trainees)
    tallies: dict[Key, _Tally] = {}
    for session in held_sessions(data.sessions, data.as_of):
        for trainee in chosen:
            if not trainee.is_expected(session.date):
                continue
            group = key(trainee, session)
            tally = tallies.get(group)
            if tally is None:
                tally = tallies[group] = _Tally()
            tally.add(session.minutes, marks.get((session.id, trainee.id)))
    return {group: tally.minutes() for group, tally in tallies.items()}


def tally_by_trainee(
    data: CohortData, period: Callable[[date], Key]
) -> dict[tuple[int, Key], AttendanceMinutes]:
    """Add up each enrolled trainee's minutes of expected held sessions by period of the
    session's date (a week, a month): `tally_attendance` with the key (trainee id, period), the
    period worked out once per session and the trainees expected taken from `expected_by_day`,
    for the tallies of every trainee at once (the heat map, the monthly statement).

    Once per data object and period. Data brought up to date after a roll call takes the
    tallies of the periods without a changed half-day from the older data (`carry_over`)."""
    return worked_out(data, (TALLIES_BY_TRAINEE, period), lambda: _tally_by_trainee(data, period))


# The tallies of `tally_by_trainee` are kept under this name and the period; data brought up to
# date holds here, by period, those carried over and the periods to add up again.
TALLIES_BY_TRAINEE = "tallies by trainee and period"
CARRIED_TALLIES = "tallies by trainee carried over"


def _tally_by_trainee(
    data: CohortData, period: Callable[[date], Key]
) -> dict[tuple[int, Key], AttendanceMinutes]:
    carried, again = data.worked_out.get((CARRIED_TALLIES, period), ({}, None))
    marks = marks_by_session_and_trainee(data)
    expected_on = expected_by_day(data)
    tallies: dict[tuple[int, Key], _Tally] = {}
    for session in held_sessions(data.sessions, data.as_of):
        when = period(session.date)
        if again is not None and when not in again:
            continue  # carried over
        minutes = session.minutes
        for trainee in expected_on[session.date]:
            group = (trainee.id, when)
            tally = tallies.get(group)
            if tally is None:
                tally = tallies[group] = _Tally()
            tally.add(minutes, marks.get((session.id, trainee.id)))
    return {**carried, **{group: tally.minutes() for group, tally in tallies.items()}}


@not_on_marks
def expected_by_day(data: CohortData) -> dict[date, list[TraineeInfo]]:
    """Return the enrolled trainees expected on each day of a held session, in order of ref
    (once per data object: a day holds two half-days, and several tallies ask)."""
    trainees = enrolled_trainees(data)
    return {
        day: [trainee for trainee in trainees if trainee.is_expected(day)]
        for day in sorted({session.date for session in data.sessions if session.date <= data.as_of})
    }


@per_data
def minutes_by_session(data: CohortData) -> tuple[tuple[SessionInfo, AttendanceMinutes], ...]:
    """Return each held session at which some enrolled trainee was expected, in order, with
    their minutes added up (once per data object): the cohort's tallies by month or by week
    add up these, not every trainee's every session again. The minutes of the sessions whose
    marks did not change are taken from older data when carried over (`carry_over`)."""
    carried: dict[int, AttendanceMinutes] = data.worked_out.get(CARRIED_SESSIONS, {})
    marks = marks_by_session_and_trainee(data)
    expected_on = expected_by_day(data)
    sessions = []
    for session in held_sessions(data.sessions, data.as_of):
        expected = expected_on[session.date]
        if session.id in carried:
            sessions.append((session, carried[session.id]))
        elif expected:
            tally = _Tally()
            for trainee in expected:
                tally.add(session.minutes, marks.get((session.id, trainee.id)))
            sessions.append((session, tally.minutes()))
    return tuple(sessions)


# Data brought up to date from older data holds here the minutes of the sessions whose marks did
# not change, by session id, added up from the older data.
CARRIED_SESSIONS = "session minutes carried over"


def carry_over(old: CohortData, new: CohortData, dropped: list[Mark], read: list[Mark]) -> None:
    """Let data brought up to date after a roll call take what was worked out from the older
    data and does not depend on what changed: the figures of the trainees whose marks are the
    same, the minutes of the other sessions, the trainees' tallies of the other weeks and months,
    the index of the marks and what does not read them (`memo.not_on_marks`). `new` must differ from
    `old` by the marks of some sessions only, `dropped` (old's) and `read` (new's)
    (`loading.with_marks_reloaded`). Only those plain results are kept, never the older data: it
    leaves memory as soon as it is superseded."""
    sessions = {mark[0] for mark in dropped} | {mark[0] for mark in read}
    changed = {mark[1] for mark in set(map(tuple, dropped)) ^ set(map(tuple, read))}
    figures = old.worked_out.get(cohort_figures.__wrapped__)
    if figures is not None:
        new.worked_out[CARRIED_TRAINEES] = {
            trainee.id: trainee for trainee in figures.trainees if trainee.id not in changed
        }
    index = old.worked_out.get(marks_by_session_and_trainee.__wrapped__)
    if index is not None:
        patched = dict(index)
        for mark in dropped:
            del patched[mark[0], mark[1]]
        patched.update(((mark[0], mark[1]), mark) for mark in read)
        new.worked_out[marks_by_session_and_trainee.__wrapped__] = patched
    # What reads no mark (who is expected which day, the grades, the reports' digest of the
    # other records): taken as it is.
    for unmoved in NOT_ON_MARKS:
        kept = old.worked_out.get(unmoved)
        if kept is not None:
            new.worked_out[unmoved] = kept
    minutes = old.worked_out.get(minutes_by_session.__wrapped__)
    if minutes is not None:
        new.worked_out[CARRIED_SESSIONS] = {
            session.id: tally for session, tally in minutes if session.id not in sessions
        }
    days = {session.date for session in new.sessions if session.id in sessions}
    for key, tallies in list(old.worked_out.items()):
        if isinstance(key, tuple) and key[0] == TALLIES_BY_TRAINEE:
            period = key[1]
            again = {period(day) for day in days}
            new.worked_out[CARRIED_TALLIES, period] = (
                {group: tally for group, tally in tallies.items() if group[1] not in again},
                again,
            )


def tally_sessions(
    data: CohortData, key: Callable[[SessionInfo], Key]
) -> dict[Key, AttendanceMinutes]:
    """Add up the enrolled trainees' minutes of the held sessions, grouped by a key of the
    session: as `tally_attendance` with a key that does not depend on the trainee."""
    tallies: dict[Key, _Tally] = {}
    for session, minutes in minutes_by_session(data):
        group = key(session)
        tally = tallies.get(group)
        if tally is None:
            tally = tallies[group] = _Tally()
        tally.add_up(minutes)
    return {group: tally.minutes() for group, tally in tallies.items()}


def iso_week(day: date) -> str:
    """Name the ISO week of a day, e.g. 2022-W05."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


@lru_cache(maxsize=4096)
def week_start(day: date) -> date:
    """Return the Monday of the day's ISO week (kept per day: the weekly series ask it of every
    half-day, again after each roll call saved)."""
    year, week, _ = day.isocalendar()
    return date.fromisocalendar(year, week, 1)


def month_of(day: date) -> date:
    """Return the first day of the day's month."""
    return day.replace(day=1)


def _next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _held_weeks(data: CohortData) -> list[date]:
    """Return the Mondays of the weeks with held sessions, in order."""
    return sorted({week_start(s.date) for s in data.sessions if s.date <= data.as_of})


# ---------------------------------------------------------------------------------------------
# Attendance


def weekly_attendance(data: CohortData) -> list[WeekPoint]:
    """Return the cohort's attendance per ISO week of held sessions, with the threshold.

    A week whose sessions no trainee was expected at is kept, with 0 minutes and no rate.
    """
    by_week = tally_sessions(data, lambda session: week_start(session.date))
    threshold = data.cohort.attendance_threshold
    points = []
    for monday in _held_weeks(data):
        minutes = by_week.get(monday, AttendanceMinutes())
        points.append(
            WeekPoint(
                week=iso_week(monday),
                starts_on=monday,
                scheduled_minutes=minutes.scheduled,
                attended_minutes=minutes.attended,
                excused_minutes=minutes.excused,
                unrecorded_minutes=minutes.unrecorded,
                rate=minutes.rate,
                recorded_rate=minutes.recorded_rate,
                threshold=threshold,
            )
        )
    return points


def attendance_heatmap(data: CohortData) -> Heatmap:
    """Return each enrolled trainee's attendance rate of the hours recorded, and the minutes not
    recorded, in each ISO week of held sessions."""
    trainees = enrolled_trainees(data)
    weeks = _held_weeks(data)
    by_cell = tally_by_trainee(data, week_start)
    cells = [[by_cell.get((trainee.id, monday)) for monday in weeks] for trainee in trainees]
    return Heatmap(
        weeks=tuple(iso_week(monday) for monday in weeks),
        week_starts=tuple(weeks),
        refs=tuple(trainee.ref for trainee in trainees),
        rates=tuple(
            tuple(None if cell is None else cell.recorded_rate for cell in row) for row in cells
        ),
        unrecorded=tuple(
            tuple(None if cell is None else cell.unrecorded for cell in row) for row in cells
        ),
        threshold=data.cohort.attendance_threshold,
    )


def monthly_statement(data: CohortData) -> list[StatementRow]:
    """Return each enrolled trainee's hours per calendar month, by ref then month.

    Only the months in which the trainee was expected at a held session have a row; over a
    trainee's rows, the minutes add up to their attendance in `cohort_figures`. Worked out once
    per data object, for every month.
    """
    return list(_monthly_statement(data))


@per_data
def _monthly_statement(data: CohortData) -> tuple[StatementRow, ...]:
    trainees = enrolled_trainees(data)
    by_cell = tally_by_trainee(data, month_of)
    rows = []
    for trainee in trainees:
        months = sorted(month for trainee_id, month in by_cell if trainee_id == trainee.id)
        for month in months:
            minutes = by_cell[trainee.id, month]
            rows.append(
                StatementRow(
                    trainee_id=trainee.id,
                    ref=trainee.ref,
                    name=trainee.name,
                    month=month,
                    scheduled_minutes=minutes.scheduled,
                    attended_minutes=minutes.attended,
                    excused_minutes=minutes.excused,
                    unjustified_minutes=minutes.unjustified,
                    unrecorded_minutes=minutes.unrecorded,
                )
            )
    return tuple(rows)


@per_data
def cohort_monthly_attendance(data: CohortData) -> dict[date, AttendanceMinutes]:
    """Add up the enrolled trainees' minutes per month (once per data object)."""
    return tally_sessions(data, lambda session: month_of(session.date))


@per_data
def trainees_recorded_by_month(data: CohortData) -> dict[date, int]:
    """Count the enrolled trainees with a roll call in each month in which some trainee was
    expected (once per data object): those with minutes recorded (every half-day lasts some)."""
    recorded: dict[date, int] = {}
    for (_trainee_id, month), minutes in tally_by_trainee(data, month_of).items():
        recorded[month] = recorded.get(month, 0) + (minutes.unrecorded < minutes.scheduled)
    return recorded


@per_data
def cohort_monthly_line(data: CohortData) -> dict[date, float | None]:
    """Return the cohort's attendance rate of the hours recorded per month as a trainee's chart
    shows it beside their own: rounded as shown, None in a month with a roll call for fewer than
    SMALLEST_GROUP trainees (once per data object)."""
    recorded = trainees_recorded_by_month(data)
    return {
        month: (rate_as_shown(minutes.recorded_rate) if recorded[month] >= SMALLEST_GROUP else None)
        for month, minutes in cohort_monthly_attendance(data).items()
    }


def trainee_monthly_attendance(data: CohortData, trainee_id: int) -> list[MonthPoint]:
    """Return a trainee's attendance rate of the hours recorded per month, beside the cohort's.

    The months are those in which the trainee was expected at a held session; an unknown trainee
    or one not enrolled by D has none. Worked out once per data and trainee: the page, the
    report and the report's cache key all ask for it.
    """
    points = worked_out(
        data,
        ("trainee monthly attendance", trainee_id),
        lambda: tuple(_trainee_monthly_attendance(data, trainee_id)),
    )
    return list(points)


def _trainee_monthly_attendance(data: CohortData, trainee_id: int) -> list[MonthPoint]:
    trainee = next((t for t in enrolled_trainees(data) if t.id == trainee_id), None)
    if trainee is None:
        return []
    own = {
        month: minutes
        for (who, month), minutes in tally_by_trainee(data, month_of).items()
        if who == trainee_id
    }
    cohort = cohort_monthly_line(data)
    threshold = data.cohort.attendance_threshold
    return [
        MonthPoint(
            month=month,
            trainee_rate=minutes.recorded_rate,
            cohort_rate=cohort[month],
            threshold=threshold,
            scheduled_minutes=minutes.scheduled,
            unrecorded_minutes=minutes.unrecorded,
        )
        for month, minutes in sorted(own.items())
    ]


# ---------------------------------------------------------------------------------------------
# Grades


@dataclass(frozen=True)
class CohortGrades:
    """The modules with a held test, in order of code, and each enrolled trainee's grades there.

    Each module's median is over the `graded` trainees who have a grade in it.
    """

    modules: tuple[ModuleInfo, ...]
    by_trainee: dict[int, tuple[ModuleGrade, ...]]
    medians: tuple[float | None, ...]
    graded: tuple[int, ...]


@not_on_marks
def cohort_module_grades(data: CohortData) -> CohortGrades:
    """Grade every enrolled trainee in each module with a held test (once per data object).

    A module's median is over the enrolled trainees who have a grade in it.
    """
    held_modules = {a.module_id for a in data.assessments if a.date <= data.as_of}
    modules = tuple(sorted((m for m in data.modules if m.id in held_modules), key=lambda m: m.code))
    scores_by_trainee: dict[int, dict[int, float]] = {}
    for assessment_id, scored_trainee_id, score in data.scores:
        scores_by_trainee.setdefault(scored_trainee_id, {})[assessment_id] = score
    by_trainee = {
        trainee.id: module_grades(
            modules, data.assessments, scores_by_trainee.get(trainee.id, {}), data.as_of
        )
        for trainee in enrolled_trainees(data)
    }
    medians, graded = [], []
    for index in range(len(modules)):
        cohort = [g[index].grade for g in by_trainee.values() if g[index].grade is not None]
        medians.append(statistics.median(cohort) if cohort else None)
        graded.append(len(cohort))
    return CohortGrades(modules, by_trainee, tuple(medians), tuple(graded))


def trainee_module_grades(data: CohortData, trainee_id: int) -> list[ModuleGradePoint]:
    """Return a trainee's grade, the pass mark and the cohort median per module with a held test.

    The median is over the enrolled trainees who have a grade in the module, and shown only when
    they are SMALLEST_GROUP or more; modules come in order of code.
    """
    grades = cohort_module_grades(data)
    own = grades.by_trainee.get(trainee_id)
    return [
        ModuleGradePoint(
            module_id=module.id,
            code=module.code,
            grade=None if own is None else own[index].grade,
            pass_mark=module.pass_mark,
            cohort_median=grades.medians[index] if grades.graded[index] >= SMALLEST_GROUP else None,
        )
        for index, module in enumerate(grades.modules)
    ]


# ---------------------------------------------------------------------------------------------
# Budget


def budget_burn_up(data: CohortData) -> BurnUp:
    """Return cumulative spending, the linear plan and the forecast at each month's end.

    The plan is the grant times the time elapsed at the month's end, counted in days as in the
    figures; the spending counts the expenses dated on or before D (and the month's end), up to
    D's month; the forecast runs in a straight line from the spending at D to the forecast at
    completion at the cohort's end, over the months ending on or after D. Expenses dated before
    the cohort's start count in its first month; those after its end only in `spent`.
    """
    cohort, as_of = data.cohort, data.as_of
    grant = round_money(cohort.grant_amount)
    days = course_days(cohort)
    expenses = sorted((e for e in data.expenses if e.date <= as_of), key=lambda e: e.date)
    spent = round_money(sum((e.amount for e in expenses), Decimal(0)))
    elapsed = elapsed_days(cohort, as_of)
    forecast_at_completion = scale_money(spent, days, elapsed)
    remaining_days = (cohort.ends_on - as_of).days

    points = []
    cumulative, next_expense = Decimal(0), 0
    month = month_of(cohort.starts_on)
    while month <= cohort.ends_on:
        month_end = min(_next_month(month) - timedelta(days=1), cohort.ends_on)
        while next_expense < len(expenses) and expenses[next_expense].date <= month_end:
            cumulative += expenses[next_expense].amount
            next_expense += 1
        forecast = None
        if forecast_at_completion is not None and month_end >= as_of:
            days_on = (month_end - as_of).days
            forecast = _along(spent, forecast_at_completion, days_on, remaining_days)
        points.append(
            BurnUpPoint(
                month=month,
                ends_on=month_end,
                spent=round_money(cumulative) if month <= as_of else None,
                planned=_along(Decimal("0.00"), grant, elapsed_days(cohort, month_end), days),
                forecast=forecast,
            )
        )
        month = _next_month(month)
    return BurnUp(
        starts_on=cohort.starts_on,
        ends_on=cohort.ends_on,
        as_of=as_of,
        grant=grant,
        spent=spent,
        planned=_along(Decimal("0.00"), grant, elapsed, days),
        forecast_at_completion=forecast_at_completion,
        points=tuple(points),
    )


def _along(start: Decimal, end: Decimal, days: int, length: int) -> Decimal:
    """Return the amount `days` into a straight line from `start` to `end` over `length` days."""
    step = scale_money(end - start, days, length)
    # length is 0 only when D is the cohort's last day: the line is then a point.
    return end if step is None else start + step
