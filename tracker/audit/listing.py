"""The trail as administrators read it: entries chosen by filters, in people's words.

`TrailFilters` reads the filters of the address (?cohort=…&entity=…&person=…&since=…&until=…
&amendments=1&page=…); `filtered` selects the matching entries, newest first; `described` turns a
batch of entries into `Line`s whose record, values and names read as the pages write them: ids
resolved to names (a trainee's ref and name, a half-day's date, an assessment's code…) with a few
set-based queries per batch, and a removed record named from what the trail itself holds.
"""

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import ColumnElement, Select, func, select
from wtforms import BooleanField, SelectChoice, SelectField, StringField
from wtforms.validators import Optional, ValidationError

from tracker import i18n, timeutil
from tracker.assessments.models import Assessment
from tracker.attendance.forms import SESSION_KIND_LABELS
from tracker.attendance.models import Session
from tracker.audit import capture
from tracker.audit.capture import AUDITED, HIDDEN
from tracker.audit.chain import Break
from tracker.audit.models import AuditEntry
from tracker.auth.models import User
from tracker.budget.models import BudgetLine
from tracker.cohorts.models import Cohort, Competency, Module, Trainee
from tracker.cohorts.pages import ATTENDANCE_LABELS, KIND_LABELS, SLOT_LABELS, words
from tracker.extensions import db
from tracker.fields import DayField
from tracker.followups.forms import CHANNEL_LABELS, POSITIONING_KIND_LABELS
from tracker.outcomes.forms import (
    CERTIFICATION_LABELS,
    MOMENT_LABELS,
    SITUATION_LABELS,
    SOURCE_LABELS,
)

PER_PAGE = 50

# The kinds of record, in users' words, as the filter offers them: each covers one or more tables.
KINDS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "roll-calls": (_l("Roll call"), ("attendance_records",)),
    "half-days": (_l("Half-days of the timetable"), ("sessions",)),
    "results": (_l("Results"), ("results",)),
    "assessments": (_l("Assessments"), ("assessments", "assessment_competencies")),
    "trainees": (_l("Trainees"), ("trainees",)),
    "budget-lines": (_l("Budget lines"), ("budget_lines",)),
    "expenses": (_l("Expenses"), ("expenses",)),
    "accounts": (_l("Accounts"), ("users", "instructor_cohorts")),
    "cohorts": (_l("Cohorts"), ("cohorts",)),
    "organisation": (_l("Organisation"), ("organisation",)),
    "signatures": (
        _l("Signatures"),
        ("signatures", "countersignatures", "drawn_signatures", "paper_sheets"),
    ),
    "justifications": (_l("Absence justifications"), ("justifications",)),
    "follow-ups": (_l("Positionings and follow-ups"), ("positionings", "follow_ups")),
    "outcomes": (_l("Outcomes"), ("outcomes",)),
    "curriculum": (
        _l("Modules and competencies"),
        ("modules", "competencies", "module_competencies"),
    ),
}

# One record of each table, as an entry names it.
RECORD_NAMES = {
    "attendance_records": _l("Roll call"),
    "sessions": _l("Half-day"),
    "results": _l("Result"),
    "assessments": _l("Assessment"),
    "assessment_competencies": _l("Competency assessed"),
    "trainees": _l("Trainee"),
    "budget_lines": _l("Budget line"),
    "expenses": _l("Expense"),
    "users": _l("Account"),
    "instructor_cohorts": _l("Cohort taught"),
    "cohorts": _l("Cohort"),
    "modules": _l("Module"),
    "competencies": _l("Competency"),
    "module_competencies": _l("Competency of a module"),
    "signatures": _l("Signature"),
    "countersignatures": _l("Countersignature"),
    "drawn_signatures": _l("Drawn signature"),
    "paper_sheets": _l("Paper sheet"),
    "justifications": _l("Absence justification"),
    "organisation": _l("Organisation's identity"),
    "positionings": _l("Positioning on entry"),
    "follow_ups": _l("Follow-up"),
    "outcomes": _l("Outcome"),
}

JUSTIFICATION_STATE_LABELS = {
    "pending": _l("awaiting a decision"),
    "accepted": _l("accepted"),
    "refused": _l("refused"),
}

# Nouns, not participles: French participles agree with the record's gender.
ACTIONS = {"insert": _l("addition"), "update": _l("change"), "delete": _l("removal")}

# The columns' names as the pages and forms call them.
COLUMNS = {
    "slug": _l("Short name in addresses"),
    "name": _l("Name"),
    "funder": _l("Funder"),
    "starts_on": _l("Start"),
    "ends_on": _l("End"),
    "grant_amount": _l("Grant"),
    "contracted_trainees": _l("Contracted trainees"),
    "planned_minutes_per_trainee": _l("Planned hours per trainee"),
    "attendance_threshold": _l("Attendance threshold"),
    "code": _l("Code"),
    "title": _l("Title"),
    "block": _l("Block"),
    "planned_minutes": _l("Planned hours"),
    "pass_mark": _l("Pass mark"),
    "ref": _l("Ref."),
    "first_name": _l("First name"),
    "last_name": _l("Last name"),
    "email": _l("Email"),
    "enrolled_on": _l("Enrolled on"),
    "left_on": _l("Left on"),
    "exit_reason": _l("Reason for leaving"),
    "date": _l("Date"),
    "slot": _l("Half-day"),
    "minutes": _l("Hours"),
    "kind": _l("Kind"),
    "closed_at": _l("Closed on"),
    "closed_by_id": _l("Closed by"),
    "status": _l("Status"),
    "minutes_missed": _l("Minutes missed"),
    "note": _l("Note"),
    "max_score": _l("Maximum score"),
    "weight": _l("Weight"),
    "score": _l("Score"),
    "comment": _l("Comment"),
    "label": _l("Label"),
    "planned_amount": _l("Planned amount"),
    "amount": _l("Amount"),
    "description": _l("Description"),
    "supplier": _l("Supplier"),
    "reference": _l("Reference"),
    "role": _l("Role"),
    "password_hash": _l("Password"),
    "active": _l("Account active"),
    "cohort_id": _l("Cohort"),
    "module_id": _l("Module"),
    "trainee_id": _l("Trainee"),
    "session_id": _l("Half-day"),
    "assessment_id": _l("Assessment"),
    "competency_id": _l("Competency"),
    "budget_line_id": _l("Budget line"),
    "user_id": _l("Account"),
    "recorded_by_id": _l("Recorded by"),
    "reopened_at": _l("Reopened on"),
    "reopen_reason": _l("Reason for reopening"),
    "starts_at": _l("Starts at"),
    "ends_at": _l("Ends at"),
    "morning_starts_at": _l("Mornings start at"),
    "morning_ends_at": _l("Mornings end at"),
    "afternoon_starts_at": _l("Afternoons start at"),
    "afternoon_ends_at": _l("Afternoons end at"),
    "signed_by_id": _l("Signed by"),
    "signer_name": _l("Signer"),
    "signed_at": _l("Signed on"),
    "address": _l("Network address"),
    "user_agent": _l("Browser"),
    "time_step": _l("Room code step"),
    "strokes": _l("Drawing"),
    "digest": _l("SHA-256 fingerprint"),
    "drawn_at": _l("Drawn on"),
    "week": _l("Week of"),
    "file_name": _l("File"),
    "content_type": _l("File type"),
    "size": _l("Size"),
    "sha256": _l("SHA-256 fingerprint of the file"),
    "uploaded_by_id": _l("Uploaded by"),
    "uploaded_at": _l("Uploaded on"),
    "first_day": _l("From"),
    "first_slot": _l("From the half-day"),
    "last_day": _l("To"),
    "last_slot": _l("To the half-day"),
    "reason": _l("Reason"),
    "declared_by_id": _l("Declared by"),
    "declared_at": _l("Declared on"),
    "state": _l("State"),
    "decided_by_id": _l("Decided by"),
    "decided_at": _l("Decided on"),
    "decision_reason": _l("Reason for the decision"),
    "result": _l("Result"),
    "prerequisites_met": _l("Prerequisites met"),
    "channel": _l("By"),
    "said": _l("What was said"),
    "next_step": _l("Next step"),
    "moment": _l("Moment"),
    "situation": _l("Situation"),
    "certification": _l("Certification at exit"),
    "blocks": _l("Blocks obtained"),
    "recorded_on": _l("Known on"),
    "source": _l("Told by"),
}
# An outcome's coded values, in words.
OUTCOME_WORDS = {
    "moment": MOMENT_LABELS,
    "situation": SITUATION_LABELS,
    "certification": CERTIFICATION_LABELS,
    "source": SOURCE_LABELS,
}

# What an entry's own date and author already say: not repeated among the values.
NOT_SHOWN = frozenset({"id", "recorded_at", "recorded_by_id", "created_at"})

DATES = frozenset(
    {
        "date",
        "starts_on",
        "ends_on",
        "enrolled_on",
        "left_on",
        "week",
        "first_day",
        "last_day",
        "recorded_on",
    }
)
INSTANTS = frozenset(
    {
        "closed_at",
        "reopened_at",
        "signed_at",
        "drawn_at",
        "uploaded_at",
        "declared_at",
        "decided_at",
    }
)
TIMES = frozenset(
    {
        "starts_at",
        "ends_at",
        "morning_starts_at",
        "morning_ends_at",
        "afternoon_starts_at",
        "afternoon_ends_at",
    }
)
MONEY = frozenset({"grant_amount", "planned_amount", "amount"})
MINUTES_AS_HOURS = frozenset({"minutes", "planned_minutes", "planned_minutes_per_trainee"})
GRADES = frozenset({"score", "max_score", "pass_mark"})
# Columns holding another record's id, and the table whose names they take.
REFERENCES = {
    "cohort_id": "cohorts",
    "module_id": "modules",
    "trainee_id": "trainees",
    "session_id": "sessions",
    "assessment_id": "assessments",
    "competency_id": "competencies",
    "budget_line_id": "budget_lines",
    "user_id": "users",
    "closed_by_id": "users",
    "recorded_by_id": "users",
    "signed_by_id": "users",
    "uploaded_by_id": "users",
    "declared_by_id": "users",
    "decided_by_id": "users",
}
# The models read to name records, and the columns that name them.
NAMED = {
    "cohorts": (Cohort, ("name", "slug")),
    "modules": (Module, ("code", "title")),
    "competencies": (Competency, ("code", "title")),
    "trainees": (Trainee, ("ref", "first_name", "last_name")),
    "sessions": (Session, ("date", "slot")),
    "assessments": (Assessment, ("code", "title")),
    "budget_lines": (BudgetLine, ("code", "label")),
    "users": (User, ("email",)),
}
COMMAND_LINE = "cli"
DIGITS = re.compile(r"[1-9][0-9]{0,8}")


class FilterError(ValueError):
    """A filter that cannot be read: the field's label and what is wrong, in the user's language."""


# ---------------------------------------------------------------------------------------------
# Filters


class TrailFilters(FlaskForm):
    """The filters of the audit page, read from the address."""

    class Meta:
        csrf = False

    cohort = SelectField(_l("Cohort"), validate_choice=False, validators=[Optional()])
    entity = SelectField(_l("Kind of record"), validate_choice=False, validators=[Optional()])
    person = SelectField(_l("Person"), validate_choice=False, validators=[Optional()])
    since = DayField(_l("From"), validators=[Optional()])
    until = DayField(_l("To"), validators=[Optional()])
    amendments = BooleanField(_l("Amendments only"))
    page = StringField(_l("Page"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cohorts = db.session.execute(
            select(Cohort.id, Cohort.slug, Cohort.name).order_by(Cohort.slug)
        )
        self.cohort_ids: dict[str, int] = {}
        choices = [("", _("All cohorts"))]
        for id_, slug, name in cohorts:
            self.cohort_ids[slug] = id_
            choices.append((slug, f"{name} ({slug})"))
        self.cohort.choices = choices
        self.entity.choices = [("", _("All records"))] + [
            (key, str(label)) for key, (label, _tables) in KINDS.items()
        ]
        self.person.choices = person_choices()

    def validate_cohort(self, field) -> None:
        if field.data and field.data not in self.cohort_ids:
            raise ValidationError(_("Choose a cohort from the list."))

    def validate_entity(self, field) -> None:
        if field.data and field.data not in KINDS:
            raise ValidationError(_("Choose a kind of record from the list."))

    def validate_person(self, field) -> None:
        if field.data and field.data not in person_values(self.person.choices):
            raise ValidationError(_("Choose a trainee or an account from the list."))

    def validate_until(self, field) -> None:
        if self.since.data and field.data and field.data < self.since.data:
            raise ValidationError(_("Choose a day after the first one, or the same."))

    def validate_page(self, field) -> None:
        if field.data and not DIGITS.fullmatch(field.data.strip()):
            raise ValidationError(_("Enter a page number: 1, 2, 3…"))

    def problems(self) -> str:
        """Say which filters are wrong and why, each named by its label."""
        return " ".join(
            labelled(field.label.text, " ".join(str(error) for error in field.errors))
            for field in self
            if field.errors
        )

    def page_number(self) -> int:
        """Return the page asked for, 1 by default."""
        return int(self.page.data) if self.page.data and self.page.data.strip() else 1

    def conditions(self) -> list[ColumnElement]:
        """Return the conditions on entries that the filters set (validated before)."""
        where = []
        if self.cohort.data:
            where.append(AuditEntry.cohort_id == self.cohort_ids[self.cohort.data])
        if self.entity.data:
            where.append(AuditEntry.entity.in_(KINDS[self.entity.data][1]))
        if self.person.data == COMMAND_LINE:
            where.append(AuditEntry.actor_id.is_(None))
        elif self.person.data:
            kind, id_ = self.person.data[0], int(self.person.data[1:])
            column = AuditEntry.trainee_id if kind == "t" else AuditEntry.actor_id
            where.append(column == id_)
        if self.since.data:
            where.append(AuditEntry.recorded_at >= day_starts(self.since.data))
        if self.until.data:
            where.append(AuditEntry.recorded_at < day_starts(self.until.data + timedelta(days=1)))
        if self.amendments.data:
            where.append(AuditEntry.amendment.is_(True))
        return where

    def kept(self) -> dict[str, str]:
        """Return the filters as they are written in an address, without the page."""
        kept = {}
        for name in ("cohort", "entity", "person", "since", "until"):
            value = self[name].raw_data[0].strip() if self[name].raw_data else ""
            if value:
                kept[name] = value
        if self.amendments.data:
            kept["amendments"] = "1"
        return kept


def labelled(label: str, text: str) -> str:
    """Put a label before a text, with the language's colon: Statut : présent."""
    return _("%(label)s: %(text)s", label=label, text=text)


def person_choices() -> list:
    """List the people an entry may concern: trainees by cohort, then the accounts who act."""
    trainees = db.session.execute(
        select(Trainee.id, Trainee.ref, Trainee.first_name, Trainee.last_name, Cohort.slug)
        .join(Cohort)
        .order_by(Cohort.slug, Trainee.ref)
    )
    choices = [SelectChoice("", _("Everyone"))]
    for id_, ref, first, last, slug in trainees:
        group = _("Trainees %(of_name)s", of_name=i18n.of(slug))
        choices.append(SelectChoice(f"t{id_}", f"{ref} · {first} {last}", optgroup=group))
    accounts = db.session.execute(
        select(User.id, User.email, User.name).where(User.role != "trainee").order_by(User.email)
    )
    acting = _("Accounts who made changes")
    for id_, email, name in accounts:
        label = f"{email} ({name})" if name else email
        choices.append(SelectChoice(f"a{id_}", label, optgroup=acting))
    choices.append(SelectChoice(COMMAND_LINE, _("Command line (no account)"), optgroup=acting))
    return choices


def person_values(choices: list[SelectChoice]) -> set[str]:
    """Return every value a person's choice may take."""
    return {choice.value for choice in choices}


def day_starts(day: date) -> datetime:
    """Return the instant a day of the course's time zone begins."""
    return datetime.combine(day, time(0), tzinfo=timeutil.COURSE_TIME_ZONE)


# ---------------------------------------------------------------------------------------------
# Selecting entries


@dataclass(frozen=True)
class Pages:
    """Where a page stands among the pages of the filtered entries."""

    number: int
    count: int
    total: int

    @property
    def first_entry(self) -> int:
        return (self.number - 1) * PER_PAGE + 1 if self.total else 0

    @property
    def last_entry(self) -> int:
        return min(self.number * PER_PAGE, self.total)


def filtered(conditions: list[ColumnElement]) -> Select:
    """Select the entries that meet the conditions, newest first."""
    return select(AuditEntry).where(*conditions).order_by(AuditEntry.id.desc())


def page_of(conditions: list[ColumnElement], number: int) -> tuple[list[AuditEntry], Pages]:
    """Return one page of the matching entries and where it stands; FilterError past the last."""
    total = db.session.scalar(select(func.count()).select_from(AuditEntry).where(*conditions))
    count = max(1, -(-total // PER_PAGE))
    if number > count:
        raise FilterError(
            labelled(
                _("Page"),
                ngettext("There is only %(num)d page.", "There are only %(num)d pages.", count),
            )
        )
    entries = db.session.scalars(
        filtered(conditions).limit(PER_PAGE).offset((number - 1) * PER_PAGE)
    ).all()
    return entries, Pages(number, count, total)


def every_entry(conditions: list[ColumnElement], batch: int = 1000) -> Iterator[list[AuditEntry]]:
    """Yield all matching entries, newest first, a batch at a time (each batch one query)."""
    last = None
    while True:
        query = filtered(conditions).limit(batch)
        if last is not None:
            query = query.where(AuditEntry.id < last)
        entries = db.session.scalars(query).all()
        if not entries:
            return
        yield entries
        last = entries[-1].id
        db.session.expunge_all()  # a long export keeps only its batch in memory


# ---------------------------------------------------------------------------------------------
# Entries in people's words


@dataclass(frozen=True)
class Value:
    """A column of the record, with its value before and after the change (None if absent)."""

    label: str
    before: str | None
    after: str | None


@dataclass
class Line:
    """An entry as people read it."""

    number: int
    recorded_at: datetime
    actor: str
    cohort: str
    kind: str
    action: str
    record: str
    trainee: str
    values: list[Value] = field(default_factory=list)
    reason: str = ""
    amendment: bool = False
    source_file: str = ""
    source_sha256: str = ""
    hash: str = ""
    words: "Words | None" = None

    def change_text(self, words: "Words") -> str:
        """Write the values in one line, for the CSV file."""
        parts = []
        for value in self.values:
            if value.before is not None and value.after is not None:
                text = f"{value.before} → {value.after}"
            else:
                text = value.after if value.after is not None else value.before
            parts.append(words.labelled % {"label": value.label, "text": text})
        return words.separator.join(parts)


class Words:
    """The labels of the trail translated once for a batch of entries, in the page's language.

    Translating a label costs a tenth of a millisecond in a request: an export of 18,000 entries
    would spend most of its time translating the same few dozen labels again and again.
    """

    def __init__(self):
        self.locale = str(get_locale())
        self.columns = words(COLUMNS)
        self.records = words(RECORD_NAMES)
        self.actions = words(ACTIONS)
        self.attendance = words(ATTENDANCE_LABELS)
        self.slots = words(SLOT_LABELS)
        self.session_kinds = words(SESSION_KIND_LABELS)
        self.justification_states = words(JUSTIFICATION_STATE_LABELS)
        self.assessment_kinds = words(KIND_LABELS)
        self.positioning_kinds = words(POSITIONING_KIND_LABELS)
        self.channels = words(CHANNEL_LABELS)
        self.roles = words(i18n.ROLE_NAMES)
        # Templates, filled with % (gettext without values leaves them as they are).
        self.labelled = _("%(label)s: %(text)s")
        self.removed = _("removed record no. %(id)s")
        self.hidden = _("(hidden)")
        self.yes, self.no = _("yes"), _("no")
        self.command_line = _("command line")
        self.separator = " ; " if i18n.current_language() == "fr" else "; "
        self._minutes: dict[int, str] = {}

    def minutes(self, value: int) -> str:
        """Say a number of minutes: 40 minutes."""
        if value not in self._minutes:
            self._minutes[value] = ngettext("%(num)d minute", "%(num)d minutes", value)
        return self._minutes[value]

    def drawing(self, strokes_json: str) -> str:
        """Say what a drawn signature holds, rather than its points: a drawing of 3 strokes."""
        try:
            count = len(json.loads(strokes_json))
        except ValueError:
            return strokes_json
        return ngettext("a drawing of %(num)d stroke", "a drawing of %(num)d strokes", count)


class Names:
    """The names of the records a batch of entries refers to, read in one query per table."""

    def __init__(self, entries: list[tuple[AuditEntry, dict, dict, dict]], words: Words):
        self.words = words
        wanted: dict[str, set[int]] = {}
        for entry, key, before, after in entries:
            if entry.entity in NAMED and key.get("id") is not None:
                wanted.setdefault(entry.entity, set()).add(key["id"])
            if entry.cohort_id is not None:
                wanted.setdefault("cohorts", set()).add(entry.cohort_id)
            if entry.trainee_id is not None:
                wanted.setdefault("trainees", set()).add(entry.trainee_id)
            for values in (key, before, after):
                for column, table in REFERENCES.items():
                    if isinstance(values.get(column), int):
                        wanted.setdefault(table, set()).add(values[column])
        self.rows: dict[tuple[str, int], dict] = {}
        for table, ids in wanted.items():
            model, columns = NAMED[table]
            ids = list(ids)
            for start in range(0, len(ids), 1000):
                query = select(model.id, *(getattr(model, name) for name in columns)).where(
                    model.id.in_(ids[start : start + 1000])
                )
                for row in db.session.execute(query):
                    self.rows[(table, row[0])] = dict(zip(columns, row[1:], strict=True))
        # A removed record: named by what its own entries hold, if the batch has one.
        for entry, key, before, after in entries:
            if entry.entity in NAMED and key.get("id") is not None:
                known = key | before | after
                columns = NAMED[entry.entity][1]
                if all(name in known for name in columns):
                    self.rows.setdefault(
                        (entry.entity, key["id"]), {name: known[name] for name in columns}
                    )

    def of(self, table: str, id_: Any) -> str:
        """Name a record of a table by its id, as the pages name it."""
        row = self.rows.get((table, id_))
        if row is None:
            return self.words.removed % {"id": id_} if id_ is not None else i18n.MISSING
        return named(table, row, self.words)


def named(table: str, row: dict, words: Words) -> str:
    """Name a record from its naming columns."""
    if table == "cohorts":
        return f"{row['name']} ({row['slug']})"
    if table == "trainees":
        return f"{row['ref']} · {row['first_name']} {row['last_name']}"
    if table == "sessions":
        return half_day(row["date"], row["slot"], words)
    if table == "users":
        return row["email"]
    title = row.get("title") or row.get("label")
    return f"{row['code']} · {title}" if title else row["code"]


def half_day(day: date | str, slot: str, words: Words) -> str:
    """Name a half-day: 10/01/2022, morning."""
    if isinstance(day, str):
        day = date.fromisoformat(day)
    return f"{i18n.day(day)}, {words.slots.get(slot, slot)}"


# Records named by the two records they join: a trainee at a half-day, a score on an assessment.
JOINED = {
    "attendance_records": ("trainee_id", "session_id"),
    "results": ("assessment_id", "trainee_id"),
    "module_competencies": ("module_id", "competency_id"),
    "assessment_competencies": ("assessment_id", "competency_id"),
    "instructor_cohorts": ("user_id", "cohort_id"),
    "signatures": ("trainee_id", "session_id"),
}


def record_of(entity: str, key: dict, names: Names) -> str:
    """Name the record an entry is about, with the records it belongs to."""
    own = key.get("id")
    if entity == "sessions":
        return half_day(key["date"], key["slot"], names.words)
    if entity in JOINED:
        return " — ".join(names.of(REFERENCES[column], key[column]) for column in JOINED[entity])
    if entity == "expenses":
        reference = f", {key['reference']}" if key.get("reference") else ""
        return (
            f"{names.of('budget_lines', key['budget_line_id'])} — "
            f"{i18n.day(date.fromisoformat(key['date']))}{reference}"
        )
    if entity == "countersignatures":
        return names.of("sessions", key["session_id"])
    if entity == "drawn_signatures":
        return names.of("users", key["user_id"])
    if entity == "paper_sheets":
        week = date.fromisoformat(key["week"])
        return f"{names.of('cohorts', key['cohort_id'])} — {i18n.day(week)}"
    if entity == "positionings":
        return names.of("trainees", key["trainee_id"])
    if entity == "follow_ups":
        day = date.fromisoformat(key["date"])
        return f"{names.of('trainees', key['trainee_id'])} — {i18n.day(day)}"
    if entity == "outcomes":
        moment = MOMENT_LABELS.get(key["moment"], key["moment"])
        return f"{names.of('trainees', key['trainee_id'])} — {moment}"
    if entity == "justifications":
        day = date.fromisoformat(key["first_day"])
        return f"{names.of('trainees', key['trainee_id'])} — {i18n.day(day)}"
    if (entity, own) in names.rows:
        return names.of(entity, own)
    # Removed, and the batch holds nothing else about it: its natural key says what it was.
    kept = [str(value) for name, value in key.items() if name != "id" and value is not None]
    return " · ".join(kept) or names.of(entity, own)


def shown(column: str, value: Any, entity: str, names: Names) -> str:
    """Show a column's value as the pages show it: words, dates, money, hours, names."""
    words = names.words
    if value is None:
        return i18n.MISSING
    if value == HIDDEN and column in AUDITED[entity].hidden:
        return words.hidden
    if column in REFERENCES:
        return names.of(REFERENCES[column], value)
    if column in DATES:
        return i18n.day(date.fromisoformat(value))
    if column in INSTANTS:
        return i18n.moment(datetime.fromisoformat(value))
    if column in TIMES:
        return value[:5]
    if column == "strokes":
        return words.drawing(value)
    if column in MONEY:
        return i18n.money(Decimal(value), words.locale)
    if column in MINUTES_AS_HOURS:
        return i18n.hours(value / 60, words.locale)
    if column == "minutes_missed":
        return words.minutes(value)
    if column in GRADES:
        return i18n.grade(value, words.locale)
    if column == "weight":
        return i18n.number(value, locale=words.locale)
    if column == "attendance_threshold":
        return i18n.rate(value, words.locale)
    if column == "status":
        return words.attendance.get(value, value)
    if column in ("slot", "first_slot", "last_slot"):
        return words.slots.get(value, value)
    if column == "kind":
        labels = {"sessions": words.session_kinds, "positionings": words.positioning_kinds}
        return labels.get(entity, words.assessment_kinds).get(value, value)
    if column == "channel":
        return words.channels.get(value, value)
    if column == "role":
        return words.roles.get(value, value)
    if column == "state":
        return words.justification_states.get(value, value)
    if entity == "outcomes" and column in OUTCOME_WORDS:
        return str(OUTCOME_WORDS[column].get(value, value))
    if isinstance(value, bool):
        return words.yes if value else words.no
    return str(value)


def values_of(entry: AuditEntry, before: dict, after: dict, names: Names) -> list[Value]:
    """Return the values an entry changed: before and after, or what was added or removed."""
    spec = AUDITED.get(entry.entity)
    # An added or removed record is named by its key: its other columns say what it held.
    hidden = NOT_SHOWN | (set(spec.key) if spec and entry.action != "update" else set())
    values = []
    for column in sorted(set(before) | set(after), key=column_order(entry.entity)):
        if column in hidden:
            continue
        label = names.words.columns.get(column, column)
        values.append(
            Value(
                label,
                shown(column, before[column], entry.entity, names) if column in before else None,
                shown(column, after[column], entry.entity, names) if column in after else None,
            )
        )
    return values


def column_order(entity: str):
    """Order columns as the table declares them."""
    table = db.metadata.tables.get(entity)
    order = (
        {column.name: index for index, column in enumerate(table.c)} if table is not None else {}
    )
    return lambda column: (order.get(column, len(order)), column)


def described(entries: Iterable[AuditEntry]) -> list[Line]:
    """Turn entries into lines people read, their records named in a few queries."""
    parsed = [
        (
            entry,
            json.loads(entry.entity_key),
            json.loads(entry.before) if entry.before else {},
            json.loads(entry.after) if entry.after else {},
        )
        for entry in entries
    ]
    words = Words()
    names = Names(parsed, words)
    lines = []
    for entry, key, before, after in parsed:
        source = json.loads(entry.source) if entry.source else {}
        lines.append(
            Line(
                number=entry.id,
                recorded_at=entry.recorded_at,
                actor=words.command_line
                if entry.actor_id is None and entry.actor == capture.COMMAND_LINE
                else entry.actor,
                cohort=names.of("cohorts", entry.cohort_id) if entry.cohort_id else "",
                kind=words.records.get(entry.entity, entry.entity),
                action=words.actions.get(entry.action, entry.action),
                record=record_of(entry.entity, key, names),
                trainee=names.of("trainees", entry.trainee_id) if entry.trainee_id else "",
                values=values_of(entry, before, after, names),
                reason=entry.reason or "",
                amendment=entry.amendment,
                source_file=source.get("file", ""),
                source_sha256=source.get("sha256", ""),
                hash=entry.hash,
                words=words,
            )
        )
    return lines


# ---------------------------------------------------------------------------------------------
# The chain's state


BREAKS = [
    (re.compile(r"altered"), _l("its content does not match its hash: it was altered.")),
    (re.compile(r"entry (\d+) is missing"), _l("entry %(first)s is missing: it was removed.")),
    (
        re.compile(r"entries (\d+) to (\d+) are missing"),
        _l("entries %(first)s to %(last)s are missing: they were removed."),
    ),
    (re.compile(r"numbered out of order"), _l("it is numbered out of order.")),
    (
        re.compile(r"does not follow entry (\d+)"),
        _l(
            "it does not follow entry %(first)s: it was inserted out of order, or the entry "
            "before it was altered."
        ),
    ),
    (re.compile(r"dated before entry (\d+)"), _l("it is dated before entry %(first)s.")),
]


def break_in_words(broken: Break) -> str:
    """Say where the chain is broken and how, in the user's language."""
    for pattern, told in BREAKS:
        if match := pattern.search(broken.what):
            numbers = dict(zip(("first", "last"), match.groups(), strict=False))
            what = str(told) % numbers if numbers else str(told)
            return _(
                "The trail is broken at entry %(entry)d: %(what)s", entry=broken.entry, what=what
            )
    return _("The trail is broken at entry %(entry)d.", entry=broken.entry) + f" ({broken.what})"


# ---------------------------------------------------------------------------------------------
# The export


def csv_headers() -> list[str]:
    """Name the export's columns in the user's language (docs/trail.md lists them)."""
    return [
        _("Entry"),
        _("Date and time (Paris)"),
        _("Who"),
        _("Cohort"),
        _("Kind of record"),
        _("Action"),
        _("Record"),
        _("Trainee concerned"),
        _("What changed"),
        _("Reason"),
        _("Amendment"),
        _("Source file"),
        _("Source file's SHA-256"),
        _("Entry's hash"),
    ]


def csv_rows(entries: list[AuditEntry]) -> Iterator[list]:
    """Write a batch of entries as rows of the export."""
    lines = described(entries)
    words = lines[0].words if lines else None
    for line in lines:
        local = line.recorded_at.astimezone(timeutil.COURSE_TIME_ZONE)
        yield [
            line.number,
            local.strftime("%d/%m/%Y %H:%M:%S"),
            line.actor,
            line.cohort,
            line.kind,
            line.action,
            line.record,
            line.trainee,
            line.change_text(words),
            line.reason,
            words.yes if line.amendment else words.no,
            line.source_file,
            line.source_sha256,
            line.hash,
        ]
