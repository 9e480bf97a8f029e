"""A template of each kind of file (CSV and XLSX), and the import page that explains each column."""

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tests.pages_data import csrf_token, text
from tracker.auth.models import User
from tracker.cohorts.operations import create_cohort
from tracker.extensions import db
from tracker.imports.forms import KIND_LABELS
from tracker.imports.guide import GUIDE
from tracker.imports.operations import KINDS


@pytest.fixture
def admin(app, login_as, world):
    client = app.test_client()
    with app.app_context():
        create_cohort(
            slug="gamma",
            name="IA promotion 0",
            starts_on=date(2021, 9, 6),
            ends_on=date(2023, 3, 3),
            grant_amount=Decimal(273000),
        )
        db.session.commit()
        login_as(client, db.session.get(User, world.accounts["admin"]))
    return client


def upload(client, kind: str, content: bytes, name: str):
    url = "/cohorts/gamma/import"
    token = csrf_token(client.get(url).text)
    return client.post(
        url + "?lang=en",
        data={"kind": kind, "file": (io.BytesIO(content), name), "csrf_token": token},
        content_type="multipart/form-data",
    )


def test_every_column_of_every_kind_is_explained():
    assert list(GUIDE) == list(KIND_LABELS) == list(KINDS)
    for kind, importer in KINDS.items():
        assert list(GUIDE[kind]) == [column.name for column in importer.columns], kind


def test_each_template_imported_back_is_accepted(admin):
    for extension, summary in (("csv", "1 created, 0 updated"), ("xlsx", "0 updated, 1 unchanged")):
        for kind, label in KIND_LABELS.items():
            template = admin.get(f"/import-templates/{kind}.{extension}?lang=en")
            assert template.status_code == 200
            response = upload(admin, kind, template.data, f"{kind}.{extension}")
            assert response.status_code == 302, (kind, extension, text(response.text))
            page = admin.get(response.headers["Location"] + "?lang=en").text
            # The workbooks hold exactly what the CSV files held: nothing changes.
            assert f"{label} imported: 0 created, {summary}" in page or (
                f"{label} imported: {summary}, 0 unchanged" in page
            ), (kind, extension)


def test_the_csv_template_is_a_file_for_french_spreadsheets(admin):
    response = admin.get("/import-templates/trainees.csv?lang=fr")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == "attachment; filename=trainees.csv"
    assert response.data.startswith(b"\xef\xbb\xbf")
    assert response.data.decode("utf-8-sig").splitlines() == [
        "ref;first_name;last_name;email;enrolled_on;left_on;exit_reason",
        "T01;Camille;Martin;camille.martin@example.org;06/09/2021;15/03/2022;A trouvé un emploi",
    ]
    sessions = admin.get("/import-templates/sessions.csv?lang=fr").data.decode("utf-8-sig")
    assert sessions.splitlines()[1] == "06/09/2021;AM;M01;3,50;classroom;09:00;12:30"


def test_the_xlsx_template_holds_dates_and_numbers(admin):
    response = admin.get("/import-templates/expenses.xlsx?lang=en")
    assert response.headers["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("date", "line", "amount", "description", "supplier", "reference")
    assert rows[1][0].date() == date(2021, 9, 30)
    assert rows[1][2] == 12500


def test_the_import_page_explains_each_column_in_french(admin):
    page = text(admin.get("/cohorts/gamma/import?lang=fr").text)
    assert "ref — obligatoire La référence du stagiaire, unique dans la promotion. Un code" in page
    assert "left_on — facultative" in page
    assert "Exemple\u00a0: 06/09/2021" in page
    assert "Exemple\u00a0: 3,5" in page
    assert "Modèle XLSX\u00a0: Présences (appels)" in page
    for kind in KINDS.values():
        for column in kind.columns:
            assert f"{column.name} — " in page


def test_the_import_page_explains_each_column_in_english(admin):
    page = text(admin.get("/cohorts/gamma/import?lang=en").text)
    assert "ref — required The trainee's reference, unique in the cohort." in page
    assert (
        "starts_at — optional When the session starts; the cohort's time for the half-day when"
        " empty. A time of day, HH:MM (09:00, 13:30), or a time cell in a workbook." in page
    )
    assert "Example: 3.5" in page
    assert "CSV template: Budget lines" in page
    assert "obligatoire" not in page
