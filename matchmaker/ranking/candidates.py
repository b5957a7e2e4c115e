"""Candidate generation: category blocking plus nearest neighbours on learned embeddings.

Scoring every Imer against every supplier exactly is too slow at national
scale (20,000 x 100,000 pairs). Most of the learned score, however, is a
weighted sum of *bilinear* signals (:func:`matchmaker.features.signal_factors`):
weighting and concatenating their factors gives one query vector per Imer and
one key vector per supplier whose dot product approximates the score. Retrieval
then keeps, for each query, the ``n`` items with the largest dot product —
maximum inner product search by dense matrix products — and only those
candidates are scored exactly.

Blocking narrows the search first: a query only looks at items that list one of
its categories or a related one. Items are stored sorted by their main
category, so most of a block is a few contiguous slices (no copies); items
that match only through a secondary category are gathered separately. When a
block (after filters) holds fewer than ``n`` items it is topped up with the
best items outside it, so small registries and rare categories still get full
lists.

The recall of this two-stage search against exhaustive exact scoring is
measured in ``benchmarks/bench_ranking.py``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from matchmaker.features import Factor

__all__ = [
    "CandidateIndex",
    "build_embeddings",
    "compress_embeddings",
    "compression_transforms",
]

log = logging.getLogger(__name__)

F32 = npt.NDArray[np.float32]
I64 = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

_ROWS_PER_MATMUL = 512
#: Runs of at least this many consecutive items are scored in place (no copy).
_MIN_RUN = 64
#: Up to this many queries are scored without BLAS threading.
_FEW_QUERIES = 4


def _dot(queries: F32, items: F32) -> F32:
    """``queries @ items.T``; a few queries use a single-threaded kernel, which beats
    a multi-threaded BLAS call on small products (no thread hand-off)."""
    if len(queries) <= _FEW_QUERIES:
        out: F32 = np.einsum("ij,kj->ik", queries, items)
        return out
    result: F32 = queries @ items.T
    return result


def build_embeddings(factors: Sequence[Factor], weights: Mapping[str, float]) -> tuple[F32, F32]:
    """Query (Imer) and key (supplier) embeddings whose dot product is the weighted sum.

    Factors sharing an Imer vector are merged by adding their weighted
    supplier vectors, and single factors sharing a supplier vector by adding
    their weighted Imer vectors, which keeps the dimension small.

    Parameters
    ----------
    factors:
        Bilinear factors of the signals.
    weights:
        Weight of each signal (signals without a weight are left out).

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        ``(n_imers, d)`` and ``(n_suppliers, d)`` float32 with
        ``imer[i] @ supplier[j] == sum_s weights[s] * signal_s(i, j)``.
    """
    used = [f for f in factors if weights.get(f.signal, 0.0) != 0.0]
    by_imer: dict[str, list[Factor]] = {}
    for f in used:
        by_imer.setdefault(f.imer_key, []).append(f)
    q_blocks: list[F32] = []
    k_blocks: list[F32] = []
    singles: dict[str, list[Factor]] = {}
    for group in by_imer.values():
        if len(group) == 1:
            singles.setdefault(group[0].supplier_key, []).append(group[0])
            continue
        q_blocks.append(group[0].imer)
        k = sum((np.float32(weights[f.signal]) * f.supplier for f in group), start=np.float32(0))
        k_blocks.append(np.asarray(k, dtype=np.float32))
    for group in singles.values():
        q = sum((np.float32(weights[f.signal]) * f.imer for f in group), start=np.float32(0))
        q_blocks.append(np.asarray(q, dtype=np.float32))
        k_blocks.append(group[0].supplier)
    if not q_blocks:
        raise ValueError("no weighted factor to build embeddings from")
    q_emb = np.ascontiguousarray(np.concatenate(q_blocks, axis=1), dtype=np.float32)
    k_emb = np.ascontiguousarray(np.concatenate(k_blocks, axis=1), dtype=np.float32)
    return q_emb, k_emb


def _gram_basis(
    a: npt.NDArray[np.float64], tol: float
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Eigenvectors and eigenvalues of ``a.T @ a`` above ``tol`` (relative)."""
    gram = a.T @ a
    lam, vec = np.linalg.eigh(gram)
    keep = lam > tol * max(float(lam.max()), 1e-300)
    return vec[:, keep], lam[keep]


def compression_transforms(
    queries: F32, items: F32, rank: int
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]] | None:
    """Linear maps to the best rank-``rank`` approximation of ``queries @ items.T``.

    With ``Q = U_q S_q V_q^T`` and ``K = U_k S_k V_k^T`` (from the two small Gram
    matrices) the score matrix is ``U_q M U_k^T`` with ``M = S_q V_q^T V_k S_k``;
    keeping the top singular directions of ``M`` gives maps ``T_q``, ``T_k`` such
    that ``(Q T_q)(K T_k)^T`` is the Frobenius-optimal rank-``rank`` approximation
    of every query-item score, computed without forming the score matrix
    (``O((n_q + n_k) d^2)``).

    Parameters
    ----------
    queries, items:
        ``(n_q, d)`` and ``(n_k, d)`` embeddings.
    rank:
        Target dimension.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray) or None
        ``(d, r)`` maps with ``r <= rank``; ``None`` when no compression is needed.
    """
    q = np.asarray(queries, dtype=np.float64)
    k = np.asarray(items, dtype=np.float64)
    if q.shape[1] <= rank or len(q) == 0 or len(k) == 0:
        return None
    vq, lq = _gram_basis(q, 1e-12)
    vk, lk = _gram_basis(k, 1e-12)
    if len(lq) == 0 or len(lk) == 0:
        return None
    middle = (np.sqrt(lq)[:, None] * vq.T) @ (vk * np.sqrt(lk)[None, :])
    a, sing, bt = np.linalg.svd(middle)
    r = max(1, min(rank, int((sing > sing[0] * 1e-9).sum())))
    root = np.sqrt(sing[:r])
    tq = vq @ ((1.0 / np.sqrt(lq))[:, None] * a[:, :r] * root)
    tk = vk @ ((1.0 / np.sqrt(lk))[:, None] * bt[:r].T * root)
    return tq, tk


def compress_embeddings(queries: F32, items: F32, rank: int) -> tuple[F32, F32]:
    """Embeddings of dimension at most ``rank`` whose dot products best keep the scores.

    See :func:`compression_transforms`; returns the inputs unchanged when their
    dimension is already at most ``rank``.
    """
    maps = compression_transforms(queries, items, rank)
    if maps is None:
        return queries, items
    tq, tk = maps
    return (
        np.ascontiguousarray(np.asarray(queries, np.float64) @ tq, dtype=np.float32),
        np.ascontiguousarray(np.asarray(items, np.float64) @ tk, dtype=np.float32),
    )


class CandidateIndex:
    """Blocked maximum-inner-product search of items for queries.

    Parameters
    ----------
    queries:
        ``(n_queries, d)`` query embeddings.
    items:
        ``(n_items, d)`` item embeddings.
    query_blocks:
        ``(n_queries, C)`` 0/1: categories a query may be matched in (its own
        and related ones).
    item_members:
        ``(n_items, C)`` 0/1: categories an item lists.
    item_primary:
        Main category of each item (``-1`` when none).
    block:
        Whether to block at all (``False``: every item is in every block).
    """

    def __init__(
        self,
        queries: F32,
        items: F32,
        query_blocks: npt.NDArray[Any],
        item_members: npt.NDArray[Any],
        item_primary: I64,
        *,
        block: bool = True,
    ) -> None:
        self.queries = np.ascontiguousarray(queries, dtype=np.float32)
        self.block = block
        self.query_blocks = np.asarray(query_blocks) > 0
        members = np.asarray(item_members) > 0
        primary = np.asarray(item_primary, dtype=np.int64)
        n_cat = members.shape[1]
        # sort items by main category: a category's main members are one slice
        key = np.where(primary >= 0, primary, n_cat)
        self._order = np.argsort(key, kind="stable").astype(np.int64)
        self._items = np.ascontiguousarray(items[self._order], dtype=np.float32)
        self._members = members[self._order]
        sorted_key = key[self._order]
        self._starts = np.searchsorted(sorted_key, np.arange(n_cat + 1), side="left")
        self._primary = sorted_key
        self.n_items = int(items.shape[0])

    def _block_positions(self, cats: BoolArray, allowed: BoolArray | None) -> I64:
        """Sorted positions of the block of a category set (filtered by ``allowed``)."""
        if not self.block:
            pos = np.arange(self.n_items, dtype=np.int64)
        else:
            idx = np.flatnonzero(cats)
            slices = [np.arange(self._starts[c], self._starts[c + 1]) for c in idx]
            main = np.concatenate(slices) if slices else np.zeros(0, np.int64)
            secondary = np.flatnonzero(
                self._members[:, idx].any(axis=1) & ~np.isin(self._primary, idx)
            )
            pos = np.concatenate([main, secondary]).astype(np.int64)
        if allowed is not None:
            pos = pos[allowed[self._order[pos]]]
        return pos

    def search(
        self,
        query_rows: I64,
        n: int,
        *,
        allowed: BoolArray | None = None,
        exclude: Mapping[int, I64] | None = None,
    ) -> tuple[I64, I64]:
        """The ``n`` best items of each stored query (by embedding dot product).

        Parameters
        ----------
        query_rows:
            Queries to serve (rows of ``queries``).
        n:
            Candidates per query.
        allowed:
            Boolean mask over items (filters); ``None`` allows all.
        exclude:
            Per query row, item rows to leave out (existing partners).

        Returns
        -------
        (numpy.ndarray, numpy.ndarray)
            Flat arrays of query rows and item rows (in no particular order
            within a query).
        """
        query_rows = np.asarray(query_rows, dtype=np.int64)
        local_exclude = None
        if exclude:
            local_exclude = {
                k: exclude[int(q)] for k, q in enumerate(query_rows.tolist()) if int(q) in exclude
            }
        local, items = self.search_vectors(
            self.queries[query_rows],
            self.query_blocks[query_rows],
            n,
            allowed=allowed,
            exclude=local_exclude,
        )
        return query_rows[local], items

    def search_vectors(
        self,
        vectors: F32,
        blocks: BoolArray,
        n: int,
        *,
        allowed: BoolArray | None = None,
        exclude: Mapping[int, I64] | None = None,
    ) -> tuple[I64, I64]:
        """Like :meth:`search` for query vectors not stored in the index.

        Parameters
        ----------
        vectors:
            ``(m, d)`` query embeddings.
        blocks:
            ``(m, C)`` categories each query may be matched in.
        n, allowed:
            As in :meth:`search`.
        exclude:
            Per query position (``0 .. m-1``), item rows to leave out.

        Returns
        -------
        (numpy.ndarray, numpy.ndarray)
            Query positions and item rows.
        """
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        blocks = np.asarray(blocks) > 0
        m = vectors.shape[0]
        out_q: list[I64] = []
        out_i: list[I64] = []
        if m == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        keys = np.packbits(blocks, axis=1)
        _, group_of = np.unique(keys, axis=0, return_inverse=True)
        group_of = np.asarray(group_of).ravel()
        extra_n = n + (max((len(v) for v in exclude.values()), default=0) if exclude else 0)
        for g in np.unique(group_of):
            members = np.flatnonzero(group_of == g)
            pos = self._block_positions(blocks[members[0]], allowed)
            keep_all = 0
            if self.block and len(pos) < extra_n:
                keep_all = len(pos)
                outside = np.setdiff1d(np.arange(self.n_items), pos, assume_unique=False)
                if allowed is not None:
                    outside = outside[allowed[self._order[outside]]]
                pos = np.concatenate([pos, outside])
            if len(pos) == 0:
                continue
            for start in range(0, len(members), _ROWS_PER_MATMUL):
                chunk = members[start : start + _ROWS_PER_MATMUL]
                self._top(vectors, chunk, pos, n, exclude, out_q, out_i, keep_all)
        if not out_q:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        return np.concatenate(out_q), np.concatenate(out_i)

    def _top(
        self,
        vectors: F32,
        chunk: I64,
        pos: I64,
        n: int,
        exclude: Mapping[int, I64] | None,
        out_q: list[I64],
        out_i: list[I64],
        keep_all: int = 0,
    ) -> None:
        perm, scores = self._scores(vectors[chunk], pos)
        items = self._order[pos[perm]]
        if exclude:
            for r, q in enumerate(chunk.tolist()):
                ex = exclude.get(q)
                if ex is not None and len(ex):
                    scores[r, np.isin(items, ex)] = -np.inf
        if keep_all:
            # a small block is kept whole; the rest of the list is the best outside it
            scores[:, perm < keep_all] += np.float32(1e30)
        m = min(n, len(pos))
        if m < len(pos):
            top = np.argpartition(-scores, m - 1, axis=1)[:, :m]
        else:
            top = np.broadcast_to(np.arange(len(pos)), (len(chunk), len(pos)))
        picked = np.take_along_axis(scores, top, axis=1)
        keep = np.isfinite(picked)
        out_q.append(np.repeat(chunk, m)[keep.ravel()])
        out_i.append(items[top][keep])

    def _scores(self, queries: F32, pos: I64) -> tuple[I64, F32]:
        """Dot products with the items at ``pos``, and the column order used.

        Long runs of consecutive positions (whole main-category slices) are read
        in place; the scattered rest is gathered once. Returns ``perm`` (column
        ``c`` scores item position ``pos[perm[c]]``) and the scores.
        """
        if len(pos) == 0:
            return np.zeros(0, np.int64), np.zeros((len(queries), 0), np.float32)
        breaks = np.flatnonzero(np.diff(pos) != 1) + 1
        starts = np.r_[0, breaks]
        stops = np.r_[breaks, len(pos)]
        long = (stops - starts) >= _MIN_RUN
        parts: list[F32] = []
        perm: list[I64] = []
        for a, b in zip(starts[long].tolist(), stops[long].tolist(), strict=True):
            parts.append(_dot(queries, self._items[pos[a] : pos[b - 1] + 1]))
            perm.append(np.arange(a, b, dtype=np.int64))
        in_long = np.repeat(long, stops - starts)
        if not in_long.all():
            rest = np.flatnonzero(~in_long)
            parts.append(_dot(queries, self._items[pos[rest]]))
            perm.append(rest.astype(np.int64))
        if len(parts) == 1:
            return perm[0], parts[0]
        return np.concatenate(perm), np.concatenate(parts, axis=1)

    def score(self, query_rows: I64, item_rows: I64) -> F32:
        """Embedding dot products of given pairs (for diagnostics and tests)."""
        inv = np.empty_like(self._order)
        inv[self._order] = np.arange(len(self._order))
        out: F32 = np.einsum(
            "ij,ij->i", self.queries[query_rows], self._items[inv[item_rows]]
        ).astype(np.float32)
        return out
