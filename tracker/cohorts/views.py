"""Pages of the cohorts feature: home page, cohorts, overview, trainee page and administration."""

from decimal import Decimal

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from tracker import timeutil
from tracker.access import allow, cohort_or_404, may, reachable_cohorts, trainee_or_404
from tracker.assessments import queries as assessment_queries
from tracker.attendance import amendments
from tracker.attendance import queries as attendance_queries
from tracker.cohorts import listing, operations, pages
from tracker.cohorts.forms import (
    CohortForm,
    CompetencyForm,
    ModuleForm,
    TraineeForm,
    WithdrawalForm,
)
from tracker.cohorts.models import Cohort, Competency, Module, Trainee
from tracker.cohorts.operations import CohortError
from tracker.extensions import db
from tracker.fields import figures_date
from tracker.i18n import current_language
from tracker.metrics.versions import current_data

bp = Blueprint("cohorts", __name__)

# The words of CohortError messages ("grant: ...") and the form fields they are about.
COHORT_FIELDS = {
    "ends": "ends_on",
    "grant": "grant_amount",
    "trainees": "contracted_trainees",
    "hours": "planned_hours",
    "threshold": "threshold_percent",
}
HUNDRED = Decimal(100)


@bp.app_context_processor
def link_helpers() -> dict:
    return {"link_to": link_to}


def link_to(endpoint: str, **values) -> str:
    """Build the URL of a page; a page that does not exist raises BuildError, as url_for does."""
    return url_for(endpoint, **values)


def shown(values: dict) -> dict | None:
    """Fill a form with stored or default values on display only.

    A form sent back with fields missing must not take them from the stored values: it is refused.
    """
    return values if request.method == "GET" else None


def form_status(form: FlaskForm) -> int:
    """Answer 422 to a form sent back with errors, 200 to a first display."""
    return 422 if form.is_submitted() else 200


def refuse(form: FlaskForm, error: CohortError, fields: dict[str, str] | None = None) -> None:
    """Show an operation's refusal beside its field (or above the form), after a rollback."""
    db.session.rollback()
    name = (fields or {}).get(error.field, error.field)
    field = getattr(form, name, None)
    message = str(error).split(": ", 1)[-1]
    if field is not None and hasattr(field, "errors"):
        field.errors = [*field.errors, message]
    else:
        flash(message, "error")


# ---------------------------------------------------------------------------------------------
# Home, cohorts, overview, trainee page


def cohort_page() -> str | None:
    """Name the page that the user's links to a cohort lead to: its trainees, else its funding.

    Officers see trainees' hours but not their scores, from which progress and risks follow: a
    cohort's page for them is its funding dashboard.
    """
    if may(current_user, "see_scores"):
        return "cohorts.overview"
    if may(current_user, "see_funding"):
        return "funding.cohort"
    return None


def home_page():
    """Show the signed-in user's home page: their work of the day, their cohorts or their page."""
    now = timeutil.course_now()
    today = now.date()
    role = current_user.role
    if role == "trainee":
        return render_template("auth/home.html", today=today, trainee=current_user.trainee)
    if role == "officer":
        # The most recent cohorts; the others are a link away, in the cohorts list.
        shown = listing.page_of(reachable_cohorts(current_user), 1)
        return render_template(
            "auth/home.html",
            today=today,
            shown=shown,
            cohorts=shown.cohorts,
            summaries=pages.cohort_summaries(shown.cohorts, today),
            cohort_page=cohort_page(),
        )
    cohorts = db.session.scalars(reachable_cohorts(current_user)).all()
    ids = [cohort.id for cohort in cohorts]
    week = attendance_queries.week_sessions(ids, today)
    not_taken, not_taken_total = attendance_queries.roll_calls_not_taken(ids, now)
    return render_template(
        "auth/home.html",
        today=today,
        cohorts=cohorts,
        today_sessions=[line for line in week if line.date == today],
        week_sessions=week,
        not_taken=not_taken,
        not_taken_total=not_taken_total,
        at_risk=pages.trainees_at_risk(cohorts, today),
        cohort_page=cohort_page(),
    )


@bp.route("/roll-calls/not-taken")
@allow("admin", "instructor")
def roll_calls_not_taken():
    """List every half-day begun whose roll call misses someone, in the user's cohorts."""
    ids = db.session.scalars(reachable_cohorts(current_user).with_only_columns(Cohort.id)).all()
    lines, total = attendance_queries.roll_calls_not_taken(ids, timeutil.course_now(), limit=None)
    return render_template("cohorts/roll_calls_not_taken.html", lines=lines, total=total)


@bp.route("/cohorts")
@allow("admin", "instructor", "officer")
def index():
    """List the cohorts the user reaches, with their dates, trainees and attendance."""
    today = timeutil.today()
    form, shown = listing.cohort_list(reachable_cohorts(current_user), today)
    if shown is None:
        return render_template("cohorts/index.html", filter_form=form, today=today), 400
    return render_template(
        "cohorts/index.html",
        filter_form=form,
        shown=shown,
        cohorts=shown.cohorts,
        summaries=pages.cohort_summaries(shown.cohorts, today),
        today=today,
        cohort_page=cohort_page(),
    )


@bp.route("/cohorts/<slug>")
@allow("admin", "instructor", "officer")
def overview(slug: str):
    """Show every trainee of a cohort with their attendance, progress and risks, sortable.

    Officers, who may not see scores, are sent to the cohort's funding dashboard.
    """
    if not may(current_user, "see_scores"):
        cohort = cohort_or_404(slug, "see_funding")
        as_of = request.args.get("as_of") or None
        return redirect(url_for("funding.cohort", slug=cohort.slug, as_of=as_of))
    cohort = cohort_or_404(slug, "see_scores")
    form, as_of = figures_date()
    if as_of is None:
        return render_template("cohorts/overview.html", cohort=cohort, form=form), 400
    sort = request.args.get("sort", "ref")
    if sort not in pages.SORT_KEYS:
        sort = "ref"
    descending = request.args.get("order") == "desc"
    figures = pages.figures_of(cohort, as_of)
    trainees = pages.sorted_trainees(figures.trainees, sort, descending)
    return render_template(
        "cohorts/overview.html",
        cohort=cohort,
        form=form,
        as_of=as_of,
        figures=figures,
        trainees=trainees,
        reasons={t.id: pages.risk_reasons(t, cohort.attendance_threshold) for t in trainees},
        sort=sort,
        descending=descending,
        status_labels=pages.words(pages.STATUS_LABELS),
    )


@bp.route("/cohorts/<slug>/trainees/<ref>")
@allow("admin", "instructor", "trainee")
def trainee(slug: str, ref: str):
    """Show one trainee's attendance, results, competencies, progress and risks."""
    cohort = cohort_or_404(slug)
    person = trainee_or_404(cohort, ref)
    form, as_of = figures_date()
    if as_of is None:
        return render_template("cohorts/trainee.html", cohort=cohort, person=person, form=form), 400
    data = current_data(cohort, as_of)
    mine = pages.figures_of_trainee(data, person.id)
    charts = ()
    if mine:
        folder = current_app.config["CHART_CACHE_FOLDER"]
        charts = pages.trainee_charts(data, person.id, current_language(), folder)
    every_session = request.args.get("history") == "all"
    grades = {grade.module_id: grade for grade in mine.modules} if mine else {}
    acquired = set(mine.competencies_acquired) if mine else set()
    return render_template(
        "cohorts/trainee.html",
        cohort=cohort,
        person=person,
        form=form,
        as_of=as_of,
        figures=mine,
        charts=charts,
        reasons=pages.risk_reasons(mine, cohort.attendance_threshold) if mine else [],
        every_session=every_session,
        history=attendance_queries.attendance_history(person, as_of, every=every_session)
        if mine
        else [],
        amendments=amendments.amendments(cohort.id, trainee_id=person.id),
        describe_mark=amendments.describe_mark,
        modules=assessment_queries.results_by_module(cohort, person),
        grades=grades,
        blocks=pages.competencies_by_block(cohort),
        acquired=acquired,
        status_labels=pages.STATUS_LABELS,
        attendance_labels=pages.words(pages.ATTENDANCE_LABELS),
        slot_labels=pages.words(pages.SLOT_LABELS),
        kind_labels=pages.words(pages.KIND_LABELS),
    )


# ---------------------------------------------------------------------------------------------
# Administration: cohorts


def cohort_terms(form: CohortForm) -> dict:
    """Return the form's cohort terms as the operations take them."""
    return {
        "slug": form.slug.data.strip(),
        "name": form.name.data,
        "funder": form.funder.data or "",
        "agreement_number": form.agreement_number.data or "",
        "title_in_agreement": form.title_in_agreement.data or "",
        "starts_on": form.starts_on.data,
        "ends_on": form.ends_on.data,
        "grant_amount": form.grant_amount.data,
        "contracted_trainees": int(form.contracted_trainees.data),
        "planned_hours_per_trainee": form.planned_hours.data,
        "attendance_threshold": form.threshold_percent.data / HUNDRED,
        "half_days": operations.HalfDayTimes(
            form.morning_starts_at.data,
            form.morning_ends_at.data,
            form.afternoon_starts_at.data,
            form.afternoon_ends_at.data,
        ),
    }


@bp.route("/cohorts/new", methods=["GET", "POST"])
@allow("admin")
def new_cohort():
    """Add a cohort."""
    form = CohortForm(
        data=shown(
            {
                "contracted_trainees": 25,
                "threshold_percent": Decimal(80),
                **operations.USUAL_HALF_DAYS._asdict(),
            }
        )
    )
    if form.validate_on_submit():
        try:
            cohort = operations.create_cohort(**cohort_terms(form))
        except CohortError as error:
            refuse(form, error, COHORT_FIELDS)
        else:
            db.session.commit()
            flash(_("Cohort %(name)s created.", name=cohort.name), "success")
            return redirect(url_for(".curriculum", slug=cohort.slug))
    return render_template("cohorts/cohort_form.html", form=form, cohort=None), form_status(form)


@bp.route("/cohorts/<slug>/edit", methods=["GET", "POST"])
@allow("admin")
def edit_cohort(slug: str):
    """Change a cohort's terms."""
    cohort = cohort_or_404(slug, "edit_curriculum")
    planned = cohort.planned_minutes_per_trainee
    form = CohortForm(
        cohort=cohort,
        data=shown(
            {
                "slug": cohort.slug,
                "name": cohort.name,
                "funder": cohort.funder,
                "agreement_number": cohort.agreement_number,
                "title_in_agreement": cohort.title_in_agreement,
                "starts_on": cohort.starts_on,
                "ends_on": cohort.ends_on,
                "grant_amount": cohort.grant_amount,
                "contracted_trainees": cohort.contracted_trainees,
                "planned_hours": None if planned is None else _hours(planned),
                "threshold_percent": Decimal(str(cohort.attendance_threshold)) * HUNDRED,
                "morning_starts_at": cohort.morning_starts_at,
                "morning_ends_at": cohort.morning_ends_at,
                "afternoon_starts_at": cohort.afternoon_starts_at,
                "afternoon_ends_at": cohort.afternoon_ends_at,
            }
        ),
    )
    if form.validate_on_submit():
        try:
            operations.update_cohort(cohort, **cohort_terms(form))
        except CohortError as error:
            refuse(form, error, COHORT_FIELDS)
        else:
            db.session.commit()
            flash(_("Cohort %(name)s saved.", name=cohort.name), "success")
            return redirect(url_for(".overview", slug=cohort.slug))
    return render_template("cohorts/cohort_form.html", form=form, cohort=cohort), form_status(form)


def _hours(minutes: int) -> Decimal:
    return (Decimal(minutes) / 60).quantize(Decimal("0.01")).normalize()


# ---------------------------------------------------------------------------------------------
# Administration: curriculum


@bp.route("/cohorts/<slug>/curriculum")
@allow("admin")
def curriculum(slug: str):
    """List a cohort's modules and competencies."""
    cohort = cohort_or_404(slug, "edit_curriculum")
    modules = db.session.scalars(
        select(Module)
        .where(Module.cohort_id == cohort.id)
        .options(selectinload(Module.competencies))
        .order_by(Module.code)
    ).all()
    competencies = db.session.scalars(
        select(Competency)
        .where(Competency.cohort_id == cohort.id)
        .order_by(Competency.block, Competency.code)
    ).all()
    return render_template(
        "cohorts/curriculum.html", cohort=cohort, modules=modules, competencies=competencies
    )


def module_or_404(cohort: Cohort, code: str) -> Module:
    """Load a module of the cohort by its code, else 404."""
    module = db.session.scalar(
        select(Module).where(Module.cohort_id == cohort.id, Module.code == code)
    )
    if module is None:
        abort(404)
    return module


def _module_form(cohort: Cohort, module: Module | None) -> ModuleForm:
    data = {"pass_mark": Decimal(10)}
    if module is not None:
        data = {
            "code": module.code,
            "title": module.title,
            "planned_hours": _hours(module.planned_minutes),
            "starts_on": module.starts_on,
            "ends_on": module.ends_on,
            "pass_mark": Decimal(str(module.pass_mark)),
            "competencies": [competency.id for competency in module.competencies],
        }
    form = ModuleForm(cohort=cohort, current_id=module and module.id, data=shown(data))
    competencies = db.session.scalars(
        select(Competency).where(Competency.cohort_id == cohort.id).order_by(Competency.code)
    ).all()
    form.competencies.choices = [SelectChoice(c.id, f"{c.code} — {c.title}") for c in competencies]
    form.known_competencies = {c.id: c for c in competencies}
    return form


@bp.route("/cohorts/<slug>/curriculum/modules/new", methods=["GET", "POST"])
@allow("admin")
def new_module(slug: str):
    """Add a module to a cohort's curriculum."""
    return _save_module(cohort_or_404(slug, "edit_curriculum"), None)


@bp.route("/cohorts/<slug>/curriculum/modules/<code>/edit", methods=["GET", "POST"])
@allow("admin")
def edit_module(slug: str, code: str):
    """Change a module of a cohort's curriculum."""
    cohort = cohort_or_404(slug, "edit_curriculum")
    return _save_module(cohort, module_or_404(cohort, code))


def _save_module(cohort: Cohort, module: Module | None):
    form = _module_form(cohort, module)
    if form.validate_on_submit():
        try:
            saved = operations.save_module(
                cohort,
                module,
                code=form.code.data,
                title=form.title.data,
                planned_hours=form.planned_hours.data,
                starts_on=form.starts_on.data,
                ends_on=form.ends_on.data,
                pass_mark=form.pass_mark.data,
                competencies=[form.known_competencies[i] for i in form.competencies.data],
            )
        except CohortError as error:
            refuse(form, error)
        else:
            db.session.commit()
            flash(_("Module %(code)s saved.", code=saved.code), "success")
            return redirect(url_for(".curriculum", slug=cohort.slug))
    return render_template(
        "cohorts/module_form.html", cohort=cohort, module=module, form=form
    ), form_status(form)


def competency_or_404(cohort: Cohort, code: str) -> Competency:
    """Load a competency of the cohort by its code, else 404."""
    competency = db.session.scalar(
        select(Competency).where(Competency.cohort_id == cohort.id, Competency.code == code)
    )
    if competency is None:
        abort(404)
    return competency


@bp.route("/cohorts/<slug>/curriculum/competencies/new", methods=["GET", "POST"])
@allow("admin")
def new_competency(slug: str):
    """Add a competency to a cohort's certification."""
    return _save_competency(cohort_or_404(slug, "edit_curriculum"), None)


@bp.route("/cohorts/<slug>/curriculum/competencies/<code>/edit", methods=["GET", "POST"])
@allow("admin")
def edit_competency(slug: str, code: str):
    """Change a competency of a cohort's certification."""
    cohort = cohort_or_404(slug, "edit_curriculum")
    return _save_competency(cohort, competency_or_404(cohort, code))


def _save_competency(cohort: Cohort, competency: Competency | None):
    data = {}
    if competency is not None:
        data = {"code": competency.code, "title": competency.title, "block": competency.block}
    form = CompetencyForm(cohort=cohort, current_id=competency and competency.id, data=shown(data))
    if form.validate_on_submit():
        try:
            saved = operations.save_competency(
                cohort,
                competency,
                code=form.code.data,
                title=form.title.data,
                block=form.block.data or "",
            )
        except CohortError as error:
            refuse(form, error)
        else:
            db.session.commit()
            flash(_("Competency %(code)s saved.", code=saved.code), "success")
            return redirect(url_for(".curriculum", slug=cohort.slug))
    return render_template(
        "cohorts/competency_form.html", cohort=cohort, competency=competency, form=form
    ), form_status(form)


# ---------------------------------------------------------------------------------------------
# Administration: trainees


@bp.route("/cohorts/<slug>/trainees")
@allow("admin")
def trainees(slug: str):
    """List every trainee of a cohort, those who left included."""
    cohort = cohort_or_404(slug, "edit_curriculum")
    people = db.session.scalars(
        select(Trainee).where(Trainee.cohort_id == cohort.id).order_by(Trainee.ref)
    ).all()
    return render_template("cohorts/trainees.html", cohort=cohort, trainees=people)


@bp.route("/cohorts/<slug>/trainees/new", methods=["GET", "POST"])
@allow("admin")
def enrol_trainee(slug: str):
    """Enrol a trainee in a cohort."""
    return _save_trainee(cohort_or_404(slug, "edit_curriculum"), None)


@bp.route("/cohorts/<slug>/trainees/<ref>/edit", methods=["GET", "POST"])
@allow("admin")
def edit_trainee(slug: str, ref: str):
    """Change a trainee's reference, names, email or enrolment date."""
    cohort = cohort_or_404(slug, "edit_curriculum")
    return _save_trainee(cohort, trainee_or_404(cohort, ref))


def _save_trainee(cohort: Cohort, person: Trainee | None):
    data = {}
    if person is not None:
        data = {
            "ref": person.ref,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "email": person.email,
            "enrolled_on": person.enrolled_on,
        }
    form = TraineeForm(cohort=cohort, trainee=person, data=shown(data))
    if form.validate_on_submit():
        try:
            saved = operations.save_trainee(
                cohort,
                person,
                ref=form.ref.data,
                first_name=form.first_name.data,
                last_name=form.last_name.data,
                email=form.email.data,
                enrolled_on=form.enrolled_on.data,
            )
        except CohortError as error:
            refuse(form, error)
        else:
            db.session.commit()
            if person is None:
                flash(_("%(name)s is enrolled.", name=saved.name), "success")
            else:
                flash(_("%(name)s is saved.", name=saved.name), "success")
            return redirect(url_for(".trainees", slug=cohort.slug))
    return render_template(
        "cohorts/trainee_form.html", cohort=cohort, person=person, form=form
    ), form_status(form)


@bp.route("/cohorts/<slug>/trainees/<ref>/withdrawal", methods=["GET", "POST"])
@allow("admin")
def record_withdrawal(slug: str, ref: str):
    """Record that a trainee left the course, with the date and the reason."""
    cohort = cohort_or_404(slug, "edit_curriculum")
    person = trainee_or_404(cohort, ref)
    form = WithdrawalForm(
        trainee=person,
        data=shown({"left_on": person.left_on, "reason": person.exit_reason or ""}),
    )
    if form.validate_on_submit():
        try:
            operations.record_withdrawal(person, left_on=form.left_on.data, reason=form.reason.data)
        except CohortError as error:
            refuse(form, error)
        else:
            db.session.commit()
            flash(_("The withdrawal of %(name)s is recorded.", name=person.name), "success")
            return redirect(url_for(".trainees", slug=cohort.slug))
    return render_template(
        "cohorts/withdrawal_form.html", cohort=cohort, person=person, form=form
    ), form_status(form)
