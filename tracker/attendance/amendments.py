"""The amendments to closed roll calls, and the history of a roll call, as people read them: the
roll call page, the trainee's page and the filled attendance sheet show them the same way."""

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select

from tracker.attendance.closing import AUTOMATIC_CLOSING
from tracker.attendance.forms import STATUS_LABELS
from tracker.attendance.models import Session
from tracker.attendance.operations import Mark
from tracker.audit import capture, queries
from tracker.cohorts.models import Trainee
from tracker.extensions import db


def mark_of(values: dict | None) -> Mark | None:
    """Return the mark that a record's values in the trail hold, None for no record."""
    if not values or "status" not in values:
        return None
    return Mark(values["status"], values.get("minutes_missed") or 0, values.get("note"))


def describe_mark(mark: Mark | None) -> str:
    """Say what a line records, for people: Late (20 min) — Train delayed."""
    if mark is None:
        return _("no mark")
    text = str(STATUS_LABELS[mark.status])
    if mark.minutes_missed:
        text = _("%(status)s (%(minutes)d min)", status=text, minutes=mark.minutes_missed)
    if mark.note:
        text = _("%(mark)s — %(note)s", mark=text, note=mark.note)
    return text


def describe_actor(actor: str, file: str | None = None) -> str:
    """Name who made a change, for people, with the file of an import."""
    names = {
        capture.COMMAND_LINE: _("the command line"),
        AUTOMATIC_CLOSING: _("the tracker (automatic closing)"),
    }
    who = names.get(actor, actor)
    if file:
        who = _("%(who)s, file %(file)s", who=who, file=file)
    return who


def who_acted(entry: queries.Entry) -> str:
    """Name who made a change of the trail, for people, with the file of an import."""
    return describe_actor(entry.actor, (entry.source or {}).get("file"))


@dataclass(frozen=True)
class Amendment:
    """A change to a closed roll call's mark: which half-day and trainee, before → after, who,
    when and why."""

    session_id: int
    date: date
    slot: str
    trainee_id: int
    trainee: str  # reference and name
    before: Mark | None
    after: Mark | None
    actor: str  # as the trail names it: describe_actor says it in the reader's language
    file: str | None
    when: datetime
    why: str | None

    @property
    def who(self) -> str:
        return describe_actor(self.actor, self.file)


def amendments(
    cohort_id: int,
    *,
    trainee_id: int | None = None,
    session_ids: set[int] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[Amendment]:
    """Load the amendments to a cohort's roll calls, of one trainee or some sessions, recorded
    after an instant and up to another when given, in order."""
    entries = queries.history(
        cohort_id=cohort_id,
        entity="attendance_records",
        trainee_id=trainee_id,
        amendments_only=True,
    )
    if session_ids is not None:
        entries = [entry for entry in entries if entry.key.get("session_id") in session_ids]
    if since is not None:
        entries = [entry for entry in entries if entry.recorded_at > since]
    if until is not None:
        entries = [entry for entry in entries if entry.recorded_at <= until]
    if not entries:
        return []
    sessions = {
        id_: (day, slot)
        for id_, day, slot in db.session.execute(
            select(Session.id, Session.date, Session.slot).where(
                Session.id.in_({entry.key.get("session_id") for entry in entries})
            )
        )
    }
    trainees = {
        trainee.id: f"{trainee.ref} {trainee.name}"
        for trainee in db.session.scalars(
            select(Trainee).where(Trainee.id.in_({entry.trainee_id for entry in entries}))
        )
    }
    found = []
    for entry in entries:
        session_id = entry.key.get("session_id")
        if session_id not in sessions:
            continue  # a half-day since removed from the timetable
        day, slot = sessions[session_id]
        found.append(
            Amendment(
                session_id=session_id,
                date=day,
                slot=slot,
                trainee_id=entry.trainee_id,
                trainee=trainees.get(entry.trainee_id, "?"),
                before=mark_of(entry.was),
                after=mark_of(entry.now),
                actor=entry.actor,
                file=(entry.source or {}).get("file"),
                when=entry.recorded_at,
                why=entry.reason,
            )
        )
    return found
