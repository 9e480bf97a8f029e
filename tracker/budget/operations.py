"""The budget lines and the expenses: what the pages read, and the changes they make.

Changes flush and never commit. Each raises BudgetError, naming the field at fault and what is
wrong in the user's language ("reference: ..."), when what is asked would break a rule; the forms
check the same rules first. Reads are a fixed number of set-based queries.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError

from tracker import timeutil
from tracker.budget import rules
from tracker.budget.models import BudgetLine, Expense
from tracker.cohorts.models import Cohort
from tracker.extensions import db
from tracker.money import round_money
from tracker.rules import Problem

PER_PAGE = 100


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
# Reading


def budget_lines(cohort: Cohort) -> list[BudgetLine]:
    """Load the cohort's budget lines, ordered by code."""
    return list(
        db.session.scalars(
            select(BudgetLine).where(BudgetLine.cohort_id == cohort.id).order_by(BudgetLine.code)
        )
    )


def line_of(cohort: Cohort, code: str) -> BudgetLine | None:
    """Load a budget line of the cohort by its code."""
    return db.session.scalar(
        select(BudgetLine).where(BudgetLine.cohort_id == cohort.id, BudgetLine.code == code)
    )


def expense_of(cohort: Cohort, expense_id: int) -> Expense | None:
    """Load an expense charged to one of the cohort's lines."""
    return db.session.scalar(
        select(Expense)
        .join(BudgetLine, BudgetLine.id == Expense.budget_line_id)
        .where(Expense.id == expense_id, BudgetLine.cohort_id == cohort.id)
    )


@dataclass(frozen=True)
class ExpenseLine:
    """One expense as the list shows it."""

    id: int
    date: date
    line_code: str
    line_label: str
    description: str
    supplier: str | None
    reference: str | None
    amount: Decimal


@dataclass(frozen=True)
class ExpenseList:
    """A page of the expenses that match a filter, with how many match and their total."""

    lines: list[ExpenseLine]
    count: int
    total: Decimal
    page: int
    pages: int


def expense_list(
    cohort: Cohort,
    *,
    line_code: str | None = None,
    start: date | None = None,
    end: date | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> ExpenseList:
    """Load one page of the cohort's expenses of a line (any when None) within a period (ends
    included), ordered by date, with the count and the total of all that match."""
    conditions = [BudgetLine.cohort_id == cohort.id]
    if line_code:
        conditions.append(BudgetLine.code == line_code)
    if start is not None:
        conditions.append(Expense.date >= start)
    if end is not None:
        conditions.append(Expense.date <= end)
    count, total = db.session.execute(
        select(func.count(Expense.id), func.sum(Expense.amount))
        .join(BudgetLine, BudgetLine.id == Expense.budget_line_id)
        .where(*conditions)
    ).one()
    pages = max(1, -(-count // per_page))
    page = min(max(page, 1), pages)
    rows = db.session.execute(
        select(
            Expense.id,
            Expense.date,
            BudgetLine.code,
            BudgetLine.label,
            Expense.description,
            Expense.supplier,
            Expense.reference,
            Expense.amount,
        )
        .join(BudgetLine, BudgetLine.id == Expense.budget_line_id)
        .where(*conditions)
        .order_by(Expense.date, BudgetLine.code, Expense.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return ExpenseList(
        lines=[ExpenseLine(*row) for row in rows],
        count=count,
        total=round_money(total if total is not None else Decimal(0)),
        page=page,
        pages=pages,
    )


def reference_taken(
    line: BudgetLine, day: date, reference: str, but: Expense | None = None
) -> bool:
    """Tell whether the line already has an expense with this reference on that day."""
    query: Select = select(Expense.id).where(
        Expense.budget_line_id == line.id, Expense.date == day, Expense.reference == reference
    )
    if but is not None:
        query = query.where(Expense.id != but.id)
    return db.session.scalar(query.limit(1)) is not None


def code_taken(cohort_id: int, code: str, but: BudgetLine | None = None) -> bool:
    """Tell whether the cohort already has a budget line with this code."""
    query: Select = select(BudgetLine.id).where(
        BudgetLine.cohort_id == cohort_id, BudgetLine.code == code
    )
    if but is not None:
        query = query.where(BudgetLine.id != but.id)
    return db.session.scalar(query) is not None


def has_expenses(line: BudgetLine) -> bool:
    """Tell whether any expense is charged to the line."""
    query = select(Expense.id).where(Expense.budget_line_id == line.id).limit(1)
    return db.session.scalar(query) is not None


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
