"""The officers' view of signing: the share of half-days signed on screen, on paper and not at
all, month by month, and the marks that the signatures contradict."""

import csv
import io
import re
from datetime import UTC, date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from tests.pages_data import text
from tracker import timeutil
from tracker.attendance.models import AttendanceRecord, Session
from tracker.auth.operations import add_user
from tracker.cohorts.models import Cohort, Module, Trainee
from tracker.cohorts.operations import create_cohort
from tracker.extensions import db
from tracker.signing import figures, queries
from tracker.signing.figures import HalfDayRow, MonthSigning
from tracker.signing.models import PaperSheet, Signature
from tracker.signing.rules import PRESENT_WITHOUT_SIGNATURE, SIGNED_BUT_ABSENT

PARIS = ZoneInfo("Europe/Paris")


def paris(*when: int) -> datetime:
    return datetime(*when, tzinfo=PARIS)


# ---------------------------------------------------------------------------------------------
# The pure functions


def row(day, slot="AM", *, status="present", signed=False, on_paper=False, note=None, ref="T01"):
    start = time(9) if slot == "AM" else time(13, 30)
    return HalfDayRow(
        day=day,
        slot=slot,
        starts=datetime.combine(day, start, tzinfo=PARIS),
        trainee_ref=ref,
        trainee_name=f"Trainee {ref}",
        status=status,
        note=note,
        signed=signed,
        on_paper=on_paper,
    )


def test_each_half_day_is_signed_on_screen_on_paper_or_not_at_all():
    monday = date(2022, 1, 10)
    assert figures.how_signed(row(monday, signed=True)) == "on_screen"
    # A signature counts before the week's paper sheet.
    assert figures.how_signed(row(monday, signed=True, on_paper=True)) == "on_screen"
    assert figures.how_signed(row(monday, on_paper=True)) == "on_paper"
    assert figures.how_signed(row(monday, on_paper=True, status=None)) == "on_paper"
    # The paper sheet holds no signature of a trainee the roll call marks absent.
    assert figures.how_signed(row(monday, on_paper=True, status="absent")) == "not_signed"
    assert figures.how_signed(row(monday, on_paper=True, status="excused")) == "not_signed"
    assert figures.how_signed(row(monday, status="absent")) == "not_signed"
    assert figures.how_signed(row(monday, status=None)) == "not_signed"


def test_only_half_days_started_by_the_cutoff_count():
    today = date(2022, 2, 1)
    rows = [row(today, "AM"), row(today, "PM")]
    # D is today at 13:29: the afternoon has not started.
    by = figures.cutoff(today, paris(2022, 2, 1, 13, 29))
    assert [r.slot for r in figures.counted(rows, by)] == ["AM"]
    assert figures.counted(rows, figures.cutoff(today, paris(2022, 2, 1, 13, 30))) == rows
    # D in the past counts its whole day, whatever the hour now.
    assert figures.cutoff(today, paris(2022, 3, 1, 8)) == paris(2022, 2, 2, 0, 0)
    assert figures.counted(rows, figures.cutoff(today, paris(2022, 3, 1, 8))) == rows
    # The day before D's end: nothing of the next day counts.
    assert figures.counted(rows, figures.cutoff(date(2022, 1, 31), paris(2022, 3, 1))) == []


def test_disagreements_are_explained_by_the_marks_note():
    day = date(2022, 1, 10)
    rows = [
        row(day, ref="T01", signed=True),
        row(day, ref="T02", note="Téléphone oublié"),
        row(day, ref="T03", status="absent", signed=True),
        row(day, ref="T04", status="left_early", note="  "),
        row(day, ref="T05", status=None, signed=True),  # no mark yet: nothing to disagree with
        row(day, ref="T06", on_paper=True),  # paper weeks have no signature to compare with
    ]
    found = figures.disagreements(rows, paris(2022, 1, 11))
    assert [(d.trainee_ref, d.kind, d.status, d.explained) for d in found] == [
        ("T02", PRESENT_WITHOUT_SIGNATURE, "present", True),
        ("T03", SIGNED_BUT_ABSENT, "absent", False),
        ("T04", PRESENT_WITHOUT_SIGNATURE, "left_early", False),
    ]
    assert found[0].note == "Téléphone oublié"


def test_months_count_and_share_their_half_days():
    rows = [
        row(date(2022, 1, 10), ref="T01", signed=True),
        row(date(2022, 1, 10), ref="T02", signed=True),
        row(date(2022, 1, 10), ref="T03", note="Oubli"),
        row(date(2022, 1, 17), ref="T01", on_paper=True),
        row(date(2022, 1, 17), ref="T02", on_paper=True, status="absent"),
        row(date(2022, 1, 17), ref="T03", on_paper=True),
        row(date(2022, 3, 1), ref="T01", status="absent"),
    ]
    months = figures.signing_by_month(rows, paris(2022, 4, 1))
    assert months == [
        MonthSigning(date(2022, 1, 1), 6, 2, 2, 2, 1, 1),
        MonthSigning(date(2022, 3, 1), 1, 0, 0, 1, 0, 0),
    ]
    january = months[0]
    assert (january.on_screen_share, january.on_paper_share, january.not_signed_share) == (
        0.3333,
        0.3333,
        0.3333,
    )
    assert january.unexplained == 0
    assert figures.total(months) == MonthSigning(date(2022, 1, 1), 7, 2, 2, 3, 1, 1)
    assert figures.total([]) is None
    assert MonthSigning(date(2022, 1, 1), 0, 0, 0, 0, 0, 0).on_screen_share is None


# ---------------------------------------------------------------------------------------------
# A small cohort, read from the database


def sign(session_id: int, trainee_id: int) -> Signature:
    return Signature(
        session_id=session_id,
        trainee_id=trainee_id,
        signed_at=datetime(2022, 1, 3, 8, tzinfo=UTC),
        strokes="[[[0.1,0.5,0],[0.9,0.5,120]]]",
        digest="0" * 64,
    )


@pytest.fixture
def signing_world(app):
    """A cohort of three trainees over five half-days of January and February 2022.

    - 10/01 AM: T01 present and signed; T02 present without a signature, with a note.
    - 11/01 PM: T01 late and signed; T02 absent but signed; T03 (enrolled on 11/01) absent.
    - 18/01 AM, a week on paper: T01 and T02 present, T03 absent.
    - 01/02 AM: T01 present and signed; T03 left early, without a signature or a note (T02
      left on 31/01).
    - 01/02 PM, from 14:00: no mark yet.
    """
    with app.app_context():
        cohort = create_cohort(
            slug="gamma",
            name="Gamma",
            starts_on=date(2022, 1, 3),
            ends_on=date(2022, 12, 16),
            grant_amount=Decimal(1000),
        )
        module = Module(cohort=cohort, code="M1", title="Python", planned_minutes=6000)
        ada, alan, grace = (
            Trainee(
                cohort=cohort,
                ref=ref,
                first_name=first,
                last_name=last,
                email=f"{ref}@example.org",
                enrolled_on=enrolled_on,
                left_on=left_on,
                exit_reason="Emploi" if left_on else None,
            )
            for ref, first, last, enrolled_on, left_on in (
                ("T01", "Ada", "Lovelace", date(2022, 1, 3), None),
                ("T02", "Alan", "Turing", date(2022, 1, 3), date(2022, 1, 31)),
                ("T03", "Grace", "Hopper", date(2022, 1, 11), None),
            )
        )
        db.session.add_all([module, ada, alan, grace])
        sessions = {
            (day, slot): Session(
                cohort=cohort, module=module, date=day, slot=slot, minutes=210, starts_at=start
            )
            for day, slot, start in (
                (date(2022, 1, 10), "AM", None),
                (date(2022, 1, 11), "PM", None),
                (date(2022, 1, 18), "AM", None),
                (date(2022, 2, 1), "AM", None),
                (date(2022, 2, 1), "PM", time(14, 0)),
            )
        }
        db.session.add_all(sessions.values())
        db.session.flush()

        def mark(day, slot, trainee, status, minutes=0, note=None, signed=False):
            session = sessions[day, slot]
            db.session.add(
                AttendanceRecord(
                    session_id=session.id,
                    trainee_id=trainee.id,
                    status=status,
                    minutes_missed=minutes,
                    note=note,
                )
            )
            if signed:
                db.session.add(sign(session.id, trainee.id))

        mark(date(2022, 1, 10), "AM", ada, "present", signed=True)
        mark(date(2022, 1, 10), "AM", alan, "present", note="Téléphone oublié, a signé à 9h20")
        mark(date(2022, 1, 11), "PM", ada, "late", 15, signed=True)
        mark(date(2022, 1, 11), "PM", alan, "absent", signed=True)
        mark(date(2022, 1, 11), "PM", grace, "absent")
        for trainee, status in ((ada, "present"), (alan, "present"), (grace, "absent")):
            mark(date(2022, 1, 18), "AM", trainee, status)
        mark(date(2022, 2, 1), "AM", ada, "present", signed=True)
        mark(date(2022, 2, 1), "AM", grace, "left_early", 60)
        db.session.add(
            PaperSheet(
                cohort_id=cohort.id,
                week=date(2022, 1, 17),
                file_name="semaine-3.pdf",
                content_type="application/pdf",
                size=100,
                sha256="a" * 64,
            )
        )
        add_user("isabelle@region.fr", "officer", "password-1")
        db.session.commit()


def frozen_at(monkeypatch, *when: int) -> None:
    instant = paris(*when).astimezone(UTC)
    monkeypatch.setattr(timeutil, "utc_now", lambda: instant)


def test_the_months_of_a_small_cohort_count_exactly(app, signing_world):
    with app.app_context():
        cohort = db.session.scalar(select(Cohort).where(Cohort.slug == "gamma"))
        rows = queries.half_day_rows(cohort, date(2022, 2, 1))
        assert len(rows) == 2 + 3 + 3 + 2 + 2
        # On 01/02 at 13:45, the afternoon from 14:00 has not started.
        by = figures.cutoff(date(2022, 2, 1), paris(2022, 2, 1, 13, 45))
        months = figures.signing_by_month(rows, by)
        assert months == [
            # 8 expected: 3 on screen, 2 on paper (T03 absent that week), 3 not signed;
            # 2 disagreements, 1 explained.
            MonthSigning(date(2022, 1, 1), 8, 3, 2, 3, 2, 1),
            MonthSigning(date(2022, 2, 1), 2, 1, 0, 1, 1, 0),
        ]
        assert (months[0].on_screen_share, months[0].on_paper_share) == (0.375, 0.25)
        assert months[0].not_signed_share == 0.375
        assert figures.total(months) == MonthSigning(date(2022, 1, 1), 10, 4, 2, 4, 3, 1)
        # Once the afternoon has started, its two half-days count, not signed.
        later = figures.signing_by_month(rows, paris(2022, 2, 1, 14, 0))
        assert later[1] == MonthSigning(date(2022, 2, 1), 4, 1, 0, 3, 1, 0)
        found = figures.disagreements(rows, by, date(2022, 1, 1))
        assert [(d.day, d.slot, d.trainee_ref, d.kind, d.note) for d in found] == [
            (
                date(2022, 1, 10),
                "AM",
                "T02",
                PRESENT_WITHOUT_SIGNATURE,
                "Téléphone oublié, a signé à 9h20",
            ),
            (date(2022, 1, 11), "PM", "T02", SIGNED_BUT_ABSENT, None),
        ]


def signed_in_officer(app, login_as):
    from tracker.auth.models import User

    with app.app_context():
        officer = db.session.scalar(select(User).where(User.email == "isabelle@region.fr"))
        return login_as(app.test_client(), officer)


def test_the_officer_sees_the_months_and_the_months_disagreements(
    app, signing_world, login_as, monkeypatch
):
    frozen_at(monkeypatch, 2022, 2, 1, 13, 45)
    client = signed_in_officer(app, login_as)
    page = client.get("/cohorts/gamma/funding/signatures?lang=en").text
    shown = text(page)
    assert "started by 01/02/2022 13:45" in shown
    table = text(re.search(r'<table class="statement signatures".*?</table>', page, re.S)[0])
    assert (
        "January 2022 8 3 (37.5 %) 2 (25.0 %) 3 (37.5 %) 2 (1) "
        "February 2022 2 1 (50.0 %) 0 (0.0 %) 1 (50.0 %) 1 (0) "
        "Total 10 4 (40.0 %) 2 (20.0 %) 4 (40.0 %) 3 (1)"
    ).replace(" %", "\u00a0%") in table
    # February by default, the month of today.
    assert "Disagreements of February 2022" in shown
    assert "1 disagreement, 0 explained, 1 without explanation." in shown
    assert "01/02/2022 Morning T03 Grace Hopper Present without a signature Left early" in shown
    assert "No explanation" in shown

    january = text(client.get("/cohorts/gamma/funding/signatures?month=2022-01&lang=en").text)
    # A date before today counts its whole day.
    assert "sessions held by 01/02/2022" not in january
    earlier = client.get("/cohorts/gamma/funding/signatures?as_of=2022-01-31&lang=en").text
    assert "at the sessions held by 31/01/2022." in text(earlier)
    assert "2 disagreements, 1 explained, 1 without explanation." in january
    assert (
        "10/01/2022 Morning T02 Alan Turing Present without a signature Present "
        "Téléphone oublié, a signé à 9h20"
    ) in january
    assert "11/01/2022 Afternoon T02 Alan Turing Signed but absent Absent No explanation" in (
        january
    )


def test_the_signatures_page_shows_french_months_and_shares_by_default(
    app, signing_world, login_as, monkeypatch
):
    frozen_at(monkeypatch, 2022, 3, 1, 9, 0)
    client = signed_in_officer(app, login_as)
    page = text(client.get("/cohorts/gamma/funding/signatures?as_of=2022-01-31").text)
    assert "janvier 2022 8 3 (37,5\u00a0%) 2 (25,0\u00a0%) 3 (37,5\u00a0%) 2 (1)" in page
    # As of 31/01, February's half-days do not count.
    assert "février 2022 2" not in page


def test_the_signatures_export_lists_the_months_and_every_disagreement(
    app, signing_world, login_as, monkeypatch
):
    frozen_at(monkeypatch, 2022, 2, 1, 13, 45)
    client = signed_in_officer(app, login_as)
    response = client.get("/cohorts/gamma/funding/export/signatures.csv?lang=en")
    assert response.status_code == 200
    assert "gamma_signatures_2022-02-01.csv" in response.headers["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert lines[1][:3] == ["Month", "Half-days expected", "Signed on screen"]
    months = [line for line in lines if line and line[0] in ("2022-01", "2022-02", "Total")]
    assert [line[:3] + line[8:10] for line in months] == [
        ["2022-01", "8", "3", "2", "1"],
        ["2022-02", "2", "1", "1", "0"],
        ["Total", "10", "4", "3", "1"],
    ]
    listed = [line[2:6] for line in lines if len(line) > 5 and line[2].startswith("T0")]
    assert listed == [
        ["T02", "Alan Turing", "Present without a signature", "Present"],
        ["T02", "Alan Turing", "Signed but absent", "Absent"],
        ["T03", "Grace Hopper", "Present without a signature", "Left early"],
    ]


def test_the_signatures_page_offers_each_weeks_signed_sheet_of_the_month(app, signed_in, world):
    """An officer, who does not see the timetable, finds the month's sealed sheets and proofs."""
    officer = signed_in("officer")
    page = officer.get(f"/cohorts/{world.cohort}/funding/signatures?month=2022-01&lang=en")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    # The world's January has one session, on Monday 10 January: week 2, and no empty week.
    weeks = re.findall(r"/attendance-sheets/(\d{4}-W\d\d)/signed\.pdf", html)
    assert weeks == ["2022-W02"]
    assert f"/cohorts/{world.cohort}/attendance-sheets/2022-W02/proof.json" in html
    sheet = officer.get(f"/cohorts/{world.cohort}/attendance-sheets/2022-W02/signed.pdf")
    assert sheet.status_code == 200
    assert sheet.mimetype == "application/pdf"
