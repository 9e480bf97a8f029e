"""Record the trainees' outcomes. Operations flush and never commit: the request or the command
commits once."""

import hashlib
from collections.abc import Collection
from datetime import date, datetime

from sqlalchemy import select

from tracker import timeutil
from tracker.cohorts.models import Trainee
from tracker.cohorts.pages import competencies_by_block
from tracker.extensions import db
from tracker.outcomes import rules
from tracker.outcomes.models import AnsweredSurvey, Outcome


class OutcomeError(ValueError):
    """An outcome that cannot be recorded: `field` names what is wrong."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field


def cohort_blocks(trainee: Trainee) -> list[str]:
    """Return the blocks of the trainee's cohort's competencies, in order (named ones only)."""
    return [block for block in competencies_by_block(trainee.cohort) if block]


def outcome_of(trainee: Trainee, moment: str) -> Outcome | None:
    """Return the trainee's outcome recorded at a moment, if any."""
    return db.session.scalar(
        select(Outcome).where(Outcome.trainee_id == trainee.id, Outcome.moment == moment)
    )


def record_outcome(
    trainee: Trainee,
    moment: str,
    *,
    situation: str,
    recorded_on: date,
    source: str,
    certification: str | None = None,
    blocks: Collection[str] = (),
) -> Outcome:
    """Record (or change) a trainee's situation at a moment, and at exit the certification."""
    known = cohort_blocks(trainee)
    problems = rules.outcome_problems(
        moment=moment,
        situation=situation,
        certification=certification,
        blocks=blocks,
        known_blocks=known,
        recorded_on=recorded_on,
        enrolled_on=trainee.enrolled_on,
        today=timeutil.today(),
    )
    if problems:
        raise OutcomeError(problems[0].field, problems[0].message)
    terms = {
        "situation": situation,
        "certification": certification,
        "blocks": "\n".join(block for block in known if block in set(blocks)),
        "recorded_on": recorded_on,
        "source": source,
    }
    outcome = outcome_of(trainee, moment)
    if outcome is None:
        outcome = Outcome(trainee_id=trainee.id, moment=moment, **terms)
        db.session.add(outcome)
    else:
        for name, value in terms.items():
            setattr(outcome, name, value)
    db.session.flush()
    return outcome


def forget_outcome(trainee: Trainee, moment: str) -> None:
    """Remove what was recorded of a trainee's situation at a moment (a mistake)."""
    outcome = outcome_of(trainee, moment)
    if outcome is not None:
        db.session.delete(outcome)
        db.session.flush()


def token_digest(token: str) -> str:
    """Return the digest under which an answered survey link is kept."""
    return hashlib.sha256(token.encode()).hexdigest()


def is_answered(token: str) -> bool:
    """Tell whether a survey link was answered already."""
    digest = token_digest(token)
    found = db.session.scalar(select(AnsweredSurvey.id).where(AnsweredSurvey.digest == digest))
    return found is not None


def mark_answered(
    token: str, trainee: Trainee, moment: str, answered_at: datetime | None = None
) -> None:
    """Keep that a survey link was answered (now, or at an instant), so that it is refused
    afterwards."""
    db.session.add(
        AnsweredSurvey(
            digest=token_digest(token),
            trainee_id=trainee.id,
            moment=moment,
            answered_at=answered_at or timeutil.utc_now(),
        )
    )
    db.session.flush()
