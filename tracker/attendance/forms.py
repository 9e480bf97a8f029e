"""Forms of the timetable and of the roll call."""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    DateField,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
)
from wtforms.fields import SelectChoice
from wtforms.form import Form
from wtforms.validators import AnyOf, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import HiddenInput

from tracker.attendance import operations
from tracker.attendance.models import SESSION_KINDS, SLOTS, STATUSES, Session
from tracker.cohorts.models import Cohort, Module, Trainee
from tracker.extensions import db
from tracker.fields import NumberField
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
PARTLY_ATTENDED = operations.PARTLY_ATTENDED
MAX_SESSION_MINUTES = 12 * 60
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


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
    if day is not None and not cohort.starts_on <= day <= cohort.ends_on:
        raise ValidationError(
            _(
                "The date must be within the cohort, from %(first)s to %(last)s.",
                first=cohort.starts_on.strftime("%d/%m/%Y"),
                last=cohort.ends_on.strftime("%d/%m/%Y"),
            )
        )


def check_hours(field: NumberField) -> None:
    """Refuse hours that are not a half-day's length."""
    if field.data is not None and not 0 < hours_to_minutes(field.data) <= MAX_SESSION_MINUTES:
        raise ValidationError(_("The hours must be more than 0 and at most 12."))


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

    def __init__(self, cohort: Cohort, editing: Session | None = None, **kwargs):
        super().__init__(**kwargs)
        self.cohort = cohort
        self.editing = editing
        self.module.choices = module_choices(cohort)

    def validate_date(self, field: DateField) -> None:
        check_within_cohort(self.cohort, field.data)

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
        if most_missed is not None and hours_to_minutes(field.data) < most_missed:
            raise ValidationError(
                _(
                    "A trainee already missed %(minutes)d minutes of this session.",
                    minutes=most_missed,
                )
            )


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
    """One trainee's line of a roll call."""

    # The session's length in minutes, set on the class built for each session.
    session_minutes = 720

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
        validators=[Optional(), NumberRange(min=0, message=_l("Enter 0 or more minutes."))],
        render_kw={"inputmode": "numeric"},
    )
    note = StringField(_l("Note"), validators=[Length(max=500)])

    def validate_minutes_missed(self, field: IntegerField) -> None:
        if not field.data:
            return
        if self.status.data not in PARTLY_ATTENDED:
            raise ValidationError(_("Minutes missed are only for a trainee late or leaving early."))
        if field.data > self.session_minutes:
            raise ValidationError(
                _(
                    "At most %(minutes)d minutes, the session's length.",
                    minutes=self.session_minutes,
                )
            )

    def validate_note(self, field: StringField) -> None:
        if self.status.data == "excused" and not (field.data or "").strip():
            raise ValidationError(_("A reason is required for an excused absence."))


class RollCallForm(FlaskForm):
    """The roll call of one session: a line per expected trainee, named t<trainee id>."""

    # The version of the roll call the page was drawn from, to refuse a save from a stale page.
    version = IntegerField(
        widget=HiddenInput(), validators=[InputRequired(), NumberRange(min=0, max=LARGEST_ID)]
    )

    def lines(self) -> list[tuple[Trainee, Form]]:
        """Return each expected trainee with their line of the form."""
        return [(trainee, self[f"t{trainee.id}"].form) for trainee in self.trainees]


def roll_call_form(trainees: Sequence[Trainee], session_minutes: int, **kwargs) -> RollCallForm:
    """Build the roll call form of a session for its expected trainees."""
    line = type("SessionMarkForm", (MarkForm,), {"session_minutes": session_minutes})
    fields = {f"t{trainee.id}": FormField(line, label=trainee.name) for trainee in trainees}
    form_class = type("SessionRollCallForm", (RollCallForm,), fields)
    form = form_class(**kwargs)
    form.trainees = list(trainees)
    return form
