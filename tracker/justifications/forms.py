"""Forms of the absence justifications: the trainee's declaration, the staff's decision."""

from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import InputRequired, ValidationError

from tracker.attachments import Attachment, AttachmentRefused, read_upload
from tracker.fields import REQUIRED, DayField, stripped
from tracker.justifications import rules

FIRST_SLOTS = [
    SelectChoice("AM", _l("from the morning")),
    SelectChoice("PM", _l("from the afternoon")),
]
LAST_SLOTS = [
    SelectChoice("AM", _l("until the end of the morning")),
    SelectChoice("PM", _l("until the end of the afternoon")),
]


class DeclarationForm(FlaskForm):
    """A trainee's declaration of an absence, with its reason and its document."""

    first_day = DayField(_l("First day of the absence"), validators=[InputRequired(REQUIRED)])
    first_slot = SelectField(_l("First half-day"), choices=FIRST_SLOTS, default="AM")
    last_day = DayField(_l("Last day of the absence"))
    last_slot = SelectField(_l("Last half-day"), choices=LAST_SLOTS, default="PM")
    reason = TextAreaField(_l("Reason"), filters=[stripped])
    file = FileField(_l("Supporting document"))

    attachment: Attachment | None = None

    def __init__(self, *args, cohort, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.cohort = cohort
        self.today = today

    def validate_reason(self, field: TextAreaField) -> None:
        """Require a reason, not too long: it becomes the note of each excused half-day."""
        problems = rules.reason_problems(field.data)
        if problems:
            raise ValidationError(problems[0].message)

    def validate_file(self, field: FileField) -> None:
        """Read the document and check it from its content: type, size, not empty."""
        try:
            self.attachment = read_upload(
                field.data,
                field=str(field.label.text),
                max_bytes=current_app.config["JUSTIFICATION_MAX_BYTES"],
            )
        except AttachmentRefused as refused:
            raise ValidationError(str(refused)) from None

    @property
    def span(self) -> dict:
        """Return the half-days of the absence; an empty last day is the first day."""
        return {
            "first_day": self.first_day.data,
            "first_slot": self.first_slot.data,
            "last_day": self.last_day.data or self.first_day.data,
            "last_slot": self.last_slot.data,
        }

    def validate(self, extra_validators=None) -> bool:
        """Check each field, then the absence's half-days as a whole (rules.span_problems)."""
        valid = super().validate(extra_validators)
        if self.first_day.data is None or self.first_day.errors or self.last_day.errors:
            return False
        problems = rules.span_problems(self.cohort, **self.span, today=self.today)
        for problem in problems:
            field = getattr(self, problem.field)
            field.errors = [*field.errors, problem.message]
        return valid and not problems


class AcceptForm(FlaskForm):
    """An instructor's or administrator's acceptance of a justification."""


class RefuseForm(FlaskForm):
    """An instructor's or administrator's refusal of a justification, with its reason."""

    decision_reason = TextAreaField(_l("Reason for the refusal"), filters=[stripped])

    def validate_decision_reason(self, field: TextAreaField) -> None:
        """Require the reason that the trainee will read."""
        problems = rules.reason_problems(field.data, "decision_reason")
        if problems:
            raise ValidationError(problems[0].message)
