"""The roll call follows the signatures: who signed and when, paper weeks, the marks that
disagree with the signatures, saves while trainees sign, and the closing countersigned with the
instructor's drawn signature (the page "My signature")."""

import json
import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import delete, event, select

from tests.signatures_data import DRAWN, draw_signature, sign, upload_paper_sheet
from tracker import timeutil
from tracker.attendance import closing
from tracker.attendance.models import AttendanceRecord, Session
from tracker.attendance.operations import Mark
from tracker.audit.models import AuditEntry
from tracker.cohorts.models import Cohort, Module, Trainee
from tracker.extensions import db
from tracker.signing import countersigning, strokes
from tracker.signing import roll_call as signed
from tracker.signing.models import Countersignature, DrawnSignature, PaperSheet

pytestmark = pytest.mark.usefixtures("without_csrf")

# The world's session: Monday 10/01/2022, morning, 09:00–12:30 in Paris (UTC+1).
AFTER_THE_HALF_DAY = datetime(2022, 1, 10, 12, 0, tzinfo=UTC)  # 13:00 in Paris
SIGNED_AT_0904 = datetime(2022, 1, 10, 8, 4, tzinfo=UTC)


@pytest.fixture(autouse=True)
def signed_on_screen(request):
    """The test world keeps the paper sheet of its session's week; these tests have the week
    signed on screen, and add a paper sheet where they test one."""
    if "world" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    request.getfixturevalue("world")
    with app.app_context():
        db.session.execute(delete(PaperSheet))
        db.session.commit()


@pytest.fixture
def clock(monkeypatch):
    """Freeze the tracker's clock at an instant (AFTER_THE_HALF_DAY until set)."""

    def freeze(instant: datetime) -> None:
        monkeypatch.setattr(timeutil, "utc_now", lambda: instant)

    freeze(AFTER_THE_HALF_DAY)
    return freeze


def url(world, session_id=None, lang="en") -> str:
    return f"/cohorts/alpha/sessions/{session_id or world.session}/roll-call?lang={lang}"


def ids(app) -> dict[str, int]:
    with app.app_context():
        return dict(
            db.session.execute(
                select(Trainee.ref, Trainee.id).join(Cohort).where(Cohort.slug == "alpha")
            ).all()
        )


def alpha_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(Cohort.id).where(Cohort.slug == "alpha"))


def line(page: str, trainee_id: int) -> str:
    """The HTML of one trainee's line of the roll call."""
    match = re.search(rf'<li id="line-{trainee_id}".*?</li>', page, re.S)
    assert match, f"no line for trainee {trainee_id}"
    return match.group(0)


def text(html: str) -> str:
    """Read HTML as text, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def stored_marks(app, session_id) -> dict[int, tuple]:
    with app.app_context():
        rows = db.session.execute(
            select(
                AttendanceRecord.trainee_id,
                AttendanceRecord.status,
                AttendanceRecord.minutes_missed,
                AttendanceRecord.note,
            ).where(AttendanceRecord.session_id == session_id)
        ).all()
        return {row[0]: tuple(row[1:]) for row in rows}


def set_mark(app, session_id, trainee_id, status, note=None, minutes=0) -> None:
    with app.app_context():
        record = db.session.scalar(
            select(AttendanceRecord).where(
                AttendanceRecord.session_id == session_id,
                AttendanceRecord.trainee_id == trainee_id,
            )
        )
        record.status, record.note, record.minutes_missed = status, note, minutes
        db.session.commit()


def countersignature_of(app, session_id) -> Countersignature | None:
    with app.app_context():
        row = db.session.scalar(
            select(Countersignature).where(Countersignature.session_id == session_id)
        )
        db.session.expunge_all()
        return row


def closed_at(app, session_id):
    with app.app_context():
        return db.session.get(Session, session_id).closed_at


# ---------------------------------------------------------------------------------------------
# What the roll call shows


def test_the_roll_call_shows_who_signed_when_and_who_did_not(app, world, signed_in, clock):
    t = ids(app)
    sign(app, world.session, t["T01"], SIGNED_AT_0904)
    page = signed_in("instructor").get(url(world)).text
    first, second = line(page, t["T01"]), line(page, t["T02"])
    # The time in Paris, and the drawing placed in the page (no request for an image).
    assert "Signed at 09:04" in first
    assert re.search(
        r'<svg [^>]*role="img"><title>Signature of Ada Lovelace</title><path d="M', first
    )
    assert "Not signed" in second and "<svg" not in second
    assert "1 of 2 trainees signed." in page
    # Screen readers hear it with the line.
    assert f"line-{t['T01']}-signature" in re.search(r"<fieldset[^>]*>", first).group(0)
    # Paris time in French too (the winter's UTC+1).
    french = signed_in("instructor").get(url(world, lang="fr")).text
    assert "09:04" in line(french, t["T01"])


def test_a_week_signed_on_paper_says_so_and_flags_nothing(app, world, signed_in, clock):
    t = ids(app)
    upload_paper_sheet(app, alpha_id(app), date(2022, 1, 3))  # the week before: no effect
    page = signed_in("instructor").get(url(world)).text
    assert "Not signed" in line(page, t["T01"])
    assert "Marked present without a signature." in line(page, t["T01"])

    upload_paper_sheet(app, alpha_id(app), date(2022, 1, 10))
    page = signed_in("instructor").get(url(world)).text
    assert "Signed on paper" in line(page, t["T01"])
    assert "this half-day is signed on paper" in page
    assert 'class="disagreement' not in page


def test_the_disagreements_are_flagged_on_their_lines_in_words(app, world, signed_in, clock):
    t = ids(app)
    # T01 present without signing; T02 excused (with its reason) but signed.
    sign(app, world.session, t["T02"], SIGNED_AT_0904)
    page = signed_in("instructor").get(url(world)).text
    first, second = text(line(page, t["T01"])), text(line(page, t["T02"]))
    assert (
        "To explain: Marked present without a signature. Write the reason in the note before "
        "closing." in first
    )
    assert "Signed but marked absent. Reason given in the note." in second
    assert "To explain" not in second
    assert "2 marks disagree with the signatures: 1 has no reason yet" in text(page)
    # The note of a line to explain is shown whatever its status (the stylesheet hides it else).
    assert 'class="note-field needed' in line(page, t["T01"])


def test_the_signatures_are_read_in_one_query_whatever_the_number_of_trainees(
    app, login_as, make_user, clock
):
    from tests.test_roll_call import cohort_of

    with app.app_context():
        admin = make_user("admin")
        db.session.commit()
    client = login_as(app.test_client(), admin)
    counts = {}
    for size in (3, 30):
        slug, session_id, trainees = cohort_of(app, size)
        for trainee_id in trainees:
            sign(app, session_id, trainee_id, SIGNED_AT_0904, ("present", 0))
        page_url = f"/cohorts/{slug}/sessions/{session_id}/roll-call?lang=en"
        client.get(page_url)  # the sign-in's housekeeping, out of the way
        statements = []

        def count(conn, cursor, statement, parameters, context, executemany, seen=statements):
            seen.append(statement)

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", count)
        try:
            page = client.get(page_url).text
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert f"{size} of {size} trainees signed." in page
        assert page.count("Signed at 09:04") == size
        assert sum(1 for s in statements if re.search(r"FROM signatures\b", s)) == 1
        counts[size] = len(statements)
    assert counts[3] == counts[30]


# ---------------------------------------------------------------------------------------------
# Closing: disagreements need a reason, and the instructor countersigns


def close(client, world, **kwargs):
    return client.post(
        f"/cohorts/alpha/sessions/{world.session}/roll-call/close?lang=en",
        data={"confirm": "y"},
        **kwargs,
    )


def test_closing_is_refused_while_a_disagreement_has_no_reason_and_names_the_trainees(
    app, world, signed_in, clock
):
    t = ids(app)
    draw_signature(app, world.accounts["instructor"])
    client = signed_in("instructor")
    refused = close(client, world)
    assert refused.status_code == 409
    assert (
        "The mark of T01 Ada Lovelace disagrees with the signatures: write the reason in its "
        "note and save the roll call before closing it." in refused.text
    )
    # Two: T02 signed but is marked absent, without a reason.
    sign(app, world.session, t["T02"], SIGNED_AT_0904)
    set_mark(app, world.session, t["T02"], "absent")
    refused = close(client, world)
    assert refused.status_code == 409
    assert (
        "The marks of 2 trainees disagree with the signatures (T01 Ada Lovelace, T02 Alan "
        "Turing)" in refused.text
    )
    assert closed_at(app, world.session) is None
    assert countersignature_of(app, world.session) is None


def test_a_draft_keeps_disagreements_and_their_reasons_let_it_close(app, world, signed_in, clock):
    t = ids(app)
    draw_signature(app, world.accounts["instructor"])
    client = signed_in("instructor")
    with app.app_context():
        version = db.session.get(Session, world.session).roll_call_version
    data = {
        "version": str(version),
        f"t{t['T01']}-status": "present",
        f"t{t['T01']}-note": "",
        f"t{t['T02']}-status": "excused",
        f"t{t['T02']}-note": "Rendez-vous France Travail",
    }
    # A save may keep the disagreement: it is a draft (as recorded already: nothing changes, and
    # the roll call's version stays).
    assert client.post(url(world), data=data).status_code == 302
    data |= {"version": str(version), f"t{t['T01']}-note": "Phone flat, signed the paper"}
    assert client.post(url(world), data=data).status_code == 302
    page = client.get(url(world)).text
    assert "Marked present without a signature. Reason given in the note." in text(
        line(page, t["T01"])
    )
    response = close(client, world)
    assert response.status_code == 302
    assert closed_at(app, world.session) == AFTER_THE_HALF_DAY


@pytest.mark.parametrize("who", ["instructor", "admin"])
def test_closing_writes_the_countersignature_with_a_verifiable_digest(
    app, world, signed_in, clock, who
):
    t = ids(app)
    sign(app, world.session, t["T01"], SIGNED_AT_0904)
    draw_signature(app, world.accounts[who])
    client = signed_in(who)
    page = client.get(url(world)).text
    close_section = page[page.index('id="close"') :]
    assert "<title>Your signature, drawn on 03/01/2022 01:00</title>" in close_section
    assert "I countersign" in close_section
    response = close(
        client,
        world,
        environ_base={"REMOTE_ADDR": "203.0.113.9"},
        headers={"User-Agent": "Firefox/128.0 (test)"},
    )
    assert response.status_code == 302
    countersignature = countersignature_of(app, world.session)
    name = {"instructor": "Olivier Prof", "admin": "Claire Admin"}[who]
    assert countersignature.signed_by_id == world.accounts[who]
    assert countersignature.signer_name == name
    assert countersignature.signed_at == AFTER_THE_HALF_DAY == closed_at(app, world.session)
    assert countersignature.address == "203.0.113.9"
    assert countersignature.user_agent == "Firefox/128.0 (test)"
    assert countersignature.strokes == DRAWN
    fields = {
        "session_id": world.session,
        "signed_by_id": world.accounts[who],
        "signer_name": name,
        "signed_at": AFTER_THE_HALF_DAY,
        "address": "203.0.113.9",
        "user_agent": "Firefox/128.0 (test)",
    }
    assert countersignature.digest == strokes.digest(fields, DRAWN)
    assert countersigning.is_intact(countersignature)
    # In the trail, in the same transaction as the closing.
    with app.app_context():
        written = db.session.scalar(
            select(AuditEntry).where(AuditEntry.entity == "countersignatures")
        )
        assert written.action == "insert" and written.actor == name
        assert json.loads(written.after)["digest"] == countersignature.digest
    # The closed roll call shows it: who, when, the drawing.
    page = client.get(url(world)).text
    closed = page[
        page.index('id="closed-state"') : page.index("</section>", page.index('id="closed-state"'))
    ]
    assert f"Countersigned by {name} on 10/01/2022 13:00." in text(closed)
    assert f"<title>Countersignature of {name}</title>" in closed


def test_a_changed_countersignature_no_longer_matches_its_digest(app, world, signed_in, clock):
    sign(app, world.session, ids(app)["T01"], SIGNED_AT_0904)
    draw_signature(app, world.accounts["instructor"])
    assert close(signed_in("instructor"), world).status_code == 302
    countersignature = countersignature_of(app, world.session)
    countersignature.signer_name = "Someone Else"
    assert not countersigning.is_intact(countersignature)


def test_closing_needs_a_drawn_signature_and_points_to_my_signature(app, world, signed_in, clock):
    sign(app, world.session, ids(app)["T01"], SIGNED_AT_0904)
    client = signed_in("instructor")
    page = client.get(url(world)).text
    close_section = page[page.index('id="close"') :]
    assert "Draw my signature first" in close_section
    assert (
        f'href="/my-signature?next=/cohorts/alpha/sessions/{world.session}/roll-call%23close"'
        in close_section
    )
    assert 'name="confirm"' not in close_section
    refused = close(client, world)
    assert refused.status_code == 409
    assert "Draw your signature once on the page “My signature” before closing" in refused.text
    assert closed_at(app, world.session) is None
    assert countersignature_of(app, world.session) is None


def test_the_automatic_closing_countersigns_nothing(app, world, signed_in, clock):
    app.config["ROLL_CALL_CLOSES_AFTER_DAYS"] = 7
    draw_signature(app, world.accounts["instructor"])
    clock(datetime(2022, 1, 20, 10, 0, tzinfo=UTC))
    page = signed_in("instructor").get(url(world)).text
    assert "Closed automatically on" in page
    assert "Countersigned by" not in page
    assert countersignature_of(app, world.session) is None


def test_reopening_keeps_the_countersignature_and_the_next_closing_replaces_it(
    app, world, signed_in, clock
):
    sign(app, world.session, ids(app)["T01"], SIGNED_AT_0904)
    draw_signature(app, world.accounts["instructor"])
    draw_signature(app, world.accounts["admin"])
    assert close(signed_in("instructor"), world).status_code == 302
    first = countersignature_of(app, world.session)
    admin = signed_in("admin")
    reopened = admin.post(url(world).replace("?", "/reopen?"), data={"reason": "Wrong trainee"})
    assert reopened.status_code == 302
    # Kept as it was, but no longer shown: it vouched for a closing that is undone.
    assert countersignature_of(app, world.session).digest == first.digest
    page = admin.get(url(world)).text
    assert "Countersigned by" not in page
    with app.app_context():
        assert countersigning.of_closing(db.session.get(Session, world.session)) is None

    later = datetime(2022, 1, 11, 9, 0, tzinfo=UTC)
    clock(later)
    assert close(admin, world).status_code == 302
    second = countersignature_of(app, world.session)
    assert second.id == first.id
    assert (second.signer_name, second.signed_at) == ("Claire Admin", later)
    assert second.digest != first.digest and countersigning.is_intact(second)
    # The trail keeps the first one.
    with app.app_context():
        entries = db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity == "countersignatures")
            .order_by(AuditEntry.id)
        ).all()
        assert [entry.action for entry in entries] == ["insert", "update"]
        assert json.loads(entries[1].before)["signer_name"] == "Olivier Prof"
    assert "Countersigned by Claire Admin on 11/01/2022 10:00." in text(admin.get(url(world)).text)

    # Reopened again, then closed by the tracker: the old countersignature is not shown.
    app.config["ROLL_CALL_CLOSES_AFTER_DAYS"] = 7
    assert (
        admin.post(url(world).replace("?", "/reopen?"), data={"reason": "Check"}).status_code == 302
    )
    clock(datetime(2022, 1, 19, 9, 0, tzinfo=UTC))
    page = admin.get(url(world)).text
    assert "Closed automatically on" in page and "Countersigned by" not in page


# ---------------------------------------------------------------------------------------------
# The page "My signature"


def test_my_signature_is_drawn_once_then_drawn_again(app, world, signed_in):
    client = signed_in("instructor")
    page = client.get("/my-signature?lang=en").text
    assert "Draw your signature" in page
    assert "signature-pad.js" in page and "data-signature-pad" in page
    back = f"/cohorts/alpha/sessions/{world.session}/roll-call#close"
    saved = client.post(f"/my-signature?next={back.replace('#', '%23')}", data={"strokes": DRAWN})
    assert saved.status_code == 302
    assert saved.headers["Location"] == back
    with app.app_context():
        drawn = db.session.scalar(select(DrawnSignature))
        assert (drawn.user_id, drawn.strokes) == (world.accounts["instructor"], DRAWN)
    page = client.get("/my-signature?lang=en").text
    assert "Draw it again" in page and "<title>Your signature</title>" in page

    again = strokes.stored(
        [[[0.2, 0.2, 0], [0.4, 0.8, 20], [0.6, 0.2, 40], [0.8, 0.8, 60], [0.9, 0.5, 80]]]
    )
    assert client.post("/my-signature", data={"strokes": again}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(db.func.count(DrawnSignature.id))) == 1
        assert db.session.scalar(select(DrawnSignature.strokes)) == again
        trail = db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity == "drawn_signatures")
            .order_by(AuditEntry.id)
        ).all()
        assert [entry.action for entry in trail] == ["insert", "update"]
        assert trail[0].actor == "Olivier Prof"


@pytest.mark.parametrize(
    ("drawing", "message"),
    [
        ("", "Draw your signature in the box first."),
        ("[[[0.1, 0.1, 0]]]", "Draw your signature in the box first."),
        ("not a drawing", "This signature could not be read: draw it again."),
        ('{"x": 1}', "This signature could not be read: draw it again."),
        (
            "[[[2, 0.5, 0], [0.1, 0.1, 1], [0.1, 0.1, 2], [0.1, 0.1, 3], [0.1, 0.1, 4]]]",
            "This signature could not be read: draw it again.",
        ),
        (
            json.dumps([[[0.5, 0.5, n] for n in range(6000)]]),
            "This signature is too large: clear it and draw it again.",
        ),
    ],
)
def test_my_signature_refuses_what_is_not_a_signature(app, world, signed_in, drawing, message):
    response = signed_in("instructor").post("/my-signature?lang=en", data={"strokes": drawing})
    assert response.status_code == 400
    assert message in response.text
    assert 'role="alert"' in response.text
    with app.app_context():
        assert db.session.scalar(select(db.func.count(DrawnSignature.id))) == 0


def test_my_signature_goes_back_only_within_the_site(app, world, signed_in):
    response = signed_in("admin").post(
        "/my-signature?next=https://evil.example/", data={"strokes": DRAWN}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/my-signature"


def test_my_signature_needs_the_page_csrf_token(app, world, signed_in):
    app.config["WTF_CSRF_ENABLED"] = True
    client = signed_in("instructor")
    assert client.post("/my-signature", data={"strokes": DRAWN}).status_code == 400
    with app.app_context():
        assert db.session.scalar(select(db.func.count(DrawnSignature.id))) == 0


# ---------------------------------------------------------------------------------------------
# Saving the roll call while trainees sign


@pytest.fixture
def signing_morning(app, world, clock):
    """Tuesday 11/01/2022's morning, not taken yet, at 09:20 in Paris: trainees are signing."""
    with app.app_context():
        alpha = db.session.scalar(select(Cohort).where(Cohort.slug == "alpha"))
        module = db.session.scalar(select(Module).where(Module.cohort_id == alpha.id))
        session = Session(cohort_id=alpha.id, module=module, date=date(2022, 1, 11), slot="AM")
        db.session.add(session)
        db.session.commit()
        session_id = session.id
    clock(datetime(2022, 1, 11, 8, 20, tzinfo=UTC))
    return session_id


def opened(client, page_url: str) -> dict:
    """Open a page; return its hidden fields as a browser sends them back."""
    from html import unescape

    page = client.get(page_url).text
    return {
        name: unescape(value)
        for name, value in re.findall(r'name="(\w+)" type="hidden" value="([^"]*)"', page)
    }


def lines(t, marks: dict) -> dict:
    """The form's lines: everyone present except the marks given as ref -> (status, minutes)."""
    data = {}
    for ref, trainee_id in t.items():
        status, minutes = marks.get(ref, ("present", ""))
        data[f"t{trainee_id}-status"] = status
        data[f"t{trainee_id}-minutes_missed"] = str(minutes)
        data[f"t{trainee_id}-note"] = "Train" if status == "absent" else ""
    return data


@pytest.mark.parametrize("raise_version", [False, True], ids=["version-kept", "version-raised"])
def test_a_save_after_trainees_signed_keeps_their_marks_and_is_not_refused(
    app, world, signed_in, signing_morning, raise_version
):
    t = ids(app)
    client = signed_in("instructor")
    page_url = url(world, signing_morning)
    hidden = opened(client, page_url)
    # T01 signs at 09:12, late; meanwhile the instructor marks T02 absent, leaving T01 as shown.
    signed_at = datetime(2022, 1, 11, 8, 12, tzinfo=UTC)
    sign(app, signing_morning, t["T01"], signed_at, ("late", 12), raise_version)
    saved = client.post(page_url, data={**hidden, **lines(t, {"T02": ("absent", "")})})
    assert saved.status_code == 302
    marks = stored_marks(app, signing_morning)
    assert marks[t["T01"]] == ("late", 12, None)  # the mark from signing, not "present"
    assert marks[t["T02"]] == ("absent", 0, "Train")
    page = client.get(page_url).text
    assert (
        "1 trainee signed while you were filling in the page: the mark from their signature is "
        "kept." in page
    )


def test_an_entry_typed_on_a_line_whose_trainee_signed_meanwhile_is_shown_again(
    app, world, signed_in, signing_morning
):
    t = ids(app)
    client = signed_in("instructor")
    page_url = url(world, signing_morning)
    hidden = opened(client, page_url)
    sign(app, signing_morning, t["T01"], datetime(2022, 1, 11, 8, 12, tzinfo=UTC), ("late", 12))
    entries = lines(t, {"T01": ("absent", ""), "T02": ("absent", "")})
    refused = client.post(page_url, data={**hidden, **entries})
    assert refused.status_code == 409
    assert "1 trainee signed while you were filling in the roll call" not in refused.text
    assert "A trainee signed while you were filling in the roll call" in refused.text
    first = text(line(refused.text, t["T01"]))
    assert (
        "Signed at 09:12 while you were filling in the page: no mark → Late (12 min). "
        "Your entry, not applied: Absent — Train." in first
    )
    # Nothing written; the other entry is kept in the form.
    assert stored_marks(app, signing_morning) == {t["T01"]: ("late", 12, None)}
    assert re.search(rf'id="t{t["T02"]}-status-\d" [^>]*value="absent" checked', refused.text)
    # Saved again from the page shown: the instructor's choice stands, seen.
    again = dict(re.findall(r'name="(\w+)" type="hidden" value="([^"]*)"', refused.text))
    assert client.post(page_url, data={**again, **entries}).status_code == 302
    assert stored_marks(app, signing_morning)[t["T01"]] == ("absent", 0, "Train")


def test_someone_elses_save_is_still_refused_as_stale_while_trainees_sign(
    app, world, signed_in, signing_morning
):
    t = ids(app)
    page_url = url(world, signing_morning)
    instructor, admin = signed_in("instructor"), signed_in("admin")
    hidden = opened(instructor, page_url)
    admin_hidden = opened(admin, page_url)
    assert (
        admin.post(page_url, data={**admin_hidden, **lines(t, {"T02": ("absent", "")})}).status_code
        == 302
    )
    sign(app, signing_morning, t["T01"], datetime(2022, 1, 11, 8, 12, tzinfo=UTC), ("late", 12))
    stale = instructor.post(page_url, data={**hidden, **lines(t, {})})
    assert stale.status_code == 409
    assert "Someone else saved this roll call" in stale.text
    assert stored_marks(app, signing_morning)[t["T02"]][0] == "absent"
    assert stored_marks(app, signing_morning)[t["T01"]][0] == "late"


def test_before_the_start_a_save_never_withdraws_a_mark_from_signing(
    app, world, signed_in, signing_morning, clock
):
    t = ids(app)
    clock(datetime(2022, 1, 11, 7, 50, tzinfo=UTC))  # 08:50 in Paris: signing is open
    sign(app, signing_morning, t["T01"], datetime(2022, 1, 11, 7, 48, tzinfo=UTC), ("present", 0))
    client = signed_in("instructor")
    page_url = url(world, signing_morning)
    hidden = opened(client, page_url)
    entries = lines(t, {"T02": ("excused", "")})
    entries[f"t{t['T02']}-note"] = "Médecin"
    # T01's line shows present, which before the start records nothing: their mark stays.
    assert client.post(page_url, data={**hidden, **entries}).status_code == 302
    assert stored_marks(app, signing_morning) == {
        t["T01"]: ("present", 0, None),
        t["T02"]: ("excused", 0, "Médecin"),
    }


# The rule itself, over plain values.

PRESENT, LATE, ABSENT = Mark(), Mark("late", 12), Mark("absent", 0, "Train")


@pytest.mark.parametrize(
    ("loaded", "mine", "stored", "signed_now", "signed_shown", "kept", "conflicts"),
    [
        # Signed meanwhile, line left as shown: the mark from signing stays.
        ({1: None}, {1: PRESENT}, {1: LATE}, {1}, set(), {1}, []),
        # Signed meanwhile, the entry typed is the mark from signing: nothing to tell.
        ({1: None}, {1: LATE}, {1: LATE}, {1}, set(), {1}, []),
        # Signed meanwhile under another entry: a conflict.
        ({1: None}, {1: ABSENT}, {1: LATE}, {1}, set(), set(), [1]),
        # Signed before the page was drawn: the entry is applied as any other.
        ({1: LATE}, {1: ABSENT}, {1: LATE}, {1}, {1}, set(), []),
        # No mark recorded for the signature: the entry is written.
        ({1: None}, {1: PRESENT}, {}, {1}, set(), set(), []),
        # Before the start, a signed trainee's line left present keeps its mark.
        ({1: PRESENT}, {1: None}, {1: PRESENT}, {1}, {1}, {1}, []),
        # A page that did not say whom it showed as signed: no signature counts as arrived.
        ({1: None}, {1: ABSENT}, {1: LATE}, {1}, None, set(), []),
    ],
)
def test_signed_meanwhile(loaded, mine, stored, signed_now, signed_shown, kept, conflicts):
    found = signed.signed_meanwhile([1], loaded, mine, stored, signed_now, signed_shown)
    assert found.kept == kept
    assert [line.trainee_id for line in found.conflicts] == conflicts


def test_only_signatures_changed():
    loaded = {1: None, 2: None}
    assert signed.only_signatures_changed([1, 2], loaded, {1: LATE}, {1})
    assert not signed.only_signatures_changed([1, 2], loaded, {1: LATE, 2: ABSENT}, {1})
    assert not signed.only_signatures_changed([1, 2], loaded, {}, set())
    assert not signed.only_signatures_changed([1, 2], None, {1: LATE}, {1})


def test_a_closing_in_code_also_needs_the_drawn_signature(app, world):
    from tracker.auth.models import User

    sign(app, world.session, ids(app)["T01"], SIGNED_AT_0904)
    with app.app_context():
        session = db.session.get(Session, world.session)
        with pytest.raises(countersigning.NoDrawnSignature):
            closing.close_roll_call(
                session, db.session.get(User, world.accounts["instructor"]), AFTER_THE_HALF_DAY
            )
        db.session.rollback()
        assert db.session.get(Session, world.session).closed_at is None


def test_the_countersignature_digests_the_fields_everyone_digests():
    assert set(
        countersigning.countersignature_fields(
            Countersignature(
                session_id=1,
                signed_by_id=2,
                signer_name="A",
                signed_at=datetime(2022, 1, 1, tzinfo=UTC),
                address="",
                user_agent="",
            )
        )
    ) == {"session_id", "signed_by_id", "signer_name", "signed_at", "address", "user_agent"}


def test_a_signature_written_during_the_save_is_not_overwritten(
    app, world, signed_in, signing_morning, monkeypatch
):
    t = ids(app)
    client = signed_in("instructor")
    page_url = url(world, signing_morning)
    hidden = opened(client, page_url)
    sign(app, signing_morning, t["T01"], datetime(2022, 1, 11, 8, 12, tzinfo=UTC), ("late", 12))
    # The save's first reading of the signatures misses T01's, as if it came in right after.
    reading = signed.signatures_of
    readings = []

    def late_reading(session):
        found = reading(session)
        readings.append(found)
        return {key: value for key, value in found.items() if len(readings) > 1 or key != t["T01"]}

    monkeypatch.setattr(signed, "signatures_of", late_reading)
    saved = client.post(page_url, data={**hidden, **lines(t, {"T02": ("absent", "")})})
    assert saved.status_code == 302
    assert stored_marks(app, signing_morning)[t["T01"]] == ("late", 12, None)
    assert len(readings) > 2  # tried again
