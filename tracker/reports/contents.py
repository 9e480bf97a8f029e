"""What each report holds: its sources, read from the database, and the figures drawn from them.

A report is made in two steps, so that the cache can tell whether it must be made again before
doing any of the work:

1. `gather_*` reads the report's `Source`: the cohort's `CohortData` (the inputs of every figure)
   and the few texts the figures leave out (names, titles, comments, reasons for leaving). Two
   equal sources give the same report, whatever the day.
2. `CONTEXTS[kind](source, language)` computes the figures, the series and the charts that the
   template shows, with the functions of `tracker.metrics` and `tracker.charts` that the pages
   use, so that a report prints the same numbers as `tracker metrics` and the web.

The functions of step 2 run inside `flask_babel.force_locale` (see `tracker.reports.making`).
"""

import re
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from flask import current_app
from sqlalchemy import and_, func, select

from tracker import periods
from tracker.assessments import queries as assessment_queries
from tracker.assessments.models import Assessment
from tracker.attendance import amendments
from tracker.attendance.models import AttendanceRecord, Session
from tracker.audit import replay
from tracker.budget.models import BudgetLine, Expense
from tracker.charts import (
    Chart,
    attendance_heatmap_chart,
    budget_burn_up_chart,
    cached_chart,
    trainee_attendance_chart,
    weekly_attendance_chart,
)
from tracker.cohorts import pages
from tracker.cohorts.models import Cohort, Module, Trainee
from tracker.cohorts.queries import expected_between, withdrawn_trainees
from tracker.cohorts.rules import expected_on
from tracker.extensions import db
from tracker.justifications import queries as justification_queries
from tracker.metrics import series
from tracker.metrics.figures import (
    CohortData,
    CohortFigures,
    TraineeFigures,
    cohort_figures,
    held_sessions,
    ratio,
    trainee_attendance,
    trainee_status,
)
from tracker.metrics.justifications import Pending, pending_summary
from tracker.metrics.loading import load_cohort_data

KINDS = ("trainee", "cohort", "funding", "sheet", "certificate")
SLOTS = ("AM", "PM")


class ReportError(ValueError):
    """A report that cannot be made: an unknown cohort, trainee or week, a trainee not enrolled."""


# ---------------------------------------------------------------------------------------------
# Sources


@dataclass(frozen=True)
class CohortHeading:
    """What the running header and the title pages say of a cohort."""

    slug: str
    name: str
    funder: str
    starts_on: date
    ends_on: date
    attendance_threshold: float


@dataclass(frozen=True)
class Person:
    """A trainee as a report names them."""

    id: int
    ref: str
    first_name: str
    last_name: str
    enrolled_on: date
    left_on: date | None
    exit_reason: str | None

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class ModuleTitle:
    """A module of the curriculum with its title."""

    id: int
    code: str
    title: str
    planned_minutes: int
    pass_mark: float


@dataclass(frozen=True)
class SheetSession:
    """A half-day session of the week of an attendance sheet."""

    id: int
    date: date
    slot: str
    module_code: str
    module_title: str
    kind: str


@dataclass(frozen=True)
class SheetMark:
    """What the roll call recorded for one trainee at one session of the sheet's week."""

    session_id: int
    trainee_id: int
    status: str
    minutes_missed: int


@dataclass(frozen=True)
class Source:
    """Everything a report is made from: equal sources make equal reports."""

    kind: str
    cohort: CohortHeading
    as_of: date
    data: CohortData | None = None
    # The texts and small tables of one kind of report (see the gather_* functions).
    details: dict[str, Any] = field(default_factory=dict)
    # The instant whose records it shows, rebuilt from the trail; None: as they are now.
    recorded_at: datetime | None = None

    @property
    def stem(self) -> str:
        """Name the report's file, without its language and extension: ASCII only."""
        if self.recorded_at is None:
            return self._stem
        return f"{self._stem}_recorded-{self.recorded_at:%Y%m%dT%H%M%SZ}"

    @property
    def _stem(self) -> str:
        slug = _ascii(self.cohort.slug)
        if self.kind == "trainee":
            return f"{slug}_{_ascii(self.details['person'].ref)}_progress_{self.as_of}"
        if self.kind == "certificate":
            return f"{slug}_{_ascii(self.details['person'].ref)}_certificate_{self.as_of}"
        if self.kind == "cohort":
            return f"{slug}_cohort-progress_{self.as_of}"
        if self.kind == "funding":
            return f"{slug}_funding_{self.as_of}"
        blank = "_blank" if self.details["blank"] else ""
        return f"{slug}_sheet_{self.details['week']}{blank}"


def _ascii(text: str) -> str:
    """Keep a name safe in a file name on every system: letters, digits, dot and dash."""
    return re.sub(r"[^A-Za-z0-9.-]+", "-", text).strip("-.") or "x"


def heading(cohort: Cohort) -> CohortHeading:
    """Return what the reports say of a cohort."""
    return CohortHeading(
        slug=cohort.slug,
        name=cohort.name,
        funder=cohort.funder,
        starts_on=cohort.starts_on,
        ends_on=cohort.ends_on,
        attendance_threshold=cohort.attendance_threshold,
    )


def person(trainee: Trainee) -> Person:
    """Return what the reports say of a trainee."""
    return Person(
        id=trainee.id,
        ref=trainee.ref,
        first_name=trainee.first_name,
        last_name=trainee.last_name,
        enrolled_on=trainee.enrolled_on,
        left_on=trainee.left_on,
        exit_reason=trainee.exit_reason,
    )


def find_cohort(slug: str) -> Cohort:
    """Load a cohort by its slug, else raise ReportError."""
    cohort = db.session.scalar(select(Cohort).where(Cohort.slug == slug))
    if cohort is None:
        raise ReportError(f"There is no cohort {slug!r}.")
    return cohort


def find_trainee(cohort: Cohort, ref: str) -> Trainee:
    """Load a trainee of the cohort by reference, else raise ReportError."""
    trainee = db.session.scalar(
        select(Trainee).where(Trainee.cohort_id == cohort.id, Trainee.ref == ref)
    )
    if trainee is None:
        raise ReportError(f"The cohort {cohort.slug!r} has no trainee {ref!r}.")
    return trainee


def parse_week(text: str) -> date:
    """Return the Monday of an ISO week written 2022-W05, else raise ReportError."""
    try:
        return periods.parse_week(text)
    except periods.PeriodError as error:
        raise ReportError(str(error)) from None


def as_of_shown(cohort: Cohort, as_of: date) -> date:
    """Return the earliest date whose figures are those of D: D itself while the cohort runs.

    After its last day the figures change only with the data dated later (an invoice paid after
    the course, a late withdrawal): every date from the last of those on gives the same figures,
    so that a report of any of them is made once, and says "as of" that date.
    """
    if as_of <= cohort.ends_on:
        return as_of
    cohort_id = cohort.id
    latest = [
        select(func.max(Session.date)).where(Session.cohort_id == cohort_id, Session.date <= as_of),
        select(func.max(Assessment.date)).where(
            Assessment.cohort_id == cohort_id, Assessment.date <= as_of
        ),
        select(func.max(Expense.date))
        .join(BudgetLine, BudgetLine.id == Expense.budget_line_id)
        .where(BudgetLine.cohort_id == cohort_id, Expense.date <= as_of),
        select(func.max(Trainee.enrolled_on)).where(
            Trainee.cohort_id == cohort_id, Trainee.enrolled_on <= as_of
        ),
        select(func.max(Trainee.left_on)).where(
            Trainee.cohort_id == cohort_id, Trainee.left_on <= as_of
        ),
    ]
    days = db.session.execute(select(*(query.scalar_subquery() for query in latest))).one()
    return max([cohort.ends_on, *(day for day in days if day is not None)])


def _module_titles(cohort: Cohort) -> tuple[ModuleTitle, ...]:
    rows = db.session.execute(
        select(Module.id, Module.code, Module.title, Module.planned_minutes, Module.pass_mark)
        .where(Module.cohort_id == cohort.id)
        .order_by(Module.code)
    )
    return tuple(ModuleTitle(*row) for row in rows)


def _enrolled(data: CohortData, trainee: Trainee) -> None:
    if not any(t.id == trainee.id for t in data.trainees):
        raise ReportError(f"{trainee.ref} was not enrolled yet on {data.as_of.isoformat()}.")


# `tracker report all` makes many reports of one cohort as of one date in each worker process:
# there the cohort's data is loaded once per process, a snapshot for the whole batch.
_batch_loads: dict[tuple[int, date, datetime | None], CohortData] | None = None


def remember_loads() -> None:
    """Load each cohort's data once in this process from now on (a worker of a batch)."""
    global _batch_loads
    _batch_loads = {}


def cohort_data(cohort: Cohort, as_of: date) -> CohortData:
    """Load the data of a cohort's figures, or take the batch's snapshot of it."""
    if _batch_loads is None:
        return load_cohort_data(cohort, as_of)
    # The records as now, or as rebuilt at an instant: two snapshots.
    key = (cohort.id, as_of, replay.rebuilt_at())
    if key not in _batch_loads:
        _batch_loads[key] = load_cohort_data(cohort, as_of)
    return _batch_loads[key]


def pending_justifications(cohort: Cohort, as_of: date, trainee: Trainee | None = None) -> Pending:
    """Count the cohort's (or a trainee's) justifications waiting for a decision as of D."""
    return pending_summary(
        justification_queries.declared_absences(cohort.id, trainee.id if trainee else None),
        justification_queries.counted_at(as_of),
    )


def gather_trainee(cohort: Cohort, trainee: Trainee, as_of: date) -> Source:
    """Read what a trainee's progress report is made from."""
    data = cohort_data(cohort, as_of)
    _enrolled(data, trainee)
    blocks = pages.competencies_by_block(cohort)
    return Source(
        kind="trainee",
        cohort=heading(cohort),
        as_of=as_of,
        data=data,
        details={
            "person": person(trainee),
            "pending": pending_justifications(cohort, as_of, trainee),
            "modules": tuple(assessment_queries.results_by_module(cohort, trainee)),
            "blocks": tuple(
                (block, tuple((c.code, c.title) for c in competencies))
                for block, competencies in blocks.items()
            ),
        },
    )


def gather_cohort(cohort: Cohort, as_of: date) -> Source:
    """Read what the cohort progress report is made from."""
    return Source(
        kind="cohort",
        cohort=heading(cohort),
        as_of=as_of,
        data=cohort_data(cohort, as_of),
        details={"modules": _module_titles(cohort)},
    )


def gather_funding(cohort: Cohort, as_of: date) -> Source:
    """Read what the Region's funding report is made from: no score, no comment."""
    withdrawals = withdrawn_trainees(cohort, as_of)
    data = cohort_data(cohort, as_of)
    # The funder sees no result: drop the scores and assessments from what the report is made of.
    data = CohortData(
        as_of=data.as_of,
        cohort=data.cohort,
        trainees=data.trainees,
        sessions=data.sessions,
        marks=data.marks,
        modules=data.modules,
        assessments=(),
        scores=(),
        budget_lines=data.budget_lines,
        expenses=data.expenses,
    )
    return Source(
        kind="funding",
        cohort=heading(cohort),
        as_of=as_of,
        data=data,
        details={
            "withdrawals": tuple(person(t) for t in withdrawals),
            "pending": pending_justifications(cohort, as_of),
        },
    )


@dataclass(frozen=True)
class AmendmentsSince:
    """What moved the figures since an earlier report: the amendments, and the change of the
    attended trainee-hours as of the same date."""

    since: datetime
    amendments: tuple[amendments.Amendment, ...]
    attended_change_minutes: int


def amendments_since(
    cohort: Cohort, since: datetime, until: datetime | None
) -> tuple[amendments.Amendment, ...]:
    """List the amendments to the cohort's roll calls recorded after an instant (up to another)."""
    return tuple(amendments.amendments(cohort.id, since=since, until=until))


def gather_certificate(cohort: Cohort, trainee: Trainee, as_of: date) -> Source:
    """Read what a trainee's certificate is made from: their hours, dates and status."""
    data = cohort_data(cohort, as_of)
    _enrolled(data, trainee)
    info = next(t for t in data.trainees if t.id == trainee.id)
    marks = {mark[0]: mark for mark in data.marks if mark[1] == trainee.id}
    attendance = trainee_attendance(info, held_sessions(data.sessions, as_of), marks)
    # Only these figures reach the certificate, so only they decide whether to make it again.
    return Source(
        kind="certificate",
        cohort=heading(cohort),
        as_of=as_of,
        details={
            "person": person(trainee),
            "status": trainee_status(info, data.cohort, as_of),
            "scheduled_minutes": attendance.scheduled_minutes,
            "attended_minutes": attendance.attended_minutes,
            "planned_minutes": sum(m.planned_minutes for m in data.modules),
        },
    )


def gather_sheet(cohort: Cohort, week: str, as_of: date, *, blank: bool) -> Source:
    """Read the sessions of an ISO week, the trainees expected and, unless blank, the roll calls."""
    monday = parse_week(week)
    sunday = monday + timedelta(days=6)
    sessions = tuple(
        SheetSession(*row)
        for row in db.session.execute(
            select(Session.id, Session.date, Session.slot, Module.code, Module.title, Session.kind)
            .join(Module, Module.id == Session.module_id)
            .where(Session.cohort_id == cohort.id, Session.date.between(monday, sunday))
            .order_by(Session.date, Session.slot)
        )
    )
    if not sessions:
        raise ReportError(f"The cohort {cohort.slug!r} has no session in the week {week}.")
    first, last = sessions[0].date, sessions[-1].date
    trainees = db.session.scalars(
        select(Trainee)
        .where(Trainee.cohort_id == cohort.id, *expected_between(first, last))
        .order_by(Trainee.last_name, Trainee.first_name, Trainee.ref)
    ).all()
    # A trainee is listed when expected at one of the week's sessions at least.
    expected = tuple(person(t) for t in trainees if any(expected_on(t, s.date) for s in sessions))
    marks: tuple[SheetMark, ...] = ()
    amended: tuple[amendments.Amendment, ...] = ()
    if not blank:
        # After the week, the roll calls of any later date are those of its last session's.
        as_of = min(as_of, sessions[-1].date)
        held = [s.id for s in sessions if s.date <= as_of]
        marks = tuple(
            SheetMark(*row)
            for row in db.session.execute(
                select(
                    AttendanceRecord.session_id,
                    AttendanceRecord.trainee_id,
                    AttendanceRecord.status,
                    AttendanceRecord.minutes_missed,
                )
                .join(Trainee, and_(Trainee.id == AttendanceRecord.trainee_id))
                .where(AttendanceRecord.session_id.in_(held), Trainee.cohort_id == cohort.id)
                .order_by(AttendanceRecord.session_id, AttendanceRecord.trainee_id)
            )
        )
        # Changes made to the closed roll calls, which the sheet marks and lists.
        amended = tuple(amendments.amendments(cohort.id, session_ids=set(held)))
    return Source(
        kind="sheet",
        cohort=heading(cohort),
        # A blank sheet is the same whatever the date of the figures.
        as_of=monday if blank else as_of,
        details={
            "week": f"{monday.isocalendar()[0]}-W{monday.isocalendar()[1]:02d}",
            "monday": monday,
            "blank": blank,
            "sessions": sessions,
            "trainees": expected,
            "marks": marks,
            "amendments": amended,
        },
    )


def last_held_week(cohort: Cohort, as_of: date) -> str | None:
    """Name the ISO week of the cohort's last session held by D, if any."""
    last = db.session.scalar(
        select(Session.date)
        .where(Session.cohort_id == cohort.id, Session.date <= as_of)
        .order_by(Session.date.desc())
        .limit(1)
    )
    return None if last is None else series.iso_week(last)


# ---------------------------------------------------------------------------------------------
# Contexts: the figures a template shows


def _chart(kind: str, language: str, payload: Any, draw: Callable[[Any, str], Chart]) -> Chart:
    return cached_chart(kind, language, payload, draw, current_app.config["CHART_CACHE_FOLDER"])


@dataclass(frozen=True)
class MonthLine:
    """Hours of one calendar month: scheduled = attended + excused + unjustified + unrecorded."""

    month: date
    minutes: series.AttendanceMinutes


def _months(data: CohortData, trainees=None) -> list[MonthLine]:
    if trainees is None:
        tally = series.cohort_monthly_attendance(data)
    else:
        tally = series.tally_attendance(
            data, lambda trainee, session: series.month_of(session.date), trainees
        )
    return [MonthLine(month, minutes) for month, minutes in sorted(tally.items())]


def _figures_of(figures: CohortFigures, trainee_id: int) -> TraineeFigures:
    return next(t for t in figures.trainees if t.id == trainee_id)


def trainee_context(source: Source, language: str) -> dict[str, Any]:
    """Compute a trainee's figures, monthly attendance, grades and charts."""
    data, who = source.data, source.details["person"]
    figures = cohort_figures(data)
    mine = _figures_of(figures, who.id)
    info = next(t for t in data.trainees if t.id == who.id)
    grades = {grade.module_id: grade for grade in mine.modules}
    modules = source.details["modules"]
    acquired = set(mine.competencies_acquired)
    total_competencies = sum(len(codes) for _, codes in source.details["blocks"])
    return {
        "person": who,
        "figures": mine,
        "reasons": pages.risk_reasons(mine, source.cohort.attendance_threshold),
        "months": _months(data, [info]),
        "pending": source.details.get("pending"),
        "modules": modules,
        "grades": grades,
        "blocks": source.details["blocks"],
        "acquired": acquired,
        "total_competencies": total_competencies,
        "attendance_chart": _chart(
            "trainee_attendance",
            language,
            series.trainee_monthly_attendance(data, who.id),
            trainee_attendance_chart,
        ),
        # The cohort's median grade per module, in the results' table: on paper, a column of
        # exact figures serves better than the page's bar chart, which would repeat the table.
        # Only of groups large enough not to give a classmate's grade away (SMALLEST_GROUP).
        "smallest_group": series.SMALLEST_GROUP,
        "medians": {
            point.module_id: point.cohort_median
            for point in series.trainee_module_grades(data, who.id)
        },
    }


@dataclass(frozen=True)
class ModuleCounts:
    """How the enrolled trainees stand in one module."""

    module: ModuleTitle
    passed: int
    failing: int
    in_progress: int
    median: float | None


def cohort_context(source: Source, language: str) -> dict[str, Any]:
    """Compute every trainee's attendance, progress and risks, and the modules' pass counts."""
    data = source.data
    figures = cohort_figures(data)
    counts = []
    for index, module in enumerate(source.details["modules"]):
        grades = [t.modules[index] for t in figures.trainees]
        known = [g.grade for g in grades if g.grade is not None]
        passed = sum(1 for g in grades if g.passed)
        failing = sum(1 for g in grades if g.failing)
        counts.append(
            ModuleCounts(
                module=module,
                passed=passed,
                failing=failing,
                in_progress=len(grades) - passed - failing,
                median=statistics.median(known) if known else None,
            )
        )
    threshold = source.cohort.attendance_threshold
    return {
        "figures": figures,
        "reasons": {t.id: pages.risk_reasons(t, threshold) for t in figures.trainees},
        "at_risk": [t for t in figures.trainees if t.at_risk and t.status == "active"],
        "module_counts": counts,
        "module_total": len(source.details["modules"]),
        "weekly_chart": _chart(
            "weekly_attendance", language, series.weekly_attendance(data), weekly_attendance_chart
        ),
        "heatmap_chart": _chart(
            "attendance_heatmap",
            language,
            series.attendance_heatmap(data),
            attendance_heatmap_chart,
        ),
    }


def funding_context(source: Source, language: str) -> dict[str, Any]:
    """Compute the funder's figures: hours, attendance, withdrawals and budget; no result."""
    data = source.data
    figures = cohort_figures(data)
    budget = figures.budget
    planned_total = sum((line.planned for line in budget.lines), Decimal(0))
    return {
        "figures": figures,
        "budget": budget,
        "planned_total": planned_total,
        "planned_consumption": ratio(int(budget.spent * 100), int(planned_total * 100)),
        "months": _months(data),
        "pending": source.details.get("pending"),
        "withdrawals": source.details["withdrawals"],
        "weekly_chart": _chart(
            "weekly_attendance", language, series.weekly_attendance(data), weekly_attendance_chart
        ),
        "burn_up_chart": _chart(
            "budget_burn_up", language, series.budget_burn_up(data), budget_burn_up_chart
        ),
    }


@dataclass(frozen=True)
class SheetDay:
    """A day of the sheet's week with its two half-days (None where no session is held)."""

    day: date
    slots: tuple[SheetSession | None, ...]


def sheet_context(source: Source, language: str) -> dict[str, Any]:
    """Lay the week out as days and half-days, with each trainee's mark at each session."""
    details = source.details
    sessions = details["sessions"]
    by_slot = {(s.date, s.slot): s for s in sessions}
    monday = details["monday"]
    # Monday to Friday always; the weekend only when a session is held then.
    days = [
        monday + timedelta(days=offset)
        for offset in range(7)
        if offset < 5 or any(s.date == monday + timedelta(days=offset) for s in sessions)
    ]
    week = [SheetDay(day, tuple(by_slot.get((day, slot)) for slot in SLOTS)) for day in days]
    marks = {(m.session_id, m.trainee_id): m for m in details["marks"]}
    return {
        "week": week,
        "columns": [slot for day in week for slot in day.slots],
        "trainees": details["trainees"],
        "marks": marks,
        "blank": details["blank"],
        "week_name": details["week"],
        "expected": expected_on,
        "modules": sorted({(s.module_code, s.module_title) for s in sessions}),
        "amendments": details.get("amendments", ()),
        "amended": {(a.session_id, a.trainee_id) for a in details.get("amendments", ())},
    }


def certificate_context(source: Source, language: str) -> dict[str, Any]:
    """Say who followed which course, when, and for how many hours."""
    details = source.details
    who: Person = details["person"]
    cohort = source.cohort
    starts_on = max(who.enrolled_on, cohort.starts_on)
    if details["status"] == "withdrawn":
        ends_on = who.left_on
    elif details["status"] == "completed":
        ends_on = cohort.ends_on
    else:
        ends_on = source.as_of
    return {
        "person": who,
        "status": details["status"],
        "starts_on": starts_on,
        "ends_on": ends_on,
        "scheduled_minutes": details["scheduled_minutes"],
        "attended_minutes": details["attended_minutes"],
        "planned_minutes": details["planned_minutes"],
        "attendance_rate": ratio(details["attended_minutes"], details["scheduled_minutes"]),
    }


CONTEXTS: dict[str, Callable[[Source, str], dict[str, Any]]] = {
    "trainee": trainee_context,
    "cohort": cohort_context,
    "funding": funding_context,
    "sheet": sheet_context,
    "certificate": certificate_context,
}
