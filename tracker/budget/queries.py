"""What the budget pages, the officers' views and the exports read of budget lines and expenses,
in one place: a fixed number of set-based queries each.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Select, func, select

from tracker.budget.models import BudgetLine, Expense
from tracker.cohorts.models import Cohort
from tracker.extensions import db
from tracker.money import round_money

PER_PAGE = 100


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
    conditions = _expense_conditions(cohort, line_code, start, end)
    count, total = db.session.execute(
        select(func.count(Expense.id), func.sum(Expense.amount))
        .join(BudgetLine, BudgetLine.id == Expense.budget_line_id)
        .where(*conditions)
    ).one()
    pages = max(1, -(-count // per_page))
    page = min(max(page, 1), pages)
    return ExpenseList(
        lines=_expense_lines(conditions, limit=per_page, offset=(page - 1) * per_page),
        count=count,
        total=round_money(total if total is not None else Decimal(0)),
        page=page,
        pages=pages,
    )


def expenses(
    cohort: Cohort,
    *,
    line_code: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> list[ExpenseLine]:
    """Load all the cohort's expenses of a line (any when None) within a period (ends included),
    ordered by date then line, in one query."""
    return _expense_lines(_expense_conditions(cohort, line_code, start, end))


def _expense_conditions(
    cohort: Cohort, line_code: str | None, start: date | None, end: date | None
) -> list:
    conditions = [BudgetLine.cohort_id == cohort.id]
    if line_code:
        conditions.append(BudgetLine.code == line_code)
    if start is not None:
        conditions.append(Expense.date >= start)
    if end is not None:
        conditions.append(Expense.date <= end)
    return conditions


def _expense_lines(
    conditions: list, limit: int | None = None, offset: int = 0
) -> list[ExpenseLine]:
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
        .limit(limit)
        .offset(offset)
    ).all()
    return [ExpenseLine(*row) for row in rows]


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
