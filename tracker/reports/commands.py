"""`tracker report …`: write PDF reports into reports/."""

import click


@click.group()
def report() -> None:
    """Write PDF reports."""
