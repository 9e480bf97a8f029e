"""`tracker backup FILE` and `tracker restore FILE`."""

from pathlib import Path

import click
from flask.cli import with_appcontext

from tracker.backups import copies
from tracker.extensions import db
from tracker.health import checks


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup(file: Path) -> None:
    """Copy the whole database into FILE (SQLite: a copy of the file; PostgreSQL: pg_dump's
    custom format), while the application keeps serving."""
    db.session.remove()
    try:
        copies.backup(db.engine, file)
    except copies.CopyError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"The database is copied into {file} ({file.stat().st_size:,} bytes).")


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def restore(file: Path) -> None:
    """Put a copy made by `tracker backup` back into a new, empty database."""
    db.session.remove()
    try:
        copies.restore(db.engine, file)
    except copies.CopyError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"The copy {file} is put back into the database.")
    revision = checks.schema_revision(db.engine)
    if revision is not None and revision != checks.newest_migration():
        click.echo(
            f"Its schema is that of migration {revision}: run `tracker init` to bring it up to "
            "date before serving it."
        )
