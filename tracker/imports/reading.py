"""Read files from French offices: CSV (its encoding, its separator) or an XLSX workbook, and
their values.

A file is told by its content, not its name: an XLSX workbook is a zip archive. Its first
worksheet is read as a CSV file would be, a row per line (the line numbers are the sheet's row
numbers); date cells become dates and number cells numbers, as Excel shows them.
"""

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from tracker import timeutil
from tracker.codes import is_code, not_a_code
from tracker.imports.problems import ImportRefused, Invalid, Problem

ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
FRENCH_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)")
# Spreadsheets group thousands with spaces, non-breaking spaces or narrow non-breaking spaces.
THOUSANDS = str.maketrans("", "", " \u00a0\u202f")

ZIP_SIGNATURE = b"PK\x03\x04"
# Excel 97-2003 (.xls) and other OLE2 compound files.
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An XLSX file of 10 MB holds some 100 MB of XML: more is a zip bomb, or far beyond any cohort.
XLSX_MOST_EXPANSION = 10
# Rows read from a worksheet, blank ones included (a cohort's roll calls: some 20,000).
XLSX_MOST_ROWS = 200_000
# Columns read from a worksheet: the widest kind has 8.
XLSX_MOST_COLUMNS = 100
# Excel shows 15 significant digits: 0.1 + 0.2 is 0.3 there, and here.
EXCEL_DIGITS = ".15g"


@dataclass(frozen=True)
class Table:
    """The cells of a file, each row with the line it starts on (a CSV line, a sheet's row).

    `list_separator` holds the characters that separate the items of a list cell (competencies).
    """

    header_line: int
    header: list[str]
    rows: list[tuple[int, list[str]]]
    list_separator: str


def read_file(data: bytes, *, most_bytes: int) -> Table:
    """Read an XLSX workbook or a CSV file, told apart by their content."""
    if data.startswith(ZIP_SIGNATURE):
        return read_workbook(data, most_expanded=most_bytes * XLSX_MOST_EXPANSION)
    if data.startswith(OLE2_SIGNATURE):
        raise ImportRefused(
            [
                Problem(
                    None,
                    None,
                    _(
                        "the file is an Excel 97-2003 workbook (.xls): save it as an XLSX"
                        " workbook or as CSV"
                    ),
                )
            ]
        )
    return read_table(decode(data))


def decode(data: bytes) -> str:
    """Decode UTF-8 (with or without a byte-order mark) or else Windows-1252."""
    if b"\0" in data:
        raise _not_text(data, data.index(b"\0"))
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise _not_text(data, error.start) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise _not_text(data, error.start) from None


def _not_text(data: bytes, position: int) -> ImportRefused:
    line = data.count(b"\n", 0, position) + 1
    return ImportRefused(
        [Problem(line, None, _("the file is not text; save the spreadsheet as CSV"))]
    )


def read_table(text: str) -> Table:
    """Split the text into a header and rows, separated by commas or by semicolons."""
    if not text.strip():
        raise ImportRefused([Problem(1, None, _("the file is empty"))])
    first_line = next(line for line in text.splitlines() if line.strip())
    separator = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    header_line, header, rows = 0, None, []
    line = 1
    try:
        for cells in reader:
            if header is None:
                if any(cell.strip() for cell in cells):
                    header_line, header = line, cells
            elif any(cell.strip() for cell in cells):
                rows.append((line, cells))
            line = reader.line_num + 1
    except csv.Error as error:
        problem = Problem(line, None, _("cannot read the row: %(error)s", error=error))
        raise ImportRefused([problem]) from None
    if not rows:
        raise ImportRefused(
            [Problem(header_line + 1, None, _("the file has no rows below its header"))]
        )
    return Table(
        header_line=header_line,
        header=[column_name(cell) for cell in header],
        rows=rows,
        list_separator=";" if separator == "," else "|",
    )


def read_workbook(data: bytes, *, most_expanded: int) -> Table:
    """Read the first worksheet of an XLSX workbook: its header row and the rows below.

    Its size unpacked is bounded first; then openpyxl reads it in read-only mode, a row at a time,
    through Python's XML parser, whose expat (2.4.1 or newer) refuses entity bombs.
    """
    from openpyxl import load_workbook  # see tracker/cli.py: only when a workbook is read

    not_a_workbook = ImportRefused(
        [Problem(None, None, _("the file is a zip archive, not an XLSX workbook"))]
    )
    stream = io.BytesIO(data)
    try:
        check_expanded_size(stream, most_expanded)
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except ImportRefused:
        raise
    except Exception:
        # A damaged or foreign archive fails in many ways inside zipfile and openpyxl.
        raise not_a_workbook from None
    try:
        if not workbook.worksheets:
            raise ImportRefused([Problem(None, None, _("the workbook has no worksheet"))])
        sheet = workbook.worksheets[0]
        # Read every row, whatever size the sheet declares (some programs declare it wrong).
        sheet.reset_dimensions()
        header_line, header, rows = 0, None, []
        try:
            for line, cells in sheet_rows(sheet):
                # Rows come padded to the most columns read: keep them to their last value.
                end = len(cells)
                while end and cells[end - 1] is None:
                    end -= 1
                texts = [cell_text(value) for value in cells[:end]]
                if not any(text.strip() for text in texts):
                    continue
                if header is None:
                    header_line, header = line, texts
                else:
                    rows.append((line, texts))
        except ImportRefused:
            raise
        except Exception:
            raise not_a_workbook from None
    finally:
        workbook.close()
    if header is None:
        raise ImportRefused([Problem(1, None, _("the first worksheet is empty"))])
    if not rows:
        raise ImportRefused(
            [Problem(header_line + 1, None, _("the file has no rows below its header"))]
        )
    return Table(
        header_line=header_line,
        header=[column_name(cell) for cell in header],
        rows=rows,
        list_separator=";|,",
    )


def check_expanded_size(stream: io.BytesIO, most: int) -> None:
    """Refuse an archive whose files, unpacked, exceed `most` bytes: count them as they unpack,
    since a zip archive may lie about their sizes."""
    total = 0
    with zipfile.ZipFile(stream) as archive:
        for member in archive.infolist():
            with archive.open(member) as unpacked:
                while chunk := unpacked.read(1 << 16):
                    total += len(chunk)
                    if total > most:
                        raise ImportRefused(
                            [
                                Problem(
                                    None,
                                    None,
                                    _(
                                        "the workbook unpacks to more than %(most)d MB: split it,"
                                        " or save it as CSV",
                                        most=most // 2**20,
                                    ),
                                )
                            ]
                        )
    stream.seek(0)


def sheet_rows(sheet: Any) -> Iterator[tuple[int, tuple]]:
    """Yield each row of a worksheet with its number, within the limits of rows and columns."""
    for line, cells in enumerate(
        sheet.iter_rows(values_only=True, max_col=XLSX_MOST_COLUMNS), start=1
    ):
        if line > XLSX_MOST_ROWS:
            raise ImportRefused(
                [
                    Problem(
                        line,
                        None,
                        _(
                            "the worksheet has more than %(most)d rows: split it",
                            most=XLSX_MOST_ROWS,
                        ),
                    )
                ]
            )
        yield line, cells


def cell_text(value: Any) -> str:
    """Write a cell's value as the text a CSV file would hold: dates as YYYY-MM-DD, numbers with a
    point and the digits Excel shows."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format(Decimal(format(value, EXCEL_DIGITS)), "f")
    return str(value)


def column_name(heading: str) -> str:
    """Return the column that a heading names, ignoring case and surrounding spaces."""
    return heading.strip().lower().replace(" ", "_")


# Value parsers: each reads a cell's stripped, non-blank text and returns a value or raises Invalid.

Parser = Callable[[str], Any]


def text(max_length: int | None = None) -> Parser:
    """Read free text, at most max_length characters."""

    def parse(value: str) -> str:
        if max_length is not None and len(value) > max_length:
            raise Invalid(_("is longer than %(most)d characters", most=max_length))
        return value

    return parse


def choice(options: Sequence[str], *, upper: bool = False) -> Parser:
    """Read one of a few words, ignoring case."""

    def parse(value: str) -> str:
        word = value.upper() if upper else value.lower()
        if word not in options:
            raise Invalid(
                _("%(value)r is not one of %(options)s", value=value, options=", ".join(options))
            )
        return word

    return parse


# The words a cell may say yes or no with, in English, in French, or as a workbook's TRUE/FALSE.
YES = frozenset({"yes", "y", "oui", "o", "true", "vrai", "1"})
NO = frozenset({"no", "n", "non", "false", "faux", "0"})


def yes_no(value: str) -> bool:
    """Read yes or no (also oui or non, true or false, 1 or 0), ignoring case."""
    word = value.strip().lower()
    if word in YES:
        return True
    if word in NO:
        return False
    raise Invalid(_("%(value)r is not yes or no", value=value))


def a_date(value: str) -> date:
    """Read a date written YYYY-MM-DD or DD/MM/YYYY."""
    if match := ISO_DATE.fullmatch(value):
        year, month, day = match.groups()
    elif match := FRENCH_DATE.fullmatch(value):
        day, month, year = match.groups()
    else:
        raise Invalid(_("%(value)r is not a date (YYYY-MM-DD or DD/MM/YYYY)", value=value))
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise Invalid(_("%(value)r is not a real date", value=value)) from None


def a_time(value: str) -> time:
    """Read a time of day written HH:MM (or 9h30, or HH:MM:SS as a workbook's time cell)."""
    try:
        return timeutil.read_clock(value)
    except ValueError:
        raise Invalid(_("%(value)r is not a time of day (HH:MM)", value=value)) from None


def number(
    *,
    minimum: Decimal | None = Decimal(0),
    above: Decimal | None = None,
    maximum: Decimal | None = None,
    places: int | None = None,
    euros: bool = False,
) -> Callable[[str], Decimal]:
    """Read a decimal number written with a point or a comma, within bounds."""

    def parse(value: str) -> Decimal:
        cleaned = value.translate(THOUSANDS)
        if euros:
            cleaned = cleaned.removesuffix("€").removesuffix("EUR")
        if not NUMBER.fullmatch(cleaned):
            raise Invalid(_("%(value)r is not a number", value=value))
        amount = Decimal(cleaned.replace(",", "."))
        if minimum is not None and amount < minimum:
            raise Invalid(
                _("%(value)s must be at least %(minimum)s", value=value, minimum=minimum)
                if minimum
                else _("%(value)s is negative", value=value)
            )
        if above is not None and amount <= above:
            raise Invalid(_("%(value)s must be more than %(above)s", value=value, above=above))
        if maximum is not None and amount > maximum:
            raise Invalid(_("%(value)s must be at most %(most)s", value=value, most=maximum))
        if places is not None and -amount.as_tuple().exponent > places:
            raise Invalid(
                _("%(value)s has more than %(places)d decimals", value=value, places=places)
            )
        return amount

    return parse


def whole_number(value: str) -> int:
    """Read a whole number that is not negative."""
    amount = number()(value)
    if amount != amount.to_integral_value():
        raise Invalid(_("%(value)s is not a whole number", value=value))
    return int(amount)


def money(*, positive: bool = False) -> Callable[[str], Decimal]:
    """Read an amount of euros and cents, possibly written 1 234,56 €."""
    return number(above=Decimal(0) if positive else None, places=2, euros=True)


def email(value: str) -> str:
    """Read an email address, checking its form but not that the domain exists."""
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise Invalid(
            _("%(value)r is not a valid email address (%(error)s)", value=value, error=error)
        ) from None


def codes(value: str) -> str:
    """Read a code or reference: letters, digits, `-`, `_` and `.` (tracker.codes)."""
    if not is_code(value):
        raise Invalid(not_a_code(value))
    return value
