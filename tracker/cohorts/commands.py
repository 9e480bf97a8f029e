"""`tracker cohort create`."""

from datetime import date
from decimal import Decimal, InvalidOperation

import click
from flask.cli import with_appcontext

from tracker.cohorts.operations import CohortError, create_cohort
from tracker.extensions import db


@click.group()
def cohort() -> None:
    """Manage cohorts."""


@cohort.command("create")
@click.argument("slug")
@click.option("--name", required=True, help="The cohort's name.")
@click.option("--starts", required=True, help="First day, YYYY-MM-DD.")
@click.option("--ends", required=True, help="Last day, YYYY-MM-DD.")
@click.option("--grant", required=True, help="Grant amount in euros, e.g. 273000.")
@click.option("--trainees", default=25, show_default=True, help="Contracted trainees.")
@click.option("--hours", default=None, help="Planned hours per trainee (default: the modules').")
@click.option("--funder", default="", help="Who funds the cohort.")
@click.option("--threshold", default="0.80", show_default=True, help="Attendance threshold.")
@click.option("--agreement", default="", help="The grant agreement's number.")
@click.option(
    "--title-in-agreement", default="", help="The course's title exactly as in the agreement."
)
@with_appcontext
def create(
    slug,
    name,
    starts,
    ends,
    grant,
    trainees,
    hours,
    funder,
    threshold,
    agreement,
    title_in_agreement,
) -> None:
    """Add a cohort."""
    try:
        new = create_cohort(
            slug=slug,
            name=name,
            starts_on=_option_date("--starts", starts),
            ends_on=_option_date("--ends", ends),
            grant_amount=_option_decimal("--grant", grant),
            contracted_trainees=trainees,
            planned_hours_per_trainee=None if hours is None else _option_decimal("--hours", hours),
            funder=funder,
            attendance_threshold=_option_decimal("--threshold", threshold),
            agreement_number=agreement,
            title_in_agreement=title_in_agreement,
        )
    except CohortError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Cohort {new.slug} created.")


def _option_date(option: str, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.ClickException(f"{option}: {value!r} is not a date YYYY-MM-DD") from None


def _option_decimal(option: str, value: str) -> Decimal:
    try:
        number = Decimal(value.replace(",", ".").replace(" ", ""))
    except InvalidOperation:
        raise click.ClickException(f"{option}: {value!r} is not a number") from None
    if not number.is_finite():
        raise click.ClickException(f"{option}: {value!r} is not a number")
    return number
