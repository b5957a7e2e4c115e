"""Tiny canonical registries for the graph tests, built by hand."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd

from matchmaker.schema import EVENT_COLUMNS, Registry

T0 = datetime(2024, 1, 1, tzinfo=UTC)


def suppliers_frame(rows: Sequence[dict[str, Any]]) -> pd.DataFrame:
    base = {
        "name": "Usaha",
        "city": None,
        "categories": ["food"],
        "products": "",
        "annual_revenue_idr": np.nan,
        "umkm_class": "mikro",
        "monthly_capacity_units": np.nan,
        "min_order_qty": 1,
        "unit_price_idr": np.nan,
        "dropship": False,
        "certifications": [],
        "ships_to": ["Bali"],
        "province": "Bali",
    }
    return pd.DataFrame([{**base, **r} for r in rows])


def imers_frame(rows: Sequence[dict[str, Any]]) -> pd.DataFrame:
    base = {
        "name": "Penjual",
        "province": "Bali",
        "city": None,
        "monthly_revenue_idr": np.nan,
        "stage": "survivor",
        "categories": ["food"],
        "products": "",
        "channels": [],
        "target_provinces": ["Bali"],
        "monthly_ad_budget_idr": np.nan,
        "monthly_orders": np.nan,
        "needs_dropship": False,
        "required_certifications": [],
    }
    return pd.DataFrame([{**base, **r} for r in rows])


def events_frame(rows: Sequence[tuple[Any, ...] | dict[str, Any]]) -> pd.DataFrame:
    """Events from (supplier, imer, status, day[, extra]) tuples, day = days after T0."""
    records = []
    for k, row in enumerate(rows, start=1):
        if isinstance(row, dict):
            rec = dict(row)
        else:
            sid, iid, status, day, *rest = row
            rec = {"supplier_id": sid, "imer_id": iid, "status": status, "day": day}
            if rest:
                rec.update(rest[0])
        day = rec.pop("day", k)
        rec.setdefault("at", T0 + timedelta(days=day))
        rec.setdefault("event_id", k)
        records.append(rec)
    frame = pd.DataFrame.from_records(records)
    for col in EVENT_COLUMNS:
        if col not in frame.columns:
            frame[col] = None
    for col in ("monthly_units", "rating"):
        frame[col] = pd.to_numeric(frame[col]).astype(float)
    frame["actor"] = frame["actor"].fillna("staff")
    frame["source"] = frame["source"].fillna("api")
    return frame


def registry(
    suppliers: Sequence[str | dict[str, Any]],
    imers: Sequence[str | dict[str, Any]],
    events: Sequence[tuple[Any, ...] | dict[str, Any]] = (),
) -> Registry:
    sup = [{"supplier_id": s} if isinstance(s, str) else s for s in suppliers]
    imr = [{"imer_id": i} if isinstance(i, str) else i for i in imers]
    ev = events_frame(events) if events else None
    kwargs: dict[str, Any] = {"suppliers": suppliers_frame(sup), "imers": imers_frame(imr)}
    if ev is not None:
        kwargs["events"] = ev
    return Registry(**kwargs)
