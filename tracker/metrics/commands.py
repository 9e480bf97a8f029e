"""`tracker metrics SLUG [--as-of YYYY-MM-DD] [--as-recorded INSTANT]`."""

import json
from datetime import date

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from tracker.audit import replay
from tracker.cohorts.models import Cohort
from tracker.extensions import db
from tracker.metrics.loading import cohort_metrics
from tracker.timeutil import today


@click.command("metrics")
@click.argument("slug")
@click.option("--as-of", "as_of", default=None, help="The date of the figures, YYYY-MM-DD.")
@click.option(
    "--as-recorded",
    "as_recorded",
    default=None,
    metavar="INSTANT",
    help="The records as they stood at an ISO 8601 instant (2022-07-05T18:00:00+02:00; "
    "Paris time when no offset is given), rebuilt from the trail.",
)
@with_appcontext
def metrics(slug: str, as_of: str | None, as_recorded: str | None) -> None:
    """Print the cohort's figures as JSON."""
    if as_of is None:
        day = today()
    else:
        try:
            day = date.fromisoformat(as_of)
        except ValueError:
            raise click.ClickException(f"--as-of: {as_of!r} is not a date YYYY-MM-DD") from None
    instant = None
    if as_recorded is not None:
        try:
            instant = replay.parse_instant(as_recorded)
        except ValueError as error:
            raise click.ClickException(f"--as-recorded: {error}") from None
    try:
        with replay.as_recorded_or_now(instant):
            cohort = db.session.scalar(select(Cohort).where(Cohort.slug == slug))
            if cohort is None:
                raise click.ClickException(f"no cohort {slug!r}" + _then(instant))
            figures = cohort_metrics(cohort, day)
    except replay.BeforeTheTrail as error:
        raise click.ClickException(f"--as-recorded: {error}") from None
    click.echo(json.dumps(figures, indent=2, ensure_ascii=False))


def _then(instant) -> str:
    return "" if instant is None else f" as recorded on {instant.isoformat()}"
