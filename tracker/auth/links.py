"""Links to choose one's password, sent by mail: an invitation, or a forgotten password.

A link is signed with the application's secret key (a salt of its own per purpose), expires
(INVITATION_DAYS for an invitation, an hour for a forgotten password), and serves once: it is
bound to the account's password hash and email, so that once a password is chosen (or the
address changes) it no longer works.
"""

import hashlib
import hmac
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadData, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from tracker import timeutil
from tracker.auth.models import User
from tracker.extensions import db
from tracker.mail.outbox import address_of, compose

INVITATION = "invitation"
RESET = "reset"
SALTS = {INVITATION: "tracker-invitation", RESET: "tracker-password-reset"}
RESET_LIFETIME = timedelta(hours=1)


class ClockSigner(TimestampSigner):
    """Date signatures by the tracker's clock, which the tests can freeze."""

    def get_timestamp(self) -> int:
        return int(timeutil.utc_now().timestamp())


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=SALTS[purpose], signer=ClockSigner)


def lifetime(purpose: str) -> timedelta:
    """Return how long a link of this purpose stays valid."""
    if purpose == INVITATION:
        return timedelta(days=current_app.config["INVITATION_DAYS"])
    return RESET_LIFETIME


def _binding(user: User) -> str:
    """Return what ties a link to the account as it stands: its email and password hash."""
    return hashlib.sha256(f"{user.id}\n{user.email}\n{user.password_hash}".encode()).hexdigest()


def make_token(user: User, purpose: str) -> str:
    """Return the signed token of a link to choose the account's password."""
    return _serializer(purpose).dumps({"user": user.id, "bound": _binding(user)})


def link_to_choose(user: User, purpose: str) -> str:
    """Return the full address of the page where the account chooses its password."""
    token = make_token(user, purpose)
    return address_of("auth.choose_password", purpose=purpose, token=token)


class LinkRefused(Exception):
    """A link that cannot serve: the status to answer and why, for the person who followed it."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def account_of(token: str, purpose: str) -> User:
    """Return the account a link may choose the password of, or raise LinkRefused."""
    try:
        data = _serializer(purpose).loads(token, max_age=int(lifetime(purpose).total_seconds()))
    except SignatureExpired:
        raise LinkRefused(410, expired_message(purpose)) from None
    except BadData:
        raise LinkRefused(
            400,
            _(
                "This link is not valid: it may have been cut or changed. Copy the whole address"
                " from the message, or ask for a new link."
            ),
        ) from None
    user = db.session.get(User, data.get("user")) if isinstance(data, dict) else None
    if (
        user is None
        or not user.active
        or not hmac.compare_digest(str(data.get("bound")), _binding(user))
    ):
        raise LinkRefused(
            410,
            _(
                "This link no longer works: a password has been chosen with it already, or the"
                " account has changed. Ask for a new link if you need one."
            ),
        )
    return user


def expired_message(purpose: str) -> str:
    """Tell that a link has expired and what to do instead."""
    if purpose == INVITATION:
        return _(
            "This invitation has expired. Ask the administrator who invited you to send a new one."
        )
    return _("This link has expired: it was valid for an hour. Ask for a new one.")


def invitation_message(user: User):
    """Write the invitation of an account to choose its password (not yet in the outbox)."""
    valid_until = (timeutil.course_now() + lifetime(INVITATION)).date()
    return compose(
        recipient=user.email,
        language=user.language,
        kind="invitation",
        subject=_l("Your account on Tracker"),
        template="invitation",
        name=user.name,
        email=user.email,
        link=link_to_choose(user, INVITATION),
        valid_until=valid_until,
    )


def reset_message(user: User):
    """Write the message that lets an account choose a new password (not yet in the outbox)."""
    return compose(
        recipient=user.email,
        language=user.language,
        kind="password_reset",
        subject=_l("Choose a new password for Tracker"),
        template="password_reset",
        name=user.name,
        email=user.email,
        link=link_to_choose(user, RESET),
    )


def send_invitation(user: User) -> None:
    """Put the account's invitation in the outbox."""
    db.session.add(invitation_message(user))


def send_password_reset(user: User | None, *, stand_in: User) -> None:
    """Put a forgotten password's message in the outbox when the account exists.

    Without an account, the same message is written for a stand-in and thrown away: the answer
    takes the same time either way, and tells nobody whether the address has an account.
    """
    message = reset_message(user if user is not None else stand_in)
    if user is not None:
        db.session.add(message)
