"""The features' rules (tracker/*/rules.py): pure functions, each written once and asked by the
forms, the operations and the importer; no database."""

from datetime import date, time
from decimal import Decimal
from types import SimpleNamespace

import pytest

from tracker.assessments import rules as assessments
from tracker.attendance import rules as attendance
from tracker.auth import rules as accounts
from tracker.budget import rules as budget
from tracker.cohorts import rules as cohorts

COHORT = SimpleNamespace(
    starts_on=date(2022, 1, 3),
    ends_on=date(2022, 12, 16),
    morning_starts_at=time(9, 0),
    morning_ends_at=time(12, 30),
    afternoon_starts_at=time(13, 30),
    afternoon_ends_at=time(17, 0),
)


@pytest.fixture
def database_url():
    """Pure functions: the application only for its catalog, on a database never opened."""
    return "sqlite://"


@pytest.fixture(autouse=True)
def english(app_context):
    """The messages are gettext's: an application context, in English."""


def said(problems, *, in_file=False):
    return [
        (problem.field, problem.file_message if in_file else problem.message)
        for problem in problems
    ]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2022, 1, 9), False),  # the day before enrolment
        (date(2022, 1, 10), True),  # enrolment day
        (date(2022, 3, 15), True),  # the day they left
        (date(2022, 3, 16), False),  # the day after
    ],
)
def test_a_trainee_is_expected_from_enrolment_to_leaving_both_included(day, expected):
    assert cohorts.is_expected(day, date(2022, 1, 10), date(2022, 3, 15)) is expected
    trainee = SimpleNamespace(enrolled_on=date(2022, 1, 10), left_on=date(2022, 3, 15))
    assert cohorts.expected_on(trainee, day) is expected


def test_a_trainee_who_has_not_left_is_expected_every_day_after_enrolment():
    assert cohorts.is_expected(date(2030, 1, 1), date(2022, 1, 10), None)
    assert not cohorts.has_left(None, date(2030, 1, 1))
    assert cohorts.has_left(date(2022, 3, 15), date(2022, 3, 15))
    assert not cohorts.has_left(date(2022, 3, 15), date(2022, 3, 14))


def test_a_file_names_why_a_trainee_is_not_expected():
    assert said(
        cohorts.not_expected_problems("T03", date(2022, 1, 3), date(2022, 1, 10), None)
    ) == [("trainee", "T03 is not expected on 2022-01-03: enrolled on 2022-01-10")]
    left = cohorts.not_expected_problems(
        "T02", date(2022, 4, 1), date(2022, 1, 3), date(2022, 3, 15)
    )
    assert said(left) == [("trainee", "T02 is not expected on 2022-04-01: left on 2022-03-15")]


def test_a_day_outside_the_cohort_is_said_for_a_form_and_for_a_file():
    problems = cohorts.outside_cohort_problems(COHORT, date(2023, 1, 2))
    assert said(problems) == [
        ("date", "The date must be within the cohort, from 03/01/2022 to 16/12/2022.")
    ]
    assert said(problems, in_file=True) == [
        ("date", "2023-01-02 is outside the cohort (2022-01-03 to 2022-12-16)")
    ]
    assert cohorts.outside_cohort_problems(COHORT, COHORT.ends_on) == []
    assert cohorts.outside_cohort_problems(COHORT, None) == []


def test_a_withdrawal_needs_a_day_after_enrolment_and_a_reason():
    enrolled = date(2022, 1, 10)
    assert said(
        cohorts.withdrawal_problems(enrolled, date(2022, 1, 9), "Emploi"), in_file=True
    ) == [("left_on", "2022-01-09 is before enrolled_on 2022-01-10")]
    assert said(cohorts.withdrawal_problems(enrolled, date(2022, 2, 1), " ")) == [
        ("reason", "Give the reason for leaving.")
    ]
    assert said(cohorts.withdrawal_problems(enrolled, None, "Emploi"), in_file=True) == [
        ("left_on", "is required when exit_reason is given")
    ]
    assert cohorts.withdrawal_problems(enrolled, enrolled, "Emploi") == []
    assert cohorts.withdrawal_problems(enrolled, None, None) == []


def test_a_session_is_a_half_day_of_the_cohort():
    assert attendance.session_problems(COHORT, date(2022, 1, 10), "AM", 210, "classroom") == []
    assert said(attendance.session_problems(COHORT, date(2022, 1, 10), "EV", 0, "hybrid")) == [
        ("slot", "Choose the morning or the afternoon."),
        ("kind", "Choose a kind of session."),
        ("hours", "The hours must be more than 0 and at most 12."),
    ]
    assert said(attendance.hours_problems(0), in_file=True) == [
        ("hours", "must be at least one minute")
    ]
    assert said(attendance.hours_problems(721), in_file=True) == [
        ("hours", "The hours must be more than 0 and at most 12.")
    ]
    assert said(attendance.missed_problems(120, 150), in_file=True) == [
        ("hours", "a trainee already missed 150 minutes of this session")
    ]
    assert attendance.missed_problems(150, 150) == []
    assert attendance.missed_problems(10, None) == []


def test_a_score_lies_between_0_and_the_maximum():
    assert assessments.score_problems(Decimal(40), 40.0) == []
    above = assessments.score_problems(Decimal("40.5"), 40.0, assessment="E01")
    assert said(above, in_file=True) == [("score", "40.5 is above the maximum of 40 for E01")]
    assert said(assessments.score_problems(Decimal(-1), 20.0, trainee="Ada (T01)")) == [
        ("score", "Ada (T01): the score must be between 0 and 20.")
    ]
    assert said(assessments.score_problems(None, 20.0, "Bien", trainee="Ada (T01)")) == [
        ("score", "Ada (T01): enter a score, or clear the comment.")
    ]
    assert said(assessments.maximum_problems(Decimal(10), 15.5), in_file=True) == [
        ("max_score", "10 is below a score of 15.5 already recorded")
    ]


def test_an_account_takes_only_the_links_of_its_role():
    assert accounts.link_problems("instructor", teaches=True, trainee=False) == []
    assert said(accounts.link_problems("officer", teaches=True, trainee=True), in_file=True) == [
        ("trainee", "only a trainee account can be linked to a trainee"),
        ("cohorts", "only instructors are linked to the cohorts they teach"),
    ]
    assert said(accounts.link_problems("trainee", teaches=False, trainee=False)) == [
        ("trainee", "Choose the trainee this account belongs to.")
    ]


def test_an_expense_is_dated_from_a_year_before_the_cohort_to_a_year_after():
    today = date(2026, 11, 27)
    assert budget.expense_date_problems(COHORT, date(2021, 1, 3), today) == []
    assert budget.expense_date_problems(COHORT, date(2023, 12, 16), today) == []
    late = budget.expense_date_problems(COHORT, date(2023, 12, 17), today)
    assert said(late, in_file=True) == [
        ("date", "2023-12-17 is outside the expenses' dates (2021-01-03 to 2023-12-16)")
    ]
    # Never more than a month after today.
    assert budget.expense_date_problems(COHORT, date(2022, 3, 1), date(2022, 1, 15)) != []
