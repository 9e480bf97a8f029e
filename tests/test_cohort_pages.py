"""The list of cohorts and the cohort overview: who sees what, the figures, sorting, the date."""

import pytest
from sqlalchemy import select

from tests.pages_data import AS_OF, build_cohort, count_queries, table_rows, text
from tracker.auth.models import User
from tracker.cohorts.models import Cohort
from tracker.cohorts.pages import cohort_summaries
from tracker.extensions import db
from tracker.i18n import hours, rate
from tracker.metrics.loading import cohort_metrics


@pytest.fixture
def rich(app, make_user):
    """A cohort of 12 trainees with varied attendance and results, an admin and its instructor."""
    with app.app_context():
        cohort_id = build_cohort("rich", 12)
        cohort = db.session.get(Cohort, cohort_id)
        accounts = {
            "admin": make_user("admin").id,
            "instructor": make_user("instructor", cohorts=[cohort]).id,
        }
        db.session.commit()
        return accounts


def signed_in(app, login_as, user_id):
    client = app.test_client()
    with app.app_context():
        login_as(client, db.session.get(User, user_id))
    return client


def test_overview_shows_the_cohort_s_trainees_and_no_others(app, login_as, world):
    client = signed_in(app, login_as, world.accounts["instructor"])
    page = client.get("/cohorts/alpha?as_of=2022-02-01&lang=en").text
    assert "Ada Lovelace" in page
    assert "Alan Turing" in page
    assert "Grace Hopper" not in page  # a trainee of beta


def test_an_instructor_of_another_cohort_gets_404_and_an_officer_the_funding(app, login_as, world):
    outsider = signed_in(app, login_as, world.accounts["outsider"])
    assert outsider.get("/cohorts/alpha").status_code == 404
    # Officers may not see scores, from which progress follows: the cohort's page for them is
    # its funding dashboard, as of the same date.
    officer = signed_in(app, login_as, world.accounts["officer"])
    response = officer.get("/cohorts/alpha?as_of=2022-06-30")
    assert response.status_code == 302
    assert response.headers["Location"] == "/cohorts/alpha/funding?as_of=2022-06-30"
    assert officer.get("/cohorts/nowhere").status_code == 404
    trainee = signed_in(app, login_as, world.accounts["trainee"])
    assert trainee.get("/cohorts/alpha").status_code == 404


def test_overview_figures_are_those_of_tracker_metrics(app, login_as, rich):
    client = signed_in(app, login_as, rich["instructor"])
    page = client.get(f"/cohorts/rich?as_of={AS_OF.isoformat()}&lang=en").text
    rows = table_rows(page, "overview")
    with app.app_context():
        cohort = db.session.scalar(select(Cohort).where(Cohort.slug == "rich"))
        expected = cohort_metrics(cohort, AS_OF)
    with app.test_request_context("/?lang=en"):
        wanted = [
            [
                t["ref"],
                t["name"],
                t["status"],
                hours(t["attended_hours"]),
                rate(t["attendance_rate"]),
                rate(t["assiduity_rate"]),
                rate(t["progress"]),
            ]
            for t in expected["trainees"]
        ]
        headline = rate(expected["attendance"]["rate"])
    assert [row[:7] for row in rows] == wanted
    assert headline in page
    # Every trainee at risk shows reasons, and only they do.
    for row, t in zip(rows, expected["trainees"], strict=True):
        assert (row[7] != "—") == bool(t["at_risk"]), row
    # The data set exercises every status and every reason.
    assert {t["status"] for t in expected["trainees"]} == {"active", "withdrawn"}
    reasons = {reason for t in expected["trainees"] for reason in t["at_risk"]}
    assert reasons == {"low_assiduity", "consecutive_absences", "failing_module"}


def test_at_risk_reasons_are_in_plain_words(app, login_as, rich):
    client = signed_in(app, login_as, rich["instructor"])
    page = client.get(f"/cohorts/rich?as_of={AS_OF.isoformat()}&lang=en").text
    assert "Absent without justification at the last 3 sessions." in page
    assert "Failing: M1." in page
    assert "of the recent sessions, below the 80.0\u00a0% expected." in page
    assert "low_assiduity" not in page


def at_risk_card(page: str) -> str:
    start = page.index("<h2>At risk</h2>")
    return text(page[start : page.index("</div>", start)])


def test_the_at_risk_card_counts_the_trainees_of_the_table(app, login_as, rich):
    client = signed_in(app, login_as, rich["instructor"])
    # While the cohort runs: the trainees with a reason, the withdrawn ones among them.
    page = client.get(f"/cohorts/rich?as_of={AS_OF.isoformat()}&lang=en").text
    with_reasons = [row for row in table_rows(page, "overview") if row[7] != "—"]
    active = [row for row in with_reasons if row[2] == "active"]
    assert 0 < len(active) < len(with_reasons)
    assert at_risk_card(page) == (
        f"At risk {len(with_reasons)} Trainees of the table below with at least one reason for "
        f"concern, of whom {len(active)} are active."
    )
    # Once the cohort has ended (16/12/2022), nobody is active, and the reasons stay.
    page = client.get("/cohorts/rich?as_of=2023-01-31&lang=en").text
    with_reasons = [row for row in table_rows(page, "overview") if row[7] != "—"]
    assert len(with_reasons) > 1
    assert at_risk_card(page).startswith(f"At risk {len(with_reasons)} Trainees of the table")
    assert at_risk_card(page).endswith("of whom 0 are active.")


def test_overview_sorts_on_a_column_and_says_so(app, login_as, rich):
    client = signed_in(app, login_as, rich["instructor"])
    url = f"/cohorts/rich?as_of={AS_OF.isoformat()}&lang=en"
    with app.app_context():
        cohort = db.session.scalar(select(Cohort).where(Cohort.slug == "rich"))
        trainees = cohort_metrics(cohort, AS_OF)["trainees"]
    by_rate = sorted(trainees, key=lambda t: t["ref"])
    by_rate = sorted(by_rate, key=lambda t: t["attendance_rate"], reverse=True)

    page = client.get(url + "&sort=attendance&order=desc").text
    assert [row[0] for row in table_rows(page, "overview")] == [t["ref"] for t in by_rate]
    assert 'aria-sort="descending"' in page
    assert page.count("aria-sort=") == 1
    # The heading of the sorted column now offers the other order.
    assert "sort=attendance&amp;order=asc" in page

    page = client.get(url + "&sort=name").text
    names = [row[1] for row in table_rows(page, "overview")]
    assert names == sorted(names, key=str.casefold)
    assert 'aria-sort="ascending"' in page

    page = client.get(url + "&sort=progress&order=asc").text
    progress = [t["progress"] for t in trainees]
    shown = [row[6] for row in table_rows(page, "overview")]
    with app.test_request_context("/?lang=en"):
        assert shown == [rate(p) for p in sorted(progress)]

    # An unknown column falls back to the reference.
    page = client.get(url + "&sort=password").text
    refs = [row[0] for row in table_rows(page, "overview")]
    assert refs == sorted(refs)


def test_a_bad_date_is_answered_400_with_a_message(app, login_as, rich):
    client = signed_in(app, login_as, rich["instructor"])
    response = client.get("/cohorts/rich?as_of=2022-13-45&lang=en")
    assert response.status_code == 400
    assert 'id="as_of-error"' in response.text
    assert "Enter a real date as DD/MM/YYYY" in response.text


def test_the_date_may_be_written_the_french_way(app, login_as, rich):
    client = signed_in(app, login_as, rich["instructor"])
    french = client.get("/cohorts/rich?as_of=31/01/2022&lang=en")
    iso = client.get("/cohorts/rich?as_of=2022-01-31&lang=en")
    assert french.status_code == 200
    assert table_rows(french.text, "overview") == table_rows(iso.text, "overview")


def test_before_the_cohort_starts_no_trainee_is_listed(app, login_as, rich):
    client = signed_in(app, login_as, rich["instructor"])
    page = client.get("/cohorts/rich?as_of=2021-12-01&lang=en").text
    assert "No trainee was enrolled by this date." in page


def test_overview_runs_the_same_queries_for_5_and_50_trainees(app, login_as, make_user):
    with app.app_context():
        build_cohort("five", 5)
        build_cohort("fifty", 50)
        admin = make_user("admin").id
        db.session.commit()
    client = signed_in(app, login_as, admin)
    small = count_queries(app, client, "/cohorts/five?as_of=2022-01-31")
    large = count_queries(app, client, "/cohorts/fifty?as_of=2022-01-31")
    assert small == large
    assert large < 20


def test_the_list_of_cohorts_shows_those_the_user_reaches(app, login_as, world):
    instructor = signed_in(app, login_as, world.accounts["instructor"])
    page = instructor.get("/cohorts?lang=en").text
    assert "IA promotion 1" in page
    assert "IA promotion 2" not in page
    admin = signed_in(app, login_as, world.accounts["admin"])
    page = admin.get("/cohorts?lang=en").text
    assert "IA promotion 1" in page and "IA promotion 2" in page
    assert "/cohorts/new" in page
    officer = signed_in(app, login_as, world.accounts["officer"])
    page = officer.get("/cohorts?lang=en").text
    assert "IA promotion 2" in page
    # Officers may not see the overview: their links lead to each cohort's funding.
    assert 'href="/cohorts/alpha"' not in page
    assert '<a href="/cohorts/alpha/funding">IA promotion 1</a>' in page
    assert '<a href="/cohorts/beta/funding">IA promotion 2</a>' in page


def test_cohort_summaries_agree_with_tracker_metrics(app, app_context):
    build_cohort("rich", 12)
    build_cohort("small", 3, days=4)
    cohorts = db.session.scalars(select(Cohort).order_by(Cohort.slug)).all()
    for as_of in (AS_OF, AS_OF.replace(day=7), AS_OF.replace(year=2023)):
        summaries = cohort_summaries(cohorts, as_of)
        for cohort in cohorts:
            figures = cohort_metrics(cohort, as_of)
            summary = summaries[cohort.id]
            assert summary.enrolled == figures["enrolment"]["enrolled"]
            assert summary.active == figures["enrolment"]["active"]
            assert summary.withdrawn == figures["enrolment"]["withdrawn"]
            assert (
                round(summary.attended_minutes / 60, 2) == figures["attendance"]["attended_hours"]
            )
            assert (
                round(summary.scheduled_minutes / 60, 2)
                == (figures["attendance"]["scheduled_hours"])
            )
            assert summary.attendance_rate == figures["attendance"]["rate"]
