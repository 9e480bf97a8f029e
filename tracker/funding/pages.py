"""What the funding pages show: a cohort's figures for its funder, their charts and statements.

Every figure comes from `tracker.metrics` (one load of the cohort's data per cohort and date) and
every series from `tracker.metrics.series` over that same load, so that the pages, the exports and
`tracker metrics` give the same numbers. Officers see these pages: nothing here shows a score, a
grade, a module result or a comment; trainees appear with their attendance and hours only, and
the at-risk reasons only as counts of active trainees.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from tracker.charts import (
    Chart,
    attendance_heatmap_chart,
    budget_burn_up_chart,
    budget_lines_chart,
    cached_chart,
    weekly_attendance_chart,
)
from tracker.charts.placing import PlacedChart, place
from tracker.cohorts.models import Cohort
from tracker.cohorts.pages import cohort_figures_of
from tracker.cohorts.queries import withdrawn_trainees
from tracker.i18n import day, hours, money, rate, ratio
from tracker.justifications import queries as justification_queries
from tracker.metrics import series
from tracker.metrics.figures import (
    CONSECUTIVE_ABSENCES,
    FAILING_MODULE,
    LOW_ASSIDUITY,
    CohortData,
    CohortFigures,
)
from tracker.metrics.justifications import pending_per_trainee
from tracker.metrics.memo import worked_out
from tracker.metrics.overspending import Overspending, overspending
from tracker.metrics.series import AttendanceMinutes, StatementRow, month_of
from tracker.metrics.versions import current_data

RISK_REASONS = (LOW_ASSIDUITY, CONSECUTIVE_ABSENCES, FAILING_MODULE)
RISK_LABELS = {
    LOW_ASSIDUITY: _l("Recent assiduity below the threshold"),
    CONSECUTIVE_ABSENCES: _l("Absent without justification at the last 3 sessions"),
    FAILING_MODULE: _l("Failing a module"),
}


# ---------------------------------------------------------------------------------------------
# The figures


@dataclass(frozen=True)
class CohortFunding:
    """A cohort and its figures as of D, for the list of cohorts."""

    cohort: Cohort
    figures: CohortFigures


def funding_of_cohorts(cohorts: Sequence[Cohort], as_of: date) -> list[CohortFunding]:
    """Compute the figures of each cohort as of D: one load (nine queries) per cohort whose
    records changed since its figures were last computed, none for the others."""
    figures = cohort_figures_of(cohorts, as_of)
    return [CohortFunding(cohort, figures[cohort.id]) for cohort in cohorts]


@dataclass(frozen=True)
class ComparedFigure:
    """One figure of several cohorts, shown the page's way, a value per cohort."""

    label: str
    values: list[str]
    numeric: bool = True


def compared_figures(rows: Sequence[CohortFunding]) -> list[ComparedFigure]:
    """Put the cohorts' key figures side by side: a line per figure, a column per cohort."""
    cohorts = [row.cohort for row in rows]
    figures = [row.figures for row in rows]
    budgets = [f.budget for f in figures]

    def line(label: str, values: Sequence[object], show=str, numeric: bool = True):
        return ComparedFigure(label, [show(value) for value in values], numeric)

    return [
        line(_("Funder"), [c.funder or "—" for c in cohorts], numeric=False),
        line(_("First day"), [c.starts_on for c in cohorts], day, numeric=False),
        line(_("Last day"), [c.ends_on for c in cohorts], day, numeric=False),
        line(_("Enrolled"), [f.enrolled for f in figures]),
        line(_("Active"), [f.active for f in figures]),
        line(_("Withdrawn"), [f.withdrawn for f in figures]),
        line(_("Trainee-hours realised"), [f.realised_minutes / 60 for f in figures], hours),
        line(_("Trainee-hours contracted"), [f.contracted_minutes / 60 for f in figures], hours),
        line(_("Trainee-hours rate"), [f.trainee_hours_rate for f in figures], rate),
        line(_("Attendance rate"), [f.attendance_rate for f in figures], rate),
        line(_("Consumption"), [b.consumption for b in budgets], rate),
        line(_("Time elapsed"), [b.elapsed for b in budgets], rate),
        line(_("Burn ratio"), [b.burn_ratio for b in budgets], ratio),
        line(_("Forecast at completion"), [b.forecast_at_completion for b in budgets], money),
        line(
            _("Cost per realised trainee-hour"), [b.cost_per_realised_hour for b in budgets], money
        ),
        line(
            _("Budget overspent"),
            [overspending(b) for b in budgets],
            overspending_summary,
            numeric=False,
        ),
    ]


def overspending_summary(warning: Overspending) -> str:
    """Say in a few words what is overspent in a budget, for the cohorts side by side."""
    if not warning:
        return _("No")
    parts = []
    if warning.forecast_excess is not None:
        parts.append(
            _("forecast over the grant by %(excess)s", excess=money(warning.forecast_excess))
        )
    if warning.lines:
        codes = ", ".join(line.code for line in warning.lines)
        parts.append(
            ngettext(
                "line %(codes)s overspent",
                "lines %(codes)s overspent",
                len(warning.lines),
                codes=codes,
            )
        )
    return _("Yes: %(what)s", what=" · ".join(parts))


@dataclass(frozen=True)
class Withdrawal:
    """A trainee who left the course by D, when and why."""

    ref: str
    name: str
    enrolled_on: date
    left_on: date
    reason: str | None


def withdrawals(cohort: Cohort, as_of: date) -> list[Withdrawal]:
    """Return the trainees who left the cohort on or before D, in order of leaving."""
    return [
        Withdrawal(t.ref, t.name, t.enrolled_on, t.left_on, t.exit_reason or None)
        for t in withdrawn_trainees(cohort, as_of)
    ]


@dataclass(frozen=True)
class RiskCounts:
    """How many active trainees are at risk, in all and for each reason."""

    total: int
    by_reason: dict[str, int]


def risk_counts(figures: CohortFigures) -> RiskCounts:
    """Count the active trainees at risk, and those with each reason (one may have several)."""
    at_risk = [t for t in figures.trainees if t.status == "active" and t.at_risk]
    return RiskCounts(
        total=len(at_risk),
        by_reason={reason: sum(reason in t.at_risk for t in at_risk) for reason in RISK_REASONS},
    )


# ---------------------------------------------------------------------------------------------
# The charts


ChartSource = Callable[[CohortData, CohortFigures], Any]
CHARTS: tuple[tuple[str, ChartSource, Callable[[Any, str], Chart]], ...] = (
    ("weekly-attendance", lambda data, _: series.weekly_attendance(data), weekly_attendance_chart),
    (
        "attendance-heatmap",
        lambda data, _: series.attendance_heatmap(data),
        attendance_heatmap_chart,
    ),
    ("budget-burn-up", lambda data, _: series.budget_burn_up(data), budget_burn_up_chart),
    ("budget-lines", lambda _, figures: figures.budget.lines, budget_lines_chart),
)


def funding_charts(
    data: CohortData, figures: CohortFigures, language: str, folder: str
) -> tuple[PlacedChart, ...]:
    """Draw the cohort's charts in the language, or take them from the caches when drawn already.

    The charts are files in `folder` (`cached_chart`), keyed by their series; while the data is
    kept (`tracker.metrics.versions`), they are kept with it.
    """

    of = (data.cohort.slug, data.as_of)

    def draw_all() -> tuple[PlacedChart, ...]:
        return tuple(
            place(name, cached_chart(name, language, source(data, figures), drawing, folder, of))
            for name, source, drawing in CHARTS
        )

    return worked_out(data, ("funding charts", folder, language), draw_all)


# ---------------------------------------------------------------------------------------------
# The monthly statement


@dataclass(frozen=True)
class Statement:
    """Each trainee's hours in one month, counting the sessions held by `counted_to`."""

    month: date
    counted_to: date
    rows: list[StatementRow]
    totals: AttendanceMinutes
    previous: date | None
    next: date | None
    # The justifications of an absence in the month still waiting for a decision as of D, by
    # trainee id, and in all.
    pending: dict[int, int] = field(default_factory=dict)

    @property
    def pending_total(self) -> int:
        """Count the justifications waiting for a decision in the month, of every trainee."""
        return sum(self.pending.values())


def next_month(month: date) -> date:
    """Return the first day of the following month."""
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def previous_month(month: date) -> date:
    """Return the first day of the preceding month."""
    return (month - timedelta(days=1)).replace(day=1)


def month_end(month: date) -> date:
    """Return the last day of a month."""
    return next_month(month) - timedelta(days=1)


def default_month(cohort: Cohort, as_of: date) -> date:
    """Choose the month of D, within the cohort's months: its last once it ended."""
    first, last = month_of(cohort.starts_on), month_of(cohort.ends_on)
    return min(max(month_of(as_of), first), last)


def month_statement(cohort: Cohort, month: date, as_of: date) -> Statement:
    """Return the statement of a month, counting the sessions held by the month's end or D.

    Its rows are taken from the cohort's data as of D, whose statement is worked out once for
    every month: a month ended before D holds the same sessions, expected trainees and marks in
    the data as of D as in the data as of its end (the trainees enrolled later are expected at
    none of its sessions).
    """
    counted_to = min(month_end(month), as_of)
    data = current_data(cohort, as_of)
    rows = [row for row in series.monthly_statement(data) if row.month == month]
    totals = AttendanceMinutes(
        scheduled=sum(row.scheduled_minutes for row in rows),
        attended=sum(row.attended_minutes for row in rows),
        excused=sum(row.excused_minutes for row in rows),
        unjustified=sum(row.unjustified_minutes for row in rows),
        unrecorded=sum(row.unrecorded_minutes for row in rows),
    )
    first, last = month_of(cohort.starts_on), month_of(cohort.ends_on)
    pending = pending_per_trainee(
        justification_queries.declared_absences(cohort.id),
        month,
        month_end(month),
        justification_queries.counted_at(as_of),
    )
    return Statement(
        month=month,
        counted_to=counted_to,
        rows=rows,
        totals=totals,
        previous=previous_month(month) if month > first else None,
        next=next_month(month) if month < last else None,
        pending=pending,
    )
