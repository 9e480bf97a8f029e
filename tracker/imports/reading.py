"""Read CSV files from French offices: their encoding, their separator and their values."""

import codecs
import csv
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from tracker.codes import is_code, not_a_code
from tracker.imports.problems import ImportRefused, Invalid, Problem

ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
FRENCH_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)")
# Spreadsheets group thousands with spaces, non-breaking spaces or narrow non-breaking spaces.
THOUSANDS = str.maketrans("", "", " \u00a0\u202f")


@dataclass(frozen=True)
class Table:
    """The cells of a CSV file, each row with the physical line it starts on."""

    header_line: int
    header: list[str]
    rows: list[tuple[int, list[str]]]
    list_separator: str


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
