"""`tracker report …`: write PDF reports into reports/ (or --out), printing the files written."""

import json
import time
from collections.abc import Callable
from datetime import date, datetime
from functools import wraps
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from tracker import timeutil
from tracker.audit import replay
from tracker.files import write_atomically
from tracker.i18n import LOCALES
from tracker.reports.contents import ReportError, find_cohort, last_held_week, parse_week
from tracker.reports.making import Order, copy_to, fulfil, make_all, orders_for_cohort
from tracker.signing import proof, seal


@click.group()
def report() -> None:
    """Write PDF reports."""


def _date(text: str | None, option: str) -> date:
    if text is None:
        return timeutil.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ReportError(f"{option} {text!r} is not a date such as 2022-12-15.") from None


def _instant(text: str | None, option: str) -> datetime | None:
    if text is None:
        return None
    try:
        return replay.parse_instant(text)
    except ValueError as error:
        raise ReportError(f"{option}: {error}") from None


def _language(text: str) -> str:
    if text not in LOCALES:
        raise ReportError(f"Unknown language {text!r}: choose one of {', '.join(LOCALES)}.")
    return text


def report_options(command: Callable) -> Callable:
    """Add --as-of, --as-recorded, --lang and --out, and turn bad input into a message and exit
    status 1."""

    @click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="Date of the figures (today).")
    @click.option(
        "--as-recorded",
        "as_recorded",
        metavar="INSTANT",
        help="The records as they stood at an ISO 8601 instant (2022-07-05T18:00:00+02:00; "
        "Paris time without an offset), rebuilt from the trail (now).",
    )
    @click.option("--lang", "language", default="fr", show_default=True, help="fr or en.")
    @click.option(
        "--out",
        type=click.Path(file_okay=False),
        help="Folder to write into (the app's REPORTS_FOLDER, reports/).",
    )
    @with_appcontext
    @wraps(command)
    def run(
        *args, as_of: str | None, as_recorded: str | None, language: str, out: str | None, **kwargs
    ) -> None:
        try:
            if "since" in kwargs:
                kwargs["since"] = _instant(kwargs["since"], "--since")
            orders = command(
                *args,
                as_of=_date(as_of, "--as-of"),
                recorded_at=_instant(as_recorded, "--as-recorded"),
                language=_language(language),
                made_on=timeutil.today(),
                **kwargs,
            )
            folder = Path(out or current_app.config["REPORTS_FOLDER"])
            # The instance's reports folder is private; a folder the user names is theirs.
            private = out is None
            if len(orders) == 1:
                click.echo(copy_to(fulfil(orders[0]), folder, private=private))
            else:
                started = time.perf_counter()
                written = make_all(orders, folder, on_written=click.echo, private=private)
                elapsed = time.perf_counter() - started
                click.echo(f"{len(written)} reports written in {elapsed:.1f} s.", err=True)
        except ReportError as error:
            raise click.ClickException(str(error)) from None

    return run


@report.command("trainee")
@click.argument("slug")
@click.argument("ref")
@report_options
def trainee(slug: str, ref: str, **dates) -> list[Order]:
    """Write a trainee's progress report."""
    return [Order("trainee", slug, ref=ref, **dates)]


@report.command("cohort")
@click.argument("slug")
@report_options
def cohort(slug: str, **dates) -> list[Order]:
    """Write the cohort progress report (attendance, progress, risks of every trainee)."""
    return [Order("cohort", slug, **dates)]


SINCE = click.option(
    "--since",
    metavar="INSTANT",
    help="List the amendments to the roll calls since an earlier report made at this instant "
    "(ISO 8601, or a date: its end).",
)


@report.command("funding")
@click.argument("slug")
@SINCE
@report_options
def funding(slug: str, since: datetime | None, **dates) -> list[Order]:
    """Write the Region's funding report (hours, attendance, withdrawals, budget)."""
    return [Order("funding", slug, since=since, **dates)]


@report.command("sheet")
@click.argument("slug")
@click.option("--week", required=True, metavar="YYYY-Www", help="ISO week, e.g. 2022-W49.")
@click.option("--blank", is_flag=True, help="Empty boxes for signing, not the roll calls.")
@report_options
def sheet(slug: str, week: str, blank: bool, **dates) -> list[Order]:
    """Write the attendance sheet of a week, blank or filled with the recorded statuses."""
    parse_week(week)
    return [Order("sheet", slug, week=week, blank=blank, **dates)]


@report.command("signed-sheet")
@click.argument("slug")
@click.option("--week", required=True, metavar="YYYY-Www", help="ISO week, e.g. 2022-W49.")
@report_options
def signed_sheet(slug: str, week: str, **dates) -> list[Order]:
    """Write the signed sheet of a week (each signature drawn, the instructor's countersignature),
    sealed by the organisation's certificate (SEAL_CERTIFICATE)."""
    parse_week(week)
    return [Order("signed_sheet", slug, week=week, **dates)]


@report.command("proof")
@click.argument("slug")
@click.option("--week", required=True, metavar="YYYY-Www", help="ISO week, e.g. 2022-W49.")
@click.option("--lang", "language", default="fr", show_default=True, help="fr or en.")
@click.option(
    "--out",
    type=click.Path(file_okay=False),
    help="Folder to write into (the app's REPORTS_FOLDER, reports/).",
)
@with_appcontext
def week_proof(slug: str, week: str, language: str, out: str | None) -> None:
    """Write the signed sheet of a week and its proof file: every signature's data and digest,
    and the SHA-256 of that sheet."""
    try:
        monday = parse_week(week)
        today = timeutil.today()
        language = _language(language)
        made = fulfil(
            Order("signed_sheet", slug, as_of=today, language=language, made_on=today, week=week)
        )
        private = out is None
        sheet = copy_to(made, Path(out or current_app.config["REPORTS_FOLDER"]), private=private)
        content = proof.week_proof(
            find_cohort(slug), monday, sheet.read_bytes(), made.filename, language, seal.open_seal()
        )
        target = sheet.with_name(made.filename.removesuffix(".pdf") + "_proof.json")
        text = json.dumps(content, ensure_ascii=False, indent=2)
        write_atomically(target, text.encode(), private=private)
    except ReportError as error:
        raise click.ClickException(str(error)) from None
    click.echo(sheet)
    click.echo(target)


@report.command("certificate")
@click.argument("slug")
@click.argument("ref")
@report_options
def certificate(slug: str, ref: str, **dates) -> list[Order]:
    """Write a trainee's certificate of completion: the hours followed so far, before the end."""
    return [Order("certificate", slug, ref=ref, **dates)]


@report.command("attestation")
@click.argument("slug")
@click.argument("ref")
@report_options
def attestation(slug: str, ref: str, **dates) -> list[Order]:
    """Write a trainee's end-of-training attestation: the course's objectives, dates and hours,
    the modules passed and the competencies acquired."""
    return [Order("attestation", slug, ref=ref, **dates)]


@report.command("all")
@click.argument("slug")
@SINCE
@report_options
def every_report(slug: str, since: datetime | None, **dates) -> list[Order]:
    """Write every report of a cohort, in parallel processes.

    Each trainee's progress report, certificate and end-of-training attestation, the cohort
    progress report, the funding report and the attendance sheet of the last week held.
    """
    cohort = find_cohort(slug)
    if last_held_week(cohort, dates["as_of"]) is None:
        click.echo("No session held yet: no attendance sheet.", err=True)
    return orders_for_cohort(cohort, since=since, **dates)
