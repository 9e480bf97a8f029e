"""Money is exact: Decimal in Python, integer cents in the database, rounded half up."""

from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import BigInteger
from sqlalchemy.types import TypeDecorator

CENT = Decimal("0.01")


def round_money(amount: Decimal) -> Decimal:
    """Round an amount to the cent, half up."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


class Money(TypeDecorator):
    """A Decimal amount of euros stored as a whole number of cents."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        value = Decimal(value)
        if value != round_money(value):
            raise ValueError(f"{value} is not a whole number of cents")
        return int(value * 100)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return (Decimal(value) / 100).quantize(CENT)
