"""`tracker import KIND FILE --cohort SLUG`: every kind loads, loads again, and all or none."""

from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tests.conftest import ACADEMY, SAMPLE_KINDS, SAMPLES
from tracker.assessments.models import Assessment, Result
from tracker.attendance.models import AttendanceRecord, Session
from tracker.budget.models import BudgetLine, Expense
from tracker.cohorts.models import Competency, Module, Trainee
from tracker.extensions import db
from tracker.imports.operations import import_file
from tracker.imports.problems import ImportRefused

SLUG = ACADEMY
# The order in which a cohort's files can be loaded: each refers to what the ones before hold.
ORDER = SAMPLE_KINDS
DATA = SAMPLES


@pytest.fixture
def cohort(make_cohort):
    """A cohort from 2021-09-06 to 2023-03-03, committed so that a failed import keeps it."""
    cohort = make_cohort(slug=SLUG)
    db.session.commit()
    return cohort


@pytest.fixture
def run_import(run_tracker, tmp_path):
    """Return a function that writes a file and runs `tracker import` on it."""

    def run(kind: str, content: str | bytes, *, encoding: str = "utf-8"):
        path = tmp_path / f"{kind}.csv"
        path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
        return run_tracker("import", kind, str(path), "--cohort", SLUG)

    return run


def row_counts() -> dict[str, int]:
    """Count the rows of every table, link tables included; not the trail, which grows with
    every change (its own tests count its entries)."""
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
        if table.name != "audit_entries"
    }


def one(model, **where):
    return db.session.scalars(select(model).filter_by(**where)).one()


def session_on(day: date, slot: str) -> Session:
    return one(Session, date=day, slot=slot)


def record_of(ref: str, day: date, slot: str) -> AttendanceRecord:
    trainee = one(Trainee, ref=ref)
    return one(AttendanceRecord, trainee_id=trainee.id, session_id=session_on(day, slot).id)


# Loading every kind


@pytest.mark.parametrize(
    ("kind", "summary"),
    [
        ("competencies", "competencies: 4 created, 0 updated, 0 unchanged"),
        ("modules", "modules: 3 created, 0 updated, 0 unchanged"),
        ("trainees", "trainees: 3 created, 0 updated, 0 unchanged"),
        ("sessions", "sessions: 4 created, 0 updated, 0 unchanged"),
        ("attendance", "attendance: 7 created, 0 updated, 0 unchanged"),
        ("assessments", "assessments: 3 created, 0 updated, 0 unchanged"),
        ("results", "results: 3 created, 0 updated, 0 unchanged"),
        ("budget", "budget: 2 created, 0 updated, 0 unchanged"),
        ("expenses", "expenses: 3 created, 0 updated, 0 unchanged"),
    ],
)
def test_each_kind_prints_a_summary(cohort, run_tracker, kind, summary):
    for before in ORDER[: ORDER.index(kind)]:
        run_tracker("import", before, str(DATA / f"{before}.csv"), "--cohort", SLUG)
    result = run_tracker("import", kind, str(DATA / f"{kind}.csv"), "--cohort", SLUG)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == summary


def test_competencies_and_modules_are_stored(academy):
    assert one(Competency, code="C3").block == "Machine learning"
    data = one(Module, code="M02")
    assert data.cohort_id == academy.id
    assert data.planned_minutes == 3150
    assert data.pass_mark == 12
    assert (data.starts_on, data.ends_on) == (date(2021, 10, 4), date(2021, 10, 29))
    assert [competency.code for competency in data.competencies] == ["C1", "C2"]
    learning = one(Module, code="M03")
    assert (learning.pass_mark, learning.starts_on, learning.ends_on) == (10, None, None)


def test_trainees_are_stored(academy):
    bruno = one(Trainee, ref="T02")
    assert (bruno.left_on, bruno.exit_reason) == (date(2021, 10, 15), "Found a job")
    chloe = one(Trainee, ref="T03")
    assert (chloe.first_name, chloe.email) == ("Chloé", "chloe.bernard@example.org")
    assert (chloe.left_on, chloe.exit_reason) == (None, None)


def test_sessions_are_stored_in_minutes(academy):
    remote = session_on(date(2021, 9, 7), "AM")
    assert (remote.minutes, remote.kind, remote.module.code) == (180, "remote", "M01")
    defaulted = session_on(date(2021, 10, 18), "AM")
    assert (defaulted.minutes, defaulted.kind, defaulted.module.code) == (210, "classroom", "M02")


def test_sessions_take_their_own_times_from_optional_columns(academy, run_import):
    # Without the columns, the sample file's sessions take the cohort's times.
    assert session_on(date(2021, 9, 6), "AM").starts_at is None
    result = run_import(
        "sessions",
        "date;slot;module;starts_at;ends_at\n"
        "06/09/2021;AM;M01;08h30;12:00\n"
        "06/09/2021;PM;M01;;16:30:00\n"
        "19/10/2021;PM;M02;14:00;\n",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "sessions: 1 created, 2 updated, 0 unchanged"
    times = {
        (session.date, session.slot): (session.starts_at, session.ends_at)
        for session in db.session.scalars(select(Session))
    }
    assert times[date(2021, 9, 6), "AM"] == (time(8, 30), time(12, 0))
    assert times[date(2021, 9, 6), "PM"] == (None, time(16, 30))
    assert times[date(2021, 10, 19), "PM"] == (time(14, 0), None)
    assert times[date(2021, 9, 7), "AM"] == (None, None)

    # A file without the columns leaves the times as they are; an empty cell gives the cohort's.
    result = run_import("sessions", "date,slot,module,hours\n2021-09-06,AM,M01,3.5\n")
    assert result.stdout.strip() == "sessions: 0 created, 0 updated, 1 unchanged"
    result = run_import("sessions", "date,slot,module,starts_at\n2021-09-06,AM,M01,\n")
    assert result.stdout.strip() == "sessions: 0 created, 1 updated, 0 unchanged"
    db.session.expire_all()
    morning = session_on(date(2021, 9, 6), "AM")
    assert (morning.starts_at, morning.ends_at) == (None, time(12, 0))


def test_an_end_before_the_cohorts_start_is_checked_against_the_stored_start(academy, run_import):
    result = run_import("sessions", "date,slot,module,starts_at\n2021-09-06,PM,M01,15:00\n")
    assert result.exit_code == 0, result.output
    result = run_import("sessions", "date,slot,module,ends_at\n2021-09-06,PM,M01,14:30\n")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "line 2: ends_at: 14:30 is not after the session's start, 15:00"
    )


def test_attendance_is_stored(academy):
    late = record_of("T02", date(2021, 9, 6), "AM")
    assert (late.status, late.minutes_missed, late.note) == ("late", 15, "Train delayed")
    assert late.recorded_by_id is None
    assert late.recorded_at.tzinfo is not None
    excused = record_of("T02", date(2021, 9, 6), "PM")
    assert (excused.status, excused.note) == ("excused", "Medical appointment")
    present = record_of("T01", date(2021, 9, 6), "AM")
    assert (present.status, present.minutes_missed, present.note) == ("present", 0, None)


def test_assessments_and_results_are_stored(academy):
    project = one(Assessment, code="P01")
    assert (project.kind, project.max_score, project.weight) == ("project", 100, 2)
    assert [competency.code for competency in project.competencies] == ["C1", "C2"]
    exam = one(Assessment, code="E01")
    assert (exam.kind, exam.weight, exam.module.code, exam.competencies) == ("exam", 1, "M02", [])
    quiz = one(Assessment, code="Q01")
    good = one(Result, assessment_id=quiz.id, trainee_id=one(Trainee, ref="T01").id)
    assert (good.score, good.max_score, good.comment) == (15.5, 20, "Good")
    assert one(Result, assessment_id=quiz.id, trainee_id=one(Trainee, ref="T02").id).comment is None


def test_budget_and_expenses_are_stored(academy):
    assert one(BudgetLine, code="EQP").planned_amount == Decimal("20000.50")
    staff = one(Expense, reference="F2021-09")
    assert (staff.amount, staff.supplier, staff.line.code) == (Decimal("12500.00"), "IBM", "PED")
    cables = one(Expense, description="Cables")
    assert (cables.amount, cables.supplier, cables.reference) == (Decimal("35.00"), None, None)


# Importing again


def test_importing_every_file_twice_duplicates_nothing(academy, run_tracker):
    counts = row_counts()
    for kind in ORDER:
        result = run_tracker("import", kind, str(DATA / f"{kind}.csv"), "--cohort", SLUG)
        assert result.exit_code == 0, result.output
        assert " 0 created, 0 updated," in result.stdout
    assert row_counts() == counts


def test_a_changed_roll_call_row_is_updated(academy, run_import):
    before = record_of("T01", date(2021, 9, 7), "AM").recorded_at
    versions = {day: session_on(date(2021, 9, day), "AM").roll_call_version for day in (6, 7)}
    result = run_import(
        "attendance",
        "date,slot,trainee,status,minutes_missed,note\n"
        "2021-09-06,AM,T01,present,,\n"
        "2021-09-07,AM,T01,excused,,Sick note\n",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "attendance: 0 created, 1 updated, 1 unchanged"
    db.session.expire_all()
    changed = record_of("T01", date(2021, 9, 7), "AM")
    assert (changed.status, changed.note) == ("excused", "Sick note")
    assert changed.recorded_at > before
    # A roll call page opened before the import is now stale; the unchanged one is not.
    assert session_on(date(2021, 9, 7), "AM").roll_call_version == versions[7] + 1
    assert session_on(date(2021, 9, 6), "AM").roll_call_version == versions[6]


def test_changed_results_make_a_results_grid_opened_before_stale(academy, run_import):
    quiz = one(Assessment, code="Q01")
    version = quiz.results_version
    result = run_import("results", "assessment,trainee,score\nQ01,T01,16\n")
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert one(Assessment, code="Q01").results_version == version + 1


def test_changed_rows_of_other_kinds_are_updated(academy, run_import):
    counts = row_counts()
    files = {
        "modules": "code,title,planned_hours,competencies\nM03,ML,100,C3;C4\n",
        "sessions": "date,slot,module,hours\n2021-09-07,AM,M02,2\n",
        "assessments": "code,module,title,date,max_score\nQ01,M01,Quiz,2021-09-17,25\n",
        "expenses": "date,line,amount,description,reference\n2021-09-30,PED,12600,Staff,F2021-09\n",
    }
    for kind, content in files.items():
        result = run_import(kind, content)
        assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "expenses: 0 created, 1 updated, 0 unchanged"
    db.session.expire_all()
    assert row_counts() == counts | {"module_competencies": counts["module_competencies"] + 1}
    learning = one(Module, code="M03")
    assert (learning.title, learning.planned_minutes) == ("ML", 6000)
    assert [competency.code for competency in learning.competencies] == ["C3", "C4"]
    # Columns absent from the file keep what is stored.
    assert learning.pass_mark == 10
    session = session_on(date(2021, 9, 7), "AM")
    assert (session.module.code, session.minutes, session.kind) == ("M02", 120, "remote")
    quiz = one(Assessment, code="Q01")
    assert (quiz.max_score, quiz.kind) == (25, "quiz")
    # The results follow their assessment's maximum.
    assert {result.max_score for result in quiz.results} == {25}
    assert one(Expense, reference="F2021-09").amount == Decimal("12600.00")


def test_absent_optional_columns_keep_a_withdrawal(academy, run_import):
    result = run_import(
        "trainees",
        "ref,first_name,last_name,email,enrolled_on\n"
        "T02,Bruno,Durand-Leroy,bruno.durand@example.org,2021-09-06\n",
    )
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    bruno = one(Trainee, ref="T02")
    assert (bruno.last_name, bruno.left_on, bruno.exit_reason) == (
        "Durand-Leroy",
        date(2021, 10, 15),
        "Found a job",
    )


# Files from French offices


FRENCH_TRAINEES = (
    "ref;first_name;last_name;email;enrolled_on;left_on;exit_reason\r\n"
    "T10;Hélène;Lefèvre;helene.lefevre@example.fr;06/09/2021;;\r\n"
    "T11;François;Garçon;francois.garcon@example.fr;13/09/2021;15/10/2021;Reprise d'études\r\n"
)


def test_a_french_spreadsheet_export_loads(academy, run_import):
    result = run_import("trainees", FRENCH_TRAINEES, encoding="cp1252")
    assert result.exit_code == 0, result.output
    result = run_import(
        "modules",
        "code;title;planned_hours;starts_on;ends_on;pass_mark;competencies\r\n"
        "M04;Apprentissage profond;52,5;02/11/2021;26/11/2021;10,5;C3|C4\r\n",
        encoding="cp1252",
    )
    assert result.exit_code == 0, result.output
    result = run_import(
        "expenses",
        "date;line;amount;description;supplier;reference\r\n"
        "15/11/2021;EQP;1\u00a0499,99 €;Écrans;Société Générale d'Équipement;F-118\r\n",
        encoding="cp1252",
    )
    assert result.exit_code == 0, result.output
    helene = one(Trainee, ref="T10")
    assert (helene.first_name, helene.last_name) == ("Hélène", "Lefèvre")
    assert helene.enrolled_on == date(2021, 9, 6)
    assert one(Trainee, ref="T11").exit_reason == "Reprise d'études"
    deep = one(Module, code="M04")
    assert (deep.planned_minutes, deep.pass_mark, deep.ends_on) == (3150, 10.5, date(2021, 11, 26))
    assert [competency.code for competency in deep.competencies] == ["C3", "C4"]
    screens = one(Expense, reference="F-118")
    assert (screens.amount, screens.description) == (Decimal("1499.99"), "Écrans")


def test_utf8_with_a_byte_order_mark_loads(cohort, run_import):
    result = run_import("competencies", "\ufeffcode,title,block\nC1,Développer,Bloc 1\n")
    assert result.exit_code == 0, result.output
    assert one(Competency, code="C1").title == "Développer"


# Refusals: the line and column named, exit status 1, nothing written


TRAINEES = (
    "ref,first_name,last_name,email,enrolled_on,left_on,exit_reason\n"
    "T04,Dan,Roux,dan@example.org,2021-09-06,,\n"
)
MODULES = (
    "code,title,planned_hours,starts_on,ends_on,pass_mark,competencies\n"
    "M04,Deep learning,70,,,,C3\n"
)
SESSIONS = "date,slot,module,hours,kind\n2021-10-19,AM,M02,3.5,classroom\n"
ATTENDANCE = "date,slot,trainee,status,minutes_missed,note\n2021-10-18,AM,T03,present,,\n"
ASSESSMENTS = (
    "code,module,title,date,kind,max_score,weight,competencies\n"
    "Q02,M02,SQL quiz,2021-10-15,quiz,20,1,C2\n"
)
RESULTS = "assessment,trainee,score,comment\nQ01,T03,12,\n"
BUDGET = "code,label,planned_amount\nTRA,Travel,5000\n"
EXPENSES = "date,line,amount,description,supplier,reference\n2021-11-02,PED,100,Books,,B-1\n"

REFUSALS = {
    # kind, file (a valid new row on line 2, then the wrong one), the problem printed
    "invalid email": (
        "trainees",
        TRAINEES + "T05,Eve,Petit,eve.petit@,2021-09-06,,\n",
        "line 3: email: 'eve.petit@' is not a valid email address",
    ),
    "leaving before enrolling": (
        "trainees",
        TRAINEES + "T05,Eve,Petit,eve@example.org,2021-09-06,2021-09-01,Moved away\n",
        "line 3: left_on: 2021-09-01 is before enrolled_on 2021-09-06",
    ),
    "left_on without exit_reason": (
        "trainees",
        TRAINEES + "T05,Eve,Petit,eve@example.org,2021-09-06,2021-10-01,\n",
        "line 3: exit_reason: is required when left_on is given",
    ),
    "exit_reason without left_on": (
        "trainees",
        TRAINEES + "T05,Eve,Petit,eve@example.org,2021-09-06,,Moved away\n",
        "line 3: left_on: is required when exit_reason is given",
    ),
    "impossible date": (
        "trainees",
        TRAINEES + "T05,Eve,Petit,eve@example.org,31/02/2022,,\n",
        "line 3: enrolled_on: '31/02/2022' is not a real date",
    ),
    "not a date": (
        "trainees",
        TRAINEES + "T05,Eve,Petit,eve@example.org,Feb 3 2022,,\n",
        "line 3: enrolled_on: 'Feb 3 2022' is not a date (YYYY-MM-DD or DD/MM/YYYY)",
    ),
    "blank required value": (
        "trainees",
        TRAINEES + "T05,,Petit,eve@example.org,2021-09-06,,\n",
        "line 3: first_name: is required",
    ),
    "same key twice": (
        "trainees",
        TRAINEES + "T04,Dan,Roux,dan.roux@example.org,2021-09-06,,\n",
        "line 3: ref: same as line 2",
    ),
    "missing column": (
        "competencies",
        "code,block\nC9,Data\n",
        "line 1: title: missing column",
    ),
    "unknown column": (
        "competencies",
        "code,title,blok\nC9,Ethics,Responsible AI\n",
        "line 1: blok: unknown column for competencies (expected code, title, block)",
    ),
    "unknown competency": (
        "modules",
        MODULES + "M05,Vision,70,,,,C1;C9\n",
        "line 3: competencies: unknown competency 'C9'",
    ),
    "module starting after it ends": (
        "modules",
        MODULES + "M05,Vision,70,2021-11-01,2021-10-01,,\n",
        "line 3: ends_on: 2021-10-01 is before starts_on 2021-11-01",
    ),
    "pass mark above 20": (
        "modules",
        MODULES + "M05,Vision,70,,,21,\n",
        "line 3: pass_mark: 21 must be at most 20",
    ),
    "negative planned hours": (
        "modules",
        MODULES + "M05,Vision,-5,,,,\n",
        "line 3: planned_hours: -5 is negative",
    ),
    "unknown module": (
        "sessions",
        SESSIONS + "2021-10-19,PM,M99,3.5,classroom\n",
        "line 3: module: unknown module 'M99'",
    ),
    "unknown slot": (
        "sessions",
        SESSIONS + "2021-10-19,EV,M02,3.5,classroom\n",
        "line 3: slot: 'EV' is not one of AM, PM",
    ),
    "unknown session kind": (
        "sessions",
        SESSIONS + "2021-10-19,PM,M02,3.5,hybrid\n",
        "line 3: kind: 'hybrid' is not one of classroom, remote",
    ),
    "session outside the cohort": (
        "sessions",
        SESSIONS + "2023-06-01,AM,M02,3.5,classroom\n",
        "line 3: date: 2023-06-01 is outside the cohort (2021-09-06 to 2023-03-03)",
    ),
    "non-numeric hours": (
        "sessions",
        SESSIONS + "2021-10-19,PM,M02,abc,classroom\n",
        "line 3: hours: 'abc' is not a number",
    ),
    "negative hours": (
        "sessions",
        SESSIONS + "2021-10-19,PM,M02,-1,classroom\n",
        "line 3: hours: -1 is negative",
    ),
    "session hours shorter than minutes already missed": (
        "sessions",
        SESSIONS + "2021-09-06,PM,M01,0.25,classroom\n",
        "line 3: hours: a trainee already missed 30 minutes of this session",
    ),
    "start that is not a time": (
        "sessions",
        "date,slot,module,starts_at,ends_at\n2021-10-19,AM,M02,08:30,\n2021-10-19,PM,M02,25:00,\n",
        "line 3: starts_at: '25:00' is not a time of day (HH:MM)",
    ),
    "end that is not a time": (
        "sessions",
        "date,slot,module,ends_at\n2021-10-19,AM,M02,12:00\n2021-10-19,PM,M02,5 pm\n",
        "line 3: ends_at: '5 pm' is not a time of day (HH:MM)",
    ),
    "session ending before it starts": (
        "sessions",
        "date,slot,module,starts_at,ends_at\n2021-10-19,AM,M02,,\n2021-10-19,PM,M02,14:00,13:45\n",
        "line 3: ends_at: 13:45 is not after the session's start, 14:00",
    ),
    "session starting after the cohort's end of the afternoon": (
        "sessions",
        "date,slot,module,starts_at\n2021-10-19,AM,M02,\n2021-10-19,PM,M02,17:30\n",
        "line 3: starts_at: 17:30 is not before the session's end, 17:00 (the cohort's time)",
    ),
    "unknown trainee": (
        "attendance",
        ATTENDANCE + "2021-10-18,AM,T99,present,,\n",
        "line 3: trainee: unknown trainee 'T99'",
    ),
    "unknown status": (
        "attendance",
        ATTENDANCE + "2021-09-07,AM,T01,presnt,,\n",
        "line 3: status: 'presnt' is not one of present, late, left_early, excused, absent",
    ),
    "excused without a reason": (
        "attendance",
        ATTENDANCE + "2021-09-07,AM,T01,excused,,\n",
        "line 3: note: A reason is required for an excused absence.",
    ),
    "negative minutes": (
        "attendance",
        ATTENDANCE + "2021-09-07,AM,T01,late,-5,\n",
        "line 3: minutes_missed: -5 is negative",
    ),
    "non-numeric minutes": (
        "attendance",
        ATTENDANCE + "2021-09-07,AM,T01,late,ten,\n",
        "line 3: minutes_missed: 'ten' is not a number",
    ),
    "fractional minutes": (
        "attendance",
        ATTENDANCE + "2021-09-07,AM,T01,late,7.5,\n",
        "line 3: minutes_missed: 7.5 is not a whole number",
    ),
    "minutes missed while present": (
        "attendance",
        ATTENDANCE + "2021-09-07,AM,T01,present,10,\n",
        "line 3: minutes_missed: Minutes missed are only for a trainee late or leaving early.",
    ),
    "late without the minutes missed": (
        "attendance",
        ATTENDANCE + "2021-09-07,AM,T01,late,,Bus\n",
        "line 3: minutes_missed: Enter the minutes missed, more than 0, for a late arrival or "
        "early departure.",
    ),
    "leaving early with 0 minutes missed": (
        "attendance",
        ATTENDANCE + "2021-09-07,AM,T01,left_early,0,\n",
        "line 3: minutes_missed: Enter the minutes missed, more than 0, for a late arrival or "
        "early departure.",
    ),
    "more minutes missed than the session lasts": (
        "attendance",
        ATTENDANCE + "2021-09-07,AM,T01,late,200,\n",
        "line 3: minutes_missed: At most 180 minutes, the session's length.",
    ),
    "trainee not yet enrolled": (
        "attendance",
        ATTENDANCE + "2021-09-06,AM,T03,present,,\n",
        "line 3: trainee: T03 is not expected on 2021-09-06: enrolled on 2021-09-13",
    ),
    "trainee who has left": (
        "attendance",
        ATTENDANCE + "2021-10-18,AM,T02,present,,\n",
        "line 3: trainee: T02 is not expected on 2021-10-18: left on 2021-10-15",
    ),
    "no session that day": (
        "attendance",
        ATTENDANCE + "2021-09-08,AM,T01,present,,\n",
        "line 3: date: no AM session on 2021-09-08 in this cohort",
    ),
    "same roll call row twice": (
        "attendance",
        ATTENDANCE + "2021-10-18,am,T03,absent,,\n",
        "line 3: date, slot, trainee: same as line 2",
    ),
    "assessment of an unknown module": (
        "assessments",
        ASSESSMENTS + "Q03,M99,Quiz,2021-10-15,quiz,20,1,\n",
        "line 3: module: unknown module 'M99'",
    ),
    "unknown assessment kind": (
        "assessments",
        ASSESSMENTS + "Q03,M02,Quiz,2021-10-15,homework,20,1,\n",
        "line 3: kind: 'homework' is not one of quiz, project, exam, oral",
    ),
    "assessment of an unknown competency": (
        "assessments",
        ASSESSMENTS + "Q03,M02,Quiz,2021-10-15,quiz,20,1,C2;C7\n",
        "line 3: competencies: unknown competency 'C7'",
    ),
    "maximum score of 0": (
        "assessments",
        ASSESSMENTS + "Q03,M02,Quiz,2021-10-15,quiz,0,1,\n",
        "line 3: max_score: 0 must be more than 0",
    ),
    "weight of 0": (
        "assessments",
        ASSESSMENTS + "Q03,M02,Quiz,2021-10-15,quiz,20,0,\n",
        "line 3: weight: 0 must be more than 0",
    ),
    "assessment outside the cohort": (
        "assessments",
        ASSESSMENTS + "Q03,M02,Quiz,2023-06-01,quiz,20,1,\n",
        "line 3: date: 2023-06-01 is outside the cohort (2021-09-06 to 2023-03-03)",
    ),
    "maximum lowered below a recorded score": (
        "assessments",
        ASSESSMENTS + "Q01,M01,Python basics quiz,2021-09-17,quiz,10,1,C1\n",
        "line 3: max_score: 10 is below a score of 15.5 already recorded",
    ),
    "result of an unknown assessment": (
        "results",
        RESULTS + "Q99,T01,12,\n",
        "line 3: assessment: unknown assessment 'Q99'",
    ),
    "result of an unknown trainee": (
        "results",
        RESULTS + "Q01,T99,12,\n",
        "line 3: trainee: unknown trainee 'T99'",
    ),
    "result of a trainee who left before the assessment": (
        "results",
        RESULTS + "E01,T02,20,\n",
        "line 3: trainee: T02 is not expected on 2021-10-29: left on 2021-10-15",
    ),
    "score above the maximum": (
        "results",
        RESULTS + "E01,T01,40.5,\n",
        "line 3: score: 40.5 is above the maximum of 40 for E01",
    ),
    "negative score": (
        "results",
        RESULTS + "E01,T01,-1,\n",
        "line 3: score: -1 is negative",
    ),
    "non-numeric score": (
        "results",
        RESULTS + "E01,T01,ABS,\n",
        "line 3: score: 'ABS' is not a number",
    ),
    "expense dated over a year after the cohort": (
        "expenses",
        EXPENSES + "2024-03-04,PED,100,Books,,B-2\n",
        "line 3: date: 2024-03-04 is outside the expenses' dates (2020-09-06 to 2024-03-03)",
    ),
    "amount with more than 2 decimals": (
        "budget",
        BUDGET + "FOO,Food,100.123\n",
        "line 3: planned_amount: 100.123 has more than 2 decimals",
    ),
    "negative planned amount": (
        "budget",
        BUDGET + "FOO,Food,-100\n",
        "line 3: planned_amount: -100 is negative",
    ),
    "expense on an unknown budget line": (
        "expenses",
        EXPENSES + "2021-11-02,XXX,100,Books,,B-2\n",
        "line 3: line: unknown budget line 'XXX'",
    ),
    "expense of 0": (
        "expenses",
        EXPENSES + '2021-11-02,PED,"0,00 €",Books,,B-2\n',
        "line 3: amount: 0,00 € must be more than 0",
    ),
    "negative expense": (
        "expenses",
        EXPENSES + "2021-11-02,PED,-12,Books,,B-2\n",
        "line 3: amount: -12 is negative",
    ),
    "non-numeric expense": (
        "expenses",
        EXPENSES + "2021-11-02,PED,twelve,Books,,B-2\n",
        "line 3: amount: 'twelve' is not a number",
    ),
    "same expense reference twice": (
        "expenses",
        EXPENSES + "2021-11-02,PED,120,More books,,B-1\n",
        "line 3: line, date, reference: same as line 2",
    ),
    "same expense without reference twice": (
        "expenses",
        EXPENSES + "2021-11-03,EQP,9.90,Mouse,,\n2021-11-03,EQP,9.9,Mouse,,\n",
        "line 4: line, date, amount, description, supplier: same as line 3",
    ),
    "value under no heading": (
        "budget",
        BUDGET + "FOO,Food,100,oops\n",
        "line 3: column 4: has a value but no heading",
    ),
    "header only": (
        "budget",
        "code,label,planned_amount\n",
        "line 2: the file has no rows below its header",
    ),
    "trainee ref with a slash": (
        "trainees",
        TRAINEES + "T/05,Eve,Petit,eve@example.org,2021-09-06,,\n",
        "line 3: ref: 'T/05' is not a code: use up to 32 letters without accents, digits,",
    ),
    "competency code with a space": (
        "competencies",
        "code,title\nC9,Ok\nC 10,Données\n",
        "line 3: code: 'C 10' is not a code",
    ),
    "module code starting with a dot": (
        "modules",
        MODULES + ".M05,Vision,70,,,,\n",
        "line 3: code: '.M05' is not a code",
    ),
    "a competency of a module with a slash": (
        "modules",
        MODULES + "M05,Vision,70,,,,C3;C/4\n",
        "line 3: competencies: 'C/4' is not a code",
    ),
    "assessment code with an accent": (
        "assessments",
        ASSESSMENTS + "Q03é,M02,SQL exam,2021-10-15,exam,20,1,\n",
        "line 3: code: 'Q03é' is not a code",
    ),
    "budget line code too long": (
        "budget",
        BUDGET + "L" * 33 + ",Long,10\n",
        f"line 3: code: '{'L' * 33}' is not a code",
    ),
    "empty file": ("budget", "", "line 1: the file is empty"),
    "blank file": ("budget", " \r\n\r\n", "line 1: the file is empty"),
    "NUL bytes": (
        "budget",
        b"code,label,planned_amount\nTRA,Tra\0vel,5000\n",
        "line 2: the file is not text; save the spreadsheet as CSV",
    ),
    "undecodable bytes": (
        "budget",
        b"code,label,planned_amount\nTRA,Travel,5000\nFOO,F\x81\x8dod,10\n",
        "line 3: the file is not text; save the spreadsheet as CSV",
    ),
    "damaged workbook": (
        "budget",
        b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00",
        "the file is a zip archive, not an XLSX workbook",
    ),
}


@pytest.mark.parametrize(("kind", "content", "problem"), REFUSALS.values(), ids=REFUSALS.keys())
def test_a_wrong_file_is_refused_whole(academy, run_import, kind, content, problem):
    counts = row_counts()
    result = run_import(kind, content)
    assert result.exit_code == 1, result.output
    assert problem in result.stderr.splitlines()[0]
    assert "nothing imported" in result.stderr
    assert "Traceback" not in result.output
    db.session.expire_all()
    assert row_counts() == counts


def test_every_problem_is_printed_with_its_physical_line(academy, run_import):
    counts = row_counts()
    result = run_import(
        "attendance",
        "date,slot,trainee,status,minutes_missed,note\n"
        "2021-10-18,AM,T03,present,,\n"
        '2021-09-07,AM,T01,late,10,"Bus\nstrike"\n'
        "2021-09-07,AM,T99,presnt,,\n"
        "\n"
        ",,,,,\n"
        "31/02/2022,AM,T01,excused,,\n",
    )
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "line 5: trainee: unknown trainee 'T99'",
        "line 5: status: 'presnt' is not one of present, late, left_early, excused, absent",
        "line 8: date: '31/02/2022' is not a real date",
        "attendance.csv: nothing imported, 3 problems",
    ]
    assert row_counts() == counts


def test_a_wrong_row_in_the_middle_writes_none_of_the_valid_rows(academy, run_import):
    counts = row_counts()
    rows = [
        f"2021-09-0{day},{slot},T0{ref},present,,"
        for day, slot in ((6, "AM"), (6, "PM"), (7, "AM"))
        for ref in (1, 2)
    ]
    rows.insert(3, "2021-10-18,AM,T01,late,999,")
    result = run_import(
        "attendance", "date,slot,trainee,status,minutes_missed,note\n" + "\n".join(rows)
    )
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "line 5: minutes_missed: At most 210 minutes, the session's length."
    )
    db.session.expire_all()
    assert row_counts() == counts
    assert record_of("T01", date(2021, 9, 6), "PM").status == "left_early"


def test_an_unknown_cohort_is_refused(app, run_tracker):
    result = run_tracker("import", "budget", str(DATA / "budget.csv"), "--cohort", "nope")
    assert result.exit_code == 1
    assert "no cohort 'nope'" in result.stderr


def test_a_file_over_the_limit_is_refused_before_reading(cohort, run_tracker, tmp_path):
    path = tmp_path / "huge.csv"
    with path.open("wb") as file:
        file.truncate(10 * 1024 * 1024 + 1)  # sparse: nothing to read would fit the limit
    result = run_tracker("import", "budget", str(path), "--cohort", SLUG)
    assert result.exit_code == 1
    assert "huge.csv: the file is 10.0 MB, over the limit of 10.0 MB" in result.stderr


def test_the_limit_comes_from_the_configuration(app, cohort, run_import):
    app.config["IMPORT_MAX_BYTES"] = 40
    result = run_import("budget", BUDGET + "FOO,Food,100\n")
    assert result.exit_code == 1
    assert "over the limit" in result.stderr
    assert row_counts()["budget_lines"] == 0


def test_a_database_error_rolls_back_without_a_traceback(academy, run_import, monkeypatch):
    from tracker.imports.budget import Budget

    def fail(self):
        raise IntegrityError("INSERT INTO budget_lines", {}, Exception("constraint failed"))

    monkeypatch.setattr(Budget, "write", fail)
    counts = row_counts()
    result = run_import("budget", BUDGET)
    assert result.exit_code == 1
    assert not result.stderr.startswith("line")
    assert "the database refused the rows: constraint failed" in result.stderr
    assert row_counts() == counts


# The operation, for the web upload


def test_the_operation_raises_with_every_problem(academy):
    with pytest.raises(ImportRefused) as refused:
        import_file(academy, "budget", b"code,label,planned_amount\nA,,1\nB,Bee,x\n")
    assert [str(problem) for problem in refused.value.problems] == [
        "line 2: label: is required",
        "line 3: planned_amount: 'x' is not a number",
    ]
    assert [(problem.line, problem.column) for problem in refused.value.problems] == [
        (2, "label"),
        (3, "planned_amount"),
    ]


def test_the_operation_records_who_took_the_roll_call(academy):
    from tracker.auth.models import User

    instructor = User(email="ines@example.org", role="instructor", password_hash="x")
    db.session.add(instructor)
    db.session.flush()
    summary = import_file(
        academy,
        "attendance",
        b"date,slot,trainee,status\n2021-10-18,AM,T03,absent\n",
        recorded_by=instructor,
    )
    assert (summary.created, summary.updated, summary.unchanged) == (1, 0, 0)
    assert record_of("T03", date(2021, 10, 18), "AM").recorded_by_id == instructor.id


# Half-days that have not started: only absences announced in advance


def frozen_at(monkeypatch, *when: int) -> None:
    """Freeze the application's clock at a time in Paris."""
    from zoneinfo import ZoneInfo

    from tracker import timeutil

    instant = datetime(*when, tzinfo=ZoneInfo("Europe/Paris")).astimezone(UTC)
    monkeypatch.setattr(timeutil, "utc_now", lambda: instant)


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("2021-10-18,AM,T01,present,,", "line 2: status: This half-day has not started"),
        ("2021-10-18,AM,T01,absent,,Ill", "line 2: status: This half-day has not started"),
        ("2021-10-18,AM,T01,late,10,Bus", "line 2: status: This half-day has not started"),
        ("2021-10-18,AM,T01,excused,,", "line 2: note: A reason is required for an excused"),
    ],
)
def test_a_half_day_not_started_takes_only_an_announced_absence(
    academy, run_import, monkeypatch, row, problem
):
    frozen_at(monkeypatch, 2021, 10, 18, 8, 59)
    counts = row_counts()
    result = run_import("attendance", "date,slot,trainee,status,minutes_missed,note\n" + row)
    assert result.exit_code == 1, result.output
    assert problem in result.stderr
    db.session.expire_all()
    assert row_counts() == counts


def test_an_absence_announced_in_advance_is_imported(academy, run_import, monkeypatch):
    frozen_at(monkeypatch, 2021, 10, 18, 8, 59)
    result = run_import(
        "attendance",
        "date,slot,trainee,status,minutes_missed,note\n2021-10-18,AM,T01,excused,,Sick note\n",
    )
    assert result.exit_code == 0, result.output
    assert record_of("T01", date(2021, 10, 18), "AM").status == "excused"


def test_a_half_day_is_started_from_nine_in_paris(academy, run_import, monkeypatch):
    frozen_at(monkeypatch, 2021, 10, 18, 9, 0)
    result = run_import(
        "attendance", "date,slot,trainee,status,minutes_missed,note\n2021-10-18,AM,T01,absent,,\n"
    )
    assert result.exit_code == 0, result.output


def test_a_half_day_starts_at_its_sessions_own_time(academy, run_import, monkeypatch):
    result = run_import("sessions", "date,slot,module,starts_at\n2021-10-18,AM,M02,10:00\n")
    assert result.exit_code == 0, result.output
    frozen_at(monkeypatch, 2021, 10, 18, 9, 30)
    row = "date,slot,trainee,status,minutes_missed,note\n2021-10-18,AM,T01,absent,,\n"
    result = run_import("attendance", row)
    assert result.exit_code == 1
    assert "line 2: status: This half-day has not started" in result.stderr
    frozen_at(monkeypatch, 2021, 10, 18, 10, 0)
    assert run_import("attendance", row).exit_code == 0
