"""Lists of cohorts grow with the courses a Region funds: filtered and shown a page at a time."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.pages_data import statements_of, table_rows, text
from tracker import timeutil
from tracker.auth.models import User
from tracker.cohorts.listing import PER_PAGE
from tracker.cohorts.operations import create_cohort
from tracker.extensions import db
from tracker.funding.views import COHORTS_SIDE_BY_SIDE
from tracker.metrics.loading import marks_held

TODAY = date(2024, 2, 26)
COHORTS = 30


@pytest.fixture
def cohorts(app, monkeypatch):
    """Thirty cohorts of 52 weeks, one starting every four weeks from 03/01/2022, numbered from
    the oldest: on 26/02/2024, c01–c16 are finished (c16 ends that day), c17–c29 running (c29
    starts that day), c30 not started."""
    monkeypatch.setattr(timeutil, "today", lambda: TODAY)
    with app.app_context():
        for number in range(1, COHORTS + 1):
            starts_on = date(2022, 1, 3) + timedelta(weeks=4 * (number - 1))
            create_cohort(
                slug=f"c{number:02d}",
                name=f"Promotion {number:02d}" + (" Nîmes" if number % 10 == 0 else ""),
                starts_on=starts_on,
                ends_on=starts_on + timedelta(weeks=52),
                grant_amount=Decimal("1000"),
            )
        db.session.commit()


def signed_in(app, login_as, make_user, role="officer"):
    with app.app_context():
        user_id = make_user(role).id
        db.session.commit()
    client = app.test_client()
    with app.app_context():
        login_as(client, db.session.get(User, user_id))
    return client


def names(page: str) -> list[str]:
    return [row[0].split(" (")[0] for row in table_rows(page, "cohorts")]


def test_the_cohorts_list_shows_a_page_at_a_time_the_most_recent_first(
    app, login_as, make_user, cohorts
):
    client = signed_in(app, login_as, make_user)
    first = client.get("/cohorts?lang=en").text
    assert names(first) == [
        f"Promotion {n:02d}" + (" Nîmes" if n % 10 == 0 else "")
        for n in range(30, 30 - PER_PAGE, -1)
    ]
    assert "Page 1 of 2 (30 cohorts)" in text(first)
    assert 'href="/cohorts?lang=en&amp;page=2"' in first
    second = client.get("/cohorts?lang=en&page=2").text
    assert len(names(second)) == COHORTS - PER_PAGE
    assert names(second)[-1] == "Promotion 01"
    assert 'rel="prev"' in second and 'rel="next"' not in second


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("state=finished", [f"c{n:02d}" for n in range(16, 0, -1)]),
        ("state=running", [f"c{n:02d}" for n in range(29, 16, -1)]),
        ("state=upcoming", ["c30"]),
        ("search=N%C3%AEMES", ["c30", "c20", "c10"]),
        ("search=c2&state=running", [f"c{n:02d}" for n in range(29, 19, -1)]),
        ("search=%25", []),
    ],
)
def test_the_list_filters_by_name_and_state_on_the_day(
    app, login_as, make_user, cohorts, query, expected
):
    client = signed_in(app, login_as, make_user)
    page = client.get(f"/cohorts?lang=en&{query}").text
    if not expected:
        assert "No cohort matches." in page and '<table class="cohorts">' not in page
        return
    slugs = [row[0].split("(")[1].rstrip(")") for row in table_rows(page, "cohorts")]
    assert slugs == expected


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("page=3", 404, "There is no page 3: the list has 2."),
        ("page=0", 400, "Number must be at least 1."),
        ("page=two", 400, "Not a valid integer value."),
        ("state=paused", 400, "Not a valid choice."),
        ("search=" + "x" * 101, 400, "Field cannot be longer than 100 characters."),
    ],
)
def test_a_bad_filter_is_refused_naming_the_field(
    app, login_as, make_user, cohorts, query, status, message
):
    client = signed_in(app, login_as, make_user)
    response = client.get(f"/cohorts?lang=en&{query}")
    assert response.status_code == status
    assert message in response.text


def test_funding_puts_a_page_of_cohorts_side_by_side_and_computes_theirs_only(
    app, login_as, make_user, cohorts
):
    client = signed_in(app, login_as, make_user)
    url = "/funding?lang=en&as_of=2023-06-30&state=running"
    marks = str(marks_held(0, TODAY).compile()).split("\nFROM")[0]
    statements = statements_of(app, client, url)
    # Each cohort shown is loaded (its roll calls read), the others not at all.
    assert sum(statement.startswith(marks) for statement in statements) == COHORTS_SIDE_BY_SIDE
    page = client.get(url).text
    header = page.split("<thead>")[1].split("</thead>")[0]
    assert header.count('scope="col"') == COHORTS_SIDE_BY_SIDE
    # Running on 30/06/2023 (the page's date, not today): c08 … c20, the newest first.
    assert "Promotion 20 Nîmes" in header and "Promotion 21" not in header
    assert "Page 1 of 2 (13 cohorts)" in text(page)
    # The date of the figures and the filter are kept from one page to the next.
    assert "as_of=2023-06-30" in page.split('rel="next"')[0].rsplit("<a", 1)[1]
    second = client.get(url + "&page=2").text
    assert "Promotion 08" in second and "Promotion 20" not in second


def test_the_officer_home_shows_the_most_recent_cohorts_and_leads_to_all(
    app, login_as, make_user, cohorts
):
    client = signed_in(app, login_as, make_user)
    page = client.get("/?lang=en").text
    assert len(table_rows(page, "cohorts")) == PER_PAGE
    assert "All 30 cohorts" in page


def test_the_officer_home_reads_neither_roll_calls_nor_half_days(app, login_as, make_user, cohorts):
    """Closing the overdue roll calls searches every open half-day of every cohort: the staff's
    home pages do it (they count those to close), the officers' has nothing of them."""
    app.config["ROLL_CALL_CLOSES_AFTER_DAYS"] = 2
    client = signed_in(app, login_as, make_user)
    client.get("/")
    statements = statements_of(app, client, "/")
    assert not [s for s in statements if "FROM sessions" in s or "FROM attendance_records" in s]
