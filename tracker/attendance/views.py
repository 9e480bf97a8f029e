"""Pages of the attendance feature: the timetable by week, the roll call and the timetable's
administration."""

from datetime import date, timedelta
from decimal import Decimal

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from tracker.access import allow, cohort_or_404, may
from tracker.attendance import operations
from tracker.attendance.forms import (
    SESSION_KIND_LABELS,
    SLOT_LABELS,
    STATUS_LABELS,
    GenerateForm,
    SessionForm,
    roll_call_form,
)
from tracker.attendance.models import Session
from tracker.cohorts.models import Cohort, Module, Trainee
from tracker.extensions import db
from tracker.hours import hours_to_minutes
from tracker.i18n import current_language
from tracker.i18n import day as show_day
from tracker.periods import PeriodError, parse_week
from tracker.timeutil import today

bp = Blueprint("attendance", __name__)


def session_or_404(cohort: Cohort, session_id: int) -> Session:
    """Load a session of the cohort, else 404."""
    session = db.get_or_404(Session, session_id)
    if session.cohort_id != cohort.id:
        abort(404)
    return session


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def iso_week(day: date) -> str:
    """Name a date's ISO week as in ?week=2022-W02."""
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def asked_monday(cohort: Cohort, asked: str | None) -> date:
    """Return the Monday of the asked week, else of this week, else of the cohort's first week.

    A week that cannot be read answers 400 with the reason, rather than showing another week.
    """
    if asked:
        try:
            return parse_week(asked)
        except PeriodError as error:
            abort(400, description=str(error))
    day = today()
    if not cohort.starts_on <= day <= cohort.ends_on:
        day = cohort.starts_on
    return monday_of(day)


def half_day(session: Session | operations.TimetableLine) -> str:
    """Name a half-day for people: lundi 10/01/2022, matin."""
    slot = str(SLOT_LABELS[session.slot]).lower()
    return f"{format_date(session.date, 'EEEE')} {show_day(session.date)}, {slot}"


def labels() -> dict:
    return {
        "slot_labels": SLOT_LABELS,
        "kind_labels": SESSION_KIND_LABELS,
        "status_labels": STATUS_LABELS,
        "half_day": half_day,
        "weekday": lambda day: format_date(day, "EEEE"),
    }


@bp.route("/cohorts/<slug>/timetable")
@allow("admin", "instructor")
def timetable(slug: str):
    """Show the half-days of one week with the state of each roll call."""
    cohort = cohort_or_404(slug, "record_teaching")
    monday = asked_monday(cohort, request.args.get("week"))
    return render_template(
        "attendance/timetable.html",
        cohort=cohort,
        monday=monday,
        friday=monday + timedelta(days=4),
        week=iso_week(monday),
        previous_week=iso_week(monday - timedelta(days=7)),
        next_week=iso_week(monday + timedelta(days=7)),
        lines=operations.week_timetable(cohort, monday),
        can_edit=may(current_user, "edit_curriculum"),
        **labels(),
    )


def roll_call_page(cohort, session, trainees, form, marks, status=200):
    """Render the roll call page of a session."""
    recorded = [marks[t.id] for t in trainees if t.id in marks]
    last = max(recorded, key=lambda mark: mark.recorded_at, default=None)
    return render_template(
        "attendance/roll_call.html",
        cohort=cohort,
        session=session,
        form=form,
        recorded=len(recorded),
        last=last,
        week=iso_week(session.date),
        **labels(),
    ), status


def current_roll_call(session: Session, trainees: list[Trainee], marks: dict) -> dict:
    """Return the form data of a roll call as stored: everyone present when nothing is."""
    data = {"version": session.roll_call_version}
    for trainee in trainees:
        recorded = marks.get(trainee.id)
        mark = recorded.mark if recorded else operations.Mark()
        data[f"t{trainee.id}"] = {
            "status": mark.status,
            "minutes_missed": mark.minutes_missed or None,
            "note": mark.note or "",
        }
    return data


@bp.route("/cohorts/<slug>/sessions/<int:session_id>/roll-call", methods=["GET", "POST"])
@allow("admin", "instructor")
def roll_call(slug: str, session_id: int):
    """Take or correct the roll call of one session."""
    cohort = cohort_or_404(slug, "record_teaching")
    session = session_or_404(cohort, session_id)
    trainees = operations.expected_trainees(cohort, session.date)
    if request.method == "GET":
        marks = operations.roll_call_marks(session)
        form = roll_call_form(
            trainees, session.minutes, data=current_roll_call(session, trainees, marks)
        )
        return roll_call_page(cohort, session, trainees, form, marks)

    form = roll_call_form(trainees, session.minutes)
    if not form.validate_on_submit():
        marks = operations.roll_call_marks(session)
        return roll_call_page(cohort, session, trainees, form, marks, 422)
    marks = {
        trainee.id: operations.Mark(
            line.status.data, line.minutes_missed.data or 0, line.note.data or None
        )
        for trainee, line in form.lines()
    }
    try:
        operations.record_roll_call(session, marks, current_user, form.version.data)
    except operations.StalePage:
        # Nothing was written; show what the other save recorded, with its version.
        db.session.refresh(session, ["roll_call_version"])
        marks = operations.roll_call_marks(session)
        flash(
            _(
                "Someone else saved this roll call while you were filling it in: nothing of "
                "yours was saved. The page now shows what is recorded; make your changes "
                "again and save."
            ),
            "error",
        )
        form = roll_call_form(
            trainees,
            session.minutes,
            formdata=None,
            data=current_roll_call(session, trainees, marks),
        )
        return roll_call_page(cohort, session, trainees, form, marks, 409)
    db.session.commit()
    flash(_("The roll call of %(half_day)s is saved.", half_day=half_day(session)), "success")
    return redirect(url_for(".roll_call", slug=cohort.slug, session_id=session.id))


# ---------------------------------------------------------------------------------------------
# The timetable's administration


def session_form_page(cohort, form, session=None, status=200):
    return render_template(
        "attendance/session_form.html",
        cohort=cohort,
        form=form,
        session=session,
        delete_form=FlaskForm() if session is not None else None,
        **labels(),
    ), status


def stored_session(session: Session) -> dict:
    """Return a session as the data of its form."""
    return {
        "date": session.date,
        "slot": session.slot,
        "module": session.module_id,
        "hours": Decimal(session.minutes) / 60,
        "kind": session.kind,
    }


def session_fields(form: SessionForm) -> dict:
    """Return what a valid session form asks for, as an operation takes it."""
    return {
        "module": db.session.get(Module, form.module.data),
        "day": form.date.data,
        "slot": form.slot.data,
        "minutes": hours_to_minutes(form.hours.data),
        "kind": form.kind.data,
    }


@bp.route("/cohorts/<slug>/sessions/new", methods=["GET", "POST"])
@allow("admin")
def new_session(slug: str):
    """Add one half-day to the timetable."""
    cohort = cohort_or_404(slug, "edit_curriculum")
    form = SessionForm(cohort)
    if not form.validate_on_submit():
        return session_form_page(cohort, form, status=422 if form.is_submitted() else 200)
    session = operations.add_session(cohort, **session_fields(form))
    db.session.commit()
    flash(_("The session of %(half_day)s is added.", half_day=half_day(session)), "success")
    return redirect(url_for(".timetable", slug=cohort.slug, week=iso_week(session.date)))


@bp.route("/cohorts/<slug>/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@allow("admin")
def edit_session(slug: str, session_id: int):
    """Change one half-day of the timetable."""
    cohort = cohort_or_404(slug, "edit_curriculum")
    session = session_or_404(cohort, session_id)
    if request.method == "GET":
        form = SessionForm(cohort, editing=session, data=stored_session(session))
        return session_form_page(cohort, form, session)
    form = SessionForm(cohort, editing=session)
    if not form.validate_on_submit():
        return session_form_page(cohort, form, session, 422)
    operations.change_session(session, **session_fields(form))
    db.session.commit()
    flash(_("The session of %(half_day)s is saved.", half_day=half_day(session)), "success")
    return redirect(url_for(".timetable", slug=cohort.slug, week=iso_week(session.date)))


@bp.route("/cohorts/<slug>/sessions/<int:session_id>/delete", methods=["POST"])
@allow("admin")
def delete_session(slug: str, session_id: int):
    """Remove a half-day from the timetable, unless its roll call holds marks."""
    cohort = cohort_or_404(slug, "edit_curriculum")
    session = session_or_404(cohort, session_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    if operations.has_roll_call(session):
        flash(
            _(
                "This session cannot be deleted: its roll call holds marks, which the funder's "
                "figures count."
            ),
            "error",
        )
        form = SessionForm(cohort, editing=session, formdata=None, data=stored_session(session))
        return session_form_page(cohort, form, session, 409)
    described = half_day(session)
    week = iso_week(session.date)
    operations.delete_session(session)
    db.session.commit()
    flash(_("The session of %(half_day)s is deleted.", half_day=described), "success")
    return redirect(url_for(".timetable", slug=cohort.slug, week=week))


@bp.route("/cohorts/<slug>/sessions/generate", methods=["GET", "POST"])
@allow("admin")
def generate_sessions(slug: str):
    """Add a module's half-days between two dates, skipping weekends and public holidays."""
    cohort = cohort_or_404(slug, "edit_curriculum")
    form = GenerateForm(cohort)
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_template(
            "attendance/generate.html", cohort=cohort, form=form, **labels()
        ), status
    generated = operations.generate_sessions(
        cohort,
        module=db.session.get(Module, form.module.data),
        first=form.first_day.data,
        last=form.last_day.data,
        slots=form.chosen_slots,
        minutes=hours_to_minutes(form.hours.data),
        kind=form.kind.data,
        language="fr" if current_language() == "fr" else "en_US",
    )
    db.session.commit()
    message = ngettext("%(num)d half-day added.", "%(num)d half-days added.", generated.created)
    if generated.already_there:
        message += " " + ngettext(
            "%(num)d half-day already had a session and was left as it was.",
            "%(num)d half-days already had a session and were left as they were.",
            generated.already_there,
        )
    if generated.public_holidays:
        message += " " + _(
            "Public holidays left out: %(days)s.",
            days=", ".join(
                f"{show_day(day)} ({name})" for day, name in generated.public_holidays.items()
            ),
        )
    flash(message, "success")
    return redirect(url_for(".timetable", slug=cohort.slug, week=iso_week(form.first_day.data)))
