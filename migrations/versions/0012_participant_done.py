"""participants: "I'm done" for the current phase (issue 30)

Revision ID: 0012
Revises: 0008
Create Date: 2026-12-07 15:20:00

A participant says they are done with the phase; the facilitator sees who is still working.
Any op that moves the workshop to another phase clears it.
"""

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("participants") as batch:
        batch.add_column(sa.Column("done", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("participants") as batch:
        batch.drop_column("done")
