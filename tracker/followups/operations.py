"""Changes to positionings and follow-ups. They flush and never commit; the trail records each
(tracker.audit.capture.AUDITED)."""

from collections.abc import Sequence
from datetime import date

from tracker import timeutil
from tracker.auth.models import User
from tracker.batch import Row, write_rows
from tracker.cohorts.models import Trainee
from tracker.extensions import db
from tracker.followups import rules
from tracker.followups.models import FollowUp, Positioning
from tracker.rules import Problem


class FollowUpError(ValueError):
    """A positioning or a follow-up that the rules refuse: nothing was written.

    The message is for people, in their language; `field` names the form's field it is about.
    """

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.field = problem.field
        self.message = problem.message


def refuse_problems(problems: list[Problem]) -> None:
    """Refuse with the first problem the rules found, if any."""
    if problems:
        raise FollowUpError(problems[0])


def positioning_of(trainee: Trainee) -> Positioning | None:
    """Return the trainee's positioning on entry, if recorded."""
    return db.session.scalar(db.select(Positioning).where(Positioning.trainee_id == trainee.id))


def save_positioning(
    trainee: Trainee,
    *,
    day: date,
    kind: str,
    result: str,
    prerequisites_met: bool,
    comment: str | None,
    today: date | None = None,
) -> Positioning:
    """Record or change a trainee's positioning on entry (one per trainee)."""
    result = result.strip()
    refuse_problems(
        rules.positioning_problems(
            day=day, kind=kind, result=result, today=today or timeutil.today()
        )
    )
    positioning = positioning_of(trainee) or Positioning(trainee_id=trainee.id)
    positioning.date = day
    positioning.kind = kind
    positioning.result = result
    positioning.prerequisites_met = prerequisites_met
    positioning.comment = (comment or "").strip() or None
    db.session.add(positioning)
    db.session.flush()
    return positioning


def write_positionings(new: Sequence[Row], changed: Sequence[Row]) -> None:
    """Record and change many positionings at once (rows of columns; a changed row holds its
    id)."""
    write_rows(Positioning, new, changed)


def record_follow_up(
    trainee: Trainee,
    *,
    day: date,
    channel: str,
    said: str,
    next_step: str | None,
    recorded_by: User,
    today: date | None = None,
) -> FollowUp:
    """Add a follow-up to a trainee's log, recorded by the account that writes it."""
    said = said.strip()
    refuse_problems(
        rules.follow_up_problems(
            day=day,
            channel=channel,
            said=said,
            enrolled_on=trainee.enrolled_on,
            today=today or timeutil.today(),
        )
    )
    follow_up = FollowUp(
        trainee_id=trainee.id,
        date=day,
        channel=channel,
        said=said,
        next_step=(next_step or "").strip() or None,
        recorded_by_id=recorded_by.id,
    )
    db.session.add(follow_up)
    db.session.flush()
    return follow_up


def write_follow_ups(new: Sequence[Row], changed: Sequence[Row]) -> None:
    """Record and change many follow-ups at once (rows of columns; a changed row holds its id)."""
    write_rows(FollowUp, new, changed)
