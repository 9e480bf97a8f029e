"""the trail of changes, and closed roll calls

Revision ID: 0004
Revises: 0003

Every change to the course's records is now written to `audit_entries`, hash-chained, and the
database refuses to update or delete an entry (a trigger, on SQLite and PostgreSQL). The trail
starts empty: what a database held before this upgrade has no entry, and figures "as recorded"
can be rebuilt only from the first entry on.

A session's roll call can be closed (`closed_at`, `closed_by_id`): later changes to it are
amendments with a reason. Roll calls existing before the upgrade are open; the automatic closing
closes those whose half-day is past the delay.
"""
from alembic import op
import sqlalchemy as sa

from tracker.audit.models import REFUSE_CHANGES
from tracker.timeutil import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'audit_entries',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('recorded_at', UTCDateTime(), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('actor', sa.String(length=254), nullable=False),
        sa.Column('source', sa.Text(), nullable=True),
        sa.Column('cohort_id', sa.Integer(), nullable=True),
        sa.Column('trainee_id', sa.Integer(), nullable=True),
        sa.Column('parent_id', sa.Integer(), nullable=True),
        sa.Column('entity', sa.String(length=40), nullable=False),
        sa.Column('entity_key', sa.Text(), nullable=False),
        sa.Column('action', sa.String(length=8), nullable=False),
        sa.Column('before', sa.Text(), nullable=True),
        sa.Column('after', sa.Text(), nullable=True),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('amendment', sa.Boolean(), nullable=False),
        sa.Column('previous_hash', sa.String(length=64), nullable=False),
        sa.Column('hash', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entries')),
    )
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.create_index('ix_audit_entries_cohort_id_id', ['cohort_id', 'id'], unique=False)
        batch_op.create_index('ix_audit_entries_entity_id', ['entity', 'id'], unique=False)
        batch_op.create_index(
            'ix_audit_entries_entity_parent_id', ['entity', 'parent_id'], unique=False
        )
        batch_op.create_index('ix_audit_entries_recorded_at', ['recorded_at'], unique=False)
        batch_op.create_index('ix_audit_entries_trainee_id', ['trainee_id'], unique=False)
    for statement in REFUSE_CHANGES.get(op.get_bind().dialect.name, []):
        op.execute(statement)

    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closed_at', UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('closed_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_sessions_closed_by_id_users'), 'users', ['closed_by_id'], ['id'],
            ondelete='SET NULL',
        )


def downgrade():
    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_sessions_closed_by_id_users'), type_='foreignkey')
        batch_op.drop_column('closed_by_id')
        batch_op.drop_column('closed_at')
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP FUNCTION audit_entries_refuse_change() CASCADE')
    op.drop_table('audit_entries')
