"""Pages of the positioning on entry and of the follow-ups that prevent drop-outs.

A trainee's positioning is recorded by administrators, who enrol trainees; the follow-ups by
the cohort's instructors and administrators. Officers see neither: the follow-ups hold what
trainees confide (health, family, money), which the funder's files do not need.
"""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from tracker import timeutil
from tracker.access import allow, cohort_or_404, may, trainee_or_404
from tracker.cohorts.models import Cohort, Trainee
from tracker.extensions import db
from tracker.followups import operations, queries
from tracker.followups.forms import (
    CHANNEL_LABELS,
    POSITIONING_KIND_LABELS,
    FollowUpForm,
    PositioningForm,
)
from tracker.followups.operations import FollowUpError

bp = Blueprint("followups", __name__)


@bp.app_context_processor
def followup_helpers() -> dict:
    """Give the trainee's page and the home page what they show of positionings and follow-ups."""
    return {
        "followups_of_trainee": trainee_part,
        "follow_ups_due": queries.without_recent_follow_up,
        "channel_labels": CHANNEL_LABELS,
        "positioning_kind_labels": POSITIONING_KIND_LABELS,
    }


def trainee_part(cohort: Cohort, person: Trainee) -> dict:
    """Return what the trainee's page shows: the positioning (to staff and the trainee), the
    follow-ups and a form to add one (to the cohort's staff)."""
    part = {
        "positioning": operations.positioning_of(person),
        "may_position": may(current_user, "edit_curriculum"),
        "may_follow_up": may(current_user, "record_teaching"),
    }
    if part["may_follow_up"]:
        part["follow_ups"] = queries.follow_ups_of(person.id)
        part["follow_up_form"] = FollowUpForm(
            trainee=person, today=timeutil.today(), data={"date": timeutil.today()}
        )
    return part


def shown(values: dict) -> dict | None:
    """Fill a form with stored or default values on display only: a form sent back with
    fields missing must not take them from the stored values."""
    return values if request.method == "GET" else None


def refuse(form, error: FollowUpError) -> None:
    """Show an operation's refusal beside its field, after a rollback."""
    db.session.rollback()
    field = getattr(form, error.field, None)
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, "error")


@bp.route("/cohorts/<slug>/trainees/<ref>/positioning", methods=["GET", "POST"])
@allow("admin")
def positioning(slug: str, ref: str):
    """Record or change a trainee's positioning on entry."""
    cohort = cohort_or_404(slug, "edit_curriculum")
    person = trainee_or_404(cohort, ref)
    stored = operations.positioning_of(person)
    data = {"date": timeutil.today()}
    if stored is not None:
        data = {
            "date": stored.date,
            "kind": stored.kind,
            "result": stored.result,
            "prerequisites_met": "yes" if stored.prerequisites_met else "no",
            "comment": stored.comment or "",
        }
    form = PositioningForm(today=timeutil.today(), data=shown(data))
    if form.validate_on_submit():
        try:
            operations.save_positioning(
                person,
                day=form.date.data,
                kind=form.kind.data,
                result=form.result.data,
                prerequisites_met=form.prerequisites_met.data == "yes",
                comment=form.comment.data,
            )
        except FollowUpError as error:
            refuse(form, error)
        else:
            db.session.commit()
            flash(_("The positioning of %(name)s is saved.", name=person.name), "success")
            return redirect(url_for("cohorts.trainee", slug=cohort.slug, ref=person.ref))
    return render_template(
        "followups/positioning_form.html", cohort=cohort, person=person, form=form
    ), 400 if form.is_submitted() else 200


@bp.route("/cohorts/<slug>/trainees/<ref>/follow-ups", methods=["GET", "POST"])
@allow("admin", "instructor")
def follow_ups(slug: str, ref: str):
    """List a trainee's follow-ups, the newest first, and add one."""
    cohort = cohort_or_404(slug, "record_teaching")
    person = trainee_or_404(cohort, ref)
    today = timeutil.today()
    form = FollowUpForm(trainee=person, today=today, data=shown({"date": today}))
    if form.validate_on_submit():
        try:
            operations.record_follow_up(
                person,
                day=form.date.data,
                channel=form.channel.data,
                said=form.said.data,
                next_step=form.next_step.data,
                recorded_by=current_user._get_current_object(),
            )
        except FollowUpError as error:
            refuse(form, error)
        else:
            db.session.commit()
            flash(_("The follow-up of %(name)s is recorded.", name=person.name), "success")
            return redirect(url_for(".follow_ups", slug=cohort.slug, ref=person.ref))
    return render_template(
        "followups/follow_ups.html",
        cohort=cohort,
        person=person,
        form=form,
        follow_ups=queries.follow_ups_of(person.id),
    ), 400 if form.is_submitted() else 200
