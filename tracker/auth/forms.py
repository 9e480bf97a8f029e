"""Sign-in and password forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from tracker.auth.passwords import MIN_LENGTH
from tracker.i18n import ROLE_NAMES


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(min=MIN_LENGTH)]
    )
    confirm_password = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The passwords differ."))],
    )


class AccountForm(FlaskForm):
    """An account as the administrator creates or edits it."""

    is_new = False  # set by the view: a new account needs a first password

    email = EmailField(_l("Email"), validators=[DataRequired(), Email()])
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    role = SelectField(
        _l("Role"), choices=[SelectChoice(role, name) for role, name in ROLE_NAMES.items()]
    )
    password = PasswordField(_l("Password"))
    cohorts = SelectMultipleField(
        _l("Cohorts taught (instructors)"),
        coerce=int,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validators=[Optional()],
    )
    trainee = SelectField(_l("Trainee record (trainee accounts)"), coerce=int)

    def validate_password(self, field):
        if not field.data:
            if self.is_new:
                raise ValidationError(_l("Give the account a first password."))
        elif len(field.data) < MIN_LENGTH:
            raise ValidationError(_l("At least %(n)d characters.", n=MIN_LENGTH))

    def validate_cohorts(self, field):
        if field.data and self.role.data != "instructor":
            raise ValidationError(_l("Only instructors are linked to the cohorts they teach."))

    def validate_trainee(self, field):
        if self.role.data == "trainee" and not field.data:
            raise ValidationError(_l("Choose the trainee this account belongs to."))
        if self.role.data != "trainee" and field.data:
            raise ValidationError(_l("Only a trainee account is linked to a trainee."))


class ConfirmForm(FlaskForm):
    """A button whose only field is its CSRF token."""


class ResetPasswordForm(FlaskForm):
    """A new password set by the administrator."""

    new_password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(min=MIN_LENGTH)]
    )
