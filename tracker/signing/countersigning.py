"""The instructor's countersignature: a signature drawn once, confirmed at each closing.

An instructor (or an administrator) draws their signature once on the page "My signature", and
may draw it again; each closing of a roll call copies the drawing into the half-day's
Countersignature, with who signed, when (UTC), from which address and browser, and a digest over
these and the strokes (`strokes.digest`), all in the same transaction as the closing.

A reopened half-day keeps its countersignature row: the next closing by a person replaces it (the
trail keeps the earlier one), and an automatic closing writes none. So a countersignature vouches
for a half-day only while it is the one of its current closing (`of_closing`).

Changes flush and never commit.
"""

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from tracker import timeutil
from tracker.attendance.models import Session
from tracker.attendance.operations import AttendanceError
from tracker.auth.models import User
from tracker.extensions import db
from tracker.signing import strokes
from tracker.signing.models import Countersignature, DrawnSignature

# The roles that countersign roll calls, and so draw a signature.
COUNTERSIGNING_ROLES = ("admin", "instructor")


class NoDrawnSignature(AttendanceError):
    """A closing by someone who has not drawn their signature yet: nothing was written."""

    def __init__(self) -> None:
        super().__init__(
            _("Draw your signature once on the page “My signature” before closing a roll call.")
        )


def drawn_signature(user: User) -> DrawnSignature | None:
    """Load the signature a user has drawn, if any."""
    return db.session.scalar(select(DrawnSignature).where(DrawnSignature.user_id == user.id))


def draw_signature(user: User, drawing: strokes.Strokes, now: datetime | None = None):
    """Keep a user's drawn signature, replacing the one drawn before (the trail keeps it)."""
    now = now or timeutil.utc_now()
    drawn = drawn_signature(user)
    if drawn is None:
        drawn = DrawnSignature(user_id=user.id)
        db.session.add(drawn)
    drawn.strokes = strokes.stored(drawing)
    drawn.drawn_at = now
    db.session.flush()
    return drawn


def countersignature_fields(countersignature: Countersignature) -> dict[str, Any]:
    """Return what a countersignature's digest covers, besides its strokes (FOUNDATION's list)."""
    return {
        "session_id": countersignature.session_id,
        "signed_by_id": countersignature.signed_by_id,
        "signer_name": countersignature.signer_name,
        "signed_at": countersignature.signed_at.astimezone(UTC),
        "address": countersignature.address,
        "user_agent": countersignature.user_agent,
    }


def countersign(
    session: Session,
    signer: User,
    now: datetime,
    *,
    address: str = "",
    user_agent: str = "",
) -> Countersignature:
    """Write the countersignature of a half-day with the signer's drawn signature.

    Refused (NoDrawnSignature) when the signer has drawn none. A half-day closed before, then
    reopened, has its countersignature replaced.
    """
    drawn = drawn_signature(signer)
    if drawn is None:
        raise NoDrawnSignature()
    countersignature = db.session.scalar(
        select(Countersignature).where(Countersignature.session_id == session.id)
    )
    if countersignature is None:
        countersignature = Countersignature(session_id=session.id)
        db.session.add(countersignature)
    countersignature.signed_by_id = signer.id
    countersignature.signer_name = (signer.name or signer.email)[:200]
    countersignature.signed_at = now.astimezone(UTC)
    countersignature.address = (address or "")[:64]
    countersignature.user_agent = (user_agent or "")[:400]
    countersignature.strokes = drawn.strokes
    countersignature.digest = strokes.digest(
        countersignature_fields(countersignature), drawn.strokes
    )
    db.session.flush()
    return countersignature


def of_closing(session: Session) -> Countersignature | None:
    """Load the countersignature of a half-day's current closing; None when it is open, closed
    automatically, or its countersignature is from a closing undone by a reopening."""
    if session.closed_at is None or session.closed_by_id is None:
        return None
    countersignature = db.session.scalar(
        select(Countersignature).where(Countersignature.session_id == session.id)
    )
    if countersignature is None or countersignature.signed_at != session.closed_at:
        return None
    return countersignature


def is_intact(countersignature: Countersignature) -> bool:
    """Tell whether a countersignature's digest still matches its fields and strokes."""
    fields: Mapping[str, Any] = countersignature_fields(countersignature)
    return strokes.digest(fields, countersignature.strokes) == countersignature.digest
