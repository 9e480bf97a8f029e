"""Outcomes: staff record each trainee's certification and situation at exit, +3 and +6 months;
the trainee answers a survey link (signed, expiring, single use, no sign-in); every change is in
the trail."""

import base64
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.pages_data import csrf_token
from tracker import timeutil
from tracker.audit.models import AuditEntry
from tracker.auth.devices import _serializer as device_serializer
from tracker.cohorts.models import Trainee
from tracker.extensions import db
from tracker.outcomes import links
from tracker.outcomes.models import Outcome

# The world's cohort alpha runs from 3 January to 16 December 2022.
TODAY = date(2023, 1, 10)
NOW = datetime(2023, 1, 10, 10, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    monkeypatch.setattr(timeutil, "today", lambda: TODAY)
    monkeypatch.setattr(timeutil, "utc_now", lambda: NOW)


def trainee_named(first_name: str) -> Trainee:
    return db.session.scalar(select(Trainee).where(Trainee.first_name == first_name))


def link_for(app, first_name: str, moment: str = "exit") -> str:
    """Return the path of a survey link for a world's trainee."""
    with app.test_request_context():
        url = links.survey_link(trainee_named(first_name), moment)
    base = app.config["BASE_URL"]
    assert url.startswith(f"{base}/survey/")
    return url.removeprefix(base)


def outcomes(app) -> list[tuple]:
    with app.app_context():
        return db.session.execute(
            select(
                Trainee.first_name,
                Outcome.moment,
                Outcome.situation,
                Outcome.certification,
                Outcome.blocks,
                Outcome.recorded_on,
                Outcome.source,
            ).join(Trainee, Trainee.id == Outcome.trainee_id)
        ).all()


def answer(client, path: str, **fields):
    page = client.get(path)
    assert page.status_code == 200
    return client.post(path, data={"csrf_token": csrf_token(page.get_data(as_text=True)), **fields})


# ---------------------------------------------------------------------------------------------
# The survey link's security: written first.


def test_a_tampered_link_naming_another_trainee_is_refused_and_stores_nothing(app, world):
    path = link_for(app, "Ada")
    token = path.removeprefix("/survey/")
    payload, stamp, signature = token.split(".")
    with app.app_context():
        alan = trainee_named("Alan").id
    other = json.dumps({"trainee": alan, "moment": "exit"}, separators=(",", ":"))
    forged = base64.urlsafe_b64encode(other.encode()).decode().rstrip("=")
    client = app.test_client()
    for tampered in (
        f"{forged}.{stamp}.{signature}",
        f"{payload}.{stamp}.{signature[:-2]}AA",
        f"{payload}.{stamp}",
    ):
        response = client.get(f"/survey/{tampered}?lang=en")
        assert response.status_code == 404
        assert "not valid" in response.get_data(as_text=True)
        assert "Alan" not in response.get_data(as_text=True)
        assert client.post(
            f"/survey/{tampered}", data={"situation": "seeking_work"}
        ).status_code in (
            400,
            404,
        )
    assert outcomes(app) == []


def test_a_token_signed_for_something_else_is_not_a_survey_link(app, world):
    with app.test_request_context():
        ada = trainee_named("Ada").id
        # The same key signs the devices' cookies: their salt differs.
        other = device_serializer().dumps({"trainee": ada, "moment": "exit"})
    assert app.test_client().get(f"/survey/{other}").status_code == 404


def test_an_expired_link_is_refused_and_stores_nothing(app, world, monkeypatch):
    path = link_for(app, "Ada")
    client = app.test_client()
    token = csrf_token(client.get(path).get_data(as_text=True))
    later = NOW + timedelta(days=30, seconds=1)
    monkeypatch.setattr(timeutil, "utc_now", lambda: later)
    response = client.get(f"{path}?lang=en")
    assert response.status_code == 410
    assert "expired" in response.get_data(as_text=True)
    sent = client.post(path, data={"csrf_token": token, "situation": "seeking_work"})
    assert sent.status_code == 410
    assert outcomes(app) == []
    # Within SURVEY_DAYS it works.
    monkeypatch.setattr(timeutil, "utc_now", lambda: NOW + timedelta(days=29))
    assert client.get(path).status_code == 200


def test_survey_days_sets_how_long_a_link_lasts(app, world, monkeypatch):
    app.config["SURVEY_DAYS"] = 3
    path = link_for(app, "Ada")
    monkeypatch.setattr(timeutil, "utc_now", lambda: NOW + timedelta(days=3, seconds=1))
    assert app.test_client().get(path).status_code == 410


def test_a_link_answered_once_says_so_and_stores_nothing_more(app, world):
    path = link_for(app, "Ada", "6_months")
    client = app.test_client()
    page = client.get(path)
    token = csrf_token(page.get_data(as_text=True))
    done = client.post(path, data={"csrf_token": token, "situation": "permanent_contract"})
    assert done.status_code == 200
    assert "Ada" in done.get_data(as_text=True)
    again = client.get(f"{path}?lang=en")
    assert again.status_code == 409
    assert "already answered" in again.get_data(as_text=True)
    second = client.post(path, data={"csrf_token": token, "situation": "seeking_work"})
    assert second.status_code == 409
    assert outcomes(app) == [("Ada", "6_months", "permanent_contract", None, "", TODAY, "survey")]


# ---------------------------------------------------------------------------------------------
# The survey page


def test_the_survey_at_exit_asks_certification_and_situation_and_keeps_them(app, world):
    path = link_for(app, "Ada")
    client = app.test_client()
    page = client.get(path)
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<html lang="fr"' in text
    assert "Ada" in text
    # Nothing personal beyond the first name.
    for personal in ("Lovelace", "ada@example.org", "T01"):
        assert personal not in text
    assert "B1" in text  # the cohort's block
    refused = client.post(
        path, data={"csrf_token": csrf_token(page.get_data(as_text=True)), "situation": "temporary"}
    )
    assert refused.status_code == 422
    assert outcomes(app) == []
    done = client.post(
        path,
        data={
            "csrf_token": csrf_token(page.get_data(as_text=True)),
            "certification": "part",
            "blocks": ["B1"],
            "situation": "temporary",
        },
    )
    assert done.status_code == 200
    assert outcomes(app) == [("Ada", "exit", "temporary", "part", "B1", TODAY, "survey")]
    # Nobody is signed in: the trail names the trainee who answered.
    with app.app_context():
        actors = db.session.scalars(
            select(AuditEntry.actor).where(AuditEntry.entity == "outcomes")
        ).all()
    assert actors == ["Ada Lovelace (survey link)"]


def test_the_survey_speaks_english_on_request(app, world):
    path = link_for(app, "Alan", "3_months")
    text = app.test_client().get(f"{path}?lang=en").get_data(as_text=True)
    assert "Hello Alan," in text
    assert "I am seeking work" in text
    assert "certification" not in text.lower()


# ---------------------------------------------------------------------------------------------
# Staff record the outcomes


RECORD = "/cohorts/alpha/trainees/T02/outcomes"


def test_staff_record_outcomes_and_the_trail_keeps_them(app, world, signed_in):
    client = signed_in("instructor")
    response = answer(
        client,
        RECORD,
        certification="none",
        situation_exit="seeking_work",
        recorded_on_exit="16/12/2022",
        situation_3_months="fixed_term_shorter",
        recorded_on_3_months="2023-01-09",
        situation_6_months="",
        recorded_on_6_months="",
    )
    assert response.status_code == 302
    assert sorted(outcomes(app)) == [
        ("Alan", "3_months", "fixed_term_shorter", None, "", date(2023, 1, 9), "staff"),
        ("Alan", "exit", "seeking_work", "none", "", date(2022, 12, 16), "staff"),
    ]
    with app.app_context():
        entries = db.session.execute(
            select(AuditEntry.action, AuditEntry.actor).where(AuditEntry.entity == "outcomes")
        ).all()
    assert entries == [("insert", "Olivier Prof"), ("insert", "Olivier Prof")]
    # Officers read them.
    page = signed_in("officer").get("/cohorts/alpha/outcomes?lang=en")
    text = page.get_data(as_text=True)
    assert "Employed on a fixed-term contract shorter than 6 months" in text
    assert "T02" in text


def test_staff_form_refuses_a_future_day_and_blocks_without_part(app, world, signed_in):
    client = signed_in("admin")
    response = answer(
        client,
        RECORD,
        certification="full",
        blocks=["B1"],
        situation_exit="seeking_work",
        recorded_on_exit="11/01/2023",
    )
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "futur" in text
    assert "bloc" in text.lower()
    assert outcomes(app) == []


def test_a_survey_answer_stays_the_trainees_when_staff_save_the_form_unchanged(
    app, world, signed_in
):
    path = link_for(app, "Alan", "6_months")
    answer(app.test_client(), path, situation="further_training")
    client = signed_in("admin")
    response = answer(
        client, RECORD, situation_6_months="further_training", recorded_on_6_months="10/01/2023"
    )
    assert response.status_code == 302
    assert outcomes(app) == [("Alan", "6_months", "further_training", None, "", TODAY, "survey")]
    # Cleared: removed, and the trail says so.
    response = answer(client, RECORD, situation_6_months="", recorded_on_6_months="")
    assert outcomes(app) == []
    with app.app_context():
        deleted = db.session.scalar(
            select(func.count()).where(
                AuditEntry.entity == "outcomes", AuditEntry.action == "delete"
            )
        )
    assert deleted == 1


def test_the_trail_page_names_outcomes_in_words(app, world, signed_in):
    answer(
        signed_in("admin"),
        RECORD,
        certification="part",
        blocks=["B1"],
        situation_exit="self_employed",
        recorded_on_exit="16/12/2022",
    )
    page = signed_in("admin").get("/audit?entity=outcomes&lang=en")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Alan Turing" in text and "At exit" in text
    assert "Self-employed, or started a business" in text
    assert "Obtained in part (some blocks)" in text
    assert "16/12/2022" in text


def test_a_survey_link_is_built_outside_a_request_from_the_base_url(app, world):
    """The mail is sent by a command: the link is absolute, from BASE_URL, whatever the Host
    header of a request under way says."""
    app.config.update(BASE_URL="https://tracker.example.org")
    with app.app_context():
        url = links.survey_link(trainee_named("Ada"), "3_months")
    with app.test_request_context("/", headers={"Host": "attacker.example"}):
        assert links.survey_link(trainee_named("Ada"), "3_months").startswith(
            "https://tracker.example.org/survey/"
        )
    assert url.startswith("https://tracker.example.org/survey/")
    path = url.removeprefix("https://tracker.example.org")
    assert "Ada" in app.test_client().get(path).get_data(as_text=True)


def test_a_situation_without_its_day_is_known_today(app, world, signed_in):
    response = answer(signed_in("admin"), RECORD, situation_3_months="temporary")
    assert response.status_code == 302
    assert outcomes(app) == [("Alan", "3_months", "temporary", None, "", TODAY, "staff")]
