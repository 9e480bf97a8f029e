"""Accounts, their roles and the cohorts an instructor teaches."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, Column, ForeignKey, Index, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.cohorts.models import Cohort, Trainee
from tracker.extensions import db
from tracker.timeutil import UTCDateTime, utc_now

ROLES = ("admin", "instructor", "officer", "trainee")

instructor_cohorts = Table(
    "instructor_cohorts",
    db.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("cohort_id", ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True),
)


class User(UserMixin, db.Model):
    """An account: an administrator, instructor, Region officer or trainee."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('admin', 'instructor', 'officer', 'trainee')", name="role_known"),
        CheckConstraint("role = 'trainee' OR trainee_id IS NULL", name="only_trainees_linked"),
        CheckConstraint("language IN ('fr', 'en')", name="language_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    trainee_id: Mapped[int | None] = mapped_column(
        ForeignKey("trainees.id", ondelete="SET NULL"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    # The language of the mail the account receives: fr or en.
    language: Mapped[str] = mapped_column(String(2), default="fr", server_default="fr")

    trainee: Mapped[Trainee | None] = relationship()
    cohorts: Mapped[list[Cohort]] = relationship(secondary=instructor_cohorts, order_by=Cohort.slug)

    @property
    def is_active(self) -> bool:
        return self.active


class LoginSession(db.Model):
    """A signed-in browser, kept on the server so that signing out or a timeout really ends it."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The SHA-256 of the random token held in the browser's signed cookie.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class SignInFailure(db.Model):
    """A sign-in attempt, counted to slow down password guessing.

    It is recorded before its password is checked, and counts as a failure unless the password
    proves right (the row is then deleted).
    """

    __tablename__ = "sign_in_failures"
    __table_args__ = (Index("ix_sign_in_failures_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # "device:<id of a browser the account signed in from>", "address:<IP>", or
    # "account:<SHA-256 of the email and the IP>" (an account at one address).
    key: Mapped[str] = mapped_column(String(300))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
