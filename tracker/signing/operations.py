"""A trainee signs a half-day on their own phone: the checks, the signature kept, and the mark it
gives in the draft roll call.

Changes flush and never commit; nothing here reads the request (the view passes the address,
the user agent and the code).
"""

from datetime import datetime

from flask import current_app
from flask_babel import format_time
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from tracker import timeutil
from tracker.attendance import closing, times
from tracker.attendance import operations as attendance
from tracker.attendance.models import Session
from tracker.auth.models import User
from tracker.cohorts.models import Trainee
from tracker.cohorts.rules import is_expected
from tracker.extensions import db
from tracker.i18n import day
from tracker.signing import codes, queries, strokes
from tracker.signing.models import Signature

# The marks a signature replaces: an absence noted before the trainee arrived. Any other mark is
# the instructor's (an excused absence, a lateness or a departure with its minutes) and stays.
REPLACED_MARKS = ("absent",)
USER_AGENT_LENGTH = 400
ADDRESS_LENGTH = 64


class SigningRefused(ValueError):
    """A signature the rules refuse: the message is for the trainee, `status` the HTTP answer,
    `field` the form's field it is about, if any."""

    def __init__(
        self, message: str, status: int = 403, field: str | None = None, expired: bool = False
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.field = field
        self.expired = expired  # a code of this half-day, but too old

    def __str__(self) -> str:
        return self.message


def _time(instant: datetime) -> str:
    return format_time(instant, "HH:mm")


def code_settings() -> tuple[str, int]:
    """Return the secret and the seconds of a step that the room's codes use."""
    config = current_app.config
    return config["SECRET_KEY"], int(config["SIGNING_CODE_SECONDS"])


def check_code(session: Session, code: str | None, read_at: datetime) -> int:
    """Return the time step of a half-day's code (or QR token) read at an instant, or refuse it:
    expired (older than the previous step) or not this half-day's."""
    secret, seconds = code_settings()
    step = codes.step_of(secret, session.id, code, read_at, seconds)
    if step is not None:
        return step
    if not codes.normalised(code):
        raise SigningRefused(_("Type the code shown in the room."), 400, "code")
    if codes.is_expired(secret, session.id, code, read_at, seconds):
        raise SigningRefused(
            _("This code has expired: scan the QR code again, or type the code shown now."),
            400,
            "code",
            expired=True,
        )
    raise SigningRefused(
        _("This is not the code shown in the room for this half-day: check it and try again."),
        400,
        "code",
    )


def find_by_code(sessions: list[Session], code: str | None, read_at: datetime):
    """Return which of the half-days open for signing a typed code is of, and its time step;
    refuse a code of none of them."""
    if not codes.normalised(code):
        raise SigningRefused(_("Type the code shown in the room."), 400, "code")
    if not sessions:
        raise SigningRefused(_("No half-day is open for signing now."))
    refusals = []
    for session in sessions:
        try:
            return session, check_code(session, code, read_at)
        except SigningRefused as refusal:
            refusals.append(refusal)
    # A code of one half-day that has expired says more than "wrong" for the others.
    raise next((refusal for refusal in refusals if refusal.expired), refusals[0])


def check_may_sign(session: Session, trainee: Trainee, signed_by: User, now: datetime) -> None:
    """Refuse, with the reason, a trainee who may not sign a half-day now: not their own
    account's, not expected, roll call closed, outside the window, or signed already."""
    if signed_by.trainee_id is None or signed_by.trainee_id != trainee.id:
        raise SigningRefused(_("You can only sign for yourself, from your own account."))
    if trainee.cohort_id != session.cohort_id or not is_expected(
        session.date, trainee.enrolled_on, trainee.left_on
    ):
        raise SigningRefused(_("You are not expected at this half-day: there is nothing to sign."))
    if session.closed_at is not None:
        raise SigningRefused(
            _("The roll call of this half-day is closed: it can no longer be signed.")
        )
    opens, closes = times.signing_window(session)
    if now < opens:
        raise SigningRefused(
            _("Signing this half-day opens at %(time)s.", time=_time(opens))
            if opens.date() == now.astimezone(opens.tzinfo).date()
            else _(
                "Signing this half-day opens on %(day)s at %(time)s.",
                day=day(opens.date()),
                time=_time(opens),
            )
        )
    if now >= closes:
        raise SigningRefused(
            _("Signing this half-day closed at %(time)s, when it ended.", time=_time(closes))
        )
    signature = queries.signature_of(session, trainee)
    if signature is not None:
        raise SigningRefused(
            _(
                "You have already signed this half-day, at %(time)s.",
                time=_time(signature.signed_at),
            ),
            409,
        )


def signature_mark(session: Session, signed_at: datetime) -> attendance.Mark:
    """Return the mark a signature gives: present, or late by the minutes since the start when
    signed more than SIGNING_LATE_AFTER_MINUTES after it."""
    late = times.minutes_late(session, signed_at)
    if late > int(current_app.config["SIGNING_LATE_AFTER_MINUTES"]):
        return attendance.Mark("late", min(late, session.minutes))
    return attendance.Mark("present")


def sign(
    session: Session,
    trainee: Trainee,
    signed_by: User,
    drawing: str | None,
    *,
    code: str | None = None,
    code_read_at: datetime | None = None,
    address: str | None = None,
    user_agent: str | None = None,
    now: datetime | None = None,
) -> Signature:
    """Record a trainee's signature of a half-day, drawn on their phone, and mark them in its
    draft roll call.

    A classroom half-day is signed with the room's code (or the QR code's token), checked as it
    was when the trainee read it (`code_read_at`, at most codes.PASS_SECONDS ago); a remote
    half-day may be signed without one. The mark is present, or late with the minutes since the
    start; it replaces no mark but an absence. Raises SigningRefused, writing nothing.
    """
    now = now or timeutil.utc_now()
    check_may_sign(session, trainee, signed_by, now)
    time_step = None
    if code is not None:
        read_at = code_read_at or now
        if not 0 <= (now - read_at).total_seconds() <= codes.PASS_SECONDS:
            raise SigningRefused(
                _("This signing page has expired: scan the QR code or type the code again."),
                400,
                "code",
            )
        time_step = check_code(session, code, read_at)
    elif session.kind != "remote":
        raise SigningRefused(
            _("Scan the QR code shown in the room, or type its code on your home page."),
            400,
            "code",
        )
    try:
        drawn = strokes.stored(
            strokes.read_strokes(drawing, int(current_app.config["SIGNATURE_MAX_BYTES"]))
        )
    except strokes.StrokesRefused as error:
        raise SigningRefused(str(error), 422, "strokes") from None

    fields = {
        "session_id": session.id,
        "trainee_id": trainee.id,
        "signed_at": now,
        "address": (address or "")[:ADDRESS_LENGTH],
        "user_agent": (user_agent or "")[:USER_AGENT_LENGTH],
        "time_step": time_step,
    }
    signature = Signature(
        **fields,
        signed_by_id=signed_by.id,
        strokes=drawn,
        digest=strokes.digest(fields, drawn),
    )
    db.session.add(signature)
    try:
        db.session.flush()
    except IntegrityError:
        # Signed at the same instant from another tab or phone: the first signature stands.
        raise SigningRefused(_("You have already signed this half-day."), 409) from None
    try:
        attendance.record_mark(
            session,
            trainee.id,
            signature_mark(session, now),
            signed_by,
            replacing=REPLACED_MARKS,
            now=now,
        )
    except closing.AmendmentRefused:
        # Closed since the checks above: a closed roll call takes no change without a reason.
        raise SigningRefused(
            _("The roll call of this half-day is closed: it can no longer be signed.")
        ) from None
    except attendance.AttendanceError as error:
        raise SigningRefused(str(error), 409) from None
    return signature
