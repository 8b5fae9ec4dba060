"""listing facts: referrals accepted, wait date, cost, languages, hours, time zone, travel note

Existing rows get safe defaults: referral status and cost "unknown", no languages or hours,
no urgent pathway or interpreter service claimed.

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import sqlmodel.sql.sqltypes

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("center", schema=None) as batch_op:
        batch_op.add_column(sa.Column('accepting_referrals', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False, server_default=sa.text("'unknown'")))
        batch_op.add_column(sa.Column('accepting_note', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True))
        batch_op.add_column(sa.Column('referral_from', sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
        batch_op.add_column(sa.Column('wait_reported_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('urgent_pathway', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('cost', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False, server_default=sa.text("'unknown'")))
        batch_op.add_column(sa.Column('cost_note', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True))
        batch_op.add_column(sa.Column('languages', sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
        batch_op.add_column(sa.Column('interpreter_service', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('hours', sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
        batch_op.add_column(sa.Column('hours_note', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True))
        batch_op.add_column(sa.Column('timezone', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.add_column(sa.Column('travel_note', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("center", schema=None) as batch_op:
        batch_op.drop_column('travel_note')
        batch_op.drop_column('timezone')
        batch_op.drop_column('hours_note')
        batch_op.drop_column('hours')
        batch_op.drop_column('interpreter_service')
        batch_op.drop_column('languages')
        batch_op.drop_column('cost_note')
        batch_op.drop_column('cost')
        batch_op.drop_column('urgent_pathway')
        batch_op.drop_column('wait_reported_on')
        batch_op.drop_column('referral_from')
        batch_op.drop_column('accepting_note')
        batch_op.drop_column('accepting_referrals')
