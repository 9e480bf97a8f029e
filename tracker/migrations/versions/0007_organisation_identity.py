"""the organisation's identity

Revision ID: 0007
Revises: 0006

The organisation that issues the documents (`organisation`, one row: names, address, SIRET,
activity declaration, legal representative, place of signing, its logo's digest); each cohort's
grant agreement number and course title as written in the agreement.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('organisation',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('legal_name', sa.String(length=200), nullable=False),
    sa.Column('name_in_sentence', sa.String(length=250), nullable=False),
    sa.Column('address', sa.Text(), nullable=False),
    sa.Column('siret', sa.String(length=14), nullable=False),
    sa.Column('declaration_number', sa.String(length=11), nullable=False),
    sa.Column('declaration_region', sa.String(length=100), nullable=False),
    sa.Column('representative_name', sa.String(length=200), nullable=False),
    sa.Column('representative_title', sa.String(length=200), nullable=False),
    sa.Column('signing_place', sa.String(length=100), nullable=False),
    sa.Column('logo_file_name', sa.String(length=255), nullable=True),
    sa.Column('logo_content_type', sa.String(length=64), nullable=True),
    sa.Column('logo_size', sa.Integer(), nullable=True),
    sa.Column('logo_sha256', sa.String(length=64), nullable=True),
    sa.CheckConstraint('id = 1', name=op.f('ck_organisation_single_row')),
    sa.CheckConstraint("siret = '' OR length(siret) = 14", name=op.f('ck_organisation_siret_has_14_digits')),
    sa.CheckConstraint("declaration_number = '' OR length(declaration_number) = 11", name=op.f('ck_organisation_declaration_number_has_11_digits')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation'))
    )
    with op.batch_alter_table('cohorts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('agreement_number', sa.String(length=100), server_default='', nullable=False))
        batch_op.add_column(sa.Column('title_in_agreement', sa.String(length=300), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('cohorts', schema=None) as batch_op:
        batch_op.drop_column('title_in_agreement')
        batch_op.drop_column('agreement_number')

    op.drop_table('organisation')
