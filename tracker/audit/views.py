"""The administrators' audit page: the trail of changes, filtered, paginated, exported, verified."""

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import force_locale, get_locale

from tracker.access import allow
from tracker.audit import chain, listing
from tracker.audit.listing import FilterError, TrailFilters
from tracker.exports import CSV_MIMETYPE, attachment_name, stream_csv
from tracker.extensions import db
from tracker.i18n import current_language

bp = Blueprint("audit", __name__)


@bp.route("/audit")
@allow("admin")
def index():
    """Show the trail's entries, newest first, as the filters choose them, a page at a time."""
    filters = TrailFilters(formdata=request.args)
    if not filters.validate():
        return render_template("audit/index.html", filters=filters, problem=filters.problems()), 400
    try:
        entries, pages = listing.page_of(filters.conditions(), filters.page_number())
    except FilterError as error:
        return render_template("audit/index.html", filters=filters, problem=str(error)), 400
    return render_template(
        "audit/index.html",
        filters=filters,
        lines=listing.described(entries),
        pages=pages,
        kept=filters.kept(),
    )


@bp.route("/audit/export.csv")
@allow("admin")
def export():
    """Send every entry the filters choose as a CSV file, written as it is read."""
    filters = TrailFilters(formdata=request.args)
    if not filters.validate():
        abort(400, description=filters.problems())
    conditions = filters.conditions()
    app, locale = current_app._get_current_object(), str(get_locale())

    def rows():
        # Read as the file is sent, after the request's context is gone: in a context of its
        # own (not the request's, which a client that stops reading would leave behind).
        with app.app_context(), force_locale(locale):
            for entries in listing.every_entry(conditions):
                yield from listing.csv_rows(entries)

    name = attachment_name(
        "journal" if current_language() == "fr" else "trail",
        filters.cohort.data or "",
        extension="csv",
    )
    response = current_app.response_class(
        stream_csv(listing.csv_headers(), rows()), content_type=CSV_MIMETYPE
    )
    response.headers.set("Content-Disposition", "attachment", filename=name)
    return response  # no-store and nosniff, as every response: tracker/headers.py


@bp.route("/audit/verify")
@allow("admin")
def verify():
    """Recompute the whole chain and say whether the trail is intact, or where it first breaks."""
    count, broken = chain.verify(db.session.connection())
    return render_template(
        "audit/verify.html",
        count=count,
        broken=listing.break_in_words(broken) if broken is not None else None,
    )
