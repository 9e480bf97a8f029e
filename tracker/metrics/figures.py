"""The figures of a cohort as of a date D, as pure functions over plain data.

Nothing here touches the database: `tracker.metrics.loading` fills a `CohortData` and the
functions below turn it into figures, so that the JSON, the web pages, the PDFs and the tests
share one computation.

Conventions (docs/figures.md):

- Durations are whole minutes until output, so that sums are exact; hours are reported to
  2 decimals and rates and ratios to 4, rounded half up from the exact fraction.
- Money is `Decimal`; amounts derived by division (forecast, cost per hour) are computed exactly
  in integer cents and rounded half up to the cent.
- A ratio whose divisor is 0 is None (null in JSON): no scheduled hours, modules with 0 planned
  hours in total, a budget line planned at 0, a zero grant, no elapsed day, no realised hour.
- Scores are floats: "at least the pass mark" compares the value rounded to 9 decimals, so that
  9.5 / 19 * 20 counts as 10.
- Records of sessions at which a trainee is not expected (before `enrolled_on`, after `left_on`)
  are ignored everywhere, including the at-risk windows.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from tracker.cohorts.rules import has_left, is_expected
from tracker.hours import minutes_to_hours
from tracker.metrics.memo import per_data
from tracker.money import CENT, round_money

# A roll-call mark: (session_id, trainee_id, status, minutes_missed). Not a dataclass: a cohort
# holds tens of thousands of them, and the loader hands over its database rows as they are
# (they unpack and index like tuples).
Mark = tuple[int, int, str, int]
# A result: (assessment_id, trainee_id, score).
Score = tuple[int, int, float]
# One recorded session in a trainee's history: (status, session minutes, attended minutes).
RollCall = tuple[str, int, int]

SLOT_ORDER = {"AM": 0, "PM": 1}
ASSIDUITY_WINDOW = 20
ASSIDUITY_WINDOW_MINIMUM = 5
ABSENCE_STREAK = 3
RATE_PLACES = 4

LOW_ASSIDUITY = "low_assiduity"
CONSECUTIVE_ABSENCES = "consecutive_absences"
FAILING_MODULE = "failing_module"


# ---------------------------------------------------------------------------------------------
# Inputs


@dataclass(frozen=True, slots=True)
class CohortInfo:
    """The terms of a cohort that the figures depend on."""

    slug: str
    starts_on: date
    ends_on: date
    grant_amount: Decimal
    contracted_trainees: int
    # None means "the planned minutes of the cohort's modules".
    planned_minutes_per_trainee: int | None
    attendance_threshold: float


@dataclass(frozen=True, slots=True)
class TraineeInfo:
    """A trainee's reference, name and enrolment window."""

    id: int
    ref: str
    first_name: str
    last_name: str
    enrolled_on: date
    left_on: date | None = None

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def is_expected(self, day: date) -> bool:
        """Tell whether the trainee is expected at a session held on this day."""
        return is_expected(day, self.enrolled_on, self.left_on)


@dataclass(frozen=True, slots=True)
class SessionInfo:
    """A half-day session of the timetable."""

    id: int
    date: date
    slot: str
    minutes: int
    module_id: int | None = None


@dataclass(frozen=True, slots=True)
class ModuleInfo:
    """A module with its planned minutes and its pass mark out of 20."""

    id: int
    code: str
    planned_minutes: int
    pass_mark: float = 10.0


@dataclass(frozen=True, slots=True)
class AssessmentInfo:
    """An assessment of a module, with the codes of the competencies that it evaluates."""

    id: int
    module_id: int
    date: date
    max_score: float
    weight: float = 1.0
    competencies: tuple[str, ...] = ()
    code: str = ""


@dataclass(frozen=True, slots=True)
class BudgetLineInfo:
    """A budget line with its planned amount."""

    id: int
    code: str
    label: str
    planned_amount: Decimal


@dataclass(frozen=True, slots=True)
class ExpenseInfo:
    """An expense charged to a budget line."""

    budget_line_id: int
    date: date
    amount: Decimal


@dataclass(frozen=True, slots=True, weakref_slot=True)
class CohortData:
    """Everything the figures of one cohort as of one date are computed from."""

    as_of: date
    cohort: CohortInfo
    trainees: tuple[TraineeInfo, ...]
    sessions: tuple[SessionInfo, ...]
    marks: Sequence[Mark]
    modules: tuple[ModuleInfo, ...]
    assessments: tuple[AssessmentInfo, ...]
    scores: Sequence[Score]
    budget_lines: tuple[BudgetLineInfo, ...]
    expenses: tuple[ExpenseInfo, ...]
    # What is worked out from this data, kept with it (`tracker.metrics.memo`): never an input,
    # never compared, and left behind by `dataclasses.replace`, which makes other data.
    worked_out: dict = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )


# ---------------------------------------------------------------------------------------------
# Outputs


@dataclass(frozen=True, slots=True)
class Attendance:
    """A trainee's hours, in minutes, over the held sessions at which they are expected."""

    scheduled_minutes: int
    attended_minutes: int
    excused_minutes: int
    unrecorded_minutes: int
    # The most recent recorded sessions, oldest first, for the at-risk windows.
    roll_calls: tuple[RollCall, ...] = ()

    @property
    def attendance_rate(self) -> float | None:
        return ratio(self.attended_minutes, self.scheduled_minutes)

    @property
    def assiduity_rate(self) -> float | None:
        accountable = self.scheduled_minutes - self.excused_minutes - self.unrecorded_minutes
        return ratio(self.attended_minutes, accountable)


@dataclass(frozen=True, slots=True)
class ModuleGrade:
    """One trainee's grade out of 20 in one module, and whether the module is passed or failing.

    A module whose assessments are not all held and all scored is neither passed nor failing.
    """

    module_id: int
    code: str
    grade: float | None
    scored: int
    assessments: int
    passed: bool
    failing: bool


@dataclass(frozen=True, slots=True)
class TraineeFigures:
    """The figures of one trainee as of D."""

    id: int
    ref: str
    name: str
    status: str
    attendance: Attendance
    modules: tuple[ModuleGrade, ...]
    passed_minutes: int
    progress: float | None
    competencies_acquired: tuple[str, ...]
    at_risk: tuple[str, ...]

    @property
    def modules_passed(self) -> tuple[str, ...]:
        return tuple(sorted(grade.code for grade in self.modules if grade.passed))

    @property
    def modules_failing(self) -> tuple[str, ...]:
        return tuple(sorted(grade.code for grade in self.modules if grade.failing))


@dataclass(frozen=True, slots=True)
class LineFigures:
    """Planned and spent on one budget line."""

    code: str
    label: str
    planned: Decimal
    spent: Decimal
    consumption: float | None


@dataclass(frozen=True, slots=True)
class BudgetFigures:
    """The grant against what was spent and against the time elapsed."""

    grant: Decimal
    spent: Decimal
    remaining: Decimal
    consumption: float | None
    elapsed: float
    burn_ratio: float | None
    forecast_at_completion: Decimal | None
    cost_per_realised_hour: Decimal | None
    lines: tuple[LineFigures, ...]


@dataclass(frozen=True, slots=True)
class CohortFigures:
    """The figures of one cohort as of D."""

    slug: str
    as_of: date
    enrolled: int
    active: int
    withdrawn: int
    completed: int
    scheduled_minutes: int
    attended_minutes: int
    excused_minutes: int
    unrecorded_minutes: int
    contracted_minutes: int
    progress_mean: float | None
    budget: BudgetFigures
    trainees: tuple[TraineeFigures, ...]

    @property
    def attendance_rate(self) -> float | None:
        return ratio(self.attended_minutes, self.scheduled_minutes)

    @property
    def realised_minutes(self) -> int:
        return self.attended_minutes

    @property
    def trainee_hours_rate(self) -> float | None:
        return ratio(self.realised_minutes, self.contracted_minutes)


# ---------------------------------------------------------------------------------------------
# Arithmetic


def ratio(numerator: int, denominator: int, places: int = RATE_PLACES) -> float | None:
    """Divide two non-negative integers exactly, round half up; None when the divisor is 0."""
    if denominator == 0:
        return None
    scale = 10**places
    return _divide_half_up(numerator * scale, denominator) / scale


def _divide_half_up(numerator: int, denominator: int) -> int:
    quotient, remainder = divmod(numerator, denominator)
    if 2 * remainder >= denominator:
        quotient += 1
    return quotient


def _cents(amount: Decimal) -> int:
    return int(round_money(amount) * 100)


def _from_cents(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(CENT)


def scale_money(amount: Decimal, numerator: int, denominator: int) -> Decimal | None:
    """Return amount * numerator / denominator, exact then rounded half up to the cent."""
    if denominator == 0:
        return None
    return _from_cents(_divide_half_up(_cents(amount) * numerator, denominator))


def at_least(value: float, mark: float) -> bool:
    """Compare a score with a pass mark, ignoring float noise (9.5 / 19 * 20 is 10)."""
    return round(value, 9) >= mark


def session_order(session: SessionInfo) -> tuple[date, int]:
    """Order sessions by date, then the morning before the afternoon."""
    return session.date, SLOT_ORDER.get(session.slot, len(SLOT_ORDER))


# ---------------------------------------------------------------------------------------------
# Per trainee


def held_sessions(sessions: Iterable[SessionInfo], as_of: date) -> list[SessionInfo]:
    """Return the sessions held on or before D, in order of date then slot."""
    return sorted((s for s in sessions if s.date <= as_of), key=session_order)


def attended_minutes(status: str, minutes: int, minutes_missed: int) -> int:
    """Count the minutes a trainee attended of a session, from the roll call's status."""
    if status == "present":
        return minutes
    if status == "late" or status == "left_early":
        return max(0, minutes - minutes_missed)
    return 0  # excused, absent


def trainee_attendance(
    trainee: TraineeInfo,
    sessions: Sequence[SessionInfo],
    marks: Mapping[int, Mark],
) -> Attendance:
    """Count a trainee's hours over the held sessions (in order) at which they are expected.

    `marks` maps a session id to the trainee's mark at that session. Only the most recent roll
    calls are kept, as many as the at-risk windows need.
    """
    scheduled = attended = excused = unrecorded = 0
    enrolled_on, left_on = trainee.enrolled_on, trainee.left_on
    # Integer minutes and no allocation in this loop: it runs once per trainee and session.
    for session in sessions:
        day = session.date
        if not is_expected(day, enrolled_on, left_on):
            continue
        minutes = session.minutes
        scheduled += minutes
        mark = marks.get(session.id)
        if mark is None:
            unrecorded += minutes
            continue
        status = mark[2]
        attended += attended_minutes(status, minutes, mark[3])
        if status == "excused":
            excused += minutes
    return Attendance(
        scheduled, attended, excused, unrecorded, recent_roll_calls(trainee, sessions, marks)
    )


def recent_roll_calls(
    trainee: TraineeInfo,
    sessions: Sequence[SessionInfo],
    marks: Mapping[int, Mark],
) -> tuple[RollCall, ...]:
    """Return the trainee's most recent recorded sessions, oldest first, enough for the windows.

    That is, back to the 20th most recent one not excused, and at least the 3 most recent.
    """
    recent: list[RollCall] = []
    not_excused = 0
    for session in reversed(sessions):
        mark = marks.get(session.id)
        if mark is None or not trainee.is_expected(session.date):
            continue
        status = mark[2]
        recent.append((status, session.minutes, attended_minutes(status, session.minutes, mark[3])))
        if status != "excused":
            not_excused += 1
        if not_excused >= ASSIDUITY_WINDOW and len(recent) >= ABSENCE_STREAK:
            break
    return tuple(reversed(recent))


def recent_assiduity(roll_calls: Sequence[RollCall]) -> float | None:
    """Return attended over hours of the 20 most recent recorded, non-excused sessions.

    None when there are fewer than 5 such sessions: too few to judge.
    """
    window: list[RollCall] = []
    for roll_call in reversed(roll_calls):
        if roll_call[0] != "excused":
            window.append(roll_call)
            if len(window) == ASSIDUITY_WINDOW:
                break
    if len(window) < ASSIDUITY_WINDOW_MINIMUM:
        return None
    minutes = sum(roll_call[1] for roll_call in window)
    return sum(roll_call[2] for roll_call in window) / minutes


def has_consecutive_absences(roll_calls: Sequence[RollCall]) -> bool:
    """Tell whether the 3 most recent recorded sessions are all unjustified absences.

    Unrecorded sessions are not in `roll_calls`, so they do not break the streak; an excused
    absence does.
    """
    recent = roll_calls[-ABSENCE_STREAK:]
    return len(recent) == ABSENCE_STREAK and all(status == "absent" for status, _, _ in recent)


def module_grades(
    modules: Sequence[ModuleInfo],
    assessments: Sequence[AssessmentInfo],
    scores: Mapping[int, float],
    as_of: date,
) -> tuple[ModuleGrade, ...]:
    """Grade a trainee in each module (in the order given), from their scores by assessment id."""
    by_module: dict[int, list[AssessmentInfo]] = {module.id: [] for module in modules}
    for assessment in assessments:
        by_module.setdefault(assessment.module_id, []).append(assessment)
    grades = []
    for module in modules:
        weighted = weights = 0.0
        scored = 0
        complete = bool(by_module[module.id])
        for assessment in by_module[module.id]:
            score = scores.get(assessment.id) if assessment.date <= as_of else None
            if score is None:
                complete = False
                continue
            scored += 1
            weighted += assessment.weight * score / assessment.max_score * 20
            weights += assessment.weight
        grade = weighted / weights if scored else None
        passing = grade is not None and at_least(grade, module.pass_mark)
        grades.append(
            ModuleGrade(
                module_id=module.id,
                code=module.code,
                grade=grade,
                scored=scored,
                assessments=len(by_module[module.id]),
                passed=complete and passing,
                failing=complete and not passing,
            )
        )
    return tuple(grades)


def progress(modules: Sequence[ModuleInfo], grades: Iterable[ModuleGrade]) -> float | None:
    """Return planned hours of the modules passed over planned hours of all modules."""
    passed = {grade.module_id for grade in grades if grade.passed}
    total = sum(module.planned_minutes for module in modules)
    return ratio(sum(m.planned_minutes for m in modules if m.id in passed), total)


def competencies_acquired(
    modules: Sequence[ModuleInfo],
    assessments: Sequence[AssessmentInfo],
    scores: Mapping[int, float],
    as_of: date,
) -> tuple[str, ...]:
    """Return the sorted codes of the competencies scored at the pass mark on a held assessment."""
    pass_marks = {module.id: module.pass_mark for module in modules}
    acquired: set[str] = set()
    for assessment in assessments:
        score = scores.get(assessment.id)
        if score is None or assessment.date > as_of or not assessment.competencies:
            continue
        if at_least(score / assessment.max_score * 20, pass_marks.get(assessment.module_id, 10.0)):
            acquired.update(assessment.competencies)
    return tuple(sorted(acquired))


def trainee_status(trainee: TraineeInfo, cohort: CohortInfo, as_of: date) -> str:
    """Return `withdrawn`, `completed` or `active` as of D."""
    if has_left(trainee.left_on, as_of):
        return "withdrawn"
    if as_of >= cohort.ends_on:
        return "completed"
    return "active"


def at_risk_reasons(
    attendance: Attendance, grades: Iterable[ModuleGrade], threshold: float
) -> tuple[str, ...]:
    """Return the sorted codes of every reason for which the trainee is at risk."""
    reasons = []
    if has_consecutive_absences(attendance.roll_calls):
        reasons.append(CONSECUTIVE_ABSENCES)
    if any(grade.failing for grade in grades):
        reasons.append(FAILING_MODULE)
    recent = recent_assiduity(attendance.roll_calls)
    if recent is not None and round(recent, 9) < threshold:
        reasons.append(LOW_ASSIDUITY)
    return tuple(sorted(reasons))


def trainee_figures(
    trainee: TraineeInfo,
    data: CohortData,
    sessions: Sequence[SessionInfo],
    marks: Mapping[int, Mark],
    scores: Mapping[int, float],
) -> TraineeFigures:
    """Compute one trainee's figures from the held sessions (in order), their marks and scores."""
    attendance = trainee_attendance(trainee, sessions, marks)
    grades = module_grades(data.modules, data.assessments, scores, data.as_of)
    passed = {grade.module_id for grade in grades if grade.passed}
    return TraineeFigures(
        id=trainee.id,
        ref=trainee.ref,
        name=trainee.name,
        status=trainee_status(trainee, data.cohort, data.as_of),
        attendance=attendance,
        modules=grades,
        passed_minutes=sum(m.planned_minutes for m in data.modules if m.id in passed),
        progress=progress(data.modules, grades),
        competencies_acquired=competencies_acquired(
            data.modules, data.assessments, scores, data.as_of
        ),
        at_risk=at_risk_reasons(attendance, grades, data.cohort.attendance_threshold),
    )


# ---------------------------------------------------------------------------------------------
# Per cohort


def planned_minutes_per_trainee(cohort: CohortInfo, modules: Sequence[ModuleInfo]) -> int:
    """Return the cohort's planned minutes per trainee, by default its modules' total."""
    if cohort.planned_minutes_per_trainee is not None:
        return cohort.planned_minutes_per_trainee
    return sum(module.planned_minutes for module in modules)


def elapsed_days(cohort: CohortInfo, as_of: date) -> int:
    """Count the cohort's days elapsed by D, D included, between 0 and the cohort's length."""
    days = (as_of - cohort.starts_on).days + 1
    return min(max(days, 0), course_days(cohort))


def course_days(cohort: CohortInfo) -> int:
    """Count the cohort's days, first and last included."""
    return (cohort.ends_on - cohort.starts_on).days + 1


def budget_figures(
    cohort: CohortInfo,
    lines: Sequence[BudgetLineInfo],
    expenses: Iterable[ExpenseInfo],
    as_of: date,
    realised_minutes: int,
) -> BudgetFigures:
    """Compare spending by D with the grant, with each line and with the time elapsed."""
    spent_by_line = {line.id: Decimal(0) for line in lines}
    spent = Decimal(0)
    for expense in expenses:
        if expense.date > as_of:
            continue
        spent += expense.amount
        if expense.budget_line_id in spent_by_line:
            spent_by_line[expense.budget_line_id] += expense.amount
    grant_cents, spent_cents = _cents(cohort.grant_amount), _cents(spent)
    elapsed, days = elapsed_days(cohort, as_of), course_days(cohort)
    # burn_ratio = consumption / elapsed = (spent / grant) / (elapsed / days), kept exact.
    burn_ratio = (
        ratio(spent_cents * days, grant_cents * elapsed) if grant_cents and elapsed else None
    )
    return BudgetFigures(
        grant=round_money(cohort.grant_amount),
        spent=round_money(spent),
        remaining=round_money(cohort.grant_amount - spent),
        consumption=ratio(spent_cents, grant_cents),
        # A cohort lasts at least one day, so this divisor is never 0.
        elapsed=ratio(elapsed, days) or 0.0,
        burn_ratio=burn_ratio,
        forecast_at_completion=scale_money(spent, days, elapsed),
        # spent / (realised minutes / 60)
        cost_per_realised_hour=scale_money(spent, 60, realised_minutes),
        lines=tuple(
            LineFigures(
                code=line.code,
                label=line.label,
                planned=round_money(line.planned_amount),
                spent=round_money(spent_by_line[line.id]),
                consumption=ratio(_cents(spent_by_line[line.id]), _cents(line.planned_amount)),
            )
            for line in sorted(lines, key=lambda line: line.code)
        ),
    )


# Data brought up to date from older data after a roll call (`series.carry_over`) holds here the
# figures of the trainees whose marks did not change, worked out from the older data.
CARRIED_TRAINEES = "trainee figures carried over"


@per_data
def cohort_figures(data: CohortData) -> CohortFigures:
    """Compute every figure of the cohort as of `data.as_of` (once per data object); a
    trainee's figures carried over from older data whose only difference is other trainees'
    marks are taken as they are (they depend on nothing else that changed)."""
    carried: dict[int, TraineeFigures] = data.worked_out.get(CARRIED_TRAINEES, {})
    as_of = data.as_of
    sessions = held_sessions(data.sessions, as_of)
    marks_by_trainee = _marks_by_trainee(data, carried)
    scores_by_trainee: dict[int, dict[int, float]] = {}
    for assessment_id, trainee_id, score in data.scores:
        scores_by_trainee.setdefault(trainee_id, {})[assessment_id] = score

    enrolled = sorted((t for t in data.trainees if t.enrolled_on <= as_of), key=lambda t: t.ref)
    trainees = tuple(
        carried[trainee.id]
        if trainee.id in carried
        else trainee_figures(
            trainee,
            data,
            sessions,
            marks_by_trainee.get(trainee.id, {}),
            scores_by_trainee.get(trainee.id, {}),
        )
        for trainee in enrolled
    )
    statuses = [t.status for t in trainees]
    attended = sum(t.attendance.attended_minutes for t in trainees)
    module_minutes = sum(module.planned_minutes for module in data.modules)
    # The mean of the exact progress of each trainee: all share the same divisor.
    progress_mean = ratio(sum(t.passed_minutes for t in trainees), len(trainees) * module_minutes)
    return CohortFigures(
        slug=data.cohort.slug,
        as_of=as_of,
        enrolled=len(trainees),
        active=statuses.count("active"),
        withdrawn=statuses.count("withdrawn"),
        completed=statuses.count("completed"),
        scheduled_minutes=sum(t.attendance.scheduled_minutes for t in trainees),
        attended_minutes=attended,
        excused_minutes=sum(t.attendance.excused_minutes for t in trainees),
        unrecorded_minutes=sum(t.attendance.unrecorded_minutes for t in trainees),
        contracted_minutes=data.cohort.contracted_trainees
        * planned_minutes_per_trainee(data.cohort, data.modules),
        progress_mean=progress_mean,
        budget=budget_figures(data.cohort, data.budget_lines, data.expenses, as_of, attended),
        trainees=trainees,
    )


def _marks_by_trainee(
    data: CohortData, carried: dict[int, TraineeFigures]
) -> dict[int, dict[int, Mark]]:
    """Index the marks by trainee, then session: of every trainee in one pass over the marks;
    after a roll call, when most trainees' figures are carried over, of the others only, from
    the index by session and trainee that the update patched (a lookup per half-day rather
    than a pass over some 16,000 marks)."""
    from tracker.metrics.series import marks_by_session_and_trainee  # series imports this module

    if not carried:
        by_trainee: dict[int, dict[int, Mark]] = {}
        for mark in data.marks:
            by_trainee.setdefault(mark[1], {})[mark[0]] = mark
        return by_trainee
    index = marks_by_session_and_trainee(data)
    return {
        trainee.id: {
            session.id: mark
            for session in data.sessions
            if (mark := index.get((session.id, trainee.id))) is not None
        }
        for trainee in data.trainees
        if trainee.id not in carried
    }


# ---------------------------------------------------------------------------------------------
# The JSON contract


def money(amount: Decimal | None) -> str | None:
    """Write an amount as a string with two decimals, rounded half up."""
    return None if amount is None else str(round_money(amount))


def figures_json(figures: CohortFigures) -> dict[str, Any]:
    """Return the figures as the JSON object of `tracker metrics`, keys in their fixed order."""
    budget = figures.budget
    return {
        "cohort": figures.slug,
        "as_of": figures.as_of.isoformat(),
        "enrolment": {
            "enrolled": figures.enrolled,
            "active": figures.active,
            "withdrawn": figures.withdrawn,
            "completed": figures.completed,
        },
        "attendance": {
            "scheduled_hours": minutes_to_hours(figures.scheduled_minutes),
            "attended_hours": minutes_to_hours(figures.attended_minutes),
            "excused_hours": minutes_to_hours(figures.excused_minutes),
            "unrecorded_hours": minutes_to_hours(figures.unrecorded_minutes),
            "rate": figures.attendance_rate,
        },
        "trainee_hours": {
            "realised": minutes_to_hours(figures.realised_minutes),
            "contracted": minutes_to_hours(figures.contracted_minutes),
            "rate": figures.trainee_hours_rate,
        },
        "progress": {"mean": figures.progress_mean},
        "budget": {
            "grant": money(budget.grant),
            "spent": money(budget.spent),
            "remaining": money(budget.remaining),
            "consumption": budget.consumption,
            "elapsed": budget.elapsed,
            "burn_ratio": budget.burn_ratio,
            "forecast_at_completion": money(budget.forecast_at_completion),
            "cost_per_realised_hour": money(budget.cost_per_realised_hour),
            "lines": [
                {
                    "code": line.code,
                    "label": line.label,
                    "planned": money(line.planned),
                    "spent": money(line.spent),
                    "consumption": line.consumption,
                }
                for line in budget.lines
            ],
        },
        "trainees": [_trainee_json(trainee) for trainee in figures.trainees],
    }


def _trainee_json(trainee: TraineeFigures) -> dict[str, Any]:
    attendance = trainee.attendance
    return {
        "ref": trainee.ref,
        "name": trainee.name,
        "status": trainee.status,
        "scheduled_hours": minutes_to_hours(attendance.scheduled_minutes),
        "attended_hours": minutes_to_hours(attendance.attended_minutes),
        "excused_hours": minutes_to_hours(attendance.excused_minutes),
        "unrecorded_hours": minutes_to_hours(attendance.unrecorded_minutes),
        "attendance_rate": attendance.attendance_rate,
        "assiduity_rate": attendance.assiduity_rate,
        "progress": trainee.progress,
        "modules_passed": list(trainee.modules_passed),
        "competencies_acquired": list(trainee.competencies_acquired),
        "at_risk": list(trainee.at_risk),
    }
