"""The `tracker` command: a Flask CLI group whose commands live beside their features."""

import click
from flask.cli import FlaskGroup, with_appcontext
from flask_migrate import upgrade

from tracker import create_app
from tracker.auth.commands import user
from tracker.cohorts.commands import cohort
from tracker.demo.commands import demo
from tracker.imports.commands import import_csv
from tracker.metrics.commands import metrics
from tracker.reports.commands import report


@click.group(cls=FlaskGroup, create_app=create_app, load_dotenv=False)
def main() -> None:
    """Follow a funded cohort of trainees."""


@main.command("init")
@with_appcontext
def init() -> None:
    """Create the database or bring its schema up to date."""
    upgrade()
    click.echo("The database is up to date.")


for command in (user, cohort, demo, import_csv, metrics, report):
    main.add_command(command)
