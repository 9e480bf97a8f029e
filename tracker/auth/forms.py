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
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from tracker.auth import rules
from tracker.auth.passwords import MIN_LENGTH
from tracker.fields import refuse
from tracker.i18n import ROLE_NAMES
from tracker.rules import Problem


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


# The languages an account's mail is written in, each named in its own language.
MAIL_LANGUAGES = [SelectChoice("fr", "Français"), SelectChoice("en", "English")]


class AccountForm(FlaskForm):
    """An account as the administrator creates or edits it."""

    is_new = False  # set by the view: a new account without a password is invited by mail

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
    language = SelectField(_l("Language of the mail"), choices=MAIL_LANGUAGES, default="fr")

    def validate_password(self, field):
        # Empty: a new account is invited to choose its password by mail.
        if field.data:
            refuse(rules.password_problems(field.data))

    def validate_cohorts(self, field):
        refuse(self.link_problems("cohorts"))

    def validate_trainee(self, field):
        refuse(self.link_problems("trainee"))

    def link_problems(self, field: str) -> list[Problem]:
        """Return the problems the role's rules find with the account's links of one field."""
        problems = rules.link_problems(
            self.role.data, teaches=bool(self.cohorts.data), trainee=bool(self.trainee.data)
        )
        return [problem for problem in problems if problem.field == field]


class ConfirmForm(FlaskForm):
    """A button whose only field is its CSRF token."""


class ResetPasswordForm(FlaskForm):
    """A new password set by the administrator."""

    new_password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(min=MIN_LENGTH)]
    )


class ForgottenPasswordForm(FlaskForm):
    """The email of an account whose password is forgotten."""

    email = EmailField(_l("Email"), validators=[DataRequired(), Email()])


class ChoosePasswordForm(FlaskForm):
    """A password chosen through a link sent by mail."""

    new_password = PasswordField(_l("New password"), validators=[DataRequired()])
    confirm_password = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The passwords differ."))],
    )

    def validate_new_password(self, field):
        refuse(rules.password_problems(field.data))
