"""`tracker mail schedule`: the scheduled messages, each once, each switchable per cohort."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from tracker import timeutil
from tracker.attendance.models import AttendanceRecord, Session
from tracker.auth.models import User
from tracker.cohorts.models import Cohort, Module, Trainee
from tracker.extensions import db
from tracker.mail.models import OutgoingMessage
from tracker.mail.schedule import schedule, set_switches, switches

pytestmark = pytest.mark.usefixtures("without_csrf")

# Friday 14 January 2022, 18:00 in Paris: the evening run.
EVENING = datetime(2022, 1, 14, 17, 0, tzinfo=UTC)


@pytest.fixture
def absences(app, world, monkeypatch):
    """The world's week, with absences: Ada on the 11th (justified by her declaration) and the
    12th, Alan on the 13th; no roll call closed."""
    monkeypatch.setattr(timeutil, "utc_now", lambda: EVENING)
    with app.app_context():
        alpha = db.session.scalar(select(Cohort).where(Cohort.slug == "alpha"))
        module = db.session.scalar(select(Module).where(Module.cohort_id == alpha.id))
        ada, alan = db.session.scalars(
            select(Trainee).where(Trainee.cohort_id == alpha.id).order_by(Trainee.ref)
        ).all()
        for day, trainee in ((11, ada), (12, ada), (13, alan)):
            session = Session(cohort=alpha, module=module, date=date(2022, 1, day), slot="AM")
            session.minutes = 210
            db.session.add(session)
            db.session.flush()
            db.session.add(
                AttendanceRecord(
                    session_id=session.id,
                    trainee_id=trainee.id,
                    status="absent",
                    recorded_at=datetime(2022, 1, day, 9, tzinfo=UTC),
                )
            )
        db.session.commit()


def outbox(kind: str) -> list[OutgoingMessage]:
    return list(
        db.session.scalars(
            select(OutgoingMessage)
            .where(OutgoingMessage.kind == kind)
            .order_by(OutgoingMessage.recipient, OutgoingMessage.id)
        )
    )


def test_each_scheduled_message_goes_to_its_people_once(app, absences, run_tracker):
    result = run_tracker("mail", "schedule")
    assert result.exit_code == 0, result.output
    assert "justification_request: 2" in result.output
    with app.app_context():
        requests = outbox("justification_request")
        # Ada's absence of the 11th is declared; Alan has no account: his record's email.
        assert [m.recipient for m in requests] == ["ada@example.org", "alan@example.org"]
        assert "12 janvier 2022" in requests[0].text
        assert "/cohorts/alpha/trainees/T01/justifications/new" in requests[0].text
        assert "13 janvier 2022" in requests[1].text
        # The half-days before today still open, to the cohort's instructor only.
        reminders = outbox("unclosed_half_day")
        assert {m.recipient for m in reminders} == {"prof@centre.fr"}
        assert len(reminders) == 4
        # Alan fails the module (8/20) once its quiz is held, on the 14th.
        [alert] = outbox("at_risk_alert")
        assert alert.recipient == "admin@centre.fr"
        assert "Alan Turing (T02" in alert.text
        # Last week's figures (3–9 January), to each officer.
        summaries = outbox("weekly_summary")
        assert [m.recipient for m in summaries] == ["ancien@centre.fr", "region@laregion.fr"]
        assert "3 janvier 2022" in summaries[0].text and "9 janvier 2022" in summaries[0].text
        before = db.session.scalar(select(db.func.count(OutgoingMessage.id)))
    # Run again, the same evening or the next: nothing twice.
    again = run_tracker("mail", "schedule")
    assert all(f"{kind}: 0" in again.output for kind in ("justification_request", "at_risk_alert"))
    with app.app_context():
        assert db.session.scalar(select(db.func.count(OutgoingMessage.id))) == before


def test_each_message_is_in_its_recipients_language(app, absences):
    with app.app_context():
        db.session.scalar(select(User).where(User.email == "region@laregion.fr")).language = "en"
        schedule()
        db.session.commit()
        french, english = outbox("weekly_summary")
        assert english.subject == "The cohort's week"
        assert "3 January 2022" in english.text and "3 janvier 2022" in french.text
        assert "<li>" not in english.text and "<p>" in english.html


def test_a_cohort_switched_off_sends_nothing_of_that_kind(app, absences, signed_in):
    admin = signed_in("admin")
    page = admin.get("/cohorts/alpha/mail?lang=en")
    assert page.status_code == 200
    assert "A request for a justification to the trainee" in page.text
    # Every box but the weekly summary unticked.
    response = admin.post("/cohorts/alpha/mail", data={"weekly_summary": "y"})
    assert response.status_code == 303
    with app.app_context():
        alpha = db.session.scalar(select(Cohort).where(Cohort.slug == "alpha"))
        assert switches(alpha) == {
            "justification_request": False,
            "unclosed_half_day": False,
            "at_risk_alert": False,
            "weekly_summary": True,
            "survey_invitation": False,
        }
        counts = schedule()
        db.session.commit()
        assert counts == {
            "justification_request": 0,
            "unclosed_half_day": 0,
            "at_risk_alert": 0,
            "weekly_summary": 2,
            "survey_invitation": 0,
        }
        set_switches(alpha, dict.fromkeys(counts, True))
        assert schedule()["justification_request"] == 2
        db.session.rollback()


def evening_of(day: date) -> datetime:
    """18:00 in Paris that day (winter or summer time alike: 16:00 or 17:00 UTC)."""
    return datetime.combine(day, datetime.min.time(), tzinfo=timeutil.COURSE_TIME_ZONE).replace(
        hour=18
    )


@pytest.mark.parametrize(
    ("day", "moment", "months"),
    [
        (date(2022, 12, 19), "exit", 0),
        (date(2023, 3, 20), "3_months", 3),
        (date(2023, 6, 16), "6_months", 6),
    ],
)
def test_trainees_are_invited_to_tell_their_situation_at_exit_then_3_and_6_months_after(
    app, world, monkeypatch, day, moment, months
):
    """Alpha ends on 16/12/2022: the exit's invitation goes within the week after, then on
    16/03/2023 and 16/06/2023. A situation known already is not asked; each goes once; the link
    leads to the trainee's survey."""
    from tracker.outcomes.models import Outcome

    monkeypatch.setattr(timeutil, "utc_now", lambda: evening_of(day))
    with app.app_context():
        alan = db.session.scalar(select(Trainee).where(Trainee.email == "alan@example.org"))
        db.session.add(
            Outcome(
                trainee_id=alan.id,
                moment=moment,
                situation="seeking_work",
                recorded_on=date(2022, 12, 16),
                source="staff",
            )
        )
        db.session.commit()
        assert schedule()["survey_invitation"] == 1
        assert schedule()["survey_invitation"] == 0
        db.session.commit()
        [invitation] = outbox("survey_invitation")
        assert invitation.recipient == "ada@example.org"
        assert invitation.event_key.endswith(f":{moment}")
        assert "Ada" in invitation.text
        if months:
            assert f"il y a {months} mois" in invitation.text
        link = next(word for word in invitation.text.split() if "/survey/" in word)
    base = app.config["BASE_URL"]
    assert link.startswith(f"{base}/survey/")
    page = app.test_client().get(link.removeprefix(base))
    assert page.status_code == 200 and "Ada" in page.text


def test_no_invitation_outside_the_week_after_each_moment(app, world, monkeypatch):
    """Switched on long after, a cohort does not mail its whole past."""
    for day in (date(2022, 12, 15), date(2022, 12, 24), date(2023, 3, 1), date(2024, 1, 8)):
        monkeypatch.setattr(timeutil, "utc_now", lambda day=day: evening_of(day))
        with app.app_context():
            assert schedule()["survey_invitation"] == 0, day
            db.session.rollback()


def test_survey_invitations_can_be_switched_off(app, world, monkeypatch):
    monkeypatch.setattr(timeutil, "utc_now", lambda: evening_of(date(2022, 12, 19)))
    with app.app_context():
        alpha = db.session.scalar(select(Cohort).where(Cohort.slug == "alpha"))
        set_switches(alpha, {**switches(alpha), "survey_invitation": False})
        assert schedule()["survey_invitation"] == 0
        set_switches(alpha, {**switches(alpha), "survey_invitation": True})
        assert schedule()["survey_invitation"] == 2
