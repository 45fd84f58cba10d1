"""persona documents: versions with field revisions and sign-offs

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 12:35:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table('persona_versions',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('workshop_id', sa.String(length=16), nullable=False),
    sa.Column('persona_id', sa.String(length=32), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('document', sa.JSON(), nullable=False),
    sa.Column('revisions', sa.JSON(), nullable=False),
    sa.Column('signoffs', sa.JSON(), nullable=False),
    sa.Column('created_seq', sa.Integer(), nullable=False),
    sa.Column('updated_seq', sa.Integer(), nullable=False),
    sa.Column('agreed_by', sa.String(length=32), nullable=True),
    sa.Column('agreed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['persona_id'], ['personas.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('persona_id', 'number', name='uq_persona_versions_number')
    )
    with op.batch_alter_table('persona_versions', schema=None) as batch_op:
        batch_op.create_index('ix_persona_versions_workshop', ['workshop_id'], unique=False)



def downgrade() -> None:
    """Revert this revision."""
    op.drop_table('persona_versions')
