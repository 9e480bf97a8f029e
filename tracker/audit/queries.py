"""Read the trail: the history of records, as the pages and the reports show it.

Every reader of the trail goes through `history`, which turns entries back into plain values and
gives each change the record's whole values before and after it (an update's entry holds only
the columns that moved).
"""

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, or_, select

from tracker.audit.capture import AUDITED
from tracker.audit.models import AuditEntry
from tracker.extensions import db


@dataclass(frozen=True)
class Entry:
    """One change of the trail, read back."""

    id: int
    recorded_at: datetime
    actor_id: int | None
    actor: str
    source: dict | None
    cohort_id: int | None
    trainee_id: int | None
    entity: str
    key: dict
    action: str
    before: dict | None  # the changed columns, as the entry holds them
    after: dict | None
    reason: str | None
    amendment: bool
    # The record's values before and after the change, as far as the entries read tell them.
    was: dict | None
    now: dict | None

    def moved(self, column: str) -> bool:
        """Tell whether the change moved a column."""
        return column in (self.before or {}) or column in (self.after or {})


def _key_like(name: str, value: Any) -> Any:
    """Match the entries whose key holds a column's value (written as capture writes keys:
    compact JSON, sorted keys), to narrow the rows read; `history` checks the match exactly."""
    written = f'"{name}":{json.dumps(value)}'
    return or_(
        AuditEntry.entity_key.like(f"%{written},%"), AuditEntry.entity_key.like(f"%{written}}}")
    )


def _read(statement: Select) -> list[dict]:
    return [
        {
            "id": row.id,
            "recorded_at": row.recorded_at,
            "actor_id": row.actor_id,
            "actor": row.actor,
            "source": json.loads(row.source) if row.source else None,
            "cohort_id": row.cohort_id,
            "trainee_id": row.trainee_id,
            "entity": row.entity,
            "key": json.loads(row.entity_key),
            "action": row.action,
            "before": json.loads(row.before) if row.before is not None else None,
            "after": json.loads(row.after) if row.after is not None else None,
            "reason": row.reason,
            "amendment": bool(row.amendment),
        }
        for row in db.session.execute(statement)
    ]


def _whole(rows: list[dict]) -> list[Entry]:
    """Give each change the record's whole values, replaying the record's entries in order."""
    values: dict[tuple, dict] = {}
    entries = []
    for row in rows:
        record = (row["entity"], json.dumps(row["key"].get("id", row["key"]), sort_keys=True))
        known = values.get(record, {})
        was = None if row["action"] == "insert" else known | (row["before"] or {})
        now = None if row["action"] == "delete" else known | (row["before"] or {}) | row["after"]
        values[record] = now or {}
        entries.append(Entry(**row, was=was, now=now))
    return entries


def history(
    *,
    cohort_id: int | None = None,
    entity: str | Iterable[str] | None = None,
    key: Mapping[str, Any] | None = None,
    trainee_id: int | None = None,
    amendments_only: bool = False,
) -> list[Entry]:
    """Load the trail's changes that match every filter given, oldest first.

    `key` names records by some of their key columns ({"session_id": 12}: the marks of one
    session). With `amendments_only`, the amendments alone, each still with the record's whole
    values before and after it.
    """
    statement = select(AuditEntry.__table__).order_by(AuditEntry.id)
    entities = None
    if entity is not None:
        entities = [entity] if isinstance(entity, str) else list(entity)
        statement = statement.where(AuditEntry.entity.in_(entities))
    by_parent = False
    for name, value in (key or {}).items():
        if entities and all((AUDITED[one].parent or ("",))[0] == name for one in entities):
            # The row the records belong to (a mark's session): found through its index.
            statement = statement.where(AuditEntry.parent_id == value)
            by_parent = True
        else:
            statement = statement.where(_key_like(name, value))
    # A parent row, or a record named by its id, is of one cohort: filtering on the cohort as
    # well would lead SQLite to walk the cohort's whole trail rather than a narrower index.
    if cohort_id is not None and not (by_parent or "id" in (key or {})):
        statement = statement.where(AuditEntry.cohort_id == cohort_id)
    if trainee_id is not None:
        statement = statement.where(AuditEntry.trainee_id == trainee_id)
    if not amendments_only:
        rows = _read(statement)
    else:
        amended = _read(statement.where(AuditEntry.amendment.is_(True)))
        if not amended:
            return []
        # The amended records' earlier entries tell their values before the amendments.
        records = {(row["entity"], row["key"].get("id")) for row in amended}
        trainees = {row["trainee_id"] for row in amended}
        earlier = statement.where(AuditEntry.id <= max(row["id"] for row in amended))
        if None not in trainees:
            earlier = earlier.where(AuditEntry.trainee_id.in_(trainees))
        ids = {key for _entity, key in records}
        if len(ids) <= 50 and None not in ids:
            # Read only those records' rows, not every change of the same trainees.
            earlier = earlier.where(or_(*(_key_like("id", id_) for id_ in ids)))
        rows = [row for row in _read(earlier) if (row["entity"], row["key"].get("id")) in records]
    rows = [row for row in rows if all(row["key"].get(n) == v for n, v in (key or {}).items())]
    entries = _whole(rows)
    if amendments_only:
        entries = [entry for entry in entries if entry.amendment]
    return entries
