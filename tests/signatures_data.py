"""Signatures for tests of the roll call and its closing: a trainee's signature of a half-day,
an instructor's drawn signature, a week's paper sheet. Written straight into the tables, as the
signing pages would (their own tests check those pages)."""

from datetime import UTC, date, datetime

from sqlalchemy import select, update

from tracker.attendance.models import AttendanceRecord, Session
from tracker.extensions import db
from tracker.signing import strokes
from tracker.signing.models import DrawnSignature, PaperSheet, Signature

# A signature of a few strokes, as the pad sends it.
DRAWING = [
    [[0.1, 0.6, 0], [0.2, 0.3, 40], [0.3, 0.7, 80], [0.4, 0.35, 120], [0.5, 0.65, 160]],
    [[0.55, 0.5, 0], [0.7, 0.45, 30], [0.9, 0.5, 60]],
]
DRAWN = strokes.stored(DRAWING)


def draw_signature(app, user_id: int) -> None:
    """Give an account its drawn signature, for countersigning."""
    with app.app_context():
        db.session.add(
            DrawnSignature(
                user_id=user_id, strokes=DRAWN, drawn_at=datetime(2022, 1, 3, tzinfo=UTC)
            )
        )
        db.session.commit()


def sign(
    app,
    session_id: int,
    trainee_id: int,
    signed_at: datetime,
    mark: tuple | None = None,
    raise_version: bool = False,
) -> None:
    """Record a trainee's signature of a half-day; with `mark` (status, minutes), also their
    mark, as the signing does, raising the roll call's version or not (`raise_version`)."""
    with app.app_context():
        fields = {
            "session_id": session_id,
            "trainee_id": trainee_id,
            "signed_at": signed_at,
            "address": "192.0.2.7",
            "user_agent": "Phone",
            "time_step": 1,
        }
        db.session.add(Signature(**fields, strokes=DRAWN, digest=strokes.digest(fields, DRAWN)))
        if mark is not None:
            status, minutes = mark
            record = db.session.scalar(
                select(AttendanceRecord).where(
                    AttendanceRecord.session_id == session_id,
                    AttendanceRecord.trainee_id == trainee_id,
                )
            )
            if record is None:
                record = AttendanceRecord(session_id=session_id, trainee_id=trainee_id)
                db.session.add(record)
            record.status, record.minutes_missed, record.note = status, minutes, None
            record.recorded_at = signed_at
            record.recorded_by_id = None
        if raise_version:
            db.session.execute(
                update(Session)
                .where(Session.id == session_id)
                .values(roll_call_version=Session.roll_call_version + 1)
            )
        db.session.commit()


def upload_paper_sheet(app, cohort_id: int, monday: date) -> None:
    """Record that the signed paper sheet of a cohort's week was uploaded."""
    with app.app_context():
        db.session.add(
            PaperSheet(
                cohort_id=cohort_id,
                week=monday,
                file_name="semaine.pdf",
                content_type="application/pdf",
                size=1000,
                sha256="0" * 64,
            )
        )
        db.session.commit()


def cohort_of_session(app, session_id: int) -> int:
    with app.app_context():
        return db.session.get(Session, session_id).cohort_id
