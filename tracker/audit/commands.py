"""`tracker audit verify`."""

import click
from flask.cli import with_appcontext

from tracker.audit import chain
from tracker.extensions import db


@click.group("audit")
def audit() -> None:
    """Check the trail of changes."""


@audit.command("verify")
@with_appcontext
def verify() -> None:
    """Recompute the trail's hash chain; exit 1 naming the first entry altered, removed or
    inserted out of order."""
    count, broken = chain.verify(db.session.connection())
    db.session.rollback()
    if broken is not None:
        click.echo(f"The trail is broken at {broken}.", err=True)
        raise SystemExit(1)
    click.echo(f"The trail is intact: {count} entries.")
