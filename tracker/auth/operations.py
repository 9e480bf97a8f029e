"""Operations on accounts and signed-in sessions. They flush and never commit."""

import hashlib
import math
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update

from tracker.auth import rules
from tracker.auth.models import LoginSession, SignInFailure, User
from tracker.auth.passwords import hash_password
from tracker.cohorts.models import Cohort, Trainee
from tracker.extensions import db
from tracker.i18n import LOCALES
from tracker.rules import Problem
from tracker.timeutil import utc_now


class AccountError(ValueError):
    """An account cannot be saved as asked: the field at fault and what is wrong with it.

    The message is in the language of the request (English on the command line), and reads
    after the field's name: `email: an account already uses ada@example.org`.
    """

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def refuse(problems: list[Problem]) -> None:
    """Refuse with the first problem the rules found (tracker.auth.rules)."""
    if problems:
        raise AccountError(problems[0].field, problems[0].file_message)


# What email_validator finds wrong, told in the catalog's words: its own reasons are English.
# The first entry whose fragments all appear in the reason (lower-cased) gives the message.
EMAIL_PROBLEMS = (
    (("@-sign", "must have"), _l("must contain an @ sign")),
    (("at-sign",), _l("must contain an @ sign")),
    (("something before the @-sign",), _l("needs a name before the @ sign")),
    (("something after the @-sign",), _l("needs a domain after the @ sign")),
    (("too long",), _l("is too long")),
    (("so many characters",), _l("is too long")),
    (("should have a period",), _l("has no valid domain after the @ sign")),
    (("period",), _l("has a misplaced period or hyphen")),
    (("hyphen",), _l("has a misplaced period or hyphen")),
    (("character",), _l("contains characters that an email address cannot hold")),
    (("ascii",), _l("contains characters that an email address cannot hold")),
    (("after the @-sign",), _l("has no valid domain after the @ sign")),
)


def email_problem(error: EmailNotValidError) -> str:
    """Tell what is wrong with an email address, in the request's language."""
    reason = str(error).lower()
    for fragments, message in EMAIL_PROBLEMS:
        if all(fragment in reason for fragment in fragments):
            return str(message)
    return _("is not a valid email address")


def normalise_email(email: str) -> str:
    """Return the email in its normal form, or raise AccountError naming what is wrong."""
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise AccountError("email", email_problem(error)) from None


def check_password_strength(password: str) -> None:
    """Refuse a password too short to resist guessing."""
    refuse(rules.password_problems(password))


def check_language(language: str) -> None:
    """Refuse a language the mail is not written in."""
    if language not in LOCALES:
        raise AccountError("language", _("“%(language)s” is not one of fr, en", language=language))


def check_role(role: str) -> None:
    """Refuse a role that does not exist."""
    refuse(rules.role_problems(role))


def check_an_administrator_remains(user: User, *, role: str, active: bool) -> None:
    """Refuse to take the last active administrator's role or access away.

    The active administrators' rows are locked (PostgreSQL), in one order: of two
    administrators removing each other at the same time, the second sees the first's change.
    """
    if user.role != "admin" or not user.active or (role == "admin" and active):
        return
    administrators = db.session.scalars(
        select(User.id)
        .where(User.role == "admin", User.active.is_(True))
        .order_by(User.id)
        .with_for_update()
    ).all()
    if not set(administrators) - {user.id}:
        raise AccountError(
            "role" if active else "active",
            _(
                "this is the last active administrator account: give the administrator role"
                " to another account first"
            ),
        )


def add_user(
    email: str,
    role: str,
    password: str | None,
    *,
    name: str = "",
    cohorts: Sequence[Cohort] = (),
    trainee: Trainee | None = None,
    language: str = "fr",
) -> User:
    """Add an account with a hashed password; without one, the account waits for its owner to
    choose it through an invitation (tracker.auth.links)."""
    email = normalise_email(email)
    check_role(role)
    check_language(language)
    if password is not None:
        check_password_strength(password)
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise AccountError("email", _("an account already uses %(email)s", email=email))
    check_links(role, cohorts, trainee)
    if trainee is not None and db.session.scalar(
        select(User.id).where(User.trainee_id == trainee.id)
    ):
        raise AccountError("trainee", _("%(ref)s already has an account", ref=trainee.ref))
    user = User(
        email=email,
        role=role,
        name=name or (trainee.name if trainee else ""),
        password_hash=hash_password(
            password if password is not None else secrets.token_urlsafe(32)
        ),
        trainee=trainee,
        cohorts=list(cohorts),
        language=language,
    )
    db.session.add(user)
    db.session.flush()
    return user


def check_links(role: str, cohorts: Sequence[Cohort], trainee: Trainee | None) -> None:
    """Refuse links that the role does not take: cohorts for instructors, a trainee for trainees."""
    refuse(rules.link_problems(role, teaches=bool(cohorts), trainee=trainee is not None))


def set_password(user: User, password: str, *, keep_token: str | None = None) -> None:
    """Change a password and end every signed-in session of the account but the one kept."""
    check_password_strength(password)
    user.password_hash = hash_password(password)
    end_login_sessions(user, keep_token=keep_token)


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_login_session(user: User) -> str:
    """Open a signed-in session for the account and return the token for the browser's cookie."""
    token = secrets.token_urlsafe(32)
    db.session.add(LoginSession(token_hash=_hash_token(token), user=user))
    db.session.flush()
    return token


def find_login_session(
    token: str | None, *, idle: timedelta, absolute: timedelta, now: datetime | None = None
) -> LoginSession | None:
    """Return the live session of a token: not ended, not idle or old, its account still active."""
    if not token:
        return None
    now = now or utc_now()
    login = db.session.scalar(
        select(LoginSession).where(LoginSession.token_hash == _hash_token(token))
    )
    if (
        login is None
        or login.ended_at is not None
        or now - login.last_seen_at > idle
        or now - login.started_at > absolute
        or not login.user.active
    ):
        return None
    return login


def end_login_session(token: str | None) -> None:
    """End the signed-in session of a token (signing out)."""
    if token:
        db.session.execute(
            update(LoginSession)
            .where(LoginSession.token_hash == _hash_token(token), LoginSession.ended_at.is_(None))
            .values(ended_at=utc_now())
        )


def end_login_sessions(user: User, *, keep_token: str | None = None) -> None:
    """End every signed-in session of an account, but the one kept (a password change)."""
    statement = update(LoginSession).where(
        LoginSession.user_id == user.id, LoginSession.ended_at.is_(None)
    )
    if keep_token:
        statement = statement.where(LoginSession.token_hash != _hash_token(keep_token))
    db.session.execute(statement.values(ended_at=utc_now()))


def throttle_keys(email: str, address: str, device: str | None) -> list[str]:
    """Return what a sign-in attempt is counted against.

    From a browser that the account signed in from before (its device cookie), that browser
    alone: failures made elsewhere, or by others behind the same address, never stop it. From
    any other browser, the account at this address (others' failures elsewhere never stop the
    owner) and the address (one address trying many accounts).
    """
    if device is not None:
        return [f"device:{device}"]
    digest = hashlib.sha256(f"{email.strip().lower()} {address}".encode()).hexdigest()
    return [f"account:{digest}", f"address:{address}"]


def record_sign_in_attempt(keys: list[str]) -> list[int]:
    """Count a sign-in attempt against each of its keys, before its password is checked.

    The attempt counts as a failure until its password proves right; the view commits it before
    checking the password, so that attempts made at the same time all see each other.
    """
    now = utc_now()
    rows = [SignInFailure(key=key, at=now) for key in keys]
    db.session.add_all(rows)
    # Old attempts no longer count; keep the table small.
    db.session.execute(delete(SignInFailure).where(SignInFailure.at < now - timedelta(days=1)))
    db.session.flush()
    return [row.id for row in rows]


def sign_in_wait(
    keys: list[str],
    attempt: list[int],
    limits: dict[str, int],
    window: timedelta,
    now: datetime | None = None,
) -> int:
    """Return how many seconds an attempt must wait, 0 when each of its keys is within its limit.

    `limits` gives the most attempts a key may have in the window, by kind (the key's prefix).
    The attempt, recorded already, is counted in: of N attempts made at once, only the limit's
    number pass.
    """
    now = now or utc_now()
    wait = 0
    for key in keys:
        limit = limits[key.partition(":")[0]]
        earlier = db.session.scalars(
            select(SignInFailure.at)
            .where(
                SignInFailure.key == key,
                SignInFailure.at > now - window,
                SignInFailure.id.not_in(attempt),
            )
            .order_by(SignInFailure.at)
        ).all()
        if len(earlier) + 1 > limit:
            # Free again once enough earlier attempts have left the window to leave room for one.
            free_at = earlier[len(earlier) - limit] + window
            wait = max(wait, math.ceil((free_at - now).total_seconds()), 1)
    return wait


def forget_sign_in_attempt(attempt: list[int], *, failures_of: Sequence[str] = ()) -> None:
    """Forget an attempt that checked no password or proved right, and past failures of keys."""
    db.session.execute(delete(SignInFailure).where(SignInFailure.id.in_(attempt)))
    if failures_of:
        db.session.execute(delete(SignInFailure).where(SignInFailure.key.in_(failures_of)))


def update_account(
    user: User,
    *,
    email: str,
    name: str,
    role: str,
    cohorts: Sequence[Cohort] = (),
    trainee: Trainee | None = None,
    language: str | None = None,
) -> None:
    """Change an account: its email, name and role, the cohorts it teaches or its trainee, and
    the language of its mail."""
    email = normalise_email(email)
    check_role(role)
    if language is not None:
        check_language(language)
    other = db.session.scalar(select(User.id).where(User.email == email, User.id != user.id))
    if other is not None:
        raise AccountError("email", _("an account already uses %(email)s", email=email))
    check_links(role, cohorts, trainee)
    if trainee is not None:
        holder = db.session.scalar(select(User).where(User.trainee_id == trainee.id))
        if holder is not None and holder.id != user.id:
            raise AccountError(
                "trainee",
                _(
                    "%(ref)s already has an account (%(email)s)",
                    ref=trainee.ref,
                    email=holder.email,
                ),
            )
    check_an_administrator_remains(user, role=role, active=user.active)
    user.role = role
    user.email = email
    user.name = name.strip()
    user.cohorts = list(cohorts)
    user.trainee = trainee
    if language is not None:
        user.language = language
    db.session.flush()


def set_active(user: User, active: bool, *, by: User) -> None:
    """Enable or disable an account; a disabled account is signed out everywhere at once."""
    if user.id == by.id and not active:
        raise AccountError("active", _("you cannot disable your own account"))
    check_an_administrator_remains(user, role=user.role, active=active)
    user.active = active
    if not active:
        end_login_sessions(user)
    db.session.flush()
