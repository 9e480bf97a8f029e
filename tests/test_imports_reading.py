"""Reading CSV files from French offices: encodings, separators and values, without a database."""

from datetime import date
from decimal import Decimal

import pytest

from tracker.imports.problems import ImportRefused, Invalid
from tracker.imports.reading import (
    a_date,
    choice,
    decode,
    email,
    money,
    number,
    read_table,
    whole_number,
)


@pytest.mark.parametrize(
    "data",
    [
        "Hélène;Noël".encode(),
        b"\xef\xbb\xbf" + "Hélène;Noël".encode(),
        "Hélène;Noël".encode("cp1252"),
    ],
    ids=["utf-8", "utf-8 with BOM", "windows-1252"],
)
def test_decode_reads_the_usual_encodings(data):
    assert decode(data) == "Hélène;Noël"


def test_decode_reads_the_euro_sign_of_windows_1252():
    assert decode(b"12,50 \x80") == "12,50 €"


@pytest.mark.parametrize(
    ("data", "line"),
    [(b"a,b\nc,\0d\n", 2), (b"a,b\n\nc,\x81\n", 3), (b"\xef\xbb\xbfa,\xff\n", 1)],
)
def test_decode_refuses_what_is_not_text_naming_the_line(data, line):
    with pytest.raises(ImportRefused) as refused:
        decode(data)
    assert str(refused.value) == f"line {line}: the file is not text; save the spreadsheet as CSV"


def test_read_table_uses_semicolons_and_pipes_when_the_header_does():
    table = read_table("Code;Title;Competencies\nM01;Python, the basics;C1|C2\n")
    assert table.header == ["code", "title", "competencies"]
    assert table.rows == [(2, ["M01", "Python, the basics", "C1|C2"])]
    assert table.list_separator == "|"


def test_read_table_numbers_rows_by_physical_line_and_skips_blank_rows():
    table = read_table('\ncode,title\n\nC1,"two\nlines"\n,\nC2,two\r\n')
    assert table.header_line == 2
    assert [line for line, _ in table.rows] == [4, 7]
    assert table.list_separator == ";"


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "line 1: the file is empty"), ("code,title\n,\n", "line 2: the file has no rows below")],
)
def test_read_table_refuses_a_file_without_rows(text, message):
    with pytest.raises(ImportRefused, match=message):
        read_table(text)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2022-02-28", date(2022, 2, 28)),
        ("28/02/2022", date(2022, 2, 28)),
        ("3/1/2022", date(2022, 1, 3)),
    ],
)
def test_dates_are_iso_or_french(text, day):
    assert a_date(text) == day


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("31/02/2022", "'31/02/2022' is not a real date"),
        ("2022-13-01", "'2022-13-01' is not a real date"),
        ("02/28/22", "'02/28/22' is not a date (YYYY-MM-DD or DD/MM/YYYY)"),
    ],
)
def test_impossible_dates_are_refused(text, message):
    with pytest.raises(Invalid) as invalid:
        a_date(text)
    assert str(invalid.value) == message


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("3.5", Decimal("3.5")),
        ("3,5", Decimal("3.5")),
        ("273000", Decimal("273000")),
        ("273 000,00 €", Decimal("273000.00")),
        ("1\u00a0499,99\u00a0€", Decimal("1499.99")),
        ("1\u202f499,99 €", Decimal("1499.99")),
        ("12,5€", Decimal("12.5")),
        (",5", Decimal("0.5")),
    ],
)
def test_amounts_are_read_the_french_way(text, amount):
    assert money()(text) == amount


@pytest.mark.parametrize(
    ("parse", "text", "message"),
    [
        (money(), "12,345", "12,345 has more than 2 decimals"),
        (money(), "1.234,56", "'1.234,56' is not a number"),
        (money(), "1e3", "'1e3' is not a number"),
        (money(), "-3", "-3 is negative"),
        (money(positive=True), "0", "0 must be more than 0"),
        (number(maximum=Decimal(20)), "20,5", "20,5 must be at most 20"),
        (number(), "12 €", "'12 €' is not a number"),
        (whole_number, "2.5", "2.5 is not a whole number"),
    ],
)
def test_wrong_numbers_are_refused(parse, text, message):
    with pytest.raises(Invalid) as invalid:
        parse(text)
    assert str(invalid.value) == message


def test_whole_numbers_accept_a_decimal_comma_of_zero():
    assert whole_number("15,0") == 15


def test_choices_ignore_case():
    assert choice(("AM", "PM"), upper=True)("pm") == "PM"
    assert choice(("present", "late"))("Late") == "late"


def test_emails_are_checked_without_the_network():
    assert email("Alice.Martin@Example.ORG") == "Alice.Martin@example.org"
    with pytest.raises(Invalid, match="'alice@' is not a valid email address"):
        email("alice@")
