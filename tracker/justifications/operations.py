"""Changes to the absence justifications: declare one, accept it, refuse it.

Accepting writes the excused marks through the attendance feature's write path
(`attendance.operations.write_marks`), in the same transaction as the decision; a mark of a
closed roll call is then an amendment, whose reason is the justification's.

Changes flush and never commit; the trail records each.
"""

from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select, update

from tracker import attachments, timeutil
from tracker.attachments import Attachment
from tracker.attendance import operations as attendance
from tracker.attendance import rules as attendance_rules
from tracker.attendance.models import AttendanceRecord, Session
from tracker.audit import capture
from tracker.auth.models import User
from tracker.cohorts.models import Trainee
from tracker.extensions import db
from tracker.justifications import queries, rules
from tracker.signing.models import Justification


class JustificationError(ValueError):
    """A justification or a decision that the rules refuse: nothing was written.

    The message is for people, in their language; `field` names the form's field it is about.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


def refuse_problems(problems) -> None:
    """Refuse with the first problem the rules found, if any."""
    if problems:
        raise JustificationError(problems[0].message, problems[0].field)


def declare(
    trainee: Trainee,
    *,
    first_day: date,
    first_slot: str,
    last_day: date,
    last_slot: str,
    reason: str,
    attachment: Attachment | None,
    declared_by: User,
    today: date | None = None,
    now: datetime | None = None,
) -> Justification:
    """Record a trainee's justification of an absence, with its document, waiting for a decision.

    Only the trainee's own account declares it. The document is required: the decision rests on
    it. Its file is kept before the row is written, so that a row never names a missing file.
    """
    if declared_by.role != "trainee" or declared_by.trainee_id != trainee.id:
        raise JustificationError(_("Only the trainee declares their own absences."))
    today = today or timeutil.today()
    refuse_problems(
        rules.span_problems(trainee.cohort, first_day, first_slot, last_day, last_slot, today)
    )
    refuse_problems(rules.reason_problems(reason))
    if attachment is None:
        raise JustificationError(_("Attach the document that justifies the absence."), "file")
    attachments.store(attachment)
    justification = Justification(
        trainee_id=trainee.id,
        first_day=first_day,
        first_slot=first_slot,
        last_day=last_day,
        last_slot=last_slot,
        reason=reason.strip(),
        file_name=attachment.file_name,
        content_type=attachment.content_type,
        size=attachment.size,
        sha256=attachment.sha256,
        declared_by_id=declared_by.id,
        declared_at=now or timeutil.utc_now(),
        state="pending",
    )
    with capture.acting(account=declared_by):
        db.session.add(justification)
        db.session.flush()
    return justification


def claim_decision(justification: Justification, values: dict) -> None:
    """Write a decision if the justification still waits for one, else refuse.

    The check and the write are one UPDATE, so that of two decisions taken at once only one
    succeeds, whichever the database.
    """
    decided = db.session.execute(
        update(Justification)
        .where(Justification.id == justification.id, Justification.state == "pending")
        .values(values)
        .execution_options(synchronize_session="fetch")
    )
    if decided.rowcount != 1:
        raise JustificationError(
            _("This justification was already decided: look at it again."), "state"
        )


def accept(justification: Justification, decided_by: User, now: datetime | None = None) -> int:
    """Accept a justification: each half-day it covers where the trainee is expected becomes an
    excused absence with its reason. Return how many marks changed.

    A mark of a closed roll call changes as an amendment whose reason is the justification's.
    """
    now = now or timeutil.utc_now()
    with capture.acting(account=decided_by):
        claim_decision(
            justification,
            {"state": "accepted", "decided_by_id": decided_by.id, "decided_at": now},
        )
    reason = justification.reason
    covered = queries.covered_half_days(justification)
    for half_day in covered:
        refuse_problems(
            attendance_rules.mark_problems("excused", 0, reason, session_minutes=half_day.minutes)
        )
    stored = dict(
        db.session.execute(
            select(AttendanceRecord.session_id, AttendanceRecord.id).where(
                AttendanceRecord.trainee_id == justification.trainee_id,
                AttendanceRecord.session_id.in_([half_day.session_id for half_day in covered]),
            )
        ).all()
    )
    excused = {"status": "excused", "minutes_missed": 0, "note": reason}
    written = {"recorded_by_id": decided_by.id, "recorded_at": now, **excused}
    new, changed, touched = [], [], []
    for half_day in covered:
        if half_day.session_id not in stored:
            new.append(
                {"session_id": half_day.session_id, "trainee_id": justification.trainee_id}
                | written
            )
        elif (half_day.status, half_day.minutes_missed, half_day.note) != tuple(excused.values()):
            changed.append({"id": stored[half_day.session_id]} | written)
        else:
            continue  # excused already, for this reason
        touched.append(half_day.session_id)
    with capture.acting(account=decided_by, reason=reason):
        attendance.write_marks(new, changed)
    if touched:
        # A roll call page opened before the decision must not save over the excused marks.
        db.session.execute(
            update(Session)
            .where(Session.id.in_(touched))
            .values(roll_call_version=Session.roll_call_version + 1)
            .execution_options(synchronize_session=False)
        )
    db.session.flush()
    return len(touched)


def refuse(
    justification: Justification, decided_by: User, reason: str, now: datetime | None = None
) -> None:
    """Refuse a justification for a reason that the trainee reads; the marks stay as they are."""
    refuse_problems(rules.reason_problems(reason, "decision_reason"))
    with capture.acting(account=decided_by):
        claim_decision(
            justification,
            {
                "state": "refused",
                "decided_by_id": decided_by.id,
                "decided_at": now or timeutil.utc_now(),
                "decision_reason": reason.strip(),
            },
        )
    db.session.flush()
