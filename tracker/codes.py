"""Codes: what a trainee's reference and the code of a module, competency, assessment or budget line
may hold, and a cohort's short name in addresses.

Codes name pages (/cohorts/ia-1/trainees/T01) and rows of imported files, so they hold only
letters without accents, digits, dashes, underscores and dots, start with a letter or a digit (an
address cannot end in `.` or `..`), and have at most 32 characters. A cohort's short name (slug)
is stricter: lowercase letters, digits and dashes, at most 64. This module is the one definition
that the forms (`Code`), the operations and the importer (`is_code`) and the database
(`allowed_characters`) share.
"""

import re

from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint
from wtforms.validators import StopValidation

CODE_LENGTH = 32
CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
SLUG_LENGTH = 64
SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")

CODE_RULE = _l(
    "Up to 32 letters without accents, digits, dashes (-), underscores (_) or dots (.),"
    " starting with a letter or a digit."
)
SLUG_RULE = _l("Up to 64 lowercase letters without accents, digits and dashes (-).")
SLUG_HINT = _l(
    "Up to 64 lowercase letters without accents, digits and dashes, such as ia-2025; it appears"
    " in the addresses of the cohort's pages."
)


def is_code(text: str) -> bool:
    """Tell whether a text is a code: 1 to 32 letters, digits, `-`, `_` or `.`, first a letter
    or a digit."""
    return len(text) <= CODE_LENGTH and CODE.fullmatch(text) is not None


def is_slug(text: str) -> bool:
    """Tell whether a text is a cohort's short name: 1 to 64 lowercase letters, digits or `-`."""
    return len(text) <= SLUG_LENGTH and SLUG.fullmatch(text) is not None


def not_a_code(text: str) -> str:
    """Say what is wrong with a text that is not a code, quoting it."""
    return _(
        "%(value)r is not a code: use up to 32 letters without accents, digits, dashes (-),"
        " underscores (_) or dots (.), starting with a letter or a digit",
        value=text,
    )


def code_hint(example: str) -> LazyString:
    """Return the hint of a code's form field: unique in the cohort, an example, its characters."""
    return LazyString(
        lambda: (
            _("Unique in the cohort, such as %(example)s.", example=example) + " " + str(CODE_RULE)
        )
    )


class Code:
    """A form validator: the field holds a code, or nothing (another validator requires it)."""

    def __call__(self, form, field) -> None:
        if field.data and not is_code(field.data):
            # Stop there: a check of the code's uniqueness would have nothing to say.
            raise StopValidation(str(CODE_RULE))


class Slug:
    """A form validator: the field holds a cohort's short name, or nothing."""

    def __call__(self, form, field) -> None:
        if field.data and not is_slug(field.data):
            raise StopValidation(str(SLUG_RULE))


def allowed_characters(
    column: str, *, first: str, rest: str, most: int
) -> tuple[CheckConstraint, CheckConstraint]:
    """Return the CHECK constraints that keep a column to `first` then `rest` characters.

    `first` and `rest` are character classes as SQLite's GLOB and PostgreSQL's regular expressions
    both read them ("A-Za-z0-9", "A-Za-z0-9._-": a dash last). SQLite has no regular expression,
    PostgreSQL no GLOB: each database gets its own expression of the same rule, under one name.
    """
    name = f"{column}_characters"
    sqlite = (
        f"length({column}) BETWEEN 1 AND {most} AND {column} GLOB '[{first}]*'"
        f" AND {column} NOT GLOB '*[^{rest}]*'"
    )
    postgresql = f"length({column}) <= {most} AND {column} ~ '^[{first}][{rest}]*$'"
    return (
        CheckConstraint(sqlite, name=name).ddl_if(dialect="sqlite"),
        CheckConstraint(postgresql, name=name).ddl_if(dialect="postgresql"),
    )


def code_constraints(column: str) -> tuple[CheckConstraint, CheckConstraint]:
    """Return the CHECK constraints that keep a column to codes."""
    return allowed_characters(column, first="A-Za-z0-9", rest="A-Za-z0-9._-", most=CODE_LENGTH)


def slug_constraints(column: str) -> tuple[CheckConstraint, CheckConstraint]:
    """Return the CHECK constraints that keep a column to cohorts' short names."""
    return allowed_characters(column, first="a-z0-9", rest="a-z0-9-", most=SLUG_LENGTH)
