"""`tracker mail send [--loop]`: deliver the outbox over SMTP."""

import signal
import threading

import click
from flask import current_app
from flask.cli import with_appcontext

from tracker.extensions import db
from tracker.mail.delivery import MailSettingsError, send_due
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
