"""A trainee's page, for the trainee themself and the cohort's staff, with the right figures."""

import pytest
from sqlalchemy import select

from tests.pages_data import AS_OF, build_cohort, count_queries, statements_of, table_rows, text
from tracker.attendance.models import AttendanceRecord
from tracker.audit.capture import acting
from tracker.auth.models import User
from tracker.auth.operations import add_user
from tracker.cohorts.models import Cohort, Trainee
from tracker.extensions import db
from tracker.i18n import hours, rate
from tracker.metrics.loading import cohort_metrics, marks_held


def signed_in(app, login_as, user_id):
    client = app.test_client()
    with app.app_context():
        login_as(client, db.session.get(User, user_id))
    return client


def test_a_trainee_sees_their_own_page_with_scores_and_comments(app, login_as, world):
    client = signed_in(app, login_as, world.accounts["trainee"])
    response = client.get("/cohorts/alpha/trainees/T01?as_of=2022-02-01&lang=en")
    assert response.status_code == 200
    page = response.text
    assert "Ada Lovelace" in page
    assert "Très bien" in page  # the instructor's comment on her quiz
    assert "15.00 / 20.00" in page
    assert "Alan Turing" not in page and "À revoir" not in page


def test_a_trainee_asking_for_another_trainee_gets_404(app, login_as, world):
    client = signed_in(app, login_as, world.accounts["trainee"])
    assert client.get("/cohorts/alpha/trainees/T02").status_code == 404
    # T01 of the other cohort is someone else.
    assert client.get("/cohorts/beta/trainees/T01").status_code == 404


def test_officers_never_see_a_trainee_s_scores(app, login_as, world):
    client = signed_in(app, login_as, world.accounts["officer"])
    response = client.get("/cohorts/alpha/trainees/T01")
    assert response.status_code == 403
    assert "Très bien" not in response.text


def test_an_instructor_sees_the_trainees_of_their_cohort_only(app, login_as, world):
    client = signed_in(app, login_as, world.accounts["instructor"])
    page = client.get("/cohorts/alpha/trainees/T02?as_of=2022-02-01&lang=en").text
    assert "Alan Turing" in page and "À revoir" in page
    assert client.get("/cohorts/beta/trainees/T01").status_code == 404


@pytest.fixture
def rich(app, make_user):
    with app.app_context():
        cohort = db.session.get(Cohort, build_cohort("rich", 12))
        instructor = make_user("instructor", cohorts=[cohort]).id
        db.session.commit()
    return instructor


@pytest.mark.parametrize("ref", ["T01", "T02", "T03", "T04", "T05", "T07"])
def test_the_trainee_page_shows_the_figures_of_tracker_metrics(app, login_as, rich, ref):
    client = signed_in(app, login_as, rich)
    page = client.get(f"/cohorts/rich/trainees/{ref}?as_of={AS_OF.isoformat()}&lang=en").text
    with app.app_context():
        cohort = db.session.scalar(select(Cohort).where(Cohort.slug == "rich"))
        figures = cohort_metrics(cohort, AS_OF)
    trainee = next(t for t in figures["trainees"] if t["ref"] == ref)
    summary = dict(row for row in table_rows(page, "summary"))
    with app.test_request_context("/?lang=en"):
        assert summary == {
            "Scheduled": hours(trainee["scheduled_hours"]),
            "Attended": hours(trainee["attended_hours"]),
            "Excused absences": hours(trainee["excused_hours"]),
            "Roll call not taken": hours(trainee["unrecorded_hours"]),
            "Attendance rate": rate(trainee["attendance_rate"]),
            "Assiduity rate": rate(trainee["assiduity_rate"]),
        }
        assert f"Progress {rate(trainee['progress'])}" in text(page)
    passed = len(trainee["modules_passed"])
    assert f"{passed} module{'s' if passed != 1 else ''} passed of 2" in page
    acquired = len(trainee["competencies_acquired"])
    assert f"{acquired} compet{'encies' if acquired != 1 else 'ency'} acquired of 2" in page
    assert ("No reason for concern." in page) == (not trainee["at_risk"])


def test_results_show_each_module_s_state_and_grade(app, login_as, rich):
    client = signed_in(app, login_as, rich)
    # T01 scored 4/20 in M1's only assessment: failing; 10/40 in M2: failing.
    page = text(client.get(f"/cohorts/rich/trainees/T01?as_of={AS_OF}&lang=en").text)
    assert "M1 — Python: failing grade 4.00 / 20, pass mark 10.00" in page
    assert "Failing: M1, M2." in page
    # T03 has no result in M2: in progress.
    page = text(client.get(f"/cohorts/rich/trainees/T03?as_of={AS_OF}&lang=en").text)
    assert "M2 — Data: in progress" in page
    assert "no result" in page
    # Before M2's assessment, it is to come.
    page = text(client.get("/cohorts/rich/trainees/T03?as_of=2022-01-10&lang=en").text)
    assert "to come" in page


def test_the_history_lists_the_exceptions_then_every_session(app, login_as, rich):
    client = signed_in(app, login_as, rich)
    url = f"/cohorts/rich/trainees/T03?as_of={AS_OF}&lang=en"
    rows = table_rows(client.get(url).text, "history")
    # T03 (pattern 2): excused once with a note, then absent at the last three sessions.
    assert [row[3] for row in rows] == ["unjustified absence"] * 3 + ["excused absence"]
    assert rows[-1][5] == "Rendez-vous médical"
    assert rows[0][:3] == ["14/01/2022", "afternoon", "M2"]
    every = table_rows(client.get(url + "&history=all").text, "history")
    assert len(every) == 20
    assert [row[0] for row in every][-2:] == ["03/01/2022", "03/01/2022"]
    # T04 (pattern 3): two roll calls not taken and once left early.
    rows = table_rows(
        client.get(f"/cohorts/rich/trainees/T04?as_of={AS_OF}&lang=en").text, "history"
    )
    assert [row[3] for row in rows] == ["left early", "not recorded", "not recorded"]
    assert rows[0][4] == "60"


def test_a_withdrawn_trainee_s_history_stops_when_they_left(app, login_as, rich):
    client = signed_in(app, login_as, rich)
    page = client.get(f"/cohorts/rich/trainees/T05?as_of={AS_OF}&history=all&lang=en").text
    assert "left on 07/01/2022: Emploi trouvé" in page
    assert len(table_rows(page, "history")) == 10  # five days of two sessions


def test_before_enrolment_the_page_says_so(app, login_as, rich):
    client = signed_in(app, login_as, rich)
    page = client.get("/cohorts/rich/trainees/T07?as_of=2022-01-04&lang=en").text
    assert "was not enrolled yet on 04/01/2022" in page


def test_the_trainee_page_runs_the_same_queries_for_5_and_50_trainees(app, login_as):
    with app.app_context():
        build_cohort("five", 5)
        build_cohort("fifty", 50)
        accounts = {}
        for slug in ("five", "fifty"):
            trainee = db.session.scalar(
                select(Trainee).join(Cohort).where(Cohort.slug == slug, Trainee.ref == "T03")
            )
            accounts[slug] = add_user(
                f"{slug}@example.org", "trainee", "password-1", trainee=trainee
            ).id
        db.session.commit()
    counts = {}
    for slug, user_id in accounts.items():
        client = signed_in(app, login_as, user_id)
        counts[slug] = count_queries(app, client, f"/cohorts/{slug}/trainees/T03?as_of={AS_OF}")
    assert counts["five"] == counts["fifty"]
    assert counts["fifty"] < 25


def test_the_trainee_page_charts_attendance_and_grades_against_the_cohort(world, signed_in):
    import re
    import xml.etree.ElementTree as ElementTree

    page = signed_in("trainee").get("/cohorts/alpha/trainees/T01?as_of=2022-06-30&lang=en").text
    drawings = re.findall(r"<svg.*?</svg>", page, flags=re.S)
    assert len(drawings) == 2
    for drawing in drawings:
        assert ElementTree.fromstring(drawing).tag.endswith("svg")
    assert 'id="chart-trainee-attendance"' in page
    assert 'id="chart-module-grades"' in page
    # Each chart's figures are also a table: T01 scored 15/20 in M1.
    grades = page.split('id="chart-module-grades"')[1]
    assert "15.00" in grades


def add_classmates(app, grades: list[float]) -> None:
    """Enrol more trainees in the world's cohort, present at its session and graded in M1."""
    from datetime import UTC, date, datetime

    from tracker.assessments.models import Assessment, Result
    from tracker.attendance.models import AttendanceRecord, Session

    with app.app_context():
        cohort = db.session.scalar(select(Cohort).where(Cohort.slug == "alpha"))
        session = db.session.scalar(select(Session).where(Session.cohort_id == cohort.id))
        quiz = db.session.scalar(select(Assessment).where(Assessment.code == "A1"))
        for number, grade in enumerate(grades, start=3):
            trainee = Trainee(
                cohort=cohort,
                ref=f"T{number:02d}",
                first_name="Classmate",
                last_name=str(number),
                email=f"classmate{number}@example.org",
                enrolled_on=date(2022, 1, 3),
            )
            db.session.add(trainee)
            db.session.flush()
            db.session.add_all(
                [
                    Result(assessment=quiz, trainee_id=trainee.id, score=grade),
                    AttendanceRecord(
                        session_id=session.id,
                        trainee_id=trainee.id,
                        status="absent",
                        recorded_at=datetime(2022, 1, 10, 9, tzinfo=UTC),
                    ),
                ]
            )
        db.session.commit()


def module_grades_table(page: str) -> list[list[str]]:
    return table_rows(page.split('id="chart-module-grades"')[1], "chart-data")


def attendance_table(page: str) -> list[list[str]]:
    return table_rows(page.split('id="chart-trainee-attendance"')[1], "chart-data")


def test_the_cohorts_figures_beside_a_trainees_are_of_five_trainees_or_more(app, world, signed_in):
    """With two graded trainees, the median would give away the other's grade (8 of 20)."""
    url = "/cohorts/alpha/trainees/T01?as_of=2022-06-30&lang=en"
    report_url = "/cohorts/alpha/trainees/T01/report.pdf?as_of=2022-06-30&lang=en"
    trainee = signed_in("trainee")
    page = trainee.get(url).text
    # Module, trainee's grade, pass mark, cohort median: none for a group of two.
    assert module_grades_table(page) == [["M1", "15.00", "10.00", "—"]]
    # Month, trainee, cohort: January, T01 present; the cohort's rate (of two) not shown.
    assert attendance_table(page)[0][1:3] == ["100.0\u00a0%", "—"]
    assert "at least 5 trainees" in page
    from tests.test_reports import text_of

    report = text_of(trainee.get(report_url).data)
    # Module, planned hours, scored, grade, median, pass mark.
    assert "1 / 1 15.00 — 10.00" in report
    assert "11.50" not in report and "11,50" not in report

    # Five graded trainees, five present or absent at January's session: the cohort is shown.
    add_classmates(app, [10.0, 12.0, 14.0])
    page = trainee.get(url).text
    assert module_grades_table(page) == [["M1", "15.00", "10.00", "12.00"]]
    # January: T01 present, T02 excused, three absent: 3.5 hours of 17.5 recorded.
    assert attendance_table(page)[0][1:3] == ["100.0\u00a0%", "20.0\u00a0%"]
    assert "1 / 1 15.00 12.00 10.00" in text_of(trainee.get(report_url).data)


def loads_marks(statements: list[str]) -> bool:
    """Tell whether the cohort's roll calls were loaded (the heaviest of the figures' queries)."""
    marks = str(marks_held(0, AS_OF).compile()).split("\nFROM")[0]
    return any(statement.startswith(marks) for statement in statements)


@pytest.mark.parametrize(
    "path", ["/cohorts/rich/trainees/T01", "/cohorts/rich", "/api/cohorts/rich/metrics"]
)
def test_a_cohort_s_data_is_loaded_again_only_when_its_records_change(
    app, login_as, make_user, rich, path
):
    """Pages of one cohort keep its data by the version of its records: a second view reads the
    version, not the roll calls; a changed mark is loaded, and shown, at once."""
    with app.app_context():
        admin = make_user("admin").id
        db.session.commit()
    client = signed_in(app, login_as, admin)
    url = f"{path}?as_of={AS_OF.isoformat()}&lang=en"
    assert loads_marks(statements_of(app, client, url))
    assert not loads_marks(statements_of(app, client, url))

    with app.app_context(), acting(actor="test"):
        record = db.session.scalars(
            select(AttendanceRecord)
            .join(Trainee)
            .where(Trainee.ref == "T01", AttendanceRecord.status == "present")
        ).first()
        record.status = "absent"
        db.session.commit()
        figures = cohort_metrics(
            db.session.scalar(select(Cohort).where(Cohort.slug == "rich")), AS_OF
        )
    assert loads_marks(statements_of(app, client, url))
    page = client.get(url).text
    t01 = next(t for t in figures["trainees"] if t["ref"] == "T01")
    with app.test_request_context("/?lang=en"):
        if path.endswith("T01"):
            assert dict(table_rows(page, "summary"))["Attended"] == hours(t01["attended_hours"])
        elif path.startswith("/api"):
            assert client.get(url).get_json() == figures
        else:
            row = next(row for row in table_rows(page, "overview") if row[0] == "T01")
            assert rate(t01["attendance_rate"]) in row
