"""`tracker demo` (written with the demo)."""

import click


@click.command("demo")
def demo() -> None:
    """Load the demo academy."""
    raise click.ClickException("not written yet")
