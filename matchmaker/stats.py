"""Aggregate counts of the registry (stage, UMKM class, province, category, partnerships).

These are the public face of the registry: they carry counts only, never
names or contact details, and :func:`suppress_small_cells` hides any count
small enough to single a business or person out.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from matchmaker.reference import CATEGORY_SLUGS, PROVINCE_NAMES, STAGE_SLUGS, UMKM_CLASS_SLUGS
from matchmaker.schema import Registry

__all__ = ["MIN_PUBLIC_CELL", "registry_stats", "suppress_small_cells"]

#: The smallest count shown to anonymous readers; smaller cells are suppressed.
MIN_PUBLIC_CELL = 5


def _ordered_counts(values: pd.Series, order: tuple[str, ...]) -> dict[str, int]:
    counts = values.value_counts()
    out = {key: int(counts.get(key, 0)) for key in order}
    for key, value in counts.items():
        if key not in out:
            out[str(key)] = int(value)
    return out


def registry_stats(registry: Registry) -> dict[str, Any]:
    """Counts by stage, UMKM class, province and category, and partnership coverage.

    Parameters
    ----------
    registry:
        A registry snapshot (see :class:`matchmaker.schema.Registry`).

    Returns
    -------
    dict
        ``totals`` (suppliers, imers, pairs), ``imers_by_stage``,
        ``suppliers_by_umkm_class`` (``unknown`` where revenue is missing),
        ``suppliers_by_province``, ``imers_by_province``,
        ``suppliers_by_category`` and ``imers_by_category`` (a profile counts
        once in each of its categories), ``partnerships_by_status`` and
        ``imers_with_active_supplier``. Every order is the reference order.
    """
    sup, imr, pairs = registry.suppliers, registry.imers, registry.partnerships
    classes = sup["umkm_class"].fillna("unknown") if len(sup) else pd.Series(dtype=object)
    active = pairs[pairs["status"] == "active"] if len(pairs) else pairs
    return {
        "totals": {
            "suppliers": len(sup),
            "imers": len(imr),
            "partnerships": len(pairs),
        },
        "imers_by_stage": _ordered_counts(imr["stage"], STAGE_SLUGS),
        "suppliers_by_umkm_class": _ordered_counts(classes, (*UMKM_CLASS_SLUGS, "unknown")),
        "suppliers_by_province": _ordered_counts(sup["province"], PROVINCE_NAMES),
        "imers_by_province": _ordered_counts(imr["province"], PROVINCE_NAMES),
        "suppliers_by_category": _ordered_counts(
            sup["categories"].explode().dropna(), CATEGORY_SLUGS
        ),
        "imers_by_category": _ordered_counts(imr["categories"].explode().dropna(), CATEGORY_SLUGS),
        "partnerships_by_status": _ordered_counts(
            pairs["status"], ("proposed", "accepted", "declined", "active", "ended")
        ),
        "imers_with_active_supplier": int(active["imer_id"].nunique()) if len(active) else 0,
    }


def suppress_small_cells(stats: dict[str, Any], minimum: int = MIN_PUBLIC_CELL) -> dict[str, Any]:
    """A copy of ``stats`` where every count in ``1 … minimum-1`` becomes ``None``.

    Zero stays zero (an empty cell reveals no one); totals are kept. Nested
    dictionaries are handled recursively.
    """

    def walk(node: Any, top: bool) -> Any:
        if isinstance(node, dict):
            return {k: (v if top and k == "totals" else walk(v, False)) for k, v in node.items()}
        if isinstance(node, int) and not isinstance(node, bool) and 0 < node < minimum:
            return None
        return node

    return dict(walk(stats, True))
