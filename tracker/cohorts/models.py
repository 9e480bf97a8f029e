"""Cohorts, their curriculum (competencies and modules) and their trainees."""

from datetime import date, time
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.codes import code_constraints, slug_constraints
from tracker.extensions import db
from tracker.money import Money

module_competencies = Table(
    "module_competencies",
    db.metadata,
    Column("module_id", ForeignKey("modules.id", ondelete="CASCADE"), primary_key=True),
    Column("competency_id", ForeignKey("competencies.id", ondelete="CASCADE"), primary_key=True),
)


class Cohort(db.Model):
    """A promotion of trainees following one course, funded by one grant."""

    __tablename__ = "cohorts"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        CheckConstraint("grant_amount >= 0", name="grant_not_negative"),
        CheckConstraint("contracted_trainees > 0", name="contracted_trainees_positive"),
        CheckConstraint(
            "planned_minutes_per_trainee IS NULL OR planned_minutes_per_trainee >= 0",
            name="planned_minutes_not_negative",
        ),
        CheckConstraint(
            "attendance_threshold >= 0 AND attendance_threshold <= 1", name="threshold_is_rate"
        ),
        CheckConstraint("morning_ends_at > morning_starts_at", name="morning_ends_after_start"),
        CheckConstraint(
            "afternoon_ends_at > afternoon_starts_at", name="afternoon_ends_after_start"
        ),
        *slug_constraints("slug"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    funder: Mapped[str] = mapped_column(String(200), default="")
    # The grant agreement's number, and the course's title exactly as the agreement writes it
    # (the documents the funder files must match it).
    agreement_number: Mapped[str] = mapped_column(String(100), default="", server_default="")
    title_in_agreement: Mapped[str] = mapped_column(String(300), default="", server_default="")
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    grant_amount: Mapped[Decimal] = mapped_column(Money)
    contracted_trainees: Mapped[int] = mapped_column(Integer, default=25)
    # Null means "the planned hours of the cohort's modules".
    planned_minutes_per_trainee: Mapped[int | None] = mapped_column(Integer)
    attendance_threshold: Mapped[float] = mapped_column(Float, default=0.80)
    # When the cohort's half-days start and end, unless a session has times of its own.
    morning_starts_at: Mapped[time] = mapped_column(
        Time, default=time(9, 0), server_default="09:00:00"
    )
    morning_ends_at: Mapped[time] = mapped_column(
        Time, default=time(12, 30), server_default="12:30:00"
    )
    afternoon_starts_at: Mapped[time] = mapped_column(
        Time, default=time(13, 30), server_default="13:30:00"
    )
    afternoon_ends_at: Mapped[time] = mapped_column(
        Time, default=time(17, 0), server_default="17:00:00"
    )

    modules: Mapped[list["Module"]] = relationship(
        back_populates="cohort", order_by="Module.code", cascade="all, delete-orphan"
    )
    trainees: Mapped[list["Trainee"]] = relationship(
        back_populates="cohort", order_by="Trainee.ref", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Cohort {self.slug}>"


class Competency(db.Model):
    """A competency of the national certification, grouped in blocks."""

    __tablename__ = "competencies"
    __table_args__ = (UniqueConstraint("cohort_id", "code"), *code_constraints("code"))

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(300))
    block: Mapped[str] = mapped_column(String(200), default="")


class Module(db.Model):
    """A unit of the curriculum, with its planned hours and pass mark out of 20."""

    __tablename__ = "modules"
    __table_args__ = (
        UniqueConstraint("cohort_id", "code"),
        CheckConstraint("planned_minutes >= 0", name="planned_minutes_not_negative"),
        CheckConstraint("pass_mark >= 0 AND pass_mark <= 20", name="pass_mark_out_of_20"),
        CheckConstraint(
            "starts_on IS NULL OR ends_on IS NULL OR ends_on >= starts_on",
            name="ends_after_start",
        ),
        *code_constraints("code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(300))
    planned_minutes: Mapped[int] = mapped_column(Integer)
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    pass_mark: Mapped[float] = mapped_column(Float, default=10.0)

    cohort: Mapped[Cohort] = relationship(back_populates="modules")
    competencies: Mapped[list[Competency]] = relationship(
        secondary=module_competencies, order_by=Competency.code
    )

    @property
    def planned_hours(self) -> float:
        return self.planned_minutes / 60


class Trainee(db.Model):
    """A job seeker enrolled in a cohort; left_on and exit_reason are set when they withdraw."""

    __tablename__ = "trainees"
    __table_args__ = (
        UniqueConstraint("cohort_id", "ref"),
        CheckConstraint("left_on IS NULL OR left_on >= enrolled_on", name="leaves_after_enrolling"),
        *code_constraints("ref"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    ref: Mapped[str] = mapped_column(String(32))
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(254))
    enrolled_on: Mapped[date] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)
    exit_reason: Mapped[str | None] = mapped_column(Text)

    cohort: Mapped[Cohort] = relationship(back_populates="trainees")

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class KeptSummary(db.Model):
    """A cohort's summary as of a date (trainees and attendance, as the lists of cohorts show
    it), kept under the version of the cohort's records and the tracker's release, so that the
    pages that span cohorts find it after a restart and on a new day (`tracker.cohorts.pages`).

    Worked out from the records, never one: not in the trail, and worked out again when missing
    or kept under another version. One row per cohort and date: a newer version replaces it.
    """

    __tablename__ = "kept_summaries"

    cohort_id: Mapped[int] = mapped_column(
        ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True
    )
    as_of: Mapped[date] = mapped_column(Date, primary_key=True)
    version: Mapped[str] = mapped_column(Text)
    enrolled: Mapped[int] = mapped_column(Integer)
    active: Mapped[int] = mapped_column(Integer)
    withdrawn: Mapped[int] = mapped_column(Integer)
    scheduled_minutes: Mapped[int] = mapped_column(Integer)
    attended_minutes: Mapped[int] = mapped_column(Integer)
