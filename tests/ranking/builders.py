"""Tiny canonical registries for the feature and ranking tests, built by hand."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd

from matchmaker.reference import PROVINCE_NAMES
from matchmaker.schema import EVENT_COLUMNS, IMER_COLUMNS, SUPPLIER_COLUMNS, Registry
from matchmaker.store import derive_partnerships

T0 = datetime(2024, 1, 1, tzinfo=UTC)
ALL = list(PROVINCE_NAMES)


def supplier(supplier_id: str, **overrides: Any) -> dict[str, Any]:
    """A canonical supplier row: a small food producer in Jawa Timur shipping nationwide."""
    row: dict[str, Any] = {
        "supplier_id": supplier_id,
        "name": f"CV Usaha {supplier_id}",
        "province": "Jawa Timur",
        "city": "Surabaya",
        "categories": ["food"],
        "products": "keripik singkong pedas",
        "annual_revenue_idr": 500_000_000.0,
        "umkm_class": "mikro",
        "monthly_capacity_units": 2000.0,
        "min_order_qty": 10,
        "unit_price_idr": 15_000.0,
        "dropship": True,
        "certifications": ["pirt", "halal"],
        "ships_to": list(ALL),
    }
    row.update(overrides)
    return row


def imer(imer_id: str, **overrides: Any) -> dict[str, Any]:
    """A canonical Imer row: a survivor selling snacks nationwide, needing dropship."""
    row: dict[str, Any] = {
        "imer_id": imer_id,
        "name": f"Toko {imer_id}",
        "province": "Jawa Barat",
        "city": "Bandung",
        "monthly_revenue_idr": 150_000_000.0,
        "stage": "survivor",
        "categories": ["food"],
        "products": "camilan keripik pedas",
        "channels": ["tiktok", "marketplace"],
        "target_provinces": list(ALL),
        "monthly_ad_budget_idr": 5_000_000.0,
        "monthly_orders": 400.0,
        "needs_dropship": True,
        "required_certifications": [],
    }
    row.update(overrides)
    return row


def event(
    supplier_id: str,
    imer_id: str,
    status: str,
    day: int,
    *,
    rating: float | None = None,
    units: float | None = None,
    actor: str = "system",
) -> dict[str, Any]:
    """One event ``day`` days after :data:`T0`."""
    at = T0 + timedelta(days=day)
    return {
        "supplier_id": supplier_id,
        "imer_id": imer_id,
        "status": status,
        "at": at,
        "actor": actor,
        "reason": None,
        "started_at": at.date() if status in ("active", "accepted") else None,
        "ended_at": at.date() if status == "ended" else None,
        "monthly_units": np.nan if units is None else float(units),
        "rating": np.nan if rating is None else float(rating),
        "source": "test",
    }


def partnership(
    supplier_id: str, imer_id: str, day: int, outcome: str, *, rating: float = 4.0
) -> list[dict[str, Any]]:
    """Events of one pair: ``good``/``poor`` (proposed, active, ended), ``declined``, ``active``."""
    if outcome == "declined":
        return [
            event(supplier_id, imer_id, "proposed", day),
            event(supplier_id, imer_id, "declined", day + 3),
        ]
    evs = [
        event(supplier_id, imer_id, "proposed", day),
        event(supplier_id, imer_id, "active", day + 3),
    ]
    if outcome == "active":
        return evs
    r = rating if outcome == "good" else 1.0
    evs.append(event(supplier_id, imer_id, "ended", day + 90, rating=r, units=120.0))
    return evs


def registry(
    suppliers: Sequence[dict[str, Any]],
    imers: Sequence[dict[str, Any]],
    events: Sequence[dict[str, Any]] = (),
) -> Registry:
    """A canonical registry; partnerships derived from the events."""
    sup = pd.DataFrame(list(suppliers), columns=list(SUPPLIER_COLUMNS))
    imr = pd.DataFrame(list(imers), columns=list(IMER_COLUMNS))
    ev = pd.DataFrame(list(events), columns=list(EVENT_COLUMNS))
    if len(ev):
        ev["event_id"] = np.arange(1, len(ev) + 1)
        ev["at"] = pd.to_datetime(ev["at"], utc=True)
        ev = ev.sort_values(["at", "event_id"], kind="stable").reset_index(drop=True)
        ev["seq"] = ev.groupby(["supplier_id", "imer_id"]).cumcount() + 1
        ev["supplier_rating"] = np.nan
        parts = derive_partnerships(ev)
    else:
        ev["seq"] = pd.Series(dtype="int64")
        ev["supplier_rating"] = pd.Series(dtype="float64")
        parts = derive_partnerships(ev)
    return Registry(suppliers=sup, imers=imr, events=ev, partnerships=parts)
