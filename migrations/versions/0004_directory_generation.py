"""directory generation: one row counting listing writes, for the per-worker search snapshot

Revision ID: 0004_directory_generation
Revises: 0003_accounts_invitations
"""
import sqlalchemy as sa
from alembic import op

revision = "0004_directory_generation"
down_revision = "0003_accounts_invitations"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "directory_generation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.bulk_insert(table, [{"id": 1, "generation": 0}])


def downgrade() -> None:
    op.drop_table("directory_generation")
