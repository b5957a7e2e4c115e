"""SQLAlchemy tables of matchmaking events (created by Alembic revision ``0003_events``).

* ``matchmaking_events``: one row per event (tables, default maximum meetings,
  the local UTC offset used on agendas).
* ``event_slots``: the event's time slots (number from 1, start in UTC,
  length in minutes).
* ``event_participants``: registered suppliers and Imers (their maximum
  meetings and the name shown on agendas).
* ``event_unavailability``: slots a participant cannot attend.
* ``event_wishes``: wishes about a supplier–Imer pair, by the supplier, the
  Imer or staff: ``must`` meet, would ``like`` to meet, do ``not`` want to.
* ``event_plans`` and ``event_meetings``: every plan and re-plan is kept as a
  numbered version with its meetings; the newest version is the current plan.
* ``event_log``: append-only record of check-ins, no-shows, confirmed and
  held meetings and meeting outcomes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
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

__all__ = [
    "EventLogRow",
    "EventMeetingRow",
    "EventParticipantRow",
    "EventPlanRow",
    "EventRow",
    "EventSlotRow",
    "EventUnavailableRow",
    "EventWishRow",
]


class EventRow(Base):
    """A matchmaking day."""

    __tablename__ = "matchmaking_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    venue: Mapped[str | None] = mapped_column(String(300))
    n_tables: Mapped[int] = mapped_column(Integer)
    max_meetings: Mapped[int] = mapped_column(Integer)
    utc_offset_minutes: Mapped[int] = mapped_column(Integer)
    timezone_label: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class EventSlotRow(Base):
    """One time slot of an event."""

    __tablename__ = "event_slots"

    event_id: Mapped[str] = mapped_column(
        ForeignKey("matchmaking_events.event_id"), primary_key=True
    )
    slot: Mapped[int] = mapped_column(Integer, primary_key=True)
    starts_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    minutes: Mapped[int] = mapped_column(Integer)


class EventParticipantRow(Base):
    """A supplier or Imer registered for an event."""

    __tablename__ = "event_participants"

    event_id: Mapped[str] = mapped_column(
        ForeignKey("matchmaking_events.event_id"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(16), primary_key=True)
    participant_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    max_meetings: Mapped[int | None] = mapped_column(Integer)
    display_name: Mapped[str | None] = mapped_column(String(300))
    registered_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class EventUnavailableRow(Base):
    """A slot a participant cannot attend."""

    __tablename__ = "event_unavailability"

    event_id: Mapped[str] = mapped_column(
        ForeignKey("matchmaking_events.event_id"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(16), primary_key=True)
    participant_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    slot: Mapped[int] = mapped_column(Integer, primary_key=True)


class EventWishRow(Base):
    """A wish about one supplier–Imer pair, by one side or by staff (latest wins)."""

    __tablename__ = "event_wishes"

    event_id: Mapped[str] = mapped_column(
        ForeignKey("matchmaking_events.event_id"), primary_key=True
    )
    supplier_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    imer_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    by: Mapped[str] = mapped_column(String(16), primary_key=True)
    wish: Mapped[str] = mapped_column(String(8))
    actor: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class EventPlanRow(Base):
    """One version of an event's plan (the first plan or a re-plan)."""

    __tablename__ = "event_plans"

    event_id: Mapped[str] = mapped_column(
        ForeignKey("matchmaking_events.event_id"), primary_key=True
    )
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    from_slot: Mapped[int] = mapped_column(Integer)
    min_meetings: Mapped[int] = mapped_column(Integer)
    total_score: Mapped[float] = mapped_column(Float)
    upper_bound: Mapped[float | None] = mapped_column(Float)
    optimal: Mapped[bool] = mapped_column(Boolean)
    score_source: Mapped[str] = mapped_column(String(32))
    report: Mapped[dict[str, Any]] = mapped_column(JSON)
    actor: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class EventMeetingRow(Base):
    """One meeting of one plan version."""

    __tablename__ = "event_meetings"
    __table_args__ = (
        UniqueConstraint(
            "event_id", "version", "supplier_id", "imer_id", name="uq_event_meetings_pair"
        ),
        UniqueConstraint("event_id", "version", "slot", "table_no", name="uq_event_meetings_table"),
    )

    meeting_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    slot: Mapped[int] = mapped_column(Integer)
    table_no: Mapped[int] = mapped_column(Integer)
    supplier_id: Mapped[str] = mapped_column(String(64))
    imer_id: Mapped[str] = mapped_column(String(64))
    score: Mapped[float] = mapped_column(Float)
    must_meet: Mapped[bool] = mapped_column(Boolean)
    fixed: Mapped[bool] = mapped_column(Boolean)


class EventLogRow(Base):
    """One append-only fact of the day: check-in, no-show, confirmed, held, outcome."""

    __tablename__ = "event_log"
    __table_args__ = (Index("ix_event_log_event", "event_id", "log_id"),)

    log_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(ForeignKey("matchmaking_events.event_id"))
    kind: Mapped[str] = mapped_column(String(16))
    role: Mapped[str | None] = mapped_column(String(16))
    participant_id: Mapped[str | None] = mapped_column(String(64))
    supplier_id: Mapped[str | None] = mapped_column(String(64))
    imer_id: Mapped[str | None] = mapped_column(String(64))
    slot: Mapped[int | None] = mapped_column(Integer)
    outcome: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(200))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
