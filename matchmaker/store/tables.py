"""SQLAlchemy tables of the registry: profiles, contacts and partnership events."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = ["Base", "ContactRow", "ImerRow", "PartnershipEventRow", "SupplierRow"]


class Base(DeclarativeBase):
    """Declarative base shared by every matchmaker table."""

    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[str]: JSON}


class SupplierRow(Base):
    """One UMKM supplier profile (public attributes only)."""

    __tablename__ = "suppliers"

    supplier_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    province: Mapped[str] = mapped_column(String(64), index=True)
    city: Mapped[str | None] = mapped_column(String(200))
    categories: Mapped[list[str]] = mapped_column(JSON)
    products: Mapped[str] = mapped_column(Text, default="")
    annual_revenue_idr: Mapped[float | None] = mapped_column(Float)
    umkm_class: Mapped[str | None] = mapped_column(String(16))
    monthly_capacity_units: Mapped[float | None] = mapped_column(Float)
    min_order_qty: Mapped[int] = mapped_column(BigInteger, default=1)
    unit_price_idr: Mapped[float | None] = mapped_column(Float)
    dropship: Mapped[bool] = mapped_column(Boolean, default=False)
    certifications: Mapped[list[str]] = mapped_column(JSON)
    ships_to: Mapped[list[str]] = mapped_column(JSON)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    merged_into: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class ImerRow(Base):
    """One Imer (internet marketer) profile (public attributes only)."""

    __tablename__ = "imers"

    imer_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    province: Mapped[str] = mapped_column(String(64), index=True)
    city: Mapped[str | None] = mapped_column(String(200))
    monthly_revenue_idr: Mapped[float | None] = mapped_column(Float)
    stage: Mapped[str] = mapped_column(String(32))
    categories: Mapped[list[str]] = mapped_column(JSON)
    products: Mapped[str] = mapped_column(Text, default="")
    channels: Mapped[list[str]] = mapped_column(JSON)
    target_provinces: Mapped[list[str]] = mapped_column(JSON)
    monthly_ad_budget_idr: Mapped[float | None] = mapped_column(Float)
    monthly_orders: Mapped[float | None] = mapped_column(Float)
    needs_dropship: Mapped[bool] = mapped_column(Boolean, default=False)
    required_certifications: Mapped[list[str]] = mapped_column(JSON)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    merged_into: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class ContactRow(Base):
    """Personal contact details, kept apart from every public table."""

    __tablename__ = "contacts"

    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    profile_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    phone: Mapped[str | None] = mapped_column(String(64))
    email: Mapped[str | None] = mapped_column(String(320))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class PartnershipEventRow(Base):
    """One append-only event in a supplier–Imer pair's history.

    ``seq`` numbers a pair's events 1, 2, 3 …; the unique constraint on
    ``(supplier_id, imer_id, seq)`` makes two concurrent writers of the same
    pair conflict instead of silently interleaving.
    """

    __tablename__ = "partnership_events"
    __table_args__ = (
        UniqueConstraint("supplier_id", "imer_id", "seq", name="uq_partnership_events_pair_seq"),
        Index("ix_partnership_events_imer", "imer_id"),
    )

    event_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    supplier_id: Mapped[str] = mapped_column(ForeignKey("suppliers.supplier_id"))
    imer_id: Mapped[str] = mapped_column(ForeignKey("imers.imer_id"))
    seq: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[dt.date | None] = mapped_column(Date)
    ended_at: Mapped[dt.date | None] = mapped_column(Date)
    monthly_units: Mapped[float | None] = mapped_column(Float)
    rating: Mapped[float | None] = mapped_column(Float)
    supplier_rating: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(200))
