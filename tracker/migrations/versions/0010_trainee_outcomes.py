"""trainees' outcomes

Revision ID: 0010
Revises: 0009

Each trainee's certification at exit and situation at exit, +3 and +6 months, recorded by
staff or answered through a survey link (`outcomes`); the survey links already answered, by the
digest of their token (`answered_surveys`, bookkeeping).
"""
from alembic import op
import sqlalchemy as sa

from tracker.timeutil import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('answered_surveys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('trainee_id', sa.Integer(), nullable=False),
    sa.Column('moment', sa.String(length=16), nullable=False),
    sa.Column('answered_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['trainee_id'], ['trainees.id'], name=op.f('fk_answered_surveys_trainee_id_trainees'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answered_surveys')),
    sa.UniqueConstraint('digest', name=op.f('uq_answered_surveys_digest'))
    )
    op.create_table('outcomes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trainee_id', sa.Integer(), nullable=False),
    sa.Column('moment', sa.String(length=16), nullable=False),
    sa.Column('situation', sa.String(length=32), nullable=False),
    sa.Column('certification', sa.String(length=8), nullable=True),
    sa.Column('blocks', sa.Text(), nullable=False),
    sa.Column('recorded_on', sa.Date(), nullable=False),
    sa.Column('source', sa.String(length=8), nullable=False),
    sa.CheckConstraint("blocks = '' OR certification = 'part'", name=op.f('ck_outcomes_blocks_only_in_part')),
    sa.CheckConstraint("certification IS NULL OR (certification IN ('full', 'part', 'none') AND moment = 'exit')", name=op.f('ck_outcomes_certification_at_exit')),
    sa.CheckConstraint("moment IN ('exit', '3_months', '6_months')", name=op.f('ck_outcomes_moment_known')),
    sa.CheckConstraint("situation IN ('permanent_contract', 'fixed_term_6_months_or_more', 'fixed_term_shorter', 'temporary', 'self_employed', 'further_training', 'seeking_work', 'unknown')", name=op.f('ck_outcomes_situation_known')),
    sa.CheckConstraint("source IN ('staff', 'survey')", name=op.f('ck_outcomes_source_known')),
    sa.ForeignKeyConstraint(['trainee_id'], ['trainees.id'], name=op.f('fk_outcomes_trainee_id_trainees'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outcomes')),
    sa.UniqueConstraint('trainee_id', 'moment', name=op.f('uq_outcomes_trainee_id_moment'))
    )


def downgrade():
    op.drop_table('outcomes')
    op.drop_table('answered_surveys')
