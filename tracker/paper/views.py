"""Pages of the paper sheets: a cohort's signed weeks, a week's sheet with its upload, and its
download."""

from datetime import date, timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from tracker import attachments, timeutil
from tracker.access import allow, cohort_or_404, may
from tracker.cohorts.models import Cohort
from tracker.extensions import db
from tracker.i18n import week_label
from tracker.imports.operations import file_size
from tracker.paper import operations, queries
from tracker.paper.forms import PaperSheetForm
from tracker.periods import PeriodError, parse_week
from tracker.signing.models import PaperSheet

bp = Blueprint("paper", __name__)

# Who may see a cohort's signed sheets: those who see its trainees' attendance (admins, its
# instructors, the Region's officers, who audit it); only administrators upload them.
SEEING = ("admin", "instructor", "officer")


@bp.app_context_processor
def paper_helpers() -> dict:
    """Give the timetable's partial the week's signed sheet."""
    return {"paper_sheet_of": queries.paper_sheet, "paper_week_code": iso_week}


def iso_week(day: date) -> str:
    """Name a date's ISO week as addresses do: 2022-W02."""
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def asked_monday(week: str) -> date:
    """Return the Monday of the week of the address, else answer 400 with the reason."""
    try:
        return parse_week(week)
    except PeriodError as error:
        abort(400, description=str(error))


def sheet_or_404(cohort: Cohort, monday: date) -> PaperSheet:
    """Load the signed sheet of a cohort's week, else 404."""
    sheet = queries.paper_sheet(cohort.id, monday)
    if sheet is None:
        abort(404, description=_("No signed sheet was uploaded for this week."))
    return sheet


def described(sheet: PaperSheet) -> str:
    """Name a kept sheet's type and size: PDF, 1.2 MB."""
    return f"{attachments.TYPE_NAMES.get(sheet.content_type, '?')}, {file_size(sheet.size)}"


@bp.route("/cohorts/<slug>/paper-sheets")
@allow(*SEEING)
def index(slug: str):
    """List the cohort's weeks signed on paper, with their sheets to download."""
    cohort = cohort_or_404(slug, "see_trainees")
    return render_template(
        "paper/index.html",
        cohort=cohort,
        sheets=queries.cohort_sheets(cohort.id),
        this_week=iso_week(min(max(timeutil.today(), cohort.starts_on), cohort.ends_on)),
        described=described,
        week_code=iso_week,
    )


def week_page(cohort: Cohort, monday: date, form: PaperSheetForm | None = None, status=200):
    """Render the page of a week's signed sheet, with its upload form for administrators."""
    can_upload = may(current_user, "edit_curriculum")
    return render_template(
        "paper/week.html",
        cohort=cohort,
        monday=monday,
        sunday=monday + timedelta(days=6),
        week=iso_week(monday),
        sheet=queries.paper_sheet(cohort.id, monday),
        form=form or PaperSheetForm(formdata=None),
        remove_form=FlaskForm(formdata=None),
        can_upload=can_upload,
        problems=(
            operations.upload_problems(cohort, monday, timeutil.today()) if can_upload else []
        ),
        can_see_timetable=may(current_user, "record_teaching"),
        has_sessions=operations.has_sessions(cohort, monday),
        limit=file_size(current_app.config["PAPER_SHEET_MAX_BYTES"]),
        described=described,
    ), status


@bp.route("/cohorts/<slug>/paper-sheets/<week>")
@allow(*SEEING)
def week(slug: str, week: str):
    """Show whether a week was signed on paper, with its sheet to download or upload."""
    cohort = cohort_or_404(slug, "see_trainees")
    return week_page(cohort, asked_monday(week))


@bp.route("/cohorts/<slug>/paper-sheets/<week>", methods=["POST"])
@allow("admin")
def upload(slug: str, week: str):
    """Keep the scanned signed sheet of a week; it replaces the one uploaded before."""
    cohort = cohort_or_404(slug, "edit_curriculum")
    monday = asked_monday(week)
    form = PaperSheetForm()
    if not form.validate_on_submit():
        # A file of the wrong type, too large or empty: nothing is kept, the field says why.
        return week_page(cohort, monday, form, 400)
    try:
        sheet, replaced = operations.upload_sheet(cohort, monday, form.attachment, current_user)
    except operations.PaperError as error:
        db.session.rollback()
        flash(str(error), "error")
        return week_page(cohort, monday, form, 400)
    db.session.commit()
    if replaced:
        message = _(
            "The signed sheet of the %(week)s is replaced by %(name)s: its half-days are "
            "signed on paper.",
            week=week_label(monday),
            name=sheet.file_name,
        )
    else:
        message = _(
            "The signed sheet of the %(week)s is kept (%(name)s): its half-days are signed on "
            "paper.",
            week=week_label(monday),
            name=sheet.file_name,
        )
    flash(message, "success")
    return redirect(url_for(".week", slug=cohort.slug, week=iso_week(monday)))


@bp.route("/cohorts/<slug>/paper-sheets/<week>/file")
@allow(*SEEING)
def download(slug: str, week: str):
    """Download a week's signed sheet as a file, under the name it was uploaded with."""
    cohort = cohort_or_404(slug, "see_trainees")
    sheet = sheet_or_404(cohort, asked_monday(week))
    return attachments.send(
        file_name=sheet.file_name, checked_type=sheet.content_type, digest=sheet.sha256
    )


@bp.route("/cohorts/<slug>/paper-sheets/<week>/remove", methods=["POST"])
@allow("admin")
def remove(slug: str, week: str):
    """Remove a week's signed sheet uploaded by mistake; the trail keeps it."""
    cohort = cohort_or_404(slug, "edit_curriculum")
    monday = asked_monday(week)
    sheet = sheet_or_404(cohort, monday)
    if not FlaskForm().validate_on_submit():
        abort(400)
    operations.remove_sheet(sheet)
    db.session.commit()
    flash(
        _(
            "The signed sheet of the %(week)s is removed: its half-days are no longer signed "
            "on paper.",
            week=week_label(monday),
        ),
        "success",
    )
    return redirect(url_for(".week", slug=cohort.slug, week=iso_week(monday)))
