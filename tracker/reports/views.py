"""Download links of the PDF reports: each role gets the reports it may read, from the cache.

- a trainee: their own progress report, certificate and end-of-training attestation (another
  trainee's: 404);
- an officer: the funding report and the attendance sheets (progress reports: 403);
- an instructor: every report of the cohorts they teach but the funding report, which holds the
  budget: budget and funding reports go to admins and officers only (`see_funding`, 403);
- an admin: every report.

The signed sheet of a week (`/attendance-sheets/<week>/signed.pdf`), sealed by the organisation,
and its proof file (`…/proof.json`) go to those who get the attendance sheets: admins, officers
and the cohort's instructors.

`?as_of=YYYY-MM-DD` sets the date of the figures (default today; after the cohort's end, the
date whose figures those are: see `making`); `?as_recorded=INSTANT` (ISO 8601) the records as
they stood then, rebuilt from the trail; the funding report's `?since=INSTANT` lists the
amendments since an earlier report. The report speaks the page's language. The file is
named by the server and sent as an attachment.

A report served from the cache costs nothing; one to make costs half a second of a processor:
each account may have REPORT_MAKINGS_PER_MINUTE made in any minute, and is then answered 429
with the seconds to wait (`limits`). It is laid out by a process of its own (`background`): the
request is answered at once that it is being made (202), and the page asks again by itself.
"""

import io
import json
from contextlib import ExitStack

from flask import Blueprint, abort, current_app, render_template, request, send_file
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.exceptions import ServiceUnavailable, TooManyRequests

from tracker import timeutil
from tracker.access import allow, cohort_or_404, trainee_or_404
from tracker.attendance import closing
from tracker.audit import replay
from tracker.auth.views import page_the_form_was_on
from tracker.extensions import db
from tracker.fields import figures_date
from tracker.i18n import current_language
from tracker.reports import limits, making
from tracker.reports.contents import ReportError, parse_week
from tracker.signing import proof, seal

bp = Blueprint("reports", __name__)


def dates() -> dict:
    """Return the dates and language of a report asked for on the web; 400 for a bad ?as_of=."""
    _form, as_of = figures_date()
    if as_of is None:
        abort(400)
    return {
        "as_of": as_of,
        "language": current_language(),
        "made_on": timeutil.today(),
        "recorded_at": instant("as_recorded"),
    }


def instant(parameter: str):
    """Read an instant from the query (ISO 8601); None when absent, 400 when not an instant."""
    text = request.args.get(parameter)
    if not text:
        return None
    try:
        return replay.parse_instant(text)
    except ValueError:
        abort(
            400,
            description=_(
                "%(parameter)s: %(value)s is not an instant such as 2022-07-05T18:00:00+02:00.",
                parameter=parameter,
                value=text,
            ),
        )


def count_making():
    """Take one of the server's slots for making a report (503 when every one is taken), then
    count the making against the signed-in account's share (429 when it is spent); return the
    slot, held while the report is made."""
    held = ExitStack()
    try:
        held.enter_context(
            limits.making_slot(
                current_app.config["REPORT_CACHE_FOLDER"], current_app.config["REPORT_MAKING_SLOTS"]
            )
        )
    except limits.ServerBusy as busy:
        raise ServiceUnavailable(
            description=_(
                "The server is making other reports at this moment: this one starts in a few "
                "seconds, and this page tries again by itself. Reports made already download "
                "at once."
            ),
            retry_after=busy.retry_after,
        ) from None
    try:
        limits.count_making(
            current_app.config["REPORT_CACHE_FOLDER"],
            str(current_user.id),
            current_app.config["REPORT_MAKINGS_PER_MINUTE"],
        )
    except limits.TooManyMakings as refusal:
        held.close()
        seconds = refusal.retry_after
        raise TooManyRequests(
            description=ngettext(
                "You asked for many new reports in a short time: try again in %(num)d second."
                " Reports made already download at once.",
                "You asked for many new reports in a short time: try again in %(num)d seconds."
                " Reports made already download at once.",
                seconds,
            ),
            retry_after=seconds,
        ) from None
    return held


def download(make, *args, **kwargs):
    """Send a made report as an attachment; 404 when it cannot be made (not enrolled yet).

    A report not made yet is laid out in a process of its own (REPORT_MAKING_IN_BACKGROUND):
    the answer says so at once (202) and the page asks again by itself until the report is
    there, while this worker serves other pages.
    """
    try:
        made = make(
            *args,
            before_making=count_making,
            in_background=current_app.config["REPORT_MAKING_IN_BACKGROUND"],
            **kwargs,
        )
    except ReportError:
        abort(404)
    except making.BeingMade as being_made:
        return being_made_page(being_made.retry_after)
    except making.MakingFailed as failed:
        current_app.logger.error("Report %s not made: %s", request.path, failed)
        abort(500)
    # The bytes rather than an open file: the response holds no file handle for its lifetime.
    response = send_file(
        io.BytesIO(made.content),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=made.filename,
    )
    return response  # no-store, as every response with personal data: tracker/headers.py


def being_made_page(retry_after: int):
    """Say that the report is being made; the page asks for it again after `retry_after` s."""
    back = page_the_form_was_on()
    page = render_template(
        "reports/being_made.html",
        refresh=retry_after,
        back=back if back != request.full_path.rstrip("?") else None,
    )
    return page, 202, {"Retry-After": str(retry_after)}


@bp.route("/cohorts/<slug>/trainees/<ref>/report.pdf")
@allow("admin", "instructor", "trainee")
def trainee_report(slug: str, ref: str):
    """Download a trainee's progress report."""
    cohort = cohort_or_404(slug)
    trainee = trainee_or_404(cohort, ref)
    return download(making.trainee_report, cohort, trainee, **dates())


@bp.route("/cohorts/<slug>/trainees/<ref>/certificate.pdf")
@allow("admin", "instructor", "trainee")
def certificate(slug: str, ref: str):
    """Download a trainee's certificate of completion."""
    cohort = cohort_or_404(slug)
    trainee = trainee_or_404(cohort, ref)
    return download(making.certificate, cohort, trainee, **dates())


@bp.route("/cohorts/<slug>/trainees/<ref>/attestation.pdf")
@allow("admin", "instructor", "trainee")
def attestation(slug: str, ref: str):
    """Download a trainee's end-of-training attestation: objectives, dates, hours and results."""
    cohort = cohort_or_404(slug)
    trainee = trainee_or_404(cohort, ref)
    return download(making.attestation, cohort, trainee, **dates())


@bp.route("/cohorts/<slug>/report.pdf")
@allow("admin", "instructor")
def cohort_report(slug: str):
    """Download the cohort progress report."""
    cohort = cohort_or_404(slug, "see_scores")
    return download(making.cohort_report, cohort, **dates())


@bp.route("/cohorts/<slug>/funding-report.pdf")
@allow("admin", "officer")
def funding_report(slug: str):
    """Download the Region's funding report: hours, attendance, withdrawals and the budget."""
    cohort = cohort_or_404(slug, "see_funding")
    return download(making.funding_report, cohort, since=instant("since"), **dates())


@bp.route("/cohorts/<slug>/attendance-sheets/<week>.pdf")
@allow("admin", "instructor", "officer")
def attendance_sheet(slug: str, week: str):
    """Download the attendance sheet of an ISO week; ?blank=1 for one to sign."""
    cohort = cohort_or_404(slug, "see_trainees")
    try:
        parse_week(week)
    except ReportError as error:
        abort(400, description=str(error))
    blank = request.args.get("blank") in ("1", "true", "yes")
    return download(making.attendance_sheet, cohort, week, blank=blank, **dates())


def signed_week(slug: str, week: str):
    """Load the cohort and week of a signed sheet or proof; 400 for a week that is not one, or
    for ?as_recorded= (a signed sheet shows the signatures as they stand)."""
    cohort = cohort_or_404(slug, "see_trainees")
    try:
        monday = parse_week(week)
    except ReportError as error:
        abort(400, description=str(error))
    if request.args.get("as_recorded"):
        abort(
            400,
            description=_(
                "A signed sheet shows the signatures as they stand: it cannot be rebuilt as "
                "recorded at an earlier instant."
            ),
        )
    # The sheet says which roll calls the tracker closed: close those overdue first.
    if closing.close_overdue(cohort):
        db.session.commit()
    return cohort, monday


def make_signed_sheet(cohort, week: str) -> making.Made:
    """Make (or take from the cache) a week's sealed sheet; 404 for a week without a session,
    409 when the server has no certificate to seal it with."""
    try:
        return making.signed_sheet(
            cohort,
            week,
            **{key: value for key, value in dates().items() if key != "recorded_at"},
            before_making=count_making,
        )
    except ReportError:
        abort(404)
    except seal.SealUnavailable as error:
        current_app.logger.error("Signed sheet of %s %s not sealed: %s", cohort.slug, week, error)
        abort(
            409,
            description=_(
                "The signed sheet cannot be sealed: the organisation's certificate is missing or "
                "cannot be opened. An administrator must configure it (SEAL_CERTIFICATE)."
            ),
        )


@bp.route("/cohorts/<slug>/attendance-sheets/<week>/signed.pdf")
@allow("admin", "instructor", "officer")
def signed_sheet(slug: str, week: str):
    """Download the signed sheet of an ISO week, sealed by the organisation."""
    cohort, _monday = signed_week(slug, week)
    made = make_signed_sheet(cohort, week)
    return send_file(
        io.BytesIO(made.content),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=made.filename,
    )


@bp.route("/cohorts/<slug>/attendance-sheets/<week>/proof.json")
@allow("admin", "instructor", "officer")
def signed_sheet_proof(slug: str, week: str):
    """Download the proof of a week: every signature's data and digest, and the sealed sheet's
    SHA-256 (the sheet in the page's language)."""
    cohort, monday = signed_week(slug, week)
    made = make_signed_sheet(cohort, week)
    content = proof.week_proof(
        cohort, monday, made.content, made.filename, current_language(), seal.open_seal()
    )
    return send_file(
        io.BytesIO(json.dumps(content, ensure_ascii=False, indent=2).encode()),
        mimetype="application/json",
        as_attachment=True,
        download_name=made.filename.removesuffix(".pdf") + "_proof.json",
    )
