"""Pages of the outcomes: a cohort's outcomes, the staff's form for a trainee's, the survey a
trainee answers without signing in, and the public results of each course."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tracker import timeutil
from tracker.access import PUBLIC, allow, cohort_or_404, may, trainee_or_404
from tracker.audit.capture import acting
from tracker.cohorts.models import Cohort, Trainee
from tracker.cohorts.views import form_status, shown
from tracker.extensions import db
from tracker.fields import figures_date
from tracker.outcomes import links, operations, queries
from tracker.outcomes.figures import SMALLEST_PUBLISHED_GROUP, outcome_figures
from tracker.outcomes.forms import (
    CERTIFICATION_LABELS,
    MOMENT_LABELS,
    SITUATION_LABELS,
    SOURCE_LABELS,
    SURVEY_SITUATION_LABELS,
    OutcomesForm,
    SurveyForm,
)
from tracker.outcomes.models import EXIT, MOMENTS, STAFF, SURVEY, Outcome
from tracker.outcomes.operations import OutcomeError

bp = Blueprint("outcomes", __name__)

LABELS = {
    "moment_labels": MOMENT_LABELS,
    "situation_labels": SITUATION_LABELS,
    "certification_labels": CERTIFICATION_LABELS,
    "source_labels": SOURCE_LABELS,
}


@bp.route("/cohorts/<slug>/outcomes")
@allow("admin", "instructor", "officer")
def cohort_outcomes(slug: str):
    """Show a cohort's outcome figures as of a date, and each trainee's recorded outcomes."""
    cohort = cohort_or_404(slug, "see_trainees")
    form, as_of = figures_date()
    if as_of is None:
        return render_template("outcomes/cohort.html", cohort=cohort, form=form, **LABELS), 400
    trainees = db.session.scalars(
        select(Trainee).where(Trainee.cohort_id == cohort.id).order_by(Trainee.ref)
    ).all()
    return render_template(
        "outcomes/cohort.html",
        cohort=cohort,
        form=form,
        as_of=as_of,
        figures=outcome_figures(queries.trainee_outcomes([cohort], as_of)),
        trainees=trainees,
        recorded=queries.outcomes_of([t.id for t in trainees]),
        may_record=may_record(),
        **LABELS,
    )


def may_record() -> bool:
    """Tell whether the current user records outcomes: administrators and instructors (of the
    cohorts they reach)."""
    return may(current_user, "record_teaching")


def unchanged(outcome: Outcome | None, situation, certification, blocks, recorded_on) -> bool:
    """Tell whether the form leaves a stored outcome as it is (a trainee's answer stays theirs)."""
    return outcome is not None and (
        outcome.situation,
        outcome.certification,
        sorted(outcome.block_list),
        outcome.recorded_on,
    ) == (situation, certification, sorted(blocks), recorded_on)


@bp.route("/cohorts/<slug>/trainees/<ref>/outcomes", methods=["GET", "POST"])
@allow("admin", "instructor")
def record(slug: str, ref: str):
    """Record a trainee's certification at exit and situation at exit, +3 and +6 months."""
    cohort = cohort_or_404(slug, "record_teaching")
    person = trainee_or_404(cohort, ref)
    stored = queries.outcomes_of([person.id]).get(person.id, {})
    today = timeutil.today()
    exit_outcome = stored.get(EXIT)
    data = {
        "certification": (exit_outcome.certification or "") if exit_outcome else "",
        "blocks": exit_outcome.block_list if exit_outcome else [],
    }
    for moment in MOMENTS:
        outcome = stored.get(moment)
        data[f"situation_{moment}"] = outcome.situation if outcome else ""
        data[f"recorded_on_{moment}"] = outcome.recorded_on if outcome else None
    form = OutcomesForm(
        known_blocks=operations.cohort_blocks(person),
        enrolled_on=person.enrolled_on,
        today=today,
        data=shown(data),
    )
    if form.validate_on_submit():
        try:
            for moment in MOMENTS:
                situation, recorded_on = form.moment_fields(moment)
                at_exit = moment == EXIT
                certification = (form.certification.data or None) if at_exit else None
                blocks = form.blocks.data if at_exit and certification == "part" else []
                if not situation.data:
                    operations.forget_outcome(person, moment)
                    continue
                terms = (situation.data, certification, blocks, recorded_on.data)
                if unchanged(stored.get(moment), *terms):
                    continue
                operations.record_outcome(
                    person,
                    moment,
                    situation=situation.data,
                    recorded_on=recorded_on.data,
                    source=STAFF,
                    certification=certification,
                    blocks=blocks,
                )
        except OutcomeError as error:
            db.session.rollback()
            flash(str(error).split(": ", 1)[-1], "error")
        else:
            db.session.commit()
            flash(_("The outcomes of %(name)s are saved.", name=person.name), "success")
            return redirect(url_for(".cohort_outcomes", slug=cohort.slug))
    return render_template(
        "outcomes/record.html",
        cohort=cohort,
        person=person,
        form=form,
        stored=stored,
        today=today,
        **LABELS,
    ), form_status(form)


# ---------------------------------------------------------------------------------------------
# The survey: no sign-in, the signed link is the key.


def surveyed(token: str) -> tuple[Trainee, str]:
    """Return the trainee and the moment a survey link asks about; refuse a link that is not
    valid (404), expired (410) or answered already (409)."""
    try:
        named = links.read_survey_token(token)
    except links.LinkExpired:
        abort(
            410,
            description=_(
                "This survey link has expired. Ask the training centre for a new one if you"
                " wish to answer."
            ),
        )
    except links.LinkInvalid:
        abort(404, description=_("This survey link is not valid. Check that it was copied whole."))
    trainee = db.session.get(Trainee, named.trainee_id)
    if trainee is None:
        abort(404, description=_("This survey link is not valid. Check that it was copied whole."))
    if operations.is_answered(token):
        abort(409, description=_("This survey was already answered. Thank you!"))
    return trainee, named.moment


@bp.route("/survey/<token>", methods=["GET", "POST"])
@allow(PUBLIC)
def survey(token: str):
    """Ask a trainee their situation at a moment (and at exit, the certification); keep it."""
    trainee, moment = surveyed(token)
    known_blocks = operations.cohort_blocks(trainee)
    form = SurveyForm(moment=moment, known_blocks=known_blocks)
    if form.validate_on_submit():
        at_exit = moment == EXIT
        try:
            # Nobody is signed in: the trail names the trainee who answered.
            with acting(actor=f"{trainee.name} (survey link)"):
                operations.record_outcome(
                    trainee,
                    moment,
                    situation=form.situation.data,
                    recorded_on=timeutil.today(),
                    source=SURVEY,
                    certification=form.certification.data if at_exit else None,
                    blocks=form.blocks.data if at_exit else (),
                )
                operations.mark_answered(token, trainee, moment)
            db.session.commit()
        except OutcomeError as error:
            db.session.rollback()
            abort(400, description=str(error).split(": ", 1)[-1])
        except IntegrityError:
            # The same link answered meanwhile, in another tab.
            db.session.rollback()
            abort(409, description=_("This survey was already answered. Thank you!"))
        return render_template("outcomes/survey_done.html", first_name=trainee.first_name)
    return render_template(
        "outcomes/survey.html",
        form=form,
        first_name=trainee.first_name,
        moment=moment,
        moment_labels=MOMENT_LABELS,
        situation_labels=SURVEY_SITUATION_LABELS,
        known_blocks=known_blocks,
    ), (422 if form.is_submitted() else 200)


# ---------------------------------------------------------------------------------------------
# Public results, per course


@bp.route("/results")
@allow(PUBLIC)
def results_index():
    """List the courses whose results are published."""
    found = queries.courses()
    return render_template(
        "outcomes/results_index.html",
        courses=[(slug, queries.course_title(cohorts[0])) for slug, cohorts in found.items()],
    )


@bp.route("/results/<course>")
@allow(PUBLIC)
def results(course: str):
    """Publish a course's dated results: its figures, number of trainees and period, nothing
    about any one person, nothing for fewer than 5 trainees."""
    cohorts: list[Cohort] = queries.courses().get(course, [])
    if not cohorts:
        abort(404)
    today = timeutil.today()
    return render_template(
        "outcomes/results.html",
        title=queries.course_title(cohorts[0]),
        today=today,
        figures=outcome_figures(queries.trainee_outcomes(cohorts, today)),
        smallest=SMALLEST_PUBLISHED_GROUP,
    )
