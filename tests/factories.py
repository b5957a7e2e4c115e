"""Tiny canonical registries for tests, built directly in the canonical frame shapes."""

from __future__ import annotations

from typing import Any

import pandas as pd

from matchmaker.reference import PROVINCE_NAMES
from matchmaker.schema import IMER_COLUMNS, SUPPLIER_COLUMNS

ALL_PROVINCES = list(PROVINCE_NAMES)


def supplier(supplier_id: str, **overrides: Any) -> dict[str, Any]:
    """One canonical supplier row with sensible defaults."""
    row: dict[str, Any] = {
        "supplier_id": supplier_id,
        "name": f"CV Usaha {supplier_id}",
        "province": "Jawa Timur",
        "city": "Surabaya",
        "categories": ["food"],
        "products": "keripik singkong pedas",
        "annual_revenue_idr": 500_000_000.0,
        "umkm_class": "mikro",
        "monthly_capacity_units": 1000.0,
        "min_order_qty": 10,
        "unit_price_idr": 15_000.0,
        "dropship": True,
        "certifications": ["pirt", "halal"],
        "ships_to": list(ALL_PROVINCES),
    }
    row.update(overrides)
    return row


def imer(imer_id: str, **overrides: Any) -> dict[str, Any]:
    """One canonical Imer row with sensible defaults."""
    row: dict[str, Any] = {
        "imer_id": imer_id,
        "name": f"Toko Online {imer_id}",
        "province": "Jawa Barat",
        "city": "Bandung",
        "monthly_revenue_idr": 50_000_000.0,
        "stage": "hit_and_runner",
        "categories": ["food"],
        "products": "camilan pedas",
        "channels": ["whatsapp", "tiktok"],
        "target_provinces": list(ALL_PROVINCES),
        "monthly_ad_budget_idr": 5_000_000.0,
        "monthly_orders": 300.0,
        "needs_dropship": True,
        "required_certifications": [],
    }
    row.update(overrides)
    return row


def suppliers_frame(*rows: dict[str, Any]) -> pd.DataFrame:
    """A canonical supplier frame from rows."""
    return pd.DataFrame(list(rows), columns=list(SUPPLIER_COLUMNS))


def imers_frame(*rows: dict[str, Any]) -> pd.DataFrame:
    """A canonical Imer frame from rows."""
    return pd.DataFrame(list(rows), columns=list(IMER_COLUMNS))
