"""`tracker metrics SLUG` (written with the figures)."""

import click


@click.command("metrics")
def metrics() -> None:
    """Print the cohort figures as JSON."""
    raise click.ClickException("not written yet")
