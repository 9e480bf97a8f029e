"""Signatures of the half-days: the trainees' on their phones, the instructor's countersignature,
the scanned paper sheets of a week, and the trainees' justifications of their absences.

A drawn signature is kept as vector strokes: a JSON list of strokes, each a list of [x, y, t]
points (x and y from 0 to 1 across the pad, t in milliseconds from the stroke's first point).
Each signature keeps a SHA-256 over what identifies it and its strokes (`digest`), which the
trail and the week's proof file carry.
"""

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import db
from tracker.timeutil import UTCDateTime, utc_now

JUSTIFICATION_STATES = ("pending", "accepted", "refused")


class Signature(db.Model):
    """A trainee's signature of one half-day, drawn on their own phone during its window."""

    __tablename__ = "signatures"
    __table_args__ = (UniqueConstraint("session_id", "trainee_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    trainee_id: Mapped[int] = mapped_column(
        ForeignKey("trainees.id", ondelete="CASCADE"), index=True
    )
    # The account that signed (the trainee's own).
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    address: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(400), default="")
    # The room code's time step it was signed with; None for a remote half-day (no code).
    time_step: Mapped[int | None] = mapped_column(Integer)
    strokes: Mapped[str] = mapped_column(Text)
    digest: Mapped[str] = mapped_column(String(64))

    session = relationship("Session")
    trainee = relationship("Trainee")


class Countersignature(db.Model):
    """The instructor's countersignature that closes a half-day's roll call."""

    __tablename__ = "countersignatures"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), unique=True
    )
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    signer_name: Mapped[str] = mapped_column(String(200), default="")
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    address: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(400), default="")
    strokes: Mapped[str] = mapped_column(Text)
    digest: Mapped[str] = mapped_column(String(64))

    session = relationship("Session")
    signed_by = relationship("User")


class DrawnSignature(db.Model):
    """An instructor's signature, drawn once and confirmed at each countersignature."""

    __tablename__ = "drawn_signatures"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    strokes: Mapped[str] = mapped_column(Text)
    drawn_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)


class PaperSheet(db.Model):
    """The scanned, signed paper sheet of one cohort's week (the latest upload counts).

    The file is kept in the instance's upload folder under its SHA-256, outside `static/`, so an
    upload that replaces it leaves the earlier one, which the trail names, in place.
    """

    __tablename__ = "paper_sheets"
    __table_args__ = (
        UniqueConstraint("cohort_id", "week"),
        CheckConstraint("size > 0", name="paper_sheet_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    # The Monday of the week.
    week: Mapped[date] = mapped_column(Date)
    file_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    cohort = relationship("Cohort")
    uploaded_by = relationship("User")


class Justification(db.Model):
    """A trainee's justification of an absence, from one half-day to another, and its decision.

    Accepted, it makes the trainee's marks of those half-days `excused` with its reason.
    """

    __tablename__ = "justifications"
    __table_args__ = (
        CheckConstraint("state IN ('pending', 'accepted', 'refused')", name="state_known"),
        CheckConstraint("first_slot IN ('AM', 'PM')", name="first_slot_known"),
        CheckConstraint("last_slot IN ('AM', 'PM')", name="last_slot_known"),
        CheckConstraint("last_day >= first_day", name="last_day_not_before_first"),
        CheckConstraint("reason <> ''", name="justification_has_reason"),
        CheckConstraint("state = 'pending' OR decided_at IS NOT NULL", name="decision_has_instant"),
        CheckConstraint(
            "state <> 'refused' OR (decision_reason IS NOT NULL AND decision_reason <> '')",
            name="refusal_has_reason",
        ),
        Index("ix_justifications_trainee_first_day", "trainee_id", "first_day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id", ondelete="CASCADE"))
    first_day: Mapped[date] = mapped_column(Date)
    first_slot: Mapped[str] = mapped_column(String(2), default="AM")
    last_day: Mapped[date] = mapped_column(Date)
    last_slot: Mapped[str] = mapped_column(String(2), default="PM")
    reason: Mapped[str] = mapped_column(Text)
    # The attachment, kept like a paper sheet under its SHA-256; none when declared without one.
    file_name: Mapped[str | None] = mapped_column(String(255))
    content_type: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str | None] = mapped_column(String(64))
    declared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str | None] = mapped_column(Text)

    trainee = relationship("Trainee")
    decided_by = relationship("User", foreign_keys=[decided_by_id])
