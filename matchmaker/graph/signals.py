"""Graph signals for the ranker: collaborative evidence profiles do not carry.

:func:`graph_pair_features` scores (supplier, Imer) pairs with what the
partnership history says about them, computed only from events strictly
before ``as_of`` so held-out evaluation never sees the future:

``graph_rwr``
    Random walk with restart from the Imer over the bipartite graph of good
    partnerships, truncated after ``2 * hops - 1`` steps (1 step: the Imer's
    own partners; 3 steps: suppliers of Imers who share a supplier with it).
    Reported as ``log1p(p * n_suppliers)``: 0 means no evidence, 1 means
    ``e - 1`` times the probability of a uniformly random supplier.
``graph_cooccur``
    Item-item co-partnership: the sum, over the Imer's good partners ``s'``
    (other than the candidate), of the cosine similarity between ``s'`` and
    the candidate supplier measured on the Imers they served; ``log1p``.
``graph_supplier_popularity``
    ``log1p`` of the supplier's weighted number of good partnerships.
``graph_supplier_accept_rate``
    Share of the supplier's decided proposals that were accepted, shrunk
    towards the overall rate with ``shrinkage`` pseudo-decisions.
``graph_supplier_rating``
    Shrunk mean rating Imers gave the supplier (1-5 scale).
``graph_supplier_active``
    Number of the supplier's currently active partnerships.
``graph_supplier_load``
    Units the supplier currently ships through active partnerships over its
    ``monthly_capacity_units`` (missing units are imputed with the median of
    known ones; unknown capacity takes the median load of known ones).
``graph_imer_partners``
    ``log1p`` of the Imer's weighted number of good partnerships.
``graph_imer_success``
    Shrunk share of the Imer's decided proposals that were accepted.
``graph_imer_rating``
    Shrunk mean rating suppliers gave the Imer (1-5 scale).
``graph_imer_active``
    Number of the Imer's currently active partnerships.
``graph_pair_declined``
    1.0 when the pair's latest state is ``declined``.
``graph_pair_past``
    1.0 when the pair has been active before (active now or ended).

All columns are finite floats (no NaN): missing evidence takes a neutral
value so any model can use them directly.

Implementation: one sparse matrix of good partnerships (Imers x suppliers);
walk and co-partnership scores are sparse triple products computed for the
requested Imers in chunks, so the cost grows with the number of distinct
Imers asked about and the local density of the graph, not with
``n_imers * n_suppliers``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd
import scipy.sparse as sp

from matchmaker.errors import ValidationError
from matchmaker.graph.build import events_before, summarise_pairs
from matchmaker.schema import Registry

__all__ = [
    "GRAPH_FEATURES",
    "GraphSignalConfig",
    "graph_pair_features",
    "pair_weights",
]

logger = logging.getLogger(__name__)

#: Every column :func:`graph_pair_features` adds, in order.
GRAPH_FEATURES: tuple[str, ...] = (
    "graph_rwr",
    "graph_cooccur",
    "graph_supplier_popularity",
    "graph_supplier_accept_rate",
    "graph_supplier_rating",
    "graph_supplier_active",
    "graph_supplier_load",
    "graph_imer_partners",
    "graph_imer_success",
    "graph_imer_rating",
    "graph_imer_active",
    "graph_pair_declined",
    "graph_pair_past",
)


@dataclass(frozen=True)
class GraphSignalConfig:
    """Settings of the graph signals.

    Parameters
    ----------
    restart:
        Restart probability of the random walk (0 < restart < 1).
    hops:
        Supplier-side steps of the walk kept: 1 keeps walks of length 1,
        2 adds length 3, 3 adds length 5 (denser, slower).
    popularity_beta:
        Walk scores are divided by ``popularity ** beta`` (RP3-beta style
        damping of hubs); 0 disables it.
    weight_active:
        Edge weight of a pair that has been active (before rating).
    weight_accepted:
        Edge weight of an accepted pair that has not become active.
    weight_proposed:
        Edge weight of a pending proposal.
    rating_slope:
        A known rating ``r`` multiplies the active weight by
        ``max(0, 1 + rating_slope * (r - 3))``.
    shrinkage:
        Pseudo-counts pulling rates and mean ratings towards the overall value.
    chunk_size:
        Imers scored per sparse product (bounds memory).
    """

    restart: float = 0.3
    hops: int = 2
    popularity_beta: float = 0.0
    weight_active: float = 1.0
    weight_accepted: float = 0.5
    weight_proposed: float = 0.0
    rating_slope: float = 0.5
    shrinkage: float = 5.0
    chunk_size: int = 2048

    def __post_init__(self) -> None:
        if not 0.0 < self.restart < 1.0:
            raise ValidationError(
                f"GraphSignalConfig.restart must be in (0, 1), got {self.restart}"
            )
        if self.hops not in (1, 2, 3):
            raise ValidationError(f"GraphSignalConfig.hops must be 1, 2 or 3, got {self.hops}")
        if self.chunk_size < 1:
            raise ValidationError("GraphSignalConfig.chunk_size must be at least 1")
        if self.shrinkage < 0:
            raise ValidationError("GraphSignalConfig.shrinkage must be non-negative")


class _Index:
    """The one place where external ids become matrix rows."""

    def __init__(self, *id_arrays: np.ndarray) -> None:
        ids = np.unique(np.concatenate([np.asarray(a, dtype=object) for a in id_arrays]))
        self.ids: np.ndarray = ids.astype(object)
        self._pos = pd.Index(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def rows(self, ids: np.ndarray) -> np.ndarray:
        pos = self._pos.get_indexer(np.asarray(ids, dtype=object))
        return np.asarray(pos, dtype=np.int64)


def pair_weights(summary: pd.DataFrame, config: GraphSignalConfig | None = None) -> np.ndarray:
    """Weight of each summarised pair in the graph of good partnerships.

    Parameters
    ----------
    summary:
        Output of :func:`matchmaker.graph.build.summarise_pairs`.
    config:
        Weights (defaults when ``None``).

    Returns
    -------
    numpy.ndarray
        Non-negative float weight per row; 0 for declined pairs.
    """
    cfg = config or GraphSignalConfig()
    status = summary["status"].to_numpy(dtype=object)
    ever_active = summary["ever_active"].to_numpy(dtype=bool)
    rating = summary["rating"].to_numpy(dtype=float)
    w = np.zeros(len(summary), dtype=float)
    w[status == "proposed"] = cfg.weight_proposed
    w[status == "accepted"] = cfg.weight_accepted
    factor = np.where(
        np.isnan(rating), 1.0, np.maximum(0.0, 1.0 + cfg.rating_slope * (rating - 3.0))
    )
    active_like = ever_active & (status != "declined")
    w[active_like] = cfg.weight_active * factor[active_like]
    w[status == "declined"] = 0.0
    return w


def _row_normalise(m: sp.csr_matrix) -> sp.csr_matrix:
    sums = np.asarray(m.sum(axis=1)).ravel()
    inv = np.divide(1.0, sums, out=np.zeros_like(sums), where=sums > 0)
    return sp.csr_matrix(sp.diags(inv) @ m)


def _col_l2_normalise(m: sp.csr_matrix) -> sp.csr_matrix:
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=0)).ravel())
    inv = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    return sp.csr_matrix(m @ sp.diags(inv))


def _lookup(m: sp.csr_matrix, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    if len(rows) == 0:
        return np.zeros(0, dtype=float)
    return np.asarray(m[rows, cols], dtype=float).ravel()


def _walk_scores(
    adj: sp.csr_matrix,
    q_rows: np.ndarray,
    q_cols: np.ndarray,
    cfg: GraphSignalConfig,
    popularity: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Truncated RWR probability and co-partnership score at the query pairs."""
    n_pairs = len(q_rows)
    rwr = np.zeros(n_pairs, dtype=float)
    cooc = np.zeros(n_pairs, dtype=float)
    if n_pairs == 0 or adj.nnz == 0:
        return rwr, cooc
    w_is = _row_normalise(adj)  # Imer -> supplier transition
    w_si = _row_normalise(sp.csr_matrix(adj.T))  # supplier -> Imer transition
    binary = sp.csr_matrix(adj, copy=True)
    binary.data[:] = 1.0
    cos_cols = _col_l2_normalise(binary)  # columns: suppliers, unit L2 over Imers
    cos_t = sp.csr_matrix(cos_cols.T)
    a = cfg.restart
    damp = np.ones(adj.shape[1], dtype=float)
    if cfg.popularity_beta > 0:
        damp = np.power(np.maximum(popularity, 1e-12), -cfg.popularity_beta)
        damp[popularity <= 0] = 0.0

    order = np.argsort(q_rows, kind="stable")
    sorted_rows = q_rows[order]
    uniq = np.unique(sorted_rows)
    for start in range(0, len(uniq), cfg.chunk_size):
        chunk = uniq[start : start + cfg.chunk_size]
        lo = np.searchsorted(sorted_rows, chunk[0], side="left")
        hi = np.searchsorted(sorted_rows, chunk[-1], side="right")
        sel = order[lo:hi]
        local = np.searchsorted(chunk, q_rows[sel])
        cols = q_cols[sel]
        step = sp.csr_matrix(w_is[chunk])  # walks of length 1
        total = step * (a * (1 - a))
        for hop in range(2, cfg.hops + 1):
            step = sp.csr_matrix((step @ w_si) @ w_is)
            total = total + step * (a * (1 - a) ** (2 * hop - 1))
        rwr[sel] = _lookup(sp.csr_matrix(total), local, cols) * damp[cols]
        b = sp.csr_matrix(binary[chunk])
        co = sp.csr_matrix((b @ cos_t) @ cos_cols)
        # A partner's similarity with itself is 1; leave it out.
        self_term = _lookup(b, local, cols)
        cooc[sel] = np.maximum(_lookup(co, local, cols) - self_term, 0.0)
    return rwr, cooc


def _shrunk_rate(success: np.ndarray, decided: np.ndarray, m: float) -> np.ndarray:
    total = decided.sum()
    prior = float(success.sum() / total) if total > 0 else 0.5
    if m > 0:
        return np.asarray((success + m * prior) / (decided + m), dtype=float)
    rate: np.ndarray = np.divide(
        success, decided, out=np.full(len(success), prior), where=decided > 0
    )
    return rate


def _shrunk_mean(values: np.ndarray, groups: np.ndarray, n_groups: int, m: float) -> np.ndarray:
    known = ~np.isnan(values)
    prior = float(values[known].mean()) if known.any() else 3.0
    sums = np.bincount(groups[known], weights=values[known], minlength=n_groups)
    counts = np.bincount(groups[known], minlength=n_groups).astype(float)
    if m > 0:
        return np.asarray((sums + m * prior) / (counts + m), dtype=float)
    mean: np.ndarray = np.divide(sums, counts, out=np.full(n_groups, prior), where=counts > 0)
    return mean


def graph_pair_features(
    registry: Registry,
    pairs: pd.DataFrame,
    *,
    as_of: datetime | None = None,
    config: GraphSignalConfig | None = None,
) -> pd.DataFrame:
    """Graph features of (supplier, Imer) pairs from the partnership history.

    Parameters
    ----------
    registry:
        Profiles (supplier ``monthly_capacity_units`` is used) and events.
    pairs:
        Frame with ``supplier_id`` and ``imer_id`` columns; ids need not appear
        in the registry (unknown ids get the neutral values).
    as_of:
        Only events strictly before this time are used (naive = UTC); ``None``
        uses every event.
    config:
        Signal settings; defaults when ``None``.

    Returns
    -------
    pandas.DataFrame
        One row per input pair in the same order and index, with
        ``supplier_id``, ``imer_id`` and the :data:`GRAPH_FEATURES` columns
        (finite floats).

    Raises
    ------
    ValidationError
        If ``pairs`` lacks ``supplier_id`` or ``imer_id``.

    Notes
    -----
    Cost: linear in events and pairs, plus sparse products over the
    neighbourhoods (two hops by default) of the distinct Imers in ``pairs``.
    """
    cfg = config or GraphSignalConfig()
    missing = [c for c in ("supplier_id", "imer_id") if c not in pairs.columns]
    if missing:
        raise ValidationError(
            f"pairs lack column(s) {', '.join(missing)}; pass a frame with supplier_id and imer_id"
        )
    p_sup = pairs["supplier_id"].astype(str).to_numpy(dtype=object)
    p_imr = pairs["imer_id"].astype(str).to_numpy(dtype=object)

    ev = events_before(registry.events, as_of)
    summary = summarise_pairs(ev)
    s_sup = summary["supplier_id"].to_numpy(dtype=object)
    s_imr = summary["imer_id"].to_numpy(dtype=object)
    reg_sup = registry.suppliers["supplier_id"].astype(str).to_numpy(dtype=object)
    sup_index = _Index(reg_sup, s_sup, p_sup)
    imr_index = _Index(registry.imers["imer_id"].astype(str).to_numpy(dtype=object), s_imr, p_imr)
    n_s, n_i = len(sup_index), len(imr_index)
    srow = sup_index.rows(s_sup)
    irow = imr_index.rows(s_imr)
    q_s = sup_index.rows(p_sup)
    q_i = imr_index.rows(p_imr)

    weights = pair_weights(summary, cfg)
    pos = weights > 0
    adj = sp.csr_matrix((weights[pos], (irow[pos], srow[pos])), shape=(n_i, n_s))
    adj.sum_duplicates()
    sup_pop = np.asarray(adj.sum(axis=0)).ravel()
    imr_pop = np.asarray(adj.sum(axis=1)).ravel()

    rwr_p, cooc = _walk_scores(adj, q_i, q_s, cfg, sup_pop)
    n_active_sup = max(int((sup_pop > 0).sum()), 1)

    # Rates and ratings per supplier / Imer.
    status = summary["status"].to_numpy(dtype=object)
    accepted = summary["ever_accepted"].to_numpy(dtype=bool)
    decided = accepted | (summary["n_declines"].to_numpy(dtype=np.int64) > 0)
    active = status == "active"
    m = cfg.shrinkage
    sup_accept = _shrunk_rate(
        np.bincount(srow, weights=accepted.astype(float), minlength=n_s),
        np.bincount(srow, weights=decided.astype(float), minlength=n_s),
        m,
    )
    imr_success = _shrunk_rate(
        np.bincount(irow, weights=accepted.astype(float), minlength=n_i),
        np.bincount(irow, weights=decided.astype(float), minlength=n_i),
        m,
    )
    sup_rating = _shrunk_mean(summary["rating"].to_numpy(dtype=float), srow, n_s, m)
    imr_rating = _shrunk_mean(summary["supplier_rating"].to_numpy(dtype=float), irow, n_i, m)
    sup_active = np.bincount(srow, weights=active.astype(float), minlength=n_s)
    imr_active = np.bincount(irow, weights=active.astype(float), minlength=n_i)

    units = summary["monthly_units"].to_numpy(dtype=float)
    known_units = units[~np.isnan(units)]
    fill_units = float(np.median(known_units)) if known_units.size else 0.0
    units = np.where(np.isnan(units), fill_units, units)
    sup_units = np.bincount(srow[active], weights=units[active], minlength=n_s)
    capacity = np.full(n_s, np.nan)
    if "monthly_capacity_units" in registry.suppliers.columns:
        cap_values = pd.to_numeric(
            registry.suppliers["monthly_capacity_units"], errors="coerce"
        ).to_numpy(dtype=float)
        capacity[sup_index.rows(reg_sup)] = cap_values
    with np.errstate(divide="ignore", invalid="ignore"):
        load = np.where(capacity > 0, sup_units / capacity, np.nan)
    known_load = load[~np.isnan(load)]
    load = np.where(np.isnan(load), float(np.median(known_load)) if known_load.size else 0.0, load)

    # Pair-level history.
    pair_key = pd.MultiIndex.from_arrays([s_sup, s_imr])
    q_key = pd.MultiIndex.from_arrays([p_sup, p_imr])
    hit = pair_key.get_indexer(q_key)
    found = hit >= 0
    declined = np.zeros(len(pairs), dtype=float)
    past = np.zeros(len(pairs), dtype=float)
    declined[found] = (status[hit[found]] == "declined").astype(float)
    ever_active = summary["ever_active"].to_numpy(dtype=bool)
    past[found] = ever_active[hit[found]].astype(float)

    out = pd.DataFrame(
        {
            "supplier_id": pairs["supplier_id"].to_numpy(),
            "imer_id": pairs["imer_id"].to_numpy(),
            "graph_rwr": np.log1p(rwr_p * n_active_sup),
            "graph_cooccur": np.log1p(cooc),
            "graph_supplier_popularity": np.log1p(sup_pop[q_s]),
            "graph_supplier_accept_rate": sup_accept[q_s],
            "graph_supplier_rating": sup_rating[q_s],
            "graph_supplier_active": sup_active[q_s],
            "graph_supplier_load": load[q_s],
            "graph_imer_partners": np.log1p(imr_pop[q_i]),
            "graph_imer_success": imr_success[q_i],
            "graph_imer_rating": imr_rating[q_i],
            "graph_imer_active": imr_active[q_i],
            "graph_pair_declined": declined,
            "graph_pair_past": past,
        },
        index=pairs.index,
    )
    logger.debug(
        "graph features for %d pairs from %d events (%d pairs in history)",
        len(out),
        len(ev),
        len(summary),
    )
    return out
