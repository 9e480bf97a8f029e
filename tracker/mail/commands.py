"""`tracker mail send [--loop]`, `tracker mail schedule` and `tracker mail status`."""

import signal
import threading

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from tracker.extensions import db
from tracker.mail.delivery import MailSettingsError, send_due
from tracker.mail.models import OutgoingMessage
from tracker.mail.schedule import schedule


@click.group("mail")
def mail() -> None:
    """Deliver the messages waiting in the outbox."""


@mail.command("send")
@click.option("--loop", is_flag=True, help="Keep sending until stopped (SIGTERM or Ctrl-C).")
@with_appcontext
def send(loop: bool) -> None:
    """Send the messages that are due; with --loop, again every MAIL_LOOP_SECONDS."""
    if not loop:
        report(one_pass())
        return
    stop = threading.Event()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signal_number, lambda number, frame: stop.set())
    run_until(stop, current_app.config["MAIL_LOOP_SECONDS"])
    click.echo("Stopped.")


def one_pass(stop: threading.Event | None = None):
    """Send what is due once, stopping the command with status 1 when the settings cannot."""
    try:
        return send_due(stop=stop)
    except MailSettingsError as error:
        raise click.ClickException(str(error)) from None
    finally:
        db.session.remove()


def report(outcome) -> None:
    """Print how many messages left and how many failed."""
    click.echo(f"{outcome.sent} sent, {outcome.failed} failed.")


def run_until(stop: threading.Event, pause: float) -> None:
    """Send what is due, then pause, until `stop` is set: the message in hand is finished."""
    while not stop.is_set():
        outcome = one_pass(stop)
        if outcome.sent or outcome.failed:
            report(outcome)
        stop.wait(pause)


@mail.command("schedule")
@with_appcontext
def schedule_command() -> None:
    """Put the scheduled messages due now in the outbox, each once (run it every evening)."""
    counts = schedule()
    db.session.commit()
    for kind, count in counts.items():
        click.echo(f"{kind}: {count}")


@mail.command("status")
@with_appcontext
def status() -> None:
    """Print how many messages wait, how many have failed, and the oldest failing one's error."""
    waiting = db.session.scalars(
        select(OutgoingMessage)
        .where(OutgoingMessage.sent_at.is_(None))
        .order_by(OutgoingMessage.created_at)
    ).all()
    failing = [message for message in waiting if message.attempts]
    click.echo(f"{len(waiting)} waiting, {len(failing)} of them failed at least once.")
    if waiting:
        click.echo(f"The oldest waits since {waiting[0].created_at.isoformat(timespec='seconds')}.")
    if failing:
        oldest = failing[0]
        tries = f"{oldest.attempts} attempt{'s' if oldest.attempts > 1 else ''}"
        click.echo(f"The oldest failing one, after {tries}: {oldest.last_error}")
        soonest = min(message.next_attempt_at for message in failing)
        click.echo(f"Next attempt at {soonest.isoformat(timespec='seconds')}.")
