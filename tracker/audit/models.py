"""One entry of the trail: who changed which record, when, from what to what, and why."""

from datetime import datetime

from sqlalchemy import DDL, Boolean, Index, Integer, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from tracker.extensions import db
from tracker.timeutil import UTCDateTime


class AuditEntry(db.Model):
    """A change to one record. Never updated nor deleted: the database refuses both."""

    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_cohort_id_id", "cohort_id", "id"),
        Index("ix_audit_entries_entity_id", "entity", "id"),
        Index("ix_audit_entries_trainee_id", "trainee_id"),
        Index("ix_audit_entries_entity_parent_id", "entity", "parent_id"),
        Index("ix_audit_entries_recorded_at", "recorded_at"),
    )

    # The entry's place in the chain, given by the writer under the chain's lock, not by the
    # database, so that it is part of what the hash covers.
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The account as it was: no foreign key, an account may be removed and its entries stay.
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(254))
    # For an import: {"file": name, "sha256": digest}, as JSON.
    source: Mapped[str | None] = mapped_column(Text)
    cohort_id: Mapped[int | None] = mapped_column(Integer)
    trainee_id: Mapped[int | None] = mapped_column(Integer)
    # The row a record belongs to (a mark's session, a result's assessment, an expense's line),
    # so that a page finds the changes of its records through an index.
    parent_id: Mapped[int | None] = mapped_column(Integer)
    # The table's name and the record's key (its natural key, or its id), as JSON.
    entity: Mapped[str] = mapped_column(String(40))
    entity_key: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String(8))
    # The changed columns' values before and after, as JSON; all of them for an insert or a delete.
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    # A change to a closed half-day's roll call.
    amendment: Mapped[bool] = mapped_column(Boolean, default=False)
    previous_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


# The database itself refuses to change or remove an entry, whichever program asks.
REFUSE_CHANGES = {
    "postgresql": [
        """
        CREATE OR REPLACE FUNCTION audit_entries_refuse_change() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION 'the trail is append-only: % refused on audit_entries', TG_OP;
        END;
        $$ LANGUAGE plpgsql
        """,
        """
        CREATE TRIGGER audit_entries_append_only
        BEFORE UPDATE OR DELETE ON audit_entries
        FOR EACH ROW EXECUTE FUNCTION audit_entries_refuse_change()
        """,
    ],
    "sqlite": [
        """
        CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries
        BEGIN SELECT RAISE(ABORT, 'the trail is append-only: UPDATE refused on audit_entries'); END
        """,
        """
        CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries
        BEGIN SELECT RAISE(ABORT, 'the trail is append-only: DELETE refused on audit_entries'); END
        """,
    ],
}

for _dialect, _statements in REFUSE_CHANGES.items():
    for _statement in _statements:
        # DDL formats its text with %: the trigger's own % placeholder is doubled.
        _ddl = DDL(_statement.replace("%", "%%")).execute_if(dialect=_dialect)
        event.listen(AuditEntry.__table__, "after_create", _ddl)
