"""SQLAlchemy tables of duplicate handling (created by Alembic revision ``0004_dedupe``).

* ``dedupe_merges``: one row per merge: the kind of record, the surviving
  record, who merged and when, the survivor's profile before and after (so an
  undo restores it exactly), which record each surviving value came from, and
  when and by whom it was undone. Merges are never deleted.
* ``dedupe_merge_members``: the records merged into the survivor, with their
  full profile at the time and the ``merged_into`` value they had before.
* ``dedupe_reviews``: the review queue: candidate pairs between the two
  thresholds (or all of them, without automatic merging) with their score and
  per-field levels, and the staff decision (``pending``, ``accepted``,
  ``rejected``, ``merged``, ``undone``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from matchmaker.store.tables import Base

__all__ = ["MergeMemberRow", "MergeRow", "ReviewRow"]


class MergeRow(Base):
    """One merge of duplicate records into a surviving record."""

    __tablename__ = "dedupe_merges"
    __table_args__ = (Index("ix_dedupe_merges_kind_survivor", "kind", "survivor_id"),)

    merge_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))
    survivor_id: Mapped[str] = mapped_column(String(64))
    score: Mapped[float | None] = mapped_column(Float)
    reason: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    survivor_before: Mapped[dict[str, Any]] = mapped_column(JSON)
    survivor_after: Mapped[dict[str, Any]] = mapped_column(JSON)
    provenance: Mapped[dict[str, Any]] = mapped_column(JSON)
    undone_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    undone_by: Mapped[str | None] = mapped_column(String(200))


class MergeMemberRow(Base):
    """A record merged into the survivor of a merge."""

    __tablename__ = "dedupe_merge_members"
    __table_args__ = (Index("ix_dedupe_merge_members_profile", "profile_id"),)

    merge_id: Mapped[int] = mapped_column(ForeignKey("dedupe_merges.merge_id"), primary_key=True)
    profile_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    previous_merged_into: Mapped[str | None] = mapped_column(String(64))
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)


class ReviewRow(Base):
    """A candidate duplicate pair waiting for, or carrying, a staff decision."""

    __tablename__ = "dedupe_reviews"
    __table_args__ = (
        UniqueConstraint("kind", "id_a", "id_b", name="uq_dedupe_reviews_pair"),
        Index("ix_dedupe_reviews_status", "status"),
    )

    review_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))
    id_a: Mapped[str] = mapped_column(String(64))
    id_b: Mapped[str] = mapped_column(String(64))
    score: Mapped[float] = mapped_column(Float)
    levels: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    merge_id: Mapped[int | None] = mapped_column(Integer)
