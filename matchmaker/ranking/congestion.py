"""Congestion-aware re-ranking: popular profiles must not fill every shortlist.

A supplier that every Imer would pick cannot serve every Imer. Each profile
gets a number of *shortlist slots* — how many shortlists it can appear in
and still serve the partnerships they lead to:

    partners it can serve  = supplier: monthly capacity / typical Imer volume
                             Imer: 1 + 2 * stage rank (a challenger markets more brands)
    slots                  = partners it can serve / conversion rate

At fit time the engine estimates each profile's *exposure* (how many
shortlists it would top-k without congestion, on a seeded sample of queries,
scaled to all of them). At ranking time a profile whose exposure exceeds its
slots loses ``strength * log(exposure / slots)`` of log-score. The penalty is
a fixed property of the fitted model, not of the batch being ranked, so one
query ranks the same alone or among thousands.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["congestion_penalty", "imer_slots", "supplier_slots"]

F64 = npt.NDArray[np.float64]


def supplier_slots(
    log_capacity: npt.NDArray[Any],
    typical_log_volume: float,
    conversion_rate: float,
) -> F64:
    """Shortlist slots of suppliers from their capacity.

    Parameters
    ----------
    log_capacity:
        log10 monthly capacity per supplier.
    typical_log_volume:
        log10 monthly units of a typical Imer.
    conversion_rate:
        Share of shortlist appearances expected to become partnerships.

    Returns
    -------
    numpy.ndarray
        Slots (at least ``1 / conversion_rate``).
    """
    partners = np.maximum(1.0, 10.0 ** (np.asarray(log_capacity, np.float64) - typical_log_volume))
    out: F64 = partners / max(conversion_rate, 1e-6)
    return out


def imer_slots(stage_rank: npt.NDArray[Any], conversion_rate: float) -> F64:
    """Shortlist slots of Imers from their stage (unknown stage counts as 1)."""
    rank = np.asarray(stage_rank, np.float64)
    partners = 1.0 + 2.0 * np.where(np.isfinite(rank), rank, 1.0)
    out: F64 = partners / max(conversion_rate, 1e-6)
    return out


def congestion_penalty(exposure: F64, slots: F64, strength: float) -> F64:
    """Log-score penalty ``strength * log(max(1, exposure / slots))``.

    Parameters
    ----------
    exposure:
        Estimated number of shortlists each profile appears in.
    slots:
        Shortlists each profile can serve.
    strength:
        Penalty per unit of log over-subscription.

    Returns
    -------
    numpy.ndarray
        Non-negative penalties.
    """
    ratio = np.asarray(exposure, np.float64) / np.maximum(np.asarray(slots, np.float64), 1e-9)
    out: F64 = strength * np.log(np.maximum(ratio, 1.0))
    return out
