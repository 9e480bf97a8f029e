"""`tracker demo [--reset]`."""

import time

import click
from flask.cli import with_appcontext
from sqlalchemy import func, inspect, select

from tracker.attendance.models import AttendanceRecord, Session
from tracker.auth.models import User
from tracker.demo.operations import (
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    database_is_empty,
    delete_everything,
    load_demo,
)
from tracker.extensions import db


@click.command("demo")
@click.option("--reset", is_flag=True, help="Delete everything in the database first.")
@click.option(
    "--if-empty", is_flag=True, help="Load only into an empty database, else leave it alone."
)
@with_appcontext
def demo(reset: bool, if_empty: bool) -> None:
    """Load the demo academy into an empty database and print its accounts."""
    if not inspect(db.engine).has_table("cohorts"):
        raise click.ClickException("The database has no tables yet: run `tracker init` first.")
    if if_empty and not reset and not database_is_empty():
        click.echo("The database already holds data: the demo was not loaded again.")
        present = db.session.scalars(
            select(User).where(User.email.in_([account.email for account in DEMO_ACCOUNTS]))
        ).all()
        print_accounts(present)
        return
    if not reset and not database_is_empty():
        raise click.ClickException(
            "The database already holds data, so the demo was not loaded and nothing changed. "
            "Run `tracker demo --reset` to delete everything in it and load the demo."
        )
    started = time.perf_counter()
    if reset:
        delete_everything()
    accounts = load_demo()
    db.session.commit()
    cohort = next(user for user in accounts if user.role == "instructor").cohorts[0]
    sessions = db.session.scalar(
        select(func.count(Session.id)).where(Session.cohort_id == cohort.id)
    )
    records = db.session.scalar(
        select(func.count(AttendanceRecord.id)).join(Session).where(Session.cohort_id == cohort.id)
    )
    click.echo(
        f"Loaded the demo cohort {cohort.slug}: {len(cohort.trainees)} trainees, "
        f"{len(cohort.modules)} modules, {sessions} sessions, {records} attendance records "
        f"({time.perf_counter() - started:.1f} s)."
    )
    print_accounts(accounts)


def print_accounts(accounts: list[User]) -> None:
    """Print the demo accounts and their shared password."""
    if not accounts:
        return
    click.echo("Demo accounts:")
    width = max(len(user.email) for user in accounts)
    for user in accounts:
        role = f"{user.role} ({user.trainee.ref})" if user.trainee else user.role
        click.echo(f"  {user.email:<{width}}  {role}")
    click.echo(f"Password of every demo account: {DEMO_PASSWORD}")
