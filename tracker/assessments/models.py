"""Assessments of a module and the trainees' results."""

from datetime import date

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.codes import code_constraints
from tracker.cohorts.models import Competency
from tracker.extensions import db

ASSESSMENT_KINDS = ("quiz", "project", "exam", "oral")

assessment_competencies = Table(
    "assessment_competencies",
    db.metadata,
    Column("assessment_id", ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True),
    Column("competency_id", ForeignKey("competencies.id", ondelete="CASCADE"), primary_key=True),
)


class Assessment(db.Model):
    """A quiz, project, exam or oral of one module, scored out of max_score."""

    __tablename__ = "assessments"
    __table_args__ = (
        UniqueConstraint("cohort_id", "code"),
        # Lets results carry the maximum through a foreign key: the database refuses a higher score.
        UniqueConstraint("id", "max_score", name="uq_assessments_id_max_score"),
        CheckConstraint("kind IN ('quiz', 'project', 'exam', 'oral')", name="kind_known"),
        CheckConstraint("max_score > 0", name="max_score_positive"),
        CheckConstraint("weight > 0", name="weight_positive"),
        Index("ix_assessments_module_id", "module_id"),
        *code_constraints("code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id", ondelete="RESTRICT"))
    code: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(300))
    date: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16), default="exam")
    max_score: Mapped[float] = mapped_column(Float)
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    # Raised by every save of the results grid, so that a save from a stale page is refused.
    results_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    cohort = relationship("Cohort")
    module = relationship("Module")
    competencies: Mapped[list[Competency]] = relationship(
        secondary=assessment_competencies, order_by=Competency.code
    )
    results: Mapped[list["Result"]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", passive_deletes=True
    )


class Result(db.Model):
    """One trainee's score on one assessment, with the instructor's comment."""

    __tablename__ = "results"
    __table_args__ = (
        UniqueConstraint("assessment_id", "trainee_id"),
        ForeignKeyConstraint(
            ["assessment_id", "max_score"],
            ["assessments.id", "assessments.max_score"],
            name="fk_results_assessment_max_score",
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        CheckConstraint("score >= 0 AND score <= max_score", name="score_within_maximum"),
        Index("ix_results_trainee_id", "trainee_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Both columns reference the assessment through the composite foreign key above.
    assessment_id: Mapped[int] = mapped_column(Integer)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id", ondelete="CASCADE"))
    score: Mapped[float] = mapped_column(Float)
    # A copy of the assessment's maximum, kept in step by the foreign key (ON UPDATE CASCADE).
    max_score: Mapped[float] = mapped_column(Float)
    comment: Mapped[str | None] = mapped_column(Text)

    assessment: Mapped[Assessment] = relationship(back_populates="results")
    trainee = relationship("Trainee")
