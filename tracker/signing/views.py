"""Pages of the signing in the room: the projector's code and QR code, the trainee's signing page,
and what the trainee's home page shows of it."""

from datetime import datetime

import segno
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_time, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from tracker import timeutil
from tracker.access import allow, cohort_or_404
from tracker.attendance import times
from tracker.attendance.forms import SESSION_KIND_LABELS
from tracker.attendance.models import Session
from tracker.attendance.views import half_day, session_or_404
from tracker.cohorts.models import Trainee
from tracker.extensions import db
from tracker.i18n import day
from tracker.signing import codes, operations, queries
from tracker.signing.forms import SignatureForm
from tracker.signing.operations import SigningRefused

bp = Blueprint("signing", __name__)

# How often the projector's page asks for the code and the count (static/projector.js).
POLL_SECONDS = 3


def _time(instant: datetime) -> str:
    return format_time(instant, "HH:mm")


# ---------------------------------------------------------------------------------------------
# The projector


def qr_image(url: str) -> str:
    """Draw a QR code of an address as an SVG data URI (scaled by the page, drawn here)."""
    return segno.make(url, error="m").svg_data_uri(omitsize=True, border=4, dark="#000")


def projector_state(session: Session, now: datetime) -> dict:
    """Return what the projector shows at an instant: the window's state, the code and its QR
    code while it is open, and how many expected trainees have signed."""
    opens, closes = times.signing_window(session)
    signed, expected = queries.signed_and_expected(session)
    state = {
        "signed": signed,
        "expected": expected,
        "count": ngettext(
            "%(num)d of %(expected)d expected trainees has signed.",
            "%(num)d of %(expected)d expected trainees have signed.",
            signed,
            expected=expected,
        ),
        "poll_seconds": POLL_SECONDS,
    }
    if session.closed_at is not None:
        return state | {
            "state": "closed",
            "message": _("The roll call of this half-day is closed: signing is over."),
        }
    if now < opens:
        same_day = opens.date() == now.astimezone(opens.tzinfo).date()
        message = (
            _(
                "Signing opens at %(opens)s, %(minutes)d minutes before the start (%(start)s).",
                opens=_time(opens),
                minutes=int(current_app.config["SIGNING_OPENS_MINUTES_BEFORE"]),
                start=_time(times.starts(session)),
            )
            if same_day
            else _(
                "Signing opens on %(day)s at %(opens)s.",
                day=day(opens.date()),
                opens=_time(opens),
            )
        )
        return state | {"state": "before", "message": message}
    if now >= closes:
        return state | {
            "state": "after",
            "message": _(
                "Signing closed at %(time)s, when the half-day ended.", time=_time(closes)
            ),
        }
    secret, seconds = operations.code_settings()
    code = codes.current_code(secret, session.id, now, seconds)
    url = url_for("signing.by_qr", session_id=session.id, token=code.token, _external=True)
    return state | {
        "state": "open",
        "message": _("Signing closes at %(time)s.", time=_time(closes)),
        "code": code.code,
        "spaced_code": code.spaced,
        "url": url,
        "qr": qr_image(url),
        "changes_in": round(codes.step_ends(code.step, seconds) - now.timestamp(), 1),
    }


@bp.route("/cohorts/<slug>/sessions/<int:session_id>/projector")
@allow("admin", "instructor")
def projector(slug: str, session_id: int):
    """Show a half-day's room code and QR code full screen, for the room's projector."""
    cohort = cohort_or_404(slug, "record_teaching")
    session = session_or_404(cohort, session_id)
    return render_template(
        "signing/projector.html",
        cohort=cohort,
        session=session,
        half_day=half_day(session),
        state=projector_state(session, timeutil.utc_now()),
        code_seconds=int(current_app.config["SIGNING_CODE_SECONDS"]),
    )


@bp.route("/cohorts/<slug>/sessions/<int:session_id>/projector/state")
@allow("admin", "instructor")
def projector_state_json(slug: str, session_id: int):
    """Answer the projector's page with the code, the QR code and the count of now, in JSON."""
    cohort = cohort_or_404(slug, "record_teaching")
    session = session_or_404(cohort, session_id)
    return jsonify(projector_state(session, timeutil.utc_now()))


# ---------------------------------------------------------------------------------------------
# The trainee's signing page


def own_trainee() -> Trainee:
    """Return the signed-in account's own trainee record: the only one it may sign for."""
    trainee = current_user.trainee
    if trainee is None:
        abort(
            403,
            description=_(
                "Your account is not linked to a trainee yet. Please ask the training manager."
            ),
        )
    return trainee


def trainees_session_or_404(trainee: Trainee, session_id: int) -> Session:
    """Load a half-day of the trainee's cohort, else 404."""
    session = db.get_or_404(Session, session_id)
    if session.cohort_id != trainee.cohort_id:
        abort(404)
    return session


def refuse(refusal: SigningRefused):
    """Answer a refused signature with its status and its reason, in the site's layout."""
    abort(refusal.status, description=refusal.message)


def signing_page(
    session: Session, trainee: Trainee, form: SignatureForm | None = None, status: int = 200
):
    """Render the page where a trainee draws and confirms their signature of a half-day."""
    return render_template(
        "signing/sign.html",
        session=session,
        trainee=trainee,
        half_day=half_day(session),
        kind=SESSION_KIND_LABELS[session.kind],
        starts_at=times.starts(session),
        ends_at=times.ends(session),
        form=form or SignatureForm(formdata=None),
    ), status


def open_with_code(session: Session, trainee: Trainee, code: str, now: datetime):
    """Render the signing page opened with a valid code: the page carries its pass."""
    secret, _seconds = operations.code_settings()
    form = SignatureForm(
        formdata=None,
        data={"signing_pass": codes.issue_pass(secret, session.id, trainee.id, code, now)},
    )
    return signing_page(session, trainee, form)


@bp.route("/sign")
@allow("trainee")
def by_code():
    """Open the signing page of the half-day whose room code the trainee typed."""
    trainee = own_trainee()
    now = timeutil.utc_now()
    code = request.args.get("code", "")
    try:
        session, _step = operations.find_by_code(queries.open_for_signing(trainee, now), code, now)
        operations.check_may_sign(session, trainee, current_user, now)
    except SigningRefused as refusal:
        refuse(refusal)
    return open_with_code(session, trainee, code, now)


@bp.route("/sign/<int:session_id>/<token>")
@allow("trainee")
def by_qr(session_id: int, token: str):
    """Open the signing page of a half-day from the room's QR code."""
    trainee = own_trainee()
    session = trainees_session_or_404(trainee, session_id)
    now = timeutil.utc_now()
    try:
        operations.check_may_sign(session, trainee, current_user, now)
        operations.check_code(session, token, now)
    except SigningRefused as refusal:
        refuse(refusal)
    return open_with_code(session, trainee, token, now)


@bp.route("/sign/<int:session_id>", methods=["GET", "POST"])
@allow("trainee")
def sign(session_id: int):
    """Draw and confirm one's signature of a half-day (opened with its code, or remote)."""
    trainee = own_trainee()
    session = trainees_session_or_404(trainee, session_id)
    now = timeutil.utc_now()
    if request.method == "GET":
        # Without a code, only a remote half-day: a classroom's is opened from the room's code.
        try:
            operations.check_may_sign(session, trainee, current_user, now)
            if session.kind != "remote":
                raise SigningRefused(
                    _("Scan the QR code shown in the room, or type its code on your home page."),
                    400,
                )
        except SigningRefused as refusal:
            refuse(refusal)
        return signing_page(session, trainee)

    form = SignatureForm()
    if not form.validate_on_submit():
        abort(400)
    code = read_at = None
    if form.signing_pass.data:
        secret, _seconds = operations.code_settings()
        opened = codes.read_pass(secret, form.signing_pass.data)
        if opened is None:
            abort(400, description=_("This signing page cannot be read: scan the code again."))
        # A page opened by another account, or for another half-day, signs nothing.
        if opened.trainee_id != trainee.id or opened.session_id != session.id:
            abort(403, description=_("You can only sign for yourself, from your own account."))
        code, read_at = opened.code, opened.read_at
    try:
        signature = operations.sign(
            session,
            trainee,
            current_user,
            form.strokes.data,
            code=code,
            code_read_at=read_at,
            address=request.remote_addr,
            user_agent=request.user_agent.string,
            now=now,
        )
    except SigningRefused as refusal:
        db.session.rollback()
        if refusal.field == "strokes":
            # Nothing is kept: draw again on the same page, whose pass still holds.
            form.strokes.errors = [refusal.message]
            return signing_page(session, trainee, form, refusal.status)
        refuse(refusal)
    # Said before the commit, which would have the half-day and the signature read again.
    message = _(
        "Your signature of %(half_day)s is recorded, at %(time)s.",
        half_day=half_day(session),
        time=_time(signature.signed_at),
    )
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("auth.home"))


# ---------------------------------------------------------------------------------------------
# The trainee's home page


def signing_on_home() -> dict | None:
    """Return what a trainee's home page shows of signing: the half-days open for signing now,
    each signed or not, and when the next one opens."""
    if not current_user.is_authenticated or current_user.role != "trainee":
        return None
    trainee = current_user.trainee
    if trainee is None:
        return None
    now = timeutil.utc_now()
    sessions = queries.open_for_signing(trainee, now)
    signatures = queries.signatures_by_session(trainee, [session.id for session in sessions])
    lines = [
        {
            "session": session,
            "half_day": half_day(session),
            "remote": session.kind == "remote",
            "closes_at": times.ends(session),
            "signature": signatures.get(session.id),
        }
        for session in sessions
    ]
    following = None if lines else queries.next_opening(trainee, now)
    return {
        "lines": lines,
        "needs_code": any(not line["remote"] and not line["signature"] for line in lines),
        "next": (
            {"half_day": half_day(following[0]), "opens_at": following[1]} if following else None
        ),
    }


@bp.app_context_processor
def home_helpers() -> dict:
    """Give templates what the trainee's home page shows of signing (read only when shown)."""
    return {"signing_on_home": signing_on_home, "signing_time": _time}
