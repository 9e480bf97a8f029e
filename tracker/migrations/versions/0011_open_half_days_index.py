"""an index of the half-days still open

Revision ID: 0011
Revises: 0010

Closing the overdue roll calls, before each staff home page, searched every half-day of every
cohort for those still open; a partial index on their date holds only those.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        'ix_sessions_open',
        'sessions',
        ['date'],
        unique=False,
        postgresql_where=sa.text('closed_at IS NULL'),
        sqlite_where=sa.text('closed_at IS NULL'),
    )


def downgrade():
    op.drop_index('ix_sessions_open', table_name='sessions')
