"""A trainee's positioning on entry (one per trainee) and the log of their follow-ups."""

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import db
from tracker.timeutil import UTCDateTime, utc_now

POSITIONING_KINDS = ("test", "interview")
CHANNELS = ("phone", "meeting", "mail")


class Positioning(db.Model):
    """How a trainee's level was checked on entry: by a test or an interview, and its outcome."""

    __tablename__ = "positionings"
    __table_args__ = (
        CheckConstraint("kind IN ('test', 'interview')", name="kind_known"),
        CheckConstraint("result <> ''", name="has_result"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(
        ForeignKey("trainees.id", ondelete="CASCADE"), unique=True
    )
    date: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16))
    result: Mapped[str] = mapped_column(String(200))
    prerequisites_met: Mapped[bool] = mapped_column(Boolean)
    comment: Mapped[str | None] = mapped_column(Text)

    trainee = relationship("Trainee")


class FollowUp(db.Model):
    """One exchange with a trainee to keep them on the course: when, how, what said, what next."""

    __tablename__ = "follow_ups"
    __table_args__ = (
        CheckConstraint("channel IN ('phone', 'meeting', 'mail')", name="channel_known"),
        CheckConstraint("said <> ''", name="says_something"),
        # The home page asks for the latest follow-up of each trainee at risk.
        Index("ix_follow_ups_trainee_date", "trainee_id", "date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id", ondelete="CASCADE"))
    date: Mapped[date] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(16))
    said: Mapped[str] = mapped_column(Text)
    next_step: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    trainee = relationship("Trainee")
    recorded_by = relationship("User")
