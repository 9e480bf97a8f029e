"""positionings on entry and follow-ups

Revision ID: 0009
Revises: 0008

Each trainee's positioning on entry (`positionings`, one per trainee: date, test or interview,
result, prerequisites met, comment) and the log of the follow-ups that prevent drop-outs
(`follow_ups`: date, channel, what was said, next step, who recorded it).
"""
from alembic import op
import sqlalchemy as sa

from tracker.timeutil import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('positionings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trainee_id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('result', sa.String(length=200), nullable=False),
    sa.Column('prerequisites_met', sa.Boolean(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.CheckConstraint("kind IN ('test', 'interview')", name=op.f('ck_positionings_kind_known')),
    sa.CheckConstraint("result <> ''", name=op.f('ck_positionings_has_result')),
    sa.ForeignKeyConstraint(['trainee_id'], ['trainees.id'], name=op.f('fk_positionings_trainee_id_trainees'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_positionings')),
    sa.UniqueConstraint('trainee_id', name=op.f('uq_positionings_trainee_id'))
    )
    op.create_table('follow_ups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trainee_id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('said', sa.Text(), nullable=False),
    sa.Column('next_step', sa.Text(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', UTCDateTime(), nullable=False),
    sa.CheckConstraint("channel IN ('phone', 'meeting', 'mail')", name=op.f('ck_follow_ups_channel_known')),
    sa.CheckConstraint("said <> ''", name=op.f('ck_follow_ups_says_something')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_follow_ups_recorded_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['trainee_id'], ['trainees.id'], name=op.f('fk_follow_ups_trainee_id_trainees'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_ups'))
    )
    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.create_index('ix_follow_ups_trainee_date', ['trainee_id', 'date'], unique=False)


def downgrade():
    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.drop_index('ix_follow_ups_trainee_date')

    op.drop_table('follow_ups')
    op.drop_table('positionings')
