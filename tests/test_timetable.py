"""The timetable by week, and its administration: adding, editing, deleting and generating."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tracker.attendance.models import Session
from tracker.cohorts.models import Cohort, Module
from tracker.extensions import db

pytestmark = pytest.mark.usefixtures("without_csrf")


def module_id(app, code="M1") -> int:
    with app.app_context():
        return db.session.scalar(select(Module.id).where(Module.code == code))


def add_module(app, code="M2") -> int:
    with app.app_context():
        alpha = db.session.scalar(select(Cohort).where(Cohort.slug == "alpha"))
        module = Module(cohort=alpha, code=code, title="Données", planned_minutes=6000)
        db.session.add(module)
        db.session.commit()
        return module.id


def sessions(app) -> list[tuple]:
    with app.app_context():
        return db.session.execute(
            select(Session.date, Session.slot, Session.module_id, Session.minutes, Session.kind)
            .join(Cohort)
            .where(Cohort.slug == "alpha")
            .order_by(Session.date, Session.slot)
        ).all()


def test_the_week_shows_its_half_days_and_the_state_of_each_roll_call(app, world, signed_in):
    with app.app_context():
        db.session.add(
            Session(
                cohort_id=db.session.scalar(select(Cohort.id).where(Cohort.slug == "alpha")),
                module_id=module_id(app),
                date=date(2022, 1, 12),
                slot="PM",
                minutes=180,
                kind="remote",
            )
        )
        db.session.commit()
    page = signed_in("instructor").get("/cohorts/alpha/timetable?week=2022-W02&lang=en").text
    assert "week of 10/01/2022 to 14/01/2022" in page
    rows = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</tr>", page, re.S)
    assert len(rows) == 2
    assert "Monday 10/01/2022" in rows[0] and "Morning" in rows[0]
    assert "Taken: 2 of 2" in rows[0] and "3.50\u00a0h" in rows[0]
    assert f"/cohorts/alpha/sessions/{world.session}/roll-call" in rows[0]
    assert "Wednesday 12/01/2022" in rows[1] and "Afternoon" in rows[1]
    assert "Not taken yet" in rows[1] and "Remote" in rows[1] and "3.00\u00a0h" in rows[1]
    assert "week=2022-W01" in page and "week=2022-W03" in page
    # Instructors do not administer the timetable.
    assert "/sessions/generate" not in page and "/edit" not in page


def test_the_timetable_is_in_french_by_default(app, world, signed_in):
    page = signed_in("admin").get("/cohorts/alpha/timetable?week=2022-W02").text
    assert "Lundi 10/01/2022" in page
    assert "3,50\u00a0h" in page
    assert "/sessions/generate" in page


def test_a_withdrawn_trainee_is_not_counted_as_expected(app, world, signed_in):
    with app.app_context():
        from tracker.cohorts.models import Trainee

        alan = db.session.scalar(select(Trainee).where(Trainee.first_name == "Alan"))
        alan.left_on = date(2022, 1, 10)
        db.session.add(
            Session(
                cohort_id=alan.cohort_id,
                module_id=module_id(app),
                date=date(2022, 1, 11),
                slot="AM",
            )
        )
        db.session.commit()
    page = signed_in("admin").get("/cohorts/alpha/timetable?week=2022-W02&lang=en").text
    assert "Taken: 2 of 2" in page  # Alan was still expected on the 10th
    rows = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</tr>", page, re.S)
    assert "Not taken yet" in rows[1]


def test_outside_the_cohort_the_timetable_opens_on_its_first_week(app, world, signed_in):
    # Today is after the world's cohort (2022), so the default is its first week.
    page = signed_in("admin").get("/cohorts/alpha/timetable?lang=en").text
    assert "week of 03/01/2022 to 07/01/2022" in page
    page = signed_in("admin").get("/cohorts/alpha/timetable?week=nonsense&lang=en").text
    assert "week of 03/01/2022 to 07/01/2022" in page
    page = signed_in("admin").get("/cohorts/alpha/timetable?week=2022-W53&lang=en").text
    assert "week of 03/01/2022 to 07/01/2022" in page
    page = signed_in("admin").get("/cohorts/alpha/timetable?week=2022-W20&lang=en").text
    assert "No session this week." in page


# ---------------------------------------------------------------------------------------------
# Adding, editing and deleting a session


def session_form(**overrides) -> dict:
    data = {"date": "2022-01-11", "slot": "PM", "hours": "3,5", "kind": "classroom"}
    data.update(overrides)
    return data


def test_an_admin_adds_a_session(app, world, signed_in):
    before = sessions(app)
    response = signed_in("admin").post(
        "/cohorts/alpha/sessions/new", data=session_form(module=module_id(app), hours="3,25")
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/cohorts/alpha/timetable?week=2022-W02")
    assert sessions(app) == [*before, (date(2022, 1, 11), "PM", module_id(app), 195, "classroom")]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"date": "2022-01-10", "slot": "AM"}, "This half-day already has a session."),
        ({"date": "2021-12-31"}, "The date must be within the cohort, from 03/01/2022"),
        ({"date": "31/12/2022"}, "The date must be within the cohort"),
        ({"date": "hier"}, "Not a valid date value."),
        ({"slot": "EVE"}, "Not a valid choice."),
        ({"hours": "0"}, "The hours must be more than 0 and at most 12."),
        ({"hours": "12,5"}, "The hours must be more than 0 and at most 12."),
        ({"hours": "trois"}, "Enter a number, such as 3.5."),
        ({"module": "999"}, "Not a valid choice."),
        ({"kind": "outdoor"}, "Not a valid choice."),
    ],
)
def test_a_wrong_session_is_refused_beside_the_field(app, world, signed_in, overrides, message):
    before = sessions(app)
    data = session_form(module=module_id(app))
    data.update(overrides)
    response = signed_in("admin").post("/cohorts/alpha/sessions/new?lang=en", data=data)
    assert response.status_code == 422
    assert message in response.text
    assert 'class="error" id="' in response.text
    assert sessions(app) == before


@pytest.mark.parametrize(
    ("url", "hint"),
    [
        ("/cohorts/alpha/sessions/new?lang=en", "Usually 3.5."),
        ("/cohorts/alpha/sessions/new?lang=fr", "En général 3,5."),
        ("/cohorts/alpha/sessions/generate?lang=en", "Usually 3.5."),
        ("/cohorts/alpha/sessions/generate?lang=fr", "En général 3,5."),
        ("/cohorts/alpha/curriculum/modules/new?lang=en", "e.g. 140 or 17.5"),
        ("/cohorts/alpha/curriculum/modules/new?lang=fr", "par exemple 140 ou 17,5"),
        ("/cohorts/alpha/budget/expenses/new?lang=en", "at most 2 decimals: 1,234.50."),
        ("/cohorts/alpha/budget/expenses/new?lang=fr", "au plus 2 décimales\u00a0: 1\u202f234,50."),
    ],
)
def test_the_hints_write_their_numbers_in_the_pages_language(world, signed_in, url, hint):
    assert hint in signed_in("admin").get(url).get_data(as_text=True)


def test_an_admin_edits_a_session(app, world, signed_in):
    m2 = add_module(app)
    client = signed_in("admin")
    page = client.get(f"/cohorts/alpha/sessions/{world.session}/edit").text
    assert 'value="2022-01-10"' in page and 'value="3,5"' in page
    response = client.post(
        f"/cohorts/alpha/sessions/{world.session}/edit",
        data=session_form(date="2022-01-10", slot="PM", module=m2, hours="4", kind="remote"),
    )
    assert response.status_code == 302
    assert sessions(app) == [(date(2022, 1, 10), "PM", m2, 240, "remote")]


def test_a_session_cannot_be_shortened_below_minutes_already_missed(app, world, signed_in):
    client = signed_in("admin")
    ids = dict(
        re.findall(
            r'<span class="ref">(T\d+)</span>.*?name="t(\d+)-status"',
            client.get(f"/cohorts/alpha/sessions/{world.session}/roll-call").text,
            re.S,
        )
    )
    data = {"version": "0"}
    for trainee_id in ids.values():
        data[f"t{trainee_id}-status"] = "late"
        data[f"t{trainee_id}-minutes_missed"] = "150"
    assert client.post(f"/cohorts/alpha/sessions/{world.session}/roll-call", data=data).status_code
    response = client.post(
        f"/cohorts/alpha/sessions/{world.session}/edit?lang=en",
        data=session_form(date="2022-01-10", slot="AM", module=module_id(app), hours="2"),
    )
    assert response.status_code == 422
    assert "A trainee already missed 150 minutes of this session." in response.text
    assert sessions(app)[0][3] == 210


def test_a_session_without_a_roll_call_is_deleted(app, world, signed_in):
    client = signed_in("admin")
    client.post(
        "/cohorts/alpha/sessions/new", data=session_form(module=module_id(app), date="2022-01-11")
    )
    with app.app_context():
        new = db.session.scalar(select(Session.id).where(Session.date == date(2022, 1, 11)))
    response = client.post(f"/cohorts/alpha/sessions/{new}/delete")
    assert response.status_code == 302
    assert [row[0] for row in sessions(app)] == [date(2022, 1, 10)]


def test_a_session_with_a_roll_call_is_not_deleted(app, world, signed_in):
    response = signed_in("admin").post(f"/cohorts/alpha/sessions/{world.session}/delete?lang=en")
    assert response.status_code == 409
    assert "This session cannot be deleted: its roll call holds marks" in response.text
    assert len(sessions(app)) == 1


# ---------------------------------------------------------------------------------------------
# Generating a timetable


def generate(client, **overrides):
    data = {
        "first_day": "2022-05-23",
        "last_day": "2022-06-03",
        "slots": "both",
        "hours": "3,5",
        "kind": "classroom",
    }
    data.update(overrides)
    return client.post("/cohorts/alpha/sessions/generate?lang=en", data=data)


def test_generating_skips_weekends_holidays_and_taken_half_days(app, world, signed_in):
    m2 = add_module(app)
    with app.app_context():
        alpha_id = db.session.scalar(select(Cohort.id).where(Cohort.slug == "alpha"))
        db.session.add(
            Session(cohort_id=alpha_id, module_id=module_id(app), date=date(2022, 5, 24), slot="PM")
        )
        db.session.commit()
    client = signed_in("admin")
    response = generate(client, module=m2)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("week=2022-W21")
    created = [(day, slot) for day, slot, module, *_ in sessions(app) if module == m2]
    # Two weeks of weekdays, less Ascension (Thursday 26 May), in both slots, less the
    # afternoon of 24 May, which already had a session.
    weekdays = [date(2022, 5, 23) + timedelta(days=n) for n in range(12)]
    expected = [
        (day, slot)
        for day in weekdays
        if day.weekday() < 5 and day != date(2022, 5, 26)
        for slot in ("AM", "PM")
        if (day, slot) != (date(2022, 5, 24), "PM")
    ]
    assert created == expected
    assert len(created) == 17
    page = client.get(response.headers["Location"]).text
    assert "17 half-days added." in page
    assert "1 half-day already had a session" in page
    assert "26/05/2022 (Ascension Day)" in page

    # Generating again adds nothing.
    response = generate(client, module=m2)
    assert len([row for row in sessions(app) if row[2] == m2]) == 17
    page = client.get(response.headers["Location"]).text
    assert "0 half-days added. 18 half-days already had a session" in page


def test_generating_mornings_only_over_bastille_day(app, world, signed_in):
    m2 = add_module(app)
    client = signed_in("admin")
    response = generate(
        client, module=m2, first_day="11/07/2022", last_day="17/07/2022", slots="AM", hours="3"
    )
    assert response.status_code == 302
    created = [(day, slot, minutes) for day, slot, module, minutes, _ in sessions(app)]
    assert created[1:] == [
        (date(2022, 7, 11), "AM", 180),
        (date(2022, 7, 12), "AM", 180),
        (date(2022, 7, 13), "AM", 180),
        (date(2022, 7, 15), "AM", 180),
    ]
    with app.app_context():
        assert db.session.scalar(select(func.count(Session.id))) == 5


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"first_day": "2021-12-20"}, "The date must be within the cohort"),
        ({"last_day": "2023-01-06"}, "The date must be within the cohort"),
        ({"last_day": "2022-05-20"}, "The last day must be on or after the first day."),
        ({"slots": "night"}, "Not a valid choice."),
        ({"hours": "0,001"}, "The hours must be more than 0 and at most 12."),
        ({"module": ""}, "This field is required."),
    ],
)
def test_a_wrong_generation_is_refused_and_adds_nothing(app, world, signed_in, overrides, message):
    data = {"module": module_id(app)}
    data.update(overrides)
    response = generate(signed_in("admin"), **data)
    assert response.status_code == 422
    assert message in response.text
    assert len(sessions(app)) == 1
