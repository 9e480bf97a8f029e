"""Pages of the budget feature: the lines planned against spent, the expenses with their filters,
and their administration (expenses, lines, and the upload of an expenses file)."""

from datetime import date
from decimal import Decimal

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from tracker.access import allow, cohort_or_404, may
from tracker.budget import operations, queries
from tracker.budget.forms import (
    BudgetLineForm,
    DeleteForm,
    ExpenseFilterForm,
    ExpenseForm,
    ExpensesFileForm,
)
from tracker.budget.models import BudgetLine, Expense
from tracker.budget.operations import BudgetError
from tracker.cohorts.models import Cohort
from tracker.extensions import db
from tracker.fields import figures_date
from tracker.i18n import day as show_day
from tracker.i18n import money as show_money
from tracker.imports.operations import KINDS, file_size, import_file
from tracker.imports.problems import ImportRefused
from tracker.metrics.figures import cohort_figures
from tracker.metrics.overspending import overspending
from tracker.metrics.versions import current_data

bp = Blueprint("budget", __name__)


def expense_or_404(cohort: Cohort, expense_id: int) -> Expense:
    """Load an expense of the cohort, else 404."""
    expense = queries.expense_of(cohort, expense_id)
    if expense is None:
        abort(404)
    return expense


def line_or_404(cohort: Cohort, code: str) -> BudgetLine:
    """Load a budget line of the cohort by its code, else 404."""
    line = queries.line_of(cohort, code)
    if line is None:
        abort(404)
    return line


def shown(values: dict) -> dict | None:
    """Fill a form with stored or default values on display only.

    A form sent back with fields missing must not take them from the stored values: it is refused.
    """
    return values if request.method == "GET" else None


def form_status(form: FlaskForm) -> int:
    """Answer 422 to a form sent back with errors, 200 to a first display."""
    return 422 if form.is_submitted() else 200


def refuse(form: FlaskForm, error: BudgetError) -> None:
    """Show an operation's refusal beside its field (or above the form), after a rollback."""
    db.session.rollback()
    field = getattr(form, error.field, None)
    message = str(error).split(": ", 1)[-1]
    if field is not None and hasattr(field, "errors"):
        field.errors = [*field.errors, message]
    else:
        flash(message, "error")


def checked_deletion(name: object) -> None:
    """Refuse (400) a removal whose form does not name what the address names."""
    form = DeleteForm()
    if not form.validate_on_submit() or form.target.data != str(name):
        abort(400)


# ---------------------------------------------------------------------------------------------
# The budget and the expenses


@bp.route("/cohorts/<slug>/budget")
@allow("admin", "officer")
def overview(slug: str):
    """Show the budget lines planned against spent, with the grant's consumption over time."""
    cohort = cohort_or_404(slug, "see_funding")
    form, as_of = figures_date()
    if as_of is None:
        return render_template("budget/overview.html", cohort=cohort, form=form), 400
    figures = cohort_figures(current_data(cohort, as_of))
    return render_template(
        "budget/overview.html",
        cohort=cohort,
        form=form,
        as_of=as_of,
        budget=figures.budget,
        warning=overspending(figures.budget),
        planned_total=sum((line.planned for line in figures.budget.lines), Decimal(0)),
        can_edit=may(current_user, "edit_budget"),
    )


@bp.route("/cohorts/<slug>/budget/expenses")
@allow("admin", "officer")
def expenses(slug: str):
    """List the expenses of one line or all, within a period, with their total."""
    cohort = cohort_or_404(slug, "see_funding")
    form = ExpenseFilterForm(queries.budget_lines(cohort), formdata=request.args)
    can_edit = may(current_user, "edit_budget")
    if not form.validate():
        return render_template(
            "budget/expenses.html", cohort=cohort, form=form, can_edit=can_edit
        ), 400
    listed = queries.expense_list(
        cohort,
        line_code=form.line.data or None,
        start=form.start.data,
        end=form.end.data,
        page=request.args.get("page", 1, type=int),
    )
    return render_template(
        "budget/expenses.html",
        cohort=cohort,
        form=form,
        listed=listed,
        filtered=bool(form.line.data or form.start.data or form.end.data),
        can_edit=can_edit,
    )


# ---------------------------------------------------------------------------------------------
# Administration: expenses


def expense_form_page(cohort: Cohort, form: ExpenseForm, expense: Expense | None = None):
    return render_template(
        "budget/expense_form.html",
        cohort=cohort,
        form=form,
        expense=expense,
        delete_form=DeleteForm(formdata=None, data={"target": expense.id}) if expense else None,
    ), form_status(form)


def expense_fields(form: ExpenseForm) -> dict:
    """Return what a valid expense form asks for, as an operation takes it."""
    return {
        "day": form.date.data,
        "amount": form.amount.data,
        "description": form.description.data,
        "supplier": form.supplier.data,
        "reference": form.reference.data,
    }


def back_to_expenses(cohort: Cohort, day: date):
    """Redirect to the expenses of the month of a day, where the one just saved is listed."""
    first = day.replace(day=1)
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    last = date.fromordinal(following.toordinal() - 1)
    return redirect(
        url_for(
            ".expenses", slug=cohort.slug, **{"from": first.isoformat(), "to": last.isoformat()}
        )
    )


@bp.route("/cohorts/<slug>/budget/expenses/new", methods=["GET", "POST"])
@allow("admin")
def new_expense(slug: str):
    """Charge an expense to a budget line."""
    cohort = cohort_or_404(slug, "edit_budget")
    lines = queries.budget_lines(cohort)
    form = ExpenseForm(cohort, lines, data=shown({"line": request.args.get("line")}))
    if form.validate_on_submit():
        try:
            expense = operations.add_expense(form.chosen_line, **expense_fields(form))
        except BudgetError as error:
            refuse(form, error)
        else:
            db.session.commit()
            flash(
                _(
                    "Expense of %(amount)s on %(day)s added.",
                    amount=show_money(expense.amount),
                    day=show_day(expense.date),
                ),
                "success",
            )
            return back_to_expenses(cohort, expense.date)
    return expense_form_page(cohort, form)


@bp.route("/cohorts/<slug>/budget/expenses/<int:expense_id>/edit", methods=["GET", "POST"])
@allow("admin")
def edit_expense(slug: str, expense_id: int):
    """Change an expense."""
    cohort = cohort_or_404(slug, "edit_budget")
    expense = expense_or_404(cohort, expense_id)
    lines = queries.budget_lines(cohort)
    stored = {
        "line": next(line.code for line in lines if line.id == expense.budget_line_id),
        "date": expense.date,
        "amount": expense.amount,
        "description": expense.description,
        "supplier": expense.supplier,
        "reference": expense.reference,
    }
    form = ExpenseForm(cohort, lines, editing=expense, data=shown(stored))
    if form.validate_on_submit():
        try:
            operations.change_expense(expense, line=form.chosen_line, **expense_fields(form))
        except BudgetError as error:
            refuse(form, error)
        else:
            db.session.commit()
            flash(
                _(
                    "Expense of %(amount)s on %(day)s saved.",
                    amount=show_money(expense.amount),
                    day=show_day(expense.date),
                ),
                "success",
            )
            return back_to_expenses(cohort, expense.date)
    return expense_form_page(cohort, form, expense)


@bp.route("/cohorts/<slug>/budget/expenses/<int:expense_id>/delete", methods=["POST"])
@allow("admin")
def delete_expense(slug: str, expense_id: int):
    """Remove an expense."""
    cohort = cohort_or_404(slug, "edit_budget")
    expense = expense_or_404(cohort, expense_id)
    checked_deletion(expense.id)
    amount, day = expense.amount, expense.date
    operations.delete_expense(expense)
    db.session.commit()
    flash(
        _(
            "Expense of %(amount)s on %(day)s deleted.",
            amount=show_money(amount),
            day=show_day(day),
        ),
        "success",
    )
    return back_to_expenses(cohort, day)


@bp.route("/cohorts/<slug>/budget/expenses/import", methods=["GET", "POST"])
@allow("admin")
def import_expenses(slug: str):
    """Load a CSV or XLSX file of expenses through the importer, all rows or none."""
    cohort = cohort_or_404(slug, "edit_budget")
    form = ExpensesFileForm()
    problems = []
    if form.validate_on_submit():
        try:
            summary = import_file(
                cohort,
                "expenses",
                form.file.data.read(),
                recorded_by=current_user._get_current_object(),
            )
        except ImportRefused as refused:
            db.session.rollback()
            problems = refused.problems
        else:
            db.session.commit()
            flash(
                _(
                    "Expenses imported: %(created)d created, %(updated)d updated,"
                    " %(unchanged)d unchanged.",
                    created=summary.created,
                    updated=summary.updated,
                    unchanged=summary.unchanged,
                ),
                "success",
            )
            return redirect(url_for(".expenses", slug=cohort.slug))
    return render_template(
        "budget/import.html",
        cohort=cohort,
        form=form,
        problems=problems,
        columns=KINDS["expenses"].columns,
        limit=file_size(current_app.config["IMPORT_MAX_BYTES"]),
    ), form_status(form)


# ---------------------------------------------------------------------------------------------
# Administration: budget lines


def line_form_page(
    cohort: Cohort, form: BudgetLineForm, line: BudgetLine | None = None, status: int | None = None
):
    return render_template(
        "budget/line_form.html",
        cohort=cohort,
        form=form,
        line=line,
        delete_form=DeleteForm(formdata=None, data={"target": line.code}) if line else None,
    ), status or form_status(form)


def stored_line(line: BudgetLine) -> dict:
    """Return a budget line as the data of its form."""
    return {"code": line.code, "label": line.label, "planned_amount": line.planned_amount}


def line_fields(form: BudgetLineForm) -> dict:
    """Return what a valid line form asks for, as an operation takes it."""
    return {
        "code": form.code.data,
        "label": form.label.data,
        "planned_amount": form.planned_amount.data,
    }


@bp.route("/cohorts/<slug>/budget/lines/new", methods=["GET", "POST"])
@allow("admin")
def new_line(slug: str):
    """Add a line to the cohort's budget."""
    cohort = cohort_or_404(slug, "edit_budget")
    form = BudgetLineForm(cohort)
    if form.validate_on_submit():
        try:
            line = operations.add_line(cohort, **line_fields(form))
        except BudgetError as error:
            refuse(form, error)
        else:
            db.session.commit()
            flash(_("Budget line %(code)s added.", code=line.code), "success")
            return redirect(url_for(".overview", slug=cohort.slug))
    return line_form_page(cohort, form)


@bp.route("/cohorts/<slug>/budget/lines/<code>/edit", methods=["GET", "POST"])
@allow("admin")
def edit_line(slug: str, code: str):
    """Change a budget line's code, label or planned amount."""
    cohort = cohort_or_404(slug, "edit_budget")
    line = line_or_404(cohort, code)
    form = BudgetLineForm(cohort, editing=line, data=shown(stored_line(line)))
    if form.validate_on_submit():
        try:
            operations.change_line(line, **line_fields(form))
        except BudgetError as error:
            refuse(form, error)
        else:
            db.session.commit()
            flash(_("Budget line %(code)s saved.", code=line.code), "success")
            return redirect(url_for(".overview", slug=cohort.slug))
    return line_form_page(cohort, form, line)


@bp.route("/cohorts/<slug>/budget/lines/<code>/delete", methods=["POST"])
@allow("admin")
def delete_line(slug: str, code: str):
    """Remove a budget line, unless expenses are charged to it."""
    cohort = cohort_or_404(slug, "edit_budget")
    line = line_or_404(cohort, code)
    checked_deletion(line.code)
    if queries.has_expenses(line):
        flash(
            _(
                "The line %(code)s cannot be deleted: expenses are charged to it. Move or delete"
                " them first.",
                code=line.code,
            ),
            "error",
        )
        form = BudgetLineForm(cohort, editing=line, formdata=None, data=stored_line(line))
        return line_form_page(cohort, form, line, status=409)
    operations.delete_line(line)
    db.session.commit()
    flash(_("Budget line %(code)s deleted.", code=code), "success")
    return redirect(url_for(".overview", slug=cohort.slug))
