"""The form of a file upload (CSV or XLSX)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

# The kinds of file, in the order a new cohort is loaded, in the users' words.
KIND_LABELS = {
    "trainees": _l("Trainees"),
    "positionings": _l("Positionings on entry"),
    "competencies": _l("Competencies"),
    "modules": _l("Modules"),
    "sessions": _l("Sessions (timetable)"),
    "attendance": _l("Attendance (roll calls)"),
    "assessments": _l("Assessments"),
    "results": _l("Results"),
    "budget": _l("Budget lines"),
    "expenses": _l("Expenses"),
}


class UploadForm(FlaskForm):
    kind = SelectField(
        _l("What the file holds"),
        choices=[SelectChoice(kind, label) for kind, label in KIND_LABELS.items()],
        validators=[InputRequired(message=_l("Choose what the file holds."))],
        validate_choice=True,
    )
    file = FileField(
        _l("CSV or XLSX file"),
        validators=[FileRequired(message=_l("Choose a CSV or XLSX file to upload."))],
    )
    # Why the file changes closed roll calls (amendments); a reason column gives one per row.
    reason = StringField(_l("Reason for the amendments"), validators=[Length(max=500)])
