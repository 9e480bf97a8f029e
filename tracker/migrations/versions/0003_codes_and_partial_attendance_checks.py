"""codes limited to what addresses carry; late and left early always miss some minutes

Revision ID: 0003
Revises: 0002

Codes (trainee refs; module, competency, assessment and budget line codes) may hold only letters
without accents, digits, `-`, `_` and `.`, start with a letter or a digit, and have at most 32
characters; a cohort's short name (slug) only lowercase letters, digits and `-`, at most 64. The
database now refuses anything else (a CHECK constraint per column: a GLOB expression on SQLite, a
regular expression on PostgreSQL, as the models declare them).

A database holding codes outside that set is not changed: the upgrade stops before any change and
lists each such code with an UPDATE statement that renames it (the pages of those codes could not
be reached anyway). Codes are the natural keys of imported files and of people's own
spreadsheets, so the tracker does not choose new ones by itself.

An attendance record `late` or `left_early` now misses at least one minute. Records stored so
with 0 minutes missed credited the whole half-day: they become `present`, which credits the same
attended hours, so that every figure stays exactly the same. Their note, who recorded them and
when are kept. The downgrade drops the constraints and does not bring those statuses back.
"""
import re

from alembic import op
from alembic.util import CommandError
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

CODE_CHARACTERS = ("A-Za-z0-9", "A-Za-z0-9._-", 32)
SLUG_CHARACTERS = ("a-z0-9", "a-z0-9-", 64)

# table, column, what the rows are in words, the rule
CODED = [
    ("cohorts", "slug", "cohort", SLUG_CHARACTERS),
    ("competencies", "code", "competency", CODE_CHARACTERS),
    ("modules", "code", "module", CODE_CHARACTERS),
    ("trainees", "ref", "trainee", CODE_CHARACTERS),
    ("assessments", "code", "assessment", CODE_CHARACTERS),
    ("budget_lines", "code", "budget line", CODE_CHARACTERS),
]

PARTLY_ATTENDED = "status NOT IN ('late', 'left_early') OR minutes_missed > 0"


def allowed(dialect: str, column: str, rule: tuple[str, str, int]) -> str:
    """Return the condition that a column holds only the rule's characters, in the dialect."""
    first, rest, most = rule
    if dialect == "sqlite":
        return (
            f"length({column}) BETWEEN 1 AND {most} AND {column} GLOB '[{first}]*'"
            f" AND {column} NOT GLOB '*[^{rest}]*'"
        )
    return f"length({column}) <= {most} AND {column} ~ '^[{first}][{rest}]*$'"


def suggestion(code: str, rule: tuple[str, str, int], row_id: int) -> str:
    """Propose a code within the rule for one that is not: other characters become dashes."""
    first, rest, most = rule
    if rule is SLUG_CHARACTERS:
        code = code.lower()
    code = re.sub(f"[^{rest}]", "-", code)
    code = re.sub(f"^[^{first}]+", "", code)[:most]
    return code or f"x{row_id}"


def sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def codes_outside_the_rule(bind) -> list[str]:
    """List each stored code outside its rule, with a statement that renames it."""
    dialect = bind.dialect.name
    lines = []
    for table, column, words, rule in CODED:
        owner = "''" if table == "cohorts" else "(SELECT slug FROM cohorts WHERE id = cohort_id)"
        rows = bind.execute(
            sa.text(
                f"SELECT id, {column}, {owner} FROM {table}"
                f" WHERE NOT ({allowed(dialect, column, rule)}) ORDER BY id"
            )
        )
        for row_id, code, cohort in rows:
            where = "" if table == "cohorts" else f" of cohort {cohort}"
            lines.append(
                f"  {words} {code!r}{where}: UPDATE {table} SET {column} ="
                f" {sql_text(suggestion(code, rule, row_id))} WHERE id = {row_id};"
            )
    return lines


def upgrade():
    bind = op.get_bind()
    dialect = bind.dialect.name
    wrong = codes_outside_the_rule(bind)
    if wrong:
        raise CommandError(
            "Nothing was changed: these codes hold characters that addresses and files cannot"
            " carry. Codes may hold letters without accents, digits, '-', '_' and '.', start with"
            " a letter or a digit and have at most 32 characters; a cohort's short name, lowercase"
            " letters, digits and '-', at most 64. Rename each one (the statement proposes a new"
            " code: any other unused one will do, and files that name the old code must be"
            " changed too), then run `tracker init` again.\n" + "\n".join(wrong)
        )
    # Same attended hours: present credits the whole session, as 0 minutes missed did.
    op.execute(
        "UPDATE attendance_records SET status = 'present'"
        " WHERE status IN ('late', 'left_early') AND minutes_missed = 0"
    )
    for table, column, _, rule in CODED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_check_constraint(
                op.f(f"ck_{table}_{column}_characters"), allowed(dialect, column, rule)
            )
    with op.batch_alter_table('attendance_records', schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f('ck_attendance_records_partly_attended_has_minutes'), PARTLY_ATTENDED
        )


def downgrade():
    with op.batch_alter_table('attendance_records', schema=None) as batch_op:
        batch_op.drop_constraint(
            op.f('ck_attendance_records_partly_attended_has_minutes'), type_='check'
        )
    for table, column, _, _ in reversed(CODED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f"ck_{table}_{column}_characters"), type_='check')
