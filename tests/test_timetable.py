"""The timetable by week, and its administration: adding, editing, deleting and generating."""

import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from tests.pages_data import text
from tracker import timeutil
from tracker.attendance.models import AttendanceRecord, Session
from tracker.cohorts.models import Cohort, Module, Trainee
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
    assert "Timetable, week of 10 January 2022" in page
    assert "From 10/01/2022 to 14/01/2022" in page
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


def frozen_today(monkeypatch, day: date) -> None:
    """Make the application's clock read noon of a day in Europe/Paris."""
    noon = datetime.combine(day, time(12), tzinfo=timeutil.COURSE_TIME_ZONE)
    monkeypatch.setattr(timeutil, "utc_now", lambda: noon.astimezone(UTC))


@pytest.mark.parametrize(
    ("today", "heading", "link"),
    [
        # The world's cohort runs from Monday 03/01/2022 to Friday 16/12/2022.
        (date(2021, 11, 15), "week of 3 January 2022", "The cohort's first week"),
        (date(2022, 1, 2), "week of 3 January 2022", "The cohort's first week"),
        (date(2022, 6, 15), "week of 13 June 2022", "This week"),
        (date(2022, 12, 18), "week of 12 December 2022", "The cohort's last week"),
        (date(2024, 3, 1), "week of 12 December 2022", "The cohort's last week"),
    ],
)
def test_the_timetable_opens_on_this_week_or_the_cohort_s_nearest(
    world, signed_in, monkeypatch, today, heading, link
):
    frozen_today(monkeypatch, today)
    page = signed_in("admin").get("/cohorts/alpha/timetable?lang=en").text
    assert f"Timetable, {heading}" in page
    assert f'<a href="/cohorts/alpha/timetable">{link}</a>' in page


def test_a_week_that_cannot_be_read_is_refused_with_the_reason(world, signed_in, monkeypatch):
    frozen_today(monkeypatch, date(2022, 6, 15))
    # Refused with the reason (tests/test_addresses.py), not replaced by another week.
    for wrong in ("nonsense", "2022-W53"):
        response = signed_in("admin").get(f"/cohorts/alpha/timetable?week={wrong}&lang=en")
        assert response.status_code == 400
        assert "week of" not in response.text
    page = signed_in("admin").get("/cohorts/alpha/timetable?week=2022-W20&lang=en").text
    assert "No session this week." in page


def test_the_week_picker_takes_any_day_of_the_week(world, signed_in):
    client = signed_in("admin")
    response = client.get("/cohorts/alpha/timetable?day=2022-01-12")
    assert response.status_code == 302
    assert response.headers["Location"] == "/cohorts/alpha/timetable?week=2022-W02"
    response = client.get("/cohorts/alpha/timetable?day=12/01/2022")
    assert response.headers["Location"] == "/cohorts/alpha/timetable?week=2022-W02"
    page = client.get("/cohorts/alpha/timetable?week=2022-W02").text
    assert 'type="date"' in page and 'value="2022-01-10"' in page
    assert not re.search(r"\d{4}-W\d", text(page))  # week codes in addresses only
    assert client.get("/cohorts/alpha/timetable?day=31/02/2022").status_code == 400


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


def test_a_hint_s_number_follows_each_page_s_language_not_the_first_page_s(world, signed_in):
    """A server process compiles a template once and draws it in both languages: a number written
    in the template (`3.5|number(1)`) must not be written once for all when it is compiled."""
    client = signed_in("admin")
    for language, hint in (("fr", "En général 3,5."), ("en", "Usually 3.5."), ("fr", "3,5.")):
        page = client.get(f"/cohorts/alpha/sessions/new?lang={language}").get_data(as_text=True)
        assert hint in page, language


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


# ---------------------------------------------------------------------------------------------
# Moving a session whose roll call holds marks


def frozen_at(monkeypatch, *when: int) -> None:
    """Freeze the application's clock at a time in Paris."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from tracker import timeutil

    instant = datetime(*when, tzinfo=ZoneInfo("Europe/Paris")).astimezone(UTC)
    monkeypatch.setattr(timeutil, "utc_now", lambda: instant)


def move_world_session(app, signed_in, world, day: str, slot: str = "AM", lang: str = "en"):
    return signed_in("admin").post(
        f"/cohorts/alpha/sessions/{world.session}/edit?lang={lang}",
        data=session_form(date=day, slot=slot, module=module_id(app)),
    )


def test_the_form_warns_that_the_marks_move_with_the_session(app, world, signed_in):
    page = signed_in("admin").get(f"/cohorts/alpha/sessions/{world.session}/edit?lang=en").text
    assert "The roll call of this session holds 2 marks. Changing its date or half-day moves" in (
        page
    )
    client = signed_in("admin")
    client.post(
        "/cohorts/alpha/sessions/new", data=session_form(module=module_id(app), date="2022-01-11")
    )
    with app.app_context():
        new = db.session.scalar(select(Session.id).where(Session.date == date(2022, 1, 11)))
    assert "marks-move" not in client.get(f"/cohorts/alpha/sessions/{new}/edit?lang=en").text


def test_a_session_with_marks_moves_to_a_held_half_day_with_them(app, world, signed_in):
    client = signed_in("admin")
    response = client.post(
        f"/cohorts/alpha/sessions/{world.session}/edit?lang=en",
        data=session_form(date="2022-01-11", slot="PM", module=module_id(app)),
    )
    assert response.status_code == 302
    assert sessions(app)[0][:2] == (date(2022, 1, 11), "PM")
    page = client.get(response.headers["Location"]).text
    assert "The session of Tuesday 11/01/2022, afternoon is saved. Its 2 marks moved with it." in (
        page
    )


@pytest.mark.parametrize(
    ("day", "lang", "message"),
    [
        (
            "2022-07-14",
            "en",
            "14/07/2022 is a public holiday (National Day): the 2 marks of this roll call cannot "
            "move to it.",
        ),
        (
            "2022-11-11",
            "fr",
            "11/11/2022 est un jour férié (Armistice)\u00a0: les 2 pointages de cet appel ne "
            "peuvent pas y être déplacés.",
        ),
    ],
)
def test_a_session_with_marks_does_not_move_to_a_public_holiday(
    app, world, signed_in, day, lang, message
):
    before = sessions(app)
    response = move_world_session(app, signed_in, world, day, lang=lang)
    assert response.status_code == 422
    assert message in response.text
    assert sessions(app) == before


def test_a_session_with_marks_does_not_move_to_a_half_day_not_started(
    app, world, signed_in, monkeypatch
):
    frozen_at(monkeypatch, 2022, 3, 1, 10, 0)
    before = sessions(app)
    response = move_world_session(app, signed_in, world, "2022-03-01", "PM")
    assert response.status_code == 422
    # T01 is marked present, T02 excused: the excused absence could be announced in advance.
    assert (
        "That half-day starts on 01/03/2022 13:30: 1 mark of this roll call is not an absence "
        "announced in advance and cannot move to it." in response.text
    )
    assert sessions(app) == before
    # The morning has started: the marks can move to it.
    assert move_world_session(app, signed_in, world, "2022-03-01", "AM").status_code == 302


def test_a_session_with_only_announced_absences_moves_to_a_later_half_day(
    app, world, signed_in, monkeypatch
):
    frozen_at(monkeypatch, 2022, 3, 1, 10, 0)
    with app.app_context():
        db.session.execute(
            AttendanceRecord.__table__.delete().where(AttendanceRecord.status == "present")
        )
        db.session.commit()
    assert move_world_session(app, signed_in, world, "2022-03-02").status_code == 302
    assert sessions(app)[0][:2] == (date(2022, 3, 2), "AM")


def test_a_session_does_not_move_to_a_day_its_marked_trainees_are_not_expected(
    app, world, signed_in
):
    with app.app_context():
        alan = db.session.scalar(select(Trainee).where(Trainee.ref == "T02"))
        alan.left_on, alan.exit_reason = date(2022, 2, 4), "Emploi"
        db.session.commit()
    response = move_world_session(app, signed_in, world, "2022-02-07")
    assert response.status_code == 422
    assert "1 trainee marked at this session is not expected on 07/02/2022." in response.text


def test_a_session_without_marks_moves_anywhere_in_the_cohort(app, world, signed_in):
    with app.app_context():
        db.session.execute(AttendanceRecord.__table__.delete())
        db.session.commit()
    assert move_world_session(app, signed_in, world, "2022-07-14").status_code == 302


def test_the_operation_refuses_a_move_in_the_users_language(app, world):
    from datetime import UTC, datetime

    from tracker.attendance import operations

    with app.test_request_context("/?lang=fr"):
        session = db.session.get(Session, world.session)
        with pytest.raises(operations.AttendanceError) as refused:
            operations.change_session(
                session,
                module=session.module,
                day=date(2022, 7, 14),
                slot="AM",
                minutes=210,
                kind="classroom",
                now=datetime(2022, 12, 1, tzinfo=UTC),
            )
        assert refused.value.field == "date"
        assert str(refused.value).startswith("14/07/2022 est un jour férié (Fête nationale)")


# ---------------------------------------------------------------------------------------------
# The operations' refusals, in the page's language


def test_an_operations_refusal_is_shown_beside_its_field_in_french(
    app, world, signed_in, monkeypatch
):
    from tracker.attendance.forms import SessionForm

    # Another admin took the half-day between the form's check and the save.
    monkeypatch.setattr(SessionForm, "validate_slot", lambda form, field: None)
    data = session_form(module=module_id(app), date="2022-01-10", slot="AM")
    response = signed_in("admin").post("/cohorts/alpha/sessions/new", data=data)
    assert response.status_code == 409
    assert '<span class="error" id="slot-error">Cette demi-journée a déjà une séance.</span>' in (
        response.text
    )
    assert len(sessions(app)) == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"minutes": 0},
            "Le nombre d’heures doit être supérieur à 0 et ne pas dépasser 12.",
        ),
        ({"slot": "EVE"}, "Choisissez le matin ou l’après-midi."),
        ({"kind": "outdoor"}, "Choisissez un type de séance."),
    ],
)
def test_the_operations_refuse_in_the_users_language(app, world, change, message):
    from tracker.attendance import operations

    fields = {"day": date(2022, 1, 11), "slot": "AM", "minutes": 210, "kind": "classroom"}
    with app.test_request_context("/?lang=fr"):
        cohort = db.session.scalar(select(Cohort).where(Cohort.slug == "alpha"))
        module = db.session.get(Module, module_id(app))
        with pytest.raises(operations.AttendanceError, match=message):
            operations.add_session(cohort, module=module, **{**fields, **change})


# ---------------------------------------------------------------------------------------------
# The times of a half-day: the cohort's for its slot, or the session's own


def session_times(app) -> list[tuple]:
    with app.app_context():
        return db.session.execute(
            select(Session.date, Session.slot, Session.starts_at, Session.ends_at)
            .join(Cohort)
            .where(Cohort.slug == "alpha")
            .order_by(Session.date, Session.slot)
        ).all()


def test_a_session_takes_the_cohorts_times_unless_given_its_own(app, world, signed_in):
    client = signed_in("admin")
    page = client.get("/cohorts/alpha/sessions/new?lang=en").text
    assert "times, 09:00–12:30 for a morning and 13:30–17:00 for an afternoon." in page
    assert 'name="starts_at" type="time" value=""' in page
    response = client.post(
        "/cohorts/alpha/sessions/new", data=session_form(module=module_id(app), date="2022-01-11")
    )
    assert response.status_code == 302
    response = client.post(
        "/cohorts/alpha/sessions/new",
        data=session_form(
            module=module_id(app), date="2022-01-12", starts_at="14:00", ends_at="17h30"
        ),
    )
    assert response.status_code == 302
    assert session_times(app)[1:] == [
        (date(2022, 1, 11), "PM", None, None),
        (date(2022, 1, 12), "PM", time(14, 0), time(17, 30)),
    ]
    page = client.get("/cohorts/alpha/timetable?week=2022-W02&lang=en").text
    rows = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</tr>", page, re.S)
    assert 'Morning, <span class="times">09:00 to 12:30</span>' in rows[0]
    assert "13:30 to 17:00" in rows[1]
    assert "14:00 to 17:30" in rows[2]


def test_an_admin_gives_a_session_its_own_times_then_takes_them_back(app, world, signed_in):
    client = signed_in("admin")
    url = f"/cohorts/alpha/sessions/{world.session}/edit"
    data = session_form(date="2022-01-10", slot="AM", module=module_id(app))
    assert client.post(url, data={**data, "starts_at": "08:30"}).status_code == 302
    assert session_times(app) == [(date(2022, 1, 10), "AM", time(8, 30), None)]
    page = client.get(url + "?lang=en").text
    assert 'name="starts_at" type="time" value="08:30"' in page
    roll_call = client.get(f"/cohorts/alpha/sessions/{world.session}/roll-call?lang=en").text
    assert '<span id="session-times">08:30 to 12:30</span>' in roll_call
    # Emptied, its times are the cohort's again.
    assert client.post(url, data={**data, "starts_at": ""}).status_code == 302
    assert session_times(app) == [(date(2022, 1, 10), "AM", None, None)]


def test_the_timetable_and_roll_call_follow_the_cohorts_times(app, world, signed_in):
    with app.app_context():
        alpha = db.session.scalar(select(Cohort).where(Cohort.slug == "alpha"))
        alpha.morning_starts_at, alpha.morning_ends_at = time(8, 45), time(12, 15)
        db.session.commit()
    client = signed_in("instructor")
    page = client.get("/cohorts/alpha/timetable?week=2022-W02&lang=en").text
    assert "08:45 to 12:15" in page
    roll_call = client.get(f"/cohorts/alpha/sessions/{world.session}/roll-call?lang=en").text
    assert '<span id="session-times">08:45 to 12:15</span>' in roll_call


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"starts_at": "14:00", "ends_at": "13:45"},
            "ends_at",
            "The session must end after it starts (14:00).",
        ),
        ({"ends_at": "13:30"}, "ends_at", "The session must end after it starts (13:30)."),
        (
            {"starts_at": "17:15"},
            "starts_at",
            "The session must start before it ends (17:00, the cohort&#39;s time).",
        ),
        ({"starts_at": "24:00"}, "starts_at", "Enter a time as HH:MM, for example 09:00."),
        ({"ends_at": "midi"}, "ends_at", "Enter a time as HH:MM, for example 09:00."),
    ],
)
def test_a_session_ending_before_it_starts_is_refused_beside_the_field(
    app, world, signed_in, overrides, field, message
):
    before = session_times(app)
    data = session_form(module=module_id(app), **overrides)
    response = signed_in("admin").post("/cohorts/alpha/sessions/new?lang=en", data=data)
    assert response.status_code == 422
    assert f'<span class="error" id="{field}-error">{message}</span>' in response.text
    assert session_times(app) == before


def test_the_operations_refuse_a_session_ending_before_it_starts(app, world):
    from tracker.attendance import operations

    with app.app_context():
        alpha = db.session.scalar(select(Cohort).where(Cohort.slug == "alpha"))
        module = db.session.get(Module, module_id(app))
        with pytest.raises(operations.AttendanceError, match=r"must end after it starts") as error:
            operations.add_session(
                alpha,
                module=module,
                day=date(2022, 1, 11),
                slot="AM",
                minutes=210,
                kind="classroom",
                ends_at=time(8, 0),
            )
        assert error.value.field == "ends_at"


def test_a_moved_session_starts_at_its_own_time_on_its_new_day(app, world, signed_in, monkeypatch):
    # At 10:00, a morning starting at 11:00 has not started: present marks cannot move to it.
    frozen_at(monkeypatch, 2022, 3, 1, 10, 0)
    response = signed_in("admin").post(
        f"/cohorts/alpha/sessions/{world.session}/edit?lang=en",
        data=session_form(date="2022-03-01", slot="AM", module=module_id(app), starts_at="11:00"),
    )
    assert response.status_code == 422
    assert "That half-day starts on 01/03/2022 11:00" in response.text


def test_a_generated_timetable_keeps_the_cohorts_times(app, world, signed_in):
    m2 = add_module(app)
    response = generate(
        signed_in("admin"), module=m2, first_day="11/07/2022", last_day="12/07/2022"
    )
    assert response.status_code == 302
    generated = [row for row in session_times(app) if row[0] >= date(2022, 7, 11)]
    assert len(generated) == 4
    assert {(starts_at, ends_at) for *_, starts_at, ends_at in generated} == {(None, None)}
