"""Whether a cohort's budget is overspent as of D: the rule that the funding page and the funding
report share, so that both warn on the same figures.

The budget is overspent when the forecast at completion exceeds the grant (spending at the pace
so far runs out of the grant before the course ends), or when a budget line's spending exceeds
its planned amount. Equal is not over: a forecast of exactly the grant spends it all, no more.
"""

from dataclasses import dataclass
from decimal import Decimal

from tracker.metrics.figures import BudgetFigures, LineFigures


@dataclass(frozen=True, slots=True)
class LineOverspent:
    """A budget line whose spending exceeds its planned amount, and by how much."""

    code: str
    label: str
    planned: Decimal
    spent: Decimal
    excess: Decimal


@dataclass(frozen=True, slots=True)
class Overspending:
    """What is over in a budget: the forecast over the grant (None when not), the lines over."""

    grant: Decimal
    forecast: Decimal | None
    forecast_excess: Decimal | None
    lines: tuple[LineOverspent, ...]

    def __bool__(self) -> bool:
        return self.forecast_excess is not None or bool(self.lines)


def line_overspent(line: LineFigures) -> LineOverspent | None:
    """Return how far a line's spending exceeds its planned amount, or None if it does not."""
    if line.spent <= line.planned:
        return None
    return LineOverspent(line.code, line.label, line.planned, line.spent, line.spent - line.planned)


def overspending(budget: BudgetFigures) -> Overspending:
    """Tell what is overspent in a budget: the forecast at completion over the grant, the lines
    spent beyond their planned amounts (false when nothing is)."""
    forecast = budget.forecast_at_completion
    over = forecast is not None and forecast > budget.grant
    return Overspending(
        grant=budget.grant,
        forecast=forecast,
        forecast_excess=forecast - budget.grant if over else None,
        lines=tuple(filter(None, map(line_overspent, budget.lines))),
    )
