"""Spreadsheets for funders' files: tables of rows written as CSV or XLSX, formulas neutralised.

The writers are plain functions over `Sheet`s (a title, a header row and rows of Python values),
so that any feature can export what it shows; see `tracker.exports.writers`.
"""

from tracker.exports.writers import (
    CSV_MIMETYPE,
    XLSX_MIMETYPE,
    Rate,
    Ratio,
    Sheet,
    attachment_name,
    csv_text,
    neutralise,
    stream_csv,
    write_csv,
    write_xlsx,
    xlsx_text,
)

__all__ = [
    "CSV_MIMETYPE",
    "XLSX_MIMETYPE",
    "Rate",
    "Ratio",
    "Sheet",
    "attachment_name",
    "csv_text",
    "neutralise",
    "stream_csv",
    "write_csv",
    "write_xlsx",
    "xlsx_text",
]
