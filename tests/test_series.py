"""The series behind the charts and the monthly statement, checked against values worked by hand."""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.test_metrics_figures import make_cohort, make_data, make_trainee
from tracker.demo.generate import generate
from tracker.metrics import series
from tracker.metrics.figures import (
    AssessmentInfo,
    BudgetLineInfo,
    CohortData,
    CohortInfo,
    ExpenseInfo,
    ModuleInfo,
    SessionInfo,
    TraineeInfo,
    cohort_figures,
)
from tracker.metrics.series import (
    BurnUpPoint,
    attendance_heatmap,
    budget_burn_up,
    iso_week,
    monthly_statement,
    trainee_module_grades,
    trainee_monthly_attendance,
    weekly_attendance,
)


def demo_cohort_data(as_of: date, rows=None) -> CohortData:
    """Turn the generated demo rows into the figures' input as of D, as the loader would."""
    rows = rows or generate()
    cohort = rows.cohort
    trainees = tuple(
        TraineeInfo(i, t["ref"], t["first_name"], t["last_name"], t["enrolled_on"], t["left_on"])
        for i, t in enumerate(rows.trainees, 1)
    )
    trainee_ids = {t.ref: t.id for t in trainees}
    modules = tuple(
        ModuleInfo(i, m["code"], m["planned_minutes"], m["pass_mark"])
        for i, m in enumerate(rows.modules, 1)
    )
    module_ids = {m.code: m.id for m in modules}
    sessions = tuple(
        SessionInfo(i, s["date"], s["slot"], s["minutes"], module_ids[s["module"]])
        for i, s in enumerate(rows.sessions, 1)
    )
    session_ids = {(s.date, s.slot): s.id for s in sessions}
    assessments = tuple(
        AssessmentInfo(
            i,
            module_ids[a["module"]],
            a["date"],
            a["max_score"],
            a["weight"],
            tuple(sorted(a["competencies"])),
            a["code"],
        )
        for i, a in enumerate(rows.assessments, 1)
    )
    assessment_ids = {a.code: a.id for a in assessments}
    lines = tuple(
        BudgetLineInfo(i, line["code"], line["label"], line["planned_amount"])
        for i, line in enumerate(rows.budget_lines, 1)
    )
    line_ids = {line.code: line.id for line in lines}
    return CohortData(
        as_of=as_of,
        cohort=CohortInfo(
            slug=cohort["slug"],
            starts_on=cohort["starts_on"],
            ends_on=cohort["ends_on"],
            grant_amount=cohort["grant_amount"],
            contracted_trainees=cohort["contracted_trainees"],
            planned_minutes_per_trainee=cohort["planned_minutes_per_trainee"],
            attendance_threshold=float(cohort["attendance_threshold"]),
        ),
        trainees=tuple(t for t in trainees if t.enrolled_on <= as_of),
        sessions=tuple(s for s in sessions if s.date <= as_of),
        marks=tuple(
            (
                session_ids[r["date"], r["slot"]],
                trainee_ids[r["trainee"]],
                r["status"],
                r["minutes_missed"],
            )
            for r in rows.attendance
            if r["date"] <= as_of
        ),
        modules=modules,
        assessments=assessments,
        scores=tuple(
            (assessment_ids[r["assessment"]], trainee_ids[r["trainee"]], r["score"])
            for r in rows.results
        ),
        budget_lines=lines,
        expenses=tuple(
            ExpenseInfo(line_ids[e["line"]], e["date"], e["amount"])
            for e in rows.expenses
            if e["date"] <= as_of
        ),
    )


@pytest.fixture(scope="module")
def demo_rows():
    return generate()


# --- Weekly attendance and the heat map ---------------------------------------------------------
#
# Sessions: Monday 27 December 2021 (before anyone's enrolment), Monday 3 January 2022 AM and PM,
# Monday 10 and 17 January AM, and Monday 24 January, after D.
# T01, enrolled on 1 January: present, late 30 minutes; excused; unrecorded.
# T02, enrolled on 10 January and left on the same day: absent on the 10th. Its records of the 3rd
# and the 17th (not expected) are ignored.
# T03 enrols after D.


def attendance_cohort() -> CohortData:
    sessions = (
        SessionInfo(1, date(2021, 12, 27), "AM", 210),
        SessionInfo(2, date(2022, 1, 3), "AM", 210),
        SessionInfo(3, date(2022, 1, 3), "PM", 210),
        SessionInfo(4, date(2022, 1, 10), "AM", 210),
        SessionInfo(5, date(2022, 1, 17), "AM", 210),
        SessionInfo(6, date(2022, 1, 24), "AM", 210),
    )
    trainees = (
        make_trainee(id=3, ref="T03", enrolled_on=date(2022, 2, 1)),
        make_trainee(id=2, ref="T02", enrolled_on=date(2022, 1, 10), left_on=date(2022, 1, 10)),
        make_trainee(id=1, ref="T01", enrolled_on=date(2022, 1, 1)),
    )
    marks = (
        (2, 1, "present", 0),
        (3, 1, "late", 30),
        (4, 1, "excused", 0),
        (2, 2, "present", 0),
        (4, 2, "absent", 0),
        (5, 2, "present", 0),
        (6, 1, "present", 0),
    )
    return make_data(as_of=date(2022, 1, 17), trainees=trainees, sessions=sessions, marks=marks)


def test_weekly_attendance_adds_up_the_expected_trainees_per_iso_week():
    points = weekly_attendance(attendance_cohort())
    assert [(p.week, p.starts_on) for p in points] == [
        ("2021-W52", date(2021, 12, 27)),
        ("2022-W01", date(2022, 1, 3)),
        ("2022-W02", date(2022, 1, 10)),
        ("2022-W03", date(2022, 1, 17)),
    ]
    minutes = [
        (p.scheduled_minutes, p.attended_minutes, p.excused_minutes, p.unrecorded_minutes)
        for p in points
    ]
    # W52: nobody expected. W01: T01 only, 210 + 180 of 420. W02: T01 excused, T02 absent.
    # W03: T01 unrecorded; T02 has left, their present is ignored.
    assert minutes == [(0, 0, 0, 0), (420, 390, 0, 0), (420, 0, 210, 0), (210, 0, 0, 210)]
    assert [p.rate for p in points] == [None, 0.9286, 0.0, 0.0]
    # Of the hours recorded: W03's only roll call is not taken, which is no absence.
    assert [p.recorded_rate for p in points] == [None, 0.9286, 0.0, None]
    assert {p.threshold for p in points} == {0.8}


def test_weekly_attendance_is_empty_before_the_first_session():
    data = attendance_cohort()
    assert weekly_attendance(make_data(as_of=date(2021, 12, 26), trainees=data.trainees)) == []


def test_heatmap_has_a_row_per_enrolled_trainee_by_ref_blank_where_not_expected():
    heatmap = attendance_heatmap(attendance_cohort())
    assert heatmap.refs == ("T01", "T02")  # T03 enrols after D
    assert heatmap.weeks == ("2021-W52", "2022-W01", "2022-W02", "2022-W03")
    assert heatmap.week_starts[0] == date(2021, 12, 27)
    # Of the hours recorded: T01's week 3, not recorded, has no rate, and its minutes apart.
    assert heatmap.rates == (
        (None, 0.9286, 0.0, None),
        (None, None, 0.0, None),
    )
    assert heatmap.unrecorded == (
        (None, 0, 0, 210),
        (None, None, 0, None),
    )
    assert heatmap.threshold == 0.8


def test_iso_weeks_at_the_turn_of_the_year():
    assert iso_week(date(2021, 1, 3)) == "2020-W53"
    assert iso_week(date(2024, 12, 30)) == "2025-W01"


# --- The monthly statement ----------------------------------------------------------------------
#
# Sessions: Friday 31 December AM, Monday 3 January AM, Monday 31 January AM, Tuesday 1 February AM
# and PM. T01 (from 1 December): present; late 45; absent; excused; left early 300 minutes (more
# than the session). T02 (3 to 31 January): a record on 31 December (ignored), present,
# unrecorded, a record on 1 February (ignored).


def statement_cohort(as_of: date = date(2022, 2, 1)) -> CohortData:
    sessions = (
        SessionInfo(1, date(2021, 12, 31), "AM", 210),
        SessionInfo(2, date(2022, 1, 3), "AM", 210),
        SessionInfo(3, date(2022, 1, 31), "AM", 210),
        SessionInfo(4, date(2022, 2, 1), "AM", 210),
        SessionInfo(5, date(2022, 2, 1), "PM", 210),
    )
    trainees = (
        make_trainee(id=1, ref="T01", enrolled_on=date(2021, 12, 1)),
        make_trainee(
            id=2,
            ref="T02",
            first_name="Alan",
            last_name="Turing",
            enrolled_on=date(2022, 1, 3),
            left_on=date(2022, 1, 31),
        ),
    )
    marks = (
        (1, 1, "present", 0),
        (2, 1, "late", 45),
        (3, 1, "absent", 0),
        (4, 1, "excused", 0),
        (5, 1, "left_early", 300),
        (1, 2, "present", 0),
        (2, 2, "present", 0),
        (4, 2, "present", 0),
    )
    return make_data(
        as_of=as_of,
        cohort=make_cohort(starts_on=date(2021, 12, 1)),
        trainees=trainees,
        sessions=sessions,
        marks=marks,
    )


def test_an_ended_month_s_statement_is_the_same_from_any_later_date():
    """The statement page takes an ended month's rows from the cohort's data as of D, kept for
    every page: they are those of the data as of the month's end, a trainee enrolled later and
    the later sessions' marks included."""
    later = make_trainee(id=3, ref="T03", enrolled_on=date(2022, 2, 1))

    def data(as_of: date) -> CohortData:
        cohort = statement_cohort(as_of)
        return replace(
            cohort, trainees=(*cohort.trainees, later), marks=(*cohort.marks, (4, 3, "late", 30))
        )

    for month, end in (
        (date(2021, 12, 1), date(2021, 12, 31)),
        (date(2022, 1, 1), date(2022, 1, 31)),
    ):
        at_its_end = [row for row in monthly_statement(data(end)) if row.month == month]
        assert at_its_end
        for later_day in (end + timedelta(days=1), date(2022, 2, 1), date(2022, 6, 30)):
            assert [r for r in monthly_statement(data(later_day)) if r.month == month] == at_its_end


def test_monthly_statement_splits_each_trainees_hours_by_calendar_month():
    rows = monthly_statement(statement_cohort())
    assert [
        (
            r.ref,
            r.month,
            r.scheduled_minutes,
            r.attended_minutes,
            r.excused_minutes,
            r.unjustified_minutes,
            r.unrecorded_minutes,
        )
        for r in rows
    ] == [
        ("T01", date(2021, 12, 1), 210, 210, 0, 0, 0),
        # late 45: 165 attended, 45 unjustified; absent: 210 unjustified.
        ("T01", date(2022, 1, 1), 420, 165, 0, 255, 0),
        # excused 210; left early by more than the session: 0 attended, 210 unjustified.
        ("T01", date(2022, 2, 1), 420, 0, 210, 210, 0),
        # Not expected in December nor February: no rows there.
        ("T02", date(2022, 1, 1), 420, 210, 0, 0, 210),
    ]
    assert rows[1].unjustified_hours == 4.25
    assert rows[1].attendance_rate == 0.3929
    assert rows[3].name == "Alan Turing"


def test_statement_parts_add_up_to_the_scheduled_hours_and_the_figures():
    data = statement_cohort()
    rows = monthly_statement(data)
    for row in rows:
        assert row.scheduled_minutes == (
            row.attended_minutes
            + row.excused_minutes
            + row.unjustified_minutes
            + row.unrecorded_minutes
        )
    for trainee in cohort_figures(data).trainees:
        own = [row for row in rows if row.trainee_id == trainee.id]
        attendance = trainee.attendance
        assert sum(r.scheduled_minutes for r in own) == attendance.scheduled_minutes
        assert sum(r.attended_minutes for r in own) == attendance.attended_minutes
        assert sum(r.excused_minutes for r in own) == attendance.excused_minutes
        assert sum(r.unrecorded_minutes for r in own) == attendance.unrecorded_minutes


def test_statement_stops_at_d():
    rows = monthly_statement(statement_cohort(as_of=date(2022, 1, 31)))
    assert [(r.ref, r.month) for r in rows] == [
        ("T01", date(2021, 12, 1)),
        ("T01", date(2022, 1, 1)),
        ("T02", date(2022, 1, 1)),
    ]


@pytest.mark.parametrize("as_of", [date(2022, 2, 15), date(2022, 9, 30), date(2023, 3, 31)])
def test_demo_statement_sums_to_every_trainees_figures(demo_rows, as_of):
    data = demo_cohort_data(as_of, demo_rows)
    rows = monthly_statement(data)
    figures = cohort_figures(data)
    assert len(figures.trainees) == 25
    for trainee in figures.trainees:
        own = [row for row in rows if row.trainee_id == trainee.id]
        assert own, trainee.ref
        assert [row.month for row in own] == sorted({row.month for row in own})
        attendance = trainee.attendance
        assert sum(r.scheduled_minutes for r in own) == attendance.scheduled_minutes
        assert sum(r.attended_minutes for r in own) == attendance.attended_minutes
        assert sum(r.excused_minutes for r in own) == attendance.excused_minutes
        assert sum(r.unrecorded_minutes for r in own) == attendance.unrecorded_minutes
        for row in own:
            assert row.scheduled_minutes == (
                row.attended_minutes
                + row.excused_minutes
                + row.unjustified_minutes
                + row.unrecorded_minutes
            )
    # The withdrawn trainees have no row after the month they left in.
    for trainee in data.trainees:
        if trainee.left_on is not None and trainee.left_on <= as_of:
            last = max(row.month for row in rows if row.trainee_id == trainee.id)
            assert last == trainee.left_on.replace(day=1)
    # And the cohort's weeks add up to the cohort's hours.
    weeks = weekly_attendance(data)
    assert sum(p.scheduled_minutes for p in weeks) == figures.scheduled_minutes
    assert sum(p.attended_minutes for p in weeks) == figures.attended_minutes
    assert sum(p.excused_minutes for p in weeks) == figures.excused_minutes
    assert sum(p.unrecorded_minutes for p in weeks) == figures.unrecorded_minutes


# --- A trainee's months against the cohort's ----------------------------------------------------


def test_trainee_monthly_attendance_beside_the_cohorts():
    data = statement_cohort()
    t01 = trainee_monthly_attendance(data, 1)
    # December: T01 alone. January: T01 165 of 420. The cohort's rate is of two trainees at most:
    # not shown (SMALLEST_GROUP).
    assert [(p.month, p.trainee_rate, p.cohort_rate) for p in t01] == [
        (date(2021, 12, 1), 1.0, None),
        (date(2022, 1, 1), 0.3929, None),
        (date(2022, 2, 1), 0.0, None),
    ]
    t02 = trainee_monthly_attendance(data, 2)
    # January: T02 present on the 3rd, the 31st not recorded: of the hours recorded, 100 %.
    assert [(p.month, p.trainee_rate, p.cohort_rate) for p in t02] == [
        (date(2022, 1, 1), 1.0, None)
    ]
    assert (t02[0].scheduled_minutes, t02[0].unrecorded_minutes) == (420, 210)
    assert t02[0].threshold == 0.8
    assert trainee_monthly_attendance(data, 99) == []


def test_the_cohorts_monthly_rate_is_of_five_trainees_with_a_roll_call_or_more():
    data = statement_cohort()
    classmates = tuple(
        make_trainee(id=n, ref=f"T0{n}", enrolled_on=date(2021, 12, 1)) for n in (3, 4, 5)
    )
    # Present at both January sessions; no roll call of theirs in December or February.
    marks = tuple((session, n, "present", 0) for session in (2, 3) for n in (3, 4, 5))
    data = replace(data, trainees=data.trainees + classmates, marks=data.marks + marks)
    assert series.SMALLEST_GROUP == 5
    t01 = trainee_monthly_attendance(data, 1)
    # January: T01, T02 and the three classmates have a roll call. T01 165 + T02 210 + 3 x 420
    # attended of 5 x 420 scheduled less T02's 210 not recorded: 0.8651, drawn as shown (86.5 %).
    # December and February: T01's alone.
    assert [(p.month, p.cohort_rate) for p in t01] == [
        (date(2021, 12, 1), None),
        (date(2022, 1, 1), 0.865),
        (date(2022, 2, 1), None),
    ]


# --- Module grades ------------------------------------------------------------------------------


def grades_cohort() -> CohortData:
    modules = (
        ModuleInfo(2, "M02", 600, pass_mark=12.0),
        ModuleInfo(1, "M01", 600),
        ModuleInfo(3, "M03", 600),  # assessed after D only
        ModuleInfo(4, "M04", 600),  # never assessed
    )
    assessments = (
        AssessmentInfo(1, 1, date(2022, 3, 1), max_score=20),
        AssessmentInfo(2, 1, date(2022, 3, 2), max_score=10, weight=3),
        AssessmentInfo(3, 2, date(2022, 4, 1), max_score=20),
        AssessmentInfo(4, 3, date(2022, 9, 1), max_score=20),
    )
    trainees = (
        make_trainee(id=1, ref="T01"),
        make_trainee(id=2, ref="T02"),
        make_trainee(id=3, ref="T03", enrolled_on=date(2022, 7, 1)),  # after D
        make_trainee(id=4, ref="T04", left_on=date(2022, 5, 1)),  # withdrawn, still enrolled
    )
    scores = (
        (1, 1, 12.0),
        (2, 1, 8.0),
        (1, 2, 8.0),
        (3, 2, 10.0),
        (1, 3, 20.0),
        (3, 3, 20.0),
        (1, 4, 20.0),
        (2, 4, 10.0),
        (3, 4, 18.0),
        (4, 1, 20.0),
    )
    return make_data(modules=modules, assessments=assessments, trainees=trainees, scores=scores)


def test_trainee_module_grades_against_pass_mark_and_cohort_median():
    points = trainee_module_grades(grades_cohort(), 1)
    assert [p.code for p in points] == ["M01", "M02"]
    m01, m02 = points
    # T01: (1 x 12/20*20 + 3 x 8/10*20) / 4 = 15.
    assert m01.grade == pytest.approx(15.0)
    assert m01.pass_mark == 10.0
    # Three graded trainees in M01, two in M02: no median, it would tell classmates' grades.
    assert m01.cohort_median is None
    assert m02.grade is None
    assert m02.pass_mark == 12.0
    assert m02.cohort_median is None


def five_graded_cohort() -> CohortData:
    """The grades' cohort with two more trainees graded in M01: five graded there, two in M02."""
    data = grades_cohort()
    classmates = (make_trainee(id=5, ref="T05"), make_trainee(id=6, ref="T06"))
    return replace(
        data,
        trainees=data.trainees + classmates,
        scores=(*data.scores, (1, 5, 10.0), (1, 6, 16.0)),
    )


def test_the_cohorts_median_is_of_five_graded_trainees_or_more():
    m01, m02 = trainee_module_grades(five_graded_cohort(), 1)
    # M01: 15 (T01), 8 (T02), 20 (T04), 10 (T05), 16 (T06): five grades, median 15.
    assert m01.cohort_median == pytest.approx(15.0)
    # M02: T02's 10 and T04's 18 only (T03 enrolled after D): still no median.
    assert m02.cohort_median is None


def test_trainee_module_grades_for_a_trainee_without_results_or_unknown():
    data = grades_cohort()
    assert [p.grade for p in trainee_module_grades(data, 99)] == [None, None]
    assert trainee_module_grades(make_data(), 1) == []


# --- Budget burn-up -----------------------------------------------------------------------------
#
# The cohort runs from 15 January to 31 March 2022: 76 days, 17 in January, 28 in February, 31
# in March. The grant of 7,600 is 100 a day on the linear plan. D is 14 February: 31 days elapsed.


def budget_cohort(as_of: date = date(2022, 2, 14)) -> CohortData:
    line = BudgetLineInfo(1, "PED", "Teaching", Decimal("7600.00"))
    expenses = (
        ExpenseInfo(1, date(2022, 1, 10), Decimal("500.00")),  # before the start
        ExpenseInfo(1, date(2022, 1, 20), Decimal("1000.00")),
        ExpenseInfo(1, date(2022, 2, 10), Decimal("2000.00")),
        ExpenseInfo(1, date(2022, 2, 20), Decimal("300.00")),
        ExpenseInfo(1, date(2022, 3, 5), Decimal("999.00")),
    )
    cohort = make_cohort(
        starts_on=date(2022, 1, 15), ends_on=date(2022, 3, 31), grant_amount=Decimal("7600")
    )
    return make_data(as_of=as_of, cohort=cohort, budget_lines=(line,), expenses=expenses)


def test_burn_up_spend_plan_and_forecast_per_month():
    data = budget_cohort()
    burn_up = budget_burn_up(data)
    assert burn_up.grant == Decimal("7600.00")
    assert burn_up.spent == Decimal("3500.00")
    assert burn_up.planned == Decimal("3100.00")  # 31 days of 76
    # 3500 x 76 / 31 = 8580.645...
    assert burn_up.forecast_at_completion == Decimal("8580.65")
    budget = cohort_figures(data).budget
    assert (burn_up.spent, burn_up.forecast_at_completion) == (
        budget.spent,
        budget.forecast_at_completion,
    )
    assert burn_up.points == (
        # The expense before the start counts in the first month.
        BurnUpPoint(
            date(2022, 1, 1), date(2022, 1, 31), Decimal("1500.00"), Decimal("1700.00"), None
        ),
        # Spent up to D only; the forecast is 14 of the 45 days from D to the end along the line
        # from 3500 to 8580.65: 3500 + 5080.65 x 14 / 45 = 5080.65.
        BurnUpPoint(
            date(2022, 2, 1),
            date(2022, 2, 28),
            Decimal("3500.00"),
            Decimal("4500.00"),
            Decimal("5080.65"),
        ),
        BurnUpPoint(
            date(2022, 3, 1), date(2022, 3, 31), None, Decimal("7600.00"), Decimal("8580.65")
        ),
    )


def test_burn_up_before_the_start_has_no_spend_and_no_forecast():
    burn_up = budget_burn_up(budget_cohort(as_of=date(2021, 12, 31)))
    assert burn_up.spent == Decimal("0.00")
    assert burn_up.planned == Decimal("0.00")
    assert burn_up.forecast_at_completion is None
    assert [(p.spent, p.forecast) for p in burn_up.points] == [(None, None)] * 3
    # The plan does not depend on D.
    assert [p.planned for p in burn_up.points] == [
        Decimal("1700.00"),
        Decimal("4500.00"),
        Decimal("7600.00"),
    ]


def test_burn_up_on_the_last_day_forecasts_what_was_spent():
    burn_up = budget_burn_up(budget_cohort(as_of=date(2022, 3, 31)))
    assert burn_up.spent == Decimal("4799.00")
    assert burn_up.planned == Decimal("7600.00")
    assert burn_up.forecast_at_completion == Decimal("4799.00")
    assert [p.spent for p in burn_up.points] == [
        Decimal("1500.00"),
        Decimal("3800.00"),
        Decimal("4799.00"),
    ]
    assert [p.forecast for p in burn_up.points] == [None, None, Decimal("4799.00")]


def test_burn_up_after_the_end_has_no_forecast_left():
    burn_up = budget_burn_up(budget_cohort(as_of=date(2022, 6, 30)))
    assert burn_up.forecast_at_completion == Decimal("4799.00")
    assert [p.forecast for p in burn_up.points] == [None, None, None]
    assert burn_up.points[-1].spent == Decimal("4799.00")


def test_burn_up_of_a_cohort_ending_mid_month_stops_at_its_end():
    data = budget_cohort()
    data = make_data(
        as_of=data.as_of,
        cohort=make_cohort(
            starts_on=date(2022, 1, 15), ends_on=date(2022, 3, 10), grant_amount=Decimal("5500")
        ),
        expenses=data.expenses,
    )
    burn_up = budget_burn_up(data)
    assert [p.ends_on for p in burn_up.points] == [
        date(2022, 1, 31),
        date(2022, 2, 28),
        date(2022, 3, 10),
    ]
    assert burn_up.points[-1].planned == Decimal("5500.00")


def test_statement_of_the_demo_loaded_from_the_database_sums_to_the_figures(demo, app_context):
    from sqlalchemy import select

    from tracker.cohorts.models import Cohort
    from tracker.demo.generate import DEMO_SLUG
    from tracker.extensions import db
    from tracker.metrics.loading import load_cohort_data

    cohort = db.session.scalar(select(Cohort).where(Cohort.slug == DEMO_SLUG))
    data = load_cohort_data(cohort, date(2022, 11, 30))
    rows = monthly_statement(data)
    figures = cohort_figures(data)
    for trainee in figures.trainees:
        own = [row for row in rows if row.trainee_id == trainee.id]
        assert sum(r.scheduled_minutes for r in own) == trainee.attendance.scheduled_minutes
        assert sum(r.attended_minutes for r in own) == trainee.attendance.attended_minutes
        assert sum(r.excused_minutes for r in own) == trainee.attendance.excused_minutes
        assert sum(r.unrecorded_minutes for r in own) == trainee.attendance.unrecorded_minutes
    assert sum(r.unjustified_minutes for r in rows) == (
        figures.scheduled_minutes
        - figures.attended_minutes
        - figures.excused_minutes
        - figures.unrecorded_minutes
    )


def test_the_cohort_s_tallies_by_session_add_up_every_trainee_s_sessions():
    """The monthly and weekly tallies add up each session's minutes, worked out once: the same
    minutes, in the same order, as adding up every trainee's every session."""
    for as_of in (date(2022, 3, 15), date(2023, 1, 15)):
        data = demo_cohort_data(as_of)
        for key in (lambda s: series.month_of(s.date), lambda s: series.week_start(s.date)):
            by_session = series.tally_sessions(data, key)
            one_by_one = series.tally_attendance(data, lambda _, session, key=key: key(session))
            assert by_session
            assert list(by_session.items()) == list(one_by_one.items())
