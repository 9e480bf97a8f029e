"""Deliver the outbox over SMTP, with retries and back-off: nothing is lost while it is down.

Each message is claimed before it is sent: its row is locked (PostgreSQL's FOR UPDATE SKIP
LOCKED, so that two senders never pick the same row) and its next attempt moved a lease ahead,
then committed, so that no lock is held while the server answers. It is marked sent only once
the server has accepted it. A sender that dies between the two leaves the message to be tried
again when its lease ends: a message may then leave twice, never not at all.
"""

import smtplib
import ssl
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app
from sqlalchemy import select, update

from tracker import timeutil
from tracker.extensions import db
from tracker.mail.models import OutgoingMessage

# How long a claimed message is left to its sender before another may try it.
LEASE = timedelta(minutes=10)
# The waits after failed attempts: 1, 2, 4… minutes, never more than an hour.
FIRST_WAIT = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=1)
# The ports each kind of security uses unless MAIL_PORT says otherwise.
DEFAULT_PORTS = {"none": 25, "starttls": 587, "tls": 465}
# How long a sent message keeps its text: then only what it was (recipient, kind, key, dates)
# stays, so that its event still never sends it again; names, absences and links go.
KEEP_SENT_TEXT = timedelta(days=30)
# The messages one pass claims at most (the loop's next pass takes the rest).
BATCH = 100


class MailSettingsError(RuntimeError):
    """The mail settings do not allow sending (no sender)."""


def wait_after(attempts: int) -> timedelta:
    """Return how long to wait after a message's `attempts`-th failed attempt."""
    # The exponent is bounded: after weeks of failures, 2 ** attempts minutes would overflow.
    return min(FIRST_WAIT * 2 ** min(max(attempts - 1, 0), 20), LONGEST_WAIT)


@dataclass
class Pass:
    """What one pass over the outbox did."""

    sent: int = 0
    failed: int = 0


def claim_due(now: datetime, limit: int = BATCH) -> list[OutgoingMessage]:
    """Claim the messages due now for this sender, and commit the claim."""
    due = db.session.scalars(
        select(OutgoingMessage)
        .where(OutgoingMessage.sent_at.is_(None), OutgoingMessage.next_attempt_at <= now)
        .order_by(OutgoingMessage.next_attempt_at, OutgoingMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    claimed = []
    for message in due:
        # Compare and set: on SQLite (no row locks), another sender may have claimed it since.
        result = db.session.execute(
            update(OutgoingMessage)
            .where(
                OutgoingMessage.id == message.id,
                OutgoingMessage.sent_at.is_(None),
                OutgoingMessage.next_attempt_at == message.next_attempt_at,
            )
            .values(next_attempt_at=now + LEASE)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            claimed.append(message.id)
    db.session.commit()
    if not claimed:
        return []
    return list(
        db.session.scalars(
            select(OutgoingMessage)
            .where(OutgoingMessage.id.in_(claimed))
            .order_by(OutgoingMessage.next_attempt_at, OutgoingMessage.id)
            .execution_options(populate_existing=True)
        )
    )


def email_of(message: OutgoingMessage, sender: str) -> EmailMessage:
    """Write a message as an email: plain text, with its HTML as the alternative."""
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Message-ID"] = make_msgid(idstring=f"outbox-{message.id}")
    email.set_content(message.text)
    email.add_alternative(message.html, subtype="html")
    # After the content: setting the content clears every Content-* header.
    email["Content-Language"] = message.language
    return email


def connect(config) -> smtplib.SMTP:
    """Open a connection to the configured SMTP server, secured and signed in as configured."""
    security = config["MAIL_SECURITY"]
    host = config["MAIL_HOST"]
    port = config["MAIL_PORT"] or DEFAULT_PORTS[security]
    timeout = config["MAIL_TIMEOUT_SECONDS"]
    context = ssl.create_default_context()
    if security == "tls":
        server = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
    else:
        server = smtplib.SMTP(host, port, timeout=timeout)
    try:
        if security == "starttls":
            server.starttls(context=context)
        if config["MAIL_USER"]:
            server.login(config["MAIL_USER"], config["MAIL_PASSWORD"] or "")
    except BaseException:
        server.close()  # a refused TLS or sign-in leaves no connection open
        raise
    return server


def send_due(now: datetime | None = None, stop: threading.Event | None = None) -> Pass:
    """Send the messages that are due; a failed one waits longer before its next attempt.

    Once `stop` is set (the service is stopping), the message in hand is finished and the
    others are given back untried.
    """
    config = current_app.config
    sender = config["MAIL_SENDER"]
    if not sender:
        raise MailSettingsError("MAIL_SENDER is not set: the messages need a sender address")
    outcome = Pass()
    now = now or timeutil.utc_now()
    forget_old_texts(now)
    messages = claim_due(now)
    if not messages:
        return outcome
    server = None
    try:
        server = connect(config)
    except (OSError, smtplib.SMTPException) as error:
        for message in messages:
            fail(message, now, f"cannot reach {config['MAIL_HOST']}: {error}")
        outcome.failed = len(messages)
        db.session.commit()
        return outcome
    try:
        for position, message in enumerate(messages):
            if stop is not None and stop.is_set():
                release(messages[position:], now)
                break
            try:
                server.send_message(email_of(message, sender))
            except (OSError, smtplib.SMTPException) as error:
                fail(message, now, str(error) or type(error).__name__)
                outcome.failed += 1
                if isinstance(error, (OSError, smtplib.SMTPServerDisconnected)):
                    # The connection is gone: the others wait for the next pass.
                    db.session.commit()
                    release(messages[position + 1 :], now)
                    break
            else:
                message.sent_at = timeutil.utc_now()
                message.last_error = None
                outcome.sent += 1
            # Each result is kept at once: a later crash does not send this one again.
            db.session.commit()
    finally:
        try:
            server.quit()
        except (OSError, smtplib.SMTPException):
            server.close()
    return outcome


def fail(message: OutgoingMessage, now: datetime, error: str) -> None:
    """Count a failed attempt, keep its error and put the next one off."""
    message.attempts += 1
    message.last_error = error[:2000]
    message.next_attempt_at = now + wait_after(message.attempts)


def release(messages: list[OutgoingMessage], now: datetime) -> None:
    """Give claimed messages back, untried, due again now."""
    for message in messages:
        message.next_attempt_at = now
    db.session.commit()


def forget_old_texts(now: datetime) -> None:
    """Empty the texts of the messages sent more than KEEP_SENT_TEXT ago."""
    db.session.execute(
        update(OutgoingMessage)
        .where(OutgoingMessage.sent_at < now - KEEP_SENT_TEXT, OutgoingMessage.text != "")
        .values(text="", html="")
        .execution_options(synchronize_session=False)
    )
