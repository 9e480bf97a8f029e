"""Exports: the CSV and XLSX writers (formulas neutralised, numbers as numbers) and the funding
exports, whose figures are those of `tracker metrics` and whose names the server chooses."""

import csv
import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import select, update

from tests.pages_data import AS_OF, build_cohort
from tests.test_funding_pages import SECRET_COMMENT, add_budget, hide_secrets, signed_in
from tests.test_reports import plain, text_of
from tracker import i18n
from tracker.budget.models import BudgetLine, Expense
from tracker.cohorts.models import Cohort, Trainee
from tracker.exports import (
    Rate,
    Ratio,
    Sheet,
    attachment_name,
    neutralise,
    write_csv,
    write_xlsx,
    xlsx_text,
)
from tracker.extensions import db
from tracker.metrics import series
from tracker.metrics.loading import cohort_metrics, load_cohort_data

DANGEROUS = ["=1+1", "+33 6 12 34 56 78", "-2", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("x")']


def read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))


def read_xlsx(content: bytes):
    return load_workbook(io.BytesIO(content))


def csv_sheets(rows: list[list[str]]) -> dict[str, list[list[str]]]:
    """Split a CSV file of several sheets (title row, header, rows, empty line) by title."""
    sheets, current = {}, None
    for row in rows:
        if not row:
            current = None
        elif current is None:
            current = sheets.setdefault(row[0], [])
        else:
            current.append(row)
    return sheets


def number(cell: str) -> float:
    """Read a number written with a decimal comma."""
    return float(cell.replace(",", "."))


def no_formula_anywhere(workbook) -> None:
    for worksheet in workbook:
        for row in worksheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (worksheet.title, cell.coordinate, cell.value)


# ---------------------------------------------------------------------------------------------
# The writers


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(), min_size=1, max_size=6))
def test_csv_text_cells_come_back_as_written_formulas_quoted(cells):
    content = write_csv([Sheet("S", ["Text"] * len(cells), [cells])])
    header, row = read_csv(content)
    assert header == ["Text"] * len(cells)
    for original, written in zip(cells, row, strict=True):
        if original.startswith(("=", "+", "-", "@", "\t", "\r")):
            assert written == "'" + original
        else:
            assert written == original
        assert not written.startswith(("=", "+", "-", "@", "\t", "\r"))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(), min_size=1, max_size=6))
def test_xlsx_text_cells_are_never_formulas_and_keep_their_text(cells):
    workbook = read_xlsx(write_xlsx([Sheet("S", cells, [cells])]))
    no_formula_anywhere(workbook)
    worksheet = workbook["S"]
    for row_number in (1, 2):
        for column, original in enumerate(cells, start=1):
            cell = worksheet.cell(row=row_number, column=column)
            # XML holds neither most control characters nor a bare carriage return.
            assert (cell.value or "") == xlsx_text(original)
            if cell.value:
                assert cell.data_type == "s"


def test_xlsx_text_is_the_text_itself_when_xml_can_hold_it():
    assert xlsx_text("=1+1") == "=1+1"
    assert xlsx_text("Léa\nBenali ") == "Léa\nBenali "
    assert xlsx_text("a\r\nb\rc") == "a\nb\nc"
    assert xlsx_text("bell\x07") == "bell"


@pytest.mark.parametrize("text", DANGEROUS)
def test_formula_like_text_is_neutralised_in_both_formats(text):
    rows = read_csv(write_csv([Sheet("S", ["Name"], [[text]])]))
    assert rows[1] == ["'" + text]
    cell = read_xlsx(write_xlsx([Sheet("S", ["Name"], [[text]])]))["S"]["A2"]
    assert cell.data_type == "s"
    assert cell.value == xlsx_text(text)
    assert cell.quotePrefix  # Excel keeps it a text even when someone edits it
    assert neutralise("Ada") == "Ada" and neutralise("") == ""


def test_numbers_and_dates_stay_numbers_and_dates():
    sheet = Sheet(
        "Money",
        ["Amount", "Rate", "Ratio", "Hours", "Count", "Day", "Empty"],
        [[Decimal("-12.50"), Rate(0.8123), Ratio(0.9678), 1234.5, -3, date(2022, 6, 30), None]],
    )
    rows = read_csv(write_csv([sheet]))
    # Each figure with the precision the pages and the PDFs show it with.
    assert rows == [
        ["Amount", "Rate", "Ratio", "Hours", "Count", "Day", "Empty"],
        ["-12,50", "81,2\u00a0%", "0,97", "1234,50", "-3", "30/06/2022", ""],
    ]
    worksheet = read_xlsx(write_xlsx([sheet]))["Money"]
    amount, rate, ratio, quantity, count, day, empty = (cell for cell in worksheet[2])
    assert (amount.data_type, amount.value) == ("n", -12.5)
    assert "€" in amount.number_format
    # The exact value, in a format that shows the same precision.
    assert (rate.value, rate.number_format) == (0.8123, "0.0%")
    assert (ratio.value, ratio.number_format) == (0.9678, "0.00")
    assert (quantity.value, quantity.number_format) == (1234.5, "0.00")
    assert count.value == -3
    assert day.is_date and day.value == datetime(2022, 6, 30)
    assert empty.value is None
    assert [cell.font.b for cell in worksheet[1]] == [True] * 7
    assert worksheet.freeze_panes == "A2"


def test_several_sheets_are_worksheets_or_titled_blocks():
    sheets = [
        Sheet("Figures: [all]", ["Figure", "Value"], [["Enrolled", 12]]),
        Sheet("Lines", ["Code"], [["PED"], ["EQP"]]),
    ]
    workbook = read_xlsx(write_xlsx(sheets))
    assert workbook.sheetnames == ["Figures   all", "Lines"]
    assert read_csv(write_csv(sheets)) == [
        ["Figures: [all]"],
        ["Figure", "Value"],
        ["Enrolled", "12"],
        [],
        ["Lines"],
        ["Code"],
        ["PED"],
        ["EQP"],
    ]


def test_file_names_are_ascii_words():
    assert attachment_name("ibm-ai-1", "relevé mensuel", "2022-06", extension="csv") == (
        "ibm-ai-1_releve-mensuel_2022-06.csv"
    )
    assert attachment_name("../../etc", 'x";\r\n', extension="xlsx") == "etc_x.xlsx"
    assert attachment_name("", extension="csv") == "export.csv"


# ---------------------------------------------------------------------------------------------
# The funding exports


@pytest.fixture
def funded(app, make_user):
    """A cohort of 12 trainees with a budget, one trainee and one expense named like formulas."""
    with app.app_context():
        cohort_id = build_cohort("funded", 12)
        add_budget(cohort_id)
        db.session.execute(
            update(Trainee)
            .where(Trainee.cohort_id == cohort_id, Trainee.ref == "T02")
            .values(first_name='=HYPERLINK("http://evil")', last_name="-Nom")
        )
        line = db.session.scalar(select(BudgetLine).where(BudgetLine.code == "EQP"))
        db.session.add(
            Expense(
                budget_line_id=line.id,
                date=date(2022, 1, 25),
                amount=Decimal("10.00"),
                description="@SUM(1+1)",
                supplier="+33 6 00 00 00 00",
                reference="=cmd|' /C calc'!A0",
            )
        )
        hide_secrets(cohort_id)
        accounts = {"officer": make_user("officer").id, "admin": make_user("admin").id}
        db.session.commit()
        return accounts


def export(app, login_as, funded, path: str, role: str = "officer"):
    client = signed_in(app, login_as, funded[role])
    response = client.get(f"/cohorts/funded/funding/export/{path}")
    assert response.status_code == 200, response.text
    return response


def metrics(app, as_of=AS_OF) -> dict:
    with app.app_context():
        cohort = db.session.scalar(select(Cohort).where(Cohort.slug == "funded"))
        return cohort_metrics(cohort, as_of)


def test_figures_csv_holds_the_figures_of_tracker_metrics(app, login_as, funded):
    response = export(app, login_as, funded, f"figures.csv?as_of={AS_OF}&lang=en")
    assert response.mimetype == "text/csv"
    # One charset, once.
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=funded_figures_2022-01-31.csv"
    )
    sheets = csv_sheets(read_csv(response.data))
    assert list(sheets) == ["Figures", "Budget lines", "Withdrawals", "Attendance per trainee"]
    m = metrics(app)
    values = dict(sheets["Figures"][1:])
    budget, attendance = m["budget"], m["attendance"]
    assert values["Figures as of"] == "31/01/2022"
    assert int(values["Enrolled"]) == m["enrolment"]["enrolled"]
    assert int(values["Active"]) == m["enrolment"]["active"]
    assert int(values["Withdrawn"]) == m["enrolment"]["withdrawn"]
    assert int(values["Completed"]) == m["enrolment"]["completed"]
    assert number(values["Hours scheduled"]) == attendance["scheduled_hours"]
    assert number(values["Hours attended"]) == attendance["attended_hours"]
    assert number(values["Hours of excused absence"]) == attendance["excused_hours"]
    assert number(values["Hours not recorded"]) == attendance["unrecorded_hours"]
    assert values["Attendance rate"] == i18n.rate(attendance["rate"], "fr")
    assert number(values["Trainee-hours realised"]) == m["trainee_hours"]["realised"]
    assert number(values["Trainee-hours contracted"]) == m["trainee_hours"]["contracted"]
    assert values["Trainee-hours rate"] == i18n.rate(m["trainee_hours"]["rate"], "fr")
    for key, label in (
        ("grant", "Grant"),
        ("spent", "Spent"),
        ("remaining", "Remaining"),
        ("forecast_at_completion", "Forecast at completion"),
        ("cost_per_realised_hour", "Cost per realised trainee-hour"),
    ):
        assert values[label].replace(",", ".") == budget[key], label
    assert values["Consumption"] == i18n.rate(budget["consumption"], "fr")
    assert values["Time elapsed"] == i18n.rate(budget["elapsed"], "fr")
    assert values["Burn ratio"] == i18n.ratio(budget["burn_ratio"], "fr")
    active = [t for t in m["trainees"] if t["status"] == "active"]
    assert int(values["Active trainees at risk"]) == sum(1 for t in active if t["at_risk"])
    assert int(values["At risk: Failing a module"]) == sum(
        "failing_module" in t["at_risk"] for t in active
    )
    assert "Mean progress" not in values
    assert sheets["Budget lines"][1:] == [
        [
            line["code"],
            line["label"],
            line["planned"].replace(".", ","),
            line["spent"].replace(".", ","),
            i18n.rate(line["consumption"], "fr"),
        ]
        for line in budget["lines"]
    ]
    trainees = sheets["Attendance per trainee"]
    assert trainees[0] == [
        "Ref.",
        "Name",
        "Status",
        "Hours scheduled",
        "Hours attended",
        "Hours of excused absence",
        "Hours not recorded",
        "Attendance rate",
        "Assiduity rate",
    ]
    for row, t in zip(trainees[1:], m["trainees"], strict=True):
        assert row[0] == t["ref"] and row[2] == t["status"]
        assert [number(cell) for cell in row[3:7]] == [
            t["scheduled_hours"],
            t["attended_hours"],
            t["excused_hours"],
            t["unrecorded_hours"],
        ]
        assert row[7:] == [
            i18n.rate(t["attendance_rate"], "fr") if t["attendance_rate"] is not None else "",
            i18n.rate(t["assiduity_rate"], "fr") if t["assiduity_rate"] is not None else "",
        ]
    withdrawn = [t["ref"] for t in m["trainees"] if t["status"] == "withdrawn"]
    assert [row[0] for row in sheets["Withdrawals"][1:]] == withdrawn
    assert sheets["Withdrawals"][1][2:] == ["03/01/2022", "07/01/2022", "Emploi trouvé"]


def test_figures_xlsx_holds_the_same_figures_as_numbers(app, login_as, funded):
    response = export(app, login_as, funded, f"figures.xlsx?as_of={AS_OF}&lang=en")
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=funded_figures_2022-01-31.xlsx"
    )
    workbook = read_xlsx(response.data)
    no_formula_anywhere(workbook)
    assert workbook.sheetnames == [
        "Figures",
        "Budget lines",
        "Withdrawals",
        "Attendance per trainee",
    ]
    m = metrics(app)
    values = {row[0].value: row[1] for row in workbook["Figures"].iter_rows(min_row=2)}
    assert values["Figures as of"].value == datetime(2022, 1, 31)
    assert values["Enrolled"].value == m["enrolment"]["enrolled"]
    assert values["Hours attended"].value == m["attendance"]["attended_hours"]
    assert values["Attendance rate"].value == m["attendance"]["rate"]
    assert values["Trainee-hours rate"].value == m["trainee_hours"]["rate"]
    spent = values["Spent"]
    assert spent.data_type == "n" and "€" in spent.number_format
    assert Decimal(str(spent.value)).quantize(Decimal("0.01")) == Decimal(m["budget"]["spent"])
    assert Decimal(str(values["Cost per realised trainee-hour"].value)) == Decimal(
        m["budget"]["cost_per_realised_hour"]
    )
    assert values["Burn ratio"].value == m["budget"]["burn_ratio"]
    rows = list(workbook["Attendance per trainee"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[4], r[7]) for r in rows] == [
        (t["ref"], t["attended_hours"], t["attendance_rate"]) for t in m["trainees"]
    ]
    # A trainee's name that looks like a formula stays text.
    names = {r[0]: r[1] for r in rows}
    assert names["T02"] == '=HYPERLINK("http://evil") -Nom'


def test_a_figure_reads_the_same_on_the_page_in_the_pdf_and_in_the_exports(app, login_as, funded):
    """One display rule per figure: a rate to one decimal, the burn ratio to two, money…"""
    client = signed_in(app, login_as, funded["officer"])
    query = f"as_of={AS_OF}&lang=fr"
    page = client.get(f"/cohorts/funded/funding?{query}").text
    pdf = text_of(client.get(f"/cohorts/funded/funding-report.pdf?{query}").data)
    in_csv = dict(
        csv_sheets(read_csv(export(app, login_as, funded, f"figures.csv?{query}").data))[
            "Chiffres"
        ][1:]
    )
    workbook = read_xlsx(export(app, login_as, funded, f"figures.xlsx?{query}").data)
    in_xlsx = {row[0].value: row[1] for row in workbook["Chiffres"].iter_rows(min_row=2)}
    budget = metrics(app)["budget"]
    attendance = metrics(app)["attendance"]
    for label, value, shown in (
        ("Ratio de consommation", budget["burn_ratio"], i18n.ratio(budget["burn_ratio"], "fr")),
        ("Taux de présence", attendance["rate"], i18n.rate(attendance["rate"], "fr")),
        ("Consommation", budget["consumption"], i18n.rate(budget["consumption"], "fr")),
        ("Temps écoulé", budget["elapsed"], i18n.rate(budget["elapsed"], "fr")),
        ("Dépensé", budget["spent"], i18n.money(budget["spent"], "fr")),
    ):
        assert f'<td class="number">{shown}</td>' in page, label
        assert plain(shown) in pdf, label
        if isinstance(value, str):  # money: a number to the cent, as the page's without its €
            assert in_csv[label] == value.replace(".", ",")
            continue
        assert in_csv[label] == shown, label
        # XLSX keeps the exact value, in a format that shows what the page shows.
        cell = in_xlsx[label]
        assert cell.value == value
        places = len(cell.number_format.split(".")[1].rstrip("%"))
        if cell.number_format.endswith("%"):
            assert i18n.percent(cell.value, places, "fr") == shown, label
        else:
            assert i18n.number(cell.value, places, "fr") == shown, label


def test_the_statement_exports_are_the_series_with_their_totals(app, login_as, funded):
    csv_response = export(app, login_as, funded, "statement.csv?month=2022-01&lang=fr")
    assert csv_response.headers["Content-Disposition"] == (
        "attachment; filename=funded_releve-mensuel_2022-01.csv"
    )
    xlsx_response = export(app, login_as, funded, "statement.xlsx?month=01/2022&lang=fr")
    assert xlsx_response.headers["Content-Disposition"] == (
        "attachment; filename=funded_releve-mensuel_2022-01.xlsx"
    )
    with app.app_context():
        cohort = db.session.scalar(select(Cohort).where(Cohort.slug == "funded"))
        statement = series.monthly_statement(load_cohort_data(cohort, date(2022, 1, 31)))
    expected = [
        [
            row.ref,
            row.scheduled_hours,
            row.attended_hours,
            row.excused_hours,
            row.unjustified_hours,
            row.unrecorded_hours,
            0,  # justifications waiting for a decision: none declared in this data set
        ]
        for row in statement
    ]
    m = metrics(app, date(2022, 1, 31))

    rows = read_csv(csv_response.data)
    body, total = rows[1:-1], rows[-1]
    assert [[r[1], *[number(c) for c in r[3:]]] for r in body] == expected
    assert all(r[0] == "2022-01" for r in rows[1:])
    assert body[1][2] == '\'=HYPERLINK("http://evil") -Nom'
    assert total[1:3] == ["", "Total"]
    assert number(total[3]) == m["attendance"]["scheduled_hours"]
    assert number(total[4]) == m["attendance"]["attended_hours"]
    assert number(total[5]) == m["attendance"]["excused_hours"]
    assert number(total[7]) == m["attendance"]["unrecorded_hours"]
    assert number(total[8]) == 0

    workbook = read_xlsx(xlsx_response.data)
    no_formula_anywhere(workbook)
    (worksheet,) = workbook.worksheets
    values = list(worksheet.iter_rows(values_only=True))
    assert [[r[1], *r[3:]] for r in values[1:-1]] == expected
    assert values[-1][2] == "Total"
    assert values[-1][4] == m["attendance"]["attended_hours"]


def test_the_expenses_exports_add_up_to_what_was_spent(app, login_as, funded):
    csv_response = export(app, login_as, funded, f"expenses.csv?as_of={AS_OF}&lang=en")
    assert csv_response.headers["Content-Disposition"] == (
        "attachment; filename=funded_expenses_2022-01-31.csv"
    )
    rows = read_csv(csv_response.data)
    assert rows[0] == [
        "Date",
        "Line",
        "Line label",
        "Amount",
        "Description",
        "Supplier",
        "Reference",
    ]
    assert [r[0] for r in rows[1:]] == ["10/01/2022", "20/01/2022", "25/01/2022"]
    spent = sum(Decimal(r[3].replace(",", ".")) for r in rows[1:])
    assert spent == Decimal(metrics(app)["budget"]["spent"])
    assert rows[3][4:] == ["'@SUM(1+1)", "'+33 6 00 00 00 00", "'=cmd|' /C calc'!A0"]

    xlsx_response = export(app, login_as, funded, f"expenses.xlsx?as_of={AS_OF}&lang=en")
    workbook = read_xlsx(xlsx_response.data)
    no_formula_anywhere(workbook)
    values = list(workbook.active.iter_rows(min_row=2, values_only=True))
    assert [v[0] for v in values] == [
        datetime(2022, 1, 10),
        datetime(2022, 1, 20),
        datetime(2022, 1, 25),
    ]
    assert sum(Decimal(str(v[3])) for v in values) == spent
    assert values[2][4:] == ("@SUM(1+1)", "+33 6 00 00 00 00", "=cmd|' /C calc'!A0")
    # Every expense, the February one too, once the date is later.
    later = read_csv(export(app, login_as, funded, "expenses.csv?as_of=2022-03-01").data)
    assert len(later) == 5


def test_file_names_take_nothing_from_the_request(app, login_as, funded):
    response = export(
        app, login_as, funded, "statement.csv?month=2022-02&as_of=2022-02-28&name=evil.exe"
    )
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=funded_releve-mensuel_2022-02.csv"
    )
    assert response.headers["Cache-Control"] == "no-store"
    # Spaces and line ends around the month are left out; anything else is refused.
    padded = export(app, login_as, funded, "statement.xlsx?month=2022-02%0d%0a")
    assert padded.headers["Content-Disposition"] == (
        "attachment; filename=funded_releve-mensuel_2022-02.xlsx"
    )
    client = signed_in(app, login_as, funded["officer"])
    bad = client.get("/cohorts/funded/funding/export/statement.csv?month=2022-02%0d%0aX")
    assert bad.status_code == 400


def test_an_officer_s_exports_hold_no_score_and_no_comment(app, login_as, funded):
    as_of = AS_OF.isoformat()
    for path in (
        f"figures.csv?as_of={as_of}",
        f"figures.xlsx?as_of={as_of}",
        "statement.csv?month=2022-01",
        "statement.xlsx?month=2022-01",
        f"expenses.csv?as_of={as_of}",
        f"expenses.xlsx?as_of={as_of}",
    ):
        for language in ("fr", "en"):
            content = export(app, login_as, funded, f"{path}&lang={language}").data
            if path.split("?")[0].endswith(".xlsx"):
                with zipfile.ZipFile(io.BytesIO(content)) as archive:
                    content = b"".join(archive.read(name) for name in archive.namelist())
            else:
                content = content.decode("utf-8-sig").encode()
            text = content.decode("utf-8", "replace")
            for secret in ("17.25", "17,25", SECRET_COMMENT, "Commentaire", "Quiz Python"):
                assert secret not in text, (path, secret)
            for word in ("progress", "Progression", "grade", "Note", "competenc", "Compétence"):
                assert word not in text, (path, word)
