"""Durations are kept as whole minutes, so that sums of hours are exact."""

from decimal import ROUND_HALF_UP, Decimal


def hours_to_minutes(hours: Decimal) -> int:
    """Convert hours to whole minutes, rounding half up (3.5 hours is 210 minutes)."""
    return int((hours * 60).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def minutes_to_hours(minutes: int) -> float:
    """Convert minutes to hours, rounded to 2 decimals as reported."""
    return round(minutes / 60, 2)
