"""The page "My signature": instructors and administrators draw the signature that countersigns
the roll calls they close, and may draw it again."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from tracker.access import allow
from tracker.auth.views import page_of_this_site
from tracker.extensions import db
from tracker.signing import countersigning, strokes
from tracker.signing.countersigning_forms import DrawnSignatureForm
from tracker.signing.models import DrawnSignature

bp = Blueprint("countersigning", __name__)


def my_signature_page(form: DrawnSignatureForm, drawn: DrawnSignature | None, back, status):
    """Render the page "My signature"."""
    drawing = None
    if drawn is not None:
        drawing = Markup(strokes.svg(drawn.strokes, 300, 100, _("Your signature")))
    return render_template(
        "countersigning/my_signature.html", form=form, drawn=drawn, drawing=drawing, back=back
    ), status


@bp.route("/my-signature", methods=["GET", "POST"])
@allow(*countersigning.COUNTERSIGNING_ROLES)
def my_signature():
    """Show the signature that countersigns roll calls, and draw it (again)."""
    drawn = countersigning.drawn_signature(current_user)
    # Where the person came from to draw it (a roll call to close), to go back there after.
    back = page_of_this_site(request.args.get("next"))
    form = DrawnSignatureForm()
    if request.method == "GET":
        return my_signature_page(form, drawn, back, 200)
    if not form.validate_on_submit():
        return my_signature_page(form, drawn, back, 400)
    countersigning.draw_signature(current_user, form.drawing)
    db.session.commit()
    flash(
        _("Your signature is saved: it countersigns the roll calls you close from now on."),
        "success",
    )
    return redirect(back or url_for(".my_signature"))
