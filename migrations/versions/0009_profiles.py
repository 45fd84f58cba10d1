"""profiles: datasets, segments, the persona-segment tie and claims (issue 27)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 15:10:00

A dataset keeps its metadata, its column mapping, the population's aggregates and (until it
is deleted) the kept columns compressed; segments and claims keep aggregates only
(docs/security.md, Profiles).
"""

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table('datasets',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('workshop_id', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('as_of', sa.String(length=10), nullable=False),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('row_count', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('header_fingerprint', sa.String(length=64), nullable=False),
    sa.Column('mapping', sa.JSON(), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.Column('imported_by', sa.String(length=32), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.Column('replaces_id', sa.String(length=32), nullable=True),
    sa.Column('created_seq', sa.Integer(), nullable=False),
    sa.Column('deleted_seq', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['imported_by'], ['participants.id'], ),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('datasets', schema=None) as batch_op:
        batch_op.create_index('ix_datasets_workshop', ['workshop_id', 'created_seq'],
                              unique=False)

    op.create_table('segments',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('workshop_id', sa.String(length=16), nullable=False),
    sa.Column('dataset_id', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('rule', sa.JSON(), nullable=False),
    sa.Column('aggregates', sa.JSON(), nullable=False),
    sa.Column('created_seq', sa.Integer(), nullable=False),
    sa.Column('updated_seq', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['dataset_id'], ['datasets.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('segments', schema=None) as batch_op:
        batch_op.create_index('ix_segments_workshop', ['workshop_id', 'created_seq'],
                              unique=False)

    op.create_table('persona_segments',
    sa.Column('persona_id', sa.String(length=32), nullable=False),
    sa.Column('workshop_id', sa.String(length=16), nullable=False),
    sa.Column('segment_id', sa.String(length=32), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['persona_id'], ['personas.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['segment_id'], ['segments.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('persona_id')
    )
    with op.batch_alter_table('persona_segments', schema=None) as batch_op:
        batch_op.create_index('ix_persona_segments_workshop', ['workshop_id'], unique=False)

    op.create_table('claims',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('workshop_id', sa.String(length=16), nullable=False),
    sa.Column('persona_id', sa.String(length=32), nullable=False),
    sa.Column('target_type', sa.String(length=12), nullable=False),
    sa.Column('target_id', sa.String(length=64), nullable=False),
    sa.Column('column', sa.String(length=200), nullable=False),
    sa.Column('claim', sa.JSON(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.Column('created_seq', sa.Integer(), nullable=False),
    sa.Column('updated_seq', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['persona_id'], ['personas.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('workshop_id', 'persona_id', 'target_type', 'target_id',
                        name='uq_claims_target')
    )
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.create_index('ix_claims_workshop', ['workshop_id', 'persona_id'], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table('claims')
    op.drop_table('persona_segments')
    op.drop_table('segments')
    op.drop_table('datasets')
