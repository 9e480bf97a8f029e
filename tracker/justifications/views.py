"""Pages of the absence justifications: a trainee declares and follows theirs; the cohort's
instructors and administrators decide on them; the document downloads for them alone."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from tracker import attachments, timeutil
from tracker.access import allow, cohort_or_404, may, reachable_cohorts, trainee_or_404
from tracker.attendance.forms import SLOT_LABELS, STATUS_LABELS
from tracker.cohorts.models import Cohort, Trainee
from tracker.extensions import db
from tracker.i18n import day as show_day
from tracker.imports.operations import file_size
from tracker.justifications import operations, queries, rules
from tracker.justifications.forms import AcceptForm, DeclarationForm, RefuseForm
from tracker.signing.models import Justification

bp = Blueprint("justifications", __name__)

STATE_LABELS = {
    "pending": _l("Waiting for a decision"),
    "accepted": _l("Accepted"),
    "refused": _l("Refused"),
}
STATE_TAGS = {"pending": "warn", "accepted": "ok", "refused": "bad"}
# The latest justifications a trainee's home page lists; their page lists them all.
HOME_SHOWN = 5


@bp.app_context_processor
def justification_helpers() -> dict:
    """Give the home page's partial what it shows of the justifications."""
    return {"justifications_home": home_lines}


def home_lines() -> dict:
    """Return what the home page shows of the justifications: a trainee's latest, or how many
    wait for a decision in each cohort an instructor or administrator decides on."""
    if current_user.role == "trainee":
        trainee = current_user.trainee
        if trainee is None:
            return {}
        return {
            "trainee": trainee,
            "mine": queries.trainee_justifications(trainee.id, limit=HOME_SHOWN),
            "total": queries.count_of_trainee(trainee.id),
            **labels(),
        }
    if may(current_user, "record_teaching"):
        cohorts = db.session.scalars(reachable_cohorts(current_user)).all()
        counts = queries.pending_counts(cohort.id for cohort in cohorts)
        return {
            "waiting": [(cohort, counts[cohort.id]) for cohort in cohorts if cohort.id in counts]
        }
    return {}


def span(justification: Justification) -> str:
    """Name an absence's half-days for people: lundi 10/01/2022, matin – mardi 11/01/2022, matin."""
    first = half_day(justification.first_day, justification.first_slot)
    if justification.first_day == justification.last_day:
        if justification.first_slot == justification.last_slot:
            return first
        day = justification.first_day
        return _("%(day)s, all day", day=f"{format_date(day, 'EEEE')} {show_day(day)}")
    return f"{first} – {half_day(justification.last_day, justification.last_slot)}"


def half_day(day, slot: str) -> str:
    """Name a half-day for people: lundi 10/01/2022, matin."""
    return f"{format_date(day, 'EEEE')} {show_day(day)}, {str(SLOT_LABELS[slot]).lower()}"


def document(justification: Justification) -> str:
    """Name a justification's document's type and size: PDF, 1.2 MB."""
    kind = attachments.TYPE_NAMES.get(justification.content_type or "", "?")
    return f"{kind}, {file_size(justification.size or 0)}"


def labels() -> dict:
    """Return the words and namings that the justifications' templates share."""
    return {
        "state_labels": STATE_LABELS,
        "state_tags": STATE_TAGS,
        "span": span,
        "half_day": half_day,
        "document": document,
    }


def justification_or_404(cohort: Cohort, justification_id: int) -> Justification:
    """Load a justification of the cohort's trainees that the current user may see, else 404:
    a trainee sees only theirs."""
    justification = db.get_or_404(Justification, justification_id)
    if justification.trainee.cohort_id != cohort.id:
        abort(404)
    if current_user.role == "trainee" and current_user.trainee_id != justification.trainee_id:
        abort(404)
    return justification


# ---------------------------------------------------------------------------------------------
# The trainee's side


@bp.route("/cohorts/<slug>/trainees/<ref>/justifications")
@allow("admin", "instructor", "trainee")
def trainee_list(slug: str, ref: str):
    """List a trainee's justifications and where each stands."""
    cohort = cohort_or_404(slug)
    trainee = trainee_or_404(cohort, ref)
    return render_template(
        "justifications/trainee.html",
        cohort=cohort,
        trainee=trainee,
        justifications=queries.trainee_justifications(trainee.id),
        is_self=current_user.trainee_id == trainee.id,
        **labels(),
    )


def declaration_page(cohort: Cohort, trainee: Trainee, form: DeclarationForm, status: int = 200):
    """Render the declaration's form, with the days it accepts and the document's largest size."""
    today = timeutil.today()
    return render_template(
        "justifications/declare.html",
        cohort=cohort,
        trainee=trainee,
        form=form,
        latest=show_day(min(rules.latest_day(today), cohort.ends_on)),
        first=show_day(cohort.starts_on),
        limit=file_size(current_app.config["JUSTIFICATION_MAX_BYTES"]),
    ), status


@bp.route("/cohorts/<slug>/trainees/<ref>/justifications/new", methods=["GET", "POST"])
@allow("trainee")
def declare(slug: str, ref: str):
    """Declare an absence, past or to come, with its reason and a document."""
    cohort = cohort_or_404(slug)
    trainee = trainee_or_404(cohort, ref)
    form = DeclarationForm(cohort=cohort, today=timeutil.today())
    if not form.validate_on_submit():
        if not form.is_submitted():
            return declaration_page(cohort, trainee, form)
        # A document of the wrong type, too large or empty is a 400, as any refused upload.
        return declaration_page(cohort, trainee, form, 400 if form.file.errors else 422)
    try:
        justification = operations.declare(
            trainee,
            **form.span,
            reason=form.reason.data,
            attachment=form.attachment,
            declared_by=current_user._get_current_object(),
        )
    except operations.JustificationError as error:
        db.session.rollback()
        field = getattr(form, error.field or "", None)
        if field is not None:
            field.errors = [*field.errors, str(error)]
        else:
            flash(str(error), "error")
        return declaration_page(cohort, trainee, form, 422)
    db.session.commit()
    flash(
        _(
            "Your absence of %(span)s is declared: an instructor will accept or refuse it.",
            span=span(justification),
        ),
        "success",
    )
    return redirect(url_for(".trainee_list", slug=cohort.slug, ref=trainee.ref))


# ---------------------------------------------------------------------------------------------
# The staff's side


@bp.route("/cohorts/<slug>/justifications")
@allow("admin", "instructor")
def cohort_list(slug: str):
    """List the justifications of the cohort's trainees: those waiting for a decision first."""
    cohort = cohort_or_404(slug, "record_teaching")
    justifications = queries.cohort_justifications(cohort.id)
    return render_template(
        "justifications/cohort.html",
        cohort=cohort,
        waiting=[j for j in justifications if j.state == "pending"],
        decided=[j for j in justifications if j.state != "pending"],
        **labels(),
    )


def justification_page(cohort, justification, *, refuse_form=None, status=200):
    """Render a justification's page, with the decision's forms for staff while it waits."""
    deciding = may(current_user, "record_teaching")
    return render_template(
        "justifications/justification.html",
        cohort=cohort,
        justification=justification,
        trainee=justification.trainee,
        deciding=deciding,
        covered=queries.covered_half_days(justification) if deciding else [],
        accept_form=AcceptForm(formdata=None),
        refuse_form=refuse_form or RefuseForm(formdata=None),
        status_labels=STATUS_LABELS,
        slot_labels=SLOT_LABELS,
        **labels(),
    ), status


@bp.route("/cohorts/<slug>/justifications/<int:justification_id>")
@allow("admin", "instructor", "trainee")
def justification(slug: str, justification_id: int):
    """Show a justification: its absence, reason, document and decision."""
    cohort = cohort_or_404(slug)
    return justification_page(cohort, justification_or_404(cohort, justification_id))


@bp.route("/cohorts/<slug>/justifications/<int:justification_id>/accept", methods=["POST"])
@allow("admin", "instructor")
def accept(slug: str, justification_id: int):
    """Accept a justification: its half-days become excused absences with its reason."""
    cohort = cohort_or_404(slug, "record_teaching")
    justification = justification_or_404(cohort, justification_id)
    if not AcceptForm().validate_on_submit():
        return justification_page(cohort, justification, status=400)
    try:
        changed = operations.accept(justification, current_user._get_current_object())
    except operations.JustificationError as error:
        db.session.rollback()
        flash(str(error), "error")
        return justification_page(cohort, justification, status=409)
    db.session.commit()
    message = _("The justification of %(name)s is accepted.", name=justification.trainee.name)
    message += " " + ngettext(
        "%(num)d half-day is now an excused absence.",
        "%(num)d half-days are now excused absences.",
        changed,
    )
    flash(message, "success")
    return redirect(url_for(".cohort_list", slug=cohort.slug))


@bp.route("/cohorts/<slug>/justifications/<int:justification_id>/refuse", methods=["POST"])
@allow("admin", "instructor")
def refuse(slug: str, justification_id: int):
    """Refuse a justification, for a reason that the trainee reads."""
    cohort = cohort_or_404(slug, "record_teaching")
    justification = justification_or_404(cohort, justification_id)
    form = RefuseForm()
    if not form.validate_on_submit():
        return justification_page(cohort, justification, refuse_form=form, status=422)
    try:
        operations.refuse(
            justification, current_user._get_current_object(), form.decision_reason.data
        )
    except operations.JustificationError as error:
        db.session.rollback()
        flash(str(error), "error")
        return justification_page(cohort, justification, refuse_form=form, status=409)
    db.session.commit()
    flash(
        _("The justification of %(name)s is refused.", name=justification.trainee.name),
        "success",
    )
    return redirect(url_for(".cohort_list", slug=cohort.slug))


@bp.route("/cohorts/<slug>/justifications/<int:justification_id>/document")
@allow("admin", "instructor", "trainee")
def document_file(slug: str, justification_id: int):
    """Download a justification's document: for the trainee, the cohort's instructors and
    administrators alone (it may be medical)."""
    cohort = cohort_or_404(slug)
    justification = justification_or_404(cohort, justification_id)
    if justification.sha256 is None:
        abort(404)
    return attachments.send(
        file_name=justification.file_name,
        checked_type=justification.content_type,
        digest=justification.sha256,
    )
