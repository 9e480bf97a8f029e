"""Budget lines and expenses files."""

from collections.abc import Hashable

from sqlalchemy import select

from tracker import timeutil
from tracker.budget import operations, rules
from tracker.budget.models import BudgetLine, Expense
from tracker.extensions import db
from tracker.imports.kinds import Column, Kind, Values, stored
from tracker.imports.problems import Problem, on_line
from tracker.imports.reading import a_date, codes, money, text

# Without a reference, an expense is matched on all of these.
WHOLE_ROW = ("line", "date", "amount", "description", "supplier")


class Budget(Kind):
    name = "budget"
    model = BudgetLine
    columns = (
        Column("code", codes),
        Column("label", text(200)),
        Column("planned_amount", money()),
    )
    key = ("code",)
    write_rows = staticmethod(operations.write_lines)

    def load(self) -> dict[Hashable, Values]:
        return stored(
            select(
                BudgetLine.id, BudgetLine.code, BudgetLine.label, BudgetLine.planned_amount
            ).where(BudgetLine.cohort_id == self.cohort.id),
            "code",
        )

    def check(self, line: int, values: Values) -> list[Problem]:
        self.records[values["code"]] = dict(values)
        problems = rules.line_problems(values["code"], values["label"], values["planned_amount"])
        return on_line(line, problems)


class Expenses(Kind):
    name = "expenses"
    model = Expense
    columns = (
        Column("date", a_date),
        Column("line", codes, refers_to="lines"),
        Column("amount", money(positive=True)),
        Column("description", text()),
        Column("supplier", text(200), required=False),
        Column("reference", text(100), required=False),
    )
    key = ("line", "date", "reference")
    defaults = {"supplier": None, "reference": None}
    write_rows = staticmethod(operations.write_expenses)

    def load(self) -> dict[Hashable, Values]:
        # One day for the whole file: how far after it an expense may be dated.
        self.today = timeutil.today()
        self.lines = dict(
            db.session.execute(
                select(BudgetLine.code, BudgetLine.id).where(BudgetLine.cohort_id == self.cohort.id)
            ).all()
        )
        expenses = stored(
            select(
                Expense.id,
                Expense.budget_line_id,
                Expense.budget_line_id.label("line"),
                Expense.date,
                Expense.amount,
                Expense.description,
                Expense.supplier,
                Expense.reference,
            )
            .join(BudgetLine)
            .where(BudgetLine.cohort_id == self.cohort.id)
            .order_by(Expense.id),
            "id",
        )
        by_key = {}
        for expense in expenses.values():
            by_key.setdefault(self.natural_key(expense), expense)
        return by_key

    @staticmethod
    def natural_key(values: Values) -> tuple:
        """Return the expense's key: line, date and reference, or the whole row without one."""
        if values.get("reference"):
            return ("line, date, reference", values["line"], values["date"], values["reference"])
        return (", ".join(WHOLE_ROW), *(values.get(name) for name in WHOLE_ROW))

    def file_key(self, values: Values) -> tuple[str, tuple] | None:
        if any(name not in values for name in WHOLE_ROW[:-1]):
            return None
        label, *key = self.natural_key(values)
        return label, tuple(key)

    def check(self, line: int, values: Values) -> list[Problem]:
        record = dict(values)
        record["budget_line_id"] = record.pop("line")
        self.records[self.natural_key(values)] = record
        problems = rules.expense_problems(values["amount"], values["description"])
        problems += rules.expense_date_problems(self.cohort, values["date"], self.today)
        return on_line(line, problems)
