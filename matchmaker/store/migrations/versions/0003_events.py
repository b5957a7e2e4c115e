"""Matchmaking events: slots, participants, unavailability, wishes, plans, meetings, day log.

Revision ID: 0003_events
Revises: 0001_foundation
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_events"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def _event_fk() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(
        "event_id",
        sa.String(64),
        sa.ForeignKey("matchmaking_events.event_id"),
        primary_key=True,
    )


def upgrade() -> None:
    op.create_table(
        "matchmaking_events",
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("venue", sa.String(300), nullable=True),
        sa.Column("n_tables", sa.Integer(), nullable=False),
        sa.Column("max_meetings", sa.Integer(), nullable=False),
        sa.Column("utc_offset_minutes", sa.Integer(), nullable=False),
        sa.Column("timezone_label", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "event_slots",
        _event_fk(),
        sa.Column("slot", sa.Integer(), primary_key=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
    )
    op.create_table(
        "event_participants",
        _event_fk(),
        sa.Column("role", sa.String(16), primary_key=True),
        sa.Column("participant_id", sa.String(64), primary_key=True),
        sa.Column("max_meetings", sa.Integer(), nullable=True),
        sa.Column("display_name", sa.String(300), nullable=True),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "event_unavailability",
        _event_fk(),
        sa.Column("role", sa.String(16), primary_key=True),
        sa.Column("participant_id", sa.String(64), primary_key=True),
        sa.Column("slot", sa.Integer(), primary_key=True),
    )
    op.create_table(
        "event_wishes",
        _event_fk(),
        sa.Column("supplier_id", sa.String(64), primary_key=True),
        sa.Column("imer_id", sa.String(64), primary_key=True),
        sa.Column("by", sa.String(16), primary_key=True),
        sa.Column("wish", sa.String(8), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "event_plans",
        _event_fk(),
        sa.Column("version", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("from_slot", sa.Integer(), nullable=False),
        sa.Column("min_meetings", sa.Integer(), nullable=False),
        sa.Column("total_score", sa.Float(), nullable=False),
        sa.Column("upper_bound", sa.Float(), nullable=True),
        sa.Column("optimal", sa.Boolean(), nullable=False),
        sa.Column("score_source", sa.String(32), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "event_meetings",
        sa.Column("meeting_id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("table_no", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.String(64), nullable=False),
        sa.Column("imer_id", sa.String(64), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("must_meet", sa.Boolean(), nullable=False),
        sa.Column("fixed", sa.Boolean(), nullable=False),
        sa.UniqueConstraint(
            "event_id", "version", "supplier_id", "imer_id", name="uq_event_meetings_pair"
        ),
        sa.UniqueConstraint(
            "event_id", "version", "slot", "table_no", name="uq_event_meetings_table"
        ),
    )
    op.create_table(
        "event_log",
        sa.Column("log_id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "event_id",
            sa.String(64),
            sa.ForeignKey("matchmaking_events.event_id"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("role", sa.String(16), nullable=True),
        sa.Column("participant_id", sa.String(64), nullable=True),
        sa.Column("supplier_id", sa.String(64), nullable=True),
        sa.Column("imer_id", sa.String(64), nullable=True),
        sa.Column("slot", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(16), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_event_log_event", "event_log", ["event_id", "log_id"])


def downgrade() -> None:
    op.drop_index("ix_event_log_event", table_name="event_log")
    op.drop_table("event_log")
    op.drop_table("event_meetings")
    op.drop_table("event_plans")
    op.drop_table("event_wishes")
    op.drop_table("event_unavailability")
    op.drop_table("event_participants")
    op.drop_table("event_slots")
    op.drop_table("matchmaking_events")
