"""Canonical in-memory shapes of the registry shared by every stage.

Ingest produces these frames, the store saves and loads them, and the engine,
graph, events and dedupe stages read them. Column names follow
``shared/contract.md``; values are already resolved (canonical province names,
category slugs, integers in IDR), so no stage parses text again.

Supplier frame columns (one row per supplier, ``SUPPLIER_COLUMNS``):
    supplier_id str, name str, province str (canonical name), city str | None,
    categories list[str] (slugs), products str ("" when absent),
    annual_revenue_idr float (NaN when absent), umkm_class str | None,
    monthly_capacity_units float (NaN), min_order_qty int (default 1),
    unit_price_idr float (NaN), dropship bool, certifications list[str],
    ships_to list[str] (canonical names; ``nasional`` expanded to all 38)

Imer frame columns (``IMER_COLUMNS``):
    imer_id str, name str, province str, city str | None,
    monthly_revenue_idr float (NaN), stage str (slug), categories list[str],
    products str, channels list[str], target_provinces list[str] (expanded),
    monthly_ad_budget_idr float (NaN), monthly_orders float (NaN),
    needs_dropship bool, required_certifications list[str]

Contacts (personal data) are never part of these frames; they live in a
separate table and frame (``CONTACT_COLUMNS``) read only by staff-facing code.

Partnership events (``EVENT_COLUMNS``), append-only, oldest first:
    event_id int, supplier_id str, imer_id str, status str (one of
    ``PARTNERSHIP_STATUSES``), at datetime (UTC), actor str, reason str | None,
    started_at date | None, ended_at date | None, monthly_units float (NaN),
    rating float (NaN), source str

The current state of a pair (``PARTNERSHIP_COLUMNS``) is derived from its
events: the latest event's status, with the latest known dates and outcomes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

__all__ = [
    "CONTACT_COLUMNS",
    "EVENT_COLUMNS",
    "IMER_COLUMNS",
    "PARTNERSHIP_COLUMNS",
    "PARTNERSHIP_STATUSES",
    "SUPPLIER_COLUMNS",
    "Registry",
    "empty_frame",
]

SUPPLIER_COLUMNS: tuple[str, ...] = (
    "supplier_id",
    "name",
    "province",
    "city",
    "categories",
    "products",
    "annual_revenue_idr",
    "umkm_class",
    "monthly_capacity_units",
    "min_order_qty",
    "unit_price_idr",
    "dropship",
    "certifications",
    "ships_to",
)

IMER_COLUMNS: tuple[str, ...] = (
    "imer_id",
    "name",
    "province",
    "city",
    "monthly_revenue_idr",
    "stage",
    "categories",
    "products",
    "channels",
    "target_provinces",
    "monthly_ad_budget_idr",
    "monthly_orders",
    "needs_dropship",
    "required_certifications",
)

CONTACT_COLUMNS: tuple[str, ...] = ("kind", "profile_id", "phone", "email")

#: Lifecycle states of a partnership. ``accepted`` sits between a proposal and
#: an active partnership; the contract's import files use the other four.
PARTNERSHIP_STATUSES: tuple[str, ...] = ("proposed", "accepted", "declined", "active", "ended")

EVENT_COLUMNS: tuple[str, ...] = (
    "event_id",
    "supplier_id",
    "imer_id",
    "status",
    "at",
    "actor",
    "reason",
    "started_at",
    "ended_at",
    "monthly_units",
    "rating",
    "source",
)

PARTNERSHIP_COLUMNS: tuple[str, ...] = (
    "supplier_id",
    "imer_id",
    "status",
    "started_at",
    "ended_at",
    "monthly_units",
    "rating",
    "first_at",
    "last_at",
    "n_events",
)


def empty_frame(columns: tuple[str, ...]) -> pd.DataFrame:
    """An empty frame with the given columns (object dtype)."""
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


@dataclass(frozen=True)
class Registry:
    """A snapshot of the registry as frames (see the module docstring).

    ``partnerships`` is derived from ``events``; both are sorted (pairs by id,
    events by time then ``event_id``).
    """

    suppliers: pd.DataFrame = field(default_factory=lambda: empty_frame(SUPPLIER_COLUMNS))
    imers: pd.DataFrame = field(default_factory=lambda: empty_frame(IMER_COLUMNS))
    events: pd.DataFrame = field(default_factory=lambda: empty_frame(EVENT_COLUMNS))
    partnerships: pd.DataFrame = field(default_factory=lambda: empty_frame(PARTNERSHIP_COLUMNS))
