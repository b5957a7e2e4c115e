"""Compatibility of an event's pairs: the engine's score (or a content score) and the wishes.

The score of a supplier–Imer pair at an event is:

1. **base** — the fitted engine's reciprocal score (``Recommender.score_pairs``,
   both sides' view) when a saved model is given; otherwise the documented
   :func:`content_score` (category overlap, reach, dropship and certification
   fit), so an event can be planned before any model is fitted;
2. **raised by wishes** — each side (supplier, Imer, or staff) that would
   like or must meet the pair adds :data:`WISH_RAISE` (×1.25 for one side,
   ×1.5 when both sides wish it); a wished pair counts at least
   :data:`WISHED_FLOOR` before the raise, so a wish is never worth nothing;
3. **nothing for "do not want"** — a ``not`` from either side (or staff)
   removes the pair: it is never scheduled.

A ``must`` wish from anyone makes the pair a must-meet.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from matchmaker.errors import ValidationError

__all__ = [
    "WISHED_FLOOR",
    "WISH_RAISE",
    "EventPairs",
    "PairScorer",
    "apply_wishes",
    "content_score",
    "top_candidates",
]

logger = logging.getLogger(__name__)

#: Scores pairs given as a frame with ``supplier_id`` and ``imer_id``.
PairScorer = Callable[[pd.DataFrame], pd.Series]

#: Raise of the score per side that wishes the pair.
WISH_RAISE = 0.25

#: Base score a wished pair gets at least.
WISHED_FLOOR = 0.05


@dataclass(frozen=True, eq=False)
class EventPairs:
    """The pairs an event may schedule.

    Attributes
    ----------
    pairs:
        ``supplier_id, imer_id, base_score, score, must_meet, wished_by``
        (``wished_by``: who wishes the pair, ``;``-separated), sorted by ids.
    excluded:
        Pairs removed by a "do not want": ``supplier_id, imer_id, by``.
    source:
        ``"model"`` or ``"content"``: where the base scores came from.
    """

    pairs: pd.DataFrame
    excluded: pd.DataFrame
    source: str


def _as_set(value: object) -> set[str]:
    if isinstance(value, list | tuple | set | frozenset | np.ndarray):
        return {str(v) for v in value}
    return set()


def content_score(suppliers: pd.DataFrame, imers: pd.DataFrame, pairs: pd.DataFrame) -> pd.Series:
    """A simple, explainable compatibility used when no fitted model exists.

    ``0.55 × category overlap + 0.15 × reach + 0.15 × dropship fit +
    0.15 × certification fit``, in ``[0, 1]``:

    * category overlap: shared categories over the smaller of the two lists;
    * reach: the supplier ships to the Imer's province or one of its target
      provinces;
    * dropship fit: the Imer needs no dropship, or the supplier offers it;
    * certification fit: the supplier holds every certification the Imer
      requires.

    Parameters
    ----------
    suppliers, imers:
        Canonical profile frames (``SUPPLIER_COLUMNS``, ``IMER_COLUMNS``).
    pairs:
        ``supplier_id``, ``imer_id``.

    Returns
    -------
    pandas.Series
        ``score`` aligned with ``pairs.index``.
    """
    sup = suppliers.set_index("supplier_id")
    imr = imers.set_index("imer_id")
    s_cat = {k: _as_set(v) for k, v in sup["categories"].items()}
    s_ship = {k: _as_set(v) for k, v in sup["ships_to"].items()}
    s_cert = {k: _as_set(v) for k, v in sup["certifications"].items()}
    s_drop = {k: bool(v) for k, v in sup["dropship"].items()}
    i_cat = {k: _as_set(v) for k, v in imr["categories"].items()}
    i_reach = {
        k: _as_set(t) | {str(p)}
        for k, t, p in zip(imr.index, imr["target_provinces"], imr["province"], strict=True)
    }
    i_cert = {k: _as_set(v) for k, v in imr["required_certifications"].items()}
    i_drop = {k: bool(v) for k, v in imr["needs_dropship"].items()}
    values: list[float] = []
    for sid, iid in zip(pairs["supplier_id"], pairs["imer_id"], strict=True):
        a, b = s_cat.get(sid, set()), i_cat.get(iid, set())
        overlap = len(a & b) / min(len(a), len(b)) if a and b else 0.0
        reach = 1.0 if s_ship.get(sid, set()) & i_reach.get(iid, set()) else 0.0
        drop = 1.0 if (not i_drop.get(iid, False)) or s_drop.get(sid, False) else 0.0
        cert = 1.0 if i_cert.get(iid, set()) <= s_cert.get(sid, set()) else 0.0
        values.append(0.55 * overlap + 0.15 * reach + 0.15 * drop + 0.15 * cert)
    return pd.Series(values, index=pairs.index, name="score", dtype="float64")


def apply_wishes(pairs: pd.DataFrame, wishes: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Raise wished pairs, mark must-meets, drop "do not want" pairs.

    Parameters
    ----------
    pairs:
        ``supplier_id, imer_id, base_score``.
    wishes:
        ``supplier_id, imer_id, by, wish`` with ``wish`` in ``must``, ``like``,
        ``not``.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        The kept pairs with ``score``, ``must_meet``, ``wished_by`` added,
        and the excluded pairs (``supplier_id, imer_id, by``).
    """
    out = pairs.copy()
    out["score"] = out["base_score"].astype(float)
    out["must_meet"] = False
    out["wished_by"] = ""
    if wishes.empty or out.empty:
        excluded = pd.DataFrame(columns=["supplier_id", "imer_id", "by"])
        return out, excluded
    bad = set(wishes["wish"]) - {"must", "like", "not"}
    if bad:
        raise ValidationError(f"unknown wish value(s) {sorted(bad)}; use must, like or not")
    key = list(zip(out["supplier_id"], out["imer_id"], strict=True))
    position = {k: n for n, k in enumerate(key)}
    score = out["score"].to_numpy(dtype=float).copy()
    must = np.zeros(len(out), dtype=bool)
    sides: list[list[str]] = [[] for _ in range(len(out))]
    blocked: dict[int, list[str]] = {}
    for sid, iid, by, wish in zip(
        wishes["supplier_id"], wishes["imer_id"], wishes["by"], wishes["wish"], strict=True
    ):
        n = position.get((sid, iid))
        if n is None:
            continue
        if wish == "not":
            blocked.setdefault(n, []).append(str(by))
            continue
        sides[n].append(str(by))
        if wish == "must":
            must[n] = True
    for n, who in enumerate(sides):
        if who:
            score[n] = max(score[n], WISHED_FLOOR) * (1.0 + WISH_RAISE * len(set(who)))
    out["score"] = score
    out["must_meet"] = must
    out["wished_by"] = [";".join(sorted(set(w))) for w in sides]
    keep = np.ones(len(out), dtype=bool)
    rows: list[tuple[str, str, str]] = []
    for n, who in sorted(blocked.items()):
        keep[n] = False
        rows.append((str(key[n][0]), str(key[n][1]), ";".join(sorted(set(who)))))
    excluded = pd.DataFrame(rows, columns=["supplier_id", "imer_id", "by"])
    return out.loc[keep].reset_index(drop=True), excluded


def top_candidates(pairs: pd.DataFrame, k: int, keep: pd.Series | None = None) -> pd.DataFrame:
    """The pairs among each participant's ``k`` best (either side), plus ``keep`` rows.

    Parameters
    ----------
    pairs:
        ``supplier_id, imer_id, base_score``.
    k:
        Candidates per participant and side; ``0`` or less keeps every pair.
    keep:
        Boolean mask of rows always kept (wished pairs).

    Returns
    -------
    pandas.DataFrame
        The kept rows, sorted by ids.
    """
    if k <= 0 or pairs.empty:
        return pairs.sort_values(["supplier_id", "imer_id"]).reset_index(drop=True)
    ordered = pairs.sort_values(
        ["base_score", "supplier_id", "imer_id"], ascending=[False, True, True], kind="stable"
    )
    by_s = ordered.groupby("supplier_id", sort=False).head(k).index
    by_i = ordered.groupby("imer_id", sort=False).head(k).index
    chosen = set(by_s) | set(by_i)
    if keep is not None:
        chosen |= set(pairs.index[keep.to_numpy(dtype=bool)])
    out = pairs.loc[sorted(chosen)]
    return out.sort_values(["supplier_id", "imer_id"]).reset_index(drop=True)
