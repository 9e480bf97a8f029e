"""The page where administrators edit the organisation's identity."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from tracker.access import allow
from tracker.attachments import send
from tracker.extensions import db
from tracker.imports.operations import file_size
from tracker.organisation import operations, queries
from tracker.organisation.forms import OrganisationForm

bp = Blueprint("organisation", __name__)

IDENTITY_FIELDS = (
    "legal_name",
    "name_in_sentence",
    "address",
    "siret",
    "declaration_number",
    "declaration_region",
    "representative_name",
    "representative_title",
    "signing_place",
)


@bp.route("/admin/organisation", methods=["GET", "POST"])
@allow("admin")
def edit():
    """Show and change the organisation's identity, which the documents print."""
    identity = queries.current()
    form = OrganisationForm(
        data={name: getattr(identity, name) for name in IDENTITY_FIELDS}
        if request.method == "GET"
        else None
    )
    if form.validate_on_submit():
        operations.save_identity(
            **{name: getattr(form, name).data or "" for name in IDENTITY_FIELDS},
            logo=form.logo_checked,
            remove_logo=form.remove_logo.data,
        )
        db.session.commit()
        flash(_("The organisation's identity is saved."), "success")
        return redirect(url_for(".edit"))
    return render_template(
        "organisation/edit.html",
        form=form,
        row=queries.organisation(),
        limit=file_size(current_app.config["LOGO_MAX_BYTES"]),
    ), (400 if form.is_submitted() else 200)


@bp.route("/admin/organisation/logo")
@allow("admin")
def logo():
    """Send the organisation's logo (shown on the page, or downloaded)."""
    row = queries.organisation()
    if row is None or row.logo_sha256 is None:
        abort(404, description=_("The organisation has no logo."))
    return send(
        file_name=row.logo_file_name, checked_type=row.logo_content_type, digest=row.logo_sha256
    )
