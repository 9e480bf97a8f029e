"""The page where administrators switch a cohort's scheduled messages on or off."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import BooleanField

from tracker.access import allow, cohort_or_404
from tracker.extensions import db
from tracker.mail.schedule import SCHEDULED, set_switches, switches

bp = Blueprint("mail", __name__)


def switches_form(current: dict[str, bool]) -> FlaskForm:
    """Return a form with one checkbox per kind of scheduled message."""

    class SwitchesForm(FlaskForm):
        pass

    for kind, label in SCHEDULED.items():
        setattr(SwitchesForm, kind, BooleanField(label, default=current[kind]))
    return SwitchesForm()


@bp.route("/cohorts/<slug>/mail", methods=["GET", "POST"])
@allow("admin")
def cohort_switches(slug: str):
    """Show and change which scheduled messages the cohort sends."""
    cohort = cohort_or_404(slug, "edit_curriculum")
    form = switches_form(switches(cohort))
    if form.validate_on_submit():
        set_switches(cohort, {kind: form[kind].data for kind in SCHEDULED})
        db.session.commit()
        flash(_("The cohort's messages are saved."), "success")
        return redirect(url_for("mail.cohort_switches", slug=cohort.slug)), 303
    status = 400 if form.is_submitted() else 200
    return render_template(
        "mail/switches.html", cohort=cohort, form=form, kinds=list(SCHEDULED)
    ), status
