"""The figures loaded from the database, and `tracker metrics`, on SQLite and PostgreSQL."""

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import event

from tracker.extensions import db
from tracker.metrics.loading import cohort_metrics, load_cohort_data, marks_held
from tracker.models import (
    Assessment,
    AttendanceRecord,
    BudgetLine,
    Competency,
    Expense,
    Module,
    Result,
    Session,
    Trainee,
)
from tracker.timeutil import today

AS_OF = date(2022, 1, 4)


def add_trainee(cohort, ref, first, last, enrolled_on, left_on=None):
    trainee = Trainee(
        cohort=cohort,
        ref=ref,
        first_name=first,
        last_name=last,
        email=f"{ref.lower()}-{cohort.slug}@example.org",
        enrolled_on=enrolled_on,
        left_on=left_on,
    )
    db.session.add(trainee)
    return trainee


def build_small_cohort(make_cohort, slug="ibm-ai-1"):
    """Three trainees, five sessions, two modules, two assessments, two budget lines."""
    cohort = make_cohort(
        slug=slug,
        starts_on=date(2022, 1, 3),
        ends_on=date(2022, 1, 12),  # 10 days
        grant_amount=Decimal("1000"),
        contracted_trainees=2,
    )
    m01 = Module(cohort=cohort, code="M01", title="Python", planned_minutes=40 * 60)
    m02 = Module(cohort=cohort, code="M02", title="Data", planned_minutes=10 * 60)
    c1 = Competency(cohort_id=cohort.id, code="C1", title="Code")
    c2 = Competency(cohort_id=cohort.id, code="C2", title="Model")
    ada = add_trainee(cohort, "T01", "Ada", "Lovelace", date(2022, 1, 3))
    alan = add_trainee(cohort, "T02", "Alan", "Turing", date(2022, 1, 3), date(2022, 1, 3))
    add_trainee(cohort, "T03", "Late", "Comer", date(2022, 2, 1))
    db.session.add_all([m01, m02, c1, c2])
    db.session.flush()
    s1, s2, s3, s4, s5 = (
        Session(cohort_id=cohort.id, module_id=m01.id, date=day, slot=slot, minutes=210)
        for day, slot in [
            (date(2022, 1, 3), "AM"),
            (date(2022, 1, 3), "PM"),
            (date(2022, 1, 4), "AM"),
            (date(2022, 1, 4), "PM"),
            (date(2022, 1, 5), "AM"),  # after D
        ]
    )
    db.session.add_all([s1, s2, s3, s4, s5])
    db.session.flush()
    for session, trainee, status, missed, note in [
        (s1, ada, "present", 0, None),
        (s2, ada, "late", 30, None),
        (s3, ada, "excused", 0, "Medical appointment"),
        (s5, ada, "absent", 0, None),  # after D: not held
        (s1, alan, "absent", 0, None),
        (s3, alan, "present", 0, None),  # after Alan left: ignored
    ]:
        db.session.add(
            AttendanceRecord(
                session=session, trainee=trainee, status=status, minutes_missed=missed, note=note
            )
        )
    a1 = Assessment(
        cohort_id=cohort.id,
        module=m02,
        code="A1",
        title="Quiz",
        date=date(2022, 1, 4),
        max_score=20,
        competencies=[c1],
    )
    a2 = Assessment(
        cohort_id=cohort.id,
        module=m01,
        code="A2",
        title="Project",
        date=date(2022, 1, 10),  # after D
        max_score=20,
        competencies=[c2],
    )
    db.session.add_all([a1, a2])
    db.session.add_all(
        [
            Result(assessment=a1, trainee=ada, score=15),
            Result(assessment=a1, trainee=alan, score=9),
            Result(assessment=a2, trainee=ada, score=20),  # not held by D
        ]
    )
    ped = BudgetLine(
        cohort_id=cohort.id, code="PED", label="Teaching staff", planned_amount=Decimal("800")
    )
    adm = BudgetLine(
        cohort_id=cohort.id, code="ADM", label="Administration", planned_amount=Decimal("200")
    )
    db.session.add_all([ped, adm])
    db.session.add_all(
        [
            Expense(line=ped, date=date(2022, 1, 4), amount=Decimal("100.00"), description="Fees"),
            Expense(line=adm, date=date(2022, 1, 5), amount=Decimal("50.00"), description="Paper"),
        ]
    )
    db.session.flush()
    return cohort


EXPECTED = {
    "cohort": "ibm-ai-1",
    "as_of": "2022-01-04",
    # T03 enrols after D; T02 left on the 3rd.
    "enrolment": {"enrolled": 2, "active": 1, "withdrawn": 1, "completed": 0},
    # T01: 4 sessions (840 min), attended 210 + 180 = 390, excused 210, 4 Jan PM unrecorded.
    # T02: 3 Jan only (420 min), absent then unrecorded (210).
    # Scheduled 1260 min = 21 h; attended 390 = 6.5 h; unrecorded 420 = 7 h; 390 / 1260 = 0.3095.
    "attendance": {
        "scheduled_hours": 21.0,
        "attended_hours": 6.5,
        "excused_hours": 3.5,
        "unrecorded_hours": 7.0,
        "rate": 0.3095,
    },
    # Contracted: 2 trainees x (40 + 10) h = 100 h; 6.5 / 100 = 0.065.
    "trainee_hours": {"realised": 6.5, "contracted": 100.0, "rate": 0.065},
    # T01 passed M02 (15 >= 10): 10 / 50 = 0.2; T02 failing M02 (9 < 10): 0. Mean 0.1.
    "progress": {"mean": 0.1},
    # 100 spent by D (the 50 of the 5th is later); day 2 of 10; burn 0.1 / 0.2 = 0.5;
    # forecast 100 / 0.2 = 500; 100 / 6.5 h = 15.3846 -> 15.38.
    "budget": {
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
                "code": "ADM",
                "label": "Administration",
                "planned": "200.00",
                "spent": "0.00",
                "consumption": 0.0,
            },
            {
                "code": "PED",
                "label": "Teaching staff",
                "planned": "800.00",
                "spent": "100.00",
                "consumption": 0.125,
            },
        ],
    },
    "trainees": [
        {
            "ref": "T01",
            "name": "Ada Lovelace",
            "status": "active",
            "scheduled_hours": 14.0,
            "attended_hours": 6.5,
            "excused_hours": 3.5,
            "unrecorded_hours": 3.5,
            "attendance_rate": 0.4643,  # 390 / 840
            "assiduity_rate": 0.9286,  # 390 / 420
            "progress": 0.2,
            "modules_passed": ["M02"],
            "competencies_acquired": ["C1"],  # C2 is on A2, after D
            "at_risk": [],
        },
        {
            "ref": "T02",
            "name": "Alan Turing",
            "status": "withdrawn",
            "scheduled_hours": 7.0,
            "attended_hours": 0.0,
            "excused_hours": 0.0,
            "unrecorded_hours": 3.5,
            "attendance_rate": 0.0,
            "assiduity_rate": 0.0,  # 0 / (420 - 210)
            "progress": 0.0,
            "modules_passed": [],
            "competencies_acquired": [],
            "at_risk": ["failing_module"],
        },
    ],
}


def test_cohort_metrics_gives_the_hand_computed_figures(make_cohort):
    cohort = build_small_cohort(make_cohort)
    # A second cohort on the same dates must not leak into the first one's figures.
    build_small_cohort(make_cohort, slug="ibm-ai-2")
    assert cohort_metrics(cohort, AS_OF) == EXPECTED


def test_loaded_data_holds_only_what_was_held_by_d(make_cohort):
    cohort = build_small_cohort(make_cohort)
    data = load_cohort_data(cohort, AS_OF)
    assert [t.ref for t in data.trainees] == ["T01", "T02"]
    assert len(data.sessions) == 4
    assert len(data.marks) == 5  # the absence of the 5th is after D
    # Every assessment (A2 is still to come), but only the results of the held one.
    assert {(a.code, a.competencies) for a in data.assessments} == {
        ("A1", ("C1",)),
        ("A2", ("C2",)),
    }
    assert sorted(score[2] for score in data.scores) == [9.0, 15.0]
    assert [e.amount for e in data.expenses] == [Decimal("100.00")]
    assert data.cohort.grant_amount == Decimal("1000.00")


def test_marks_are_read_as_plain_tuples_equal_to_sqlalchemys_rows(make_cohort):
    """The marks skip SQLAlchemy's rows: on either database, the same values, not converted."""
    cohort = build_small_cohort(make_cohort)
    data = load_cohort_data(cohort, AS_OF)
    rows = db.session.execute(marks_held(cohort.id, AS_OF)).all()
    assert all(type(mark) is tuple for mark in data.marks)
    assert sorted(data.marks) == sorted(tuple(row) for row in rows)
    assert {tuple(map(type, mark)) for mark in data.marks} == {(int, int, str, int)}


def contract_types(value):
    """Replace every leaf of a JSON value by its type name, keeping keys in order."""
    if isinstance(value, dict):
        return {key: contract_types(item) for key, item in value.items()}
    if isinstance(value, list):
        return [contract_types(item) for item in value]
    return type(value).__name__


def test_metrics_command_prints_the_contract(app, make_cohort, run_tracker):
    build_small_cohort(make_cohort)
    db.session.commit()
    result = run_tracker("metrics", "ibm-ai-1", "--as-of", "2022-01-04")
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document == EXPECTED
    # Same keys in the same order, and the contract's types: money as strings, hours and rates
    # as numbers, codes as lists of strings.
    assert json.dumps(contract_types(document)) == json.dumps(contract_types(EXPECTED))
    assert contract_types(document["budget"])["grant"] == "str"
    assert '"grant": "1000.00"' in result.output


def test_metrics_command_defaults_to_today_in_paris(make_cohort, run_tracker):
    make_cohort(slug="ibm-ai-1")
    db.session.commit()
    result = run_tracker("metrics", "ibm-ai-1")
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["as_of"] == today().isoformat()
    # The default cohort: EUR 273,000 and nothing spent.
    assert document["budget"]["grant"] == "273000.00"
    assert document["budget"]["remaining"] == "273000.00"
    assert document["trainees"] == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["metrics", "no-such-cohort"], "no cohort 'no-such-cohort'"),
        (["metrics", "ibm-ai-1", "--as-of", "30/06/2022"], "'30/06/2022' is not a date"),
        (["metrics", "ibm-ai-1", "--as-of", "2022-02-30"], "'2022-02-30' is not a date"),
    ],
)
def test_metrics_command_refuses_unknown_cohort_and_bad_date(
    make_cohort, run_tracker, args, message
):
    make_cohort(slug="ibm-ai-1")
    db.session.commit()
    result = run_tracker(*args)
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


def build_cohort_of(make_cohort, trainees: int):
    """A cohort of `trainees` with 6 sessions, a roll call, a result each and 3 expenses."""
    cohort = make_cohort()
    module = Module(cohort=cohort, code="M01", title="Python", planned_minutes=21 * 60)
    competency = Competency(cohort_id=cohort.id, code="C1", title="Code")
    line = BudgetLine(
        cohort_id=cohort.id, code="PED", label="Teaching", planned_amount=Decimal("1000")
    )
    db.session.add_all([module, competency, line])
    db.session.flush()
    sessions = [
        Session(
            cohort_id=cohort.id,
            module_id=module.id,
            date=date(2021, 9, 6) + timedelta(i // 2),
            slot=("AM", "PM")[i % 2],
        )
        for i in range(6)
    ]
    assessment = Assessment(
        cohort_id=cohort.id,
        module=module,
        code="A1",
        title="Quiz",
        date=date(2021, 9, 8),
        max_score=20,
        competencies=[competency],
    )
    db.session.add_all([*sessions, assessment])
    for i in range(trainees):
        trainee = add_trainee(cohort, f"T{i:02}", "First", f"Last{i}", date(2021, 9, 6))
        for session in sessions:
            db.session.add(AttendanceRecord(session=session, trainee=trainee, status="present"))
        db.session.add(Result(assessment=assessment, trainee=trainee, score=12))
    for day in range(3):
        db.session.add(
            Expense(
                line=line,
                date=date(2021, 9, 6 + day),
                amount=Decimal("10"),
                description="Fees",
                reference=f"F{day}",
            )
        )
    db.session.flush()
    return cohort


def count_queries(cohort, as_of: date) -> tuple[int, dict]:
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        figures = cohort_metrics(cohort, as_of)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return len(statements), figures


def test_the_number_of_queries_does_not_grow_with_the_trainees(make_cohort):
    few = build_cohort_of(make_cohort, 5)
    many = build_cohort_of(make_cohort, 50)
    few_queries, few_figures = count_queries(few, date(2021, 9, 30))
    many_queries, many_figures = count_queries(many, date(2021, 9, 30))
    # The data was really loaded: 6 sessions of 3.5 h attended by each trainee, a passed module.
    assert few_figures["attendance"]["attended_hours"] == 5 * 21.0
    assert many_figures["attendance"]["attended_hours"] == 50 * 21.0
    assert many_figures["trainees"][49]["modules_passed"] == ["M01"]
    assert many_figures["budget"]["spent"] == "30.00"
    assert few_queries == many_queries
    assert few_queries <= 10
