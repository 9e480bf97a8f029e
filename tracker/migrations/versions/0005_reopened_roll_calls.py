"""reopened roll calls

Revision ID: 0005
Revises: 0004

An administrator can reopen a closed roll call with a reason (`reopened_at`, `reopen_reason`):
its changes are then amendments carrying that reason, and the automatic closing counts its
delay from the reopening.
"""
from alembic import op
import sqlalchemy as sa

from tracker.timeutil import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reopened_at', UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('reopen_reason', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.drop_column('reopen_reason')
        batch_op.drop_column('reopened_at')
