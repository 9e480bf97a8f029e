"""Forms of the budget pages: the date of the figures, the expenses' filters, an expense, a budget
line, the removal of either and the upload of an expenses file."""

from collections.abc import Sequence
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from tracker import timeutil
from tracker.budget import queries, rules
from tracker.budget.models import BudgetLine, Expense
from tracker.codes import Code, code_hint
from tracker.cohorts.models import Cohort
from tracker.fields import REQUIRED, DayField, NumberField, refuse, stripped
from tracker.i18n import day as show_day

FUTURE_DAYS = rules.FUTURE_DAYS


def line_choices(lines: Sequence[BudgetLine]) -> list[SelectChoice]:
    """List budget lines as choices of a select, by code."""
    return [SelectChoice(line.code, f"{line.code} — {line.label}") for line in lines]


# ---------------------------------------------------------------------------------------------
# Read from the query string


class ExpenseFilterForm(FlaskForm):
    """Which expenses to list: of one line, within a period."""

    class Meta:
        csrf = False

    line = SelectField(_l("Budget line"), validate_choice=False)
    start = DayField(_l("From"), name="from", validators=[Optional()])
    end = DayField(_l("To"), name="to", validators=[Optional()])

    def __init__(self, lines: Sequence[BudgetLine], **kwargs):
        super().__init__(**kwargs)
        self.line.choices = [SelectChoice("", _("All lines")), *line_choices(lines)]
        self.codes = {line.code for line in lines}

    def validate_line(self, field: SelectField) -> None:
        if field.data and field.data not in self.codes:
            raise ValidationError(_("This cohort has no budget line %(code)s.", code=field.data))

    def validate_end(self, field: DayField) -> None:
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError(_("The end of the period must be on or after its start."))


# ---------------------------------------------------------------------------------------------
# Expenses


def plausible_dates(cohort: Cohort) -> tuple[date, date]:
    """Return the first and last dates an expense of the cohort may have (rules.plausible_dates)."""
    return rules.plausible_dates(cohort, timeutil.today())


class ExpenseForm(FlaskForm):
    """One expense charged to a budget line of the cohort."""

    line = SelectField(
        _l("Budget line"),
        validate_choice=False,
        validators=[InputRequired(message=_l("Choose a budget line."))],
    )
    date = DayField(_l("Date"), validators=[InputRequired(message=REQUIRED)])
    amount = NumberField(
        _l("Amount (EUR)"), validators=[InputRequired(message=REQUIRED)], euros=True
    )
    description = TextAreaField(
        _l("Description"),
        filters=[stripped],
        validators=[DataRequired(message=REQUIRED), Length(max=1000)],
        render_kw={"rows": 3},
    )
    supplier = StringField(_l("Supplier"), filters=[stripped], validators=[Length(max=200)])
    reference = StringField(_l("Reference"), filters=[stripped], validators=[Length(max=100)])

    def __init__(
        self,
        cohort: Cohort,
        lines: Sequence[BudgetLine],
        editing: Expense | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.cohort = cohort
        self.editing = editing
        self.lines = {line.code: line for line in lines}
        self.line.choices = [SelectChoice("", _("Choose a line")), *line_choices(lines)]
        self.first_day, self.last_day = plausible_dates(cohort)

    @property
    def date_hint(self) -> str:
        return _(
            "From %(first)s to %(last)s: from a year before the cohort starts to a year after it"
            " ends, and at most %(days)d days after today.",
            first=show_day(self.first_day),
            last=show_day(self.last_day),
            days=FUTURE_DAYS,
        )

    @property
    def chosen_line(self) -> BudgetLine | None:
        return self.lines.get(self.line.data)

    def validate_line(self, field: SelectField) -> None:
        if self.chosen_line is None:
            raise ValidationError(_("Choose a budget line of this cohort."))

    def validate_date(self, field: DayField) -> None:
        refuse(rules.expense_date_problems(self.cohort, field.data, timeutil.today()))

    def validate_amount(self, field: NumberField) -> None:
        refuse(rules.expense_problems(field.data, None))

    def validate_reference(self, field: StringField) -> None:
        line, day = self.chosen_line, self.date.data
        if not field.data or line is None or day is None:
            return
        if queries.reference_taken(line, day, field.data, but=self.editing):
            raise ValidationError(
                _(
                    "The line %(code)s already has an expense with this reference on %(day)s.",
                    code=line.code,
                    day=show_day(day),
                )
            )


class DeleteForm(FlaskForm):
    """The removal of one expense or line, named in the form so that a stray POST removes
    nothing."""

    target = HiddenField(validators=[InputRequired()])


# ---------------------------------------------------------------------------------------------
# Budget lines


class BudgetLineForm(FlaskForm):
    """A line of the grant's budget."""

    code = StringField(
        _l("Code"),
        filters=[stripped],
        validators=[DataRequired(message=REQUIRED), Code()],
        description=code_hint("PED"),
    )
    label = StringField(
        _l("Label"),
        filters=[stripped],
        validators=[DataRequired(message=REQUIRED), Length(max=200)],
    )
    planned_amount = NumberField(
        _l("Planned amount (EUR)"), validators=[InputRequired(message=REQUIRED)], euros=True
    )

    def __init__(self, cohort: Cohort, editing: BudgetLine | None = None, **kwargs):
        super().__init__(**kwargs)
        self.cohort = cohort
        self.editing = editing

    def validate_code(self, field: StringField) -> None:
        if field.data and queries.code_taken(self.cohort.id, field.data, but=self.editing):
            raise ValidationError(_("This cohort already has a line %(code)s.", code=field.data))


# ---------------------------------------------------------------------------------------------
# Upload


class ExpensesFileForm(FlaskForm):
    """A CSV or XLSX file of expenses, for the importer."""

    file = FileField(
        _l("CSV or XLSX file of expenses"),
        validators=[FileRequired(message=_l("Choose a CSV or XLSX file to upload."))],
    )
