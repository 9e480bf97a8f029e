"""Figures as they stood: the records rebuilt from the trail at an earlier instant."""

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.world import build_world
from tracker import timeutil
from tracker.assessments.models import Assessment, Result
from tracker.attendance.models import AttendanceRecord, Session
from tracker.audit import replay
from tracker.audit.capture import acting, paused
from tracker.budget.models import Expense
from tracker.cohorts.models import Cohort, Module, Trainee
from tracker.extensions import db

# The report sent in July, and September's corrections.
JULY = "2022-07-05T18:00:00+02:00"
AS_OF = "2022-12-31"


class Clock:
    """The application's clock, moved by the test."""

    def __init__(self, monkeypatch):
        self.now = datetime(2022, 7, 1, 9, 0, tzinfo=UTC)
        monkeypatch.setattr(timeutil, "utc_now", lambda: self.now)

    def set(self, *parts) -> None:
        self.now = datetime(*parts, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def recorded_world(app, clock):
    """The small world recorded on 1 July 2022, with a session not yet taken and an assessment
    not yet marked, added on 4 July."""
    with app.app_context():
        build_world()
        clock.set(2022, 7, 4, 10, 0)
        alpha = db.session.scalar(select(Cohort).where(Cohort.slug == "alpha"))
        module = db.session.scalar(select(Module).where(Module.cohort_id == alpha.id))
        db.session.add(Session(cohort=alpha, module=module, date=date(2022, 1, 11), slot="PM"))
        db.session.add(
            Assessment(
                cohort_id=alpha.id,
                module=module,
                code="A2",
                title="Projet",
                date=date(2022, 2, 1),
                kind="project",
                max_score=20,
                weight=2,
            )
        )
        db.session.commit()
    clock.set(2022, 7, 6, 8, 0)


def correct_in_september(app, clock) -> None:
    """What September changes: a withdrawal, a session removed, an expense, a late result,
    a roll call amended, an assessment marked out of 40, a new trainee, a competency dropped."""
    clock.set(2022, 9, 12, 14, 30)
    with app.app_context(), acting(actor="Claire Admin", reason="bilan de septembre"):
        alpha = db.session.scalar(select(Cohort).where(Cohort.slug == "alpha"))
        trainees = {t.ref: t for t in alpha.trainees}
        trainees["T02"].left_on = date(2022, 3, 1)
        trainees["T02"].exit_reason = "Emploi"
        trainees["T01"].last_name = "King"
        db.session.delete(
            db.session.scalar(select(Session).where(Session.date == date(2022, 1, 11)))
        )
        expense = db.session.scalar(select(Expense).where(Expense.reference == "F-001"))
        expense.amount = Decimal("13000.00")
        first_mark = db.session.scalar(
            select(AttendanceRecord).where(AttendanceRecord.trainee_id == trainees["T01"].id)
        )
        # Its half-day was closed: the change is an amendment.
        first_mark.session.closed_at = timeutil.utc_now()
        db.session.flush()
        first_mark.status, first_mark.minutes_missed = "late", 60
        quiz = db.session.scalar(select(Assessment).where(Assessment.code == "A1"))
        quiz.max_score = 40
        quiz.competencies = []
        project = db.session.scalar(select(Assessment).where(Assessment.code == "A2"))
        db.session.add(Result(assessment=project, trainee_id=trainees["T01"].id, score=14))
        db.session.add(
            Trainee(
                cohort=alpha,
                ref="T03",
                first_name="Margaret",
                last_name="Hamilton",
                email="margaret@example.org",
                enrolled_on=date(2022, 1, 3),
            )
        )
        db.session.commit()
    clock.set(2022, 9, 20, 9, 0)


def test_figures_as_recorded_are_those_computed_before_the_correction(
    app, recorded_world, clock, run_tracker
):
    sent_in_july = run_tracker("metrics", "alpha", "--as-of", AS_OF)
    assert sent_in_july.exit_code == 0, sent_in_july.output
    correct_in_september(app, clock)

    today = run_tracker("metrics", "alpha", "--as-of", AS_OF)
    again = run_tracker("metrics", "alpha", "--as-of", AS_OF, "--as-recorded", JULY)

    assert again.exit_code == 0, again.output
    assert again.output == sent_in_july.output  # byte for byte
    now = json.loads(today.output)
    assert now != json.loads(sent_in_july.output)
    assert now["enrolment"]["withdrawn"] == 1
    assert now["budget"]["spent"] == "13000.00"
    assert [t["ref"] for t in now["trainees"]] == ["T01", "T02", "T03"]
    # Nothing of the rebuilding stays: today's figures are today's again.
    assert run_tracker("metrics", "alpha", "--as-of", AS_OF).output == today.output
    with app.app_context():
        quiz = db.session.scalar(select(Assessment).where(Assessment.code == "A1"))
        assert quiz.max_score == 40
        assert {r.max_score for r in quiz.results} == {40}


def test_each_change_after_the_instant_is_undone(app, recorded_world, clock):
    correct_in_september(app, clock)
    with app.app_context():
        with replay.as_recorded(replay.parse_instant(JULY)):
            alpha = db.session.scalar(select(Cohort).where(Cohort.slug == "alpha"))
            trainees = {t.ref: t for t in alpha.trainees}
            assert sorted(trainees) == ["T01", "T02"]  # the new trainee is not there yet
            assert trainees["T02"].left_on is None  # not withdrawn yet
            assert trainees["T01"].last_name == "Lovelace"
            assert db.session.scalar(select(Session).where(Session.date == date(2022, 1, 11)))
            expense = db.session.scalar(select(Expense).where(Expense.reference == "F-001"))
            assert expense.amount == Decimal("12500.50")
            mark = db.session.scalar(
                select(AttendanceRecord).where(AttendanceRecord.trainee_id == trainees["T01"].id)
            )
            assert (mark.status, mark.minutes_missed) == ("present", 0)
            quiz = db.session.scalar(select(Assessment).where(Assessment.code == "A1"))
            # The results' copy of the maximum follows it back (ON UPDATE CASCADE).
            assert quiz.max_score == 20 and {r.max_score for r in quiz.results} == {20}
            assert [c.code for c in quiz.competencies] == ["C1"]
            project = db.session.scalar(select(Assessment).where(Assessment.code == "A2"))
            assert project.results == []
        # And back to today.
        alpha = db.session.scalar(select(Cohort).where(Cohort.slug == "alpha"))
        assert sorted(t.ref for t in alpha.trainees) == ["T01", "T02", "T03"]
        assert db.session.scalar(select(Expense.amount)) == Decimal("13000.00")


def test_an_instant_before_the_world_shows_no_cohort(app, recorded_world, run_tracker):
    # The trail holds the whole database: before its first entry there was nothing.
    result = run_tracker("metrics", "alpha", "--as-recorded", "2022-06-30T12:00:00Z")
    assert result.exit_code == 1
    assert "no cohort 'alpha' as recorded on 2022-06-30T12:00:00+00:00" in result.output


def test_an_instant_before_the_trail_is_refused_when_older_records_exist(app, clock, run_tracker):
    with app.app_context():
        with paused():
            build_world()  # as if written before the trail existed
        clock.set(2022, 7, 4, 10, 0)
        with acting(actor="test"):
            alpha = db.session.scalar(select(Cohort).where(Cohort.slug == "alpha"))
            alpha.name = "IA promotion 1 bis"
        db.session.commit()
    result = run_tracker("metrics", "alpha", "--as-recorded", "2022-07-01T10:00")
    assert result.exit_code == 1
    assert "--as-recorded: The trail begins at 2022-07-04T12:00:00+02:00" in result.output
    after = run_tracker("metrics", "alpha", "--as-recorded", "2022-07-04T13:00")
    assert after.exit_code == 0, after.output


@pytest.mark.parametrize(
    "value", ["yesterday", "2022-07-05T25:00", "05/07/2022 18:00", "2022-13-01T00:00Z"]
)
def test_a_bad_instant_exits_1_naming_the_option(app, recorded_world, run_tracker, value):
    result = run_tracker("metrics", "alpha", "--as-recorded", value)
    assert result.exit_code == 1
    assert f"--as-recorded: {value!r} is not an instant" in result.output


@pytest.mark.parametrize(
    ("text", "instant"),
    [
        ("2022-07-05T18:00:00+02:00", datetime(2022, 7, 5, 16, 0, tzinfo=UTC)),
        ("2022-07-05T16:00:00Z", datetime(2022, 7, 5, 16, 0, tzinfo=UTC)),
        ("2022-07-05T18:00", datetime(2022, 7, 5, 16, 0, tzinfo=UTC)),  # Paris, summer time
        ("2022-01-05T18:00", datetime(2022, 1, 5, 17, 0, tzinfo=UTC)),  # Paris, winter time
        ("2022-07-05", datetime(2022, 7, 5, 21, 59, 59, 999999, tzinfo=UTC)),  # the whole day
    ],
)
def test_instants_are_read_as_iso_8601_in_paris_time_when_naive(text, instant):
    assert replay.parse_instant(text) == instant


def test_the_api_serves_the_figures_as_recorded(app, recorded_world, clock, login_as, run_tracker):
    from tracker.auth.models import User

    sent_in_july = json.loads(run_tracker("metrics", "alpha", "--as-of", AS_OF).output)
    correct_in_september(app, clock)
    with app.app_context():
        officer = db.session.scalar(select(User).where(User.role == "officer"))
        client = login_as(app.test_client(), officer)
    url = f"/api/cohorts/alpha/metrics?as_of={AS_OF}"
    july = client.get(f"{url}&as_recorded=2022-07-05T16:00:00Z")
    assert july.status_code == 200
    assert july.get_json() == sent_in_july
    assert client.get(url).get_json() != sent_in_july
    bad = client.get(f"{url}&as_recorded=hier")
    assert bad.status_code == 400
    assert bad.get_json()["error"].startswith("as_recorded: 'hier' is not an instant")
    before = client.get(f"{url}&as_recorded=2022-06-01T00:00Z")
    assert before.status_code == 404


# ---------------------------------------------------------------------------------------------
# Reports as recorded


def report_text(run_tracker, tmp_path, *args) -> str:
    from tests.test_reports import text_of

    out = tmp_path / "out"
    result = run_tracker("report", *args, "--as-of", AS_OF, "--lang", "en", "--out", str(out))
    assert result.exit_code == 0, result.output
    return text_of(out / result.output.strip().split("/")[-1])


def test_the_funding_report_as_recorded_shows_the_old_figures(
    app, recorded_world, clock, run_tracker, tmp_path
):
    correct_in_september(app, clock)
    today = report_text(run_tracker, tmp_path, "funding", "alpha")
    july = report_text(run_tracker, tmp_path, "funding", "alpha", "--as-recorded", JULY)

    assert "Figures as recorded on 05/07/2022 at 18:00 (Paris time)" in july
    assert "12,500.50" in july and "13,000.00" not in july
    assert "No trainee has withdrawn" in july
    assert "13,000.00" in today and "as recorded" not in today
    assert "Emploi" in today


def test_a_report_as_recorded_of_a_bad_instant_exits_1(app, recorded_world, run_tracker):
    result = run_tracker("report", "funding", "alpha", "--as-recorded", "5 juillet")
    assert result.exit_code == 1
    assert "--as-recorded: '5 juillet' is not an instant" in result.output


def test_the_funding_report_lists_the_amendments_since_an_earlier_report(
    app, recorded_world, clock, run_tracker, tmp_path
):
    correct_in_september(app, clock)
    text = report_text(run_tracker, tmp_path, "funding", "alpha", "--since", "2022-07-05")

    # T01 came in an hour late on 10/01/2022: one amendment, an hour less attended.
    assert "Since the report of 05/07/2022: 1 amendment, −1.00 h attended." in text
    assert "T01 Ada King 10/01/2022 morning" in text
    assert "Present → Late (60 min)" in text
    assert "Claire Admin, 12/09/2022 16:30" in text  # Paris time
    assert "bilan de septembre" in text


def test_the_web_reports_take_as_recorded_and_since(app, recorded_world, clock, login_as):
    from tests.test_reports import text_of
    from tracker.auth.models import User

    correct_in_september(app, clock)
    with app.app_context():
        officer = db.session.scalar(select(User).where(User.role == "officer"))
        client = login_as(app.test_client(), officer)
    url = f"/cohorts/alpha/funding-report.pdf?as_of={AS_OF}&lang=en"
    july = client.get(f"{url}&as_recorded=2022-07-05T16:00:00Z")
    assert july.status_code == 200
    assert "12,500.50" in text_of(july.data) and "as recorded on 05/07/2022" in text_of(july.data)
    assert "recorded-20220705T160000Z" in july.headers["Content-Disposition"]
    since = client.get(f"{url}&since=2022-07-05T18:00")
    assert "1 amendment" in text_of(since.data)
    for bad in ("as_recorded=hier", "since=5/7"):
        refused = client.get(f"{url}&{bad}")
        assert refused.status_code == 400
        assert "is not an instant" in refused.get_data(as_text=True)


def test_the_caches_keep_figures_as_recorded_and_todays_apart(app, recorded_world, clock):
    from tests.test_reports import text_of
    from tracker.metrics.versions import current_data
    from tracker.reports import making

    # Only the quiz's maximum moves: the rows of marks, scores and expenses stay the same.
    clock.set(2022, 9, 1, 8, 0)
    with app.app_context(), acting(actor="test"):
        db.session.scalar(select(Assessment).where(Assessment.code == "A1")).max_score = 40
        db.session.commit()
    with app.app_context():
        alpha = db.session.scalar(select(Cohort).where(Cohort.slug == "alpha"))
        dates = {"as_of": date(2022, 12, 31), "language": "en", "made_on": date(2022, 9, 2)}
        now = current_data(alpha, dates["as_of"])
        with replay.as_recorded(replay.parse_instant(JULY)):
            then = current_data(db.session.get(Cohort, alpha.id), dates["as_of"])
        # Today's data is kept and served again; the data as recorded is never kept.
        assert current_data(alpha, dates["as_of"]) is now
        assert then is not now and then != now
        assert making.data_digest(now) != making.data_digest(then)

        today = making.cohort_report(alpha, **dates)
        july = making.cohort_report(alpha, recorded_at=replay.parse_instant(JULY), **dates)
        again = making.cohort_report(alpha, **dates)
        assert july.path != today.path and again.path == today.path
        # The median grade of 15/20 and 8/20, then of 15/40 and 8/40.
        assert "Median grade Pass mark M1 — Python 420.00 h 0 0 2 11.50" in text_of(july.path)
        assert "Median grade Pass mark M1 — Python 420.00 h 0 0 2 5.75" in text_of(today.path)
        assert "as recorded" not in text_of(again.path)
