"""Values read from addresses at their extremes: a week, a month or an id that cannot be served
answers 400 with the reason, or 404, never 500 and never another week."""

from datetime import date

import pytest

from tests.test_assessments_pages import grid
from tests.test_roll_call import roll_call_data, trainee_ids
from tracker.periods import PeriodError, parse_month, parse_week
from tracker.urls import LARGEST_ID, IdConverter

pytestmark = pytest.mark.usefixtures("without_csrf")

# Every address with an id in it, with a method it answers (GET when it does).
ADDRESSES_WITH_IDS = {
    "/cohorts/alpha/sessions/{id}/roll-call": "GET",
    "/cohorts/alpha/sessions/{id}/edit": "GET",
    "/cohorts/alpha/sessions/{id}/delete": "POST",
    "/cohorts/alpha/sessions/{id}/roll-call/close": "POST",
    "/cohorts/alpha/sessions/{id}/roll-call/reopen": "POST",
    "/admin/accounts/{id}": "GET",
    "/admin/accounts/{id}/active": "POST",
    "/admin/accounts/{id}/password": "POST",
    "/admin/accounts/{id}/invitation": "POST",
    "/cohorts/alpha/budget/expenses/{id}/edit": "GET",
    "/cohorts/alpha/budget/expenses/{id}/delete": "POST",
    "/cohorts/alpha/sessions/{id}/projector": "GET",
    "/cohorts/alpha/sessions/{id}/projector/state": "GET",
    "/sign/{id}": "GET",
    "/sign/{id}/<token>": "GET",
    "/cohorts/alpha/justifications/{id}": "GET",
    "/cohorts/alpha/justifications/{id}/document": "GET",
    "/cohorts/alpha/justifications/{id}/accept": "POST",
    "/cohorts/alpha/justifications/{id}/refuse": "POST",
}


def test_the_list_above_holds_every_address_with_an_id(app):
    """Guards the tests below: a new address with an id must be added to the list."""
    with_ids = set()
    for rule in app.url_map.iter_rules():
        converters = rule._converters.items()
        ids = [name for name, converter in converters if isinstance(converter, IdConverter)]
        if ids:
            with_ids.add(rule.rule.replace("<slug>", "alpha").replace(f"<int:{ids[0]}>", "{id}"))
    assert with_ids == set(ADDRESSES_WITH_IDS)


@pytest.mark.parametrize("address", sorted(ADDRESSES_WITH_IDS))
@pytest.mark.parametrize("number", [LARGEST_ID + 1, 2**63, 2**64])
def test_an_id_beyond_the_databases_integers_is_not_found(world, signed_in, address, number):
    client = signed_in("admin")
    url = address.format(id=number)
    response = client.get(url) if ADDRESSES_WITH_IDS[address] == "GET" else client.post(url)
    assert response.status_code == 404


def test_the_largest_id_a_database_holds_is_looked_up(world, signed_in):
    response = signed_in("admin").get(f"/cohorts/alpha/sessions/{LARGEST_ID}/roll-call")
    assert response.status_code == 404


@pytest.mark.parametrize("number", [LARGEST_ID + 1, 2**64])
def test_a_page_version_beyond_the_databases_integers_is_refused(app, world, signed_in, number):
    client = signed_in("admin")
    ids = trainee_ids(app)
    roll_call = client.post(
        f"/cohorts/alpha/sessions/{world.session}/roll-call",
        data=roll_call_data(ids, {}, number),
    )
    assert roll_call.status_code == 422
    results = client.post(
        "/cohorts/alpha/assessments/A1/results",
        data=grid(app, {"T01": ("12", ""), "T02": ("", "")}, number),
    )
    assert results.status_code == 422


# ---------------------------------------------------------------------------------------------
# Weeks and months


@pytest.mark.parametrize(
    ("text", "monday"),
    [
        ("2022-W02", date(2022, 1, 10)),
        ("2022-W2", date(2022, 1, 10)),
        (" 2020-W53 ", date(2020, 12, 28)),
        ("1900-W01", date(1900, 1, 1)),
        ("2999-W52", date(2999, 12, 23)),
    ],
)
def test_a_week_is_read_as_its_monday(app_context, text, monday):
    assert parse_week(text) == monday


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("garbage", "“garbage” is not a week: write it as 2022-W05"),
        ("2022-05", "“2022-05” is not a week"),
        ("2022-W60", "2022 has weeks 01 to 52: there is no week 60."),
        ("2021-W53", "2021 has weeks 01 to 52: there is no week 53."),
        ("2022-W00", "there is no week 0."),
        ("0001-W01", "Choose a week of the years 1900 to 2999."),
        ("9999-W52", "Choose a week of the years 1900 to 2999."),
    ],
)
def test_a_week_that_cannot_be_served_is_refused_with_the_reason(app_context, text, message):
    with pytest.raises(PeriodError, match=message):
        parse_week(text)


@pytest.mark.parametrize(
    ("text", "first"),
    [("2022-06", date(2022, 6, 1)), ("06/2022", date(2022, 6, 1)), ("2999-12", date(2999, 12, 1))],
)
def test_a_month_is_read_as_its_first_day(app_context, text, first):
    assert parse_month(text) == first


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("juin", "Enter a month as 06/2022, or pick it in the calendar."),
        ("2022-13", "Enter a month as 06/2022"),
        ("9999-12", "Choose a month of the years 1900 to 2999."),
        ("0001-01", "Choose a month of the years 1900 to 2999."),
    ],
)
def test_a_month_that_cannot_be_served_is_refused_with_the_reason(app_context, text, message):
    with pytest.raises(PeriodError, match=message):
        parse_month(text)


WEEK_PAGES = ["/cohorts/alpha/timetable?week={}", "/cohorts/alpha/attendance-sheets/{}.pdf"]
MONTH_PAGES = [
    "/cohorts/alpha/funding/statement?month={}",
    "/cohorts/alpha/funding/export/statement.csv?month={}",
    "/cohorts/alpha/funding/export/statement.xlsx?month={}",
]


@pytest.mark.parametrize("page", WEEK_PAGES)
@pytest.mark.parametrize(
    ("week", "message"),
    [
        ("0001-W01", "Choose a week of the years 1900 to 2999."),
        ("9999-W52", "Choose a week of the years 1900 to 2999."),
        ("garbage", "is not a week"),
        ("2022-W60", "2022 has weeks 01 to 52: there is no week 60."),
    ],
)
def test_a_wrong_week_answers_400_with_the_reason(world, signed_in, page, week, message):
    response = signed_in("admin").get(page.format(week) + ("&" if "?" in page else "?") + "lang=en")
    assert response.status_code == 400
    assert message in response.text


@pytest.mark.parametrize("page", MONTH_PAGES)
@pytest.mark.parametrize(
    ("month", "message"),
    [
        ("9999-12", "Choose a month of the years 1900 to 2999."),
        ("0001-01", "Choose a month of the years 1900 to 2999."),
        ("2022-13", "Enter a month as 06/2022"),
    ],
)
def test_a_wrong_month_answers_400_with_the_reason(world, signed_in, page, month, message):
    response = signed_in("admin").get(page.format(month) + "&lang=en")
    assert response.status_code == 400
    assert message in response.text


def test_the_reason_is_in_french_on_a_french_page(world, signed_in):
    response = signed_in("admin").get("/cohorts/alpha/timetable?week=2022-W60")
    assert response.status_code == 400
    assert "2022 a les semaines 01 à 52\u00a0: il n’y a pas de semaine 60." in response.text


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/cohorts/alpha/timetable?week=1900-W01", 200),
        ("/cohorts/alpha/timetable?week=2999-W52", 200),
        ("/cohorts/alpha/timetable?week=", 200),
        ("/cohorts/alpha/funding/statement?month=2999-12", 200),
        ("/cohorts/alpha/funding/statement?month=1900-01", 200),
        ("/cohorts/alpha/funding/export/statement.csv?month=2999-12", 200),
        ("/cohorts/alpha/funding/export/statement.xlsx?month=1900-01", 200),
        # A week without session has no sheet to make.
        ("/cohorts/alpha/attendance-sheets/2999-W52.pdf", 404),
        ("/cohorts/alpha/attendance-sheets/1900-W01.pdf", 404),
    ],
)
def test_the_extreme_weeks_and_months_allowed_are_served(world, signed_in, url, status):
    assert signed_in("admin").get(url).status_code == status
