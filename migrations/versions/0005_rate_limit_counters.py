"""rate-limit counters in the app's database, so replicas on several hosts share them

Revision ID: 0005_rate_limit_counters
Revises: 0004_directory_generation
"""
import sqlalchemy as sa
from alembic import op

revision = "0005_rate_limit_counters"
down_revision = "0004_directory_generation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_limit_counter",
        sa.Column("key", sa.String(400), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("expires", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index("ix_rate_limit_counter_expires", "rate_limit_counter", ["expires"])


def downgrade() -> None:
    op.drop_index("ix_rate_limit_counter_expires", table_name="rate_limit_counter")
    op.drop_table("rate_limit_counter")
