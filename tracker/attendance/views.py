"""Pages of the attendance feature: the timetable by week, the roll call and the timetable's
administration."""

from datetime import date, timedelta
from decimal import Decimal

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date, format_time, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup
from sqlalchemy import select

from tracker import timeutil
from tracker.access import allow, cohort_or_404, may
from tracker.attendance import closing, operations, stale, times
from tracker.attendance.amendments import describe_mark, mark_of, who_acted
from tracker.attendance.forms import (
    SESSION_KIND_LABELS,
    SLOT_LABELS,
    STATUS_LABELS,
    CloseRollCallForm,
    GenerateForm,
    ReopenRollCallForm,
    SessionForm,
    WeekOfDayForm,
    roll_call_form,
    status_buttons,
)
from tracker.attendance.models import Session
from tracker.audit import capture, queries
from tracker.auth.models import User
from tracker.cohorts.models import Cohort, Module, Trainee
from tracker.extensions import db
from tracker.hours import hours_to_minutes
from tracker.i18n import current_language, moment
from tracker.i18n import day as show_day
from tracker.periods import PeriodError, parse_week
from tracker.signing import countersigning, strokes
from tracker.signing import roll_call as signed
from tracker.signing.rules import PRESENT_WITHOUT_SIGNATURE

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
    """Return the Monday of the asked week, else of the cohort's current week.

    A week that cannot be read answers 400 with the reason, rather than showing another week.
    """
    if asked:
        try:
            return parse_week(asked)
        except PeriodError as error:
            abort(400, description=str(error))
    return current_monday(cohort)


def current_monday(cohort: Cohort) -> date:
    """Return the Monday of this week while the cohort runs, of its last week once it has ended,
    of its first week before it starts."""
    return monday_of(min(max(timeutil.today(), cohort.starts_on), cohort.ends_on))


def cohort_time(cohort: Cohort) -> str:
    """Tell whether the cohort is running, ended or not started yet, today."""
    day = timeutil.today()
    if day < cohort.starts_on:
        return "before"
    return "after" if day > cohort.ends_on else "during"


def half_day(session: Session | operations.TimetableLine) -> str:
    """Name a half-day for people: lundi 10/01/2022, matin."""
    slot = str(SLOT_LABELS[session.slot]).lower()
    return f"{format_date(session.date, 'EEEE')} {show_day(session.date)}, {slot}"


def labels() -> dict:
    return {
        "slot_labels": SLOT_LABELS,
        "kind_labels": SESSION_KIND_LABELS,
        "status_labels": STATUS_LABELS,
        "status_buttons": status_buttons(),
        "half_day": half_day,
        "weekday": lambda day: format_date(day, "EEEE"),
    }


@bp.route("/cohorts/<slug>/timetable")
@allow("admin", "instructor")
def timetable(slug: str):
    """Show the half-days of one week with the state of each roll call."""
    cohort = cohort_or_404(slug, "record_teaching")
    if "day" in request.args:
        # The week picker asks for any day of a week: show that week under its own address.
        form = WeekOfDayForm(formdata=request.args)
        if not form.validate():
            abort(400, description=" ".join(map(str, form.day.errors)))
        week = iso_week(form.day.data) if form.day.data else None
        return redirect(url_for(".timetable", slug=cohort.slug, week=week))
    monday = asked_monday(cohort, request.args.get("week"))
    close_overdue_roll_calls(cohort)
    return render_template(
        "attendance/timetable.html",
        cohort=cohort,
        cohort_time=cohort_time(cohort),
        week_form=WeekOfDayForm(data={"day": monday}),
        monday=monday,
        friday=monday + timedelta(days=4),
        week=iso_week(monday),
        previous_week=iso_week(monday - timedelta(days=7)),
        next_week=iso_week(monday + timedelta(days=7)),
        lines=operations.week_timetable(cohort, monday),
        can_edit=may(current_user, "edit_curriculum"),
        **labels(),
    )


def encode_mark(mark: operations.Mark | None) -> list | None:
    return None if mark is None else [mark.status, mark.minutes_missed, mark.note]


def decode_mark(value: list | None) -> operations.Mark | None:
    if value is None:
        return None
    status, minutes_missed, note = value
    if not isinstance(status, str) or not isinstance(minutes_missed, int):
        raise ValueError(value)
    return operations.Mark(status, minutes_missed, note or None)


def stored_marks(marks: dict[int, operations.RecordedMark]) -> dict[int, operations.Mark]:
    return {trainee_id: recorded.mark for trainee_id, recorded in marks.items()}


def as_shown(mark: operations.Mark | None) -> operations.Mark:
    """Return a mark as the page shows it: present when there is none."""
    return mark or operations.Mark()


def mark_data(mark: operations.Mark | None) -> dict:
    """Return a mark as the data of its line: present when there is none."""
    mark = mark or operations.Mark()
    return {
        "status": mark.status,
        "minutes_missed": mark.minutes_missed or None,
        "note": mark.note or "",
    }


def roll_call_data(
    session: Session,
    trainees: list[Trainee],
    shown: dict,
    stored: dict[int, operations.Mark],
    signatures: dict[int, signed.Signed],
) -> dict:
    """Return the form data of a roll call showing some marks, drawn from what is stored, and
    the signatures it shows."""
    data = {
        "version": session.roll_call_version,
        "loaded": stale.dump({t.id: stored.get(t.id) for t in trainees}, encode_mark),
        "signed": signed.dump_signed(signatures),
    }
    for trainee in trainees:
        data[f"t{trainee.id}"] = mark_data(shown.get(trainee.id))
    return data


# The newest changes of a roll call that its page lists; the trail keeps them all.
HISTORY_SHOWN = 50


def history_lines(session: Session) -> list[dict]:
    """Describe the changes of a roll call for people, newest first: its marks, its closings and
    reopenings (before → after, who, when, why)."""
    entries = queries.history(
        cohort_id=session.cohort_id, entity="attendance_records", key={"session_id": session.id}
    ) + [
        entry
        for entry in queries.history(
            cohort_id=session.cohort_id, entity="sessions", key={"id": session.id}
        )
        # Its closings and reopenings, not its creation nor its moves in the timetable.
        if entry.action == "update" and entry.moved("closed_at")
    ]
    trainee_ids = {entry.trainee_id for entry in entries if entry.trainee_id is not None}
    names = {
        trainee.id: f"{trainee.ref} {trainee.name}"
        for trainee in db.session.scalars(select(Trainee).where(Trainee.id.in_(trainee_ids)))
    }
    lines = []
    for entry in sorted(entries, key=lambda entry: entry.id, reverse=True):
        if entry.entity == "sessions":
            if (entry.after or {}).get("closed_at") is None:
                what = _("Roll call reopened")
            elif entry.actor == closing.AUTOMATIC_CLOSING:
                what = _("Roll call closed automatically")
            else:
                what = _("Roll call closed (countersigned)")
        else:
            what = _(
                "%(trainee)s: %(before)s → %(after)s",
                trainee=names.get(entry.trainee_id, "?"),
                before=describe_mark(mark_of(entry.was)),
                after=describe_mark(mark_of(entry.now)),
            )
        lines.append(
            {
                "what": what,
                "who": who_acted(entry),
                "when": entry.recorded_at,
                "why": entry.reason,
                "amendment": entry.amendment,
            }
        )
    return lines


def signature_lines(
    trainees: list[Trainee], signatures: dict[int, signed.Signed]
) -> dict[int, dict]:
    """Describe each expected trainee's signature for their line: its time in the course's time
    zone and its drawing, small."""
    return {
        trainee.id: {
            "time": format_time(signatures[trainee.id].signed_at, "HH:mm"),
            "drawing": drawing(
                signatures[trainee.id].strokes, _("Signature of %(name)s", name=trainee.name)
            ),
        }
        for trainee in trainees
        if trainee.id in signatures
    }


def drawing(strokes_json: str, label: str, width: int = 150, height: int = 50) -> Markup:
    """Draw kept strokes as an SVG image placed in the page (numbers only, the label escaped)."""
    return Markup(strokes.svg(strokes_json, width, height, label))


def roll_call_page(
    cohort,
    session,
    trainees,
    form,
    marks,
    *,
    started,
    signatures=None,
    changed=(),
    arrived=frozenset(),
    status=200,
    close_form=None,
    reopen_form=None,
):
    """Render the roll call page of a session, with its signatures (read unless given) and
    countersignature."""
    if signatures is None:
        signatures = signed.signatures_of(session)
    recorded = [marks[t.id] for t in trainees if t.id in marks]
    last = max(recorded, key=lambda mark: mark.recorded_at, default=None)
    now = timeutil.utc_now()
    closed_by = db.session.get(User, session.closed_by_id) if session.closed_by_id else None
    history = history_lines(session)
    on_paper = signed.signed_on_paper(session)
    expected_marks = {t.id: marks[t.id].mark if t.id in marks else None for t in trainees}
    disagreements = signed.disagreements(expected_marks, signatures, on_paper)
    countersignature = countersigning.of_closing(session)
    drawn = countersigning.drawn_signature(current_user)
    return render_template(
        "attendance/roll_call.html",
        cohort=cohort,
        session=session,
        form=form,
        recorded=len(recorded),
        last=last,
        week=iso_week(session.date),
        started=started,
        starts_at=times.starts(session),
        ends_at=closing.half_day_end(session),
        over=closing.is_over(session, now),
        closed_by=(closed_by.name or closed_by.email) if closed_by else None,
        close_form=close_form or CloseRollCallForm(formdata=None),
        reopen_form=reopen_form or ReopenRollCallForm(formdata=None),
        can_reopen=may(current_user, "edit_curriculum"),
        history=history[:HISTORY_SHOWN],
        earlier_changes=max(len(history) - HISTORY_SHOWN, 0),
        changed={line.trainee_id: line for line in changed},
        arrived=arrived,
        marks=marks,
        describe_mark=describe_mark,
        signatures=signature_lines(trainees, signatures),
        signed_count=sum(1 for t in trainees if t.id in signatures),
        on_paper=on_paper,
        disagreements=disagreements,
        unexplained=set(signed.unexplained(expected_marks, disagreements)),
        PRESENT_WITHOUT_SIGNATURE=PRESENT_WITHOUT_SIGNATURE,
        countersignature=countersignature,
        countersignature_drawing=drawing(
            countersignature.strokes,
            _("Countersignature of %(name)s", name=countersignature.signer_name),
            240,
            80,
        )
        if countersignature
        else None,
        drawn_signature=drawing(
            drawn.strokes, _("Your signature, drawn on %(when)s", when=moment(drawn.drawn_at))
        )
        if drawn
        else None,
        my_signature_url=url_for(
            "countersigning.my_signature",
            next=url_for(".roll_call", slug=cohort.slug, session_id=session.id) + "#close",
        ),
        **labels(),
    ), status


def close_overdue_roll_calls(cohort: Cohort) -> None:
    """Close the cohort's roll calls left open past the delay, before they are read or saved."""
    if closing.close_overdue(cohort):
        db.session.commit()


# How many times a save is tried again when trainees sign while it is being written.
SAVE_ATTEMPTS = 3


@bp.route("/cohorts/<slug>/sessions/<int:session_id>/roll-call", methods=["GET", "POST"])
@allow("admin", "instructor")
def roll_call(slug: str, session_id: int):
    """Take or correct the roll call of one session."""
    cohort = cohort_or_404(slug, "record_teaching")
    session = session_or_404(cohort, session_id)
    close_overdue_roll_calls(cohort)
    trainees = operations.expected_trainees(cohort, session.date)
    now = timeutil.utc_now()
    started = now >= times.starts(session)
    if request.method == "GET":
        return roll_call_again(cohort, session, 200, trainees=trainees, started=started)

    form = roll_call_form(trainees, session.minutes, started)
    if not form.validate_on_submit():
        marks = operations.roll_call_marks(session)
        return roll_call_page(cohort, session, trainees, form, marks, started=started, status=422)
    mine = form.marks()
    loaded = stale.load(form.loaded.data, decode_mark)
    signed_shown = signed.load_signed(form.signed.data)
    amending = session.closed_at is not None
    try:
        kept = save_roll_call(session, mine, loaded, signed_shown, form, now)
    except operations.StalePage as refused:
        # Nothing was written. Show what is recorded now, this person's entries kept on the
        # lines nobody else changed, and beside the others.
        db.session.rollback()
        conflicts = getattr(refused, "conflicts", [])
        return stale_roll_call(
            cohort, session, trainees, started, loaded, signed_shown, mine, conflicts
        )
    except closing.AmendmentRefused as error:
        # Nothing is saved: the lines stay as typed, and the reason's field says what is missing.
        db.session.rollback()
        form.reason.errors = [*form.reason.errors, _("Give the reason for the amendment.")]
        flash(str(error), "error")
        marks = operations.roll_call_marks(session)
        return roll_call_page(cohort, session, trainees, form, marks, started=started, status=422)
    except operations.AttendanceError as error:
        db.session.rollback()
        flash(str(error), "error")
        marks = operations.roll_call_marks(session)
        return roll_call_page(cohort, session, trainees, form, marks, started=started, status=409)
    db.session.commit()
    if amending:
        message = _("The amendment of the roll call of %(half_day)s is saved.")
    elif closing.is_over(session, now):
        message = _(
            "The roll call of %(half_day)s is saved as a draft: close it to countersign it."
        )
    else:
        message = _("The roll call of %(half_day)s is saved as a draft.")
    message %= {"half_day": half_day(session)}
    if kept:
        message += " " + ngettext(
            "%(num)d trainee signed while you were filling in the page: the mark from their "
            "signature is kept.",
            "%(num)d trainees signed while you were filling in the page: the marks from their "
            "signatures are kept.",
            len(kept),
        )
    flash(message, "success")
    return redirect(url_for(".roll_call", slug=cohort.slug, session_id=session.id))


def save_roll_call(session, mine, loaded, signed_shown, form, now) -> frozenset[int]:
    """Record a roll call page, trying again while trainees sign during the save; return the
    trainees who signed meanwhile and whose marks from signing were kept."""
    for _attempt in range(SAVE_ATTEMPTS):
        try:
            # A closed roll call's changes are amendments: the reason goes with them into the
            # trail.
            with capture.acting(reason=form.reason.data or ""):
                return signed.record_roll_call(
                    session,
                    mine,
                    loaded,
                    signed_shown,
                    current_user,
                    form.version.data,
                    now,
                )
        except signed.SignaturesArrived:
            db.session.rollback()
    raise operations.StalePage()


def stale_roll_call(cohort, session, trainees, started, loaded, signed_shown, mine, conflicts):
    """Render a roll call page whose save was refused as stale: what is recorded now, this
    person's entries on the lines nobody else changed, and beside the others (409)."""
    marks = operations.roll_call_marks(session)
    stored = stored_marks(marks)
    signatures = signed.signatures_of(session)
    # Compared as the page shows them: a trainee without a mark shows present.
    shown, changed = stale.merge(
        [t.id for t in trainees],
        None if loaded is None else {key: as_shown(mark) for key, mark in loaded.items()},
        {key: as_shown(mark) for key, mark in mine.items()},
        {t.id: as_shown(stored.get(t.id)) for t in trainees},
    )
    # Lines whose trainee signed meanwhile under another entry: the mark from signing is shown.
    by_trainee = {line.trainee_id: line for line in changed}
    for line in conflicts:
        shown[line.trainee_id] = line.after
        by_trainee[line.trainee_id] = line
    changed = [by_trainee[t.id] for t in trainees if t.id in by_trainee]
    arrived = frozenset(signatures) - (signed_shown or frozenset())
    if conflicts and len(conflicts) == len(changed):
        message = ngettext(
            "A trainee signed while you were filling in the roll call, on a line where you "
            "entered another mark: nothing of yours is saved yet. The line is highlighted "
            "below with your entry beside it; your other entries are kept. Check and save again.",
            "%(num)d trainees signed while you were filling in the roll call, on lines where you "
            "entered other marks: nothing of yours is saved yet. The lines are highlighted "
            "below with your entry beside each; your other entries are kept. Check and save "
            "again.",
            len(conflicts),
        )
    elif changed:
        message = ngettext(
            "Someone else saved this roll call while you were filling it in: nothing of "
            "yours is saved yet. They changed %(num)d line, highlighted below with your "
            "entry beside it; your other entries are kept. Check and save again.",
            "Someone else saved this roll call while you were filling it in: nothing of "
            "yours is saved yet. They changed %(num)d lines, highlighted below with your "
            "entry beside each; your other entries are kept. Check and save again.",
            len(changed),
        )
    else:
        message = _(
            "Someone else saved this roll call while you were filling it in, without "
            "changing your lines: your entries are kept. Check and save again."
        )
    flash(message, "error")
    data = roll_call_data(session, trainees, shown, stored, signatures)
    form = roll_call_form(trainees, session.minutes, started, formdata=None, data=data)
    return roll_call_page(
        cohort,
        session,
        trainees,
        form,
        marks,
        signatures=signatures,
        started=started,
        changed=changed,
        arrived=arrived,
        status=409,
    )


def roll_call_again(cohort, session, status, trainees=None, started=None, **forms):
    """Render a roll call page as recorded: on opening it, or after a refused closing or
    reopening."""
    if trainees is None:
        trainees = operations.expected_trainees(cohort, session.date)
    if started is None:
        started = timeutil.utc_now() >= times.starts(session)
    marks = operations.roll_call_marks(session)
    stored = stored_marks(marks)
    signatures = signed.signatures_of(session)
    data = roll_call_data(session, trainees, stored, stored, signatures)
    form = roll_call_form(trainees, session.minutes, started, data=data)
    return roll_call_page(
        cohort,
        session,
        trainees,
        form,
        marks,
        signatures=signatures,
        started=started,
        status=status,
        **forms,
    )


@bp.route("/cohorts/<slug>/sessions/<int:session_id>/roll-call/close", methods=["POST"])
@allow("admin", "instructor")
def close_roll_call(slug: str, session_id: int):
    """Close a roll call: the countersignature of who took it, with their drawn signature."""
    cohort = cohort_or_404(slug, "record_teaching")
    session = session_or_404(cohort, session_id)
    close_overdue_roll_calls(cohort)
    form = CloseRollCallForm()
    if not form.validate_on_submit():
        return roll_call_again(cohort, session, 422, close_form=form)
    try:
        closing.close_roll_call(
            session,
            current_user,
            address=request.remote_addr or "",
            user_agent=request.user_agent.string,
        )
    except operations.AttendanceError as error:
        db.session.rollback()
        flash(str(error), "error")
        return roll_call_again(cohort, session, 409, close_form=form)
    db.session.commit()
    flash(
        _("The roll call of %(half_day)s is closed and countersigned.", half_day=half_day(session)),
        "success",
    )
    return redirect(url_for(".roll_call", slug=cohort.slug, session_id=session.id))


@bp.route("/cohorts/<slug>/sessions/<int:session_id>/roll-call/reopen", methods=["POST"])
@allow("admin")
def reopen_roll_call(slug: str, session_id: int):
    """Reopen a closed roll call, for a reason that the trail keeps."""
    cohort = cohort_or_404(slug, "edit_curriculum")
    session = session_or_404(cohort, session_id)
    form = ReopenRollCallForm()
    if not form.validate_on_submit():
        return roll_call_again(cohort, session, 422, reopen_form=form)
    try:
        closing.reopen_roll_call(session, form.reason.data)
    except operations.AttendanceError as error:
        db.session.rollback()
        flash(str(error), "error")
        return roll_call_again(cohort, session, 409, reopen_form=form)
    db.session.commit()
    flash(_("The roll call of %(half_day)s is reopened.", half_day=half_day(session)), "success")
    return redirect(url_for(".roll_call", slug=cohort.slug, session_id=session.id))


# ---------------------------------------------------------------------------------------------
# The timetable's administration


def session_form_page(cohort, form, session=None, status=200):
    return render_template(
        "attendance/session_form.html",
        cohort=cohort,
        form=form,
        session=session,
        marks=operations.roll_call_size(session) if session is not None else 0,
        delete_form=FlaskForm() if session is not None else None,
        **labels(),
    ), status


def refused(form: FlaskForm, error: operations.AttendanceError) -> None:
    """Show an operation's refusal beside the field it is about, else at the top of the page."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, str(error)]
    else:
        flash(str(error), "error")


def holiday_language() -> str:
    """Return the language in which to name public holidays, the page's."""
    return "fr" if current_language() == "fr" else "en_US"


def stored_session(session: Session) -> dict:
    """Return a session as the data of its form."""
    return {
        "date": session.date,
        "slot": session.slot,
        "module": session.module_id,
        "hours": Decimal(session.minutes) / 60,
        "kind": session.kind,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
    }


def session_fields(form: SessionForm) -> dict:
    """Return what a valid session form asks for, as an operation takes it."""
    return {
        "module": db.session.get(Module, form.module.data),
        "day": form.date.data,
        "slot": form.slot.data,
        "minutes": hours_to_minutes(form.hours.data),
        "kind": form.kind.data,
        "starts_at": form.starts_at.data,
        "ends_at": form.ends_at.data,
    }


@bp.route("/cohorts/<slug>/sessions/new", methods=["GET", "POST"])
@allow("admin")
def new_session(slug: str):
    """Add one half-day to the timetable."""
    cohort = cohort_or_404(slug, "edit_curriculum")
    form = SessionForm(cohort)
    if not form.validate_on_submit():
        return session_form_page(cohort, form, status=422 if form.is_submitted() else 200)
    try:
        session = operations.add_session(cohort, **session_fields(form))
    except operations.AttendanceError as error:
        db.session.rollback()
        refused(form, error)
        return session_form_page(cohort, form, status=409)
    db.session.commit()
    flash(_("The session of %(half_day)s is added.", half_day=half_day(session)), "success")
    return redirect(url_for(".timetable", slug=cohort.slug, week=iso_week(session.date)))


@bp.route("/cohorts/<slug>/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@allow("admin")
def edit_session(slug: str, session_id: int):
    """Change one half-day of the timetable; its marks move with it, where the rules allow."""
    cohort = cohort_or_404(slug, "edit_curriculum")
    session = session_or_404(cohort, session_id)
    if request.method == "GET":
        form = SessionForm(cohort, editing=session, data=stored_session(session))
        return session_form_page(cohort, form, session)
    now, language = timeutil.utc_now(), holiday_language()
    form = SessionForm(cohort, editing=session, now=now, language=language)
    if not form.validate_on_submit():
        return session_form_page(cohort, form, session, 422)
    before = (session.date, session.slot)
    marks = operations.roll_call_size(session)
    try:
        operations.change_session(session, **session_fields(form), now=now, language=language)
    except operations.AttendanceError as error:
        db.session.rollback()
        refused(form, error)
        return session_form_page(cohort, form, session, 409)
    db.session.commit()
    message = _("The session of %(half_day)s is saved.", half_day=half_day(session))
    if marks and (session.date, session.slot) != before:
        message += " " + ngettext(
            "Its %(num)d mark moved with it.", "Its %(num)d marks moved with it.", marks
        )
    flash(message, "success")
    return redirect(url_for(".timetable", slug=cohort.slug, week=iso_week(session.date)))


@bp.route("/cohorts/<slug>/sessions/<int:session_id>/delete", methods=["POST"])
@allow("admin")
def delete_session(slug: str, session_id: int):
    """Remove a half-day from the timetable, unless its roll call holds marks."""
    cohort = cohort_or_404(slug, "edit_curriculum")
    session = session_or_404(cohort, session_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    described = half_day(session)
    week = iso_week(session.date)
    try:
        operations.delete_session(session)
    except operations.AttendanceError as error:
        db.session.rollback()
        flash(str(error), "error")
        form = SessionForm(cohort, editing=session, formdata=None, data=stored_session(session))
        return session_form_page(cohort, form, session, 409)
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
    try:
        generated = operations.generate_sessions(
            cohort,
            module=db.session.get(Module, form.module.data),
            first=form.first_day.data,
            last=form.last_day.data,
            slots=form.chosen_slots,
            minutes=hours_to_minutes(form.hours.data),
            kind=form.kind.data,
            language=holiday_language(),
        )
    except operations.AttendanceError as error:
        db.session.rollback()
        refused(form, error)
        return render_template(
            "attendance/generate.html", cohort=cohort, form=form, **labels()
        ), 409
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
