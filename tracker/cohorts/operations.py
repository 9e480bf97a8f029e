"""Operations on cohorts, their curriculum and their trainees. They flush and never commit.

Each raises CohortError, naming the field at fault and what is wrong in the user's language
("slug: ..."), when what is asked would break a rule; the forms check the same rules first.
"""

from collections.abc import Sequence
from datetime import date, time
from decimal import Decimal
from typing import NamedTuple

from flask_babel import gettext as _
from sqlalchemy import select

from tracker.batch import Row, write_rows
from tracker.codes import is_code, is_slug, not_a_code
from tracker.cohorts import rules
from tracker.cohorts.models import Cohort, Competency, Module, Trainee
from tracker.extensions import db
from tracker.hours import hours_to_minutes
from tracker.money import round_money
from tracker.rules import Problem


class CohortError(ValueError):
    """A cohort cannot be saved as asked: `field` is the field at fault, `message` what is wrong.

    Its text is "field: message", as the command line prints it.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class HalfDayTimes(NamedTuple):
    """When a cohort's mornings and afternoons start and end, unless a session says otherwise."""

    morning_starts_at: time = time(9, 0)
    morning_ends_at: time = time(12, 30)
    afternoon_starts_at: time = time(13, 30)
    afternoon_ends_at: time = time(17, 0)


# 09:00–12:30 and 13:30–17:00.
USUAL_HALF_DAYS = HalfDayTimes()


def refuse(problems: list[Problem]) -> None:
    """Refuse with the first problem the rules found (tracker.cohorts.rules)."""
    if problems:
        raise CohortError(problems[0].field, problems[0].file_message)


def _checked_terms(
    cohort: Cohort | None,
    *,
    slug: str,
    name: str,
    starts_on: date,
    ends_on: date,
    grant_amount: Decimal,
    contracted_trainees: int,
    planned_hours_per_trainee: Decimal | None,
    funder: str,
    attendance_threshold: Decimal,
    half_days: HalfDayTimes,
    agreement_number: str = "",
    title_in_agreement: str = "",
) -> dict:
    """Check a cohort's terms and return them as model attributes."""
    if not is_slug(slug):
        raise CohortError(
            "slug",
            _(
                "%(slug)r must be up to 64 lowercase letters without accents, digits and dashes",
                slug=slug,
            ),
        )
    taken = db.session.scalar(select(Cohort.id).where(Cohort.slug == slug))
    if taken is not None and (cohort is None or taken != cohort.id):
        raise CohortError("slug", _("a cohort %(slug)s already exists", slug=slug))
    if not name.strip():
        raise CohortError("name", _("must not be empty"))
    if ends_on < starts_on:
        raise CohortError("ends", _("the cohort must end on or after the day it starts"))
    if grant_amount < 0 or grant_amount != round_money(grant_amount):
        raise CohortError("grant", _("must be an amount in euros and cents, not negative"))
    if contracted_trainees < 1:
        raise CohortError("trainees", _("must be at least 1"))
    planned_minutes = None
    if planned_hours_per_trainee is not None:
        if planned_hours_per_trainee < 0:
            raise CohortError("hours", _("must not be negative"))
        planned_minutes = hours_to_minutes(planned_hours_per_trainee)
    if not 0 <= attendance_threshold <= 1:
        raise CohortError("threshold", _("must be between 0 and 1"))
    refuse(rules.half_day_times_problems(*half_days))
    return {
        "slug": slug,
        "name": name.strip(),
        "funder": funder.strip(),
        "starts_on": starts_on,
        "ends_on": ends_on,
        "grant_amount": grant_amount,
        "contracted_trainees": contracted_trainees,
        "planned_minutes_per_trainee": planned_minutes,
        "attendance_threshold": float(attendance_threshold),
        "morning_starts_at": half_days.morning_starts_at,
        "morning_ends_at": half_days.morning_ends_at,
        "afternoon_starts_at": half_days.afternoon_starts_at,
        "afternoon_ends_at": half_days.afternoon_ends_at,
        "agreement_number": agreement_number.strip(),
        "title_in_agreement": title_in_agreement.strip(),
    }


def create_cohort(
    *,
    slug: str,
    name: str,
    starts_on: date,
    ends_on: date,
    grant_amount: Decimal,
    contracted_trainees: int = 25,
    planned_hours_per_trainee: Decimal | None = None,
    funder: str = "",
    attendance_threshold: Decimal = Decimal("0.80"),
    half_days: HalfDayTimes = USUAL_HALF_DAYS,
    agreement_number: str = "",
    title_in_agreement: str = "",
) -> Cohort:
    """Add a cohort after checking every field."""
    cohort = Cohort(
        **_checked_terms(
            None,
            slug=slug,
            name=name,
            starts_on=starts_on,
            ends_on=ends_on,
            grant_amount=grant_amount,
            contracted_trainees=contracted_trainees,
            planned_hours_per_trainee=planned_hours_per_trainee,
            funder=funder,
            attendance_threshold=attendance_threshold,
            half_days=half_days,
            agreement_number=agreement_number,
            title_in_agreement=title_in_agreement,
        )
    )
    db.session.add(cohort)
    db.session.flush()
    return cohort


def update_cohort(
    cohort: Cohort,
    *,
    slug: str,
    name: str,
    starts_on: date,
    ends_on: date,
    grant_amount: Decimal,
    contracted_trainees: int,
    planned_hours_per_trainee: Decimal | None,
    funder: str,
    attendance_threshold: Decimal,
    half_days: HalfDayTimes | None = None,
    agreement_number: str | None = None,
    title_in_agreement: str | None = None,
) -> None:
    """Change a cohort's terms after checking every field; its times and agreement stay unless
    given."""
    if half_days is None:
        half_days = HalfDayTimes(
            cohort.morning_starts_at,
            cohort.morning_ends_at,
            cohort.afternoon_starts_at,
            cohort.afternoon_ends_at,
        )
    terms = _checked_terms(
        cohort,
        slug=slug,
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        grant_amount=grant_amount,
        contracted_trainees=contracted_trainees,
        planned_hours_per_trainee=planned_hours_per_trainee,
        funder=funder,
        attendance_threshold=attendance_threshold,
        half_days=half_days,
        agreement_number=cohort.agreement_number if agreement_number is None else agreement_number,
        title_in_agreement=(
            cohort.title_in_agreement if title_in_agreement is None else title_in_agreement
        ),
    )
    for attribute, value in terms.items():
        setattr(cohort, attribute, value)
    db.session.flush()


def _checked_code(model: type, cohort: Cohort, code: str, current_id: int | None) -> str:
    """Check that a code is given, within the set of codes and not used by another row of the
    cohort."""
    code = code.strip()
    if not code:
        raise CohortError("code", _("must not be empty"))
    if not is_code(code):
        raise CohortError("code", not_a_code(code))
    taken = db.session.scalar(
        select(model.id).where(model.cohort_id == cohort.id, model.code == code)
    )
    if taken is not None and taken != current_id:
        raise CohortError("code", _("%(code)s is already used in this cohort", code=code))
    return code


def _checked_title(title: str) -> str:
    if not title.strip():
        raise CohortError("title", _("must not be empty"))
    return title.strip()


def save_competency(
    cohort: Cohort,
    competency: Competency | None,
    *,
    code: str,
    title: str,
    block: str = "",
) -> Competency:
    """Add a competency to the cohort, or change one (when given)."""
    code = _checked_code(Competency, cohort, code, competency and competency.id)
    if competency is None:
        competency = Competency(cohort_id=cohort.id)
        db.session.add(competency)
    competency.code = code
    competency.title = _checked_title(title)
    competency.block = block.strip()
    db.session.flush()
    return competency


def save_module(
    cohort: Cohort,
    module: Module | None,
    *,
    code: str,
    title: str,
    planned_hours: Decimal,
    starts_on: date | None = None,
    ends_on: date | None = None,
    pass_mark: Decimal = Decimal(10),
    competencies: Sequence[Competency] = (),
) -> Module:
    """Add a module to the cohort's curriculum, or change one (when given)."""
    code = _checked_code(Module, cohort, code, module and module.id)
    title = _checked_title(title)
    if planned_hours < 0:
        raise CohortError("planned_hours", _("must not be negative"))
    if starts_on is not None and ends_on is not None and ends_on < starts_on:
        raise CohortError("ends_on", _("the module must end on or after the day it starts"))
    if not 0 <= pass_mark <= 20:
        raise CohortError("pass_mark", _("must be between 0 and 20"))
    if any(competency.cohort_id != cohort.id for competency in competencies):
        raise CohortError("competencies", _("must be competencies of this cohort"))
    if module is None:
        module = Module(cohort=cohort)
        db.session.add(module)
    module.code = code
    module.title = title
    module.planned_minutes = hours_to_minutes(planned_hours)
    module.starts_on = starts_on
    module.ends_on = ends_on
    module.pass_mark = float(pass_mark)
    module.competencies = list(competencies)
    db.session.flush()
    return module


def save_trainee(
    cohort: Cohort,
    trainee: Trainee | None,
    *,
    ref: str,
    first_name: str,
    last_name: str,
    email: str,
    enrolled_on: date,
) -> Trainee:
    """Enrol a trainee in the cohort, or change one's details (when given)."""
    ref = ref.strip()
    if not ref:
        raise CohortError("ref", _("must not be empty"))
    if not is_code(ref):
        raise CohortError("ref", not_a_code(ref))
    taken = db.session.scalar(
        select(Trainee.id).where(Trainee.cohort_id == cohort.id, Trainee.ref == ref)
    )
    if taken is not None and (trainee is None or taken != trainee.id):
        raise CohortError("ref", _("%(ref)s is already enrolled in this cohort", ref=ref))
    if not first_name.strip():
        raise CohortError("first_name", _("must not be empty"))
    if not last_name.strip():
        raise CohortError("last_name", _("must not be empty"))
    if not email.strip():
        raise CohortError("email", _("must not be empty"))
    if trainee is not None:
        refuse(rules.enrolment_problems(enrolled_on, trainee.left_on))
    if trainee is None:
        trainee = Trainee(cohort=cohort)
        db.session.add(trainee)
    trainee.ref = ref
    trainee.first_name = first_name.strip()
    trainee.last_name = last_name.strip()
    trainee.email = email.strip().lower()
    trainee.enrolled_on = enrolled_on
    db.session.flush()
    return trainee


def record_withdrawal(trainee: Trainee, *, left_on: date, reason: str) -> None:
    """Record that a trainee left the course on a day, and why."""
    refuse(rules.withdrawal_problems(trainee.enrolled_on, left_on, reason))
    trainee.left_on = left_on
    trainee.exit_reason = reason.strip()
    db.session.flush()


# ---------------------------------------------------------------------------------------------
# Batches: the importer and the demo write many rows at once, through these alone.


def write_trainees(new: Sequence[Row], changed: Sequence[Row]) -> None:
    """Enrol and change many trainees at once (rows of columns; a changed row holds its id)."""
    write_rows(Trainee, new, changed)


def write_competencies(new: Sequence[Row], changed: Sequence[Row]) -> None:
    """Add and change many competencies at once (rows of columns; a changed row holds its id)."""
    write_rows(Competency, new, changed)


def write_modules(new: Sequence[Row], changed: Sequence[Row]) -> None:
    """Add and change many modules at once (rows of columns; a changed row holds its id)."""
    write_rows(Module, new, changed)
