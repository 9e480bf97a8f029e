"""`tracker import KIND FILE --cohort SLUG`."""

import hashlib
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from tracker.audit import capture
from tracker.cohorts.models import Cohort
from tracker.extensions import db
from tracker.imports import operations
from tracker.imports.problems import ImportRefused


@click.command("import")
@click.argument("kind", type=click.Choice(list(operations.KINDS)))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--cohort", "slug", required=True, help="The slug of the cohort to load into.")
@click.option(
    "--reason",
    help="Why the file changes closed roll calls: the reason of its amendments (a reason "
    "column gives one per row).",
)
@with_appcontext
def import_csv(kind: str, file: Path, slug: str, reason: str | None) -> None:
    """Load a CSV or XLSX file into a cohort, all rows or none."""
    cohort = db.session.scalar(select(Cohort).where(Cohort.slug == slug))
    if cohort is None:
        raise click.ClickException(f"no cohort {slug!r}")
    limit = current_app.config["IMPORT_MAX_BYTES"]
    size = file.stat().st_size
    if size > limit:
        raise click.ClickException(f"{file.name}: {operations.too_large(size, limit)}")
    with file.open("rb") as stream:
        # One byte more than the limit, in case the file grew since it was measured.
        data = stream.read(limit + 1)
    try:
        # The trail names the file that made the changes, and their reason.
        source = {"file": file.name, "sha256": hashlib.sha256(data).hexdigest()}
        with capture.acting(source=source, reason=reason):
            summary = operations.import_file(cohort, kind, data)
        db.session.commit()
    except ImportRefused as refused:
        db.session.rollback()
        for problem in refused.problems:
            click.echo(str(problem), err=True)
        count = len(refused.problems)
        click.echo(
            f"{file.name}: nothing imported, {count} problem{'s' if count > 1 else ''}", err=True
        )
        click.get_current_context().exit(1)
    except SQLAlchemyError as error:
        db.session.rollback()
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        raise click.ClickException(f"{file.name}: nothing imported: {reason}") from None
    click.echo(str(summary))
