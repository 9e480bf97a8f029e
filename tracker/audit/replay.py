"""The records as they stood at an earlier instant, rebuilt from the trail.

`as_recorded(T)` opens a savepoint, undoes in it every change recorded after T, latest first
(an insertion is deleted, an update gets its values before back, a deletion is inserted again),
and lets the caller read: every figure, page, report and API reads the records as they stood at
T through the code that reads today's. Leaving the block rolls the savepoint back, so nothing
of the replay remains, in the database or in the session's objects.

The latest first keeps the database consistent at every step: a roll call is undone before its
session, a session is inserted again before its roll call. What the database changes by itself
follows: the results' copy of their assessment's maximum goes back with it (ON UPDATE CASCADE).
"""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from itertools import groupby
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Date,
    DateTime,
    Float,
    Numeric,
    Table,
    Time,
    and_,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)

from tracker import timeutil
from tracker.audit import capture
from tracker.audit.models import AuditEntry
from tracker.extensions import db
from tracker.money import Money

# Where the session notes the instant whose records it shows (as_recorded).
REBUILT = "as_recorded"


class BeforeTheTrail(ValueError):
    """An instant before the trail began, while the records hold changes made before it."""


def parse_instant(text: str) -> datetime:
    """Read an ISO 8601 instant (2022-07-05T18:00:00+02:00, …Z); a naive time is Paris time.

    A date alone means its end of day in Paris: what was recorded on it counts.
    """
    text = text.strip()
    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"{text!r} is not an instant such as 2022-07-05T18:00:00+02:00 or 2022-07-05T16:00Z"
        ) from None
    if len(text) == 10:  # a date: 2022-07-05
        instant = datetime.combine(instant.date() + timedelta(days=1), datetime.min.time())
        instant -= timedelta(microseconds=1)
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=timeutil.COURSE_TIME_ZONE)
    return instant.astimezone(UTC)


@contextmanager
def as_recorded(instant: datetime) -> Iterator[datetime]:
    """Show the session the records as they stood at an instant, inside the block only.

    Yields the instant rebuilt: a future one is now. Raises BeforeTheTrail for an instant
    before the first entry when the database holds records older than the trail.
    """
    session = db.session()
    instant = min(instant, timeutil.utc_now())
    if session.info.get(REBUILT) is not None:
        raise RuntimeError("the records are already rebuilt at an instant")
    savepoint = session.begin_nested()
    session.info[REBUILT] = instant
    try:
        with capture.paused(session):
            connection = session.connection()
            refuse_before_trail(connection, instant)
            undo_after(connection, instant)
        # The objects already loaded show the records as they stood too.
        session.expire_all()
        yield instant
    finally:
        session.info[REBUILT] = None
        if savepoint.is_active:
            savepoint.rollback()
        session.expire_all()


def rebuilt_at() -> datetime | None:
    """Return the instant whose records the session shows, or None when it shows them now."""
    return db.session().info.get(REBUILT)


def trail_begins(connection: Connection) -> datetime | None:
    """Return the instant of the trail's first entry, if any."""
    return connection.scalar(select(AuditEntry.recorded_at).order_by(AuditEntry.id).limit(1))


def refuse_before_trail(connection: Connection, instant: datetime) -> None:
    """Raise BeforeTheTrail when the records at an instant cannot be rebuilt from the trail."""
    first = trail_begins(connection)
    if first is not None and instant >= first:
        return
    if not _records_older_than_trail(connection):
        return
    if first is None:
        raise BeforeTheTrail(
            "The trail holds no entry yet: the records cannot be rebuilt as they stood earlier."
        )
    paris = first.astimezone(timeutil.COURSE_TIME_ZONE)
    raise BeforeTheTrail(
        f"The trail begins at {paris.isoformat(timespec='seconds')}: the records held changes "
        "made before it, which it cannot undo. Choose a later instant."
    )


def _records_older_than_trail(connection: Connection) -> bool:
    """Tell whether a record was written before the trail began (a database older than it).

    Ids only grow: a table's smallest id was written first. Without an insertion entry for it,
    it came before the trail.
    """
    for name in capture.AUDITED:
        table = db.metadata.tables[name]
        if "id" not in table.c:
            continue
        oldest = connection.scalar(select(func.min(table.c.id)))
        if oldest is None:
            continue
        # entity_key is JSON with sorted keys: the id follows "{" or ",", ends with "," or "}".
        entered = connection.scalar(
            select(AuditEntry.id)
            .where(
                AuditEntry.entity == name,
                AuditEntry.action == "insert",
                or_(
                    AuditEntry.entity_key.like(f'%"id":{oldest},%'),
                    AuditEntry.entity_key.like(f'%"id":{oldest}}}'),
                ),
            )
            .limit(1)
        )
        if entered is None:
            return True
    return False


def undo_after(connection: Connection, instant: datetime) -> int:
    """Undo every change recorded after an instant, the latest first; return how many."""
    entries = connection.execute(
        select(
            AuditEntry.entity,
            AuditEntry.action,
            AuditEntry.entity_key,
            AuditEntry.before,
        )
        .where(AuditEntry.recorded_at > instant)
        .order_by(AuditEntry.id.desc())
    ).all()
    # Consecutive undoings of one kind on one table go to the database as one statement.
    for (entity, action), run in groupby(entries, key=lambda entry: entry[:2]):
        table = db.metadata.tables[entity]
        rows = [
            (json.loads(key), json.loads(before) if before else None) for *_, key, before in run
        ]
        if action == "insert":
            _delete(connection, table, [key for key, _ in rows])
        elif action == "delete":
            _insert(connection, table, [before for _, before in rows])
        else:
            _set_back(connection, table, rows)
    return len(entries)


def _delete(connection: Connection, table: Table, keys: list[dict]) -> None:
    """Delete the rows that were inserted, by id, or by both columns of a link table."""
    if "id" in table.c:
        ids = [key["id"] for key in keys]
        for start in range(0, len(ids), 1000):
            connection.execute(delete(table).where(table.c.id.in_(ids[start : start + 1000])))
        return
    names = sorted(keys[0])
    condition = and_(*(table.c[name] == bindparam(f"key_{name}") for name in names))
    connection.execute(
        delete(table).where(condition),
        [{f"key_{name}": key[name] for name in names} for key in keys],
    )


def _insert(connection: Connection, table: Table, rows: list[dict]) -> None:
    """Insert again the rows that were deleted, as they were."""
    by_columns: dict[tuple, list[dict]] = {}
    for row in rows:
        decoded = {name: decode(table.c[name], value) for name, value in row.items()}
        by_columns.setdefault(tuple(sorted(decoded)), []).append(decoded)
    for same in by_columns.values():
        connection.execute(insert(table), same)


def _set_back(connection: Connection, table: Table, rows: list[tuple[dict, dict]]) -> None:
    """Give updated rows their values before the update back (secrets excepted: unknown)."""
    hidden = capture.AUDITED[table.name].hidden
    for key, before in rows:
        values = {
            name: decode(table.c[name], value)
            for name, value in before.items()
            if name not in hidden
        }
        if values:
            connection.execute(update(table).where(table.c.id == key["id"]).values(values))


def decode(column: Column, value: Any) -> Any:
    """Turn a value as the trail writes it (JSON: dates and decimals as text) into the column's."""
    if value is None or not isinstance(value, str):
        return value
    kind = column.type
    if isinstance(kind, Money):
        return Decimal(value)
    if isinstance(kind, timeutil.UTCDateTime | DateTime):
        return datetime.fromisoformat(value)
    if isinstance(kind, Date):
        return date.fromisoformat(value)
    if isinstance(kind, Time):
        return time.fromisoformat(value)
    if isinstance(kind, Numeric) and not isinstance(kind, Float) and kind.asdecimal:
        return Decimal(value)
    return value


@contextmanager
def as_recorded_or_now(instant: datetime | None) -> Iterator[datetime | None]:
    """Show the records as recorded at an instant, or as they are when none is given."""
    if instant is None:
        yield None
        return
    with as_recorded(instant) as rebuilt:
        yield rebuilt
