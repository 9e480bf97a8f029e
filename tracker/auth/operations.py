"""Operations on accounts. They flush and never commit."""

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select

from tracker.auth.models import ROLES, User
from tracker.auth.passwords import MIN_LENGTH, hash_password
from tracker.cohorts.models import Cohort, Trainee
from tracker.extensions import db


class AccountError(ValueError):
    """An account cannot be created as asked; the message says why."""


def normalise_email(email: str) -> str:
    """Return the email in its normal form, or raise AccountError naming what is wrong."""
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise AccountError(f"email: {error}") from None


def add_user(
    email: str,
    role: str,
    password: str,
    *,
    name: str = "",
    cohorts: list[Cohort] = (),
    trainee: Trainee | None = None,
) -> User:
    """Add an account with a hashed password."""
    email = normalise_email(email)
    if role not in ROLES:
        raise AccountError(f"role: {role!r} is not one of {', '.join(ROLES)}")
    if len(password) < MIN_LENGTH:
        raise AccountError(f"password: must be at least {MIN_LENGTH} characters long")
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise AccountError(f"email: an account already uses {email}")
    if role == "trainee" and trainee is None:
        raise AccountError("trainee: a trainee account must be linked to a trainee")
    if role != "trainee" and trainee is not None:
        raise AccountError("trainee: only a trainee account can be linked to a trainee")
    if role != "instructor" and cohorts:
        raise AccountError("cohort: only instructors are linked to the cohorts they teach")
    if trainee is not None and db.session.scalar(
        select(User.id).where(User.trainee_id == trainee.id)
    ):
        raise AccountError(f"trainee: {trainee.ref} already has an account")
    user = User(
        email=email,
        role=role,
        name=name or (trainee.name if trainee else ""),
        password_hash=hash_password(password),
        trainee=trainee,
        cohorts=list(cohorts),
    )
    db.session.add(user)
    db.session.flush()
    return user
