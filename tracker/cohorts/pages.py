"""What the cohort pages and the home page show, loaded with a few set-based queries.

Per-trainee figures always come from `tracker.metrics` (one load per cohort), so that a page shows
the same numbers as `tracker metrics`; the queries here add what the figures leave out (titles,
notes, comments) or answer for many cohorts at once (the home page, the list of cohorts).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, literal, or_, select

from tracker import timeutil
from tracker.assessments.models import Assessment, Result
from tracker.attendance.models import AttendanceRecord, Session
from tracker.charts import cached_chart, module_grades_chart, trainee_attendance_chart
from tracker.charts.placing import PlacedChart, data_key, place, recent_charts
from tracker.cohorts.models import Cohort, Competency, Module, Trainee
from tracker.extensions import db
from tracker.i18n import rate
from tracker.metrics import series
from tracker.metrics.figures import (
    CONSECUTIVE_ABSENCES,
    FAILING_MODULE,
    LOW_ASSIDUITY,
    CohortData,
    CohortFigures,
    TraineeFigures,
    cohort_figures,
    held_sessions,
    ratio,
    recent_assiduity,
    trainee_figures,
)
from tracker.metrics.loading import load_cohort_data

STATUS_LABELS = {
    "active": _l("active"),
    "withdrawn": _l("withdrawn"),
    "completed": _l("completed"),
}
ATTENDANCE_LABELS = {
    "present": _l("present"),
    "late": _l("late"),
    "left_early": _l("left early"),
    "excused": _l("excused absence"),
    "absent": _l("unjustified absence"),
    None: _l("not recorded"),
}
SLOT_LABELS = {"AM": _l("morning"), "PM": _l("afternoon")}
KIND_LABELS = {"quiz": _l("quiz"), "project": _l("project"), "exam": _l("exam"), "oral": _l("oral")}


def risk_reasons(trainee: TraineeFigures, threshold: float) -> list[str]:
    """Say in plain words why a trainee is at risk."""
    reasons = []
    for code in trainee.at_risk:
        if code == LOW_ASSIDUITY:
            recent = recent_assiduity(trainee.attendance.roll_calls)
            reasons.append(
                _(
                    "Attended %(recent)s of the recent sessions, below the %(threshold)s expected.",
                    recent=rate(recent),
                    threshold=rate(threshold),
                )
            )
        elif code == CONSECUTIVE_ABSENCES:
            reasons.append(_("Absent without justification at the last 3 sessions."))
        elif code == FAILING_MODULE:
            reasons.append(_("Failing: %(modules)s.", modules=", ".join(trainee.modules_failing)))
        else:  # pragma: no cover (a reason added to the figures but not worded here yet)
            reasons.append(code)
    return reasons


# ---------------------------------------------------------------------------------------------
# Many cohorts at once


@dataclass(frozen=True)
class CohortSummary:
    """A few key figures of a cohort as of D, for lists of cohorts."""

    enrolled: int = 0
    active: int = 0
    withdrawn: int = 0
    scheduled_minutes: int = 0
    attended_minutes: int = 0

    @property
    def attendance_rate(self) -> float | None:
        return ratio(self.attended_minutes, self.scheduled_minutes)


def _expected(trainee=Trainee, session=Session):
    """The SQL condition that a trainee is expected at a session (DESIGN.md, "The numbers")."""
    return and_(
        trainee.cohort_id == session.cohort_id,
        trainee.enrolled_on <= session.date,
        or_(trainee.left_on.is_(None), session.date <= trainee.left_on),
    )


def cohort_summaries(cohorts: Sequence[Cohort], as_of: date) -> dict[int, CohortSummary]:
    """Count the trainees and the attendance of several cohorts in three queries.

    The same rules as `tracker.metrics`, in SQL, so that a list of forty cohorts does not load
    forty cohorts' roll calls; tests check both give the same figures.
    """
    ids = [cohort.id for cohort in cohorts]
    if not ids:
        return {}
    ends_on = {cohort.id: cohort.ends_on for cohort in cohorts}
    execute = db.session.execute
    counts: dict[int, list[int]] = {cohort_id: [0, 0, 0] for cohort_id in ids}
    for cohort_id, left_on in execute(
        select(Trainee.cohort_id, Trainee.left_on).where(
            Trainee.cohort_id.in_(ids), Trainee.enrolled_on <= as_of
        )
    ):
        count = counts[cohort_id]
        count[0] += 1
        if left_on is not None and left_on <= as_of:
            count[2] += 1
        elif as_of < ends_on[cohort_id]:
            count[1] += 1
    scheduled = dict(
        execute(
            select(Session.cohort_id, func.sum(Session.minutes))
            .join(Trainee, _expected())
            .where(Session.cohort_id.in_(ids), Session.date <= as_of)
            .group_by(Session.cohort_id)
        ).all()
    )
    minutes_attended = case(
        (AttendanceRecord.status == "present", Session.minutes),
        (
            AttendanceRecord.status.in_(("late", "left_early"))
            & (Session.minutes > AttendanceRecord.minutes_missed),
            Session.minutes - AttendanceRecord.minutes_missed,
        ),
        else_=literal(0),
    )
    attended = dict(
        execute(
            select(Session.cohort_id, func.sum(minutes_attended))
            .join(AttendanceRecord, AttendanceRecord.session_id == Session.id)
            .join(Trainee, and_(Trainee.id == AttendanceRecord.trainee_id, _expected()))
            .where(Session.cohort_id.in_(ids), Session.date <= as_of)
            .group_by(Session.cohort_id)
        ).all()
    )
    return {
        cohort_id: CohortSummary(
            enrolled=enrolled,
            active=active,
            withdrawn=withdrawn,
            scheduled_minutes=int(scheduled.get(cohort_id) or 0),
            attended_minutes=int(attended.get(cohort_id) or 0),
        )
        for cohort_id, (enrolled, active, withdrawn) in counts.items()
    }


@dataclass(frozen=True)
class SessionLine:
    """A session on a list of the home page, with the state of its roll call."""

    id: int
    date: date
    slot: str
    module_code: str
    module_title: str
    cohort_slug: str
    cohort_name: str
    recorded: int
    expected: int

    @property
    def roll_call_taken(self) -> bool:
        return self.recorded >= self.expected


def _session_lines(cohort_ids: Sequence[int]):
    """Select sessions of the cohorts with the number of roll-call marks and expected trainees."""
    expected = (
        select(func.count(Trainee.id)).where(_expected()).correlate(Session).scalar_subquery()
    )
    recorded = (
        select(func.count(AttendanceRecord.id))
        .join(Trainee, Trainee.id == AttendanceRecord.trainee_id)
        .where(AttendanceRecord.session_id == Session.id, _expected())
        .correlate(Session)
        .scalar_subquery()
    )
    query = (
        select(
            Session.id,
            Session.date,
            Session.slot,
            Module.code,
            Module.title,
            Cohort.slug,
            Cohort.name,
            recorded.label("recorded"),
            expected.label("expected"),
        )
        .join(Module, Module.id == Session.module_id)
        .join(Cohort, Cohort.id == Session.cohort_id)
        .where(Session.cohort_id.in_(cohort_ids))
    )
    return query, recorded, expected


def week_sessions(cohort_ids: Sequence[int], today: date) -> list[SessionLine]:
    """Return the sessions of the cohorts in the week of `today`, Monday to Sunday, in order."""
    if not cohort_ids:
        return []
    monday = today - timedelta(days=today.weekday())
    query, _, _ = _session_lines(cohort_ids)
    rows = db.session.execute(
        query.where(Session.date.between(monday, monday + timedelta(days=6))).order_by(
            Session.date, Session.slot, Cohort.slug
        )
    ).all()
    return [SessionLine(*row) for row in rows]


def roll_calls_not_taken(
    cohort_ids: Sequence[int], now: datetime, limit: int | None = 10
) -> tuple[list[SessionLine], int]:
    """Return the latest half-days begun whose roll call misses someone, and how many there are.

    Today's half-days count once they have begun (timeutil.HALF_DAY_STARTS): at 00:18, the
    afternoon's roll call is not missing yet.
    """
    if not cohort_ids:
        return [], 0
    today = now.astimezone(timeutil.COURSE_TIME_ZONE).date()
    begun = or_(
        Session.date < today,
        and_(Session.date == today, Session.slot.in_(timeutil.half_days_begun(now))),
    )
    query, recorded, expected = _session_lines(cohort_ids)
    query = query.add_columns(func.count().over().label("total")).where(begun, recorded < expected)
    rows = db.session.execute(
        query.order_by(Session.date.desc(), Session.slot.desc(), Cohort.slug).limit(limit)
    ).all()
    total = rows[0].total if rows else 0
    return [SessionLine(*row[:-1]) for row in rows], total


@dataclass(frozen=True)
class TraineeAtRisk:
    cohort: Cohort
    trainee: TraineeFigures
    reasons: list[str]


def trainees_at_risk(cohorts: Sequence[Cohort], today: date) -> list[TraineeAtRisk]:
    """Return the active trainees at risk in the running cohorts, with their reasons."""
    at_risk = []
    for cohort in cohorts:
        # Only running cohorts have active trainees: skip loading the others.
        if not cohort.starts_on <= today < cohort.ends_on:
            continue
        figures = cohort_figures(load_cohort_data(cohort, today))
        for trainee in figures.trainees:
            if trainee.status == "active" and trainee.at_risk:
                reasons = risk_reasons(trainee, cohort.attendance_threshold)
                at_risk.append(TraineeAtRisk(cohort, trainee, reasons))
    return at_risk


# ---------------------------------------------------------------------------------------------
# One cohort


def figures_of(cohort: Cohort, as_of: date) -> CohortFigures:
    """Compute the cohort's figures as of D, as `tracker metrics` does."""
    return cohort_figures(load_cohort_data(cohort, as_of))


def figures_of_trainee(data: CohortData, trainee_id: int) -> TraineeFigures | None:
    """Compute one trainee's figures as of D as `tracker metrics` does; None before enrolment."""
    trainee = next((t for t in data.trainees if t.id == trainee_id), None)
    if trainee is None:
        return None
    marks = {mark[0]: mark for mark in data.marks if mark[1] == trainee_id}
    scores = {assessment: score for assessment, who, score in data.scores if who == trainee_id}
    return trainee_figures(trainee, data, held_sessions(data.sessions, data.as_of), marks, scores)


def trainee_charts(
    data: CohortData, trainee_id: int, language: str, folder: str
) -> tuple[PlacedChart, ...]:
    """Draw a trainee's monthly attendance against the cohort's, and their grades per module."""

    def draw_all() -> tuple[PlacedChart, ...]:
        attendance = series.trainee_monthly_attendance(data, trainee_id)
        grades = series.trainee_module_grades(data, trainee_id)
        charts = [
            place(
                "trainee-attendance",
                cached_chart(
                    "trainee-attendance", language, attendance, trainee_attendance_chart, folder
                ),
            )
        ]
        if grades:
            charts.append(
                place(
                    "module-grades",
                    cached_chart("module-grades", language, grades, module_grades_chart, folder),
                )
            )
        return tuple(charts)

    return recent_charts.get(("trainee", trainee_id, folder, language, data_key(data)), draw_all)


def words(labels: dict) -> dict:
    """Translate a table of labels once, rather than once per row of a long table."""
    return {key: str(label) for key, label in labels.items()}


SORT_KEYS = {
    "ref": lambda t: t.ref,
    "name": lambda t: t.name.casefold(),
    "status": lambda t: t.status,
    "hours": lambda t: t.attendance.attended_minutes,
    "attendance": lambda t: t.attendance.attendance_rate,
    "assiduity": lambda t: t.attendance.assiduity_rate,
    "progress": lambda t: t.progress,
    "risk": lambda t: len(t.at_risk),
}


def sorted_trainees(
    trainees: Sequence[TraineeFigures], column: str, descending: bool
) -> list[TraineeFigures]:
    """Sort trainees on a column, by reference within ties; those without a value come last."""
    key = SORT_KEYS[column]
    by_ref = sorted(trainees, key=lambda t: t.ref)
    known = [t for t in by_ref if key(t) is not None]
    unknown = [t for t in by_ref if key(t) is None]
    return sorted(known, key=key, reverse=descending) + unknown


# ---------------------------------------------------------------------------------------------
# One trainee


@dataclass(frozen=True)
class HistoryLine:
    """A held session at which a trainee was expected, and what the roll call recorded."""

    date: date
    slot: str
    minutes: int
    module_code: str
    module_title: str
    status: str | None
    minutes_missed: int | None
    note: str | None


def attendance_history(trainee: Trainee, as_of: date, *, every: bool) -> list[HistoryLine]:
    """Return the held sessions at which the trainee was expected, most recent first.

    Unless `every` is set, only those that the trainee missed in whole or in part, whose roll
    call is not taken, or that carry a note: a course has hundreds of sessions, and these are
    the ones a reader looks for.
    """
    conditions = [
        Session.cohort_id == trainee.cohort_id,
        Session.date <= as_of,
        Session.date >= trainee.enrolled_on,
    ]
    if trainee.left_on is not None:
        conditions.append(Session.date <= trainee.left_on)
    if not every:
        conditions.append(
            or_(
                AttendanceRecord.id.is_(None),
                AttendanceRecord.status != "present",
                func.coalesce(AttendanceRecord.note, "") != "",
            )
        )
    rows = db.session.execute(
        select(
            Session.date,
            Session.slot,
            Session.minutes,
            Module.code,
            Module.title,
            AttendanceRecord.status,
            AttendanceRecord.minutes_missed,
            AttendanceRecord.note,
        )
        .join(Module, Module.id == Session.module_id)
        .outerjoin(
            AttendanceRecord,
            and_(
                AttendanceRecord.session_id == Session.id,
                AttendanceRecord.trainee_id == trainee.id,
            ),
        )
        .where(*conditions)
        .order_by(Session.date.desc(), Session.slot.desc())
    ).all()
    return [HistoryLine(*row) for row in rows]


@dataclass(frozen=True)
class AssessmentLine:
    """An assessment of a module and the trainee's result, if any."""

    code: str
    title: str
    date: date
    kind: str
    max_score: float
    weight: float
    score: float | None
    comment: str | None

    def held(self, as_of: date) -> bool:
        return self.date <= as_of


@dataclass(frozen=True)
class ModuleLine:
    """A module of the curriculum, its assessments with the trainee's results, and its grade."""

    id: int
    code: str
    title: str
    planned_minutes: int
    pass_mark: float
    assessments: list[AssessmentLine]


def results_by_module(cohort: Cohort, trainee: Trainee) -> list[ModuleLine]:
    """Return the cohort's modules with their assessments and the trainee's results, in order."""
    modules = {
        row.id: ModuleLine(row.id, row.code, row.title, row.planned_minutes, row.pass_mark, [])
        for row in db.session.execute(
            select(Module.id, Module.code, Module.title, Module.planned_minutes, Module.pass_mark)
            .where(Module.cohort_id == cohort.id)
            .order_by(Module.code)
        )
    }
    for row in db.session.execute(
        select(
            Assessment.module_id,
            Assessment.code,
            Assessment.title,
            Assessment.date,
            Assessment.kind,
            Assessment.max_score,
            Assessment.weight,
            Result.score,
            Result.comment,
        )
        .outerjoin(
            Result, and_(Result.assessment_id == Assessment.id, Result.trainee_id == trainee.id)
        )
        .where(Assessment.cohort_id == cohort.id)
        .order_by(Assessment.date, Assessment.code)
    ):
        modules[row.module_id].assessments.append(AssessmentLine(*row[1:]))
    return list(modules.values())


def competencies_by_block(cohort: Cohort) -> dict[str, list[Competency]]:
    """Return the cohort's competencies grouped by block, blocks and codes in order."""
    blocks: dict[str, list[Competency]] = {}
    for competency in db.session.scalars(
        select(Competency)
        .where(Competency.cohort_id == cohort.id)
        .order_by(Competency.block, Competency.code)
    ):
        blocks.setdefault(competency.block, []).append(competency)
    return blocks
