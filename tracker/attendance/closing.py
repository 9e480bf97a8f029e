"""Closing a half-day's roll call: the instructor's countersignature, or the tracker's N days after.

Until it is closed, a roll call is a draft that anyone who takes it may change. An instructor
closes it by countersigning: their drawn signature is copied into the half-day's Countersignature
in the same transaction (tracker.signing.countersigning); the closing is refused while a mark
disagrees with the signatures without a reason in its note (tracker.signing.rules). The automatic
closing countersigns nothing.

Once closed, any change to its marks is an amendment that needs a reason, whichever path makes it
(the page, an import, code): the guard below refuses it otherwise, before anything is written. An
administrator may reopen a closed roll call with a reason; its changes are then amendments
carrying that reason until it is closed again.

Changes flush and never commit.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import Connection, select, update

from tracker import timeutil
from tracker.attendance import times
from tracker.attendance.models import AttendanceRecord, Session
from tracker.attendance.operations import AttendanceError, Mark, expected_at
from tracker.audit import capture
from tracker.auth.models import User
from tracker.cohorts.models import Cohort, Trainee
from tracker.extensions import db
from tracker.signing import countersigning
from tracker.signing import roll_call as signed

# Who closes a roll call left open past the delay, in the trail.
AUTOMATIC_CLOSING = "automatic closing"


class AmendmentRefused(AttendanceError):
    """A change to a closed roll call without a reason: nothing was written.

    `records` are the (session id, trainee id) of the marks it would have changed.
    """

    def __init__(self, records: Sequence[tuple[int, int]]) -> None:
        super().__init__(
            _(
                "This roll call is closed: a change to it is an amendment, which needs a reason. "
                "Nothing is saved."
            ),
            "reason",
        )
        self.records = list(records)


def half_day_end(session: Session) -> datetime:
    """Return the instant a session's half-day ends, in the course's time zone."""
    return times.ends(session)


def is_over(session: Session, now: datetime) -> bool:
    """Tell whether a session's half-day is over at an instant."""
    return now >= half_day_end(session)


def unmarked_trainees(session: Session) -> list[Trainee]:
    """Load the trainees expected at a session who have no mark yet, ordered by reference."""
    marked = select(AttendanceRecord.trainee_id).where(AttendanceRecord.session_id == session.id)
    return list(
        db.session.scalars(
            select(Trainee)
            .where(
                Trainee.cohort_id == session.cohort_id,
                *expected_at(session.date),
                Trainee.id.not_in(marked),
            )
            .order_by(Trainee.ref)
        )
    )


def unexplained_disagreements(session: Session) -> list[Trainee]:
    """Load the expected trainees whose mark disagrees with their signature (or its absence)
    without a reason in the mark's note, ordered by reference."""
    rows = db.session.execute(
        select(Trainee, AttendanceRecord.status, AttendanceRecord.note)
        .join(AttendanceRecord, AttendanceRecord.trainee_id == Trainee.id)
        .where(AttendanceRecord.session_id == session.id, *expected_at(session.date))
        .order_by(Trainee.ref)
    ).all()
    marks = {trainee.id: Mark(status, 0, note) for trainee, status, note in rows}
    found = signed.disagreements(
        marks, signed.signatures_of(session), signed.signed_on_paper(session)
    )
    unexplained = set(signed.unexplained(marks, found))
    return [trainee for trainee, _status, _note in rows if trainee.id in unexplained]


def close_roll_call(
    session: Session,
    closed_by: User,
    now: datetime | None = None,
    *,
    address: str = "",
    user_agent: str = "",
) -> None:
    """Close a session's roll call: the countersignature of who took it, from an address and a
    browser (user agent), which the countersignature keeps.

    Refused before the half-day is over, while an expected trainee has no mark, while a mark
    disagrees with the signatures without a reason, and when the closer has not drawn their
    signature.
    """
    now = now or timeutil.utc_now()
    if session.closed_at is not None:
        raise AttendanceError(_("This roll call is already closed."))
    if not is_over(session, now):
        raise AttendanceError(
            _(
                "The roll call can be closed once the half-day is over, from %(end)s.",
                end=half_day_end(session).strftime("%H:%M"),
            )
        )
    missing = unmarked_trainees(session)
    if missing:
        raise AttendanceError(
            ngettext(
                "%(num)d expected trainee has no mark yet (%(names)s): save their mark first.",
                "%(num)d expected trainees have no mark yet (%(names)s): save their marks first.",
                len(missing),
                names=", ".join(trainee.ref for trainee in missing),
            )
        )
    disagreeing = unexplained_disagreements(session)
    if disagreeing:
        raise AttendanceError(
            ngettext(
                "The mark of %(names)s disagrees with the signatures: write the reason in its "
                "note and save the roll call before closing it.",
                "The marks of %(num)d trainees disagree with the signatures (%(names)s): write "
                "the reason in each one's note and save the roll call before closing it.",
                len(disagreeing),
                names=", ".join(f"{trainee.ref} {trainee.name}" for trainee in disagreeing),
            )
        )
    countersigning.countersign(session, closed_by, now, address=address, user_agent=user_agent)
    session.closed_at = now
    session.closed_by_id = closed_by.id
    db.session.flush()


def reopen_roll_call(session: Session, reason: str | None, now: datetime | None = None) -> None:
    """Reopen a closed roll call for a reason, which the trail and its amendments carry.

    Its countersignature stays as it was; it no longer vouches for the half-day
    (countersigning.of_closing), and the next closing by a person replaces it.
    """
    reason = (reason or "").strip()
    if not reason:
        raise AttendanceError(_("Give the reason for reopening the roll call."), "reason")
    if session.closed_at is None:
        raise AttendanceError(_("This roll call is not closed."))
    with capture.acting(reason=reason):
        session.closed_at = None
        session.closed_by_id = None
        session.reopened_at = now or timeutil.utc_now()
        session.reopen_reason = reason
        db.session.flush()


def closing_delay() -> int | None:
    """Return the days after its half-day when an open roll call closes by itself (None: never)."""
    days = current_app.config.get("ROLL_CALL_CLOSES_AFTER_DAYS")
    return None if days is None else int(days)


def close_overdue(cohort: Cohort | None = None, now: datetime | None = None) -> int:
    """Close the roll calls left open past the delay, of one cohort or of all; return how many.

    A roll call is overdue N days after its half-day, or N days after it was reopened. One never
    taken (no mark at all) stays open: it is missing, not final, and its marks, typed or imported
    late, are not amendments. The trail names the tracker as who closed them. Called before roll
    calls are read or written, so that it holds without a timer; `tracker roll-calls
    close-overdue` does it on a timer too.
    """
    days = closing_delay()
    if days is None:
        return 0
    now = now or timeutil.utc_now()
    last_day = now.astimezone(timeutil.COURSE_TIME_ZONE).date() - timedelta(days=days)
    overdue = select(Session.id).where(
        Session.closed_at.is_(None),
        Session.date <= last_day,
        Session.reopened_at.is_(None) | (Session.reopened_at <= now - timedelta(days=days)),
        select(AttendanceRecord.id).where(AttendanceRecord.session_id == Session.id).exists(),
    )
    if cohort is not None:
        overdue = overdue.where(Session.cohort_id == cohort.id)
    ids = list(db.session.scalars(overdue))
    if not ids:
        return 0
    # Not the changes of whatever import or page triggered it: the tracker's own.
    with capture.acting(actor=AUTOMATIC_CLOSING, source={}, reason="", reasons={}):
        for start in range(0, len(ids), 1000):
            db.session.execute(
                update(Session)
                .where(Session.id.in_(ids[start : start + 1000]))
                .values(closed_at=now, closed_by_id=None)
                .execution_options(synchronize_session="fetch")
            )
    db.session.flush()
    return len(ids)


@capture.guard("attendance_records")
def amendments_need_a_reason(connection: Connection, changes: list[capture.Change]) -> None:
    """Mark the changes to closed or reopened roll calls as amendments; refuse, writing nothing,
    those to a closed roll call without a reason."""
    ids = list({change.value("session_id") for change in changes})
    states: dict[int, tuple[bool, str | None]] = {}
    for start in range(0, len(ids), 1000):
        rows = connection.execute(
            select(Session.id, Session.closed_at, Session.reopen_reason).where(
                Session.id.in_(ids[start : start + 1000]),
                Session.closed_at.is_not(None) | Session.reopened_at.is_not(None),
            )
        )
        for id_, closed_at, reopen_reason in rows:
            states[id_] = (closed_at is not None, reopen_reason)
    if not states:
        return
    without_reason = []
    for change in changes:
        state = states.get(change.value("session_id"))
        if state is None:
            continue
        closed, reopen_reason = state
        change.amendment = True
        if not closed and change.reason is None:
            change.reason = reopen_reason
        if change.reason is None:
            without_reason.append((change.value("session_id"), change.value("trainee_id")))
    if without_reason:
        raise AmendmentRefused(without_reason)
