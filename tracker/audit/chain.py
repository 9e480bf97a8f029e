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

from sqlalchemy import Connection, insert, select, text

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
    "entity",
    "entity_key",
    "action",
    "before",
    "after",
    "reason",
    "amendment",
    "previous_hash",
)


def entry_hash(entry: dict) -> str:
    """Return the SHA-256 of an entry's content and of the hash it follows."""
    content = []
    for name in HASHED:
        value = entry[name]
        if isinstance(value, datetime):
            value = value.astimezone(UTC).isoformat()
        content.append(value)
    encoded = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode()).hexdigest()


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
    connection.execute(insert(AuditEntry.__table__), entries)


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
