"""Forms of assessments and of the results grid."""

from collections.abc import Sequence
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    DateField,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
)
from wtforms.fields import SelectChoice
from wtforms.form import Form
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError
from wtforms.widgets import HiddenInput

from tracker.assessments import queries, rules
from tracker.assessments.models import ASSESSMENT_KINDS, Assessment
from tracker.attendance.forms import (
    DATE_FORMATS,
    module_choices,
)
from tracker.codes import Code, code_hint
from tracker.cohorts.models import Cohort, Competency, Trainee
from tracker.extensions import db
from tracker.fields import (
    REQUIRED,
    CheckboxesField,
    GridTextInput,
    NumberField,
    refuse,
    stripped,
)
from tracker.rules import Problem
from tracker.urls import LARGEST_ID

ASSESSMENT_KIND_LABELS = {
    "quiz": _l("Quiz"),
    "project": _l("Project"),
    "exam": _l("Exam"),
    "oral": _l("Oral"),
}


class AssessmentForm(FlaskForm):
    """An assessment of one of the cohort's modules."""

    code = StringField(
        _l("Code"),
        filters=[stripped],
        validators=[DataRequired(message=REQUIRED), Code()],
        description=code_hint("QCM-1"),
    )
    module = SelectField(_l("Module"), coerce=int, validators=[InputRequired()])
    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=300)])
    date = DateField(_l("Date"), format=DATE_FORMATS, validators=[InputRequired()])
    kind = SelectField(
        _l("Kind"),
        choices=[SelectChoice(kind, ASSESSMENT_KIND_LABELS[kind]) for kind in ASSESSMENT_KINDS],
        default="exam",
        validators=[InputRequired()],
    )
    max_score = NumberField(_l("Maximum score"), default=Decimal(20), validators=[InputRequired()])
    weight = NumberField(_l("Weight"), default=Decimal(1), validators=[InputRequired()])
    competencies = CheckboxesField(_l("Competencies evaluated"), coerce=int)

    def __init__(self, cohort: Cohort, editing: Assessment | None = None, **kwargs):
        super().__init__(**kwargs)
        self.cohort = cohort
        self.editing = editing
        self.module.choices = module_choices(cohort)
        self.competencies.choices = [
            SelectChoice(id_, f"{code} — {title}")
            for id_, code, title in db.session.execute(
                select(Competency.id, Competency.code, Competency.title)
                .where(Competency.cohort_id == cohort.id)
                .order_by(Competency.code)
            )
        ]

    def validate_code(self, field: StringField) -> None:
        taken = select(Assessment.id).where(
            Assessment.cohort_id == self.cohort.id, Assessment.code == field.data
        )
        if self.editing is not None:
            taken = taken.where(Assessment.id != self.editing.id)
        if db.session.scalar(taken) is not None:
            raise ValidationError(_("Another assessment of this cohort has this code."))

    def validate_title(self, field: StringField) -> None:
        field.data = (field.data or "").strip()
        if not field.data:
            raise ValidationError(_("This field is required."))

    def validate_date(self, field: DateField) -> None:
        refuse(self.problems("date"))

    def validate_max_score(self, field: NumberField) -> None:
        refuse(self.problems("max_score"))
        if self.editing is not None and field.data is not None:
            refuse(rules.maximum_problems(field.data, queries.best_score(self.editing)))

    def validate_weight(self, field: NumberField) -> None:
        refuse(self.problems("weight"))

    def problems(self, field: str) -> list[Problem]:
        """Return the problems the assessment's rules find with one of its fields."""
        problems = rules.assessment_problems(
            self.cohort, self.date.data, self.kind.data, self.max_score.data, self.weight.data
        )
        return [problem for problem in problems if problem.field == field]


class ScoreForm(Form):
    """One trainee's line of a results grid."""

    score = NumberField(_l("Score"), widget=GridTextInput())
    comment = StringField(_l("Comment"), validators=[Length(max=1000)], widget=GridTextInput())


class ResultsForm(FlaskForm):
    """The results of one assessment: a line per expected trainee, named t<trainee id>."""

    # The version of the grid the page was drawn from, to refuse a save from a stale page.
    version = IntegerField(
        widget=HiddenInput(), validators=[InputRequired(), NumberRange(min=0, max=LARGEST_ID)]
    )
    # What the page showed of each line, to tell the lines someone else changed meanwhile.
    loaded = HiddenField()

    def lines(self) -> list[tuple[Trainee, Form]]:
        """Return each expected trainee with their line of the form."""
        return [(trainee, self[f"t{trainee.id}"].form) for trainee in self.trainees]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for trainee, line in self.lines():
            score, comment = line.score, line.comment
            who = f"{trainee.name} ({trainee.ref})"
            if score.errors:
                score.errors = [f"{who}: {e}" for e in score.errors]
            else:
                problems = rules.score_problems(
                    score.data, self.max_score, comment.data, trainee=who
                )
                score.errors.extend(problem.message for problem in problems[:1])
            valid = valid and not score.errors
        return valid


def results_form(trainees: Sequence[Trainee], max_score: float, **kwargs) -> ResultsForm:
    """Build the results grid of an assessment for its expected trainees."""
    fields = {f"t{trainee.id}": FormField(ScoreForm, label=trainee.name) for trainee in trainees}
    form_class = type("AssessmentResultsForm", (ResultsForm,), fields)
    form = form_class(**kwargs)
    form.trainees = list(trainees)
    form.max_score = max_score
    return form
