"""The figures of docs/figures.md as pure functions, checked against values worked out by hand."""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from tracker.metrics.figures import (
    AssessmentInfo,
    BudgetLineInfo,
    CohortData,
    CohortInfo,
    ExpenseInfo,
    ModuleInfo,
    SessionInfo,
    TraineeInfo,
    at_least,
    at_risk_reasons,
    budget_figures,
    cohort_figures,
    competencies_acquired,
    figures_json,
    has_consecutive_absences,
    held_sessions,
    module_grades,
    progress,
    ratio,
    recent_assiduity,
    trainee_attendance,
    trainee_status,
)

MONDAY = date(2022, 1, 3)
AS_OF = date(2022, 6, 30)


def make_cohort(**overrides) -> CohortInfo:
    fields = {
        "slug": "ai-1",
        "starts_on": date(2022, 1, 1),
        "ends_on": date(2022, 12, 31),
        "grant_amount": Decimal("273000.00"),
        "contracted_trainees": 25,
        "planned_minutes_per_trainee": None,
        "attendance_threshold": 0.8,
    }
    fields.update(overrides)
    return CohortInfo(**fields)


def make_trainee(enrolled_on: date = date(2022, 1, 1), left_on: date | None = None, **overrides):
    fields = {"id": 1, "ref": "T01", "first_name": "Ada", "last_name": "Lovelace"}
    fields.update(overrides)
    return TraineeInfo(enrolled_on=enrolled_on, left_on=left_on, **fields)


def sessions_from(day: date, count: int, minutes: int = 210) -> list[SessionInfo]:
    """Return `count` half-days from `day`, AM then PM, ids from 1."""
    return [
        SessionInfo(i + 1, day + timedelta(days=i // 2), ("AM", "PM")[i % 2], minutes)
        for i in range(count)
    ]


def marks_for(statuses: list[str | None], missed: int = 0, trainee_id: int = 1) -> dict:
    """Map session ids 1, 2, ... to marks; None leaves the session unrecorded."""
    return {
        i + 1: (i + 1, trainee_id, status, missed)
        for i, status in enumerate(statuses)
        if status is not None
    }


def attendance_of(statuses: list[str | None], missed: int = 0, trainee=None):
    sessions = sessions_from(MONDAY, len(statuses))
    return trainee_attendance(trainee or make_trainee(), sessions, marks_for(statuses, missed))


def make_data(**overrides) -> CohortData:
    fields = {
        "as_of": AS_OF,
        "cohort": make_cohort(),
        "trainees": (),
        "sessions": (),
        "marks": (),
        "modules": (),
        "assessments": (),
        "scores": (),
        "budget_lines": (),
        "expenses": (),
    }
    fields.update(overrides)
    return CohortData(**fields)


# --- Who is expected when ----------------------------------------------------------------------


def test_expected_from_enrolment_to_leaving_day_inclusive():
    trainee = make_trainee(enrolled_on=date(2022, 1, 4), left_on=date(2022, 1, 5))
    assert not trainee.is_expected(date(2022, 1, 3))
    assert trainee.is_expected(date(2022, 1, 4))
    assert trainee.is_expected(date(2022, 1, 5))
    assert not trainee.is_expected(date(2022, 1, 6))
    assert make_trainee(enrolled_on=date(2022, 1, 4)).is_expected(date(2030, 1, 1))


def test_records_outside_the_enrolment_window_are_ignored():
    # One AM session a day, Monday 3 to Thursday 6 January; expected on the 4th and 5th only.
    sessions = [
        SessionInfo(id=d, date=date(2022, 1, 2 + d), slot="AM", minutes=210) for d in range(1, 5)
    ]
    marks = {1: (1, 1, "present", 0), 2: (2, 1, "absent", 0), 4: (4, 1, "present", 0)}
    trainee = make_trainee(enrolled_on=date(2022, 1, 4), left_on=date(2022, 1, 5))
    attendance = trainee_attendance(trainee, sessions, marks)
    # Scheduled: 2 x 210 = 420; the 4th is absent (0), the 5th unrecorded (210); the presents on
    # the 3rd and the 6th do not count.
    assert attendance.scheduled_minutes == 420
    assert attendance.attended_minutes == 0
    assert attendance.unrecorded_minutes == 210
    assert attendance.roll_calls == (("absent", 210, 0),)


# --- Hours and rates ---------------------------------------------------------------------------


def test_late_and_left_early_count_the_session_less_the_minutes_missed():
    sessions = sessions_from(MONDAY, 3)
    marks = {1: (1, 1, "late", 30), 2: (2, 1, "left_early", 45), 3: (3, 1, "late", 250)}
    attendance = trainee_attendance(make_trainee(), sessions, marks)
    # (210 - 30) + (210 - 45) + max(0, 210 - 250) = 180 + 165 + 0 = 345 minutes = 5.75 h
    assert attendance.attended_minutes == 345
    assert attendance.scheduled_minutes == 630
    # 345 / 630 = 0.547619... -> 0.5476
    assert attendance.attendance_rate == 0.5476


def test_excused_and_unrecorded_hours_and_both_rates():
    attendance = attendance_of(["present", "excused", None, "absent"])
    # 4 x 210 = 840 scheduled (14 h); attended 210 (3.5 h); excused 210; unrecorded 210.
    assert (attendance.scheduled_minutes, attendance.attended_minutes) == (840, 210)
    assert (attendance.excused_minutes, attendance.unrecorded_minutes) == (210, 210)
    # attendance = 210 / 840 = 0.25; assiduity = 210 / (840 - 210 - 210) = 0.5
    assert attendance.attendance_rate == 0.25
    assert attendance.assiduity_rate == 0.5


def test_rates_are_null_when_their_divisor_is_zero():
    nothing = attendance_of([])
    assert nothing.attendance_rate is None
    assert nothing.assiduity_rate is None
    # Everything excused or unrecorded: attendance 0 / 420 = 0.0, assiduity 0 / 0 -> null.
    excused = attendance_of(["excused", None])
    assert excused.attendance_rate == 0.0
    assert excused.assiduity_rate is None


def test_ratios_round_half_up_to_four_decimals():
    assert ratio(1, 3) == 0.3333
    assert ratio(2, 3) == 0.6667
    # 5 / 100000 = 0.00005 exactly: half up gives 0.0001 (half even would give 0.0).
    assert ratio(5, 100_000) == 0.0001
    assert ratio(7, 0) is None


# --- The assiduity window ----------------------------------------------------------------------


def low_assiduity(statuses: list[str | None], threshold: float = 0.8, missed: int = 0) -> bool:
    return "low_assiduity" in at_risk_reasons(attendance_of(statuses, missed), (), threshold)


def test_assiduity_window_needs_five_sessions():
    # 4 sessions attended 0 minutes (late by the whole session: not absent, so no streak).
    assert recent_assiduity(attendance_of(["late"] * 4, missed=210).roll_calls) is None
    assert not low_assiduity(["late"] * 4, missed=210)
    # A fifth one: 0 / 1050 = 0.0 < 0.8.
    assert recent_assiduity(attendance_of(["late"] * 5, missed=210).roll_calls) == 0.0
    assert low_assiduity(["late"] * 5, missed=210)


def test_assiduity_window_is_the_twenty_most_recent():
    # 5 old presents, then 20 sessions of which 5 absent (not in a row):
    # window = the 20 most recent = 15 / 20 = 0.75 < 0.8, whereas all 25 give 20 / 25 = 0.8.
    recent = ["present", "present", "present", "absent"] * 5
    statuses = ["present"] * 5 + recent
    assert recent_assiduity(attendance_of(statuses).roll_calls) == 0.75
    assert low_assiduity(statuses)
    # The other way round: 5 old absences then 20 presents -> window 20 / 20 = 1.0.
    assert not low_assiduity(["absent"] * 5 + ["present"] * 20)


def test_assiduity_window_leaves_out_excused_and_unrecorded_sessions():
    # 5 presents and 5 excused: the window is the 5 presents, 1.0 (counting the excused ones
    # as 0 would give 5 / 10 = 0.5 and flag the trainee).
    assert recent_assiduity(attendance_of(["present", "excused"] * 5).roll_calls) == 1.0
    assert not low_assiduity(["present", "excused"] * 5)
    # 4 absences and 4 excused: only 4 sessions count, too few to judge.
    assert not low_assiduity(["absent", "excused", "excused"] * 2 + ["absent", "absent"])
    # 5 presents and 5 unrecorded: 1.0.
    assert not low_assiduity(["present", None] * 5)


def test_assiduity_window_keeps_the_twenty_most_recent_behind_excused_ones():
    # 10 absences and 10 presents, then 25 excused: the window reaches back past the excused
    # ones, 2100 / 4200 = 0.5 < 0.8.
    assert low_assiduity(["absent", "present"] * 10 + ["excused"] * 25)


def test_assiduity_threshold_boundary():
    # 4 presents + 1 absence = 840 / 1050 = 0.8: at the threshold, not below it.
    assert not low_assiduity(["present"] * 4 + ["absent"])
    # 1 minute less: 839 / 1050 = 0.799... < 0.8.
    sessions = sessions_from(MONDAY, 5)
    marks = marks_for(["present"] * 3 + [None, "absent"])
    marks[4] = (4, 1, "late", 1)
    attendance = trainee_attendance(make_trainee(), sessions, marks)
    assert "low_assiduity" in at_risk_reasons(attendance, (), 0.8)
    assert "low_assiduity" not in at_risk_reasons(attendance, (), 0.79)


def test_sessions_are_ordered_by_date_then_morning_before_afternoon():
    d1, d2 = date(2022, 1, 3), date(2022, 1, 4)
    sessions = [
        SessionInfo(id=4, date=d2, slot="PM", minutes=210),
        SessionInfo(id=1, date=d1, slot="AM", minutes=210),
        SessionInfo(id=3, date=d2, slot="AM", minutes=210),
        SessionInfo(id=2, date=d1, slot="PM", minutes=210),
        SessionInfo(id=5, date=date(2022, 7, 1), slot="AM", minutes=210),  # after D
    ]
    assert [s.id for s in held_sessions(sessions, AS_OF)] == [1, 2, 3, 4]
    # d1 AM present, d1 PM / d2 AM / d2 PM absent: the 3 most recent are absences. Ordered PM
    # before AM, the 3 most recent would be d1 AM (present), d2 PM, d2 AM: no streak.
    marks = [(1, 1, "present", 0), (2, 1, "absent", 0), (3, 1, "absent", 0), (4, 1, "absent", 0)]
    data = make_data(trainees=(make_trainee(),), sessions=tuple(sessions), marks=marks)
    assert cohort_figures(data).trainees[0].at_risk == ("consecutive_absences",)


# --- Consecutive absences ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        (["present", "absent", "absent", "absent"], True),
        (["absent", "absent"], False),  # only 2 recorded
        (["absent", "absent", None, "absent"], True),  # a missing roll call does not break it
        (["absent", "excused", "absent", "absent"], False),  # the excused one is among the 3
        (["absent", "absent", "absent", "late"], False),
    ],
)
def test_consecutive_absences(statuses, expected):
    attendance = attendance_of(statuses)
    assert has_consecutive_absences(attendance.roll_calls) is expected
    assert ("consecutive_absences" in at_risk_reasons(attendance, (), 0.8)) is expected


def test_consecutive_absences_ignore_records_after_leaving():
    # 3 absences on Monday AM, PM and Tuesday AM; left on Tuesday; a present on Wednesday AM
    # (session 5) is ignored, so the streak stands.
    trainee = make_trainee(left_on=date(2022, 1, 4))
    marks = marks_for(["absent", "absent", "absent", None, "present"])
    attendance = trainee_attendance(trainee, sessions_from(MONDAY, 5), marks)
    assert has_consecutive_absences(attendance.roll_calls)


# --- Modules, progress and competencies --------------------------------------------------------

M1 = ModuleInfo(id=1, code="M01", planned_minutes=60 * 60, pass_mark=10.0)
M2 = ModuleInfo(id=2, code="M02", planned_minutes=40 * 60, pass_mark=12.0)
M3 = ModuleInfo(id=3, code="M03", planned_minutes=20 * 60)  # no assessment at all
HELD, LATER = date(2022, 3, 1), date(2022, 9, 1)


def test_weighted_grade_and_passed_module():
    assessments = [
        AssessmentInfo(id=1, module_id=1, date=HELD, max_score=20, weight=1),
        AssessmentInfo(id=2, module_id=1, date=HELD, max_score=50, weight=3),
    ]
    # 8/20*20 = 8 with weight 1; 30/50*20 = 12 with weight 3: (8 + 36) / 4 = 11 >= 10.
    (m1, m2, m3) = module_grades([M1, M2, M3], assessments, {1: 8, 2: 30}, AS_OF)
    assert m1.grade == pytest.approx(11.0)
    assert (m1.passed, m1.failing) == (True, False)
    # No assessment: neither passed nor failing, and no grade.
    assert (m2.grade, m2.passed, m2.failing) == (None, False, False)
    assert (m3.grade, m3.passed, m3.failing) == (None, False, False)


def test_failing_module_puts_the_trainee_at_risk():
    assessments = [AssessmentInfo(id=1, module_id=2, date=HELD, max_score=20, weight=1)]
    # 11.5 / 20 * 20 = 11.5 < 12 (the pass mark of M02).
    grades = module_grades([M1, M2], assessments, {1: 11.5}, AS_OF)
    assert grades[1].failing and not grades[1].passed
    assert at_risk_reasons(attendance_of([]), grades, 0.8) == ("failing_module",)


def test_module_with_assessments_still_to_come_is_neither_passed_nor_failing():
    assessments = [
        AssessmentInfo(id=1, module_id=1, date=HELD, max_score=20),
        AssessmentInfo(id=2, module_id=1, date=LATER, max_score=20),
    ]
    # Scored 4 on the held one: grade 4 so far; the second is after D, even with a score.
    (m1,) = module_grades([M1], assessments, {1: 4, 2: 20}, AS_OF)
    assert m1.grade == 4.0
    assert (m1.passed, m1.failing) == (False, False)
    assert (m1.scored, m1.assessments) == (1, 2)


def test_module_without_a_result_for_every_assessment_is_neither_passed_nor_failing():
    assessments = [
        AssessmentInfo(id=1, module_id=1, date=HELD, max_score=20),
        AssessmentInfo(id=2, module_id=1, date=HELD, max_score=20),
    ]
    (m1,) = module_grades([M1], assessments, {1: 18}, AS_OF)
    assert m1.grade == 18.0
    assert (m1.passed, m1.failing) == (False, False)


def test_pass_mark_ignores_float_noise():
    # 2.8 / 7 * 20 is 7.999999999999999 in floats: it is 8, the pass mark.
    assert 2.8 / 7 * 20 < 8
    assert at_least(2.8 / 7 * 20, 8)
    module = ModuleInfo(id=1, code="M01", planned_minutes=60, pass_mark=8)
    assessment = AssessmentInfo(id=1, module_id=1, date=HELD, max_score=7, competencies=("C1",))
    (grade,) = module_grades([module], [assessment], {1: 2.8}, AS_OF)
    assert grade.passed
    assert competencies_acquired([module], [assessment], {1: 2.8}, AS_OF) == ("C1",)


def test_progress_is_planned_hours_of_modules_passed_over_all():
    assessments = [
        AssessmentInfo(id=1, module_id=1, date=HELD, max_score=20),
        AssessmentInfo(id=2, module_id=2, date=HELD, max_score=20),
    ]
    grades = module_grades([M1, M2, M3], assessments, {1: 9, 2: 12}, AS_OF)
    # M02 passed (12 >= 12), M01 failing (9 < 10): 40 h / (60 + 40 + 20) h = 0.3333.
    assert progress([M1, M2, M3], grades) == 0.3333
    # Modules of 0 planned hours in total: null.
    empty = ModuleInfo(id=1, code="M01", planned_minutes=0)
    assert progress([empty], module_grades([empty], [], {}, AS_OF)) is None


def test_competencies_acquired_at_the_pass_mark_on_held_assessments():
    assessments = [
        AssessmentInfo(id=1, module_id=2, date=HELD, max_score=20, competencies=("C2", "C1")),
        AssessmentInfo(id=2, module_id=2, date=HELD, max_score=20, competencies=("C3",)),
        AssessmentInfo(id=3, module_id=1, date=LATER, max_score=20, competencies=("C4",)),
        AssessmentInfo(id=4, module_id=1, date=HELD, max_score=10, competencies=("C5",)),
    ]
    scores = {1: 12, 2: 11.9, 3: 20, 4: 5}
    # C1, C2: 12 >= 12 (M02's pass mark). C3: 11.9 < 12. C4: after D. C5: 5/10*20 = 10 >= 10.
    assert competencies_acquired([M1, M2], assessments, scores, AS_OF) == ("C1", "C2", "C5")


# --- Status ------------------------------------------------------------------------------------


def test_status_withdrawn_completed_active():
    cohort = make_cohort(ends_on=date(2022, 12, 31))
    leaving = make_trainee(left_on=date(2022, 6, 30))
    assert trainee_status(leaving, cohort, date(2022, 6, 29)) == "active"
    assert trainee_status(leaving, cohort, date(2022, 6, 30)) == "withdrawn"
    assert trainee_status(leaving, cohort, date(2023, 1, 5)) == "withdrawn"
    staying = make_trainee()
    assert trainee_status(staying, cohort, date(2022, 12, 30)) == "active"
    assert trainee_status(staying, cohort, date(2022, 12, 31)) == "completed"


# --- Budget ------------------------------------------------------------------------------------

TEN_DAYS = make_cohort(
    starts_on=date(2022, 1, 1), ends_on=date(2022, 1, 10), grant_amount=Decimal("1000.00")
)
LINES = (
    BudgetLineInfo(id=2, code="PED", label="Teaching", planned_amount=Decimal("600.00")),
    BudgetLineInfo(id=1, code="ADM", label="Admin", planned_amount=Decimal("400.00")),
    BudgetLineInfo(id=3, code="ZER", label="Unplanned", planned_amount=Decimal("0.00")),
)
EXPENSES = (
    ExpenseInfo(budget_line_id=2, date=date(2022, 1, 2), amount=Decimal("150.00")),
    ExpenseInfo(budget_line_id=1, date=date(2022, 1, 5), amount=Decimal("100.00")),
    ExpenseInfo(budget_line_id=1, date=date(2022, 1, 6), amount=Decimal("999.00")),  # after D
)


def test_budget_against_the_grant_the_lines_and_the_time_elapsed():
    budget = budget_figures(TEN_DAYS, LINES, EXPENSES, date(2022, 1, 5), realised_minutes=600)
    # Spent by the 5th: 150 + 100 = 250; remaining 750; consumption 250 / 1000 = 0.25.
    assert (budget.spent, budget.remaining) == (Decimal("250.00"), Decimal("750.00"))
    assert budget.consumption == 0.25
    # Elapsed: 5 days of 10 = 0.5; burn ratio 0.25 / 0.5 = 0.5; forecast 250 / 0.5 = 500.
    assert budget.elapsed == 0.5
    assert budget.burn_ratio == 0.5
    assert budget.forecast_at_completion == Decimal("500.00")
    # 600 minutes = 10 hours: 250 / 10 = 25.00 per hour.
    assert budget.cost_per_realised_hour == Decimal("25.00")
    # Lines by code; ADM 100 / 400 = 0.25; PED 150 / 600 = 0.25; ZER planned 0 -> null.
    assert [(line.code, line.spent, line.consumption) for line in budget.lines] == [
        ("ADM", Decimal("100.00"), 0.25),
        ("PED", Decimal("150.00"), 0.25),
        ("ZER", Decimal("0.00"), None),
    ]


@pytest.mark.parametrize(
    ("as_of", "elapsed"),
    [
        (date(2021, 12, 20), 0.0),  # 12 days before the start: -11 / 10, clamped to 0
        (date(2021, 12, 31), 0.0),  # the day before: 0 / 10
        (date(2022, 1, 1), 0.1),  # the first day counts: 1 / 10
        (date(2022, 1, 10), 1.0),
        (date(2022, 3, 1), 1.0),  # after the end: clamped to 1
    ],
)
def test_elapsed_is_clamped(as_of, elapsed):
    assert budget_figures(TEN_DAYS, LINES, (), as_of, 0).elapsed == elapsed


def test_before_the_start_burn_ratio_and_forecast_are_null():
    budget = budget_figures(TEN_DAYS, LINES, EXPENSES[:1], date(2021, 12, 31), 0)
    # The expense of 2 January is after D; elapsed 0, so no ratio to it.
    assert budget.spent == Decimal("0.00")
    assert (budget.burn_ratio, budget.forecast_at_completion) == (None, None)


def test_after_the_end_forecast_is_what_was_spent():
    budget = budget_figures(TEN_DAYS, LINES, EXPENSES, date(2022, 2, 1), 0)
    # 150 + 100 + 999 = 1249, elapsed 1: forecast 1249; burn ratio 1.249 / 1 = 1.249.
    assert budget.forecast_at_completion == Decimal("1249.00")
    assert budget.burn_ratio == 1.249
    assert budget.remaining == Decimal("-249.00")


def test_money_rounds_half_up_to_the_cent():
    three_days = make_cohort(starts_on=date(2022, 1, 1), ends_on=date(2022, 1, 3))
    expense = ExpenseInfo(budget_line_id=1, date=date(2022, 1, 1), amount=Decimal("100.03"))
    # Day 2 of 3: forecast = 100.03 / (2 / 3) = 150.045 -> 150.05 (half even would give 150.04).
    budget = budget_figures(three_days, (), [expense], date(2022, 1, 2), realised_minutes=120)
    assert budget.forecast_at_completion == Decimal("150.05")
    # 120 minutes = 2 h: 100.03 / 2 = 50.015 -> 50.02.
    assert budget.cost_per_realised_hour == Decimal("50.02")
    small = ExpenseInfo(budget_line_id=1, date=date(2022, 1, 1), amount=Decimal("10.01"))
    # 10.01 / 2 = 5.005 -> 5.01 (half even would give 5.00).
    budget = budget_figures(three_days, (), [small], date(2022, 1, 2), realised_minutes=120)
    assert budget.cost_per_realised_hour == Decimal("5.01")


def test_nulls_without_expenses_realised_hours_or_grant():
    budget = budget_figures(TEN_DAYS, LINES, (), date(2022, 1, 5), realised_minutes=0)
    # Nothing spent: the ratios are 0, not null, but there is no realised hour to divide by.
    assert (budget.spent, budget.consumption, budget.burn_ratio) == (Decimal("0.00"), 0.0, 0.0)
    assert budget.forecast_at_completion == Decimal("0.00")
    assert budget.cost_per_realised_hour is None
    free = make_cohort(
        starts_on=date(2022, 1, 1), ends_on=date(2022, 1, 10), grant_amount=Decimal("0.00")
    )
    budget = budget_figures(free, LINES, EXPENSES, date(2022, 1, 5), realised_minutes=60)
    assert (budget.consumption, budget.burn_ratio) == (None, None)
    assert budget.remaining == Decimal("-250.00")
    assert budget.cost_per_realised_hour == Decimal("250.00")


# --- The cohort and its JSON -------------------------------------------------------------------


def small_cohort_data() -> CohortData:
    """Three trainees, four sessions, two modules, one budget line."""
    cohort = make_cohort(
        starts_on=date(2022, 1, 3),
        ends_on=date(2022, 1, 12),  # 10 days
        grant_amount=Decimal("1000.00"),
        contracted_trainees=3,
    )
    trainees = (
        make_trainee(
            id=2, ref="T02", first_name="Alan", last_name="Turing", left_on=date(2022, 1, 3)
        ),
        make_trainee(id=1, ref="T01", first_name="Ada", last_name="Lovelace"),
        make_trainee(
            id=3, ref="T03", first_name="Late", last_name="Comer", enrolled_on=date(2022, 2, 1)
        ),
    )
    sessions = tuple(sessions_from(date(2022, 1, 3), 4))  # 3 Jan AM, PM; 4 Jan AM, PM
    marks = (
        (1, 1, "present", 0),
        (2, 1, "late", 30),
        (3, 1, "excused", 0),
        (1, 2, "absent", 0),
        (3, 2, "present", 0),  # T02 left on the 3rd: ignored
    )
    modules = (
        ModuleInfo(id=1, code="M01", planned_minutes=30 * 60),
        ModuleInfo(id=2, code="M02", planned_minutes=10 * 60),
    )
    assessments = (
        AssessmentInfo(
            id=1, module_id=2, date=date(2022, 1, 4), max_score=20, competencies=("C1",)
        ),
    )
    scores = ((1, 1, 15.0), (1, 2, 9.0))
    lines = (BudgetLineInfo(id=1, code="PED", label="Teaching", planned_amount=Decimal("800")),)
    expenses = (ExpenseInfo(budget_line_id=1, date=date(2022, 1, 4), amount=Decimal("100.00")),)
    return make_data(
        as_of=date(2022, 1, 4),
        cohort=cohort,
        trainees=trainees,
        sessions=sessions,
        marks=marks,
        modules=modules,
        assessments=assessments,
        scores=scores,
        budget_lines=lines,
        expenses=expenses,
    )


def test_cohort_figures_sum_the_enrolled_trainees():
    figures = cohort_figures(small_cohort_data())
    # T03 enrols after D: left out. T02 left on the 3rd: withdrawn.
    assert [t.ref for t in figures.trainees] == ["T01", "T02"]
    assert (figures.enrolled, figures.active, figures.withdrawn, figures.completed) == (2, 1, 1, 0)
    t01, t02 = figures.trainees
    # T01: 4 sessions = 840; 210 + 180 attended = 390; excused 210; 4 Jan PM unrecorded 210.
    assert (t01.attendance.scheduled_minutes, t01.attendance.attended_minutes) == (840, 390)
    # T02: expected on the 3rd only: 2 sessions = 420, absent then unrecorded.
    assert (t02.attendance.scheduled_minutes, t02.attendance.attended_minutes) == (420, 0)
    assert t02.attendance.unrecorded_minutes == 210
    # Cohort: scheduled 840 + 420 = 1260; attended 390; rate 390 / 1260 = 0.3095.
    assert figures.scheduled_minutes == 1260
    assert figures.attendance_rate == 0.3095
    # M02 (10 h of 40) passed by T01 (15 >= 10), failing for T02 (9 < 10).
    assert t01.modules_passed == ("M02",) and t01.progress == 0.25
    assert t02.modules_failing == ("M02",) and t02.progress == 0.0
    assert t02.at_risk == ("failing_module",)
    # Mean progress (0.25 + 0) / 2 = 0.125.
    assert figures.progress_mean == 0.125
    # Contracted: 3 trainees x (30 + 10) h = 120 h = 7200 minutes; 390 / 7200 = 0.0542 (0.054166).
    assert figures.contracted_minutes == 7200
    assert figures.trainee_hours_rate == 0.0542


def test_planned_hours_per_trainee_override_the_modules():
    data = small_cohort_data()
    cohort = make_cohort(contracted_trainees=3, planned_minutes_per_trainee=100 * 60)
    figures = cohort_figures(replace(data, cohort=cohort))
    assert figures.contracted_minutes == 3 * 100 * 60


def test_mean_progress_is_null_without_trainees_or_planned_hours():
    assert cohort_figures(make_data()).progress_mean is None
    data = small_cohort_data()
    no_hours = tuple(ModuleInfo(id=m.id, code=m.code, planned_minutes=0) for m in data.modules)
    figures = cohort_figures(replace(data, modules=no_hours))
    assert figures.progress_mean is None
    assert figures.trainees[0].progress is None


def test_figures_json_is_the_contract():
    document = figures_json(cohort_figures(small_cohort_data()))
    assert list(document) == [
        "cohort",
        "as_of",
        "enrolment",
        "attendance",
        "trainee_hours",
        "progress",
        "budget",
        "trainees",
    ]
    assert document["cohort"] == "ai-1"
    assert document["as_of"] == "2022-01-04"
    assert document["enrolment"] == {"enrolled": 2, "active": 1, "withdrawn": 1, "completed": 0}
    assert document["attendance"] == {
        "scheduled_hours": 21.0,  # 1260 minutes
        "attended_hours": 6.5,  # 390 minutes
        "excused_hours": 3.5,
        "unrecorded_hours": 7.0,  # 210 (T01) + 210 (T02)
        "rate": 0.3095,
    }
    assert document["trainee_hours"] == {"realised": 6.5, "contracted": 120.0, "rate": 0.0542}
    assert document["progress"] == {"mean": 0.125}
    # 100 spent of 1000; day 2 of 10 = 0.2; burn 0.1 / 0.2 = 0.5; forecast 100 / 0.2 = 500;
    # 100 / 6.5 h = 15.3846... -> 15.38.
    assert document["budget"] == {
        "grant": "1000.00",
        "spent": "100.00",
        "remaining": "900.00",
        "consumption": 0.1,
        "elapsed": 0.2,
        "burn_ratio": 0.5,
        "forecast_at_completion": "500.00",
        "cost_per_realised_hour": "15.38",
        "lines": [
            {
                "code": "PED",
                "label": "Teaching",
                "planned": "800.00",
                "spent": "100.00",
                "consumption": 0.125,
            },
        ],
    }
    assert document["trainees"][0] == {
        "ref": "T01",
        "name": "Ada Lovelace",
        "status": "active",
        "scheduled_hours": 14.0,
        "attended_hours": 6.5,
        "excused_hours": 3.5,
        "unrecorded_hours": 3.5,
        "attendance_rate": 0.4643,  # 390 / 840 = 0.46428...
        "assiduity_rate": 0.9286,  # 390 / (840 - 210 - 210) = 0.92857...
        "progress": 0.25,
        "modules_passed": ["M02"],
        "competencies_acquired": ["C1"],
        "at_risk": [],
    }
    assert document["trainees"][1]["competencies_acquired"] == []
    assert document["trainees"][1]["assiduity_rate"] == 0.0  # 0 / (420 - 0 - 210)
