"""Forms of the cohort pages: the date of the figures, cohorts, curriculum and trainees."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from tracker.codes import SLUG_HINT, Code, Slug, code_hint
from tracker.cohorts import rules
from tracker.cohorts.models import Cohort, Competency, Module, Trainee
from tracker.extensions import db
from tracker.fields import (
    REQUIRED,
    CheckboxesField,
    DayField,
    NumberField,
    TimeOfDayField,
    refuse,
    stripped,
)


def required() -> InputRequired:
    return InputRequired(message=REQUIRED)


def filled() -> DataRequired:
    """Require some text other than spaces (the field strips them)."""
    return DataRequired(message=REQUIRED)


def at_most(characters: int) -> Length:
    return Length(max=characters, message=_l("At most %(max)d characters."))


class TextField(StringField):
    """A line of text, without the spaces around it."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, filters=[stripped], **kwargs)


def not_negative() -> NumberRange:
    return NumberRange(min=0, message=_l("Must not be negative."))


class CohortForm(FlaskForm):
    slug = TextField(
        _l("Short name in addresses"),
        validators=[filled(), Slug()],
        description=SLUG_HINT,
    )
    name = TextField(_l("Name"), validators=[filled(), at_most(200)])
    funder = TextField(_l("Funder"), validators=[Optional(), at_most(200)])
    agreement_number = TextField(
        _l("Grant agreement number"), validators=[Optional(), at_most(100)]
    )
    title_in_agreement = TextField(
        _l("Course title in the agreement"), validators=[Optional(), at_most(300)]
    )
    starts_on = DayField(_l("First day"), validators=[required()])
    ends_on = DayField(_l("Last day"), validators=[required()])
    grant_amount = NumberField(_l("Grant (EUR)"), validators=[required()], euros=True)
    contracted_trainees = NumberField(
        _l("Contracted trainees"),
        validators=[required(), NumberRange(min=1, message=_l("At least 1 trainee."))],
        places=0,
    )
    planned_hours = NumberField(
        _l("Planned hours per trainee"), validators=[Optional(), not_negative()], places=2
    )
    threshold_percent = NumberField(
        _l("Attendance threshold (%)"),
        validators=[
            required(),
            NumberRange(min=0, max=100, message=_l("Between 0 and 100.")),
        ],
        places=1,
    )
    morning_starts_at = TimeOfDayField(_l("Mornings start at"), validators=[required()])
    morning_ends_at = TimeOfDayField(_l("Mornings end at"), validators=[required()])
    afternoon_starts_at = TimeOfDayField(_l("Afternoons start at"), validators=[required()])
    afternoon_ends_at = TimeOfDayField(_l("Afternoons end at"), validators=[required()])

    def __init__(self, *args, cohort: Cohort | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.cohort = cohort

    def validate_slug(self, field) -> None:
        taken = db.session.scalar(select(Cohort.id).where(Cohort.slug == field.data))
        if taken is not None and (self.cohort is None or taken != self.cohort.id):
            raise ValidationError(_("Another cohort already uses this short name."))

    def validate_ends_on(self, field) -> None:
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_("The last day must be on or after the first day."))

    def times_problems(self, field) -> None:
        """Refuse a time of the half-days that the others make wrong (rules.half_day_times)."""
        problems = rules.half_day_times_problems(
            self.morning_starts_at.data,
            self.morning_ends_at.data,
            self.afternoon_starts_at.data,
            self.afternoon_ends_at.data,
        )
        refuse([problem for problem in problems if problem.field == field.name])

    validate_morning_ends_at = times_problems
    validate_afternoon_starts_at = times_problems
    validate_afternoon_ends_at = times_problems


class CurriculumForm(FlaskForm):
    """What competency and module forms share: a code unique in the cohort."""

    model: type

    def __init__(self, *args, cohort: Cohort, current_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.cohort = cohort
        self.current_id = current_id

    def validate_code(self, field) -> None:
        model = self.model
        taken = db.session.scalar(
            select(model.id).where(model.cohort_id == self.cohort.id, model.code == field.data)
        )
        if taken is not None and taken != self.current_id:
            raise ValidationError(_("This code is already used in this cohort."))


class CompetencyForm(CurriculumForm):
    model = Competency

    code = TextField(_l("Code"), validators=[filled(), Code()], description=code_hint("C01"))
    title = TextField(_l("Title"), validators=[filled(), at_most(300)])
    block = TextField(_l("Block"), validators=[Optional(), at_most(200)])


class ModuleForm(CurriculumForm):
    model = Module

    code = TextField(_l("Code"), validators=[filled(), Code()], description=code_hint("M01"))
    title = TextField(_l("Title"), validators=[filled(), at_most(300)])
    planned_hours = NumberField(
        _l("Planned hours"), validators=[required(), not_negative()], places=2
    )
    starts_on = DayField(_l("First day"), validators=[Optional()])
    ends_on = DayField(_l("Last day"), validators=[Optional()])
    pass_mark = NumberField(
        _l("Pass mark (out of 20)"),
        validators=[required(), NumberRange(min=0, max=20, message=_l("Between 0 and 20."))],
        places=2,
    )
    competencies = CheckboxesField(_l("Competencies covered"), coerce=int)

    def validate_ends_on(self, field) -> None:
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_("The last day must be on or after the first day."))


class TraineeForm(FlaskForm):
    ref = TextField(_l("Reference"), validators=[filled(), Code()], description=code_hint("T01"))
    first_name = TextField(_l("First name"), validators=[filled(), at_most(100)])
    last_name = TextField(_l("Last name"), validators=[filled(), at_most(100)])
    email = TextField(
        _l("Email"),
        validators=[
            filled(),
            at_most(254),
            Email(message=_l("Enter an email address such as name@example.org.")),
        ],
    )
    enrolled_on = DayField(_l("Enrolled on"), validators=[required()])

    def __init__(self, *args, cohort: Cohort, trainee: Trainee | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.cohort = cohort
        self.trainee = trainee

    def validate_ref(self, field) -> None:
        taken = db.session.scalar(
            select(Trainee.id).where(
                Trainee.cohort_id == self.cohort.id, Trainee.ref == field.data.strip()
            )
        )
        if taken is not None and (self.trainee is None or taken != self.trainee.id):
            raise ValidationError(_("Another trainee of this cohort has this reference."))

    def validate_enrolled_on(self, field) -> None:
        left_on = self.trainee.left_on if self.trainee else None
        refuse(rules.enrolment_problems(field.data, left_on))


class WithdrawalForm(FlaskForm):
    left_on = DayField(_l("Left on"), validators=[required()])
    reason = TextAreaField(
        _l("Reason for leaving"),
        validators=[DataRequired(message=_l("Give the reason for leaving.")), at_most(2000)],
        filters=[stripped],
    )

    def __init__(self, *args, trainee: Trainee, **kwargs):
        super().__init__(*args, **kwargs)
        self.trainee = trainee

    def validate_left_on(self, field) -> None:
        refuse(rules.leaving_day_problems(self.trainee.enrolled_on, field.data))
