"""The roll call of one session: who is listed, saving, saving again, refusals and stale pages."""

import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import event, select

from tracker.attendance.models import AttendanceRecord, Session
from tracker.cohorts.models import Cohort, Module, Trainee
from tracker.extensions import db

pytestmark = pytest.mark.usefixtures("without_csrf")


def trainee_ids(app, cohort="alpha") -> dict[str, int]:
    with app.app_context():
        return dict(
            db.session.execute(
                select(Trainee.ref, Trainee.id).join(Cohort).where(Cohort.slug == cohort)
            ).all()
        )


def stored_marks(app, session_id) -> dict[int, tuple]:
    with app.app_context():
        rows = db.session.execute(
            select(
                AttendanceRecord.trainee_id,
                AttendanceRecord.status,
                AttendanceRecord.minutes_missed,
                AttendanceRecord.note,
                AttendanceRecord.recorded_by_id,
            ).where(AttendanceRecord.session_id == session_id)
        ).all()
        return {row[0]: tuple(row[1:]) for row in rows}


def version(app, session_id) -> int:
    with app.app_context():
        return db.session.get(Session, session_id).roll_call_version


def add_session(app, day, slot="AM", minutes=210) -> int:
    with app.app_context():
        alpha = db.session.scalar(select(Cohort).where(Cohort.slug == "alpha"))
        module = db.session.scalar(select(Module).where(Module.cohort_id == alpha.id))
        session = Session(cohort_id=alpha.id, module=module, date=day, slot=slot, minutes=minutes)
        db.session.add(session)
        db.session.commit()
        return session.id


def roll_call_data(ids, marks, seen_version) -> dict:
    """Form data: everyone present except the marks given as ref -> (status, minutes, note)."""
    data = {"version": str(seen_version)}
    for ref, trainee_id in ids.items():
        status, minutes, note = marks.get(ref, ("present", "", ""))
        data[f"t{trainee_id}-status"] = status
        data[f"t{trainee_id}-minutes_missed"] = str(minutes)
        data[f"t{trainee_id}-note"] = note
    return data


def checked_status(page: str, trainee_id: int) -> str:
    pattern = rf'<input type="radio" id="t{trainee_id}-status-\d" [^>]*value="(\w+)" checked>'
    match = re.search(pattern, page)
    return match.group(1) if match else None


def test_the_roll_call_lists_the_expected_trainees_by_reference(app, world, signed_in):
    with app.app_context():
        alpha = db.session.scalar(select(Cohort).where(Cohort.slug == "alpha"))
        db.session.add_all(
            [
                Trainee(
                    cohort=alpha,
                    ref="T00",
                    first_name="Katherine",
                    last_name="Johnson",
                    email="kj@example.org",
                    enrolled_on=date(2022, 1, 3),
                    left_on=date(2022, 2, 4),
                    exit_reason="Emploi",
                ),
                Trainee(
                    cohort=alpha,
                    ref="T03",
                    first_name="Margaret",
                    last_name="Hamilton",
                    email="mh@example.org",
                    enrolled_on=date(2022, 2, 7),
                ),
            ]
        )
        db.session.commit()
    later = add_session(app, date(2022, 3, 7), "PM")

    first = signed_in("instructor").get(f"/cohorts/alpha/sessions/{world.session}/roll-call")
    assert first.status_code == 200
    names = re.findall(r'<legend><span class="ref">(T\d+)</span>', first.text)
    assert names == ["T00", "T01", "T02"]
    assert "Margaret" not in first.text
    assert "Grace Hopper" not in first.text  # a trainee of the other cohort

    page = signed_in("instructor").get(f"/cohorts/alpha/sessions/{later}/roll-call").text
    names = re.findall(r'<legend><span class="ref">(T\d+)</span>', page)
    assert names == ["T01", "T02", "T03"]  # T00 withdrew on 4 February
    assert "Katherine" not in page


def test_everyone_is_present_by_default_until_the_roll_call_is_taken(app, world, signed_in):
    session_id = add_session(app, date(2022, 1, 11))
    page = (
        signed_in("instructor").get(f"/cohorts/alpha/sessions/{session_id}/roll-call?lang=en").text
    )
    ids = trainee_ids(app)
    assert checked_status(page, ids["T01"]) == "present"
    assert checked_status(page, ids["T02"]) == "present"
    assert "Not taken yet: everyone is marked present" in page
    assert stored_marks(app, session_id) == {}


def test_the_page_shows_what_is_recorded(app, world, signed_in):
    page = (
        signed_in("instructor")
        .get(f"/cohorts/alpha/sessions/{world.session}/roll-call?lang=en")
        .text
    )
    ids = trainee_ids(app)
    assert checked_status(page, ids["T01"]) == "present"
    assert checked_status(page, ids["T02"]) == "excused"
    assert 'value="Rendez-vous France Travail"' in page
    assert "2 of 2 trainees recorded" in page


def test_saving_records_the_marks_and_who_recorded_them(app, world, signed_in):
    session_id = add_session(app, date(2022, 1, 11))
    ids = trainee_ids(app)
    client = signed_in("instructor")
    response = client.post(
        f"/cohorts/alpha/sessions/{session_id}/roll-call?lang=en",
        data=roll_call_data(ids, {"T02": ("late", 25, "Train en retard")}, 0),
    )
    assert response.status_code == 302
    instructor = world.accounts["instructor"]
    assert stored_marks(app, session_id) == {
        ids["T01"]: ("present", 0, None, instructor),
        ids["T02"]: ("late", 25, "Train en retard", instructor),
    }
    assert version(app, session_id) == 1

    page = client.get(response.headers["Location"]).text
    assert "The roll call of Tuesday 11/01/2022, morning is saved as a draft" in page
    assert "Last saved by Olivier Prof on" in page
    assert checked_status(page, ids["T02"]) == "late"
    assert 'value="25"' in page


def test_saving_again_updates_the_changed_marks_only(app, world, signed_in):
    ids = trainee_ids(app)
    before = stored_marks(app, world.session)
    response = signed_in("admin").post(
        f"/cohorts/alpha/sessions/{world.session}/roll-call",
        data=roll_call_data(
            ids,
            {"T01": ("absent", "", ""), "T02": ("excused", "", "Rendez-vous France Travail")},
            0,
        ),
    )
    assert response.status_code == 302
    after = stored_marks(app, world.session)
    assert after[ids["T01"]] == ("absent", 0, None, world.accounts["admin"])
    # Unchanged: it keeps who recorded it (the world's import, without an account).
    assert after[ids["T02"]] == before[ids["T02"]]
    with app.app_context():
        assert db.session.scalar(select(db.func.count(AttendanceRecord.id))) == 2

    response = signed_in("instructor").post(
        f"/cohorts/alpha/sessions/{world.session}/roll-call",
        data=roll_call_data(ids, {"T01": ("left_early", 90, "Médecin")}, 1),
    )
    assert response.status_code == 302
    after = stored_marks(app, world.session)
    assert after[ids["T01"]] == ("left_early", 90, "Médecin", world.accounts["instructor"])
    assert after[ids["T02"]] == ("present", 0, None, world.accounts["instructor"])
    assert version(app, world.session) == 2


def test_a_save_that_changes_no_mark_writes_nothing(app, world, signed_in):
    """Saved as it shows: no mark, no version, no trail entry, so that the figures, charts and
    reports worked out from the cohort's records stay as they are; from a stale page, refused."""
    from tracker.audit.models import AuditEntry
    from tracker.metrics.versions import data_versions

    ids = trainee_ids(app)
    before = stored_marks(app, world.session)
    as_shown = {"T02": ("excused", "", "Rendez-vous France Travail")}  # T01 present

    def trail_and_version():
        with app.app_context():
            cohort_id = db.session.get(Session, world.session).cohort_id
            entries = db.session.scalar(select(db.func.count(AuditEntry.id)))
            return entries, data_versions([cohort_id])[cohort_id]

    written = trail_and_version()
    client = signed_in("instructor")
    url = f"/cohorts/alpha/sessions/{world.session}/roll-call?lang=en"
    saved = client.post(url, data=roll_call_data(ids, as_shown, 0))
    assert saved.status_code == 302
    assert "The roll call of" in client.get(url).text  # told it is saved, as any save
    assert stored_marks(app, world.session) == before
    assert version(app, world.session) == 0
    assert trail_and_version() == written

    # Someone else changes a mark and sets it back: the same page, although it matches what is
    # recorded, is refused as stale, as any page drawn before another save.
    admin = signed_in("admin")
    late = roll_call_data(ids, {"T01": ("late", 5, ""), **as_shown}, 0)
    assert admin.post(url, data=late).status_code == 302
    assert admin.post(url, data=roll_call_data(ids, as_shown, 1)).status_code == 302
    assert version(app, world.session) == 2
    stale = client.post(url, data=roll_call_data(ids, as_shown, 0))
    assert stale.status_code == 409
    assert "Someone else saved this roll call" in stale.text
    assert version(app, world.session) == 2


@pytest.mark.parametrize(
    ("marks", "message"),
    [
        ({"T01": ("excused", "", "")}, "A reason is required for an excused absence."),
        ({"T01": ("excused", "", "   ")}, "A reason is required for an excused absence."),
        ({"T01": ("present", 10, "")}, "Minutes missed are only for a trainee late"),
        ({"T01": ("absent", 10, "")}, "Minutes missed are only for a trainee late"),
        ({"T01": ("late", 211, "")}, "At most 210 minutes, the session&#39;s length."),
        ({"T01": ("late", -5, "")}, "Enter 0 or more minutes."),
        ({"T01": ("late", "dix", "")}, "Not a valid integer value."),
        ({"T01": ("asleep", "", "")}, "Choose a status."),
        ({"T01": ("late", 10, "x" * 501)}, "Field cannot be longer than 500 characters."),
    ],
)
def test_a_wrong_line_is_refused_beside_it_and_nothing_changes(
    app, world, signed_in, marks, message
):
    ids = trainee_ids(app)
    before = stored_marks(app, world.session)
    response = signed_in("instructor").post(
        f"/cohorts/alpha/sessions/{world.session}/roll-call?lang=en",
        data=roll_call_data(ids, marks, 0),
    )
    assert response.status_code == 422
    page = response.text
    assert message in page
    # The message is tied to the line of T01, not to another trainee's.
    error = re.search(rf'<span class="error" id="t{ids["T01"]}-(\w+)-error">', page)
    assert error is not None
    # (the line's signature and any disagreement describe it too)
    assert re.search(rf'aria-describedby="([^"]* )?t{ids["T01"]}-{error.group(1)}-error[ "]', page)
    assert f'id="t{ids["T02"]}-' in page and f"t{ids['T02']}-status-error" not in page
    assert stored_marks(app, world.session) == before
    assert version(app, world.session) == 0


def test_a_missing_line_is_refused_rather_than_taken_as_present(app, world, signed_in):
    session_id = add_session(app, date(2022, 1, 11))
    ids = trainee_ids(app)
    data = roll_call_data(ids, {}, 0)
    del data[f"t{ids['T02']}-status"]
    response = signed_in("instructor").post(
        f"/cohorts/alpha/sessions/{session_id}/roll-call", data=data
    )
    assert response.status_code == 422
    assert stored_marks(app, session_id) == {}


def test_a_save_from_a_stale_page_is_refused_and_overwrites_nothing(app, world, signed_in):
    ids = trainee_ids(app)
    first, second = signed_in("instructor"), signed_in("admin")
    # Both open the page at version 0; the first saves.
    assert (
        'name="version" type="hidden" value="0"'
        in first.get(f"/cohorts/alpha/sessions/{world.session}/roll-call").text
    )
    saved = first.post(
        f"/cohorts/alpha/sessions/{world.session}/roll-call",
        data=roll_call_data(ids, {"T01": ("late", 20, ""), "T02": ("absent", "", "")}, 0),
    )
    assert saved.status_code == 302
    after_first = stored_marks(app, world.session)

    stale = second.post(
        f"/cohorts/alpha/sessions/{world.session}/roll-call?lang=en",
        data=roll_call_data(ids, {"T01": ("absent", "", ""), "T02": ("present", "", "")}, 0),
    )
    assert stale.status_code == 409
    assert "Someone else saved this roll call" in stale.text
    assert stored_marks(app, world.session) == after_first
    assert version(app, world.session) == 1
    # The form now shows what the first one saved, and carries the current version.
    assert checked_status(stale.text, ids["T01"]) == "late"
    assert checked_status(stale.text, ids["T02"]) == "absent"
    assert 'name="version" type="hidden" value="1"' in stale.text

    again = second.post(
        f"/cohorts/alpha/sessions/{world.session}/roll-call",
        data=roll_call_data(ids, {"T01": ("absent", "", ""), "T02": ("absent", "", "")}, 1),
    )
    assert again.status_code == 302
    assert stored_marks(app, world.session)[ids["T01"]][0] == "absent"


def test_saving_needs_the_page_csrf_token(app, world, signed_in):
    app.config["WTF_CSRF_ENABLED"] = True
    ids = trainee_ids(app)
    client = signed_in("instructor")
    url = f"/cohorts/alpha/sessions/{world.session}/roll-call"
    data = roll_call_data(ids, {"T01": ("absent", "", "")}, 0)
    assert client.post(url, data=data).status_code == 400
    assert stored_marks(app, world.session)[ids["T01"]][0] == "present"
    page = client.get(url).text
    data["csrf_token"] = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(
        1
    )
    assert client.post(url, data=data).status_code == 302
    assert stored_marks(app, world.session)[ids["T01"]][0] == "absent"


def test_a_session_of_another_cohort_is_not_found(app, world, signed_in):
    with app.app_context():
        beta = db.session.scalar(select(Cohort).where(Cohort.slug == "beta"))
        module = Module(cohort=beta, code="B1", title="Bases", planned_minutes=600)
        session = Session(cohort=beta, module=module, date=date(2023, 1, 9), slot="AM")
        db.session.add_all([module, session])
        db.session.commit()
        other = session.id
    assert signed_in("admin").get(f"/cohorts/alpha/sessions/{other}/roll-call").status_code == 404
    assert signed_in("admin").get(f"/cohorts/beta/sessions/{other}/roll-call").status_code == 200


# ---------------------------------------------------------------------------------------------
# The same number of queries whatever the number of trainees


def cohort_of(app, size: int) -> tuple[str, int, list[int]]:
    """Add a cohort of `size` trainees with one session; return its slug, session and trainees."""
    from tracker.cohorts.operations import create_cohort

    with app.app_context():
        cohort = create_cohort(
            slug=f"size-{size}",
            name=f"{size} trainees",
            starts_on=date(2022, 1, 3),
            ends_on=date(2022, 12, 16),
            grant_amount=Decimal(1000),
        )
        module = Module(cohort=cohort, code="M1", title="Python", planned_minutes=6000)
        session = Session(cohort=cohort, module=module, date=date(2022, 1, 10), slot="AM")
        trainees = [
            Trainee(
                cohort=cohort,
                ref=f"T{number:03d}",
                first_name="Trainee",
                last_name=str(number),
                email=f"t{number}@example.org",
                enrolled_on=date(2022, 1, 3),
            )
            for number in range(size)
        ]
        db.session.add_all([module, session, *trainees])
        db.session.commit()
        return cohort.slug, session.id, [trainee.id for trainee in trainees]


def count_queries(app, request) -> tuple[int, int]:
    """Run a request and return its status and the number of SQL statements it ran."""
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        status = request().status_code
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return status, len(statements)


def test_the_roll_call_runs_as_many_queries_for_50_trainees_as_for_5(app, login_as, make_user):
    app.config["WTF_CSRF_ENABLED"] = False
    with app.app_context():
        admin = make_user("admin")
        db.session.commit()
    client = login_as(app.test_client(), admin)
    counts = {}
    for size in (5, 50):
        slug, session_id, ids = cohort_of(app, size)
        url = f"/cohorts/{slug}/sessions/{session_id}/roll-call"
        client.get(url)  # the sign-in's housekeeping, out of the way
        first_save = {"version": "0"}
        for trainee_id in ids:
            first_save[f"t{trainee_id}-status"] = "present"
        second_save = dict(first_save, version="1")
        for trainee_id in ids[:2]:
            second_save[f"t{trainee_id}-status"] = "late"
            second_save[f"t{trainee_id}-minutes_missed"] = "10"
        counts[size] = [
            count_queries(app, lambda url=url: client.get(url)),
            count_queries(app, lambda url=url, d=first_save: client.post(url, data=d)),
            count_queries(app, lambda url=url, d=second_save: client.post(url, data=d)),
            count_queries(app, lambda url=url: client.get(url)),
        ]
        assert [status for status, _ in counts[size]] == [200, 302, 302, 200]
        assert len(stored_marks(app, session_id)) == size
    assert counts[5] == counts[50]


# ---------------------------------------------------------------------------------------------
# Minutes missed by a trainee late or leaving early


@pytest.mark.parametrize(("status", "minutes"), [("late", ""), ("late", "0"), ("left_early", "")])
def test_partial_attendance_needs_the_minutes_missed(app, world, signed_in, status, minutes):
    ids = trainee_ids(app)
    before = stored_marks(app, world.session)
    response = signed_in("instructor").post(
        f"/cohorts/alpha/sessions/{world.session}/roll-call?lang=en",
        data=roll_call_data(ids, {"T01": (status, minutes, "Bus")}, 0),
    )
    assert response.status_code == 422
    assert (
        f'<span class="error" id="t{ids["T01"]}-minutes_missed-error">Enter the minutes missed, '
        "more than 0, for a late arrival or early departure.</span>" in response.text
    )
    assert stored_marks(app, world.session) == before


def test_the_operation_refuses_partial_attendance_without_minutes(app, world):
    from tracker.attendance import operations

    with app.test_request_context("/?lang=fr"):
        session = db.session.get(Session, world.session)
        with pytest.raises(operations.AttendanceError) as refused:
            operations.record_roll_call(
                session, {trainee_ids(app)["T01"]: operations.Mark("late", 0)}, None, 0
            )
        assert refused.value.field == "minutes_missed"
        assert str(refused.value).startswith("Saisissez les minutes manquées")


# ---------------------------------------------------------------------------------------------
# A half-day that has not started: only absences announced in advance


def frozen_at(monkeypatch, *when: int) -> None:
    """Freeze the application's clock at a time in Paris."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from tracker import timeutil

    instant = datetime(*when, tzinfo=ZoneInfo("Europe/Paris")).astimezone(UTC)
    monkeypatch.setattr(timeutil, "utc_now", lambda: instant)
    monkeypatch.setattr(
        timeutil, "today", lambda: instant.astimezone(timeutil.COURSE_TIME_ZONE).date()
    )


def test_a_half_day_not_started_records_only_absences_announced(app, world, signed_in, monkeypatch):
    frozen_at(monkeypatch, 2022, 1, 11, 13, 29)
    session_id = add_session(app, date(2022, 1, 11), "PM")
    ids = trainee_ids(app)
    client = signed_in("instructor")
    url = f"/cohorts/alpha/sessions/{session_id}/roll-call?lang=en"
    page = client.get(url).text
    assert "This half-day starts on 11/01/2022 13:30." in page
    assert "No absence announced yet." in page

    # Everyone left present: nothing is recorded, and nothing is refused; the roll call's version
    # stays, since nothing changed.
    assert client.post(url, data=roll_call_data(ids, {}, 0)).status_code == 302
    assert stored_marks(app, session_id) == {}
    assert version(app, session_id) == 0

    refused = client.post(url, data=roll_call_data(ids, {"T01": ("absent", "", "Said so")}, 0))
    assert refused.status_code == 422
    assert (
        f'<span class="error" id="t{ids["T01"]}-status-error">This half-day has not started'
        in refused.text
    )
    assert stored_marks(app, session_id) == {}

    announced = client.post(
        url, data=roll_call_data(ids, {"T02": ("excused", "", "Job interview")}, 0)
    )
    assert announced.status_code == 302
    instructor = world.accounts["instructor"]
    assert stored_marks(app, session_id) == {
        ids["T02"]: ("excused", 0, "Job interview", instructor)
    }
    page = client.get(url).text
    assert checked_status(page, ids["T02"]) == "excused"

    # Set back to present before the start: the announced absence is withdrawn.
    assert client.post(url, data=roll_call_data(ids, {}, 1)).status_code == 302
    assert stored_marks(app, session_id) == {}


def test_from_its_start_a_half_day_takes_every_mark(app, world, signed_in, monkeypatch):
    frozen_at(monkeypatch, 2022, 1, 11, 13, 30)
    session_id = add_session(app, date(2022, 1, 11), "PM")
    ids = trainee_ids(app)
    client = signed_in("instructor")
    url = f"/cohorts/alpha/sessions/{session_id}/roll-call?lang=en"
    assert "This half-day starts on" not in client.get(url).text
    response = client.post(url, data=roll_call_data(ids, {"T01": ("late", 5, "")}, 0))
    assert response.status_code == 302
    assert stored_marks(app, session_id)[ids["T01"]][:2] == ("late", 5)
    assert stored_marks(app, session_id)[ids["T02"]][:2] == ("present", 0)


def test_the_operation_needs_every_mark_once_started(app, world):
    from datetime import UTC, datetime

    from tracker.attendance import operations

    with app.test_request_context("/?lang=en"):
        session = db.session.get(Session, world.session)
        with pytest.raises(operations.AttendanceError, match="every expected trainee needs"):
            operations.record_roll_call(
                session,
                {trainee_ids(app)["T01"]: None},
                None,
                0,
                now=datetime(2022, 1, 10, 12, tzinfo=UTC),
            )


# ---------------------------------------------------------------------------------------------
# Two people saving the same roll call


# The world's mark of T02, left as it is.
T02_AS_STORED = {"T02": ("excused", "", "Rendez-vous France Travail")}


def opened(client, url: str) -> dict:
    """Open a page; return its hidden fields as a browser would send them back."""
    from html import unescape

    page = client.get(url).text
    return {
        name: unescape(value)
        for name, value in re.findall(r'name="(\w+)" type="hidden" value="([^"]*)"', page)
    }


def test_a_stale_save_keeps_the_entries_on_lines_nobody_else_changed(app, world, signed_in):
    ids = trainee_ids(app)
    url = f"/cohorts/alpha/sessions/{world.session}/roll-call"
    first, second = signed_in("instructor"), signed_in("admin")
    first_page, second_page = opened(first, url), opened(second, url)
    saved = first.post(
        url,
        data={**roll_call_data(ids, {"T01": ("absent", "", ""), **T02_AS_STORED}, 0), **first_page},
    )
    assert saved.status_code == 302

    # The second person changed T02 only: their entry is kept, T01 shows the first one's.
    mine = {"T02": ("late", 10, "Train")}
    stale = second.post(f"{url}?lang=en", data={**roll_call_data(ids, mine, 0), **second_page})
    assert stale.status_code == 409
    assert checked_status(stale.text, ids["T01"]) == "absent"
    assert checked_status(stale.text, ids["T02"]) == "late"
    assert 'value="10"' in stale.text and 'value="Train"' in stale.text
    assert "They changed 1 line" in stale.text
    assert re.search(
        r'<a href="#line-\d+">T01 Ada Lovelace: Present → Absent, by Olivier Prof on '
        r"\d\d/\d\d/\d{4} \d\d:\d\d</a>",
        stale.text,
    )
    assert f'<li id="line-{ids["T01"]}" class=" changed">' in stale.text
    assert "Your entry, not applied" not in stale.text  # they had left T01 alone
    assert 'name="version" type="hidden" value="1"' in stale.text

    # Saved again as shown, with the page's new version: both changes are kept.
    again = opened_from(stale.text)
    data = roll_call_data(ids, {"T01": ("absent", "", ""), "T02": ("late", 10, "Train")}, 1)
    assert second.post(url, data={**data, **again}).status_code == 302
    marks = stored_marks(app, world.session)
    assert marks[ids["T01"]][:2] == ("absent", 0)
    assert marks[ids["T02"]][:3] == ("late", 10, "Train")


def opened_from(page: str) -> dict:
    from html import unescape

    return {
        name: unescape(value)
        for name, value in re.findall(r'name="(\w+)" type="hidden" value="([^"]*)"', page)
    }


def test_a_line_both_changed_shows_the_saved_mark_and_offers_the_other(app, world, signed_in):
    ids = trainee_ids(app)
    url = f"/cohorts/alpha/sessions/{world.session}/roll-call"
    first, second = signed_in("instructor"), signed_in("admin")
    first_page, second_page = opened(first, url), opened(second, url)
    first_data = roll_call_data(ids, {"T01": ("absent", "", ""), **T02_AS_STORED}, 0)
    assert first.post(url, data={**first_data, **first_page}).status_code == 302

    mine = {"T01": ("late", 25, "Bus"), "T02": ("excused", "", "Rendez-vous France Travail")}
    stale = second.post(f"{url}?lang=en", data={**roll_call_data(ids, mine, 0), **second_page})
    assert stale.status_code == 409
    assert checked_status(stale.text, ids["T01"]) == "absent"
    note = re.search(
        rf'<p class="changed-note" id="line-{ids["T01"]}-changed">(.*?)</p>', stale.text, re.S
    )
    assert re.sub(r"[ \n]+", " ", note.group(1).strip()) == (
        "Changed by someone else: Present → Absent. "
        "<strong>Your entry, not applied: Late (25 min) — Bus.</strong>"
    )
    assert re.search(rf'aria-describedby="([^"]* )?line-{ids["T01"]}-changed[ "]', stale.text)
    assert stored_marks(app, world.session)[ids["T01"]][0] == "absent"


def test_a_stale_save_in_french_names_the_changes_in_french(app, world, signed_in):
    ids = trainee_ids(app)
    url = f"/cohorts/alpha/sessions/{world.session}/roll-call"
    first, second = signed_in("instructor"), signed_in("admin")
    first_page, second_page = opened(first, url), opened(second, url)
    first_data = roll_call_data(ids, {"T01": ("absent", "", ""), **T02_AS_STORED}, 0)
    assert first.post(url, data={**first_data, **first_page}).status_code == 302
    mine = {"T01": ("late", 25, ""), **T02_AS_STORED}
    stale = second.post(f"{url}?lang=fr", data={**roll_call_data(ids, mine, 0), **second_page})
    assert stale.status_code == 409
    assert "Modifié par quelqu’un d’autre\u00a0: Présent(e) → Absent(e)." in stale.text
    assert "Votre saisie, non appliquée\u00a0: En retard (25\u00a0min)." in stale.text
