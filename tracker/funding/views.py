"""Pages of the funding feature: the cohorts' figures side by side, a cohort's figures for its
funder with their charts, the monthly attendance statement, how its half-days were signed, and
their exports as spreadsheets."""

from datetime import date, timedelta

from flask import Blueprint, abort, current_app, render_template, request
from flask_login import current_user
from sqlalchemy import select

from tracker import timeutil
from tracker.access import allow, cohort_or_404, reachable_cohorts
from tracker.attendance.forms import SLOT_LABELS
from tracker.attendance.forms import STATUS_LABELS as ATTENDANCE_STATUS_LABELS
from tracker.attendance.models import Session
from tracker.budget import queries as budget_queries
from tracker.cohorts import listing
from tracker.cohorts.models import Cohort
from tracker.cohorts.pages import STATUS_LABELS, words
from tracker.exports import CSV_MIMETYPE, XLSX_MIMETYPE, write_csv, write_xlsx
from tracker.extensions import db
from tracker.fields import figures_date
from tracker.funding import pages, sheets
from tracker.funding.forms import StatementForm
from tracker.i18n import current_language
from tracker.metrics.figures import cohort_figures
from tracker.metrics.overspending import overspending
from tracker.metrics.series import month_of
from tracker.metrics.versions import current_data
from tracker.outcomes.figures import outcome_figures
from tracker.outcomes.queries import trainee_outcomes
from tracker.reports.contents import as_of_shown
from tracker.signing import figures as signing_figures
from tracker.signing import queries as signing_queries

bp = Blueprint("funding", __name__)

# Cohorts put side by side on `/funding`: a column each, still readable on a laptop.
COHORTS_SIDE_BY_SIDE = 8

WRITERS = {"csv": (write_csv, CSV_MIMETYPE), "xlsx": (write_xlsx, XLSX_MIMETYPE)}


@bp.route("/funding")
@allow("admin", "officer")
def index():
    """Show the funding figures of every cohort the user reaches, side by side, as of a date."""
    form, as_of = figures_date()
    if as_of is None:
        return render_template("funding/index.html", form=form), 400
    filter_form, shown = listing.cohort_list(
        reachable_cohorts(current_user), as_of, per_page=COHORTS_SIDE_BY_SIDE
    )
    if shown is None:
        return render_template("funding/index.html", form=form, filter_form=filter_form), 400
    rows = pages.funding_of_cohorts(shown.cohorts, as_of)
    return render_template(
        "funding/index.html",
        form=form,
        filter_form=filter_form,
        shown=shown,
        as_of=as_of,
        rows=rows,
        compared=pages.compared_figures(rows),
    )


@bp.route("/cohorts/<slug>/funding")
@allow("admin", "officer")
def cohort(slug: str):
    """Show a cohort's figures for its funder as of a date, with withdrawals, risks and charts."""
    cohort = cohort_or_404(slug, "see_funding")
    form, as_of = figures_date()
    if as_of is None:
        return render_template("funding/cohort.html", cohort=cohort, form=form), 400
    # After the cohort's end, the figures of any later date are those of an earlier one: loaded
    # as of that one, so that its charts are drawn once (the figures are the same).
    data = current_data(cohort, as_of_shown(cohort, as_of))
    figures = cohort_figures(data)
    return render_template(
        "funding/cohort.html",
        cohort=cohort,
        form=form,
        as_of=as_of,
        figures=figures,
        warning=overspending(figures.budget),
        outcomes=outcome_figures(trainee_outcomes([cohort], as_of)),
        withdrawals=pages.withdrawals(cohort, as_of),
        risks=pages.risk_counts(figures),
        risk_labels=words(pages.RISK_LABELS),
        status_labels=words(STATUS_LABELS),
        charts=pages.funding_charts(
            data, figures, current_language(), current_app.config["CHART_CACHE_FOLDER"]
        ),
    )


def statement_terms(cohort: Cohort) -> tuple[StatementForm, date | None, date | None]:
    """Read ?month= and ?as_of= (by default the month of D, and today); None if either is wrong."""
    form = StatementForm(formdata=request.args)
    if not form.validate():
        return form, None, None
    as_of = form.as_of.data or timeutil.today()
    return form, form.month.data or pages.default_month(cohort, as_of), as_of


@bp.route("/cohorts/<slug>/funding/statement")
@allow("admin", "officer")
def statement(slug: str):
    """Show each trainee's hours in one month: scheduled, attended, excused, unjustified."""
    cohort = cohort_or_404(slug, "see_funding")
    form, month, as_of = statement_terms(cohort)
    if month is None:
        return render_template("funding/statement.html", cohort=cohort, form=form), 400
    form.month.data = month  # the picker shows the month shown
    return render_template(
        "funding/statement.html",
        cohort=cohort,
        form=form,
        as_of=as_of,
        statement=pages.month_statement(cohort, month, as_of),
        month_code=sheets.month_label,
    )


def signing_terms(cohort: Cohort, month: date, as_of: date) -> dict:
    """Load how the cohort's half-days were signed as of D: by month, and the month's
    disagreements (tracker.signing.figures says what is counted)."""
    now = timeutil.utc_now()
    by = signing_figures.cutoff(as_of, now)
    rows = signing_queries.half_day_rows(cohort, as_of)
    months = signing_figures.signing_by_month(rows, by)
    return {
        "months": months,
        "total": signing_figures.total(months),
        # D's whole day, or today until now.
        "counted_by": by if by == now else None,
        "disagreements": signing_figures.disagreements(rows, by, month),
        "all_disagreements": signing_figures.disagreements(rows, by),
    }


@bp.route("/cohorts/<slug>/funding/signatures")
@allow("admin", "officer")
def signatures(slug: str):
    """Show the share of half-days signed on screen, on paper and not at all, month by month,
    and the marks that the signatures contradict."""
    cohort = cohort_or_404(slug, "see_funding")
    form, month, as_of = statement_terms(cohort)
    if month is None:
        return render_template("funding/signatures.html", cohort=cohort, form=form), 400
    form.month.data = month  # the picker shows the month shown
    first, last = month_of(cohort.starts_on), month_of(cohort.ends_on)
    return render_template(
        "funding/signatures.html",
        cohort=cohort,
        form=form,
        as_of=as_of,
        month=month,
        previous=pages.previous_month(month) if month > first else None,
        next=pages.next_month(month) if month < last else None,
        month_code=sheets.month_label,
        disagreement_labels=words(sheets.DISAGREEMENT_WORDS),
        status_labels=words(ATTENDANCE_STATUS_LABELS),
        slot_names=words(SLOT_LABELS),
        weeks=weeks_of_month(cohort, month),
        **signing_terms(cohort, month, as_of),
    )


def weeks_of_month(cohort: Cohort, month: date) -> list[tuple[date, str]]:
    """Return the Monday and ISO code (2023-W13) of each week holding sessions of the cohort in a
    month: the weeks whose signed sheets the month's page offers."""
    days = db.session.scalars(
        select(Session.date)
        .where(
            Session.cohort_id == cohort.id,
            Session.date >= month,
            Session.date < pages.next_month(month),
        )
        .distinct()
    )
    mondays = sorted({day - timedelta(days=day.weekday()) for day in days})
    return [(monday, "{}-W{:02d}".format(*monday.isocalendar()[:2])) for monday in mondays]


@bp.route(
    "/cohorts/<slug>/funding/export/"
    "<any(figures,statement,expenses,signatures):what>.<any(csv,xlsx):fmt>"
)
@allow("admin", "officer")
def export(slug: str, what: str, fmt: str):
    """Send the figures, a monthly statement or the expenses as a CSV or XLSX file."""
    cohort = cohort_or_404(slug, "see_funding")
    form, month, as_of = statement_terms(cohort)
    if month is None:
        errors = [error for field in form for error in field.errors]
        abort(400, description=" ".join(str(error) for error in errors))
    if what == "figures":
        figures = cohort_figures(current_data(cohort, as_of))
        tables = sheets.figures_sheets(cohort, figures, pages.withdrawals(cohort, as_of))
        period = as_of.isoformat()
    elif what == "statement":
        tables = sheets.statement_sheets(pages.month_statement(cohort, month, as_of))
        period = sheets.month_label(month)
    elif what == "signatures":
        terms = signing_terms(cohort, month, as_of)
        tables = sheets.signatures_sheets(
            terms["months"], terms["total"], terms["all_disagreements"], as_of
        )
        period = as_of.isoformat()
    else:
        tables = sheets.expenses_sheets(budget_queries.expenses(cohort, end=as_of))
        period = as_of.isoformat()
    write, content_type = WRITERS[fmt]
    name = sheets.export_name(cohort, what, period, fmt, current_language())
    # The whole Content-Type: given as a mimetype, Werkzeug would add a second charset.
    response = current_app.response_class(write(tables), content_type=content_type)
    response.headers.set("Content-Disposition", "attachment", filename=name)
    return response  # no-store and nosniff, as every response: tracker/headers.py
