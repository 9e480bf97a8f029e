"""`tracker user add`."""

import sys

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from tracker.auth.links import send_invitation
from tracker.auth.models import ROLES
from tracker.auth.operations import AccountError, add_user
from tracker.cohorts.models import Cohort, Trainee
from tracker.extensions import db


@click.group()
def user() -> None:
    """Manage accounts."""


@user.command("add")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option(
    "--cohort", "cohort_slug", help="The cohort an instructor teaches or a trainee is in."
)
@click.option("--trainee", "trainee_ref", help="The trainee's reference, for a trainee account.")
@click.option("--name", default="", help="The name shown on pages.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option(
    "--invite",
    is_flag=True,
    help="Ask no password: mail the person an invitation to choose one (tracker mail send).",
)
@click.option(
    "--language", type=click.Choice(["fr", "en"]), default="fr", help="The language of its mail."
)
@with_appcontext
def add(email, role, cohort_slug, trainee_ref, name, password_stdin, invite, language) -> None:
    """Add an account; the password is read from standard input or prompted, or chosen by its
    owner through an invitation (--invite)."""
    cohort = None
    if cohort_slug:
        cohort = db.session.scalar(select(Cohort).where(Cohort.slug == cohort_slug))
        if cohort is None:
            raise click.ClickException(f"--cohort: no cohort {cohort_slug!r}")
    trainee = None
    if trainee_ref:
        if cohort is None:
            raise click.ClickException("--trainee: give the trainee's --cohort too")
        trainee = db.session.scalar(
            select(Trainee).where(Trainee.cohort_id == cohort.id, Trainee.ref == trainee_ref)
        )
        if trainee is None:
            raise click.ClickException(f"--trainee: no trainee {trainee_ref!r} in {cohort_slug}")
    if invite:
        password = None
    elif password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    cohorts = [cohort] if cohort is not None and role == "instructor" else []
    if cohort is not None and role not in ("instructor", "trainee"):
        raise click.ClickException(f"--cohort: a {role} is not linked to a cohort")
    try:
        account = add_user(
            email, role, password, name=name, cohorts=cohorts, trainee=trainee, language=language
        )
    except AccountError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    if invite:
        send_invitation(account)
    db.session.commit()
    click.echo(f"Account {account.email} ({account.role}) added.")
    if invite:
        click.echo("Its invitation to choose a password is in the outbox (tracker mail send).")
