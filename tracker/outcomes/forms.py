"""Forms of the outcomes: staff record a trainee's outcomes; a trainee answers a survey."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField
from wtforms.fields import SelectChoice
from wtforms.validators import InputRequired, Optional

from tracker.fields import CheckboxesField, DayField, refuse
from tracker.outcomes import rules
from tracker.outcomes.models import EXIT, MOMENTS
from tracker.rules import Problem

MOMENT_LABELS = {
    "exit": _l("At exit"),
    "3_months": _l("3 months after exit"),
    "6_months": _l("6 months after exit"),
}
SITUATION_LABELS = {
    "permanent_contract": _l("Employed on a permanent contract (CDI)"),
    "fixed_term_6_months_or_more": _l("Employed on a fixed-term contract of 6 months or more"),
    "fixed_term_shorter": _l("Employed on a fixed-term contract shorter than 6 months"),
    "temporary": _l("Temporary work (intérim)"),
    "self_employed": _l("Self-employed, or started a business"),
    "further_training": _l("In further training"),
    "seeking_work": _l("Seeking work"),
    "unknown": _l("Unknown"),
}
CERTIFICATION_LABELS = {
    "full": _l("Obtained in full"),
    "part": _l("Obtained in part (some blocks)"),
    "none": _l("Not obtained"),
}
SOURCE_LABELS = {"staff": _l("recorded by staff"), "survey": _l("answered by the trainee")}
# The words a trainee reads in the survey: about themself.
SURVEY_SITUATION_LABELS = {
    "permanent_contract": _l("I work on a permanent contract (CDI)"),
    "fixed_term_6_months_or_more": _l("I work on a fixed-term contract of 6 months or more"),
    "fixed_term_shorter": _l("I work on a fixed-term contract shorter than 6 months"),
    "temporary": _l("I work as a temporary worker (intérim)"),
    "self_employed": _l("I am self-employed, or I started a business"),
    "further_training": _l("I am in further training"),
    "seeking_work": _l("I am seeking work"),
}
SURVEY_CERTIFICATION_LABELS = {
    "full": _l("I obtained it in full"),
    "part": _l("I obtained some of its blocks"),
    "none": _l("I did not obtain it"),
}
NOT_RECORDED = ""


def choices(labels: dict, blank=None) -> list[SelectChoice]:
    """Return the choices of a field from its labels, after a blank one if given."""
    listed = [SelectChoice(value, label) for value, label in labels.items()]
    return [SelectChoice(NOT_RECORDED, blank), *listed] if blank is not None else listed


class OutcomesForm(FlaskForm):
    """A trainee's certification at exit and situation at each moment, with the day recorded.

    A moment left at "not recorded" removes what was recorded of it.
    """

    certification = SelectField(
        _l("Certification at exit"),
        choices=choices(CERTIFICATION_LABELS, _l("Not recorded")),
        validators=[Optional()],
    )
    blocks = CheckboxesField(_l("Blocks obtained"), choices=[], validate_choice=False)

    def __init__(self, *args, known_blocks: list[str], enrolled_on, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.known_blocks = known_blocks
        self.enrolled_on = enrolled_on
        self.today = today
        self.blocks.choices = [SelectChoice(block, block) for block in known_blocks]

    def moment_fields(self, moment: str) -> tuple:
        """Return the situation and date fields of a moment."""
        return getattr(self, f"situation_{moment}"), getattr(self, f"recorded_on_{moment}")

    def validate(self, extra_validators=None) -> bool:
        """Check each moment as the rules say, naming the field that is wrong."""
        if not super().validate(extra_validators):
            return False
        good = True
        for moment in MOMENTS:
            situation, recorded_on = self.moment_fields(moment)
            certification = (self.certification.data or None) if moment == EXIT else None
            if not situation.data:
                if certification is not None:
                    situation.errors = [
                        *situation.errors,
                        str(_l("Choose the situation at exit (Unknown if need be).")),
                    ]
                    good = False
                continue
            if recorded_on.data is None:
                recorded_on.data = self.today  # left empty: known today
            problems = rules.outcome_problems(
                moment=moment,
                situation=situation.data,
                certification=certification,
                blocks=self.blocks.data if moment == EXIT else (),
                known_blocks=self.known_blocks,
                recorded_on=recorded_on.data,
                enrolled_on=self.enrolled_on,
                today=self.today,
            )
            for problem in problems:
                field = {"situation": situation, "recorded_on": recorded_on}.get(
                    problem.field, getattr(self, problem.field, situation)
                )
                field.errors = [*field.errors, problem.message]
                good = False
        return good


for _moment in MOMENTS:
    setattr(
        OutcomesForm,
        f"situation_{_moment}",
        SelectField(
            _l("Situation"),
            choices=choices(SITUATION_LABELS, _l("Not recorded")),
            validators=[Optional()],
        ),
    )
    setattr(
        OutcomesForm,
        f"recorded_on_{_moment}",
        DayField(_l("Known on"), validators=[Optional()]),
    )


class SurveyForm(FlaskForm):
    """A trainee's answer: their situation, and at exit the certification."""

    situation = RadioField(
        _l("What is your situation today?"),
        choices=choices(SURVEY_SITUATION_LABELS),
        validators=[InputRequired(message=_l("Choose the sentence that fits your situation."))],
    )
    certification = RadioField(
        _l("The certification the course prepared for"),
        choices=choices(SURVEY_CERTIFICATION_LABELS),
        validators=[InputRequired(message=_l("Say whether you obtained it."))],
    )
    blocks = CheckboxesField(_l("The blocks you obtained"), choices=[], validate_choice=False)

    def __init__(self, *args, moment: str, known_blocks: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.moment = moment
        self.known_blocks = known_blocks
        self.blocks.choices = [SelectChoice(block, block) for block in known_blocks]
        if moment != EXIT:
            del self.certification
            del self.blocks

    def validate_blocks(self, field) -> None:
        certification = self.certification.data
        known = self.known_blocks
        if certification == "part" and known and not field.data:
            refuse([Problem("blocks", str(_l("Tick the blocks you obtained.")))])
        if certification != "part":
            field.data = []
        unknown = set(field.data) - set(known)
        if unknown:
            refuse([Problem("blocks", str(_l("Tick only the blocks listed.")))])
