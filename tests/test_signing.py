"""A trainee signs a half-day on their phone: the room's rotating code, the signing page, the
signature kept and the mark it gives in the draft roll call, with a frozen clock."""

import json
import math
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.signatures_data import draw_signature
from tracker import timeutil
from tracker.attendance import closing
from tracker.attendance import operations as attendance
from tracker.attendance.models import AttendanceRecord, Session
from tracker.audit.models import AuditEntry
from tracker.auth.models import User
from tracker.auth.operations import add_user
from tracker.cohorts.models import Cohort, Module, Trainee
from tracker.extensions import db
from tracker.signing import codes, operations, strokes
from tracker.signing.models import Signature
from tracker.signing.operations import SigningRefused

SECRET = "test"  # the tests' SECRET_KEY (tests/conftest.py)
SECONDS = 30

# Tuesday 11/01/2022, the day after the world's session: 09:00–12:30 and 13:30–17:00 in Paris
# (UTC+1 in January); signing opens 15 minutes before the start.
DAY = date(2022, 1, 11)
BEFORE_THE_WINDOW = datetime(2022, 1, 11, 7, 44, tzinfo=UTC)  # 08:44 in Paris
WINDOW_OPENS = datetime(2022, 1, 11, 7, 45, tzinfo=UTC)  # 08:45
ON_TIME = datetime(2022, 1, 11, 8, 2, 5, tzinfo=UTC)  # 09:02:05
TEN_MINUTES_LATE = datetime(2022, 1, 11, 8, 10, 59, tzinfo=UTC)  # 09:10:59
ELEVEN_MINUTES_LATE = datetime(2022, 1, 11, 8, 11, 0, tzinfo=UTC)  # 09:11
WINDOW_CLOSES = datetime(2022, 1, 11, 11, 30, tzinfo=UTC)  # 12:30, the end
AFTERNOON = datetime(2022, 1, 11, 12, 20, tzinfo=UTC)  # 13:20, before the start

DRAWING = json.dumps(
    [
        [[0.1, 0.5, 0], [0.2, 0.3, 16], [0.3, 0.6, 33], [0.45, 0.4, 50]],
        [[0.6, 0.5, 0], [0.8, 0.5, 20]],
    ]
)


@pytest.fixture
def clock(monkeypatch):
    """Freeze the tracker's clock at an instant (ON_TIME until set)."""

    def freeze(instant: datetime) -> None:
        monkeypatch.setattr(timeutil, "utc_now", lambda: instant)

    freeze(ON_TIME)
    return freeze


@pytest.fixture
def day(app, world, without_csrf):
    """Tuesday's half-days of cohort alpha: a classroom morning and a remote afternoon, no mark;
    and an account for T02 (Alan), the world's other trainee. Forms are sent without their CSRF
    token: these tests' point is elsewhere."""
    with app.app_context():
        alpha = db.session.scalar(select(Cohort).where(Cohort.slug == "alpha"))
        module = db.session.scalar(select(Module).where(Module.cohort_id == alpha.id))
        morning = Session(cohort_id=alpha.id, module=module, date=DAY, slot="AM", minutes=210)
        afternoon = Session(
            cohort_id=alpha.id, module=module, date=DAY, slot="PM", minutes=210, kind="remote"
        )
        db.session.add_all([morning, afternoon])
        alan = db.session.scalar(
            select(Trainee).where(Trainee.ref == "T02", Trainee.cohort == alpha)
        )
        other = add_user("alan@example.org", "trainee", "password-1", trainee=alan)
        db.session.commit()

        class Day:
            am = morning.id
            pm = afternoon.id
            t01 = db.session.scalar(
                select(Trainee.id).where(Trainee.ref == "T01", Trainee.cohort_id == alpha.id)
            )
            t02 = alan.id
            alan_account = other.id

        return Day


def code_of(session_id: int, instant: datetime) -> codes.RoomCode:
    return codes.current_code(SECRET, session_id, instant, SECONDS)


def step_at(instant: datetime) -> int:
    return math.floor(instant.timestamp() / SECONDS)


def signing_pass(page: str) -> str:
    found = re.search(r'name="signing_pass"[^>]*value="([^"]*)"', page) or re.search(
        r'value="([^"]*)"[^>]*name="signing_pass"', page
    )
    assert found, "the signing page carries no pass"
    return found.group(1)


def marks(app, session_id: int) -> dict[int, tuple]:
    with app.app_context():
        return {
            row.trainee_id: (row.status, row.minutes_missed, row.recorded_by_id)
            for row in db.session.scalars(
                select(AttendanceRecord).where(AttendanceRecord.session_id == session_id)
            )
        }


def signatures(app) -> list[Signature]:
    with app.app_context():
        rows = db.session.scalars(select(Signature).order_by(Signature.id)).all()
        db.session.expunge_all()
        return rows


def text(response) -> str:
    return response.get_data(as_text=True)


# ---------------------------------------------------------------------------------------------
# The room's code: pure functions


def test_a_code_is_six_characters_of_an_unambiguous_alphabet_and_a_token_twenty():
    code = codes.room_code(SECRET, 7, 1_000)
    assert len(code.code) == 6 and len(code.token) == 20
    assert set(code.code + code.token) <= set(codes.ALPHABET)
    assert not set("01OI") & set(codes.ALPHABET)
    assert code.spaced == f"{code.code[:3]} {code.code[3:]}"
    # Fixed for a half-day and a step, different for the next step, half-day and secret.
    assert codes.room_code(SECRET, 7, 1_000) == code
    assert codes.room_code(SECRET, 7, 1_001).code != code.code
    assert codes.room_code(SECRET, 8, 1_000).code != code.code
    assert codes.room_code("another secret", 7, 1_000).code != code.code


def test_the_time_step_is_the_unix_time_divided_by_the_seconds_rounded_down():
    instant = datetime(2022, 1, 11, 8, 2, 5, tzinfo=UTC)  # 1641888125
    assert codes.time_step(instant, 30) == 1641888125 // 30
    assert codes.time_step(instant + timedelta(seconds=24), 30) == 1641888125 // 30
    assert codes.time_step(instant + timedelta(seconds=25), 30) == 1641888125 // 30 + 1
    assert codes.step_ends(codes.time_step(instant, 30), 30) == 1641888150


def test_the_current_and_previous_steps_are_accepted_an_older_one_is_expired():
    now = ON_TIME
    step = step_at(now)
    current, previous, older = (codes.room_code(SECRET, 7, s) for s in (step, step - 1, step - 2))
    assert codes.step_of(SECRET, 7, current.code, now, SECONDS) == step
    assert codes.step_of(SECRET, 7, previous.code, now, SECONDS) == step - 1
    assert codes.step_of(SECRET, 7, previous.token, now, SECONDS) == step - 1
    assert codes.step_of(SECRET, 7, older.code, now, SECONDS) is None
    assert codes.is_expired(SECRET, 7, older.code, now, SECONDS)
    assert not codes.is_expired(SECRET, 7, current.code, now, SECONDS)
    # A code of the next step is not accepted before its time.
    upcoming = codes.room_code(SECRET, 7, step + 1)
    assert codes.step_of(SECRET, 7, upcoming.code, now, SECONDS) is None


def test_a_code_of_another_half_day_is_neither_accepted_nor_expired():
    other = code_of(8, ON_TIME)
    assert codes.step_of(SECRET, 7, other.code, ON_TIME, SECONDS) is None
    assert codes.step_of(SECRET, 7, other.token, ON_TIME, SECONDS) is None
    assert not codes.is_expired(SECRET, 7, other.code, ON_TIME, SECONDS)


def test_a_typed_code_may_be_in_small_letters_with_spaces_or_a_dash():
    code = code_of(7, ON_TIME)
    typed = f" {code.code[:3].lower()}-{code.code[3:].lower()} "
    assert codes.step_of(SECRET, 7, typed, ON_TIME, SECONDS) == step_at(ON_TIME)
    assert codes.step_of(SECRET, 7, "", ON_TIME, SECONDS) is None
    assert codes.step_of(SECRET, 7, None, ON_TIME, SECONDS) is None


def test_a_pass_reads_back_and_a_forged_one_does_not():
    issued = codes.issue_pass(SECRET, 7, 3, "abc def", ON_TIME)
    opened = codes.read_pass(SECRET, issued)
    assert opened == codes.SigningPass(7, 3, "ABCDEF", ON_TIME)
    assert codes.read_pass("another secret", issued) is None
    assert codes.read_pass(SECRET, issued[:-2] + "xx") is None
    assert codes.read_pass(SECRET, "") is None
    assert codes.read_pass(SECRET, None) is None


# ---------------------------------------------------------------------------------------------
# The operation, on SQLite and PostgreSQL


def loaded(day) -> tuple[Session, Trainee, User]:
    session = db.session.get(Session, day.am)
    trainee = db.session.get(Trainee, day.t01)
    account = db.session.scalar(select(User).where(User.email == "ada@example.org"))
    return session, trainee, account


def sign_now(day, instant, *, session_id=None, code=..., trainee_id=None, account=None, **kw):
    """Sign as Ada (T01) at an instant with the code shown then, unless told otherwise."""
    session, trainee, ada = loaded(day)
    session = db.session.get(Session, session_id) if session_id else session
    trainee = db.session.get(Trainee, trainee_id) if trainee_id else trainee
    if code is ...:
        code = code_of(session.id, instant).code
    return operations.sign(
        session,
        trainee,
        account or ada,
        kw.pop("drawing", DRAWING),
        code=code,
        address=kw.pop("address", "192.0.2.10"),
        user_agent=kw.pop("user_agent", "Mozilla/5.0 (iPhone)"),
        now=instant,
        **kw,
    )


def test_a_signature_keeps_who_when_where_the_step_and_a_digest(app, day):
    with app.app_context():
        signature = sign_now(day, ON_TIME)
        db.session.commit()
        kept = db.session.get(Signature, signature.id)
        assert (kept.session_id, kept.trainee_id) == (day.am, day.t01)
        assert kept.signed_by_id == db.session.scalar(
            select(User.id).where(User.email == "ada@example.org")
        )
        assert kept.signed_at == ON_TIME
        assert (kept.address, kept.user_agent) == ("192.0.2.10", "Mozilla/5.0 (iPhone)")
        assert kept.time_step == step_at(ON_TIME)
        assert json.loads(kept.strokes)[1] == [[0.6, 0.5, 0], [0.8, 0.5, 20]]
        fields = {
            "session_id": day.am,
            "trainee_id": day.t01,
            "signed_at": ON_TIME,
            "address": "192.0.2.10",
            "user_agent": "Mozilla/5.0 (iPhone)",
            "time_step": step_at(ON_TIME),
        }
        assert kept.digest == strokes.digest(fields, kept.strokes)


def test_the_user_agent_is_cut_to_400_characters(app, day):
    with app.app_context():
        signature = sign_now(day, ON_TIME, user_agent="x" * 1000)
        assert signature.user_agent == "x" * 400


@pytest.mark.parametrize(
    ("instant", "message"),
    [
        (BEFORE_THE_WINDOW, "Signing this half-day opens at 08:45."),
        (WINDOW_CLOSES, "Signing this half-day closed at 12:30, when it ended."),
        (datetime(2022, 1, 10, 9, 0, tzinfo=UTC), "opens on 11/01/2022 at 08:45."),
    ],
)
def test_signing_outside_the_window_is_refused(app, day, instant, message):
    with app.app_context(), pytest.raises(SigningRefused) as refused:
        sign_now(day, instant)
    assert message in refused.value.message
    assert refused.value.status == 403
    assert signatures(app) == []


def test_signing_as_the_window_opens_is_accepted(app, day):
    with app.app_context():
        assert sign_now(day, WINDOW_OPENS).signed_at == WINDOW_OPENS


def test_an_expired_code_is_refused_and_the_previous_one_accepted(app, day):
    step = step_at(ON_TIME)
    with app.app_context():
        older = codes.room_code(SECRET, day.am, step - 2).code
        with pytest.raises(SigningRefused) as refused:
            sign_now(day, ON_TIME, code=older)
        assert "This code has expired" in refused.value.message
        assert refused.value.status == 400
        previous = codes.room_code(SECRET, day.am, step - 1).code
        assert sign_now(day, ON_TIME, code=previous).time_step == step - 1


def test_a_code_read_in_time_is_checked_as_of_its_reading_for_five_minutes(app, day):
    read_at = ON_TIME
    code = code_of(day.am, read_at).code
    with app.app_context():
        with pytest.raises(SigningRefused) as refused:
            sign_now(day, read_at + timedelta(seconds=301), code=code, code_read_at=read_at)
        assert "This signing page has expired" in refused.value.message
        signed = sign_now(day, read_at + timedelta(seconds=200), code=code, code_read_at=read_at)
        assert signed.time_step == step_at(read_at)


def test_a_code_of_another_half_day_is_refused(app, day):
    with app.app_context():
        with pytest.raises(SigningRefused) as refused:
            sign_now(day, ON_TIME, code=code_of(day.pm, ON_TIME).code)
        assert "This is not the code shown in the room for this half-day" in refused.value.message
        # The world's Monday morning, shown in the same room the day before.
        with pytest.raises(SigningRefused):
            monday = db.session.scalar(select(Session.id).where(Session.date == date(2022, 1, 10)))
            sign_now(day, ON_TIME, code=code_of(monday, ON_TIME).code)
    assert signatures(app) == []


def test_a_classroom_half_day_needs_the_code(app, day):
    with app.app_context(), pytest.raises(SigningRefused) as refused:
        sign_now(day, ON_TIME, code=None)
    assert "Scan the QR code shown in the room" in refused.value.message


def test_a_remote_half_day_is_signed_without_a_code(app, day):
    with app.app_context():
        signature = sign_now(day, AFTERNOON, session_id=day.pm, code=None)
        assert signature.time_step is None
        assert signature.digest == strokes.digest(
            {
                "session_id": day.pm,
                "trainee_id": day.t01,
                "signed_at": AFTERNOON,
                "address": "192.0.2.10",
                "user_agent": "Mozilla/5.0 (iPhone)",
                "time_step": None,
            },
            signature.strokes,
        )
        db.session.commit()
    assert marks(app, day.pm)[day.t01][0] == "present"


def test_a_second_signature_is_refused(app, day):
    with app.app_context():
        sign_now(day, ON_TIME)
        db.session.commit()
        with pytest.raises(SigningRefused) as refused:
            sign_now(day, ON_TIME + timedelta(seconds=20))
        assert refused.value.message == "You have already signed this half-day, at 09:02."
        assert refused.value.status == 409
    assert len(signatures(app)) == 1


def test_two_signatures_at_the_same_instant_meet_the_unique_constraint(app, day, monkeypatch):
    from tracker.signing import queries

    with app.app_context():
        sign_now(day, ON_TIME)
        db.session.commit()
        # The other tab's check ran before this signature was written.
        monkeypatch.setattr(queries, "signature_of", lambda session, trainee: None)
        with pytest.raises(SigningRefused) as refused:
            sign_now(day, ON_TIME)
        assert refused.value.message == "You have already signed this half-day."
        db.session.rollback()
    assert len(signatures(app)) == 1


def test_a_trainee_cannot_sign_for_another(app, day):
    with app.app_context():
        with pytest.raises(SigningRefused) as refused:
            sign_now(day, ON_TIME, trainee_id=day.t02)  # Ada's account, Alan's record
        assert refused.value.message == "You can only sign for yourself, from your own account."
        instructor = db.session.scalar(select(User).where(User.email == "prof@centre.fr"))
        with pytest.raises(SigningRefused):
            sign_now(day, ON_TIME, account=instructor)
    assert signatures(app) == []


def test_a_trainee_not_expected_that_day_is_refused(app, day):
    with app.app_context():
        ada = db.session.get(Trainee, day.t01)
        ada.left_on = date(2022, 1, 10)
        db.session.commit()
        with pytest.raises(SigningRefused) as refused:
            sign_now(day, ON_TIME)
        assert "You are not expected at this half-day" in refused.value.message


def test_a_closed_roll_call_cannot_be_signed(app, day):
    with app.app_context():
        session = db.session.get(Session, day.am)
        session.closed_at = ON_TIME
        db.session.commit()
        with pytest.raises(SigningRefused) as refused:
            sign_now(day, ON_TIME)
        assert "closed: it can no longer be signed" in refused.value.message


@pytest.mark.parametrize("drawing", ["", "[]", "[[[0.1, 0.1, 0]]]", "not json", "x" * 70_000])
def test_a_drawing_that_is_not_a_signature_is_refused(app, day, drawing):
    with app.app_context(), pytest.raises(SigningRefused) as refused:
        sign_now(day, ON_TIME, drawing=drawing)
    assert refused.value.field == "strokes" and refused.value.status == 422


# ---------------------------------------------------------------------------------------------
# The mark in the draft roll call


@pytest.mark.parametrize(
    ("instant", "mark"),
    [
        (WINDOW_OPENS, ("present", 0)),
        (ON_TIME, ("present", 0)),
        (TEN_MINUTES_LATE, ("present", 0)),
        (ELEVEN_MINUTES_LATE, ("late", 11)),
        (datetime(2022, 1, 11, 10, 40, tzinfo=UTC), ("late", 160)),
    ],
)
def test_the_signature_marks_the_trainee_present_or_late(app, day, instant, mark):
    with app.app_context():
        sign_now(day, instant)
        db.session.commit()
        ada = db.session.scalar(select(User.id).where(User.email == "ada@example.org"))
    assert marks(app, day.am) == {day.t01: (*mark, ada)}


def test_the_signature_replaces_an_absence_and_raises_the_roll_calls_version(app, day):
    instructor = None
    with app.app_context():
        session = db.session.get(Session, day.am)
        instructor = db.session.scalar(select(User).where(User.email == "prof@centre.fr"))
        # The instructor took the roll call at 09:05: Ada absent, Alan present.
        attendance.record_roll_call(
            session,
            {day.t01: attendance.Mark("absent"), day.t02: attendance.Mark("present")},
            instructor,
            0,
            now=datetime(2022, 1, 11, 8, 5, tzinfo=UTC),
        )
        db.session.commit()
        seen = db.session.get(Session, day.am).roll_call_version
        sign_now(day, datetime(2022, 1, 11, 8, 25, tzinfo=UTC))
        db.session.commit()
        assert db.session.get(Session, day.am).roll_call_version == seen + 1
    stored = marks(app, day.am)
    assert stored[day.t01][:2] == ("late", 25)
    assert stored[day.t02][:2] == ("present", 0)


@pytest.mark.parametrize(
    "mark",
    [
        attendance.Mark("excused", 0, "Rendez-vous France Travail"),
        attendance.Mark("late", 40),
        attendance.Mark("left_early", 30),
        attendance.Mark("present"),
    ],
)
def test_a_mark_the_instructor_set_other_than_absent_stays(app, day, mark):
    with app.app_context():
        session = db.session.get(Session, day.am)
        instructor = db.session.scalar(select(User).where(User.email == "prof@centre.fr"))
        attendance.record_roll_call(
            session,
            {day.t01: mark, day.t02: attendance.Mark()},
            instructor,
            0,
            now=datetime(2022, 1, 11, 8, 5, tzinfo=UTC),
        )
        db.session.commit()
        seen = db.session.get(Session, day.am).roll_call_version
        sign_now(day, ELEVEN_MINUTES_LATE)
        db.session.commit()
        assert db.session.get(Session, day.am).roll_call_version == seen
        assert len(db.session.scalars(select(Signature)).all()) == 1
    status, minutes, _recorded_by = marks(app, day.am)[day.t01]
    assert (status, minutes) == (mark.status, mark.minutes_missed)


def test_the_trail_records_the_signature_and_the_mark_by_the_trainee(app, day):
    with app.app_context():
        sign_now(day, ON_TIME)
        db.session.commit()
        entries = db.session.scalars(
            select(AuditEntry)
            .where(
                AuditEntry.entity.in_(["signatures", "attendance_records"]),
                AuditEntry.parent_id == day.am,
            )
            .order_by(AuditEntry.id)
        ).all()
        ada = db.session.get(Trainee, day.t01)
    assert [(entry.entity, entry.action) for entry in entries] == [
        ("signatures", "insert"),
        ("attendance_records", "insert"),
    ]
    signed = json.loads(entries[0].after)
    assert signed["trainee_id"] == day.t01 and signed["time_step"] == step_at(ON_TIME)
    assert len(signed["digest"]) == 64
    assert json.loads(entries[1].after)["status"] == "present"
    assert entries[0].trainee_id == ada.id == entries[1].trainee_id


# ---------------------------------------------------------------------------------------------
# The trainee's pages


def test_a_trainee_scans_the_qr_code_draws_and_confirms(app, day, signed_in, clock):
    client = signed_in("trainee")
    token = code_of(day.am, ON_TIME).token
    page = client.get(f"/sign/{day.am}/{token}?lang=en")
    assert page.status_code == 200
    assert "You sign as Ada Lovelace (T01)." in text(page)
    assert "data-signature-pad" in text(page)
    clock(ON_TIME + timedelta(seconds=40))  # the code changed meanwhile: the page's pass holds
    response = client.post(
        f"/sign/{day.am}?lang=en",
        data={"signing_pass": signing_pass(text(page)), "strokes": DRAWING},
        headers={"User-Agent": "Mozilla/5.0 (Linux; Android 14)"},
    )
    assert response.status_code == 302 and response.location.endswith("/")
    (kept,) = signatures(app)
    assert (kept.trainee_id, kept.time_step) == (day.t01, step_at(ON_TIME))
    assert kept.signed_at == ON_TIME + timedelta(seconds=40)
    assert (kept.address, kept.user_agent) == ("127.0.0.1", "Mozilla/5.0 (Linux; Android 14)")
    home = text(client.get("/?lang=en"))
    assert "Your signature of Tuesday 11/01/2022, morning is recorded, at 09:02." in home
    assert "Signed at 09:02" in home
    assert marks(app, day.am)[day.t01][:2] == ("present", 0)


def test_a_trainee_types_the_code_on_the_home_page(app, day, signed_in, clock):
    client = signed_in("trainee")
    home = text(client.get("/?lang=en"))
    assert "Tuesday 11/01/2022, morning" in home
    assert 'name="code"' in home and 'action="/sign"' in home
    code = code_of(day.am, ON_TIME).code
    page = client.get(f"/sign?code={code[:3].lower()}+{code[3:]}&lang=en")
    assert page.status_code == 200
    response = client.post(
        f"/sign/{day.am}", data={"signing_pass": signing_pass(text(page)), "strokes": DRAWING}
    )
    assert response.status_code == 302
    assert [s.trainee_id for s in signatures(app)] == [day.t01]


@pytest.mark.parametrize(
    ("instant", "status", "message"),
    [
        (BEFORE_THE_WINDOW, 403, "No half-day is open for signing now."),
        (WINDOW_CLOSES, 403, "No half-day is open for signing now."),
    ],
)
def test_a_typed_code_outside_the_window_is_refused(
    app, day, signed_in, clock, instant, status, message
):
    clock(instant)
    client = signed_in("trainee")
    response = client.get(f"/sign?code={code_of(day.am, instant).code}&lang=en")
    assert response.status_code == status
    assert message in text(response)
    home = text(client.get("/?lang=en"))
    assert "No half-day is open for signing now." in home
    if instant == BEFORE_THE_WINDOW:
        assert "Signing of Tuesday 11/01/2022, morning opens at 08:45." in home


@pytest.mark.parametrize(
    ("instant", "message"),
    [
        (BEFORE_THE_WINDOW, "Signing this half-day opens at 08:45."),
        (WINDOW_CLOSES, "Signing this half-day closed at 12:30, when it ended."),
    ],
)
def test_the_qr_code_outside_the_window_is_refused(app, day, signed_in, clock, instant, message):
    clock(instant)
    response = signed_in("trainee").get(f"/sign/{day.am}/{code_of(day.am, instant).token}?lang=en")
    assert response.status_code == 403
    assert message in text(response)
    assert "<h1>Not allowed</h1>" in text(response)


def test_an_expired_or_wrong_code_is_refused_with_the_reason(app, day, signed_in, clock):
    client = signed_in("trainee")
    older = codes.room_code(SECRET, day.am, step_at(ON_TIME) - 2)
    for url in (f"/sign?code={older.code}", f"/sign/{day.am}/{older.token}"):
        response = client.get(url + ("&" if "?" in url else "?") + "lang=en")
        assert response.status_code == 400
        assert "This code has expired: scan the QR code again" in text(response)
    previous = codes.room_code(SECRET, day.am, step_at(ON_TIME) - 1)
    assert client.get(f"/sign/{day.am}/{previous.token}").status_code == 200
    for url in ("/sign?code=ZZZZZZ", f"/sign/{day.am}/{code_of(day.pm, ON_TIME).token}"):
        response = client.get(url + ("&" if "?" in url else "?") + "lang=en")
        assert response.status_code == 400
        assert "This is not the code shown in the room for this half-day" in text(response)
    response = client.get("/sign?code=&lang=en")
    assert response.status_code == 400
    assert "Type the code shown in the room." in text(response)


def test_a_page_opened_more_than_five_minutes_ago_must_be_opened_again(app, day, signed_in, clock):
    client = signed_in("trainee")
    page = client.get(f"/sign/{day.am}/{code_of(day.am, ON_TIME).token}")
    clock(ON_TIME + timedelta(minutes=6))
    response = client.post(
        f"/sign/{day.am}?lang=en",
        data={"signing_pass": signing_pass(text(page)), "strokes": DRAWING},
    )
    assert response.status_code == 400
    assert "This signing page has expired" in text(response)
    assert signatures(app) == []


def test_a_second_signature_is_refused_on_the_page(app, day, signed_in, clock):
    client = signed_in("trainee")
    url = f"/sign/{day.am}/{code_of(day.am, ON_TIME).token}"
    page = client.get(url)
    data = {"signing_pass": signing_pass(text(page)), "strokes": DRAWING}
    assert client.post(f"/sign/{day.am}", data=data).status_code == 302
    again = client.post(f"/sign/{day.am}?lang=en", data=data)
    assert again.status_code == 409
    assert "You have already signed this half-day, at 09:02." in text(again)
    opened = client.get(url + "?lang=en")
    assert opened.status_code == 409
    assert len(signatures(app)) == 1


def test_a_trainee_cannot_sign_for_another_from_the_page(app, day, signed_in, login_as, clock):
    # Alan opens the page in the room and hands his pass to Ada; Ada's account cannot use it.
    with app.app_context():
        alan = login_as(app.test_client(), db.session.get(User, day.alan_account))
    alans_page = alan.get(f"/sign/{day.am}/{code_of(day.am, ON_TIME).token}")
    ada = signed_in("trainee")
    response = ada.post(
        f"/sign/{day.am}?lang=en",
        data={"signing_pass": signing_pass(text(alans_page)), "strokes": DRAWING},
    )
    assert response.status_code == 403
    assert "You can only sign for yourself" in text(response)
    assert signatures(app) == []
    # A trainee id slipped into the form is ignored: Ada signs for herself.
    page = ada.get(f"/sign/{day.am}/{code_of(day.am, ON_TIME).token}")
    ada.post(
        f"/sign/{day.am}",
        data={"signing_pass": signing_pass(text(page)), "strokes": DRAWING, "trainee_id": day.t02},
    )
    assert [s.trainee_id for s in signatures(app)] == [day.t01]


def test_a_forged_pass_is_refused(app, day, signed_in, clock):
    forged = codes.issue_pass(
        "not the secret", day.am, day.t01, code_of(day.am, ON_TIME).code, ON_TIME
    )
    response = signed_in("trainee").post(
        f"/sign/{day.am}?lang=en", data={"signing_pass": forged, "strokes": DRAWING}
    )
    assert response.status_code == 400
    assert "This signing page cannot be read" in text(response)


def test_a_classroom_half_day_is_not_signed_without_its_code(app, day, signed_in, clock):
    client = signed_in("trainee")
    response = client.get(f"/sign/{day.am}?lang=en")
    assert response.status_code == 400
    assert "Scan the QR code shown in the room" in text(response)
    response = client.post(f"/sign/{day.am}?lang=en", data={"strokes": DRAWING})
    assert response.status_code == 400
    assert signatures(app) == []


def test_a_remote_half_day_is_signed_from_the_home_page_without_a_code(app, day, signed_in, clock):
    clock(AFTERNOON)
    client = signed_in("trainee")
    home = text(client.get("/?lang=en"))
    assert "Remote: sign without a code, until 17:00." in home
    assert f'href="/sign/{day.pm}"' in home
    assert 'name="code"' not in home
    assert client.get(f"/sign/{day.pm}").status_code == 200
    response = client.post(f"/sign/{day.pm}", data={"strokes": DRAWING})
    assert response.status_code == 302
    (kept,) = signatures(app)
    assert (kept.session_id, kept.time_step) == (day.pm, None)


def test_an_empty_drawing_shows_the_page_again_with_the_reason(app, day, signed_in, clock):
    client = signed_in("trainee")
    page = client.get(f"/sign/{day.am}/{code_of(day.am, ON_TIME).token}")
    response = client.post(
        f"/sign/{day.am}?lang=en", data={"signing_pass": signing_pass(text(page)), "strokes": ""}
    )
    assert response.status_code == 422
    assert "Draw your signature in the box first." in text(response)
    # The page keeps its pass: drawing again signs.
    retry = client.post(
        f"/sign/{day.am}",
        data={"signing_pass": signing_pass(text(response)), "strokes": DRAWING},
    )
    assert retry.status_code == 302


def test_a_trainee_not_expected_is_refused_on_the_page(app, day, signed_in, clock):
    with app.app_context():
        db.session.get(Trainee, day.t01).enrolled_on = date(2022, 1, 12)
        db.session.commit()
    response = signed_in("trainee").get(f"/sign/{day.am}/{code_of(day.am, ON_TIME).token}?lang=en")
    assert response.status_code == 403
    assert "You are not expected at this half-day" in text(response)


def test_another_cohorts_half_day_is_not_found(app, day, signed_in, clock):
    with app.app_context():
        beta = db.session.scalar(select(Cohort).where(Cohort.slug == "beta"))
        module = Module(cohort_id=beta.id, code="B1", title="Bases", planned_minutes=600)
        session = Session(cohort_id=beta.id, module=module, date=DAY, slot="AM", minutes=210)
        db.session.add_all([module, session])
        db.session.commit()
        other = session.id
    client = signed_in("trainee")
    assert client.get(f"/sign/{other}/{code_of(other, ON_TIME).token}").status_code == 404
    assert client.post(f"/sign/{other}", data={"strokes": DRAWING}).status_code == 404
    response = client.get(f"/sign?code={code_of(other, ON_TIME).code}")
    assert response.status_code == 400  # not a code of the trainee's half-days


# ---------------------------------------------------------------------------------------------
# The projector


def test_the_projector_shows_the_code_the_qr_code_and_the_count(app, day, signed_in, clock):
    client = signed_in("instructor")
    page = text(client.get(f"/cohorts/alpha/sessions/{day.am}/projector?lang=en"))
    code = code_of(day.am, ON_TIME)
    assert code.spaced in page
    assert f'data-signing-url="http://localhost/sign/{day.am}/{code.token}"' in page
    assert 'src="data:image/svg+xml' in page
    assert "0 of 2 expected trainees have signed." in page
    assert "<script" not in page.replace('<script src="/static/projector.js" defer></script>', "")
    state = client.get(f"/cohorts/alpha/sessions/{day.am}/projector/state?lang=en").get_json()
    assert (state["state"], state["code"], state["signed"], state["expected"]) == (
        "open",
        code.code,
        0,
        2,
    )
    assert state["url"] == f"http://localhost/sign/{day.am}/{code.token}"
    assert state["qr"].startswith("data:image/svg+xml")
    assert state["changes_in"] == 25.0  # 09:02:05: the code changes at 09:02:30


def test_the_projectors_state_follows_the_code_and_the_signatures(app, day, signed_in, clock):
    client = signed_in("instructor")
    url = f"/cohorts/alpha/sessions/{day.am}/projector/state?lang=en"
    first = client.get(url).get_json()
    trainee = signed_in("trainee")
    page = trainee.get(f"/sign/{day.am}/{first['url'].rsplit('/', 1)[1]}")
    trainee.post(
        f"/sign/{day.am}", data={"signing_pass": signing_pass(text(page)), "strokes": DRAWING}
    )
    clock(ON_TIME + timedelta(seconds=30))
    second = client.get(url).get_json()
    assert second["code"] != first["code"]
    assert second["code"] == code_of(day.am, ON_TIME + timedelta(seconds=30)).code
    assert (second["signed"], second["count"]) == (1, "1 of 2 expected trainees has signed.")


@pytest.mark.parametrize(
    ("instant", "state", "message"),
    [
        (
            BEFORE_THE_WINDOW,
            "before",
            "Signing opens at 08:45, 15 minutes before the start (09:00).",
        ),
        (WINDOW_CLOSES, "after", "Signing closed at 12:30, when the half-day ended."),
    ],
)
def test_the_projector_says_when_the_window_opens_or_closed(
    app, day, signed_in, clock, instant, state, message
):
    clock(instant)
    client = signed_in("instructor")
    page = text(client.get(f"/cohorts/alpha/sessions/{day.am}/projector?lang=en"))
    assert message in page
    assert "data-signing-url" not in page
    answer = client.get(f"/cohorts/alpha/sessions/{day.am}/projector/state").get_json()
    assert answer["state"] == state and "code" not in answer and "qr" not in answer


def test_the_projector_of_a_closed_roll_call_shows_no_code(app, day, signed_in, clock):
    with app.app_context():
        db.session.get(Session, day.am).closed_at = ON_TIME
        db.session.commit()
    answer = signed_in("instructor").get(f"/cohorts/alpha/sessions/{day.am}/projector/state")
    assert answer.get_json()["state"] == "closed"


def test_the_roll_call_leads_to_the_projector(app, day, signed_in, clock):
    page = text(signed_in("instructor").get(f"/cohorts/alpha/sessions/{day.am}/roll-call?lang=en"))
    assert f'href="/cohorts/alpha/sessions/{day.am}/projector"' in page


def test_an_instructors_open_roll_call_is_told_of_a_signature(app, day, signed_in, clock):
    from tests.test_roll_call import roll_call_data, trainee_ids

    instructor = signed_in("instructor")
    with app.app_context():
        seen = db.session.get(Session, day.am).roll_call_version
    trainee = signed_in("trainee")
    page = trainee.get(f"/sign/{day.am}/{code_of(day.am, ON_TIME).token}")
    trainee.post(
        f"/sign/{day.am}", data={"signing_pass": signing_pass(text(page)), "strokes": DRAWING}
    )
    # The instructor's page, drawn before, marks Ada absent: refused, her line shown changed.
    ids = trainee_ids(app)
    response = instructor.post(
        f"/cohorts/alpha/sessions/{day.am}/roll-call?lang=en",
        data=roll_call_data(
            {"T01": ids["T01"], "T02": ids["T02"]}, {"T01": ("absent", "", "")}, seen
        ),
    )
    assert response.status_code == 409
    assert "Someone else saved this roll call" in text(response)
    assert marks(app, day.am)[day.t01][0] == "present"


def test_closing_refuses_then_signing_is_over(app, day, clock):
    with app.app_context():
        instructor_id = db.session.scalar(select(User.id).where(User.email == "prof@centre.fr"))
    draw_signature(app, instructor_id)
    with app.app_context():
        session = db.session.get(Session, day.am)
        instructor = db.session.get(User, instructor_id)
        sign_now(day, ON_TIME)
        attendance.record_roll_call(
            session,
            {day.t01: attendance.Mark("present"), day.t02: attendance.Mark("absent")},
            instructor,
            session.roll_call_version,
            now=WINDOW_CLOSES,
        )
        closing.close_roll_call(session, instructor, WINDOW_CLOSES)
        db.session.commit()
        with pytest.raises(SigningRefused):
            sign_now(day, WINDOW_CLOSES - timedelta(minutes=1))


@pytest.mark.parametrize("typed", ["é", "ÀBC DÉF", "٣٤٥٦٧٨", "\u00a0ABC"])
def test_a_code_with_letters_outside_the_alphabet_is_refused_not_a_failure(
    app, day, signed_in, clock, typed
):
    client = signed_in("trainee")
    response = client.get("/sign", query_string={"code": typed, "lang": "en"})
    assert response.status_code == 400
    assert "This is not the code shown in the room" in text(response)
    response = client.get(f"/sign/{day.am}/{typed}", query_string={"lang": "en"})
    assert response.status_code == 400


def test_a_roll_call_closed_while_signing_refuses_the_signature(app, day, monkeypatch):
    with app.app_context():
        # Closed between the checks and the mark: the guard of closed roll calls refuses it.
        monkeypatch.setattr(operations, "check_may_sign", lambda *args: None)
        db.session.get(Session, day.am).closed_at = ON_TIME
        db.session.commit()
        with pytest.raises(SigningRefused) as refused:
            sign_now(day, ON_TIME)
        assert "closed: it can no longer be signed" in refused.value.message
        db.session.rollback()
    assert signatures(app) == []


def test_a_trainee_account_without_a_trainee_record_is_told_so(app, day, login_as, clock):
    with app.app_context():
        # The trainee record it was linked to was deleted (the link is then emptied).
        grace = db.session.scalar(select(Trainee).where(Trainee.first_name == "Grace"))
        account = add_user("grace@example.org", "trainee", "password-1", trainee=grace)
        db.session.flush()
        account.trainee_id = None
        db.session.commit()
        client = login_as(app.test_client(), account)
    for url in ("/sign?code=ABCDEF&lang=en", f"/sign/{day.am}/ABCDEF?lang=en"):
        response = client.get(url)
        assert response.status_code == 403
        assert "Your account is not linked to a trainee yet." in text(response)
