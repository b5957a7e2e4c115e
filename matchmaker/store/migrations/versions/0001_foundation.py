"""Foundation: supplier and Imer profiles, contacts, partnership events.

Revision ID: 0001_foundation
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_foundation"
down_revision = None
branch_labels = None
depends_on = None


def _profile_tail() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.Column("merged_into", sa.String(64), nullable=True, index=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "suppliers",
        sa.Column("supplier_id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("province", sa.String(64), nullable=False, index=True),
        sa.Column("city", sa.String(200), nullable=True),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("products", sa.Text(), nullable=False),
        sa.Column("annual_revenue_idr", sa.Float(), nullable=True),
        sa.Column("umkm_class", sa.String(16), nullable=True),
        sa.Column("monthly_capacity_units", sa.Float(), nullable=True),
        sa.Column("min_order_qty", sa.BigInteger(), nullable=False),
        sa.Column("unit_price_idr", sa.Float(), nullable=True),
        sa.Column("dropship", sa.Boolean(), nullable=False),
        sa.Column("certifications", sa.JSON(), nullable=False),
        sa.Column("ships_to", sa.JSON(), nullable=False),
        *_profile_tail(),
    )
    op.create_table(
        "imers",
        sa.Column("imer_id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("province", sa.String(64), nullable=False, index=True),
        sa.Column("city", sa.String(200), nullable=True),
        sa.Column("monthly_revenue_idr", sa.Float(), nullable=True),
        sa.Column("stage", sa.String(32), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("products", sa.Text(), nullable=False),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.Column("target_provinces", sa.JSON(), nullable=False),
        sa.Column("monthly_ad_budget_idr", sa.Float(), nullable=True),
        sa.Column("monthly_orders", sa.Float(), nullable=True),
        sa.Column("needs_dropship", sa.Boolean(), nullable=False),
        sa.Column("required_certifications", sa.JSON(), nullable=False),
        *_profile_tail(),
    )
    op.create_table(
        "contacts",
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("profile_id", sa.String(64), primary_key=True),
        sa.Column("phone", sa.String(64), nullable=True),
        sa.Column("email", sa.String(320), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "partnership_events",
        sa.Column("event_id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("supplier_id", sa.String(64), sa.ForeignKey("suppliers.supplier_id"), nullable=False),
        sa.Column("imer_id", sa.String(64), sa.ForeignKey("imers.imer_id"), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("started_at", sa.Date(), nullable=True),
        sa.Column("ended_at", sa.Date(), nullable=True),
        sa.Column("monthly_units", sa.Float(), nullable=True),
        sa.Column("rating", sa.Float(), nullable=True),
        sa.Column("supplier_rating", sa.Float(), nullable=True),
        sa.Column("source", sa.String(200), nullable=False),
        sa.UniqueConstraint("supplier_id", "imer_id", "seq", name="uq_partnership_events_pair_seq"),
    )
    op.create_index("ix_partnership_events_imer", "partnership_events", ["imer_id"])


def downgrade() -> None:
    op.drop_index("ix_partnership_events_imer", table_name="partnership_events")
    op.drop_table("partnership_events")
    op.drop_table("contacts")
    op.drop_table("imers")
    op.drop_table("suppliers")
