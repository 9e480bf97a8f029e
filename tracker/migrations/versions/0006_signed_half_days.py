"""signed half-days

Revision ID: 0006
Revises: 0005

Half-days get times (the cohort's for each slot, or a session's own); trainees sign each
half-day on their phone (`signatures`), the instructor countersigns (`countersignatures`, with the
signature drawn once in `drawn_signatures`); a week's scanned paper sheet (`paper_sheets`) and the
trainees' justifications of their absences (`justifications`) are kept with their files' digests.
"""
from alembic import op
import sqlalchemy as sa

from tracker.timeutil import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('drawn_signatures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('strokes', sa.Text(), nullable=False),
    sa.Column('drawn_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_drawn_signatures_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_drawn_signatures')),
    sa.UniqueConstraint('user_id', name=op.f('uq_drawn_signatures_user_id'))
    )
    op.create_table('justifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trainee_id', sa.Integer(), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=False),
    sa.Column('first_slot', sa.String(length=2), nullable=False),
    sa.Column('last_day', sa.Date(), nullable=False),
    sa.Column('last_slot', sa.String(length=2), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=True),
    sa.Column('content_type', sa.String(length=64), nullable=True),
    sa.Column('size', sa.Integer(), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('declared_by_id', sa.Integer(), nullable=True),
    sa.Column('declared_at', UTCDateTime(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', UTCDateTime(), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.CheckConstraint("first_slot IN ('AM', 'PM')", name=op.f('ck_justifications_first_slot_known')),
    sa.CheckConstraint("last_slot IN ('AM', 'PM')", name=op.f('ck_justifications_last_slot_known')),
    sa.CheckConstraint("reason <> ''", name=op.f('ck_justifications_justification_has_reason')),
    sa.CheckConstraint("state <> 'refused' OR (decision_reason IS NOT NULL AND decision_reason <> '')", name=op.f('ck_justifications_refusal_has_reason')),
    sa.CheckConstraint("state = 'pending' OR decided_at IS NOT NULL", name=op.f('ck_justifications_decision_has_instant')),
    sa.CheckConstraint("state IN ('pending', 'accepted', 'refused')", name=op.f('ck_justifications_state_known')),
    sa.CheckConstraint('last_day >= first_day', name=op.f('ck_justifications_last_day_not_before_first')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_justifications_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['declared_by_id'], ['users.id'], name=op.f('fk_justifications_declared_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['trainee_id'], ['trainees.id'], name=op.f('fk_justifications_trainee_id_trainees'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_justifications'))
    )
    with op.batch_alter_table('justifications', schema=None) as batch_op:
        batch_op.create_index('ix_justifications_trainee_first_day', ['trainee_id', 'first_day'], unique=False)

    op.create_table('paper_sheets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('week', sa.Date(), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', UTCDateTime(), nullable=False),
    sa.CheckConstraint('size > 0', name=op.f('ck_paper_sheets_paper_sheet_not_empty')),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_paper_sheets_cohort_id_cohorts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_paper_sheets_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_paper_sheets')),
    sa.UniqueConstraint('cohort_id', 'week', name=op.f('uq_paper_sheets_cohort_id_week'))
    )
    op.create_table('countersignatures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('signed_by_id', sa.Integer(), nullable=True),
    sa.Column('signer_name', sa.String(length=200), nullable=False),
    sa.Column('signed_at', UTCDateTime(), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('user_agent', sa.String(length=400), nullable=False),
    sa.Column('strokes', sa.Text(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], name=op.f('fk_countersignatures_session_id_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['signed_by_id'], ['users.id'], name=op.f('fk_countersignatures_signed_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_countersignatures')),
    sa.UniqueConstraint('session_id', name=op.f('uq_countersignatures_session_id'))
    )
    op.create_table('signatures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('trainee_id', sa.Integer(), nullable=False),
    sa.Column('signed_by_id', sa.Integer(), nullable=True),
    sa.Column('signed_at', UTCDateTime(), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('user_agent', sa.String(length=400), nullable=False),
    sa.Column('time_step', sa.Integer(), nullable=True),
    sa.Column('strokes', sa.Text(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], name=op.f('fk_signatures_session_id_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['signed_by_id'], ['users.id'], name=op.f('fk_signatures_signed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['trainee_id'], ['trainees.id'], name=op.f('fk_signatures_trainee_id_trainees'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signatures')),
    sa.UniqueConstraint('session_id', 'trainee_id', name=op.f('uq_signatures_session_id_trainee_id'))
    )
    with op.batch_alter_table('signatures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signatures_trainee_id'), ['trainee_id'], unique=False)

    with op.batch_alter_table('cohorts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('morning_starts_at', sa.Time(), server_default='09:00:00', nullable=False))
        batch_op.add_column(sa.Column('morning_ends_at', sa.Time(), server_default='12:30:00', nullable=False))
        batch_op.add_column(sa.Column('afternoon_starts_at', sa.Time(), server_default='13:30:00', nullable=False))
        batch_op.add_column(sa.Column('afternoon_ends_at', sa.Time(), server_default='17:00:00', nullable=False))
        batch_op.create_check_constraint(
            op.f('ck_cohorts_morning_ends_after_start'), 'morning_ends_at > morning_starts_at'
        )
        batch_op.create_check_constraint(
            op.f('ck_cohorts_afternoon_ends_after_start'), 'afternoon_ends_at > afternoon_starts_at'
        )

    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('starts_at', sa.Time(), nullable=True))
        batch_op.add_column(sa.Column('ends_at', sa.Time(), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_sessions_times_in_order'), 'starts_at IS NULL OR ends_at IS NULL OR ends_at > starts_at'
        )



def downgrade():
    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_sessions_times_in_order'), type_='check')
        batch_op.drop_column('ends_at')
        batch_op.drop_column('starts_at')

    with op.batch_alter_table('cohorts', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_cohorts_afternoon_ends_after_start'), type_='check')
        batch_op.drop_constraint(op.f('ck_cohorts_morning_ends_after_start'), type_='check')
        batch_op.drop_column('afternoon_ends_at')
        batch_op.drop_column('afternoon_starts_at')
        batch_op.drop_column('morning_ends_at')
        batch_op.drop_column('morning_starts_at')

    with op.batch_alter_table('signatures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signatures_trainee_id'))

    op.drop_table('signatures')
    op.drop_table('countersignatures')
    op.drop_table('paper_sheets')
    with op.batch_alter_table('justifications', schema=None) as batch_op:
        batch_op.drop_index('ix_justifications_trainee_first_day')

    op.drop_table('justifications')
    op.drop_table('drawn_signatures')
