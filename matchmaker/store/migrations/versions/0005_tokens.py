"""API tokens: hashed secrets, roles and the profile a member token speaks for.

Revision ID: 0005_tokens
Revises: 0001_foundation
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_tokens"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_tokens",
        sa.Column("token_id", sa.String(32), primary_key=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("profile_kind", sa.String(16), nullable=True),
        sa.Column("profile_id", sa.String(64), nullable=True),
        sa.Column("secret_sha256", sa.String(64), nullable=False),
        sa.Column("label", sa.String(200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_api_tokens_profile", "api_tokens", ["profile_kind", "profile_id"])


def downgrade() -> None:
    op.drop_index("ix_api_tokens_profile", table_name="api_tokens")
    op.drop_table("api_tokens")
