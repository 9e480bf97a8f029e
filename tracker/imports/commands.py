"""`tracker import KIND FILE --cohort SLUG` (written with the importer)."""

import click


@click.command("import")
def import_csv() -> None:
    """Load a CSV file into a cohort."""
    raise click.ClickException("not written yet")
