"""What each column of each kind of file holds, its format and an example: the import page explains
them in the visitor's language, and the templates (CSV and XLSX) are a header and the examples.

The examples name each other (trainee T01, module M01, session of 06/09/2021 AM…), so that the
templates, loaded in the order of KIND_LABELS, build a small cohort without a problem.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import LazyString, format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from tracker.exports import Sheet, write_csv, write_xlsx
from tracker.i18n import day
from tracker.imports.forms import KIND_LABELS
from tracker.imports.kinds import Kind
from tracker.imports.operations import KINDS

CODE = _l(
    "A code: up to 32 letters without accents, digits, dashes, underscores or dots, starting with"
    " a letter or a digit."
)
DATE = _l("A date, DD/MM/YYYY or YYYY-MM-DD, or a date cell in a workbook.")
CODES = _l(
    "Codes separated by | in a file separated by semicolons, by ; in a file separated by commas,"
    " by ; or | in a workbook."
)
EMAIL = _l("An email address.")
AMOUNT = _l("An amount in euros, with a comma or a point and at most 2 decimals: 1 234,56.")
TIME = _l("A time of day, HH:MM (09:00, 13:30), or a time cell in a workbook.")


def text_of_at_most(characters: int) -> LazyString:
    """Say that a column holds text of at most some characters, in the visitor's language."""
    return LazyString(lambda: _("Text, at most %(most)d characters.", most=characters))


TEXT = _l("Text.")


@dataclass(frozen=True)
class ColumnGuide:
    """What a column holds and its format, in the users' words, and an example value.

    The example is what a spreadsheet holds: text, a date, a number (a Decimal is an amount of
    euros) or a tuple of codes.
    """

    meaning: LazyString
    format: LazyString
    example: Any


GUIDE: dict[str, dict[str, ColumnGuide]] = {
    "trainees": {
        "ref": ColumnGuide(_l("The trainee's reference, unique in the cohort."), CODE, "T01"),
        "first_name": ColumnGuide(_l("First name."), text_of_at_most(100), "Camille"),
        "last_name": ColumnGuide(_l("Last name."), text_of_at_most(100), "Martin"),
        "email": ColumnGuide(
            _l("Email address of the trainee."), EMAIL, "camille.martin@example.org"
        ),
        "enrolled_on": ColumnGuide(
            _l("Day of enrolment: expected at the sessions from that day."),
            DATE,
            date(2021, 9, 6),
        ),
        "left_on": ColumnGuide(
            _l("Day the trainee left the course, for a withdrawal; empty otherwise."),
            DATE,
            date(2022, 3, 15),
        ),
        "exit_reason": ColumnGuide(
            _l("Why the trainee left; required with left_on, empty without."),
            TEXT,
            _l("Found a job"),
        ),
    },
    "positionings": {
        "trainee": ColumnGuide(_l("The trainee's reference."), CODE, "T01"),
        "date": ColumnGuide(
            _l("Day of the positioning on entry, not after today."), DATE, date(2021, 9, 1)
        ),
        "kind": ColumnGuide(
            _l("How the level was checked: a test or an interview."),
            _l("test or interview."),
            "test",
        ),
        "result": ColumnGuide(
            _l("The result, in short: a score, a level, a verdict."),
            text_of_at_most(200),
            "14/20",
        ),
        "prerequisites_met": ColumnGuide(
            _l("Whether the course's prerequisites are met."),
            _l("yes or no (also oui or non, true or false, 1 or 0)."),
            "yes",
        ),
        "comment": ColumnGuide(
            _l("A comment on the positioning; may be empty."),
            TEXT,
            _l("Good grounding in Python"),
        ),
    },
    "competencies": {
        "code": ColumnGuide(_l("The competency's code, unique in the cohort."), CODE, "C01"),
        "title": ColumnGuide(
            _l("What the competency is, as the certification words it."),
            text_of_at_most(300),
            _l("Write Python programs"),
        ),
        "block": ColumnGuide(
            _l("The block of the certification that holds it; may be empty."),
            text_of_at_most(200),
            _l("Block 1: programming"),
        ),
    },
    "modules": {
        "code": ColumnGuide(_l("The module's code, unique in the cohort."), CODE, "M01"),
        "title": ColumnGuide(_l("Title of the module."), text_of_at_most(300), _l("Python")),
        "planned_hours": ColumnGuide(
            _l("Hours planned for the module."),
            _l("A number of hours, with a comma or a point: 52,5."),
            70,
        ),
        "starts_on": ColumnGuide(
            _l("First day of the module; may be empty."), DATE, date(2021, 9, 6)
        ),
        "ends_on": ColumnGuide(
            _l("Last day of the module, on or after its first; may be empty."),
            DATE,
            date(2021, 10, 1),
        ),
        "pass_mark": ColumnGuide(
            _l("The grade out of 20 that passes the module; 10 when empty."),
            _l("A number from 0 to 20."),
            10,
        ),
        "competencies": ColumnGuide(
            _l("The competencies the module covers, by their codes."), CODES, ("C01",)
        ),
    },
    "sessions": {
        "date": ColumnGuide(
            _l("Day of the half-day session, within the cohort's dates."), DATE, date(2021, 9, 6)
        ),
        "slot": ColumnGuide(_l("The half-day: morning or afternoon."), _l("AM or PM."), "AM"),
        "module": ColumnGuide(_l("The code of the module taught."), CODE, "M01"),
        "hours": ColumnGuide(
            _l("Length of the session in hours; 3.5 when empty."),
            _l("A number of hours above 0, at most 12, with a comma or a point: 3,5."),
            3.5,
        ),
        "kind": ColumnGuide(
            _l("Where it is held; classroom when empty."), _l("classroom or remote."), "classroom"
        ),
        "starts_at": ColumnGuide(
            _l("When the session starts; the cohort's time for the half-day when empty."),
            TIME,
            "09:00",
        ),
        "ends_at": ColumnGuide(
            _l(
                "When the session ends, after it starts; the cohort's time for the half-day when"
                " empty."
            ),
            TIME,
            "12:30",
        ),
    },
    "attendance": {
        "date": ColumnGuide(_l("Day of the session."), DATE, date(2021, 9, 6)),
        "slot": ColumnGuide(_l("The half-day of the session."), _l("AM or PM."), "AM"),
        "trainee": ColumnGuide(_l("The trainee's reference."), CODE, "T01"),
        "status": ColumnGuide(
            _l(
                "What the roll call recorded: present, late, left early, excused (a justified"
                " absence) or absent."
            ),
            _l("present, late, left_early, excused or absent."),
            "late",
        ),
        "minutes_missed": ColumnGuide(
            _l("Minutes missed by a trainee late or leaving early (more than 0); 0 otherwise."),
            _l("A whole number of minutes, at most the session's length."),
            15,
        ),
        "note": ColumnGuide(
            _l("A note on the roll call; the reason, required when excused."),
            TEXT,
            _l("Train delayed"),
        ),
        "reason": ColumnGuide(
            _l(
                "Why the row changes a closed roll call (an amendment); required then, unless the"
                " import gives one reason for all its rows. Empty otherwise."
            ),
            text_of_at_most(500),
            _l("Medical certificate received late"),
        ),
    },
    "assessments": {
        "code": ColumnGuide(_l("The assessment's code, unique in the cohort."), CODE, "QCM-1"),
        "module": ColumnGuide(_l("The code of the module it assesses."), CODE, "M01"),
        "title": ColumnGuide(
            _l("Title of the assessment."), text_of_at_most(300), _l("Python basics quiz")
        ),
        "date": ColumnGuide(_l("Day the assessment is held."), DATE, date(2021, 9, 17)),
        "kind": ColumnGuide(
            _l("The kind of assessment; exam when empty."),
            _l("quiz, project, exam or oral."),
            "quiz",
        ),
        "max_score": ColumnGuide(
            _l("The score of a perfect paper."), _l("A number above 0: 20, 100."), 20
        ),
        "weight": ColumnGuide(
            _l("Its weight in the module's grade; 1 when empty."), _l("A number above 0."), 1
        ),
        "competencies": ColumnGuide(
            _l("The competencies it evaluates, by their codes."), CODES, ("C01",)
        ),
    },
    "results": {
        "assessment": ColumnGuide(_l("The assessment's code."), CODE, "QCM-1"),
        "trainee": ColumnGuide(_l("The trainee's reference."), CODE, "T01"),
        "score": ColumnGuide(
            _l("The trainee's score."),
            _l("A number from 0 to the assessment's max_score, with a comma or a point."),
            14.5,
        ),
        "comment": ColumnGuide(
            _l("The instructor's comment; may be empty."), TEXT, _l("Good work")
        ),
    },
    "budget": {
        "code": ColumnGuide(_l("The budget line's code, unique in the cohort."), CODE, "PED"),
        "label": ColumnGuide(
            _l("What the line pays for."), text_of_at_most(200), _l("Teaching staff")
        ),
        "planned_amount": ColumnGuide(
            _l("The amount planned for the line."), AMOUNT, Decimal("150000.00")
        ),
    },
    "expenses": {
        "date": ColumnGuide(_l("Day of the expense (of its invoice)."), DATE, date(2021, 9, 30)),
        "line": ColumnGuide(_l("The code of the budget line it is charged to."), CODE, "PED"),
        "amount": ColumnGuide(_l("What was spent, more than 0."), AMOUNT, Decimal("12500.00")),
        "description": ColumnGuide(_l("What was bought."), TEXT, _l("Instructors, September")),
        "supplier": ColumnGuide(
            _l("Who was paid; may be empty."), text_of_at_most(200), "IT Company"
        ),
        "reference": ColumnGuide(
            _l(
                "The invoice's number; may be empty. A line cannot have two expenses with the"
                " same reference on the same day."
            ),
            text_of_at_most(100),
            "F2021-09",
        ),
    },
}


@dataclass(frozen=True)
class ColumnHelp:
    """A column as the import page explains it."""

    name: str
    required: bool
    meaning: str
    format: str
    example: str


def shown(example: Any) -> str:
    """Write an example as a person would type it in the page's language: 06/09/2021, 3,5."""
    if isinstance(example, date):
        return day(example)
    if isinstance(example, Decimal):
        return format_decimal(example, format="0.00")
    if isinstance(example, float):
        return format_decimal(example, format="0.##")
    if isinstance(example, tuple):
        return ", ".join(example)
    return str(example)


def columns_help(kind: str) -> list[ColumnHelp]:
    """Explain the columns of a kind of file, in their order, in the visitor's language."""
    guide = GUIDE[kind]
    return [
        ColumnHelp(
            name=column.name,
            required=column.required,
            meaning=str(guide[column.name].meaning),
            format=str(guide[column.name].format),
            example=shown(guide[column.name].example),
        )
        for column in KINDS[kind].columns
    ]


def template_sheet(kind: str, *, list_separator: str) -> Sheet:
    """Return a kind's template: its header and one row of examples."""
    importer: type[Kind] = KINDS[kind]
    row = []
    for column in importer.columns:
        example = GUIDE[kind][column.name].example
        if isinstance(example, tuple):
            example = list_separator.join(example)
        elif isinstance(example, LazyString):
            example = str(example)
        row.append(example)
    return Sheet(
        title=str(KIND_LABELS[kind]),
        headers=[column.name for column in importer.columns],
        rows=[row],
    )


def template_csv(kind: str) -> bytes:
    """Write a kind's template as the CSV file French spreadsheets open: semicolons, UTF-8 with
    a byte-order mark, French dates and decimal commas."""
    return write_csv([template_sheet(kind, list_separator="|")])


def template_xlsx(kind: str) -> bytes:
    """Write a kind's template as an XLSX workbook: date cells, number cells."""
    return write_xlsx([template_sheet(kind, list_separator=";")])
