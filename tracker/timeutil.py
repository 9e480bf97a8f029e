"""Timestamps are timezone-aware UTC."""

import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


def utc_now() -> datetime:
    """Return the current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("timestamps must be timezone-aware")
            value = value.astimezone(UTC)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


COURSE_TIME_ZONE = ZoneInfo("Europe/Paris")


def course_now() -> datetime:
    """Return the current time where the course is held (Europe/Paris)."""
    return utc_now().astimezone(COURSE_TIME_ZONE)


def today() -> date:
    """Return today's date where the course is held (Europe/Paris), the default date D."""
    return course_now().date()


# A time of day as people type it: 09:00, 9:00, 9h00, 09H30, or 09:00:00 from a workbook's cell.
CLOCK = re.compile(r"(\d{1,2})[:hH](\d{2})(?::(\d{2}))?")


def read_clock(text: str) -> time:
    """Read a time of day typed as HH:MM (or 9h30, or HH:MM:SS); raise ValueError otherwise."""
    match = CLOCK.fullmatch(text.strip())
    if match is None:
        raise ValueError(text)
    hour, minute, second = (int(part) for part in match.groups(default="0"))
    return time(hour, minute, second)  # ValueError beyond 23:59:59
