"""The hash chain: each entry holds the SHA-256 of its content and of the entry before it.

Entries are appended under a lock (an advisory lock on PostgreSQL; SQLite lets one writer at a
time), so that concurrent writers keep one line. Changing, removing or inserting an entry breaks
the chain at that entry, which `verify` names.
"""

import hashlib
import json
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

from sqlalchemy import Connection, select, text

from tracker import timeutil
from tracker.audit.models import AuditEntry

# The hash that the first entry follows.
GENESIS = "0" * 64

# pg_advisory_xact_lock's key for appending to the trail (any constant the tracker owns).
CHAIN_LOCK = 7_311_042

# What the hash covers, in this order.
HASHED = (
    "id",
    "recorded_at",
    "actor_id",
    "actor",
    "source",
    "cohort_id",
    "trainee_id",
    "parent_id",
    "entity",
    "entity_key",
    "action",
    "before",
    "after",
    "reason",
    "amendment",
    "previous_hash",
)


_RECORDED_AT = HASHED.index("recorded_at")
_AMENDMENT = HASHED.index("amendment")

# One encoder for every entry: json.dumps with options would build a new one each time.
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


@lru_cache(maxsize=256)
def _instant(value: datetime) -> str:
    """Write an instant in UTC, ISO 8601 (the entries of one statement share theirs)."""
    return value.astimezone(UTC).isoformat()


def entry_hash(entry: dict) -> str:
    """Return the SHA-256 of an entry's content and of the hash it follows."""
    content = [entry[name] for name in HASHED]
    content[_RECORDED_AT] = _instant(content[_RECORDED_AT])
    return hashlib.sha256(_encode(content).encode()).hexdigest()


def append(connection: Connection, entries: list[dict]) -> None:
    """Number, date, link and insert entries after the last one, in the caller's transaction."""
    if not entries:
        return
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})
    last = connection.execute(
        select(AuditEntry.id, AuditEntry.hash, AuditEntry.recorded_at)
        .order_by(AuditEntry.id.desc())
        .limit(1)
    ).first()
    number, previous, last_at = last if last is not None else (0, GENESIS, None)
    # Dates never go back along the chain, even if the clock does.
    now = timeutil.utc_now()
    if last_at is not None and now < last_at:
        now = last_at
    for entry in entries:
        number += 1
        entry["id"] = number
        entry["recorded_at"] = now
        entry["previous_hash"] = previous
        entry["hash"] = previous = entry_hash(entry)
    _insert(connection, entries, now)


COLUMNS = (*HASHED, "hash")


def _insert(connection: Connection, entries: list[dict], now: datetime) -> None:
    """Insert entries with the driver's own executemany.

    SQLAlchemy's would process each row's parameters in Python, which took most of the time of
    writing 20,000 entries; here the only values that need the dialect's processing, the instant
    (the same for every entry) and the amendment flag, are processed once.
    """
    dialect = connection.dialect
    table = AuditEntry.__table__
    instant = _bind(dialect, table.c.recorded_at, now)
    flags = {flag: _bind(dialect, table.c.amendment, flag) for flag in (False, True)}
    marks = ", ".join("?" if dialect.paramstyle == "qmark" else "%s" for _ in COLUMNS)
    statement = f"INSERT INTO audit_entries ({', '.join(COLUMNS)}) VALUES ({marks})"
    rows = []
    for entry in entries:
        row = [entry[name] for name in COLUMNS]
        row[_RECORDED_AT] = instant
        row[_AMENDMENT] = flags[bool(row[_AMENDMENT])]
        rows.append(tuple(row))
    connection.exec_driver_sql(statement, rows)


def _bind(dialect, column, value):
    """Return a value as the dialect sends it for a column."""
    process = column.type.dialect_impl(dialect).bind_processor(dialect)
    return process(value) if process is not None else value


@dataclass(frozen=True)
class Break:
    """Where the chain is broken, and how."""

    entry: int
    what: str

    def __str__(self) -> str:
        return f"entry {self.entry}: {self.what}"


def verify(connection: Connection) -> tuple[int, Break | None]:
    """Recompute the chain; return how many entries it holds and its first break, if any."""
    with closing(_entries(connection)) as read:
        return _walk(read)


def _walk(read: Iterator[dict]) -> tuple[int, Break | None]:
    """Follow the entries in order, and return how many there are and the first break."""
    expected, previous, previous_at = 1, GENESIS, None
    count = 0
    for entry in read:
        count += 1
        if entry_hash(entry) != entry["hash"]:
            return count, Break(entry["id"], "altered: its content does not match its hash")
        if entry["id"] != expected:
            if entry["id"] > expected:
                missing = (
                    f"entry {expected} is missing"
                    if entry["id"] == expected + 1
                    else f"entries {expected} to {entry['id'] - 1} are missing"
                )
                return count, Break(entry["id"], f"{missing}: removed from the trail")
            return count, Break(entry["id"], "numbered out of order")
        if entry["previous_hash"] != previous:
            return count, Break(
                entry["id"],
                f"does not follow entry {expected - 1}: inserted out of order,"
                " or the entry before it was altered",
            )
        if previous_at is not None and entry["recorded_at"] < previous_at:
            return count, Break(entry["id"], f"dated before entry {expected - 1}: out of order")
        expected, previous, previous_at = expected + 1, entry["hash"], entry["recorded_at"]
    return count, None


def _entries(connection: Connection) -> Iterator[dict]:
    """Read every entry in the chain's order, a few thousand at a time."""
    columns = [AuditEntry.__table__.c[name] for name in (*HASHED, "hash")]
    result = connection.execution_options(yield_per=2000).execute(
        select(*columns).order_by(AuditEntry.id)
    )
    with result:
        for row in result.mappings():
            yield dict(row)


def start_over(connection: Connection) -> None:
    """Empty the trail, for `tracker demo --reset` only: the database starts over as new.

    The triggers that refuse deletions are lifted for this transaction only (SQLite), or left
    aside by TRUNCATE, which they do not cover (PostgreSQL).
    """
    from tracker.audit.models import REFUSE_CHANGES

    if connection.dialect.name == "postgresql":
        connection.execute(text("TRUNCATE audit_entries"))
        return
    connection.execute(text("DROP TRIGGER IF EXISTS audit_entries_no_delete"))
    connection.execute(text("DELETE FROM audit_entries"))
    connection.execute(text(REFUSE_CHANGES["sqlite"][1]))
