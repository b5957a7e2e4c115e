"""Graph signals for the ranker: collaborative evidence profiles do not carry.

:func:`graph_pair_features` scores (supplier, Imer) pairs with what the
partnership history says about them, computed only from events strictly
before ``as_of`` so held-out evaluation never sees the future. Columns
(:data:`ALL_GRAPH_FEATURES`; the default set :data:`GRAPH_FEATURES` is
marked *):

``graph_rwr`` *
    Random walk with restart from the Imer over the bipartite graph of good
    partnerships, truncated after ``2 * hops - 1`` steps (1 step: the Imer's
    own partners; 3 steps: suppliers of Imers who share a supplier with it).
    Reported as ``log1p(p * n_suppliers)``: 0 means no evidence, 1 means
    ``e - 1`` times the probability of a uniformly random supplier.
``graph_rwr_reverse``
    The same walk started from the supplier, read at the Imer.
``graph_cooccur`` *
    Item-item co-partnership: the sum, over the Imer's good partners ``s'``
    (other than the candidate), of the cosine similarity between ``s'`` and
    the candidate supplier measured on the Imers they served; ``log1p``.
``graph_supplier_popularity``
    ``log1p`` of the supplier's weighted number of good partnerships.
``graph_supplier_accept_rate`` *
    Share of the supplier's decided proposals that were accepted, shrunk
    towards the overall rate with ``shrinkage`` pseudo-decisions.
``graph_supplier_rating`` *
    Shrunk mean rating Imers gave the supplier (1-5 scale).
``graph_supplier_active`` *
    Number of the supplier's currently active partnerships.
``graph_supplier_load``
    Units the supplier currently ships through active partnerships over its
    ``monthly_capacity_units`` (missing units are imputed with the median of
    known ones; unknown capacity takes the median load of known ones).
``graph_imer_partners``
    ``log1p`` of the Imer's weighted number of good partnerships.
``graph_imer_success`` *
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

Which signals are on by default
-------------------------------
Chosen by the engine's held-out evaluation (``matchmaker.ranking.evaluation``,
sample data, hold-out windows of 4, 6 and 8 months): with the default set the
engine's NDCG@10 for Imer -> supplier shortlists rose in all three windows
(+0.007, +0.024, +0.018 when measured) while supplier -> Imer shortlists were
unchanged on balance (+0.007, -0.002, -0.005). Removing ``graph_rwr`` or
``graph_cooccur`` from the set lowered NDCG@10. Left out because they did not help the engine:
``graph_supplier_popularity``, ``graph_imer_partners`` and ``graph_imer_active``
(they lowered NDCG; the engine's own partnership records already count
partners), ``graph_rwr_reverse`` (lowered it), ``graph_supplier_load`` (no
change), ``graph_pair_declined`` (no change: the engine already penalises
declined pairs), ``graph_imer_rating`` (the contract's partnership files
carry no supplier-side rating, so it cannot be measured on the sample) and
``graph_pair_past`` (held-out candidates never have a past partnership, so
it cannot help there). ``benchmarks/bench_graph.py --quality`` repeats the
check against a simple content-only model.

Implementation: one sparse matrix of good partnerships (Imers x suppliers);
walk and co-partnership scores are sparse triple products computed for the
requested Imers in chunks, so the cost grows with the number of distinct
Imers asked about and the local density of the graph, not with
``n_imers * n_suppliers``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd
import scipy.sparse as sp

from matchmaker.errors import ValidationError
from matchmaker.graph.build import events_before, summarise_pairs
from matchmaker.schema import Registry

__all__ = [
    "ALL_GRAPH_FEATURES",
    "GRAPH_FEATURES",
    "GraphSignalConfig",
    "graph_pair_features",
    "pair_weights",
]

logger = logging.getLogger(__name__)

#: Every column :func:`graph_pair_features` can compute, in order.
ALL_GRAPH_FEATURES: tuple[str, ...] = (
    "graph_rwr",
    "graph_rwr_reverse",
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

#: The columns computed by default: the signals that improved the engine's
#: held-out NDCG@10 (see the module docstring for the measurement and what
#: was left out).
GRAPH_FEATURES: tuple[str, ...] = (
    "graph_rwr",
    "graph_cooccur",
    "graph_supplier_accept_rate",
    "graph_supplier_rating",
    "graph_supplier_active",
    "graph_imer_success",
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


def _chunks(
    q_rows: np.ndarray, chunk_size: int
) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Distinct query rows in chunks: (chunk rows, selected pair positions, local rows)."""
    order = np.argsort(q_rows, kind="stable")
    sorted_rows = q_rows[order]
    uniq = np.unique(sorted_rows)
    for start in range(0, len(uniq), chunk_size):
        chunk = uniq[start : start + chunk_size]
        lo = np.searchsorted(sorted_rows, chunk[0], side="left")
        hi = np.searchsorted(sorted_rows, chunk[-1], side="right")
        sel = order[lo:hi]
        yield chunk, sel, np.searchsorted(chunk, q_rows[sel])


def _walk(
    adj: sp.csr_matrix,
    q_rows: np.ndarray,
    q_cols: np.ndarray,
    cfg: GraphSignalConfig,
    popularity: np.ndarray,
) -> np.ndarray:
    """Truncated random walk with restart from each query row to its column.

    ``adj`` is (query side x target side); the walk alternates sides and the
    probability mass on the target at steps 1, 3, ... ``2 * hops - 1`` is
    summed, each weighted ``restart * (1 - restart) ** step``.
    """
    out = np.zeros(len(q_rows), dtype=float)
    if len(q_rows) == 0 or adj.nnz == 0:
        return out
    forward = _row_normalise(adj)
    back = _row_normalise(sp.csr_matrix(adj.T))
    a = cfg.restart
    damp = np.ones(adj.shape[1], dtype=float)
    if cfg.popularity_beta > 0:
        damp = np.power(np.maximum(popularity, 1e-12), -cfg.popularity_beta)
        damp[popularity <= 0] = 0.0
    for chunk, sel, local in _chunks(q_rows, cfg.chunk_size):
        step = sp.csr_matrix(forward[chunk])  # walks of length 1
        total = step * (a * (1 - a))
        for hop in range(2, cfg.hops + 1):
            step = sp.csr_matrix((step @ back) @ forward)
            total = total + step * (a * (1 - a) ** (2 * hop - 1))
        cols = q_cols[sel]
        out[sel] = _lookup(sp.csr_matrix(total), local, cols) * damp[cols]
    return out


def _cooccurrence(
    adj: sp.csr_matrix, q_rows: np.ndarray, q_cols: np.ndarray, cfg: GraphSignalConfig
) -> np.ndarray:
    """Sum of cosine similarities between the target and the query's other partners."""
    out = np.zeros(len(q_rows), dtype=float)
    if len(q_rows) == 0 or adj.nnz == 0:
        return out
    binary = sp.csr_matrix(adj, copy=True)
    binary.data[:] = 1.0
    cos_cols = _col_l2_normalise(binary)  # target columns with unit L2 norm over queries
    cos_t = sp.csr_matrix(cos_cols.T)
    for chunk, sel, local in _chunks(q_rows, cfg.chunk_size):
        b = sp.csr_matrix(binary[chunk])
        co = sp.csr_matrix((b @ cos_t) @ cos_cols)
        cols = q_cols[sel]
        # A partner's similarity with itself is 1; leave it out.
        out[sel] = np.maximum(_lookup(co, local, cols) - _lookup(b, local, cols), 0.0)
    return out


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
    features: Sequence[str] | None = None,
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
    features:
        Columns to compute, from :data:`ALL_GRAPH_FEATURES`; ``None`` gives
        :data:`GRAPH_FEATURES` (the signals that improved held-out ranking).

    Returns
    -------
    pandas.DataFrame
        One row per input pair in the same order and index, with
        ``supplier_id``, ``imer_id`` and the requested feature columns
        (finite floats), in the requested order.

    Raises
    ------
    ValidationError
        If ``pairs`` lacks ``supplier_id`` or ``imer_id``, or a feature name
        is unknown.

    Notes
    -----
    Cost: linear in events and pairs, plus sparse products over the
    neighbourhoods (two hops by default) of the distinct Imers in ``pairs``.
    """
    cfg = config or GraphSignalConfig()
    names = list(GRAPH_FEATURES if features is None else features)
    unknown = [n for n in names if n not in ALL_GRAPH_FEATURES]
    if unknown:
        raise ValidationError(
            f"unknown graph feature(s) {', '.join(unknown)}; "
            f"choose from {', '.join(ALL_GRAPH_FEATURES)}"
        )
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
    status = summary["status"].to_numpy(dtype=object)
    accepted = summary["ever_accepted"].to_numpy(dtype=bool)
    decided = accepted | (summary["n_declines"].to_numpy(dtype=np.int64) > 0)
    active = status == "active"
    m = cfg.shrinkage

    def rwr() -> np.ndarray:
        lift = max(int((sup_pop > 0).sum()), 1)
        return np.asarray(np.log1p(_walk(adj, q_i, q_s, cfg, sup_pop) * lift), dtype=float)

    def rwr_reverse() -> np.ndarray:
        lift = max(int((imr_pop > 0).sum()), 1)
        walk = _walk(sp.csr_matrix(adj.T), q_s, q_i, cfg, imr_pop)
        return np.asarray(np.log1p(walk * lift), dtype=float)

    def rate(rows: np.ndarray, n: int) -> np.ndarray:
        return _shrunk_rate(
            np.bincount(rows, weights=accepted.astype(float), minlength=n),
            np.bincount(rows, weights=decided.astype(float), minlength=n),
            m,
        )

    def load() -> np.ndarray:
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
            ratio = np.where(capacity > 0, sup_units / capacity, np.nan)
        known = ratio[~np.isnan(ratio)]
        fill = float(np.median(known)) if known.size else 0.0
        return np.asarray(np.where(np.isnan(ratio), fill, ratio)[q_s], dtype=float)

    hit = pd.MultiIndex.from_arrays([s_sup, s_imr]).get_indexer(
        pd.MultiIndex.from_arrays([p_sup, p_imr])
    )
    found = hit >= 0

    def pair_flag(values: np.ndarray) -> np.ndarray:
        out = np.zeros(len(pairs), dtype=float)
        out[found] = values[hit[found]].astype(float)
        return out

    compute: dict[str, Callable[[], np.ndarray]] = {
        "graph_rwr": rwr,
        "graph_rwr_reverse": rwr_reverse,
        "graph_cooccur": lambda: np.log1p(_cooccurrence(adj, q_i, q_s, cfg)),
        "graph_supplier_popularity": lambda: np.log1p(sup_pop[q_s]),
        "graph_supplier_accept_rate": lambda: rate(srow, n_s)[q_s],
        "graph_supplier_rating": lambda: _shrunk_mean(
            summary["rating"].to_numpy(dtype=float), srow, n_s, m
        )[q_s],
        "graph_supplier_active": lambda: np.bincount(
            srow, weights=active.astype(float), minlength=n_s
        )[q_s],
        "graph_supplier_load": load,
        "graph_imer_partners": lambda: np.log1p(imr_pop[q_i]),
        "graph_imer_success": lambda: rate(irow, n_i)[q_i],
        "graph_imer_rating": lambda: _shrunk_mean(
            summary["supplier_rating"].to_numpy(dtype=float), irow, n_i, m
        )[q_i],
        "graph_imer_active": lambda: np.bincount(irow, weights=active.astype(float), minlength=n_i)[
            q_i
        ],
        "graph_pair_declined": lambda: pair_flag(status == "declined"),
        "graph_pair_past": lambda: pair_flag(summary["ever_active"].to_numpy(dtype=bool)),
    }
    out = pd.DataFrame(
        {"supplier_id": pairs["supplier_id"].to_numpy(), "imer_id": pairs["imer_id"].to_numpy()},
        index=pairs.index,
    )
    for name in names:
        out[name] = np.asarray(compute[name](), dtype=float)
    logger.debug(
        "graph features for %d pairs from %d events (%d pairs in history)",
        len(out),
        len(ev),
        len(summary),
    )
    return out
