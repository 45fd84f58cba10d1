"""votes: index by workshop and voter, for the dot budget checked on every vote

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 15:20:00

Every `vote.cast` sums the voter's dots on the workshop's other notes. With an index on
`workshop_id` alone that read every vote of the workshop (200 people voting on hundreds of
notes: tens of thousands of rows per vote); (workshop_id, participant_id) reads only the
voter's own, and still serves every query by workshop.
"""

from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.create_index('ix_votes_workshop_voter', ['workshop_id', 'participant_id'],
                              unique=False)
        batch_op.drop_index('ix_votes_workshop')


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.create_index('ix_votes_workshop', ['workshop_id'], unique=False)
        batch_op.drop_index('ix_votes_workshop_voter')
