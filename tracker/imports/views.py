"""Pages of the imports feature: the upload of the files that `tracker import` takes (CSV or
XLSX), and a template of each kind."""

import hashlib
from pathlib import PurePath

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from tracker.access import allow, cohort_or_404
from tracker.audit import capture
from tracker.exports import XLSX_MIMETYPE
from tracker.extensions import db
from tracker.imports.forms import KIND_LABELS, UploadForm
from tracker.imports.guide import columns_help, template_csv, template_xlsx
from tracker.imports.operations import KINDS, file_size, import_file
from tracker.imports.problems import ImportRefused

# The templates' formats; the CSV's charset is in its type (and its byte-order mark).
TEMPLATES = {
    "csv": (template_csv, "text/csv; charset=utf-8"),
    "xlsx": (template_xlsx, XLSX_MIMETYPE),
}

bp = Blueprint("imports", __name__)


@bp.route("/cohorts/<slug>/import", methods=["GET", "POST"])
@allow("admin")
def upload(slug: str):
    """Load a CSV or XLSX file into a cohort, all rows or none; show the problems of a refused
    file."""
    cohort = cohort_or_404(slug, "edit_curriculum")
    form = UploadForm()
    problems = []
    if form.validate_on_submit():
        # Whole: MAX_CONTENT_LENGTH bounds the request, and the importer refuses a file over
        # IMPORT_MAX_BYTES with a message that gives its size.
        data = form.file.data.read()
        # The trail names the file that made the changes, and the reason of its amendments.
        name = PurePath(form.file.data.filename or "").name
        source = {"file": name, "sha256": hashlib.sha256(data).hexdigest()}
        try:
            with capture.acting(source=source, reason=form.reason.data or ""):
                summary = import_file(
                    cohort, form.kind.data, data, recorded_by=current_user._get_current_object()
                )
        except ImportRefused as refused:
            db.session.rollback()
            problems = refused.problems
        else:
            db.session.commit()
            flash(
                _(
                    "%(kind)s imported: %(created)d created, %(updated)d updated,"
                    " %(unchanged)d unchanged.",
                    kind=KIND_LABELS[summary.kind],
                    created=summary.created,
                    updated=summary.updated,
                    unchanged=summary.unchanged,
                ),
                "success",
            )
            return redirect(url_for(".upload", slug=cohort.slug))
    status = 422 if form.is_submitted() else 200
    return render_template(
        "imports/upload.html",
        cohort=cohort,
        form=form,
        problems=problems,
        kinds=KINDS,
        kind_labels=KIND_LABELS,
        columns={kind: columns_help(kind) for kind in KIND_LABELS},
        limit=file_size(current_app.config["IMPORT_MAX_BYTES"]),
    ), status


@bp.route("/import-templates/<kind>.<any(csv, xlsx):extension>")
@allow("admin")
def template(kind: str, extension: str):
    """Download the template of a kind of file: its header and a row of examples."""
    if kind not in KINDS:
        abort(404)
    write, content_type = TEMPLATES[extension]
    response = current_app.response_class(write(kind), content_type=content_type)
    response.headers.set("Content-Disposition", "attachment", filename=f"{kind}.{extension}")
    return response


@bp.app_errorhandler(RequestEntityTooLarge)
def too_large(error: RequestEntityTooLarge):
    """Answer an upload far over the size limit with a readable page rather than a bare 413."""
    limit = file_size(current_app.config["IMPORT_MAX_BYTES"])
    # Back to the form the file was sent from: the same address, asked for again.
    return render_template("imports/too_large.html", back=request.path, limit=limit), 413
