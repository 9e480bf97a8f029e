"""`tracker metrics SLUG [--as-of YYYY-MM-DD]`."""

import json
from datetime import date

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from tracker.cohorts.models import Cohort
from tracker.extensions import db
from tracker.metrics.loading import cohort_metrics
from tracker.timeutil import today


@click.command("metrics")
@click.argument("slug")
@click.option("--as-of", "as_of", default=None, help="The date of the figures, YYYY-MM-DD.")
@with_appcontext
def metrics(slug: str, as_of: str | None) -> None:
    """Print the cohort's figures as JSON."""
    if as_of is None:
        day = today()
    else:
        try:
            day = date.fromisoformat(as_of)
        except ValueError:
            raise click.ClickException(f"--as-of: {as_of!r} is not a date YYYY-MM-DD") from None
    cohort = db.session.scalar(select(Cohort).where(Cohort.slug == slug))
    if cohort is None:
        raise click.ClickException(f"no cohort {slug!r}")
    click.echo(json.dumps(cohort_metrics(cohort, day), indent=2, ensure_ascii=False))
