"""reconcile: groups, comments, decisions

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 10:53:56.885594
"""

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table('comments',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('workshop_id', sa.String(length=16), nullable=False),
    sa.Column('target_type', sa.String(length=12), nullable=False),
    sa.Column('target_id', sa.String(length=32), nullable=False),
    sa.Column('author_id', sa.String(length=32), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_seq', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['participants.id'], ),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.create_index('ix_comments_target', ['workshop_id', 'target_id'], unique=False)

    op.create_table('note_groups',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('workshop_id', sa.String(length=16), nullable=False),
    sa.Column('persona_id', sa.String(length=32), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('created_seq', sa.Integer(), nullable=False),
    sa.Column('decision', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['persona_id'], ['personas.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('note_groups', schema=None) as batch_op:
        batch_op.create_index('ix_note_groups_workshop', ['workshop_id'], unique=False)

    with op.batch_alter_table('assumptions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('group_id', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('decision', sa.JSON(), nullable=True))
        batch_op.create_foreign_key('fk_assumptions_group_id', 'note_groups', ['group_id'], ['id'])

def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table('assumptions', schema=None) as batch_op:
        batch_op.drop_constraint('fk_assumptions_group_id', type_='foreignkey')
        batch_op.drop_column('decision')
        batch_op.drop_column('group_id')

    with op.batch_alter_table('note_groups', schema=None) as batch_op:
        batch_op.drop_index('ix_note_groups_workshop')

    op.drop_table('note_groups')
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_index('ix_comments_target')

    op.drop_table('comments')
