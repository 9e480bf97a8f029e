"""XLSX workbooks load as their CSV counterparts do: first sheet, header row, all or nothing."""

import csv
import io
import itertools
import re
import zipfile
from datetime import date, datetime, time
from decimal import Decimal

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from tests.conftest import ACADEMY, SAMPLE_KINDS, SAMPLES
from tests.pages_data import csrf_token, text
from tracker.auth.models import User
from tracker.budget.models import BudgetLine, Expense
from tracker.cohorts.models import Module, Trainee
from tracker.extensions import db
from tracker.imports.problems import ImportRefused
from tracker.imports.reading import XLSX_MOST_ROWS, cell_text, read_file

DATA = SAMPLES
SLUG = ACADEMY
ORDER = SAMPLE_KINDS
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
NUMBER = re.compile(r"-?\d+(\.\d+)?")


def workbook(*rows, sheets: int = 1, first_title: str = "Données") -> bytes:
    """Write rows into the first worksheet of a workbook, as a spreadsheet would save it."""
    book = Workbook()
    book.active.title = first_title
    for row in rows:
        book.active.append(row)
    for number in range(1, sheets):
        book.create_sheet(f"Autre {number}").append(["something", "else"])
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def typed(cell: str):
    """Turn a CSV cell into what a spreadsheet holds: a date, a number or text."""
    if ISO_DATE.fullmatch(cell):
        return datetime.fromisoformat(cell)
    if NUMBER.fullmatch(cell):
        return float(cell) if "." in cell else int(cell)
    return cell or None


def as_workbook(kind: str) -> bytes:
    """The sample CSV file of a kind, as a workbook of dates, numbers and text."""
    with (DATA / f"{kind}.csv").open(newline="") as file:
        rows = list(csv.reader(file))
    return workbook(rows[0], *([typed(cell) for cell in row] for row in rows[1:]))


@pytest.fixture
def cohort(make_cohort):
    cohort = make_cohort(slug=SLUG)
    db.session.commit()
    return cohort


@pytest.fixture
def run_import(run_tracker, tmp_path):
    """Write a file (CSV or XLSX, by its content whatever its name) and import it."""

    def run(kind: str, content: bytes, name: str | None = None):
        path = tmp_path / (name or f"{kind}.xlsx")
        path.write_bytes(content)
        return run_tracker("import", kind, str(path), "--cohort", SLUG)

    return run


def test_every_kind_loads_from_a_workbook_as_from_its_csv_file(cohort, run_import):
    for kind in ORDER:
        result = run_import(kind, as_workbook(kind))
        assert result.exit_code == 0, result.output
        assert " created, 0 updated, 0 unchanged" in result.stdout
    # The CSV files bring nothing new: the workbooks held exactly the same values.
    for kind in ORDER:
        result = run_import(kind, (DATA / f"{kind}.csv").read_bytes(), name=f"{kind}.csv")
        assert result.exit_code == 0, result.output
        assert " 0 created, 0 updated, " in result.stdout, (kind, result.stdout)


def test_dates_and_numbers_may_be_cells_or_french_text(cohort, run_import):
    rows = [
        ["ref", "first_name", "last_name", "email", "enrolled_on"],
        ["T01", "Alice", "Martin", "alice@example.org", date(2021, 9, 6)],
        ["T02", "Bruno", "Durand", "bruno@example.org", "13/09/2021"],
        ["T03", "Chloé", "Bernard", "chloe@example.org", datetime(2021, 9, 20)],
    ]
    assert run_import("trainees", workbook(*rows)).exit_code == 0
    lines = [
        ["code", "label", "planned_amount"],
        ["PED", "Personnel", 150000],
        ["EQP", "Équipement", "20 000,50"],
        # A formula's sum as Excel shows it (0.1 + 0.2 is 0.30000000000000004 as a float).
        ["FRA", "Frais", 0.1 + 0.2],
    ]
    result = run_import("budget", workbook(*lines))
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.scalars(select(Trainee.enrolled_on).order_by(Trainee.ref)).all() == [
        date(2021, 9, 6),
        date(2021, 9, 13),
        date(2021, 9, 20),
    ]
    assert dict(db.session.execute(select(BudgetLine.code, BudgetLine.planned_amount)).all()) == {
        "PED": Decimal("150000.00"),
        "EQP": Decimal("20000.50"),
        "FRA": Decimal("0.30"),
    }


def test_times_of_a_session_may_be_time_cells_or_text(cohort, run_import):
    from tracker.attendance.models import Session

    for kind in ("competencies", "modules"):
        assert run_import(kind, as_workbook(kind)).exit_code == 0
    rows = [
        ["date", "slot", "module", "starts_at", "ends_at"],
        [datetime(2021, 9, 6), "AM", "M01", time(8, 30), "12h00"],
        [datetime(2021, 9, 6), "PM", "M01", None, time(16, 45)],
    ]
    result = run_import("sessions", workbook(*rows))
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.execute(
        select(Session.slot, Session.starts_at, Session.ends_at).order_by(Session.slot)
    ).all() == [("AM", time(8, 30), time(12, 0)), ("PM", None, time(16, 45))]


def test_a_list_of_codes_in_a_cell_may_be_separated_by_semicolons_or_bars(cohort, run_import):
    run_import("competencies", as_workbook("competencies"))
    rows = [
        ["code", "title", "planned_hours", "competencies"],
        ["M01", "Python", 70, "C1;C2"],
        ["M02", "Data", 52.5, "C2 | C3"],
    ]
    assert run_import("modules", workbook(*rows)).exit_code == 0
    db.session.expire_all()
    modules = {module.code: module for module in db.session.scalars(select(Module))}
    assert [competency.code for competency in modules["M01"].competencies] == ["C1", "C2"]
    assert [competency.code for competency in modules["M02"].competencies] == ["C2", "C3"]
    assert modules["M02"].planned_minutes == 3150


def test_problems_are_numbered_by_the_sheet_s_rows(cohort, run_import):
    rows = [
        ["ref", "first_name", "last_name", "email", "enrolled_on"],
        ["T01", "Alice", "Martin", "alice@example.org", date(2021, 9, 6)],
        [],  # a blank row still counts
        ["T/02", "Bruno", "Durand", "bruno@example.org", date(2021, 9, 6)],
        ["T03", "Chloé", None, "chloe@example.org", 44450],  # a date cell without its format
    ]
    result = run_import("trainees", workbook(*rows))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:3] == [
        "line 4: ref: 'T/02' is not a code: use up to 32 letters without accents, digits,"
        " dashes (-), underscores (_) or dots (.), starting with a letter or a digit",
        "line 5: last_name: is required",
        "line 5: enrolled_on: '44450' is not a date (YYYY-MM-DD or DD/MM/YYYY)",
    ]
    # Nothing was written, not even the valid row.
    assert db.session.scalar(select(func.count()).select_from(Trainee)) == 0


def test_a_wrong_row_keeps_every_row_of_the_workbook_out(cohort, run_import):
    run_import("budget", as_workbook("budget"))
    rows = [
        ["date", "line", "amount", "description"],
        [date(2021, 9, 30), "PED", 100, "Books"],
        [date(2021, 10, 1), "NOPE", 50, "Pens"],
    ]
    result = run_import("expenses", workbook(*rows))
    assert result.exit_code == 1
    assert "line 3: line: unknown budget line 'NOPE'" in result.stderr
    assert db.session.scalar(select(func.count()).select_from(Expense)) == 0


def test_only_the_first_worksheet_is_read(cohort, run_import):
    rows = [["code", "label", "planned_amount"], ["PED", "Personnel", 100]]
    result = run_import("budget", workbook(*rows, sheets=3))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "budget: 1 created, 0 updated, 0 unchanged"


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (workbook(), "line 1: the first worksheet is empty"),
        (workbook(["code", "label", "planned_amount"]), "line 2: the file has no rows below"),
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00", "the file is a zip archive, not an XLSX workbook"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500),
            "the file is an Excel 97-2003 workbook (.xls): save it as an XLSX workbook or as CSV",
        ),
    ],
    ids=["empty sheet", "header only", "damaged", "xls"],
)
def test_a_file_that_is_no_usable_workbook_is_refused(cohort, run_import, content, problem):
    result = run_import("budget", content)
    assert result.exit_code == 1
    assert problem in result.stderr
    assert "Traceback" not in result.output


def a_zip_holding(name: str, size: int) -> bytes:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, b"\0" * size)
    return data.getvalue()


def test_a_zip_bomb_is_refused_before_it_is_unpacked_in_memory(app):
    # 20 MB of zeros pack into 20 KB: over ten times the limit of 1 MB once unpacked.
    bomb = a_zip_holding("xl/sharedStrings.xml", 20 * 2**20)
    assert len(bomb) < 2**20
    with app.app_context(), pytest.raises(ImportRefused) as refused:
        read_file(bomb, most_bytes=2**20)
    assert str(refused.value) == (
        "the workbook unpacks to more than 10 MB: split it, or save it as CSV"
    )


def with_entity_bomb(content: bytes) -> bytes:
    """Rewrite a workbook so that its first sheet's first text expands to a billion 'lol'."""
    names = ["lol", *(f"lol{n}" for n in range(1, 10))]
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY {name} "{f"&{smaller};" * 10}">' for smaller, name in itertools.pairwise(names)
    )
    original, bombed = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(bombed, "w") as archive:
        for member in original.infolist():
            data = original.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                body = re.sub(r"^<\?xml[^>]*\?>", "", data.decode())
                data = f"<!DOCTYPE bomb [{entities}]>{body}".replace(">PED<", ">&lol9;<").encode()
                assert b"&lol9;" in data
            archive.writestr(member, data)
    return bombed.getvalue()


def test_an_xml_entity_bomb_is_refused(app):
    # The XML parser (expat 2.4.1 or newer) stops an entity that expands a thousand-fold.
    bomb = with_entity_bomb(workbook(["code", "label", "planned_amount"], ["PED", "x", 1]))
    with app.app_context(), pytest.raises(ImportRefused) as refused:
        read_file(bomb, most_bytes=2**20)
    assert str(refused.value) == "the file is a zip archive, not an XLSX workbook"


def test_a_worksheet_of_too_many_rows_is_refused(app, monkeypatch):
    from tracker.imports import reading

    monkeypatch.setattr(reading, "XLSX_MOST_ROWS", 5)
    rows = [["code", "label", "planned_amount"], *([f"L{n}", "x", 1] for n in range(5))]
    with app.app_context(), pytest.raises(ImportRefused) as refused:
        read_file(workbook(*rows), most_bytes=2**20)
    assert str(refused.value) == "line 6: the worksheet has more than 5 rows: split it"
    assert XLSX_MOST_ROWS >= 100_000  # the real limit leaves room for a cohort's roll calls


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        ("T01", "T01"),
        (12, "12"),
        (12.5, "12.5"),
        (0.1 + 0.2, "0.3"),
        (1e20, "100000000000000000000"),
        (datetime(2022, 1, 3), "2022-01-03"),
        (datetime(2022, 1, 3, 9, 30), "2022-01-03 09:30:00"),
        (date(2022, 1, 3), "2022-01-03"),
        (True, "TRUE"),
    ],
)
def test_cells_are_read_as_the_text_a_csv_file_would_hold(value, text):
    assert cell_text(value) == text


# The upload page


@pytest.fixture
def admin(app, login_as, world):
    client = app.test_client()
    with app.app_context():
        login_as(client, db.session.get(User, world.accounts["admin"]))
    return client


def upload(client, url: str, data: dict, content: bytes, name: str, language: str = "en"):
    token = csrf_token(client.get(url).text)
    return client.post(
        f"{url}?lang={language}",
        data={**data, "file": (io.BytesIO(content), name), "csrf_token": token},
        content_type="multipart/form-data",
    )


def test_a_workbook_uploaded_under_a_csv_name_is_imported(app, admin):
    rows = [
        ["ref", "first_name", "last_name", "email", "enrolled_on"],
        ["T05", "Emma", "Petit", "emma@example.org", date(2022, 1, 3)],
    ]
    url = "/cohorts/alpha/import"
    response = upload(admin, url, {"kind": "trainees"}, workbook(*rows), "trainees.csv")
    assert response.status_code == 302
    page = admin.get(response.headers["Location"] + "?lang=en").text
    assert "Trainees imported: 1 created, 0 updated, 0 unchanged." in page


def test_the_upload_pages_say_workbooks_are_accepted(admin):
    page = text(admin.get("/cohorts/alpha/import?lang=fr").text)
    assert "Fichier CSV ou XLSX" in page
    for url in ("/cohorts/alpha/import", "/cohorts/alpha/budget/expenses/import"):
        assert ".xlsx" in admin.get(url).text


def test_a_refused_workbook_of_expenses_shows_its_rows_in_french(app, admin):
    rows = [
        ["date", "line", "amount", "description"],
        [date(2022, 1, 31), "PED", 100, "Livres"],
        [date(2022, 2, 1), "PED", -5, "Avoir"],
    ]
    url = "/cohorts/alpha/budget/expenses/import"
    response = upload(admin, url, {}, workbook(*rows), "dépenses.xlsx", language="fr")
    assert response.status_code == 422
    assert "ligne 3\u00a0: amount\u00a0:" in text(response.text)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Expense)) == 1
