"""The changes to budget lines and expenses (what the pages read is in queries.py).

Changes flush and never commit. Each raises BudgetError, naming the field at fault and what is
wrong in the user's language ("reference: ..."), when what is asked would break a rule
(tracker.budget.rules); the forms check the same rules first.
"""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from tracker import timeutil
from tracker.batch import Row, write_rows
from tracker.budget import rules
from tracker.budget.models import BudgetLine, Expense
from tracker.budget.queries import code_taken, has_expenses, reference_taken
from tracker.cohorts.models import Cohort
from tracker.extensions import db
from tracker.rules import Problem


class BudgetError(ValueError):
    """A budget line or an expense cannot be saved as asked: `field` is the field at fault,
    `message` what is wrong. Its text is "field: message"."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def refuse(problems: list[Problem]) -> None:
    """Refuse with the first problem the rules found (tracker.budget.rules)."""
    if problems:
        raise BudgetError(problems[0].field, problems[0].file_message)


# ---------------------------------------------------------------------------------------------
# Expenses


def _checked_expense(
    line: BudgetLine,
    *,
    day: date,
    amount: Decimal,
    description: str,
    supplier: str | None,
    reference: str | None,
) -> dict:
    """Check an expense and return it as model attributes."""
    refuse(rules.expense_problems(amount, description))
    cohort = db.session.get(Cohort, line.cohort_id)
    refuse(rules.expense_date_problems(cohort, day, timeutil.today()))
    return {
        "budget_line_id": line.id,
        "date": day,
        "amount": amount,
        "description": description.strip(),
        "supplier": (supplier or "").strip() or None,
        "reference": (reference or "").strip() or None,
    }


def _flush(error: BudgetError) -> None:
    """Flush; a unique key that a concurrent save took first is refused as BudgetError."""
    try:
        db.session.flush()
    except IntegrityError as refused:
        raise error from refused


def _duplicate_reference() -> BudgetError:
    return BudgetError(
        "reference", _("the line already has an expense with this reference that day")
    )


def _line_taken(code: str) -> BudgetError:
    return BudgetError("code", _("the cohort already has a line %(code)s", code=code))


def add_expense(
    line: BudgetLine,
    *,
    day: date,
    amount: Decimal,
    description: str,
    supplier: str | None = None,
    reference: str | None = None,
) -> Expense:
    """Charge an expense to a budget line."""
    values = _checked_expense(
        line,
        day=day,
        amount=amount,
        description=description,
        supplier=supplier,
        reference=reference,
    )
    if values["reference"] and reference_taken(line, day, values["reference"]):
        raise _duplicate_reference()
    expense = Expense(**values)
    db.session.add(expense)
    _flush(_duplicate_reference())
    return expense


def change_expense(
    expense: Expense,
    *,
    line: BudgetLine,
    day: date,
    amount: Decimal,
    description: str,
    supplier: str | None = None,
    reference: str | None = None,
) -> Expense:
    """Change an expense, possibly moving it to another line of the same cohort."""
    if line.cohort_id != expense.line.cohort_id:
        raise BudgetError("line", _("not a budget line of this cohort"))
    values = _checked_expense(
        line,
        day=day,
        amount=amount,
        description=description,
        supplier=supplier,
        reference=reference,
    )
    if values["reference"] and reference_taken(line, day, values["reference"], but=expense):
        raise _duplicate_reference()
    for name, value in values.items():
        setattr(expense, name, value)
    _flush(_duplicate_reference())
    return expense


def delete_expense(expense: Expense) -> None:
    """Remove an expense."""
    db.session.delete(expense)
    db.session.flush()


# ---------------------------------------------------------------------------------------------
# Budget lines


def _checked_line(code: str, label: str, planned_amount: Decimal) -> dict:
    """Check a budget line and return it as model attributes."""
    refuse(rules.line_problems(code, label, planned_amount))
    return {"code": code.strip(), "label": label.strip(), "planned_amount": planned_amount}


def add_line(cohort: Cohort, *, code: str, label: str, planned_amount: Decimal) -> BudgetLine:
    """Add a line to the cohort's budget."""
    values = _checked_line(code, label, planned_amount)
    if code_taken(cohort.id, values["code"]):
        raise _line_taken(values["code"])
    line = BudgetLine(cohort_id=cohort.id, **values)
    db.session.add(line)
    _flush(_line_taken(values["code"]))
    return line


def change_line(line: BudgetLine, *, code: str, label: str, planned_amount: Decimal) -> BudgetLine:
    """Change a budget line's code, label or planned amount."""
    values = _checked_line(code, label, planned_amount)
    if code_taken(line.cohort_id, values["code"], but=line):
        raise _line_taken(values["code"])
    for name, value in values.items():
        setattr(line, name, value)
    _flush(_line_taken(values["code"]))
    return line


def delete_line(line: BudgetLine) -> None:
    """Remove a budget line that no expense is charged to; one with expenses is refused."""
    if has_expenses(line):
        raise BudgetError("line", _("expenses are charged to it"))
    db.session.delete(line)
    db.session.flush()


# ---------------------------------------------------------------------------------------------
# Batches: the importer and the demo write many rows at once, through these alone.


def write_lines(new: Sequence[Row], changed: Sequence[Row]) -> None:
    """Add and change many budget lines at once (rows of columns; a changed row holds its id)."""
    write_rows(BudgetLine, new, changed)


def write_expenses(new: Sequence[Row], changed: Sequence[Row]) -> None:
    """Add and change many expenses at once (rows of columns; a changed row holds its id)."""
    write_rows(Expense, new, changed)
