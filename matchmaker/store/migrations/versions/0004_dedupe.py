"""Duplicate handling: merges with their members and the review queue.

Revision ID: 0004_dedupe
Revises: 0001_foundation
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_dedupe"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dedupe_merges",
        sa.Column("merge_id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("survivor_id", sa.String(64), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("survivor_before", sa.JSON(), nullable=False),
        sa.Column("survivor_after", sa.JSON(), nullable=False),
        sa.Column("provenance", sa.JSON(), nullable=False),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("undone_by", sa.String(200), nullable=True),
    )
    op.create_index("ix_dedupe_merges_kind_survivor", "dedupe_merges", ["kind", "survivor_id"])
    op.create_table(
        "dedupe_merge_members",
        sa.Column(
            "merge_id",
            sa.Integer(),
            sa.ForeignKey("dedupe_merges.merge_id"),
            primary_key=True,
        ),
        sa.Column("profile_id", sa.String(64), primary_key=True),
        sa.Column("previous_merged_into", sa.String(64), nullable=True),
        sa.Column("snapshot", sa.JSON(), nullable=False),
    )
    op.create_index(
        "ix_dedupe_merge_members_profile", "dedupe_merge_members", ["profile_id"]
    )
    op.create_table(
        "dedupe_reviews",
        sa.Column("review_id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("id_a", sa.String(64), nullable=False),
        sa.Column("id_b", sa.String(64), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("levels", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(200), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("merge_id", sa.Integer(), nullable=True),
        sa.UniqueConstraint("kind", "id_a", "id_b", name="uq_dedupe_reviews_pair"),
    )
    op.create_index("ix_dedupe_reviews_status", "dedupe_reviews", ["status"])


def downgrade() -> None:
    op.drop_index("ix_dedupe_reviews_status", table_name="dedupe_reviews")
    op.drop_table("dedupe_reviews")
    op.drop_index("ix_dedupe_merge_members_profile", table_name="dedupe_merge_members")
    op.drop_table("dedupe_merge_members")
    op.drop_index("ix_dedupe_merges_kind_survivor", table_name="dedupe_merges")
    op.drop_table("dedupe_merges")
