"""Write tables as CSV for French spreadsheets and as XLSX, with no cell a spreadsheet would run.

A `Sheet` is a title, a header row and rows of Python values, each written by its type:

- `str`: text. A text that a spreadsheet would take for a formula (one starting with `=`, `+`,
  `-`, `@`, a tab or a carriage return) is neutralised: in CSV it is prefixed with a single
  quote; in XLSX it is written as an inline string cell (never a formula cell), marked with the
  quote prefix that keeps Excel from reading it as a formula even when someone edits it, and its
  text is unchanged. XML cannot hold most control characters nor a bare carriage return: XLSX
  text leaves out the former and writes the latter as a line feed (`xlsx_text`).
- `Decimal`: an amount of euros; `Rate`: a rate or a share (0.8123), shown as a percentage;
  `Ratio`: a ratio that is not a share (the burn ratio); `float`: hours and other quantities;
  `int`: a count. Numbers are never neutralised (-12.50 is a number, not a formula). Each is
  shown with the precision of its kind everywhere (`tracker.i18n`: rates to one decimal, as on
  the pages and in the PDFs, ratios and hours to two, money to the cent). CSV writes them with a
  decimal comma and no thousands separator, a rate as the pages write it (81,2 %); XLSX keeps
  the exact value in a numeric cell whose format shows that precision (0.0%, 0.00, euros).
- `date`: DD/MM/YYYY in CSV, a date cell in XLSX. `None`: an empty cell.

CSV files are UTF-8 with a byte-order mark, semicolon-separated, with CRLF line ends, as Excel
and LibreOffice in French open them with a double click (and as `tracker import` reads them).
A CSV file of one sheet is its header row then its rows; of several sheets, each sheet is its
title row, its header row and its rows, with an empty line between sheets. An XLSX workbook has a
worksheet per sheet, its header row in bold and frozen.
"""

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from tracker import i18n

# Content-Type headers, whole (send them as `content_type`, not as `mimetype`).
CSV_MIMETYPE = "text/csv; charset=utf-8"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# What a spreadsheet reads as the start of a formula (OWASP, "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

MONEY_FORMAT = '#,##0.00\\ "€"'
RATE_FORMAT = "0." + "0" * i18n.RATE_PLACES + "%"
RATIO_FORMAT = "0." + "0" * i18n.RATIO_PLACES
QUANTITY_FORMAT = "0." + "0" * i18n.HOURS_PLACES
DATE_FORMAT = "DD/MM/YYYY"
SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
WIDEST_COLUMN = 60


class Rate(float):
    """A rate or a share, such as an attendance rate (0.8123), shown as a percentage."""

    __slots__ = ()


class Ratio(float):
    """A ratio that is not a share, such as the burn ratio (0.9678), shown as 0,97."""

    __slots__ = ()


Cell = str | int | float | Decimal | date | None


@dataclass(frozen=True)
class Sheet:
    """A table to export: its title (the worksheet's name), its header row and its rows."""

    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence[Cell]]


# ---------------------------------------------------------------------------------------------
# Text


def is_formula_like(text: str) -> bool:
    """Tell whether a spreadsheet would take this text for a formula."""
    return text.startswith(FORMULA_STARTS)


def neutralise(text: str) -> str:
    """Prefix a formula-like text with a single quote, so that a spreadsheet shows it as text."""
    return "'" + text if is_formula_like(text) else text


def csv_text(text: str) -> str:
    """Return what a CSV file holds for a text cell."""
    return neutralise(text)


def xlsx_text(text: str) -> str:
    """Return what an XLSX cell holds for a text: no control character XML refuses, no bare CR."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # see write_xlsx

    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def attachment_name(*parts: str, extension: str) -> str:
    """Build a file name from words: ASCII letters, digits and dashes, parts joined by `_`."""
    words = []
    for part in parts:
        ascii_text = unicodedata.normalize("NFKD", part).encode("ascii", "ignore").decode()
        word = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
        if word:
            words.append(word)
    return "_".join(words or ["export"]) + "." + extension


# ---------------------------------------------------------------------------------------------
# CSV


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return csv_text(value)
    if isinstance(value, bool):
        raise TypeError("write a yes or no as words, not a bool")
    # French conventions, whatever the page's language: the files are for French spreadsheets.
    if isinstance(value, Rate):
        return i18n.rate(value, "fr")
    if isinstance(value, Ratio):
        return i18n.grouped(value, i18n.RATIO_PLACES, "fr", group=False)
    if isinstance(value, float):
        return i18n.grouped(value, i18n.HOURS_PLACES, "fr", group=False)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return f"{value:f}".replace(".", ",")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    raise TypeError(f"cannot write a {type(value).__name__} in a spreadsheet")


def write_csv(sheets: Sequence[Sheet]) -> bytes:
    """Write sheets as one CSV file for French spreadsheets (UTF-8 with BOM, semicolons)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    titled = len(sheets) > 1
    for index, sheet in enumerate(sheets):
        if index:
            writer.writerow([])
        if titled:
            writer.writerow([csv_text(sheet.title)])
        writer.writerow([csv_text(header) for header in sheet.headers])
        writer.writerows([_csv_cell(value) for value in row] for row in sheet.rows)
    return buffer.getvalue().encode("utf-8-sig")


# ---------------------------------------------------------------------------------------------
# XLSX


def _sheet_title(title: str, taken: set[str]) -> str:
    """Return a worksheet name Excel accepts (31 characters, none of []:*?/\\), unique."""
    base = SHEET_TITLE_FORBIDDEN.sub(" ", xlsx_text(title)).strip().strip("'")[:31] or "Sheet"
    name, number = base, 1
    while name.casefold() in taken:
        number += 1
        suffix = f" ({number})"
        name = base[: 31 - len(suffix)] + suffix
    taken.add(name.casefold())
    return name


def _put(cell, value: Cell) -> int:
    """Write a value in a worksheet cell by its type; return its width in characters."""
    if value is None:
        return 0
    if isinstance(value, str):
        text = xlsx_text(value)
        cell.value = text
        # openpyxl makes a formula of any text starting with "=": a string it stays.
        cell.data_type = "s"
        if is_formula_like(value):
            cell.quotePrefix = True
        return max((len(line) for line in text.split("\n")), default=0)
    if isinstance(value, bool):
        raise TypeError("write a yes or no as words, not a bool")
    if isinstance(value, Rate):
        cell.value = float(value)
        cell.number_format = RATE_FORMAT
        return 8
    if isinstance(value, Ratio):
        cell.value = float(value)
        cell.number_format = RATIO_FORMAT
        return 6
    if isinstance(value, float):
        cell.value = value
        cell.number_format = QUANTITY_FORMAT
    elif isinstance(value, int):
        cell.value = value
    elif isinstance(value, Decimal):
        cell.value = value
        cell.number_format = MONEY_FORMAT
        return len(f"{value:,.2f}") + 2
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = DATE_FORMAT
        return 10
    else:
        raise TypeError(f"cannot write a {type(value).__name__} in a spreadsheet")
    return len(_csv_cell(value))


def write_xlsx(sheets: Sequence[Sheet]) -> bytes:
    """Write sheets as an XLSX workbook, a worksheet each, numbers and dates as such."""
    # Imported here: openpyxl and the NumPy it loads cost a tenth of a second to every process
    # that starts the application, and only an XLSX download needs them.
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    taken: set[str] = set()
    for sheet in sheets:
        worksheet = workbook.create_sheet(_sheet_title(sheet.title, taken))
        widths: dict[int, int] = {}
        for column, header in enumerate(sheet.headers, start=1):
            cell = worksheet.cell(row=1, column=column)
            widths[column] = _put(cell, header)
            cell.font = bold
        for row_number, row in enumerate(sheet.rows, start=2):
            for column, value in enumerate(row, start=1):
                width = _put(worksheet.cell(row=row_number, column=column), value)
                widths[column] = max(widths.get(column, 0), width)
        for column, width in widths.items():
            letter = get_column_letter(column)
            worksheet.column_dimensions[letter].width = min(max(width, 6) + 2, WIDEST_COLUMN)
        worksheet.freeze_panes = "A2"
    if not sheets:
        workbook.create_sheet("Sheet")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def stream_csv(headers: Sequence[str], rows: Iterable[Sequence[Cell]]) -> Iterator[bytes]:
    """Write one sheet as CSV piece by piece, as `write_csv` does whole: for long exports."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([csv_text(header) for header in headers])
    first = True
    for number, row in enumerate(rows, start=1):
        writer.writerow([_csv_cell(value) for value in row])
        if number % 500 == 0:
            yield buffer.getvalue().encode("utf-8-sig" if first else "utf-8")
            buffer.seek(0)
            buffer.truncate()
            first = False
    if first or buffer.tell():
        yield buffer.getvalue().encode("utf-8-sig" if first else "utf-8")
