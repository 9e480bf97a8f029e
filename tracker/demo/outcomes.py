"""The demo's outcomes: what became of its trainees at exit, +3 and +6 months, recorded by the
administrator or answered by the trainees through their survey links."""

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from tracker import timeutil
from tracker.audit.capture import acting
from tracker.auth.models import User
from tracker.cohorts.models import Cohort, Trainee
from tracker.extensions import db
from tracker.outcomes import links, operations
from tracker.outcomes.models import STAFF, SURVEY

# Situations 6 months after exit, in turn; some 3-month ones are a step behind.
AT_6_MONTHS = (
    "permanent_contract",
    "fixed_term_6_months_or_more",
    "permanent_contract",
    "temporary",
    "further_training",
    "seeking_work",
    "self_employed",
    "fixed_term_shorter",
)
AT_3_MONTHS = (
    "fixed_term_shorter",
    "seeking_work",
    "permanent_contract",
    "temporary",
    "further_training",
    "seeking_work",
    "seeking_work",
    "temporary",
)


def write_outcomes(cohort: Cohort, admin: User) -> None:
    """Record the outcomes of the cohort's trainees who exited, some answered by survey."""
    trainees = db.session.scalars(
        select(Trainee).where(Trainee.cohort_id == cohort.id).order_by(Trainee.ref)
    ).all()
    today = timeutil.today()
    blocks = operations.cohort_blocks(trainees[0]) if trainees else []
    for index, trainee in enumerate(trainees):
        withdrawn = trainee.left_on is not None
        exited_on = trainee.left_on if withdrawn else cohort.ends_on
        if exited_on > today:
            continue
        if withdrawn:
            certification, kept = "none", []
        else:
            certification = ("full", "full", "full", "part", "none")[index % 5]
            kept = blocks[:1] if certification == "part" else []
        moments = [
            ("exit", "seeking_work" if index % 7 else "fixed_term_shorter", exited_on, STAFF),
            ("3_months", AT_3_MONTHS[index % 8], exited_on + timedelta(days=92), _by(index, 3)),
        ]
        if index % 13 != 12:  # a few never told
            situation = "unknown" if index % 9 == 8 else AT_6_MONTHS[index % 8]
            moments.append(("6_months", situation, exited_on + timedelta(days=183), _by(index, 4)))
        for moment, situation, day, source in moments:
            if day > today:
                continue
            _record(trainee, moment, situation, min(day, today), source, admin, certification, kept)


def _by(index: int, every: int) -> str:
    """Return who told: one trainee in `every` answered the survey."""
    return SURVEY if index % every == 0 else STAFF


def _record(
    trainee: Trainee,
    moment: str,
    situation: str,
    day: date,
    source: str,
    admin: User,
    certification: str,
    blocks: list[str],
) -> None:
    at_exit = moment == "exit"
    terms = {
        "situation": situation,
        "recorded_on": day,
        "source": source,
        "certification": certification if at_exit else None,
        "blocks": blocks if at_exit else (),
    }
    if source == SURVEY:
        with acting(actor=f"{trainee.name} (survey link)"):
            operations.record_outcome(trainee, moment, **terms)
            # The link sent on the day, answered that day: the same demo every time.
            sent = datetime.combine(day, time(9), tzinfo=UTC)
            token = links.survey_token(trainee, moment, signed_at=sent)
            operations.mark_answered(token, trainee, moment, answered_at=sent + timedelta(hours=3))
    else:
        with acting(account=admin):
            operations.record_outcome(trainee, moment, **terms)
