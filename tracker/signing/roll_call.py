"""What a roll call reads of the signatures: who signed a half-day and when, whether its week was
signed on paper, the marks the signatures disagree with, and the marks from signing that a save
made meanwhile keeps.

The readings are one query each, whatever the number of trainees; the rest are pure functions.
"""

import json
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from tracker.attendance import operations
from tracker.attendance.models import Session
from tracker.attendance.operations import Mark, StalePage
from tracker.attendance.stale import ChangedLine
from tracker.auth.models import User
from tracker.extensions import db
from tracker.paper import queries as paper_queries
from tracker.signing import rules
from tracker.signing.models import Signature


@dataclass(frozen=True)
class Signed:
    """A trainee's signature of a half-day, as the roll call shows it."""

    signed_at: datetime
    strokes: str


def signatures_of(session: Session) -> dict[int, Signed]:
    """Load the signatures of a half-day by trainee id, in one query."""
    rows = db.session.execute(
        select(Signature.trainee_id, Signature.signed_at, Signature.strokes).where(
            Signature.session_id == session.id
        )
    )
    return {trainee_id: Signed(signed_at, drawing) for trainee_id, signed_at, drawing in rows}


def monday_of(day: date) -> date:
    """Return the Monday of a day's week, as paper sheets are kept."""
    return day - timedelta(days=day.weekday())


def signed_on_paper(session: Session) -> bool:
    """Tell whether the cohort's signed paper sheet of the half-day's week was uploaded."""
    monday = monday_of(session.date)
    return monday in paper_queries.paper_weeks(session.cohort_id, [monday])


def disagreements(
    marks: Mapping[int, Mark | None], signed: Collection[int], on_paper: bool
) -> dict[int, str]:
    """Return how each trainee's mark disagrees with their signature (rules.disagreement), for
    the trainees whose mark does."""
    found = {}
    for trainee_id, mark in marks.items():
        status = mark.status if mark is not None else None
        disagreement = rules.disagreement(status, trainee_id in signed, on_paper)
        if disagreement is not None:
            found[trainee_id] = disagreement
    return found


def unexplained(marks: Mapping[int, Mark | None], found: Mapping[int, str]) -> list[int]:
    """Return the trainees whose disagreement has no reason yet: their mark has no note."""
    return [
        trainee_id
        for trainee_id in found
        if not ((marks.get(trainee_id) or Mark()).note or "").strip()
    ]


def _shown(mark: Mark | None) -> Mark:
    # As the roll call shows a line: present when nothing is recorded.
    return mark or Mark()


@dataclass(frozen=True)
class SignedMeanwhile:
    """How a roll call saved while trainees signed treats the lines of the signatures.

    `kept`: the lines whose mark from signing stays as recorded, the entry of the page being
    left aside (it was left as the page showed it). `conflicts`: lines whose trainee signed since
    the page was drawn while this person had typed another entry: shown again, not applied.
    `arrived`: the trainees who signed since the page was drawn.
    """

    kept: frozenset[int]
    conflicts: list[ChangedLine[Mark]]
    arrived: frozenset[int]


def signed_meanwhile(
    trainee_ids: Iterable[int],
    loaded: Mapping[int, Mark | None] | None,
    mine: Mapping[int, Mark | None],
    stored: Mapping[int, Mark | None],
    signed_now: Collection[int],
    signed_shown: Collection[int] | None,
) -> SignedMeanwhile:
    """Tell which entries of a roll call page a save applies, given the signatures.

    Signatures come in during the half-day and mark their trainees present or late. A page drawn
    before a trainee signed still shows that trainee's line as it was; saving it must neither
    overwrite the mark from signing with an entry nobody typed, nor refuse the whole save for it:
    - a line left as the page showed it keeps the mark recorded now;
    - a line whose entry is what is recorded now changes nothing either way;
    - a line typed otherwise, whose trainee signed since the page was drawn, is a conflict: the
      page shows it again with the entry beside it, as for a line someone else changed.
    Before the half-day starts a line left present records nothing (None); a signed trainee's
    mark is then kept rather than withdrawn. `signed_shown` None (a page that did not say whom
    it showed as signed) counts no signature as arrived.
    """
    arrived = (
        frozenset(signed_now) - frozenset(signed_shown or ())
        if signed_shown is not None
        else frozenset()
    )
    kept, conflicts = set(), []
    for trainee_id in trainee_ids:
        entered, now = mine.get(trainee_id), stored.get(trainee_id)
        if now is None:
            continue  # nothing recorded: the entry is written as any other
        if entered is None and trainee_id in signed_now:
            kept.add(trainee_id)
            continue
        if trainee_id not in arrived:
            continue
        known = loaded is not None and trainee_id in loaded
        before = loaded.get(trainee_id) if known else None
        untouched = known and _shown(entered) == _shown(before)
        if untouched or _shown(entered) == now:
            kept.add(trainee_id)
        else:
            conflicts.append(ChangedLine(trainee_id, before, now, entered, True, known))
    return SignedMeanwhile(frozenset(kept), conflicts, arrived)


def only_signatures_changed(
    trainee_ids: Iterable[int],
    loaded: Mapping[int, Mark | None] | None,
    stored: Mapping[int, Mark | None],
    arrived: Collection[int],
) -> bool:
    """Tell whether, since the page was drawn, the only lines that changed are those of the
    trainees who signed meanwhile (so its save need not be refused as stale)."""
    if loaded is None or not arrived:
        return False
    return all(
        _shown(loaded.get(trainee_id)) == _shown(stored.get(trainee_id))
        for trainee_id in trainee_ids
        if trainee_id not in arrived
    )


class SignaturesArrived(StalePage):
    """Trainees signed while a roll call was being saved: nothing was written; try again."""


class SignedLinesConflict(StalePage):
    """Trainees signed since the page was drawn, on lines whose entries differ from their marks
    from signing: nothing was written. `conflicts` are those lines."""

    def __init__(self, conflicts: list[ChangedLine[Mark]]) -> None:
        super().__init__()
        self.conflicts = conflicts


def record_roll_call(
    session: Session,
    mine: Mapping[int, Mark | None],
    loaded: Mapping[int, Mark | None] | None,
    signed_shown: Collection[int] | None,
    recorded_by: User | None,
    seen_version: int,
    now: datetime,
) -> frozenset[int]:
    """Record a roll call page (operations.record_roll_call) while trainees may be signing it;
    return the trainees who signed meanwhile and whose marks from signing were kept.

    `loaded` is what the page showed of each line and `signed_shown` whom it showed as signed.
    The marks from signing are kept as `signed_meanwhile` says; signatures that came in since the
    page was drawn do not make the save stale. Refuses, writing nothing, with SignedLinesConflict
    when an entry typed meanwhile differs from a new signature's mark, with StalePage when
    someone else saved other lines, and with SignaturesArrived when a trainee signed during the
    save itself (the caller rolls back and tries again).
    """
    signatures = signatures_of(session)
    stored = {
        trainee_id: recorded.mark
        for trainee_id, recorded in operations.roll_call_marks(session).items()
    }
    trainee_ids = list(mine)
    meanwhile = signed_meanwhile(trainee_ids, loaded, mine, stored, signatures, signed_shown)
    if meanwhile.conflicts:
        raise SignedLinesConflict(meanwhile.conflicts)
    version = seen_version
    if only_signatures_changed(trainee_ids, loaded, stored, meanwhile.arrived):
        version = db.session.scalar(
            select(Session.roll_call_version).where(Session.id == session.id)
        )
    entries = {key: mark for key, mark in mine.items() if key not in meanwhile.kept}
    try:
        operations.record_roll_call(session, entries, recorded_by, version, now)
    except StalePage:
        if version == seen_version:
            raise
        raise SignaturesArrived() from None  # a save or a signature since the reading above
    # A signature written between the reading above and this save, by a path that leaves the
    # roll call's version alone, would have been overwritten: check.
    if set(signatures_of(session)) - set(signatures):
        raise SignaturesArrived()
    return meanwhile.arrived & meanwhile.kept


def dump_signed(signatures: Collection[int]) -> str:
    """Write whom a page shows as signed, for a hidden field of the page."""
    return json.dumps(sorted(signatures))


def load_signed(text: str | None) -> frozenset[int] | None:
    """Read whom a page showed as signed from its hidden field; None when it cannot be read."""
    try:
        return frozenset(int(trainee_id) for trainee_id in json.loads(text or ""))
    except (ValueError, TypeError):
        return None
