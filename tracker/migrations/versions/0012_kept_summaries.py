"""each cohort's summary kept by the version of its records

Revision ID: 0012
Revises: 0011

The officer's home and the cohorts list show each cohort's trainees and attendance; worked out
again on every restart and every morning, the 25 cohorts of a page took half a second at 200
cohorts. Kept in the database under the version of the cohort's records and the release, one
row per cohort and date, they are found by every worker, after a restart and on a new day.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('kept_summaries',
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('version', sa.Text(), nullable=False),
    sa.Column('enrolled', sa.Integer(), nullable=False),
    sa.Column('active', sa.Integer(), nullable=False),
    sa.Column('withdrawn', sa.Integer(), nullable=False),
    sa.Column('scheduled_minutes', sa.Integer(), nullable=False),
    sa.Column('attended_minutes', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_kept_summaries_cohort_id_cohorts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('cohort_id', 'as_of', name=op.f('pk_kept_summaries'))
    )


def downgrade():
    op.drop_table('kept_summaries')
