"""Absence justifications: a trainee declares an absence with a reason and a document; an
instructor or an administrator accepts it (its half-days become excused, in the trail) or refuses
it with a reason; the trainee sees where it stands."""

import io
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests import uploads_data
from tests.pages_data import csrf_token, table_rows, text
from tracker import timeutil
from tracker.attendance.models import AttendanceRecord, Session
from tracker.audit import queries as trail
from tracker.auth.models import User
from tracker.cohorts.models import Cohort, Module, Trainee
from tracker.extensions import db
from tracker.justifications import operations, rules
from tracker.metrics.justifications import (
    DeclaredAbsence,
    is_pending,
    pending_per_month,
    pending_per_trainee,
    pending_summary,
)
from tracker.signing.models import Justification

TODAY = date(2022, 1, 20)
NEW = "/cohorts/alpha/trainees/T01/justifications/new"


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    """The tests' today: 20 January 2022, within the world's cohort (3 Jan – 16 Dec 2022)."""
    monkeypatch.setattr(timeutil, "today", lambda: TODAY)


@pytest.fixture
def trainee(signed_in):
    return signed_in("trainee")


@pytest.fixture
def instructor(signed_in):
    return signed_in("instructor")


@pytest.fixture
def half_days(app, world):
    """Add 11 January's morning, where Ada is marked absent and the roll call is closed, and its
    afternoon, with no mark yet; return their ids."""
    with app.app_context():
        module = db.session.scalar(select(Module).where(Module.code == "M1"))
        ada = db.session.scalar(select(Trainee).where(Trainee.first_name == "Ada"))
        morning = Session(
            cohort_id=module.cohort_id,
            module_id=module.id,
            date=date(2022, 1, 11),
            slot="AM",
            minutes=210,
        )
        afternoon = Session(
            cohort_id=module.cohort_id,
            module_id=module.id,
            date=date(2022, 1, 11),
            slot="PM",
            minutes=210,
        )
        db.session.add_all([morning, afternoon])
        db.session.flush()
        db.session.add(
            AttendanceRecord(
                session_id=morning.id,
                trainee_id=ada.id,
                status="absent",
                recorded_at=datetime(2022, 1, 11, 9, tzinfo=UTC),
            )
        )
        db.session.flush()
        morning.closed_at = datetime(2022, 1, 11, 12, 30, tzinfo=UTC)
        db.session.commit()
        return {"AM": morning.id, "PM": afternoon.id}


def declare(client, *, content=uploads_data.PDF, name="certificat.pdf", url=NEW, **fields):
    token = csrf_token(client.get(NEW).text)
    data = {
        "first_day": "17/01/2022",
        "first_slot": "AM",
        "last_day": "18/01/2022",
        "last_slot": "AM",
        "reason": "Arrêt maladie",
        "csrf_token": token,
        **fields,
    }
    if content is not None:
        data["file"] = (io.BytesIO(content), name)
    return client.post(url + "?lang=en", data=data, content_type="multipart/form-data")


def justifications(app) -> list[tuple]:
    with app.app_context():
        return db.session.execute(
            select(
                Justification.trainee_id,
                Justification.first_day,
                Justification.state,
                Justification.sha256,
            ).order_by(Justification.id)
        ).all()


def kept_files(app) -> set[str]:
    return {path.name for path in Path(app.config["UPLOAD_FOLDER"]).glob("*/*")}


def marks_of_ada(app, session_ids) -> dict[int, tuple]:
    with app.app_context():
        rows = db.session.execute(
            select(
                AttendanceRecord.session_id,
                AttendanceRecord.status,
                AttendanceRecord.note,
                AttendanceRecord.recorded_by_id,
            )
            .join(Trainee)
            .where(Trainee.first_name == "Ada", AttendanceRecord.session_id.in_(session_ids))
        ).all()
        return {session_id: tuple(rest) for session_id, *rest in rows}


# ---------------------------------------------------------------------------------------------
# The rules


@pytest.fixture
def cohort():
    return Cohort(starts_on=date(2022, 1, 3), ends_on=date(2022, 12, 16))


def problems(cohort, first, first_slot, last, last_slot, today=TODAY):
    return [
        (problem.field, problem.message)
        for problem in rules.span_problems(cohort, first, first_slot, last, last_slot, today)
    ]


def test_an_absence_may_be_past_or_at_most_30_days_ahead(app, cohort):
    with app.test_request_context("/?lang=en"):
        assert problems(cohort, date(2022, 1, 3), "AM", date(2022, 1, 3), "AM") == []
        assert problems(cohort, date(2022, 2, 19), "AM", date(2022, 2, 19), "PM") == []
        assert problems(cohort, date(2022, 2, 19), "AM", date(2022, 2, 20), "AM") == [
            (
                "last_day",
                "An absence can be declared at most 30 days ahead: up to 19/02/2022.",
            )
        ]


def test_an_absence_is_within_the_cohort_and_ends_after_it_starts(app, cohort):
    with app.test_request_context("/?lang=en"):
        outside = problems(cohort, date(2022, 1, 2), "AM", date(2022, 1, 4), "PM")
        assert [field for field, _ in outside] == ["first_day"]
        assert problems(cohort, date(2022, 1, 5), "PM", date(2022, 1, 5), "AM") == [
            ("last_day", "The absence must end on or after the half-day it starts.")
        ]
        assert problems(cohort, date(2022, 1, 6), "AM", date(2022, 1, 5), "PM")[0][0] == (
            "last_day"
        )
        assert problems(cohort, date(2022, 1, 5), "XX", date(2022, 1, 5), "PM") == [
            ("first_slot", "Choose the morning or the afternoon.")
        ]


def test_an_absence_covers_its_half_days_from_first_to_last():
    covering = [
        (day, slot)
        for day in (date(2022, 1, 10), date(2022, 1, 11), date(2022, 1, 12))
        for slot in ("AM", "PM")
        if rules.covers(date(2022, 1, 10), "PM", date(2022, 1, 12), "AM", day, slot)
    ]
    assert covering == [
        (date(2022, 1, 10), "PM"),
        (date(2022, 1, 11), "AM"),
        (date(2022, 1, 11), "PM"),
        (date(2022, 1, 12), "AM"),
    ]


# ---------------------------------------------------------------------------------------------
# Declaring


@pytest.mark.parametrize(
    ("content", "name", "content_type"),
    [
        (uploads_data.PDF, "certificat.pdf", "application/pdf"),
        (uploads_data.jpeg(), "photo.jpg", "image/jpeg"),
        (uploads_data.png(), "capture.png", "image/png"),
    ],
)
def test_a_trainee_declares_an_absence_with_a_reason_and_a_document(
    app, trainee, content, name, content_type
):
    before = len(justifications(app))
    response = declare(trainee, content=content, name=name)
    assert response.status_code == 302
    page = text(trainee.get(response.headers["Location"] + "?lang=en").text)
    assert "Your absence of Monday 17/01/2022, morning – Tuesday 18/01/2022, morning" in page
    assert "Waiting for a decision" in page
    with app.app_context():
        declared = db.session.scalars(select(Justification).order_by(Justification.id)).all()
        assert len(declared) == before + 1
        mine = declared[-1]
        assert mine.trainee.first_name == "Ada"
        assert (mine.first_day, mine.first_slot) == (date(2022, 1, 17), "AM")
        assert (mine.last_day, mine.last_slot) == (date(2022, 1, 18), "AM")
        assert (mine.reason, mine.state) == ("Arrêt maladie", "pending")
        assert (mine.file_name, mine.content_type, mine.size) == (name, content_type, len(content))
        assert mine.sha256 in kept_files(app)
        [entry] = trail.history(entity="justifications", key={"id": mine.id})
        assert entry.action == "insert" and entry.actor_id == mine.declared_by_id
    home = text(trainee.get("/?lang=en").text)
    assert "Your absence justifications" in home
    assert "Monday 17/01/2022, morning – Tuesday 18/01/2022, morning Waiting for a decision" in home


def test_an_empty_last_day_is_the_first_day(app, trainee):
    response = declare(trainee, last_day="", last_slot="PM")
    assert response.status_code == 302
    page = text(trainee.get(response.headers["Location"] + "?lang=en").text)
    assert "Your absence of Monday 17/01/2022, all day is declared" in page
    with app.app_context():
        latest = db.session.scalars(select(Justification).order_by(Justification.id)).all()[-1]
        assert (latest.first_day, latest.last_day, latest.last_slot) == (
            date(2022, 1, 17),
            date(2022, 1, 17),
            "PM",
        )


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (uploads_data.png(), "certificat.pdf", "is named “certificat.pdf” but holds a PNG file"),
        (uploads_data.TEXT, "certificat.pdf", "is not a PDF document, a JPEG image or a PNG"),
        (uploads_data.TEXT, "photo.png", "is not a PDF document, a JPEG image or a PNG"),
        (b"", "certificat.pdf", "Supporting document: the file is empty."),
        (uploads_data.PDF + b" " * 3000, "certificat.pdf", "the file is too large (3"),
        (None, None, "Supporting document: choose a file."),
    ],
)
def test_a_wrong_document_is_refused_with_400_and_nothing_is_kept(
    app, trainee, content, name, message
):
    app.config["JUSTIFICATION_MAX_BYTES"] = 3000
    before, files = justifications(app), kept_files(app)
    response = declare(trainee, content=content, name=name)
    assert response.status_code == 400
    assert message in text(response.text)
    # What was typed stays in the form.
    assert "Arrêt maladie" in response.text
    assert justifications(app) == before
    assert kept_files(app) == files


def test_a_declaration_needs_a_reason(app, trainee):
    before = justifications(app)
    response = declare(trainee, reason="  ")
    assert response.status_code == 422
    assert "Give the reason." in text(response.text)
    assert justifications(app) == before


def test_an_absence_more_than_30_days_ahead_is_refused(app, trainee):
    before = justifications(app)
    response = declare(trainee, first_day="19/02/2022", last_day="20/02/2022")
    assert response.status_code == 422
    assert "at most 30 days ahead: up to 19/02/2022" in text(response.text)
    assert justifications(app) == before
    response = declare(trainee, first_day="19/02/2022", last_day="19/02/2022")
    assert response.status_code == 302


def test_an_absence_outside_the_cohort_is_refused(app, trainee):
    response = declare(trainee, first_day="02/01/2022", last_day="03/01/2022")
    assert response.status_code == 422
    assert "The date must be within the cohort" in text(response.text)


def test_a_trainee_cannot_declare_for_another(app, trainee):
    before, files = justifications(app), kept_files(app)
    response = declare(trainee, url="/cohorts/alpha/trainees/T02/justifications/new")
    assert response.status_code == 404
    assert justifications(app) == before
    assert kept_files(app) == files


def test_only_the_trainees_own_account_declares_through_the_operation(app, world):
    with app.app_context(), app.test_request_context("/?lang=en"):
        alan = db.session.scalar(select(Trainee).where(Trainee.first_name == "Alan"))
        ada_account = db.session.get(User, world.accounts["trainee"])
        instructor = db.session.get(User, world.accounts["instructor"])
        for account in (ada_account, instructor):
            with pytest.raises(operations.JustificationError, match="Only the trainee"):
                operations.declare(
                    alan,
                    first_day=date(2022, 1, 17),
                    first_slot="AM",
                    last_day=date(2022, 1, 17),
                    last_slot="PM",
                    reason="Malade",
                    attachment=None,
                    declared_by=account,
                )


def test_the_document_is_required_by_the_operation_too(app, world):
    with app.app_context(), app.test_request_context("/?lang=en"):
        ada = db.session.scalar(select(Trainee).where(Trainee.first_name == "Ada"))
        account = db.session.get(User, world.accounts["trainee"])
        with pytest.raises(operations.JustificationError, match="Attach the document"):
            operations.declare(
                ada,
                first_day=date(2022, 1, 17),
                first_slot="AM",
                last_day=date(2022, 1, 17),
                last_slot="PM",
                reason="Malade",
                attachment=None,
                declared_by=account,
            )


def test_a_trainee_sees_only_their_own_justifications(trainee, world):
    own = trainee.get(f"/cohorts/alpha/justifications/{world.justification}?lang=en")
    assert own.status_code == 200
    assert "Rendez-vous médical" in own.text
    for url in [
        f"/cohorts/alpha/justifications/{world.other_justification}",
        f"/cohorts/alpha/justifications/{world.other_justification}/document",
        "/cohorts/alpha/trainees/T02/justifications",
    ]:
        response = trainee.get(url)
        assert response.status_code == 404, url
        assert "Panne de voiture" not in response.text
    listing = text(trainee.get("/cohorts/alpha/trainees/T01/justifications?lang=en").text)
    assert "Rendez-vous médical" in listing
    assert "Panne de voiture" not in listing


def test_the_document_downloads_for_the_trainee_instructors_and_admins_only(signed_in, world):
    url = f"/cohorts/alpha/justifications/{world.justification}/document"
    expected = {"trainee": 200, "instructor": 200, "admin": 200, "officer": 403, "outsider": 404}
    for role, status in expected.items():
        response = signed_in(role).get(url)
        assert response.status_code == status, role
        if status == 200:
            assert response.data == uploads_data.png()
            assert response.mimetype == "image/png"
            assert response.headers["Content-Disposition"] == (
                "attachment; filename=certificat.png"
            )
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert response.headers["Cache-Control"] == "no-store"
        else:
            assert response.data != uploads_data.png()


# ---------------------------------------------------------------------------------------------
# Deciding


def decide(client, world, action: str, **data):
    page = client.get(f"/cohorts/alpha/justifications/{world.justification}").text
    return client.post(
        f"/cohorts/alpha/justifications/{world.justification}/{action}?lang=en",
        data={"csrf_token": csrf_token(page), **data},
    )


def test_the_pending_justifications_are_listed_for_the_cohorts_instructors(instructor, world):
    page = text(instructor.get("/cohorts/alpha/justifications?lang=en").text)
    assert "1 waiting for a decision" in page
    assert "Ada Lovelace T01 Tuesday 11/01/2022, all day" in page
    assert "Rendez-vous médical" in page
    # The refused one is under the decided ones.
    assert "Decided" in page and "Refused" in page
    home = text(instructor.get("/?lang=en").text)
    assert "Absence justifications to decide" in home
    assert "1 justification waiting for a decision" in home


def test_the_decision_page_shows_the_half_days_and_their_marks(instructor, world, half_days):
    page = text(instructor.get(f"/cohorts/alpha/justifications/{world.justification}?lang=en").text)
    assert "2 half-days of the timetable where the trainee is expected" in page
    assert "Tuesday 11/01/2022, morning M1 Absent Closed: a change is an amendment" in page
    assert "Tuesday 11/01/2022, afternoon M1 No mark yet Open" in page


def test_accepting_makes_the_half_days_excused_with_the_reason_in_the_trail(
    app, instructor, signed_in, world, half_days
):
    with app.app_context():
        versions = dict(db.session.execute(select(Session.id, Session.roll_call_version)).all())
    response = decide(instructor, world, "accept")
    assert response.status_code == 302
    page = text(instructor.get(response.headers["Location"] + "?lang=en").text)
    assert "The justification of Ada Lovelace is accepted. 2 half-days are now excused" in page
    instructor_id = world.accounts["instructor"]
    assert marks_of_ada(app, half_days.values()) == {
        half_days["AM"]: ("excused", "Rendez-vous médical", instructor_id),
        half_days["PM"]: ("excused", "Rendez-vous médical", instructor_id),
    }
    with app.app_context():
        justification = db.session.get(Justification, world.justification)
        assert justification.state == "accepted"
        assert justification.decided_by_id == instructor_id
        assert justification.decided_at is not None
        changes = {
            entry.key["session_id"]: entry
            for entry in trail.history(entity="attendance_records")
            if entry.key.get("session_id") in half_days.values()
        }
        closed, open_ = changes[half_days["AM"]], changes[half_days["PM"]]
        # The closed roll call's change is an amendment, for the justification's reason.
        assert (closed.action, closed.amendment, closed.reason) == (
            "update",
            True,
            "Rendez-vous médical",
        )
        assert closed.was["status"] == "absent" and closed.now["status"] == "excused"
        assert closed.actor == "Olivier Prof"
        assert (open_.action, open_.amendment) == ("insert", False)
        [decision] = [
            entry
            for entry in trail.history(entity="justifications", key={"id": world.justification})
            if entry.action == "update"
        ]
        assert decision.now["state"] == "accepted"
        # A roll call page opened before the decision cannot save over it.
        for session_id in half_days.values():
            assert db.session.get(Session, session_id).roll_call_version == (
                versions[session_id] + 1
            )
    # The trainee reads where it stands.
    trainee_page = signed_in("trainee").get(
        f"/cohorts/alpha/justifications/{world.justification}?lang=en"
    )
    assert "Accepted" in text(trainee_page.text)


def test_accepting_marks_only_the_half_days_where_the_trainee_is_expected(app, world, half_days):
    with app.app_context(), app.test_request_context("/?lang=en"):
        ada = db.session.scalar(select(Trainee).where(Trainee.first_name == "Ada"))
        ada.left_on = date(2022, 1, 10)  # left before the absence
        db.session.commit()
        justification = db.session.get(Justification, world.justification)
        admin = db.session.get(User, world.accounts["admin"])
        assert operations.accept(justification, admin) == 0
        db.session.commit()
    assert marks_of_ada(app, half_days.values()) == {half_days["AM"]: ("absent", None, None)}


def test_a_justification_is_decided_once(app, instructor, world):
    assert decide(instructor, world, "refuse", decision_reason="Illisible").status_code == 302
    response = decide(instructor, world, "accept")
    assert response.status_code == 409
    assert "This justification was already decided" in text(response.text)
    with app.app_context():
        assert db.session.get(Justification, world.justification).state == "refused"


def test_refusing_needs_a_reason_which_the_trainee_reads(app, signed_in, world, half_days):
    admin = signed_in("admin")
    response = decide(admin, world, "refuse", decision_reason=" ")
    assert response.status_code == 422
    assert "Give the reason." in text(response.text)
    with app.app_context():
        assert db.session.get(Justification, world.justification).state == "pending"
    response = decide(admin, world, "refuse", decision_reason="Le certificat date de 2021.")
    assert response.status_code == 302
    with app.app_context():
        refused = db.session.get(Justification, world.justification)
        assert (refused.state, refused.decision_reason) == (
            "refused",
            "Le certificat date de 2021.",
        )
        assert refused.decided_by_id == world.accounts["admin"]
    # The marks stay as they were.
    assert marks_of_ada(app, half_days.values()) == {half_days["AM"]: ("absent", None, None)}
    page = text(signed_in("trainee").get("/cohorts/alpha/trainees/T01/justifications?lang=en").text)
    assert "Refused Le certificat date de 2021." in page


def test_an_instructor_of_another_cohort_cannot_decide(app, signed_in, world):
    outsider = signed_in("outsider")
    response = outsider.post(
        f"/cohorts/alpha/justifications/{world.justification}/accept",
        data={"csrf_token": csrf_token(outsider.get("/").text)},
    )
    assert response.status_code == 404
    with app.app_context():
        assert db.session.get(Justification, world.justification).state == "pending"
        assert db.session.scalar(select(func.count()).select_from(Justification)) == 2


# ---------------------------------------------------------------------------------------------
# The monthly statement


def absence(trainee_id, first, last, declared, decided=None):
    return DeclaredAbsence(trainee_id, first, last, declared, decided)


def at(day: int, month: int = 1, hour: int = 12) -> datetime:
    return datetime(2022, month, day, hour, tzinfo=UTC)


def test_a_justification_is_pending_from_its_declaration_until_its_decision():
    declared = absence(1, date(2022, 1, 11), date(2022, 1, 11), at(10), at(15))
    assert [is_pending(declared, at(day)) for day in (9, 10, 14, 15, 16)] == [
        False,
        True,
        True,
        False,
        False,
    ]
    assert is_pending(absence(1, date(2022, 1, 11), date(2022, 1, 11), at(10)), at(28, 12))


def test_the_pending_justifications_are_counted_per_trainee_month_and_in_all():
    absences = [
        absence(1, date(2022, 1, 31), date(2022, 2, 1), at(10)),  # spans two months
        absence(1, date(2022, 1, 11), date(2022, 1, 11), at(10), at(12)),  # decided
        absence(2, date(2022, 1, 20), date(2022, 1, 21), at(10)),
        absence(3, date(2022, 3, 1), date(2022, 3, 1), at(25)),  # declared after the instant
    ]
    now = at(20)
    assert pending_per_trainee(absences, date(2022, 1, 1), date(2022, 1, 31), now) == {1: 1, 2: 1}
    assert pending_per_trainee(absences, date(2022, 2, 1), date(2022, 2, 28), now) == {1: 1}
    assert pending_per_month(absences, now) == {date(2022, 1, 1): 2, date(2022, 2, 1): 1}
    summary = pending_summary(absences, now)
    assert summary.total == 2  # the one spanning two months counts once
    assert (summary.of_month(date(2022, 1, 1)), summary.of_month(date(2022, 3, 1))) == (2, 0)


def statement_rows(client, as_of: str = "2022-01-20") -> dict[str, list[str]]:
    page = client.get(f"/cohorts/alpha/funding/statement?month=2022-01&as_of={as_of}&lang=en")
    assert page.status_code == 200
    rows = {row[0]: row[1:] for row in table_rows(page.text, "statement")}
    total = re.search(r"(?s)<tfoot>(.*?)</tfoot>", page.text).group(1)
    rows["Total"] = [text(c) for c in re.findall(r"(?s)<t[hd][^>]*>(.*?)</t[hd]>", total)][1:]
    return {ref: [cell.replace("\xa0", " ") for cell in cells] for ref, cells in rows.items()}


def test_the_statement_shows_justified_and_unjustified_hours_and_what_is_pending(
    app, signed_in, world, half_days, monkeypatch
):
    monkeypatch.setattr(timeutil, "utc_now", lambda: at(20, hour=10))
    officer = signed_in("officer")
    # Name, scheduled, attended, excused (justified), unjustified, not recorded, pending.
    before = statement_rows(officer)
    assert before["T01"] == ["Ada Lovelace", "10.50 h", "3.50 h", "0.00 h", "3.50 h", "3.50 h", "1"]
    assert before["T02"] == ["Alan Turing", "10.50 h", "0.00 h", "3.50 h", "0.00 h", "7.00 h", "0"]
    assert before["Total"][-1] == "1"
    # As of a day before Ada declared it, nothing was waiting.
    assert statement_rows(officer, as_of="2022-01-09")["Total"][-1] == "0"
    assert decide(signed_in("instructor"), world, "accept").status_code == 302
    after = statement_rows(officer)
    assert after["T01"] == ["Ada Lovelace", "10.50 h", "3.50 h", "7.00 h", "0.00 h", "0.00 h", "0"]
    assert after["Total"][-1] == "0"
    # The statement as of a day before the decision still shows it waiting.
    assert statement_rows(officer, as_of="2022-01-19")["T01"][-1] == "1"


def test_the_funding_and_trainee_reports_count_the_justifications_waiting(app, world):
    from tracker.reports import contents, making

    with app.app_context(), app.test_request_context("/?lang=en"):
        cohort = db.session.scalar(select(Cohort).where(Cohort.slug == "alpha"))
        ada = db.session.scalar(select(Trainee).where(Trainee.first_name == "Ada"))
        alan = db.session.scalar(select(Trainee).where(Trainee.first_name == "Alan"))
        for source, expected in [
            (contents.gather_funding(cohort, date(2022, 1, 31)), "1"),
            (contents.gather_trainee(cohort, ada, date(2022, 1, 31)), "1"),
            (contents.gather_trainee(cohort, alan, date(2022, 1, 31)), "0"),
        ]:
            html = making.render_html(source, "en", date(2022, 2, 1))
            monthly = html[html.index("Justifications waiting") :]
            row = re.search(r"(?s)<tr>\s*<th scope=\"row\">January 2022</th>(.*?)</tr>", monthly)
            cells = [text(c) for c in re.findall(r"(?s)<td[^>]*>(.*?)</td>", row.group(1))]
            assert cells[-1] == expected, source.kind
