"""A week's scanned, signed paper sheet: uploaded by an administrator, checked from its content,
kept privately, shown on the timetable and downloaded by those who may see it."""

import io
from datetime import date

import pytest
from sqlalchemy import func, select

from tests import uploads_data
from tests.pages_data import csrf_token, text
from tracker import timeutil
from tracker.audit import queries as trail
from tracker.cohorts.models import Cohort
from tracker.extensions import db
from tracker.paper.queries import paper_sheet, paper_weeks
from tracker.signing.models import PaperSheet

WEEK = "2022-W02"  # the world's session's week, signed on paper in the world
EMPTY_WEEK = "2022-W03"  # no sheet yet
MONDAY = date(2022, 1, 17)
PAGE = "/cohorts/alpha/paper-sheets/{week}"


@pytest.fixture
def admin(signed_in):
    return signed_in("admin")


@pytest.fixture
def session_in_empty_week(app, world):
    """Give the week of 2022-W03 a half-day of the timetable."""
    from tracker.attendance.models import Session
    from tracker.cohorts.models import Module

    with app.app_context():
        module = db.session.scalar(select(Module).where(Module.code == "M1"))
        db.session.add(
            Session(
                cohort_id=module.cohort_id, module_id=module.id, date=MONDAY, slot="PM", minutes=210
            )
        )
        db.session.commit()


def send(client, week: str, content: bytes, name: str, language: str = "en"):
    token = csrf_token(client.get(PAGE.format(week=week)).text)
    return client.post(
        PAGE.format(week=week) + f"?lang={language}",
        data={"file": (io.BytesIO(content), name), "csrf_token": token},
        content_type="multipart/form-data",
    )


def sheets(app) -> list[tuple[date, str]]:
    with app.app_context():
        return [
            (week, sha256)
            for week, sha256 in db.session.execute(
                select(PaperSheet.week, PaperSheet.sha256).order_by(PaperSheet.week)
            )
        ]


def kept_files(app) -> set[str]:
    from pathlib import Path

    folder = Path(app.config["UPLOAD_FOLDER"])
    return {path.name for path in folder.glob("*/*")}


def alpha_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(Cohort.id).where(Cohort.slug == "alpha"))


@pytest.mark.parametrize(
    ("content", "name", "content_type"),
    [
        (uploads_data.PDF, "semaine 3.pdf", "application/pdf"),
        (uploads_data.jpeg(), "photo.jpg", "image/jpeg"),
        (uploads_data.png(), "scan.PNG", "image/png"),
    ],
)
def test_an_administrator_uploads_the_signed_sheet_of_a_week(
    app, admin, session_in_empty_week, content, name, content_type
):
    response = send(admin, EMPTY_WEEK, content, name)
    assert response.status_code == 302
    page = text(admin.get(response.headers["Location"] + "?lang=en").text)
    assert "The signed sheet of the week of 17 January 2022 is kept" in page
    assert "Signed on paper" in page
    with app.app_context():
        sheet = paper_sheet(alpha_id(app), MONDAY)
        stored = (sheet.file_name, sheet.content_type, sheet.size)
        assert stored == (name, content_type, len(content))
        assert sheet.uploaded_by.email == "admin@centre.fr"
        path = app.config["UPLOAD_FOLDER"] + f"/{sheet.sha256[:2]}/{sheet.sha256}"
    with open(path, "rb") as kept:
        assert kept.read() == content
    download = admin.get(PAGE.format(week=EMPTY_WEEK) + "/file")
    assert download.status_code == 200
    assert download.data == content
    assert download.mimetype == content_type
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (uploads_data.png(), "feuille.pdf", "is named “feuille.pdf” but holds a PNG file"),
        (uploads_data.TEXT, "feuille.pdf", "the file is not a PDF document, a JPEG image"),
        (uploads_data.TEXT, "feuille.png", "the file is not a PDF document, a JPEG image"),
        (b"", "feuille.pdf", "Scanned signed sheet: the file is empty."),
        (uploads_data.PDF + b" " * 2000, "feuille.pdf", "the file is too large (2"),
    ],
)
def test_a_wrong_file_is_refused_with_400_and_nothing_is_kept(
    app, admin, session_in_empty_week, content, name, message
):
    app.config["PAPER_SHEET_MAX_BYTES"] = 2000
    before_rows, before_files = sheets(app), kept_files(app)
    response = send(admin, EMPTY_WEEK, content, name)
    assert response.status_code == 400
    page = text(response.text)
    assert message in page
    assert 'aria-invalid="true"' in response.text
    assert sheets(app) == before_rows
    assert kept_files(app) == before_files


def test_a_new_upload_replaces_the_weeks_sheet_and_the_trail_keeps_the_earlier_one(app, admin):
    [(week, earlier)] = sheets(app)
    response = send(admin, WEEK, uploads_data.png(), "reprise.png")
    assert response.status_code == 302
    [(same_week, latest)] = sheets(app)
    assert same_week == week and latest != earlier
    # The earlier file stays where it was: the trail names it.
    assert {earlier, latest} <= kept_files(app)
    with app.app_context():
        [update] = [
            entry for entry in trail.history(entity="paper_sheets") if entry.action == "update"
        ]
        assert update.was["sha256"] == earlier
        assert update.now["sha256"] == latest
        assert update.actor == "Claire Admin"
    page = text(admin.get(response.headers["Location"] + "?lang=en").text)
    assert "is replaced by reprise.png" in page


def test_a_sheet_is_refused_for_a_week_outside_the_cohort_not_begun_or_without_sessions(
    app, admin, monkeypatch
):
    cases = [
        ("2021-W52", "This week is outside the cohort, which runs from 03/01/2022 to 16/12/2022."),
        (EMPTY_WEEK, "This week has no session in the timetable: there is nothing to sign."),
    ]
    for week, message in cases:
        response = send(admin, week, uploads_data.PDF, "feuille.pdf")
        assert response.status_code == 400
        assert message in text(response.text)
    monkeypatch.setattr(timeutil, "today", lambda: date(2022, 1, 5))
    response = send(admin, WEEK, uploads_data.PDF, "nouvelle.pdf")
    assert response.status_code == 400
    assert "This week has not begun: its sheet is signed from 10/01/2022." in text(response.text)
    assert [name for _, name in sheets(app)] != []
    with app.app_context():
        assert paper_sheet(alpha_id(app), date(2022, 1, 10)).file_name == "feuille.pdf"


def test_an_unreadable_week_is_refused_with_its_reason(admin):
    response = admin.get(PAGE.format(week="2022-W60") + "?lang=en")
    assert response.status_code == 400
    assert "there is no week 60" in text(response.text)


def test_the_timetable_says_the_week_is_signed_on_paper(signed_in):
    for role in ("admin", "instructor"):
        client = signed_in(role)
        page = client.get(f"/cohorts/alpha/timetable?week={WEEK}&lang=en").text
        assert "Signed on paper" in page
        assert f'href="/cohorts/alpha/paper-sheets/{WEEK}/file"' in page
    page = signed_in("admin").get("/cohorts/alpha/timetable?week=2022-W03&lang=en").text
    assert "Signed on paper" not in page


def test_an_administrator_is_offered_the_upload_an_instructor_and_an_officer_the_download(
    signed_in,
):
    admin_page = signed_in("admin").get(PAGE.format(week=WEEK) + "?lang=en").text
    assert 'enctype="multipart/form-data"' in admin_page
    assert "Remove the signed sheet" in admin_page
    for role in ("instructor", "officer"):
        page = signed_in(role).get(PAGE.format(week=WEEK) + "?lang=en").text
        assert f'href="/cohorts/alpha/paper-sheets/{WEEK}/file"' in page
        assert "multipart/form-data" not in page
        assert "Remove the signed sheet" not in page


def test_who_may_download_the_signed_sheet(signed_in):
    url = PAGE.format(week=WEEK) + "/file"
    expected = {"admin": 200, "instructor": 200, "officer": 200, "outsider": 404, "trainee": 404}
    for role, status in expected.items():
        response = signed_in(role).get(url)
        assert response.status_code == status, role
        if status == 200:
            assert response.data == uploads_data.PDF
            assert response.headers["Content-Disposition"] == "attachment; filename=feuille.pdf"
        else:
            assert response.data != uploads_data.PDF


def test_an_instructor_or_officer_cannot_upload(app, signed_in, without_csrf):
    before = sheets(app)
    for role in ("instructor", "officer"):
        response = signed_in(role).post(
            PAGE.format(week=WEEK),
            data={"file": (io.BytesIO(uploads_data.png()), "autre.png")},
            content_type="multipart/form-data",
        )
        assert response.status_code == 403
    assert sheets(app) == before


def test_removing_a_sheet_uploaded_by_mistake(app, admin):
    [(_, sha256)] = sheets(app)
    token = csrf_token(admin.get(PAGE.format(week=WEEK)).text)
    response = admin.post(PAGE.format(week=WEEK) + "/remove", data={"csrf_token": token})
    assert response.status_code == 302
    assert sheets(app) == []
    assert sha256 in kept_files(app)
    with app.app_context():
        assert [entry.action for entry in trail.history(entity="paper_sheets")][-1] == "delete"
    assert admin.get(PAGE.format(week=WEEK) + "/file").status_code == 404


def test_the_weeks_signed_on_paper(app, world):
    with app.app_context():
        cohort = alpha_id(app)
        mondays = [date(2022, 1, 3), date(2022, 1, 10), date(2022, 1, 17)]
        assert paper_weeks(cohort, mondays) == {date(2022, 1, 10)}
        assert paper_weeks(cohort, []) == set()
        assert paper_sheet(cohort, date(2022, 1, 10)).file_name == "feuille.pdf"
        assert paper_sheet(cohort, date(2022, 1, 17)) is None
        other = db.session.scalar(select(Cohort.id).where(Cohort.slug == "beta"))
        assert paper_weeks(other, mondays) == set()
        assert db.session.scalar(select(func.count()).select_from(PaperSheet)) == 1


def test_the_cohorts_signed_weeks_are_listed(signed_in):
    page = text(signed_in("officer").get("/cohorts/alpha/paper-sheets?lang=en").text)
    assert "1 week signed on paper, the latest first" in page
    assert "Week of 10 January 2022" in page
    assert "feuille.pdf" in page
