"""Uploading CSV files from the browser: all or nothing, with the line-numbered problems."""

import io
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.pages_data import csrf_token, text
from tracker.attendance.models import AttendanceRecord
from tracker.auth.models import User
from tracker.cohorts.models import Cohort, Trainee
from tracker.extensions import db

DATA = Path(__file__).parent / "data" / "imports"
URL = "/cohorts/alpha/import"


@pytest.fixture
def admin(app, login_as, world):
    client = app.test_client()
    with app.app_context():
        login_as(client, db.session.get(User, world.accounts["admin"]))
    return client


def upload(client, kind: str, content: bytes, name: str = "file.csv", language: str = "en"):
    token = csrf_token(client.get(URL).text)
    return client.post(
        URL + f"?lang={language}",
        data={"kind": kind, "file": (io.BytesIO(content), name), "csrf_token": token},
        content_type="multipart/form-data",
    )


def trainees_of_alpha(app) -> dict[str, str]:
    with app.app_context():
        rows = db.session.execute(
            select(Trainee.ref, Trainee.last_name)
            .join(Cohort)
            .where(Cohort.slug == "alpha")
            .order_by(Trainee.ref)
        )
        return dict(rows.all())


def test_the_form_offers_the_nine_kinds_and_their_columns(admin):
    page = admin.get(URL + "?lang=en").text
    for kind in (
        "trainees",
        "competencies",
        "modules",
        "sessions",
        "attendance",
        "assessments",
        "results",
        "budget",
        "expenses",
    ):
        assert f'value="{kind}"' in page
    assert 'enctype="multipart/form-data"' in page
    assert "ref, first_name, last_name, email, enrolled_on, [left_on], [exit_reason]" in page


def test_an_accepted_file_is_imported_and_summarised(app, admin):
    response = upload(admin, "trainees", (DATA / "trainees.csv").read_bytes())
    assert response.status_code == 302
    page = admin.get(response.headers["Location"] + "?lang=en").text
    # T01 and T02 exist: they are updated, not duplicated.
    assert "Trainees imported: 1 created, 2 updated, 0 unchanged." in page
    assert trainees_of_alpha(app) == {
        "T01": "Martin",
        "T02": "Durand",
        "T03": "Bernard",
    }


def test_a_refused_file_shows_its_problems_by_line_and_writes_nothing(app, admin):
    content = (
        "ref,first_name,last_name,email,enrolled_on\n"
        "T05,Marie,Curie,marie@example.org,2022-01-03\n"
        "T06,Pierre,,pierre@example.org,2022-01-03\n"
        "T07,Irène,Joliot,irene@example.org,le 3 janvier\n"
    ).encode()
    before = trainees_of_alpha(app)
    response = upload(admin, "trainees", content)
    assert response.status_code == 422
    page = text(response.text)
    assert "Nothing was imported: 2 problems" in page
    assert "line 3: last_name: is required" in page
    assert "line 4: enrolled_on: 'le 3 janvier' is not a date (YYYY-MM-DD or DD/MM/YYYY)" in page
    assert trainees_of_alpha(app) == before


def test_the_french_page_explains_a_refused_file_in_french(app, admin):
    content = (
        "ref,first_name,last_name,email,enrolled_on\n"
        "T06,Pierre,,pierre@example.org,2022-01-03\n"
        "T07,Irène,Joliot,irene@example.org,le 3 janvier\n"
        "T08,Paul,Langevin,paul@example.org,2022-01-03,T9\n"
    ).encode()
    response = upload(admin, "trainees", content, language="fr")
    assert response.status_code == 422
    page = text(response.text)
    # French typography: a no-break space before each colon.
    assert "ligne 2\u00a0: last_name\u00a0: est obligatoire" in page
    assert (
        "ligne 3\u00a0: enrolled_on\u00a0: 'le 3 janvier' n’est pas une date"
        " (AAAA-MM-JJ ou JJ/MM/AAAA)" in page
    )
    assert "ligne 4\u00a0: colonne 6\u00a0: a une valeur mais pas d’en-tête" in page
    problems = page[page.index("Rien n’a été importé") : page.index("Corrigez le fichier")]
    assert "is required" not in problems and "line " not in problems  # nothing left in English


def test_a_refused_header_is_explained(app, admin):
    response = upload(admin, "modules", b"code,name\nM9,Truc\n")
    assert response.status_code == 422
    page = text(response.text)
    assert "line 1: name: unknown column for modules" in page
    assert "line 1: title: missing column" in page


def test_attendance_is_recorded_by_the_admin_who_uploads_it(app, admin, world):
    content = b"date,slot,trainee,status,minutes_missed,note\n2022-01-10,AM,T02,late,20,Bus\n"
    response = upload(admin, "attendance", content)
    assert response.status_code == 302
    with app.app_context():
        record = db.session.scalar(
            select(AttendanceRecord).join(Trainee).where(Trainee.last_name == "Turing")
        )
        assert (record.status, record.minutes_missed) == ("late", 20)
        assert record.recorded_by_id == world.accounts["admin"]


def test_a_file_just_over_the_limit_gets_the_importer_s_message(app, admin):
    app.config["IMPORT_MAX_BYTES"] = 1000
    content = b"ref,first_name,last_name,email,enrolled_on\n" + b"#" * 1000
    response = upload(admin, "trainees", content)
    assert response.status_code == 422
    assert "the file is 1043 bytes, over the limit of 1000 bytes" in response.text


def test_a_request_far_over_the_limit_gets_a_readable_413(app, admin):
    app.config["MAX_CONTENT_LENGTH"] = 2000
    token = csrf_token(admin.get(URL).text)
    response = admin.post(
        URL + "?lang=en",
        data={
            "kind": "trainees",
            "file": (io.BytesIO(b"x" * 5000), "big.csv"),
            "csrf_token": token,
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    assert "File too large" in response.text
    assert "Split the file" in response.text
    assert f'href="{URL}"' in response.text


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": "trainees"}, "file", "Choose a CSV or XLSX file to upload."),
        ({"kind": "passwords", "with_file": True}, "kind", "Not a valid choice"),
    ],
)
def test_an_incomplete_form_is_refused(app, admin, data, field, message):
    token = csrf_token(admin.get(URL).text)
    form = {"kind": data["kind"], "csrf_token": token}
    if data.get("with_file"):
        form["file"] = (io.BytesIO(b"ref\n"), "file.csv")
    response = admin.post(URL + "?lang=en", data=form, content_type="multipart/form-data")
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text
    assert message in response.text


def test_one_wrong_row_keeps_the_good_rows_out(app, admin):
    content = (
        b"date,slot,trainee,status\n"
        b"2022-01-10,AM,T02,absent\n"  # valid: would update Alan's mark
        b"2022-01-11,AM,T01,present\n"  # no session that morning
    )
    response = upload(admin, "attendance", content)
    assert response.status_code == 422
    assert "line 3: " in response.text
    with app.app_context():
        statuses = db.session.scalars(select(AttendanceRecord.status).order_by(AttendanceRecord.id))
        assert list(statuses) == ["present", "excused"]
