"""Pages of the assessments feature: the modules with their assessments, creating and editing an
assessment, and the results grid."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from tracker.access import allow, cohort_or_404
from tracker.assessments import operations, queries
from tracker.assessments.forms import (
    ASSESSMENT_KIND_LABELS,
    AssessmentForm,
    results_form,
)
from tracker.assessments.models import Assessment
from tracker.assessments.rules import show_score
from tracker.attendance import stale
from tracker.attendance.operations import StalePage
from tracker.cohorts.models import Cohort, Module
from tracker.extensions import db

bp = Blueprint("assessments", __name__)


def assessment_or_404(cohort: Cohort, code: str) -> Assessment:
    """Load an assessment of the cohort by its code, else 404."""
    assessment = db.session.scalar(
        select(Assessment).where(Assessment.cohort_id == cohort.id, Assessment.code == code)
    )
    if assessment is None:
        abort(404)
    return assessment


@bp.route("/cohorts/<slug>/modules")
@allow("admin", "instructor")
def modules(slug: str):
    """List the cohort's modules, each with its assessments and how many results are entered."""
    cohort = cohort_or_404(slug, "record_teaching")
    modules = db.session.scalars(
        select(Module).where(Module.cohort_id == cohort.id).order_by(Module.code)
    ).all()
    by_module: dict[int, list[queries.AssessmentLine]] = {}
    for line in queries.cohort_assessments(cohort):
        by_module.setdefault(line.module_id, []).append(line)
    return render_template(
        "assessments/modules.html",
        cohort=cohort,
        modules=modules,
        assessments=by_module,
        kind_labels=ASSESSMENT_KIND_LABELS,
        show_score=show_score,
    )


def assessment_fields(form: AssessmentForm) -> dict:
    """Return what a valid assessment form asks for, as an operation takes it."""
    return {
        "code": form.code.data,
        "module": db.session.get(Module, form.module.data),
        "title": form.title.data,
        "day": form.date.data,
        "kind": form.kind.data,
        "max_score": form.max_score.data,
        "weight": form.weight.data,
        "competency_ids": form.competencies.data or [],
    }


def refused(form: AssessmentForm, error: operations.AssessmentError) -> None:
    """Show an operation's refusal beside the field it is about, else at the top of the page."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, str(error)]
    else:
        flash(str(error), "error")


def assessment_form_page(cohort, form, assessment=None, status=200):
    return render_template(
        "assessments/assessment_form.html", cohort=cohort, form=form, assessment=assessment
    ), status


@bp.route("/cohorts/<slug>/assessments/new", methods=["GET", "POST"])
@allow("admin", "instructor")
def new_assessment(slug: str):
    """Log a new assessment of one of the cohort's modules."""
    cohort = cohort_or_404(slug, "record_teaching")
    form = AssessmentForm(cohort)
    if request.method == "GET" and (code := request.args.get("module")):
        module_id = db.session.scalar(
            select(Module.id).where(Module.cohort_id == cohort.id, Module.code == code)
        )
        if module_id is not None:
            form.module.data = module_id
    if not form.validate_on_submit():
        return assessment_form_page(cohort, form, status=422 if form.is_submitted() else 200)
    try:
        assessment = operations.create_assessment(cohort, **assessment_fields(form))
    except operations.AssessmentError as error:
        db.session.rollback()
        refused(form, error)
        return assessment_form_page(cohort, form, status=409)
    db.session.commit()
    flash(_("The assessment %(code)s is added.", code=assessment.code), "success")
    return redirect(url_for(".results", slug=cohort.slug, code=assessment.code))


@bp.route("/cohorts/<slug>/assessments/<code>/edit", methods=["GET", "POST"])
@allow("admin", "instructor")
def edit_assessment(slug: str, code: str):
    """Change an assessment; its maximum may not fall below a score already entered."""
    cohort = cohort_or_404(slug, "record_teaching")
    assessment = assessment_or_404(cohort, code)
    if request.method == "GET":
        form = AssessmentForm(
            cohort,
            editing=assessment,
            data={
                "code": assessment.code,
                "module": assessment.module_id,
                "title": assessment.title,
                "date": assessment.date,
                "kind": assessment.kind,
                "max_score": assessment.max_score,
                "weight": assessment.weight,
                "competencies": [competency.id for competency in assessment.competencies],
            },
        )
        return assessment_form_page(cohort, form, assessment)
    form = AssessmentForm(cohort, editing=assessment)
    if not form.validate_on_submit():
        return assessment_form_page(cohort, form, assessment, 422)
    try:
        operations.change_assessment(assessment, **assessment_fields(form))
    except operations.AssessmentError as error:
        db.session.rollback()
        refused(form, error)
        return assessment_form_page(cohort, form, assessment, 409)
    db.session.commit()
    flash(_("The assessment %(code)s is saved.", code=assessment.code), "success")
    return redirect(url_for(".modules", slug=cohort.slug))


Entry = tuple[float, str | None]  # a result as the grid compares it: score and comment


def encode_entry(entry: Entry | None) -> list | None:
    return None if entry is None else [entry[0], entry[1]]


def decode_entry(value: list | None) -> Entry | None:
    if value is None:
        return None
    score, comment = value
    if not isinstance(score, int | float) or not isinstance(comment, str | None):
        raise ValueError(value)
    return (float(score), comment)


def entry_of(score: operations.Score) -> Entry | None:
    """Return what a line of the grid enters, as stored: None for no result."""
    if score.score is None:
        return None
    return (float(score.score), (score.comment or "").strip() or None)


def results_data(assessment: Assessment, trainees, shown: dict, stored: dict) -> dict:
    """Return the results grid's form data showing some entries, drawn from what is stored."""
    data = {
        "version": assessment.results_version,
        "loaded": stale.dump({t.id: stored.get(t.id) for t in trainees}, encode_entry),
    }
    for trainee in trainees:
        score, comment = shown.get(trainee.id) or (None, None)
        data[f"t{trainee.id}"] = {"score": score, "comment": comment or ""}
    return data


def describe_entry(entry: Entry | None) -> str:
    """Say what a line of the grid holds, for people: 12,5 — Bien."""
    if entry is None:
        return _("no result")
    score, comment = entry
    if comment:
        return _("%(score)s — %(comment)s", score=show_score(score), comment=comment)
    return show_score(score)


def results_page(cohort, assessment, form, stored, *, changed=(), status=200):
    entered = sum(1 for trainee in form.trainees if trainee.id in stored)
    return render_template(
        "assessments/results.html",
        cohort=cohort,
        assessment=assessment,
        form=form,
        entered=entered,
        kind_labels=ASSESSMENT_KIND_LABELS,
        show_score=show_score,
        changed={line.trainee_id: line for line in changed},
        describe_entry=describe_entry,
    ), status


@bp.route("/cohorts/<slug>/assessments/<code>/results", methods=["GET", "POST"])
@allow("admin", "instructor")
def results(slug: str, code: str):
    """Enter or correct the whole cohort's results of one assessment."""
    cohort = cohort_or_404(slug, "record_teaching")
    assessment = assessment_or_404(cohort, code)
    trainees = queries.expected_trainees(assessment)
    if request.method == "GET":
        stored = queries.assessment_results(assessment)
        data = results_data(assessment, trainees, stored, stored)
        form = results_form(trainees, assessment.max_score, data=data)
        return results_page(cohort, assessment, form, stored)

    form = results_form(trainees, assessment.max_score)
    if not form.validate_on_submit():
        stored = queries.assessment_results(assessment)
        return results_page(cohort, assessment, form, stored, status=422)
    scores = {
        trainee.id: operations.Score(line.score.data, line.comment.data)
        for trainee, line in form.lines()
    }
    try:
        recorded = operations.record_results(assessment, scores, form.version.data)
    except StalePage:
        # Nothing was written. Show what is recorded now, this person's entries kept on the
        # lines nobody else changed, and beside the others.
        db.session.rollback()
        stored = queries.assessment_results(assessment)
        mine = {trainee_id: entry_of(score) for trainee_id, score in scores.items()}
        loaded = stale.load(form.loaded.data, decode_entry)
        shown, changed = stale.merge([t.id for t in trainees], loaded, mine, stored)
        if changed:
            message = ngettext(
                "Someone else saved these results while you were filling them in: nothing of "
                "yours is saved yet. They changed %(num)d line, highlighted below with your "
                "entry beside it; your other entries are kept. Check and save again.",
                "Someone else saved these results while you were filling them in: nothing of "
                "yours is saved yet. They changed %(num)d lines, highlighted below with your "
                "entry beside each; your other entries are kept. Check and save again.",
                len(changed),
            )
        else:
            message = _(
                "Someone else saved these results while you were filling them in, without "
                "changing your lines: your entries are kept. Check and save again."
            )
        flash(message, "error")
        data = results_data(assessment, trainees, shown, stored)
        form = results_form(trainees, assessment.max_score, formdata=None, data=data)
        return results_page(cohort, assessment, form, stored, changed=changed, status=409)
    except operations.AssessmentError as error:
        db.session.rollback()
        flash(str(error), "error")
        stored = queries.assessment_results(assessment)
        return results_page(cohort, assessment, form, stored, status=409)
    db.session.commit()
    message = _("The results of %(code)s are saved.", code=assessment.code)
    if recorded.removed:
        message += " " + ngettext(
            "%(num)d result removed.", "%(num)d results removed.", recorded.removed
        )
    flash(message, "success")
    return redirect(url_for(".results", slug=cohort.slug, code=assessment.code))
