"""The funding exports as sheets: the officer's figures, the monthly statement, the expenses,
the signatures of the half-days.

What an officer's figures hold (the same for an admin, since the file is the funder's):

- "Figures": the cohort's terms and its figures as of D, as in `tracker metrics` (enrolment,
  attendance hours and rate, trainee-hours realised against contracted, the budget), and the
  counts of active trainees at risk, in all and per reason. Not the mean progress: it is made of
  module results.
- "Budget lines": planned, spent and consumption per line.
- "Withdrawals": who left by D, when, and the reason recorded.
- "Attendance per trainee": each trainee's status, hours scheduled, attended, excused and not
  recorded, attendance and assiduity rates. No progress, modules, competencies or at-risk
  reasons: they come from scores, which officers do not see.

The signatures' file: per month, the trainee-half-days expected and how many were signed on
screen, on paper and not at all (`tracker.signing.figures` says what counts), and every mark that
the signatures contradict up to D, with its note.

Each figure is shown with the precision of its kind, as on the pages and in the PDFs (rates as
percentages to one decimal, the burn ratio and hours to two, money to the cent: `tracker.i18n`);
see `tracker.exports.writers` for how each is written.
"""

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from tracker.attendance.forms import STATUS_LABELS as ATTENDANCE_STATUS_LABELS
from tracker.budget.queries import ExpenseLine
from tracker.cohorts.models import Cohort
from tracker.cohorts.pages import STATUS_LABELS, words
from tracker.exports import Rate, Ratio, Sheet, attachment_name
from tracker.funding.pages import (
    RISK_LABELS,
    RISK_REASONS,
    Statement,
    Withdrawal,
    risk_counts,
)
from tracker.hours import minutes_to_hours
from tracker.metrics.figures import CohortFigures
from tracker.signing.figures import Disagreement, MonthSigning
from tracker.signing.rules import PRESENT_WITHOUT_SIGNATURE, SIGNED_BUT_ABSENT

# The words of the file names, by language: ASCII, chosen here, never taken from the request.
FILE_WORDS = {
    "fr": {
        "figures": "chiffres",
        "statement": "releve-mensuel",
        "expenses": "depenses",
        "signatures": "signatures",
    },
    "en": {
        "figures": "figures",
        "statement": "monthly-statement",
        "expenses": "expenses",
        "signatures": "signatures",
    },
}


# What a mark and the signatures may disagree on, in the users' words.
DISAGREEMENT_WORDS = {
    PRESENT_WITHOUT_SIGNATURE: _l("Present without a signature"),
    SIGNED_BUT_ABSENT: _l("Signed but absent"),
}


def export_name(cohort: Cohort, what: str, period: str, extension: str, language: str) -> str:
    """Name an export: cohort_what_period.ext, such as ibm-ai-1_releve-mensuel_2022-06.csv."""
    names = FILE_WORDS.get(language, FILE_WORDS["fr"])
    return attachment_name(cohort.slug, names[what], period, extension=extension)


def _rate(value: float | None) -> Rate | None:
    return None if value is None else Rate(value)


def _hours(minutes: int) -> float:
    return minutes_to_hours(minutes)


def figures_sheets(
    cohort: Cohort, figures: CohortFigures, withdrawals: list[Withdrawal]
) -> list[Sheet]:
    """Return the officer's figures of the cohort as of D, in four sheets."""
    budget = figures.budget
    risks = risk_counts(figures)
    risk_labels = words(RISK_LABELS)
    key_figures: list[tuple[str, object]] = [
        (_("Cohort"), cohort.name),
        (_("Short name"), cohort.slug),
        (_("Funder"), cohort.funder or None),
        (_("First day"), cohort.starts_on),
        (_("Last day"), cohort.ends_on),
        (_("Figures as of"), figures.as_of),
        (_("Enrolled"), figures.enrolled),
        (_("Active"), figures.active),
        (_("Withdrawn"), figures.withdrawn),
        (_("Completed"), figures.completed),
        (_("Hours scheduled"), _hours(figures.scheduled_minutes)),
        (_("Hours attended"), _hours(figures.attended_minutes)),
        (_("Hours of excused absence"), _hours(figures.excused_minutes)),
        (_("Hours not recorded"), _hours(figures.unrecorded_minutes)),
        (_("Attendance rate"), _rate(figures.attendance_rate)),
        (_("Trainee-hours realised"), _hours(figures.realised_minutes)),
        (_("Trainee-hours contracted"), _hours(figures.contracted_minutes)),
        (_("Trainee-hours rate"), _rate(figures.trainee_hours_rate)),
        (_("Grant"), budget.grant),
        (_("Spent"), budget.spent),
        (_("Remaining"), budget.remaining),
        (_("Consumption"), _rate(budget.consumption)),
        (_("Time elapsed"), _rate(budget.elapsed)),
        (_("Burn ratio"), None if budget.burn_ratio is None else Ratio(budget.burn_ratio)),
        (_("Forecast at completion"), budget.forecast_at_completion),
        (_("Cost per realised trainee-hour"), budget.cost_per_realised_hour),
        (_("Active trainees at risk"), risks.total),
        *(
            (_("At risk: %(reason)s", reason=risk_labels[reason]), risks.by_reason[reason])
            for reason in RISK_REASONS
        ),
    ]
    statuses = words(STATUS_LABELS)
    return [
        Sheet(_("Figures"), (_("Figure"), _("Value")), key_figures),
        Sheet(
            _("Budget lines"),
            (_("Code"), _("Line"), _("Planned"), _("Spent"), _("Consumption")),
            [
                (line.code, line.label, line.planned, line.spent, _rate(line.consumption))
                for line in budget.lines
            ],
        ),
        Sheet(
            _("Withdrawals"),
            (_("Ref."), _("Name"), _("Enrolled on"), _("Left on"), _("Reason")),
            [(w.ref, w.name, w.enrolled_on, w.left_on, w.reason) for w in withdrawals],
        ),
        Sheet(
            _("Attendance per trainee"),
            (
                _("Ref."),
                _("Name"),
                _("Status"),
                _("Hours scheduled"),
                _("Hours attended"),
                _("Hours of excused absence"),
                _("Hours not recorded"),
                _("Attendance rate"),
                _("Assiduity rate"),
            ),
            [
                (
                    t.ref,
                    t.name,
                    statuses[t.status],
                    _hours(t.attendance.scheduled_minutes),
                    _hours(t.attendance.attended_minutes),
                    _hours(t.attendance.excused_minutes),
                    _hours(t.attendance.unrecorded_minutes),
                    _rate(t.attendance.attendance_rate),
                    _rate(t.attendance.assiduity_rate),
                )
                for t in figures.trainees
            ],
        ),
    ]


def month_label(month: date) -> str:
    """Write a month as 2022-06."""
    return f"{month.year:04d}-{month.month:02d}"


def statement_sheets(statement: Statement) -> list[Sheet]:
    """Return the monthly statement: a row per trainee, then the totals."""
    month = month_label(statement.month)
    totals = statement.totals
    return [
        Sheet(
            _("Statement %(month)s", month=month),
            (
                _("Month"),
                _("Ref."),
                _("Name"),
                _("Hours scheduled"),
                _("Hours attended"),
                _("Hours of excused absence"),
                _("Hours of unjustified absence"),
                _("Hours not recorded"),
                _("Justifications waiting for a decision"),
            ),
            [
                *(
                    (
                        month,
                        row.ref,
                        row.name,
                        row.scheduled_hours,
                        row.attended_hours,
                        row.excused_hours,
                        row.unjustified_hours,
                        row.unrecorded_hours,
                        statement.pending.get(row.trainee_id, 0),
                    )
                    for row in statement.rows
                ),
                (
                    month,
                    None,
                    _("Total"),
                    _hours(totals.scheduled),
                    _hours(totals.attended),
                    _hours(totals.excused),
                    _hours(totals.unjustified),
                    _hours(totals.unrecorded),
                    statement.pending_total,
                ),
            ],
        )
    ]


def expenses_sheets(expenses: list[ExpenseLine]) -> list[Sheet]:
    """Return the expenses, one row each."""
    return [
        Sheet(
            _("Expenses"),
            (
                _("Date"),
                _("Line"),
                _("Line label"),
                _("Amount"),
                _("Description"),
                _("Supplier"),
                _("Reference"),
            ),
            [
                (
                    e.date,
                    e.line_code,
                    e.line_label,
                    e.amount,
                    e.description,
                    e.supplier,
                    e.reference,
                )
                for e in expenses
            ],
        )
    ]


def signatures_sheets(
    months: list[MonthSigning],
    total: MonthSigning | None,
    disagreements: list[Disagreement],
    as_of: date,
) -> list[Sheet]:
    """Return how the half-days were signed, month by month, and every disagreement up to D."""
    disagreement_labels = words(DISAGREEMENT_WORDS)
    status_labels = words(ATTENDANCE_STATUS_LABELS)

    def line(label: str, month: MonthSigning) -> tuple:
        return (
            label,
            month.expected,
            month.on_screen,
            _rate(month.on_screen_share),
            month.on_paper,
            _rate(month.on_paper_share),
            month.not_signed,
            _rate(month.not_signed_share),
            month.disagreements,
            month.explained,
        )

    return [
        Sheet(
            _("Signatures by month"),
            (
                _("Month"),
                _("Half-days expected"),
                _("Signed on screen"),
                _("Share on screen"),
                _("Signed on paper"),
                _("Share on paper"),
                _("Not signed"),
                _("Share not signed"),
                _("Disagreements"),
                _("Explained"),
            ),
            [
                *(line(month_label(month.month), month) for month in months),
                *([line(_("Total"), total)] if total is not None else []),
            ],
        ),
        Sheet(
            _("Disagreements up to %(day)s", day=as_of.isoformat()),
            (
                _("Date"),
                _("Half-day"),
                _("Ref."),
                _("Name"),
                _("Disagreement"),
                _("Mark"),
                _("Note"),
            ),
            [
                (
                    item.day,
                    item.slot,
                    item.trainee_ref,
                    item.trainee_name,
                    disagreement_labels[item.kind],
                    status_labels[item.status],
                    item.note,
                )
                for item in disagreements
            ],
        ),
    ]
