"""A trainee's page, for the trainee themself and the cohort's staff, with the right figures."""

import pytest
from sqlalchemy import select

from tests.pages_data import AS_OF, build_cohort, count_queries, table_rows, text
from tracker.auth.models import User
from tracker.auth.operations import add_user
from tracker.cohorts.models import Cohort, Trainee
from tracker.extensions import db
from tracker.i18n import hours, rate
from tracker.metrics.loading import cohort_metrics


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
    # Each chart's figures are also a table: T01 scored 15/20 in M1, the cohort's median is 11.5.
    grades = page.split('id="chart-module-grades"')[1]
    assert "15.00" in grades and "11.50" in grades
