"""The proof file of a week: every signature's data and fingerprint, and the sealed sheet's.

A JSON document an auditor keeps beside the signed sheet. For each trainee's signature and each
instructor's countersignature of the week it gives what identifies it (who, which half-day,
when in UTC, from which address and browser, with which code step), the drawing exactly as
kept, and its SHA-256 (`tracker.signing.strokes.digest`), which anyone can compute again from
the file's own fields. It names the sealed sheet by the SHA-256 of the PDF as served, so that
the proof and the sheet vouch for each other.
"""

import hashlib
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from tracker import timeutil
from tracker.attendance import times
from tracker.attendance.models import Session
from tracker.cohorts.models import Cohort, Module, Trainee
from tracker.extensions import db
from tracker.organisation import queries as organisation
from tracker.signing import strokes
from tracker.signing.models import Countersignature, PaperSheet, Signature
from tracker.signing.seal import Seal

# The fields each digest is computed over (tracker.signing.strokes.digest), in the proof's names.
SIGNATURE_FIELDS = ("session_id", "trainee_id", "signed_at", "address", "user_agent", "time_step")
COUNTERSIGNATURE_FIELDS = (
    "session_id",
    "signed_by_id",
    "signer_name",
    "signed_at",
    "address",
    "user_agent",
)
HOW = (
    "SHA-256 (hexadecimal) of the UTF-8 text made of the fields listed, as a JSON object with "
    "its keys sorted and no spaces (instants in ISO 8601, UTC), then a line feed, then the "
    "strokes exactly as given (compact JSON: strokes of [x, y, milliseconds] points, x and y "
    "from 0 to 1 across the pad)."
)


def utc(instant: datetime) -> str:
    """Write an instant as the digests read it: ISO 8601 in UTC (some databases give it in
    their own zone)."""
    return instant.astimezone(UTC).isoformat()


def _half_day(session: Session, cohort: Cohort, module: str) -> dict[str, Any]:
    starts_at, ends_at = times.session_times(session, cohort)
    return {
        "session_id": session.id,
        "date": session.date.isoformat(),
        "slot": session.slot,
        "starts_at": f"{starts_at:%H:%M}",
        "ends_at": f"{ends_at:%H:%M}",
        "time_zone": "Europe/Paris",
        "module": module,
        "kind": session.kind,
    }


def _checked(entry: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    """Add whether the kept digest is still that of the entry's fields and strokes."""
    recomputed = strokes.digest({name: entry[name] for name in fields}, entry["strokes"])
    return entry | {"intact": recomputed == entry["digest"]}


def week_proof(
    cohort: Cohort,
    monday: date,
    sheet: bytes,
    sheet_name: str,
    language: str,
    seal: Seal,
) -> dict[str, Any]:
    """Gather the proof of a cohort's week, naming the sealed sheet given (its bytes as served)."""
    rows = db.session.execute(
        select(Session, Module.code)
        .join(Module, Module.id == Session.module_id)
        .where(Session.cohort_id == cohort.id, Session.date.between(monday, monday + timedelta(6)))
        .order_by(Session.date, Session.slot)
    ).all()
    half_days = {session.id: _half_day(session, cohort, code) for session, code in rows}
    signatures = []
    for signature, trainee in db.session.execute(
        select(Signature, Trainee)
        .join(Trainee, Trainee.id == Signature.trainee_id)
        .where(Signature.session_id.in_(half_days))
        .order_by(Signature.session_id, Trainee.ref)
    ):
        entry = {
            "session_id": signature.session_id,
            "trainee_id": signature.trainee_id,
            "trainee_ref": trainee.ref,
            "trainee_name": f"{trainee.first_name} {trainee.last_name}",
            "half_day": half_days[signature.session_id],
            "signed_at": utc(signature.signed_at),
            "address": signature.address,
            "user_agent": signature.user_agent,
            "time_step": signature.time_step,
            "strokes": signature.strokes,
            "digest": signature.digest,
        }
        signatures.append(_checked(entry, SIGNATURE_FIELDS))
    countersignatures = []
    for countersignature in db.session.scalars(
        select(Countersignature)
        .where(Countersignature.session_id.in_(half_days))
        .order_by(Countersignature.session_id)
    ):
        entry = {
            "session_id": countersignature.session_id,
            "half_day": half_days[countersignature.session_id],
            "signed_by_id": countersignature.signed_by_id,
            "signer_name": countersignature.signer_name,
            "signed_at": utc(countersignature.signed_at),
            "address": countersignature.address,
            "user_agent": countersignature.user_agent,
            "strokes": countersignature.strokes,
            "digest": countersignature.digest,
        }
        countersignatures.append(_checked(entry, COUNTERSIGNATURE_FIELDS))
    paper = db.session.scalar(
        select(PaperSheet).where(PaperSheet.cohort_id == cohort.id, PaperSheet.week == monday)
    )
    year, number, _ = monday.isocalendar()
    return {
        "proof_of": "signed attendance sheet",
        "organisation": organisation.current().legal_name,
        "made_at": utc(timeutil.utc_now()),
        "cohort": {"slug": cohort.slug, "name": cohort.name, "funder": cohort.funder},
        "week": f"{year}-W{number:02d}",
        "first_day": monday.isoformat(),
        "last_day": (monday + timedelta(days=6)).isoformat(),
        "sheet": {
            "file_name": sheet_name,
            "language": language,
            "sha256": hashlib.sha256(sheet).hexdigest(),
            "size": len(sheet),
            "sealed_by": {
                "subject": seal.subject,
                "certificate_sha256": seal.fingerprint,
                "self_signed": seal.self_signed,
            },
        },
        "paper_sheet": None
        if paper is None
        else {
            "file_name": paper.file_name,
            "content_type": paper.content_type,
            "size": paper.size,
            "sha256": paper.sha256,
            "uploaded_at": utc(paper.uploaded_at),
        },
        "digests": {
            "algorithm": "SHA-256",
            "signature_fields": list(SIGNATURE_FIELDS),
            "countersignature_fields": list(COUNTERSIGNATURE_FIELDS),
            "how": HOW,
        },
        "half_days": [
            half_days[session.id]
            | {
                "closed_at": None if session.closed_at is None else utc(session.closed_at),
                # None when closed by the tracker, N days after the half-day.
                "closed_by_id": session.closed_by_id,
            }
            for session, _code in rows
        ],
        "signatures": signatures,
        "countersignatures": countersignatures,
    }
