"""voting: votes, hidden notes, event audiences

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 10:44:44.791801
"""

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table('votes',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('workshop_id', sa.String(length=16), nullable=False),
    sa.Column('assumption_id', sa.String(length=32), nullable=False),
    sa.Column('participant_id', sa.String(length=32), nullable=False),
    sa.Column('team', sa.String(length=60), nullable=False),
    sa.Column('stance', sa.String(length=10), nullable=True),
    sa.Column('dots', sa.Integer(), nullable=False),
    sa.Column('updated_seq', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assumption_id'], ['assumptions.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], ),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('assumption_id', 'participant_id', name='uq_votes_voter')
    )
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.create_index('ix_votes_workshop', ['workshop_id'], unique=False)

    with op.batch_alter_table('assumptions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hidden', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('audience', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('public', sa.JSON(), nullable=True))

def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('public')
        batch_op.drop_column('audience')

    with op.batch_alter_table('assumptions', schema=None) as batch_op:
        batch_op.drop_column('hidden')

    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.drop_index('ix_votes_workshop')

    op.drop_table('votes')
