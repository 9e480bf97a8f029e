"""Forms of a trainee's positioning on entry and of a follow-up."""

import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from tracker.cohorts.models import Trainee
from tracker.fields import REQUIRED, DayField, refuse, stripped
from tracker.followups import rules
from tracker.followups.models import CHANNELS, POSITIONING_KINDS

POSITIONING_KIND_LABELS = {"test": _l("Test"), "interview": _l("Interview")}
CHANNEL_LABELS = {"phone": _l("Phone"), "meeting": _l("Meeting"), "mail": _l("Mail")}
YES_NO = {"yes": _l("Yes"), "no": _l("No")}


def required() -> InputRequired:
    return InputRequired(message=REQUIRED)


def at_most(characters: int) -> Length:
    return Length(max=characters, message=_l("At most %(max)d characters."))


class PositioningForm(FlaskForm):
    """A trainee's positioning on entry."""

    date = DayField(_l("Date of the positioning"), validators=[required()])
    kind = RadioField(
        _l("Kind of positioning"),
        choices=[SelectChoice(kind, POSITIONING_KIND_LABELS[kind]) for kind in POSITIONING_KINDS],
        validators=[InputRequired(message=_l("Choose a test or an interview."))],
    )
    result = StringField(
        _l("Result"),
        validators=[DataRequired(message=REQUIRED), at_most(rules.RESULT_MOST)],
        filters=[stripped],
    )
    prerequisites_met = RadioField(
        _l("Prerequisites met"),
        choices=[SelectChoice(value, label) for value, label in YES_NO.items()],
        validators=[InputRequired(message=_l("Say whether the prerequisites are met."))],
    )
    comment = TextAreaField(
        _l("Comment"), validators=[Optional(), at_most(2000)], filters=[stripped]
    )

    def __init__(self, *args, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def validate_date(self, field: DayField) -> None:
        if field.data is None:
            return
        refuse(rules.not_after_today(field.data, self.today))


class FollowUpForm(FlaskForm):
    """One follow-up of a trainee: when, how, what was said, what next."""

    date = DayField(_l("Date of the follow-up"), validators=[required()])
    channel = RadioField(
        _l("By"),
        choices=[SelectChoice(channel, CHANNEL_LABELS[channel]) for channel in CHANNELS],
        validators=[InputRequired(message=_l("Choose phone, meeting or mail."))],
    )
    said = TextAreaField(
        _l("What was said"),
        validators=[DataRequired(message=_l("Say what was said.")), at_most(4000)],
        filters=[stripped],
    )
    next_step = TextAreaField(
        _l("Next step"), validators=[Optional(), at_most(2000)], filters=[stripped]
    )

    def __init__(self, *args, trainee: Trainee, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.trainee = trainee
        self.today = today

    def validate_date(self, field: DayField) -> None:
        if field.data is None:
            return
        refuse(
            [
                problem
                for problem in rules.follow_up_problems(
                    day=field.data,
                    channel=CHANNELS[0],
                    said="-",
                    enrolled_on=self.trainee.enrolled_on,
                    today=self.today,
                )
                if problem.field == "date"
            ]
        )
