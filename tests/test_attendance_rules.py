"""The rules of a roll call's marks (tracker/attendance/rules.py): pure functions, no database."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from tracker.attendance import rules

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def database_url():
    """Pure functions: the application only for its catalog, on a database never opened."""
    return "sqlite://"


@pytest.fixture(autouse=True)
def english(app_context):
    """The messages are gettext's: an application context, in English."""


def problems(status, minutes=None, note=None, *, session_minutes=210, started=True):
    return [
        (problem.field, problem.message)
        for problem in rules.mark_problems(
            status, minutes, note, session_minutes=session_minutes, started=started
        )
    ]


MINUTES_NEEDED = "Enter the minutes missed, more than 0, for a late arrival or early departure."


@pytest.mark.parametrize(
    ("mark", "expected"),
    [
        (("present", None, None), []),
        (("present", 0, "Arrived on time"), []),
        (("late", 20, None), []),
        (("left_early", 210, "Doctor"), []),
        (("excused", None, "Sick note"), []),
        (("absent", 0, None), []),
        (("late", None, None), [("minutes_missed", MINUTES_NEEDED)]),
        (("late", 0, "Bus"), [("minutes_missed", MINUTES_NEEDED)]),
        (("left_early", 0, None), [("minutes_missed", MINUTES_NEEDED)]),
        (("late", -5, None), [("minutes_missed", "Enter 0 or more minutes.")]),
        (
            ("late", 211, None),
            [("minutes_missed", "At most 210 minutes, the session's length.")],
        ),
        (
            ("present", 10, None),
            [("minutes_missed", "Minutes missed are only for a trainee late or leaving early.")],
        ),
        (
            ("absent", 10, None),
            [("minutes_missed", "Minutes missed are only for a trainee late or leaving early.")],
        ),
        (("excused", None, "  "), [("note", "A reason is required for an excused absence.")]),
        (("asleep", None, None), [("status", "Choose a status.")]),
    ],
)
def test_the_rules_of_a_mark(mark, expected):
    assert problems(*mark) == expected


NOT_STARTED = (
    "status",
    "This half-day has not started: only an absence announced in advance can be recorded, as an "
    "excused absence with its reason.",
)


@pytest.mark.parametrize(
    ("mark", "expected"),
    [
        (("excused", None, "Job interview"), []),
        (("excused", None, ""), [("note", "A reason is required for an excused absence.")]),
        (("present", None, None), [NOT_STARTED]),
        (("absent", None, "Said so"), [NOT_STARTED]),
        (("late", 10, None), [NOT_STARTED]),
    ],
)
def test_before_the_half_day_only_an_announced_absence(mark, expected):
    assert problems(*mark, started=False) == expected


def paris(*when: int) -> datetime:
    return datetime(*when, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("slot", "now", "started"),
    [
        ("AM", paris(2022, 1, 10, 8, 59, 59), False),
        ("AM", paris(2022, 1, 10, 9, 0), True),
        ("PM", paris(2022, 1, 10, 13, 29), False),
        ("PM", paris(2022, 1, 10, 13, 30), True),
        ("AM", paris(2022, 1, 9, 23, 0), False),
        ("PM", paris(2022, 1, 11, 0, 0), True),
        # In summer Paris is UTC+2: 06:59 UTC is 08:59 there.
        ("AM", datetime(2022, 7, 1, 6, 59, tzinfo=UTC), False),
        ("AM", datetime(2022, 7, 1, 7, 0, tzinfo=UTC), True),
    ],
)
def test_a_half_day_starts_at_nine_or_half_past_one_in_paris(slot, now, started):
    day = now.astimezone(PARIS).date() if now.tzinfo is UTC else date(2022, 1, 10)
    assert rules.has_started(day, slot, now) is started


@pytest.mark.parametrize(
    ("line", "started", "is_mark"),
    [
        (("present", None, ""), True, True),
        (("present", None, ""), False, False),
        (("present", None, "  "), False, False),
        (("present", 5, ""), False, True),
        (("present", None, "Will be late"), False, True),
        (("excused", None, "Sick"), False, True),
    ],
)
def test_before_the_half_day_a_line_left_present_is_no_mark(line, started, is_mark):
    assert rules.is_mark(*line, started) is is_mark
