"""`tracker roll-calls close-overdue`."""

import click
from flask.cli import with_appcontext

from tracker.attendance import closing
from tracker.extensions import db


@click.group("roll-calls")
def roll_calls() -> None:
    """Close the roll calls of past half-days."""


@roll_calls.command("close-overdue")
@with_appcontext
def close_overdue() -> None:
    """Close the roll calls left open past the delay (ROLL_CALL_CLOSES_AFTER_DAYS), for a timer."""
    closed = closing.close_overdue()
    db.session.commit()
    click.echo(f"{closed} roll call{'s' if closed != 1 else ''} closed.")
