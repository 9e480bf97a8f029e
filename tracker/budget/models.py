"""The grant's budget lines and the expenses charged to them."""

from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.codes import code_constraints
from tracker.extensions import db
from tracker.money import Money


class BudgetLine(db.Model):
    """A line of the grant's budget with its planned amount."""

    __tablename__ = "budget_lines"
    __table_args__ = (
        UniqueConstraint("cohort_id", "code"),
        CheckConstraint("planned_amount >= 0", name="planned_not_negative"),
        *code_constraints("code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(32))
    label: Mapped[str] = mapped_column(String(200))
    planned_amount: Mapped[Decimal] = mapped_column(Money)

    expenses: Mapped[list["Expense"]] = relationship(
        back_populates="line", order_by="Expense.date", passive_deletes=True
    )


class Expense(db.Model):
    """Money spent on one budget line."""

    __tablename__ = "expenses"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        # The natural key when there is a reference; rows without one are matched whole.
        UniqueConstraint("budget_line_id", "date", "reference"),
        Index("ix_expenses_budget_line_id_date", "budget_line_id", "date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    budget_line_id: Mapped[int] = mapped_column(ForeignKey("budget_lines.id", ondelete="RESTRICT"))
    date: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money)
    description: Mapped[str] = mapped_column(Text)
    supplier: Mapped[str | None] = mapped_column(String(200))
    reference: Mapped[str | None] = mapped_column(String(100))

    line: Mapped[BudgetLine] = relationship(back_populates="expenses")
