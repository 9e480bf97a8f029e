"""Write a trail entry for every row that the database session changes, in the same transaction.

Whichever path changes a record (an operation, an import, the demo loader), it goes through the
session: a statement executed by it (bulk inserts, updates and deletes) or a flush of objects.
Both are caught here, so that no path can forget the trail. Who acts and why comes from the
context that the request, the command or the operation sets (`acting`).
"""

import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache
from typing import Any

from flask import has_request_context
from sqlalchemy import Connection, Table, event, func, inspect, select
from sqlalchemy.orm import ORMExecuteState, Session

from tracker.audit import chain
from tracker.extensions import db


@dataclass(frozen=True)
class Audited:
    """How the trail records the rows of one table."""

    # The columns that name a record to people, beside its id.
    key: tuple[str, ...]
    # (column, table): the row whose cohort_id is the record's cohort, when it has none itself.
    parent: tuple[str, str] | None = None
    # Bookkeeping that is not part of the record (the versions that refuse stale pages).
    ignored: frozenset[str] = frozenset()
    # Secrets: the trail says that they changed, never their value.
    hidden: frozenset[str] = frozenset()


AUDITED: dict[str, Audited] = {
    "cohorts": Audited(("slug",)),
    "competencies": Audited(("cohort_id", "code")),
    "modules": Audited(("cohort_id", "code")),
    "module_competencies": Audited(("module_id", "competency_id"), ("module_id", "modules")),
    "trainees": Audited(("cohort_id", "ref")),
    "sessions": Audited(("cohort_id", "date", "slot"), ignored=frozenset({"roll_call_version"})),
    "attendance_records": Audited(("session_id", "trainee_id"), ("session_id", "sessions")),
    "assessments": Audited(("cohort_id", "code"), ignored=frozenset({"results_version"})),
    "assessment_competencies": Audited(
        ("assessment_id", "competency_id"), ("assessment_id", "assessments")
    ),
    "results": Audited(("assessment_id", "trainee_id"), ("assessment_id", "assessments")),
    "budget_lines": Audited(("cohort_id", "code")),
    "expenses": Audited(
        ("budget_line_id", "date", "reference"), ("budget_line_id", "budget_lines")
    ),
    "users": Audited(("email",), hidden=frozenset({"password_hash"})),
    "instructor_cohorts": Audited(("user_id", "cohort_id")),
    "signatures": Audited(("session_id", "trainee_id"), ("session_id", "sessions")),
    "countersignatures": Audited(("session_id",), ("session_id", "sessions")),
    "drawn_signatures": Audited(("user_id",)),
    "paper_sheets": Audited(("cohort_id", "week")),
    "justifications": Audited(("trainee_id", "first_day"), ("trainee_id", "trainees")),
    # The logo's file is kept apart under its SHA-256: the row holds the digest, not the bytes.
    "organisation": Audited(("legal_name",)),
    "positionings": Audited(("trainee_id",), ("trainee_id", "trainees")),
    "follow_ups": Audited(("trainee_id", "date"), ("trainee_id", "trainees")),
    "mail_switches": Audited(("cohort_id", "kind")),
    "outcomes": Audited(("trainee_id", "moment"), ("trainee_id", "trainees")),
}

# What the trail writes in place of a secret's value.
HIDDEN = "***"

# Who acts when no account does: the command line, or the tracker itself (automatic closing).
COMMAND_LINE = "command line"


@dataclass(frozen=True)
class Context:
    """Who acts, from what file and why, for the changes made meanwhile."""

    actor_id: int | None = None
    actor: str | None = None
    # For an import: {"file": its name, "sha256": its digest}.
    source: Mapping[str, str] | None = None
    reason: str | None = None
    # A reason per record: table -> the record's key columns (Audited.key, in order) -> reason.
    reasons: Mapping[str, Mapping[tuple, str]] = field(default_factory=dict)


_context: ContextVar[Context] = ContextVar("audit_context", default=Context())  # noqa: B039 (frozen)


@contextmanager
def acting(
    *,
    account=None,
    actor: str | None = None,
    source: Mapping[str, str] | None = None,
    reason: str | None = None,
    reasons: Mapping[str, Mapping[tuple, str]] | None = None,
) -> Iterator[None]:
    """Record the changes made inside as done by an account (or a named actor), from a source,
    for a reason; what is not given stays as the enclosing context says."""
    current = _context.get()
    changes: dict[str, Any] = {}
    if account is not None:
        changes |= {"actor_id": account.id, "actor": account.name or account.email}
    elif actor is not None:
        changes |= {"actor_id": None, "actor": actor}
    if source is not None:
        changes["source"] = source
    if reason is not None:
        changes["reason"] = reason.strip() or None
    if reasons is not None:
        changes["reasons"] = reasons
    token = _context.set(replace(current, **changes))
    try:
        yield
    finally:
        _context.reset(token)


def current_reason() -> str | None:
    """Return the reason given for the changes being made, if any."""
    return _context.get().reason


def _who(context: Context) -> tuple[int | None, str]:
    """Return the acting account's id and name, or no id and what acts instead."""
    if context.actor is not None:
        return context.actor_id, context.actor
    if has_request_context():
        from flask_login import current_user

        if current_user.is_authenticated:
            return current_user.id, current_user.name or current_user.email
    return None, COMMAND_LINE


@dataclass
class Change:
    """One record changed: inserted, updated or deleted, with its values before and after."""

    table: str
    action: str
    # The record's id when it has one, and the columns that name it (Audited.key).
    key: dict[str, Any]
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    reason: str | None = None
    amendment: bool = False

    def value(self, column: str) -> Any:
        """Return a column's value as the change leaves it (or as it was, for a deletion)."""
        for values in (self.after, self.before, self.key):
            if values is not None and column in values:
                return values[column]
        return None


# Checks per table, run on each batch of changes before it is written: they may mark changes as
# amendments, or refuse them (raising) so that nothing is written.
GUARDS: dict[str, list[Callable[[Connection, list[Change]], None]]] = {}


def guard(table: str) -> Callable:
    """Register a check of the changes to a table's records (see GUARDS)."""

    def register(check: Callable[[Connection, list[Change]], None]) -> Callable:
        GUARDS.setdefault(table, []).append(check)
        return check

    return register


# ---------------------------------------------------------------------------------------------
# Pausing: the trail's own replay, and the demo's reset, change rows that are not the course's.

PAUSED = "audit_paused"


@contextmanager
def paused(session: Session | None = None) -> Iterator[None]:
    """Write no entry for what the session changes inside (replaying the trail itself)."""
    session = session or db.session()
    previous = session.info.get(PAUSED, False)
    session.info[PAUSED] = True
    try:
        yield
    finally:
        session.info[PAUSED] = previous


# ---------------------------------------------------------------------------------------------
# Statements executed through the session: bulk inserts, updates and deletes.


@event.listens_for(Session, "do_orm_execute")
def _on_statement(state: ORMExecuteState):
    """Capture the rows that an INSERT, UPDATE or DELETE changes, then write their entries."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return None
    if state.session.info.get(PAUSED):
        return None
    table = state.statement.table
    spec = AUDITED.get(getattr(table, "name", None))
    if spec is None or (state.is_update and _sets_only_bookkeeping(state, spec)):
        return None
    connection = state.session.connection()
    parameters = state.parameters
    rows = parameters if isinstance(parameters, list) else None
    if state.is_insert:
        # Not RETURNING: SQLAlchemy splices returned rows back together in quadratic time.
        inserted = rows if rows is not None else [parameters]
        if "id" not in table.c:
            result = state.invoke_statement()
            _write(connection, [_inserted(table, spec, row) for row in inserted])
            return result
        last = connection.scalar(select(func.max(table.c.id))) or 0
        result = state.invoke_statement()
        _write(
            connection,
            [
                _inserted(table, spec, row)
                for row in _new_rows(connection, table, spec, last, inserted)
            ],
        )
        return result
    if rows is not None and all("id" in row for row in rows):
        ids = [row["id"] for row in rows]
        before = _rows_by_id(connection, table, ids)
        result = state.invoke_statement()
        if state.is_update:
            changes = []
            for row in rows:
                old = before[row["id"]]
                changes.extend(_updated(table, spec, old, old | row))
        else:
            changes = [_deleted(table, spec, before[id_]) for id_ in ids]
        _write(connection, changes)
        return result
    where = state.statement.whereclause
    if rows is not None or (state.is_update and "id" not in table.c):
        raise NotImplementedError(f"the trail cannot follow this statement on {table.name}")
    matching = select(table) if where is None else select(table).where(where)
    before_rows = [dict(row._mapping) for row in connection.execute(matching)]
    result = state.invoke_statement()
    if state.is_update:
        after = _rows_by_id(connection, table, [row["id"] for row in before_rows])
        changes = []
        for old in before_rows:
            changes.extend(_updated(table, spec, old, after[old["id"]]))
    else:
        changes = [_deleted(table, spec, old) for old in before_rows]
    _write(connection, changes)
    return result


def _sets_only_bookkeeping(state: ORMExecuteState, spec: Audited) -> bool:
    """Tell whether an UPDATE sets nothing but bookkeeping (a roll call's version), which the
    trail leaves out: no need to read the rows it changes."""
    values = getattr(state.statement, "_values", None) or {}
    names = {getattr(column, "key", column) for column in values}
    return bool(names) and not state.parameters and names <= spec.ignored


def _new_rows(
    connection: Connection, table: Table, spec: Audited, last: int, inserted: list[dict]
) -> list[dict]:
    """Return the rows just inserted (ids above `last`) as given, each with its id.

    Only the ids, the key and the given columns are read back, as plain tuples: reading whole
    rows as dicts took a third of the trail's time in an import of 20,000 roll calls.
    """
    names = list(dict.fromkeys(("id", *spec.key, *(name for row in inserted for name in row))))
    names = [name for name in names if name in table.c]
    statement = select(*(table.c[name] for name in names)).where(table.c.id > last)
    at = {name: index for index, name in enumerate(names)}
    key_at = [at[name] for name in spec.key]
    candidates: dict[tuple, list[tuple]] = {}
    for row in connection.execute(statement.order_by(table.c.id)):
        candidates.setdefault(tuple(row[index] for index in key_at), []).append(row)
    rows = []
    for given in inserted:
        named = candidates.get(tuple(given.get(name) for name in spec.key), [])
        # Rows without their whole natural key (an expense without reference) match on all.
        found = next(
            (
                row
                for row in named
                if all(row[at[name]] == value for name, value in given.items() if name in at)
            ),
            None,
        )
        if found is None:
            raise RuntimeError(f"the trail cannot find a row inserted into {table.name}")
        named.remove(found)
        rows.append({"id": found[0], **given})
    return rows


def _rows_by_id(connection: Connection, table: Table, ids: list) -> dict[Any, dict]:
    """Read whole rows by id, a thousand at a time."""
    rows = {}
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        for row in connection.execute(select(table).where(table.c.id.in_(chunk))):
            rows[row.id] = dict(row._mapping)
    return rows


# ---------------------------------------------------------------------------------------------
# Objects flushed by the session's unit of work.


@event.listens_for(Session, "before_flush")
def _load_deleted(session: Session, flush_context, instances) -> None:
    """Load what is about to be deleted, so that its entry can say what it held."""
    if session.info.get(PAUSED):
        return
    for instance in session.deleted:
        mapper = inspect(instance).mapper
        if mapper.local_table.name in AUDITED:
            for attribute in mapper.column_attrs:
                getattr(instance, attribute.key)


@event.listens_for(Session, "after_flush")
def _on_flush(session: Session, flush_context) -> None:
    """Write the entries of the objects that the flush inserted, updated and deleted."""
    if session.info.get(PAUSED):
        return
    changes: list[Change] = []
    for action, instances in (
        ("insert", session.new),
        ("update", session.dirty),
        ("delete", session.deleted),
    ):
        for instance in instances:
            changes.extend(_object_changes(action, instance))
    _write(session.connection(), changes)


def _object_changes(action: str, instance) -> list[Change]:
    """Return the changes that a flushed object makes: its row and its links to other rows."""
    state = inspect(instance)
    mapper = state.mapper
    table = mapper.local_table
    spec = AUDITED.get(table.name)
    if spec is None:
        return []
    columns = {attribute.key: attribute.columns[0].name for attribute in mapper.column_attrs}
    changes = []
    if action == "insert":
        after = {columns[key]: state.dict.get(key) for key in columns}
        changes.append(_inserted(table, spec, after))
    elif action == "delete":
        before = {columns[key]: state.dict.get(key) for key in columns}
        changes.append(_deleted(table, spec, before))
    else:
        before, after = {}, {}
        for key, column in columns.items():
            history = state.attrs[key].history
            if history.added or history.deleted:
                before[column] = history.deleted[0] if history.deleted else None
                after[column] = history.added[0] if history.added else None
        if before:
            whole = {columns[key]: state.dict.get(key) for key in columns}
            changes.extend(_updated(table, spec, whole | before, whole | after))
    for relationship in mapper.relationships:
        link = relationship.secondary
        if link is None or link.name not in AUDITED:
            continue
        history = state.attrs[relationship.key].history
        added = history.added if action != "delete" else ()
        removed = history.deleted if action != "delete" else state.dict.get(relationship.key, ())
        for other, link_action in [(o, "insert") for o in added] + [(o, "delete") for o in removed]:
            row = _link_row(relationship, instance, other)
            make = _inserted if link_action == "insert" else _deleted
            changes.append(make(link, AUDITED[link.name], row))
    return changes


def _link_row(relationship, owner, other) -> dict[str, Any]:
    """Return the row of a link table that joins two objects."""
    row = {}
    for pair, source in (
        (relationship.synchronize_pairs, owner),
        (relationship.secondary_synchronize_pairs, other),
    ):
        for parent_column, link_column in pair:
            row[link_column.name] = getattr(source, parent_column.key)
    return row


# ---------------------------------------------------------------------------------------------
# Changes and their entries.


def _kept(spec: Audited, values: Mapping[str, Any]) -> dict[str, Any]:
    """Return the values that the trail keeps: without bookkeeping, with secrets hidden."""
    return {
        name: HIDDEN if name in spec.hidden else value
        for name, value in values.items()
        if name not in spec.ignored
    }


def _key(table: Table, spec: Audited, values: Mapping[str, Any]) -> dict[str, Any]:
    """Return the record's id (when the table has one) and the columns that name it."""
    names = (("id",) if "id" in table.c else ()) + spec.key
    return {name: values.get(name) for name in names}


def _inserted(table: Table, spec: Audited, row: dict) -> Change:
    return Change(table.name, "insert", _key(table, spec, row), None, _kept(spec, row))


def _deleted(table: Table, spec: Audited, row: dict) -> Change:
    return Change(table.name, "delete", _key(table, spec, row), _kept(spec, row), None)


def _updated(table: Table, spec: Audited, old: dict, new: dict) -> list[Change]:
    """Return the change of a row from old to new values, or none when no kept value moved."""
    moved = [
        name
        for name, value in new.items()
        if name not in spec.ignored and name in old and old[name] != value
    ]
    if not moved:
        return []
    before = _kept(spec, {name: old[name] for name in moved})
    after = _kept(spec, {name: new[name] for name in moved})
    return [Change(table.name, "update", _key(table, spec, old | new), before, after)]


def _write(connection: Connection, changes: list[Change]) -> None:
    """Check the changes, find their cohort and trainee, and append their entries to the chain."""
    if not changes:
        return
    context = _context.get()
    for change in changes:
        spec = AUDITED[change.table]
        reasons = context.reasons.get(change.table)
        named = tuple(change.value(column) for column in spec.key)
        change.reason = (reasons or {}).get(named) or context.reason
    for table in {change.table for change in changes}:
        for check in GUARDS.get(table, ()):
            check(connection, [change for change in changes if change.table == table])
    cohorts = _cohorts(connection, changes)
    actor_id, actor = _who(context)
    source = _json(dict(context.source)) if context.source else None
    entries = []
    for change, cohort_id in zip(changes, cohorts, strict=True):
        entries.append(
            {
                "actor_id": actor_id,
                "actor": actor,
                "source": source,
                "cohort_id": cohort_id,
                "trainee_id": _trainee(change),
                "parent_id": _parent(change),
                "entity": change.table,
                "entity_key": _json(change.key),
                "action": change.action,
                "before": _json(change.before) if change.before is not None else None,
                "after": _json(change.after) if change.after is not None else None,
                "reason": change.reason,
                "amendment": change.amendment,
            }
        )
    chain.append(connection, entries)


def _parent(change: Change) -> int | None:
    """Return the id of the row the record belongs to, for the tables that have one."""
    parent = AUDITED[change.table].parent
    return change.value(parent[0]) if parent is not None else None


def _trainee(change: Change) -> int | None:
    """Return the trainee whose record this is, if it is one's."""
    if change.table == "trainees":
        return change.value("id")
    return change.value("trainee_id")


def _cohorts(connection: Connection, changes: list[Change]) -> list[int | None]:
    """Return each change's cohort: its own column, its parent's, or the cohort itself."""
    parent_tables = {spec.parent[1] for spec in AUDITED.values() if spec.parent is not None}
    known: dict[tuple[str, Any], int | None] = {}
    for change in changes:
        if change.table == "cohorts":
            known[("cohorts", change.value("id"))] = change.value("id")
        elif change.table in parent_tables:
            known[(change.table, change.value("id"))] = change.value("cohort_id")
    # The parent of each change, looked up once per parent row.
    parents: list[tuple[str, Any] | None] = []
    wanted: dict[str, set] = {}
    for change in changes:
        parent = AUDITED[change.table].parent
        if parent is None:
            parents.append(None)
            continue
        column, table = parent
        row = (table, change.value(column))
        parents.append(row)
        if row not in known:
            wanted.setdefault(table, set()).add(row[1])
    for table_name, ids in wanted.items():
        table = db.metadata.tables[table_name]
        ids = list(ids)
        for start in range(0, len(ids), 1000):
            statement = select(table.c.id, table.c.cohort_id).where(
                table.c.id.in_(ids[start : start + 1000])
            )
            for id_, cohort_id in connection.execute(statement):
                known[(table_name, id_)] = cohort_id
    cohorts = []
    for change, parent in zip(changes, parents, strict=True):
        if change.table == "cohorts":
            cohorts.append(change.value("id"))
        elif parent is not None:
            cohorts.append(known.get(parent))
        else:
            cohorts.append(change.value("cohort_id"))
    return cohorts


@lru_cache(maxsize=256)
def _instant(value: datetime) -> str:
    """Write an instant as ISO text (the rows of one statement often share theirs)."""
    return value.isoformat()


def _plain(value: Any) -> Any:
    """Turn what JSON does not know (dates, instants, decimals) into text."""
    if isinstance(value, datetime):
        return _instant(value)
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} has no place in the trail")


# Compact JSON, keys sorted, so that equal values read the same; one encoder for every entry
# (json.dumps with options would build a new one each time).
_json: Callable[[Mapping[str, Any]], str] = json.JSONEncoder(
    default=_plain, ensure_ascii=False, sort_keys=True, separators=(",", ":")
).encode
