"""Closing a half-day's roll call: the countersignature, amendments with a reason, the automatic
closing after N days, and an administrator's reopening."""

import hashlib
import io
import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from tests.signatures_data import draw_signature, sign
from tracker import timeutil
from tracker.attendance import closing, operations
from tracker.attendance.models import AttendanceRecord, Session
from tracker.audit import capture
from tracker.audit.models import AuditEntry
from tracker.auth.models import User
from tracker.cohorts.models import Cohort, Module, Trainee
from tracker.extensions import db
from tracker.signing.models import Signature

pytestmark = pytest.mark.usefixtures("without_csrf")

# The world's session is on Monday 10/01/2022, in the morning (09:00–12:30 in Paris).
AFTER_THE_HALF_DAY = datetime(2022, 1, 10, 12, 0, tzinfo=UTC)  # 13:00 in Paris


@pytest.fixture
def clock(monkeypatch):
    """Freeze the tracker's clock at an instant (AFTER_THE_HALF_DAY until set)."""

    def freeze(instant: datetime) -> None:
        monkeypatch.setattr(timeutil, "utc_now", lambda: instant)

    freeze(AFTER_THE_HALF_DAY)
    return freeze


def roll_call_url(world) -> str:
    return f"/cohorts/alpha/sessions/{world.session}/roll-call"


def ids(app) -> dict[str, int]:
    with app.app_context():
        return dict(
            db.session.execute(
                select(Trainee.ref, Trainee.id).join(Cohort).where(Cohort.slug == "alpha")
            ).all()
        )


def form(app, world, marks: dict, reason: str = "") -> dict:
    """The roll call form: T01 present and T02 excused unless marks say otherwise."""
    with app.app_context():
        version = db.session.get(Session, world.session).roll_call_version
    lines = {"T01": ("present", "", ""), "T02": ("excused", "", "Rendez-vous France Travail")}
    lines |= marks
    data = {"version": str(version), "reason": reason}
    for ref, trainee_id in ids(app).items():
        status, minutes, note = lines[ref]
        data[f"t{trainee_id}-status"] = status
        data[f"t{trainee_id}-minutes_missed"] = str(minutes)
        data[f"t{trainee_id}-note"] = note
    return data


def marks(app, world) -> dict[str, str]:
    with app.app_context():
        return dict(
            db.session.execute(
                select(Trainee.ref, AttendanceRecord.status)
                .join(AttendanceRecord, AttendanceRecord.trainee_id == Trainee.id)
                .where(AttendanceRecord.session_id == world.session)
            ).all()
        )


def entries(app, entity: str = "attendance_records") -> list[AuditEntry]:
    with app.app_context():
        rows = db.session.scalars(
            select(AuditEntry).where(AuditEntry.entity == entity).order_by(AuditEntry.id)
        ).all()
        db.session.expunge_all()
        return rows


@pytest.fixture
def countersignable(app, world):
    """The instructor has drawn their signature, and T01, marked present, signed at 09:02:
    nothing stands in the way of closing."""
    draw_signature(app, world.accounts["instructor"])
    draw_signature(app, world.accounts["admin"])
    sign(app, world.session, ids(app)["T01"], datetime(2022, 1, 10, 8, 2, tzinfo=UTC))


def close(app, world) -> None:
    """Close the world's roll call as its instructor, countersigning it (T01 signed)."""
    with app.app_context():
        signed = db.session.scalar(select(db.func.count()).select_from(Signature))
    if not signed:
        draw_signature(app, world.accounts["instructor"])
        sign(app, world.session, ids(app)["T01"], datetime(2022, 1, 10, 8, 2, tzinfo=UTC))
    with app.app_context():
        session = db.session.get(Session, world.session)
        closing.close_roll_call(
            session, db.session.get(User, world.accounts["instructor"]), AFTER_THE_HALF_DAY
        )
        db.session.commit()


def test_the_instructor_closes_the_roll_call_once_the_half_day_is_over(
    app, world, signed_in, clock, countersignable
):
    client = signed_in("instructor")
    page = client.get(roll_call_url(world)).get_data(as_text=True)
    assert "Clôturer l’appel" in page or "Close the roll call" in page
    response = client.post(roll_call_url(world) + "/close", data={"confirm": "y"})
    assert response.status_code == 302
    with app.app_context():
        session = db.session.get(Session, world.session)
        assert session.closed_at == AFTER_THE_HALF_DAY
        assert session.closed_by_id == world.accounts["instructor"]
    closed = entries(app, "sessions")[-1]
    assert closed.actor == "Olivier Prof"
    assert json.loads(closed.after)["closed_at"].startswith("2022-01-10T12:00")
    page = client.get(roll_call_url(world) + "?lang=en").get_data(as_text=True)
    assert "Closed by Olivier Prof" in page
    assert "Roll call closed (countersigned)" in page
    assert "Roll call reopened" not in page  # the session's creation is not a reopening
    assert "<title>Roll call · Monday 10/01/2022, morning · " in page


def test_closing_needs_the_confirmation(app, world, signed_in, clock, countersignable):
    response = signed_in("instructor").post(roll_call_url(world) + "/close?lang=en", data={})
    assert response.status_code == 422
    assert "Tick the box to confirm the closing." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Session, world.session).closed_at is None


def test_closing_is_refused_before_the_half_day_is_over(
    app, world, signed_in, clock, countersignable
):
    clock(datetime(2022, 1, 10, 10, 0, tzinfo=UTC))  # 11:00 in Paris
    response = signed_in("instructor").post(
        roll_call_url(world) + "/close?lang=en", data={"confirm": "y"}
    )
    assert response.status_code == 409
    assert "once the half-day is over, from 12:30" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Session, world.session).closed_at is None


def test_closing_needs_a_mark_for_every_expected_trainee(
    app, world, signed_in, clock, countersignable
):
    with app.app_context():
        db.session.execute(
            AttendanceRecord.__table__.delete().where(
                AttendanceRecord.trainee_id == ids(app)["T02"]
            )
        )
        db.session.commit()
    response = signed_in("instructor").post(
        roll_call_url(world) + "/close?lang=en", data={"confirm": "y"}
    )
    assert response.status_code == 409
    assert "1 expected trainee has no mark yet (T02)" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Session, world.session).closed_at is None


def test_saving_an_open_roll_call_is_a_draft_without_amendment(app, world, signed_in, clock):
    response = signed_in("instructor").post(
        roll_call_url(world), data=form(app, world, {"T01": ("absent", "", "")})
    )
    assert response.status_code == 302
    changed = entries(app)[-1]
    assert json.loads(changed.after)["status"] == "absent"
    assert changed.amendment is False


def test_an_amendment_without_a_reason_is_refused_and_changes_nothing(app, world, signed_in, clock):
    close(app, world)
    before = len(entries(app))
    response = signed_in("instructor").post(
        roll_call_url(world) + "?lang=en", data=form(app, world, {"T01": ("absent", "", "")})
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Give the reason for the amendment." in page
    assert 'id="reason-error"' in page
    assert marks(app, world)["T01"] == "present"
    assert len(entries(app)) == before


def test_an_amendment_with_a_reason_is_recorded_as_one(app, world, signed_in, clock):
    close(app, world)
    response = signed_in("instructor").post(
        roll_call_url(world),
        data=form(app, world, {"T01": ("absent", "", "")}, reason="Signed by mistake"),
    )
    assert response.status_code == 302
    assert marks(app, world)["T01"] == "absent"
    amended = entries(app)[-1]
    assert amended.amendment is True
    assert amended.reason == "Signed by mistake"
    assert json.loads(amended.before)["status"] == "present"
    page = signed_in("instructor").get(roll_call_url(world) + "?lang=en").get_data(as_text=True)
    assert "Amendment" in page
    assert "T01 Ada Lovelace: Present → Absent" in page
    assert "Reason: Signed by mistake" in page


def test_no_path_changes_a_closed_roll_call_without_a_reason(app, world):
    close(app, world)
    with app.app_context():
        session = db.session.get(Session, world.session)
        mark = {ids(app)["T01"]: operations.Mark("absent")}
        with pytest.raises(closing.AmendmentRefused):
            operations.record_roll_call(session, mark, None, session.roll_call_version)
        db.session.rollback()
        record = db.session.scalar(
            select(AttendanceRecord).where(AttendanceRecord.trainee_id == ids(app)["T01"])
        )
        record.status = "absent"
        with pytest.raises(closing.AmendmentRefused):
            db.session.flush()
        db.session.rollback()
        assert marks(app, world)["T01"] == "present"
        session = db.session.get(Session, world.session)
        with capture.acting(reason="Late certificate"):
            operations.record_roll_call(session, mark, None, session.roll_call_version)
        db.session.commit()
    amended = entries(app)[-1]
    assert (amended.amendment, amended.reason) == (True, "Late certificate")


def test_the_overdue_roll_calls_close_automatically(app, world, signed_in, clock):
    app.config["ROLL_CALL_CLOSES_AFTER_DAYS"] = 7
    clock(datetime(2022, 1, 16, 22, 0, tzinfo=UTC))  # 16/01 23:00 in Paris: day 6
    client = signed_in("instructor")
    client.get(roll_call_url(world))
    with app.app_context():
        assert db.session.get(Session, world.session).closed_at is None
    clock(datetime(2022, 1, 16, 23, 30, tzinfo=UTC))  # 17/01 00:30 in Paris: day 7
    page = client.get(roll_call_url(world) + "?lang=en").get_data(as_text=True)
    assert "Closed automatically on" in page
    with app.app_context():
        session = db.session.get(Session, world.session)
        assert session.closed_at == datetime(2022, 1, 16, 23, 30, tzinfo=UTC)
        assert session.closed_by_id is None
    assert entries(app, "sessions")[-1].actor == closing.AUTOMATIC_CLOSING


def test_the_command_closes_the_overdue_roll_calls(app, world, run_tracker, clock):
    app.config["ROLL_CALL_CLOSES_AFTER_DAYS"] = 3
    clock(datetime(2022, 1, 13, 12, 0, tzinfo=UTC))
    result = run_tracker("roll-calls", "close-overdue")
    assert result.exit_code == 0, result.output
    assert "1 roll call closed" in result.output
    with app.app_context():
        assert db.session.get(Session, world.session).closed_at is not None
    assert "0 roll calls closed" in run_tracker("roll-calls", "close-overdue").output


def test_no_automatic_closing_when_the_delay_is_none(app, world, run_tracker, clock):
    clock(datetime(2030, 1, 1, tzinfo=UTC))
    assert "0 roll calls closed" in run_tracker("roll-calls", "close-overdue").output


def test_an_administrator_reopens_a_closed_roll_call_with_a_reason(app, world, signed_in, clock):
    close(app, world)
    client = signed_in("admin")
    refused = client.post(roll_call_url(world) + "/reopen?lang=en", data={"reason": " "})
    assert refused.status_code == 422
    assert "Give the reason for reopening the roll call." in refused.get_data(as_text=True)
    response = client.post(roll_call_url(world) + "/reopen", data={"reason": "Wrong trainee"})
    assert response.status_code == 302
    with app.app_context():
        session = db.session.get(Session, world.session)
        assert session.closed_at is None and session.reopen_reason == "Wrong trainee"
    reopened = entries(app, "sessions")[-1]
    assert (reopened.actor, reopened.reason) == ("Claire Admin", "Wrong trainee")
    # Its changes are amendments that carry the reason for reopening.
    client.post(roll_call_url(world), data=form(app, world, {"T01": ("absent", "", "")}))
    amended = entries(app)[-1]
    assert (amended.amendment, amended.reason) == (True, "Wrong trainee")
    page = client.get(roll_call_url(world) + "?lang=en").get_data(as_text=True)
    assert "Roll call reopened" in page


def test_only_an_administrator_reopens(app, world, signed_in, clock):
    close(app, world)
    response = signed_in("instructor").post(
        roll_call_url(world) + "/reopen", data={"reason": "Wrong trainee"}
    )
    assert response.status_code == 403
    with app.app_context():
        assert db.session.get(Session, world.session).closed_at is not None


def test_a_reopened_roll_call_closes_again_n_days_after_the_reopening(app, world, clock):
    close(app, world)
    app.config["ROLL_CALL_CLOSES_AFTER_DAYS"] = 7
    reopened = datetime(2022, 3, 1, 10, 0, tzinfo=UTC)
    with app.app_context():
        closing.reopen_roll_call(db.session.get(Session, world.session), "Check", reopened)
        db.session.commit()
        assert closing.close_overdue(now=datetime(2022, 3, 5, tzinfo=UTC)) == 0
        assert closing.close_overdue(now=datetime(2022, 3, 8, 10, 0, tzinfo=UTC)) == 1
        db.session.commit()


def test_a_module_or_trainee_change_keeps_working_on_closed_roll_calls(app, world):
    close(app, world)
    with app.app_context():
        db.session.scalar(select(Module)).title = "Python 3"
        db.session.commit()


def test_reading_the_home_page_or_the_timetable_closes_the_overdue_roll_calls(
    app, world, signed_in, clock
):
    app.config["ROLL_CALL_CLOSES_AFTER_DAYS"] = 7
    clock(datetime(2022, 2, 1, 8, 0, tzinfo=UTC))
    signed_in("trainee").get("/")
    with app.app_context():
        assert db.session.get(Session, world.session).closed_at is not None
        db.session.execute(Session.__table__.update().values(closed_at=None))
        db.session.commit()
    signed_in("instructor").get("/cohorts/alpha/timetable?week=2022-W02")
    with app.app_context():
        assert db.session.get(Session, world.session).closed_at is not None


# Imports: changes to closed roll calls are amendments too.

CORRECTION = (
    "date,slot,trainee,status,note\n"
    "2022-01-10,AM,T01,absent,\n"
    "2022-01-10,AM,T02,excused,Rendez-vous France Travail\n"
)


def test_an_import_changing_a_closed_roll_call_without_a_reason_is_refused(
    app, world, run_tracker, tmp_path
):
    close(app, world)
    before = len(entries(app))
    file = tmp_path / "corrections.csv"
    file.write_text(CORRECTION)
    result = run_tracker("import", "attendance", str(file), "--cohort", "alpha")
    assert result.exit_code == 1
    assert "line 2: reason: the roll call of this half-day is closed" in result.output
    assert "line 3" not in result.output  # unchanged: not an amendment
    assert marks(app, world)["T01"] == "present"
    assert len(entries(app)) == before


def test_an_import_with_a_reason_amends_a_closed_roll_call(app, world, run_tracker, tmp_path):
    close(app, world)
    file = tmp_path / "corrections.csv"
    file.write_text(CORRECTION)
    result = run_tracker(
        "import", "attendance", str(file), "--cohort", "alpha", "--reason", "Paper sheet"
    )
    assert result.exit_code == 0, result.output
    assert marks(app, world)["T01"] == "absent"
    amended = entries(app)[-1]
    assert (amended.amendment, amended.reason, amended.actor) == (
        True,
        "Paper sheet",
        "command line",
    )
    digest = hashlib.sha256(CORRECTION.encode()).hexdigest()
    assert json.loads(amended.source) == {"file": "corrections.csv", "sha256": digest}


def test_the_reason_column_gives_each_row_its_reason(app, world, run_tracker, tmp_path):
    close(app, world)
    file = tmp_path / "corrections.csv"
    file.write_text(
        "date,slot,trainee,status,note,reason\n"
        "2022-01-10,AM,T01,absent,,Seen leaving at 9:05\n"
        "2022-01-10,AM,T02,present,,\n"
    )
    result = run_tracker("import", "attendance", str(file), "--cohort", "alpha")
    assert result.exit_code == 1
    assert "line 3: reason:" in result.output and "line 2" not in result.output
    result = run_tracker(
        "import", "attendance", str(file), "--cohort", "alpha", "--reason", "Paper sheet"
    )
    assert result.exit_code == 0, result.output
    reasons = {
        json.loads(entry.after)["status"]: entry.reason for entry in entries(app) if entry.amendment
    }
    assert reasons == {"absent": "Seen leaving at 9:05", "present": "Paper sheet"}


def test_the_upload_page_takes_the_reason_of_its_amendments(app, world, signed_in):
    close(app, world)
    client = signed_in("admin")

    def upload(reason: str):
        return client.post(
            "/cohorts/alpha/import?lang=en",
            data={
                "kind": "attendance",
                "reason": reason,
                "file": (io.BytesIO(CORRECTION.encode()), "corrections.csv"),
            },
            content_type="multipart/form-data",
        )

    refused = upload("")
    assert refused.status_code == 422
    assert "line 2: reason: the roll call of this half-day is closed" in refused.get_data(
        as_text=True
    )
    assert marks(app, world)["T01"] == "present"
    assert upload("Paper sheet").status_code == 302
    amended = entries(app)[-1]
    assert (amended.amendment, amended.reason, amended.actor) == (
        True,
        "Paper sheet",
        "Claire Admin",
    )
    assert json.loads(amended.source)["file"] == "corrections.csv"


def test_the_trainees_page_lists_the_amendments_to_their_marks(app, world, signed_in, clock):
    close(app, world)
    signed_in("instructor").post(
        roll_call_url(world),
        data=form(app, world, {"T01": ("late", "20", "Bus")}, reason="Signed by mistake"),
    )
    page = signed_in("trainee").get("/cohorts/alpha/trainees/T01?lang=en").get_data(as_text=True)
    assert "Amendments to the roll calls" in page
    assert "10/01/2022, morning: Present → Late (20 min) — Bus" in page
    assert "By Olivier Prof on" in page and "Reason: Signed by mistake" in page
    other = signed_in("admin").get("/cohorts/alpha/trainees/T02?lang=en").get_data(as_text=True)
    assert "Amendments to the roll calls" not in other


def test_the_filled_weekly_sheet_marks_and_lists_the_amendments(app, world):
    from tests.test_reports import dates, text_of
    from tracker.reports import making

    close(app, world)
    with app.app_context():
        session = db.session.get(Session, world.session)
        t01 = {ids(app)["T01"]: operations.Mark("absent")}
        with capture.acting(reason="Left at 9:05, sheet corrected"):
            operations.record_roll_call(session, t01, None, session.roll_call_version)
        db.session.commit()
        cohort = db.session.scalar(select(Cohort).where(Cohort.slug == "alpha"))
        filled = making.attendance_sheet(cohort, "2022-W02", blank=False, **dates())
        blank = making.attendance_sheet(cohort, "2022-W02", blank=True, **dates())
        text, blank_text = text_of(filled.path), text_of(blank.path)
    assert "amended *" in text
    assert "Amendments after closing (*)" in text
    assert "Present → Absent" in text
    assert "Left at 9:05, sheet corrected" in text
    assert "the command line" in text
    assert "Amendments after closing" not in blank_text


def test_the_demo_closes_its_past_roll_calls_and_carries_amendments(app, demo, run_tracker):
    with app.app_context():
        open_sessions = db.session.scalar(
            select(db.func.count(Session.id)).where(Session.closed_at.is_(None))
        )
        assert open_sessions == 0  # the demo's half-days are all long past
        amended = db.session.scalars(select(AuditEntry).where(AuditEntry.amendment.is_(True))).all()
        assert len(amended) == 3
        assert {entry.reason for entry in amended} == {
            "Certificat médical reçu après la clôture de l’appel"
        }
        assert all(json.loads(entry.after)["status"] == "excused" for entry in amended)
    assert run_tracker("audit", "verify").exit_code == 0


def test_a_roll_call_never_taken_stays_open_and_its_late_import_is_no_amendment(
    app, world, run_tracker, tmp_path, clock
):
    # A half-day of the timetable whose roll call nobody took: missing, not final.
    with app.app_context():
        taken = db.session.get(Session, world.session)
        untaken = Session(
            cohort_id=taken.cohort_id, module_id=taken.module_id, date=taken.date, slot="PM"
        )
        db.session.add(untaken)
        db.session.commit()
        untaken_id = untaken.id
    app.config["ROLL_CALL_CLOSES_AFTER_DAYS"] = 7
    clock(datetime(2022, 3, 1, 12, 0, tzinfo=UTC))
    assert "1 roll call closed" in run_tracker("roll-calls", "close-overdue").output
    with app.app_context():
        assert db.session.get(Session, world.session).closed_at is not None
        assert db.session.get(Session, untaken_id).closed_at is None

    # Months later, the paper sheet is typed into a file: the first marks, not amendments.
    file = tmp_path / "afternoon.csv"
    file.write_text(
        "date,slot,trainee,status\n2022-01-10,PM,T01,present\n2022-01-10,PM,T02,absent\n"
    )
    result = run_tracker("import", "attendance", str(file), "--cohort", "alpha")
    assert result.exit_code == 0, result.output
    with app.app_context():
        written = db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity == "attendance_records")
            .order_by(AuditEntry.id.desc())
            .limit(2)
        ).all()
        assert [entry.amendment for entry in written] == [False, False]
        # Taken now: it closes when the delay has passed since the half-day.
        assert closing.close_overdue() == 1
        assert db.session.get(Session, untaken_id).closed_at is not None
        db.session.commit()


def test_the_roll_call_lists_its_newest_changes_and_counts_the_earlier_ones(
    app, world, signed_in, clock, monkeypatch
):
    from tracker.attendance import views

    monkeypatch.setattr(views, "HISTORY_SHOWN", 3)
    client = signed_in("admin")
    for status in ("absent", "present", "absent", "present", "absent"):
        response = client.post(
            roll_call_url(world), data=form(app, world, {"T01": (status, "", "")})
        )
        assert response.status_code == 302
    page = client.get(roll_call_url(world) + "?lang=en").get_data(as_text=True)
    history = page[page.index('id="history"') :]
    assert history.count("<li") == 3
    assert "T01 Ada Lovelace: Present → Absent" in history  # the newest, first
    assert "4 earlier changes are kept in the trail." in history
    assert "/audit?cohort=alpha&amp;entity=roll-calls" in history
