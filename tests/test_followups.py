"""Positioning on entry and follow-ups (issue 14, points 1 and 2): the forms, the trainee's page,
the trail, and the home pages' list of trainees at risk whom nobody followed up lately."""

import html
import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, func, select

from tests.pages_data import csrf_token, text
from tracker import timeutil
from tracker.audit.models import AuditEntry
from tracker.cohorts.models import Trainee
from tracker.extensions import db
from tracker.followups import rules
from tracker.followups.models import FollowUp, Positioning

PARIS = ZoneInfo("Europe/Paris")
# The tests' day: within the world's cohort (3 Jan - 16 Dec 2022). T02 failed the quiz of
# 14 January: at risk (failing module) from then on.
TODAY = date(2022, 1, 20)
POSITIONING = "/cohorts/alpha/trainees/T01/positioning"
FOLLOW_UPS = "/cohorts/alpha/trainees/T02/follow-ups"


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    """Noon in Paris on the tests' day, for the pages and the rules alike."""
    instant = datetime(TODAY.year, TODAY.month, TODAY.day, 12, tzinfo=PARIS)
    monkeypatch.setattr(timeutil, "utc_now", lambda: instant.astimezone(UTC))


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def trail_entries(app, entity: str) -> list[AuditEntry]:
    with app.app_context():
        entries = db.session.scalars(
            select(AuditEntry).where(AuditEntry.entity == entity).order_by(AuditEntry.id)
        ).all()
        db.session.expunge_all()
        return entries


def post(client, url: str, data: dict):
    token = csrf_token(client.get(url + "?lang=en").text)
    return client.post(url + "?lang=en", data={**data, "csrf_token": token})


GOOD_POSITIONING = {
    "date": "20/12/2021",
    "kind": "test",
    "result": "14/20, Python level B",
    "prerequisites_met": "yes",
    "comment": "Solid in algorithms",
}
GOOD_FOLLOW_UP = {
    "date": "19/01/2022",
    "channel": "phone",
    "said": "Struggles with the quiz; works evenings.",
    "next_step": "Tutoring on Friday",
}


# ---------------------------------------------------------------------------------------------
# Positioning


def test_an_admin_records_then_changes_a_positioning_in_the_trail(app, signed_in):
    admin = signed_in("admin")
    response = post(admin, POSITIONING, GOOD_POSITIONING)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/cohorts/alpha/trainees/T01")
    page = text(admin.get("/cohorts/alpha/trainees/T01?lang=en").text)
    assert "Positioning on entry" in page
    assert "14/20, Python level B" in page
    assert "20/12/2021" in page
    changed = {**GOOD_POSITIONING, "kind": "interview", "prerequisites_met": "no", "comment": ""}
    assert post(admin, POSITIONING, changed).status_code == 302
    with app.app_context():
        stored = db.session.scalars(select(Positioning)).one()
        assert (stored.kind, stored.prerequisites_met, stored.comment) == ("interview", False, None)
    entries = trail_entries(app, "positionings")
    assert [entry.action for entry in entries] == ["insert", "update"]
    assert entries[1].actor == "Claire Admin"
    assert '"prerequisites_met":false' in entries[1].after
    assert entries[1].trainee_id is not None and entries[1].cohort_id is not None


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"date": "21/01/2022"}, "date", "Must not be after today (20/01/2022)."),
        ({"date": "31/02/2022"}, "date", "Enter a real date"),
        ({"date": ""}, "date", "This field is required."),
        ({"kind": "quiz"}, "kind", "Not a valid choice"),
        ({"kind": ""}, "kind", "Choose a test or an interview."),
        ({"result": "   "}, "result", "This field is required."),
        ({"result": "x" * 201}, "result", "At most 200 characters."),
        ({"prerequisites_met": "maybe"}, "prerequisites_met", "Not a valid choice"),
        ({"prerequisites_met": ""}, "prerequisites_met", "Say whether the prerequisites"),
    ],
)
def test_a_wrong_positioning_is_refused_naming_its_field(app, signed_in, change, field, message):
    admin = signed_in("admin")
    response = post(admin, POSITIONING, {**GOOD_POSITIONING, **change})
    assert response.status_code == 400
    error = re.search(rf'id="{field}-error">([^<]*)<', response.text)
    assert error is not None, field
    assert message in html.unescape(error.group(1))
    assert count(app, Positioning) == 0
    assert trail_entries(app, "positionings") == []


def test_the_trainee_sees_their_positioning_but_no_follow_up(app, signed_in):
    admin = signed_in("admin")
    post(admin, POSITIONING, GOOD_POSITIONING)
    post(admin, "/cohorts/alpha/trainees/T01/follow-ups", {**GOOD_FOLLOW_UP, "said": "Secret"})
    trainee = signed_in("trainee")
    page = text(trainee.get("/cohorts/alpha/trainees/T01?lang=en").text)
    assert "14/20, Python level B" in page
    assert "Record the positioning" not in page and "Change the positioning" not in page
    assert "Follow-ups" not in page and "Secret" not in page


# ---------------------------------------------------------------------------------------------
# Follow-ups


def test_an_instructor_records_follow_ups_listed_newest_first(app, signed_in):
    instructor = signed_in("instructor")
    response = post(instructor, FOLLOW_UPS, GOOD_FOLLOW_UP)
    assert response.status_code == 302
    later = {**GOOD_FOLLOW_UP, "date": "20/01/2022", "channel": "meeting", "said": "Met today"}
    assert post(instructor, FOLLOW_UPS, later).status_code == 302
    page = text(instructor.get("/cohorts/alpha/trainees/T02?lang=en").text)
    assert page.index("Met today") < page.index("Struggles with the quiz")
    assert "Next step: Tutoring on Friday" in page
    assert "Recorded by Olivier Prof" in page
    with app.app_context():
        follow_ups = db.session.scalars(select(FollowUp).order_by(FollowUp.id)).all()
        assert [f.recorded_by.name for f in follow_ups] == ["Olivier Prof", "Olivier Prof"]
        assert [f.channel for f in follow_ups] == ["phone", "meeting"]
    entries = trail_entries(app, "follow_ups")
    assert [(entry.action, entry.actor) for entry in entries] == [("insert", "Olivier Prof")] * 2
    assert "Struggles with the quiz" in entries[0].after


def test_the_recorder_is_the_signed_in_account_whatever_the_form_says(app, signed_in, world):
    instructor = signed_in("instructor")
    sneaky = {**GOOD_FOLLOW_UP, "recorded_by_id": str(world.accounts["admin"])}
    assert post(instructor, FOLLOW_UPS, sneaky).status_code == 302
    with app.app_context():
        assert (
            db.session.scalars(select(FollowUp)).one().recorded_by_id
            == (world.accounts["instructor"])
        )


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"date": "21/01/2022"}, "date", "Must not be after today (20/01/2022)."),
        (
            {"date": "02/01/2022"},
            "date",
            "Must not be before the trainee's enrolment (03/01/2022).",
        ),
        ({"date": "yesterday"}, "date", "Enter a real date"),
        ({"channel": "pigeon"}, "channel", "Not a valid choice"),
        ({"channel": ""}, "channel", "Choose phone, meeting or mail."),
        ({"said": "  "}, "said", "Say what was said."),
        ({"next_step": "x" * 2001}, "next_step", "At most 2000 characters."),
    ],
)
def test_a_wrong_follow_up_is_refused_naming_its_field(app, signed_in, change, field, message):
    instructor = signed_in("instructor")
    response = post(instructor, FOLLOW_UPS, {**GOOD_FOLLOW_UP, **change})
    assert response.status_code == 400
    error = re.search(rf'id="{field}-error">([^<]*)<', response.text)
    assert error is not None, field
    assert message in html.unescape(error.group(1))
    assert count(app, FollowUp) == 0
    assert trail_entries(app, "follow_ups") == []


# ---------------------------------------------------------------------------------------------
# The home pages' list


def test_who_needs_a_follow_up_is_decided_on_the_last_one_s_date():
    assert rules.needs_follow_up(None, TODAY)
    assert not rules.needs_follow_up(TODAY, TODAY)
    assert not rules.needs_follow_up(TODAY - timedelta(days=7), TODAY)
    assert rules.needs_follow_up(TODAY - timedelta(days=8), TODAY)


def follow_up(app, ref: str, day: date) -> None:
    with app.app_context():
        trainee = db.session.scalar(select(Trainee).where(Trainee.ref == ref))
        db.session.add(FollowUp(trainee_id=trainee.id, date=day, channel="phone", said="Call"))
        db.session.commit()


def due_section(page: str) -> str:
    start = page.index('id="follow-up-due-heading"')
    return page[start : page.index("</section>", start)]


@pytest.mark.parametrize("role", ["admin", "instructor"])
def test_an_at_risk_trainee_never_followed_up_is_listed_with_a_link(signed_in, role):
    page = signed_in(role).get("/?lang=en").text
    due = due_section(page)
    assert "Alan Turing (T02)" in due and "never" in due
    assert 'href="/cohorts/alpha/trainees/T02/follow-ups#follow-up-form"' in due
    # T01 passed the quiz: not at risk, not listed.
    assert "T01" not in due


@pytest.mark.parametrize(("days_ago", "listed"), [(6, False), (7, False), (8, True)])
def test_a_follow_up_within_seven_days_takes_the_trainee_off_the_list(
    app, signed_in, days_ago, listed
):
    follow_up(app, "T02", TODAY - timedelta(days=days_ago))
    due = due_section(signed_in("instructor").get("/?lang=en").text)
    assert ("Alan Turing (T02)" in due) is listed
    if listed:
        assert (TODAY - timedelta(days=days_ago)).strftime("%d/%m/%Y") in due
    else:
        assert "Every trainee at risk was followed up within the last 7 days." in due


def test_the_list_follows_the_paris_day(app, signed_in, monkeypatch):
    follow_up(app, "T02", TODAY - timedelta(days=7))
    # 23:30 UTC on the 20th is already the 21st in Paris: the follow-up is 8 days old there.
    late = datetime(2022, 1, 20, 23, 30, tzinfo=UTC)
    monkeypatch.setattr(timeutil, "utc_now", lambda: late)
    assert "Alan Turing (T02)" in due_section(signed_in("admin").get("/?lang=en").text)


def test_the_home_list_asks_once_for_every_trainee_s_follow_ups(app, signed_in):
    admin = signed_in("admin")
    statements = []

    def seen(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", seen)
        try:
            admin.get("/?lang=en")
        finally:
            event.remove(db.engine, "before_cursor_execute", seen)
    assert len([s for s in statements if "FROM follow_ups" in s]) == 1


def test_the_trail_page_names_positionings_and_follow_ups_in_words(signed_in):
    admin = signed_in("admin")
    post(admin, POSITIONING, {**GOOD_POSITIONING, "kind": "interview"})
    post(admin, FOLLOW_UPS, GOOD_FOLLOW_UP)
    page = text(admin.get("/audit?entity=follow-ups&lang=en").text)
    assert "Positioning on entry" in page and "T01 · Ada Lovelace" in page
    assert "Interview" in page and "Prerequisites met" in page
    assert "Follow-up" in page and "T02 · Alan Turing — 19/01/2022" in page
    assert "Phone" in page
    assert "What was said" in page


def test_the_trainee_page_holds_the_follow_up_form_for_the_cohort_s_staff(signed_in):
    page = signed_in("instructor").get("/cohorts/alpha/trainees/T02?lang=en").text
    assert 'action="/cohorts/alpha/trainees/T02/follow-ups"' in page
    assert "No follow-up recorded yet." in page


@pytest.mark.parametrize("role", ["outsider", "officer", "trainee"])
def test_others_home_pages_do_not_list_the_cohort_s_trainees_to_follow_up(signed_in, role):
    page = signed_in(role).get("/?lang=en").text
    assert "Alan Turing (T02)" not in page
    if role == "outsider":
        # An instructor of another cohort has the section, without this cohort's trainees.
        assert "No active trainee is at risk." in due_section(page)
    else:
        assert 'id="follow-up-due-heading"' not in page
