"""Forms of the timetable and of the roll call."""

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    BooleanField,
    DateField,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
)
from wtforms.fields import SelectChoice
from wtforms.form import Form
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import HiddenInput

from tracker import timeutil
from tracker.attendance import operations, rules, times
from tracker.attendance.models import SESSION_KINDS, SLOTS, STATUSES, Session
from tracker.cohorts.models import Cohort, Module, Trainee
from tracker.cohorts.rules import outside_cohort_problems
from tracker.extensions import db
from tracker.fields import (
    DayField,
    GridNumberInput,
    GridTextInput,
    NumberField,
    TimeOfDayField,
    refuse,
)
from tracker.hours import hours_to_minutes
from tracker.urls import LARGEST_ID

STATUS_LABELS = {
    "present": _l("Present"),
    "late": _l("Late"),
    "left_early": _l("Left early"),
    "excused": _l("Excused absence"),
    "absent": _l("Absent"),
}
SLOT_LABELS = {"AM": _l("Morning"), "PM": _l("Afternoon")}
SESSION_KIND_LABELS = {"classroom": _l("Classroom"), "remote": _l("Remote")}
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


def status_buttons() -> dict[str, str]:
    """Name each status in a word or two, for the roll call's buttons."""
    return {
        "present": pgettext("roll call button", "Present"),
        "late": pgettext("roll call button", "Late"),
        "left_early": pgettext("roll call button", "Left early"),
        "excused": pgettext("roll call button", "Excused"),
        "absent": pgettext("roll call button", "Absent"),
    }


def module_choices(cohort: Cohort) -> list[SelectChoice]:
    """List the cohort's modules as choices of a select."""
    rows = db.session.execute(
        select(Module.id, Module.code, Module.title)
        .where(Module.cohort_id == cohort.id)
        .order_by(Module.code)
    ).all()
    return [SelectChoice(id_, f"{code} — {title}") for id_, code, title in rows]


def check_within_cohort(cohort: Cohort, day: date | None) -> None:
    """Refuse a date outside the cohort's dates."""
    refuse(outside_cohort_problems(cohort, day))


def check_hours(field: NumberField) -> None:
    """Refuse hours that are not a half-day's length."""
    if field.data is not None:
        refuse(rules.hours_problems(hours_to_minutes(field.data)))


class SessionForm(FlaskForm):
    """One half-day of the timetable."""

    date = DateField(_l("Date"), format=DATE_FORMATS, validators=[InputRequired()])
    slot = RadioField(
        _l("Half-day"),
        choices=[SelectChoice(slot, SLOT_LABELS[slot]) for slot in SLOTS],
        validators=[InputRequired()],
    )
    module = SelectField(_l("Module"), coerce=int, validators=[InputRequired()])
    hours = NumberField(_l("Hours"), default=Decimal("3.5"), validators=[InputRequired()])
    kind = SelectField(
        _l("Kind"),
        choices=[SelectChoice(kind, SESSION_KIND_LABELS[kind]) for kind in SESSION_KINDS],
        default="classroom",
        validators=[InputRequired()],
    )
    # Empty: the cohort's times for the session's slot.
    starts_at = TimeOfDayField(_l("Starts at"), validators=[Optional()])
    ends_at = TimeOfDayField(_l("Ends at"), validators=[Optional()])

    def __init__(
        self,
        cohort: Cohort,
        editing: Session | None = None,
        *,
        now: datetime | None = None,
        language: str = "fr",
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.cohort = cohort
        self.editing = editing
        # When the form is checked, and the language of holidays' names: moving a session's
        # marks depends on both (operations.moving_problems).
        self.now = now
        self.language = language
        self.module.choices = module_choices(cohort)

    def validate_date(self, field: DateField) -> None:
        check_within_cohort(self.cohort, field.data)
        if self.editing is None or field.data is None or self.slot.data not in SLOTS:
            return
        moving = operations.moving_problems(
            self.editing,
            field.data,
            self.slot.data,
            now=self.now or timeutil.utc_now(),
            language=self.language,
            starts_at=self.starts_at.data,
        )
        if moving:
            raise ValidationError(" ".join(moving))

    def validate_slot(self, field: RadioField) -> None:
        if self.date.data is None:
            return
        if operations.session_taken(self.cohort, self.date.data, field.data, but=self.editing):
            raise ValidationError(_("This half-day already has a session."))

    def validate_hours(self, field: NumberField) -> None:
        check_hours(field)
        if self.editing is None or field.data is None:
            return
        most_missed = operations.most_minutes_missed(self.editing)
        refuse(rules.missed_problems(hours_to_minutes(field.data), most_missed))

    def check_times(self, field: TimeOfDayField) -> None:
        """Refuse a session that would end before it starts (rules.times_problems)."""
        if self.slot.data not in SLOTS:
            return
        usual = times.cohort_times(self.cohort, self.slot.data)
        problems = rules.times_problems(self.starts_at.data, self.ends_at.data, *usual)
        refuse([problem for problem in problems if problem.field == field.name])

    validate_starts_at = check_times
    validate_ends_at = check_times


SLOT_CHOICES = {"both": _l("Mornings and afternoons"), "AM": _l("Mornings"), "PM": _l("Afternoons")}


class GenerateForm(FlaskForm):
    """The half-days of one module between two dates."""

    module = SelectField(_l("Module"), coerce=int, validators=[InputRequired()])
    first_day = DateField(_l("First day"), format=DATE_FORMATS, validators=[InputRequired()])
    last_day = DateField(_l("Last day"), format=DATE_FORMATS, validators=[InputRequired()])
    slots = RadioField(
        _l("Half-days"),
        choices=[SelectChoice(value, label) for value, label in SLOT_CHOICES.items()],
        default="both",
        validators=[InputRequired()],
    )
    hours = NumberField(
        _l("Hours per half-day"), default=Decimal("3.5"), validators=[InputRequired()]
    )
    kind = SelectField(
        _l("Kind"),
        choices=[SelectChoice(kind, SESSION_KIND_LABELS[kind]) for kind in SESSION_KINDS],
        default="classroom",
        validators=[InputRequired()],
    )

    def __init__(self, cohort: Cohort, **kwargs):
        super().__init__(**kwargs)
        self.cohort = cohort
        self.module.choices = module_choices(cohort)

    def validate_first_day(self, field: DateField) -> None:
        check_within_cohort(self.cohort, field.data)

    def validate_last_day(self, field: DateField) -> None:
        check_within_cohort(self.cohort, field.data)
        first = self.first_day.data
        if field.data is not None and first is not None and field.data < first:
            raise ValidationError(_("The last day must be on or after the first day."))

    def validate_hours(self, field: NumberField) -> None:
        check_hours(field)

    @property
    def chosen_slots(self) -> tuple[str, ...]:
        return SLOTS if self.slots.data == "both" else (self.slots.data,)


class MarkForm(Form):
    """One trainee's line of a roll call, checked by the roll call's rules (rules.mark_problems)."""

    # The session's length in minutes, and whether its half-day has started, set on the class
    # built for each session.
    session_minutes = 720
    started = True

    status = RadioField(
        _l("Status"),
        choices=[SelectChoice(status, STATUS_LABELS[status]) for status in STATUSES],
        validate_choice=False,
        validators=[
            InputRequired(message=_l("Choose a status.")),
            AnyOf(STATUSES, message=_l("Choose a status.")),
        ],
    )
    minutes_missed = IntegerField(
        _l("Minutes missed"),
        validators=[Optional()],
        render_kw={"inputmode": "numeric"},
        widget=GridNumberInput(),
    )
    note = StringField(_l("Note"), validators=[Length(max=500)], widget=GridTextInput())

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        status, minutes, note = self.status.data, self.minutes_missed.data, self.note.data
        if self.status.errors or not rules.is_mark(status, minutes, note, self.started):
            return valid
        problems = rules.mark_problems(
            status, minutes, note, session_minutes=self.session_minutes, started=self.started
        )
        for problem in problems:
            field = self[problem.field]
            if not field.errors:
                field.errors.append(problem.message)
        return valid and not problems

    @property
    def mark(self) -> operations.Mark | None:
        """Return the mark this line records, None for no mark (before the half-day starts)."""
        status, minutes, note = self.status.data, self.minutes_missed.data, self.note.data
        if not rules.is_mark(status, minutes, note, self.started):
            return None
        return operations.Mark(status, minutes or 0, (note or "").strip() or None)


class RollCallForm(FlaskForm):
    """The roll call of one session: a line per expected trainee, named t<trainee id>."""

    # The version of the roll call the page was drawn from, to refuse a save from a stale page.
    version = IntegerField(
        widget=HiddenInput(), validators=[InputRequired(), NumberRange(min=0, max=LARGEST_ID)]
    )
    # What the page showed of each line, to tell the lines someone else changed meanwhile.
    loaded = HiddenField()
    # Whom the page showed as signed, to tell the signatures that came in meanwhile.
    signed = HiddenField()
    # Why a closed roll call is changed: required then (closing.amendments_need_a_reason).
    reason = StringField(_l("Reason for the amendment"), validators=[Length(max=500)])

    def lines(self) -> list[tuple[Trainee, Form]]:
        """Return each expected trainee with their line of the form."""
        return [(trainee, self[f"t{trainee.id}"].form) for trainee in self.trainees]

    def marks(self) -> dict[int, operations.Mark | None]:
        """Return the mark of each line by trainee id (None: no mark)."""
        return {trainee.id: line.mark for trainee, line in self.lines()}


def roll_call_form(
    trainees: Sequence[Trainee], session_minutes: int, started: bool = True, **kwargs
) -> RollCallForm:
    """Build the roll call form of a session for its expected trainees."""
    line = type(
        "SessionMarkForm", (MarkForm,), {"session_minutes": session_minutes, "started": started}
    )
    fields = {f"t{trainee.id}": FormField(line, label=trainee.name) for trainee in trainees}
    form_class = type("SessionRollCallForm", (RollCallForm,), fields)
    form = form_class(**kwargs)
    form.trainees = list(trainees)
    return form


class CloseRollCallForm(FlaskForm):
    """The countersignature that closes a roll call."""

    confirm = BooleanField(
        _l("I countersign: this roll call is complete, and later changes will be amendments."),
        validators=[DataRequired(message=_l("Tick the box to confirm the closing."))],
    )


class ReopenRollCallForm(FlaskForm):
    """An administrator's reopening of a closed roll call, with its reason."""

    reason = StringField(
        _l("Reason for reopening"),
        validators=[
            DataRequired(message=_l("Give the reason for reopening the roll call.")),
            Length(max=500),
        ],
    )


class WeekOfDayForm(FlaskForm):
    """Any day of the week to show in the timetable, read from the query string (?day=…)."""

    class Meta:
        csrf = False

    day = DayField(_l("Week of the day"), validators=[Optional()])
