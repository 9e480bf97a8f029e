"""What the pages show of positionings and follow-ups, loaded with set-based queries."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from tracker.cohorts.pages import TraineeAtRisk
from tracker.extensions import db
from tracker.followups import rules
from tracker.followups.models import FollowUp


def follow_ups_of(trainee_id: int) -> list[FollowUp]:
    """Return a trainee's follow-ups, the newest first (by date, then as recorded)."""
    return list(
        db.session.scalars(
            select(FollowUp)
            .where(FollowUp.trainee_id == trainee_id)
            .options(selectinload(FollowUp.recorded_by))
            .order_by(FollowUp.date.desc(), FollowUp.id.desc())
        )
    )


def last_follow_ups(trainee_ids: Iterable[int]) -> dict[int, date]:
    """Return the date of the latest follow-up of each of these trainees that has one, in one
    query."""
    ids = list(trainee_ids)
    if not ids:
        return {}
    return dict(
        db.session.execute(
            select(FollowUp.trainee_id, func.max(FollowUp.date))
            .where(FollowUp.trainee_id.in_(ids))
            .group_by(FollowUp.trainee_id)
        ).all()
    )


@dataclass(frozen=True)
class ToFollowUp:
    """A trainee at risk whom nobody followed up lately, and when they last were (if ever)."""

    at_risk: TraineeAtRisk
    last_follow_up: date | None


def without_recent_follow_up(at_risk: Sequence[TraineeAtRisk], today: date) -> list[ToFollowUp]:
    """Return the trainees at risk without a follow-up dated within the last 7 days, those
    followed up longest ago first (never followed up before all)."""
    last = last_follow_ups(item.trainee.id for item in at_risk)
    due = [
        ToFollowUp(item, last.get(item.trainee.id))
        for item in at_risk
        if rules.needs_follow_up(last.get(item.trainee.id), today)
    ]
    return sorted(
        due,
        key=lambda line: (
            line.last_follow_up is not None,
            line.last_follow_up or date.min,
            line.at_risk.cohort.name,
            line.at_risk.trainee.ref,
        ),
    )
