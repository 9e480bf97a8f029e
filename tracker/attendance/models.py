"""The timetable of half-day sessions and the roll call of each."""

from datetime import date, datetime, time

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import db
from tracker.timeutil import UTCDateTime, utc_now

SLOTS = ("AM", "PM")
SESSION_KINDS = ("classroom", "remote")
STATUSES = ("present", "late", "left_early", "excused", "absent")


class Session(db.Model):
    """One half-day of one module."""

    __tablename__ = "sessions"
    __table_args__ = (
        UniqueConstraint("cohort_id", "date", "slot"),
        CheckConstraint("slot IN ('AM', 'PM')", name="slot_known"),
        CheckConstraint("kind IN ('classroom', 'remote')", name="kind_known"),
        CheckConstraint("minutes > 0 AND minutes <= 720", name="minutes_in_half_day"),
        CheckConstraint(
            "starts_at IS NULL OR ends_at IS NULL OR ends_at > starts_at", name="times_in_order"
        ),
        # The half-days still open, by date: closing the overdue ones (before each staff home
        # page) reads these few rather than every half-day of every cohort.
        Index(
            "ix_sessions_open",
            "date",
            postgresql_where=text("closed_at IS NULL"),
            sqlite_where=text("closed_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(
        ForeignKey("modules.id", ondelete="RESTRICT"), index=True
    )
    date: Mapped[date] = mapped_column(Date)
    slot: Mapped[str] = mapped_column(String(2))
    minutes: Mapped[int] = mapped_column(Integer, default=210)
    kind: Mapped[str] = mapped_column(String(16), default="classroom")
    # When the half-day starts and ends; None: the cohort's times for its slot (attendance.times).
    starts_at: Mapped[time | None] = mapped_column(Time)
    ends_at: Mapped[time | None] = mapped_column(Time)
    # Raised by every save of the roll call, so that a save from a stale page is refused.
    roll_call_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # A closed roll call is final: later changes are amendments, each with its reason. Closed by
    # the instructor's countersignature, or by the tracker N days after the half-day (no one).
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # An administrator reopened the closed roll call, for this reason: its changes are amendments
    # that carry the reason, and the tracker closes it again N days after the reopening.
    reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reopen_reason: Mapped[str | None] = mapped_column(Text)

    cohort = relationship("Cohort")
    module = relationship("Module")
    closed_by = relationship("User")
    records: Mapped[list["AttendanceRecord"]] = relationship(
        back_populates="session", cascade="all, delete-orphan"
    )

    @property
    def hours(self) -> float:
        return self.minutes / 60


class AttendanceRecord(db.Model):
    """One trainee at one session: what the roll call recorded."""

    __tablename__ = "attendance_records"
    __table_args__ = (
        UniqueConstraint("session_id", "trainee_id"),
        CheckConstraint(
            "status IN ('present', 'late', 'left_early', 'excused', 'absent')",
            name="status_known",
        ),
        CheckConstraint("minutes_missed >= 0", name="minutes_missed_not_negative"),
        # Late or left early with no minute missed would credit the whole half-day.
        CheckConstraint(
            "status NOT IN ('late', 'left_early') OR minutes_missed > 0",
            name="partly_attended_has_minutes",
        ),
        CheckConstraint(
            "status <> 'excused' OR (note IS NOT NULL AND note <> '')",
            name="excused_has_reason",
        ),
        Index("ix_attendance_records_trainee_id", "trainee_id"),
        # Covers the figures' read of a cohort's roll calls, so that it never visits the table.
        Index(
            "ix_attendance_records_figures", "session_id", "trainee_id", "status", "minutes_missed"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16))
    minutes_missed: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    session: Mapped[Session] = relationship(back_populates="records")
    trainee = relationship("Trainee")
    recorded_by = relationship("User")
