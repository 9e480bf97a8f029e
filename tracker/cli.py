"""The `tracker` command: a Flask CLI group whose commands live beside their features."""

import gc

# The commands' modules and libraries (SQLAlchemy, Flask, Alembic...) make some 400,000
# objects that live as long as the process. The collector walked them again and again while they
# were made, and once more at exit: `tracker --help` took 1.7 s, 1.1 s once collections waited
# until they were imported and then left them aside (gc.freeze).
_collecting = gc.isenabled()
gc.disable()

import click  # noqa: E402
from flask.cli import FlaskGroup, with_appcontext  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy.exc import SQLAlchemyError  # noqa: E402

from tracker import create_app, timeutil  # noqa: E402
from tracker.attendance.commands import roll_calls  # noqa: E402
from tracker.audit.commands import audit  # noqa: E402
from tracker.auth.commands import user  # noqa: E402
from tracker.backups.commands import backup, restore  # noqa: E402
from tracker.cohorts.commands import cohort  # noqa: E402
from tracker.cohorts.pages import keep_every_summary  # noqa: E402
from tracker.demo.commands import demo  # noqa: E402
from tracker.extensions import db  # noqa: E402
from tracker.imports.commands import import_csv  # noqa: E402
from tracker.mail.commands import mail  # noqa: E402
from tracker.metrics.commands import metrics  # noqa: E402
from tracker.reports.commands import report  # noqa: E402
from tracker.signing import seal  # noqa: E402

gc.freeze()
if _collecting:
    gc.enable()


def create_app_for_commands():
    """Create the application for a command: WeasyPrint waits for the first report made."""
    return create_app(commands=True)


@click.group(cls=FlaskGroup, create_app=create_app_for_commands, load_dotenv=False)
def main() -> None:
    """Follow a funded cohort of trainees."""


@main.command("init")
@with_appcontext
def init() -> None:
    """Create the database or bring its schema up to date, count the cohorts' summaries that a
    new version counts again, and make the certificate that seals the signed sheets
    (self-signed, for development) when there is none."""
    upgrade()
    click.echo("The database is up to date.")
    click.echo(seal.ensure_certificate())
    # After an upgrade, the summaries kept under the previous release are counted again here,
    # rather than on the first page that shows them. A convenience: a database that cannot
    # take them now leaves them to the pages.
    try:
        kept, cohorts = keep_every_summary(timeutil.today())
    except SQLAlchemyError as error:
        db.session.rollback()
        message = f"The cohorts' summaries are left to the pages that show them: {error}"
        click.echo(message, err=True)
        return
    if cohorts:
        click.echo(f"Cohorts' summaries kept for this version: {kept} of {cohorts}.")


for command in (
    audit,
    backup,
    user,
    cohort,
    demo,
    import_csv,
    mail,
    metrics,
    report,
    restore,
    roll_calls,
):
    main.add_command(command)
