"""Clustering accepted pairs into businesses without chaining through one bad link.

Taking connected components of accepted pairs is what chains: A–B and C–D
are duplicates, one wrong B–C link, and all four become one business. Here
connected components only delimit the work; inside each component the
records are grouped by average linkage over the pair scores (a pair that was
never a candidate counts as score 0), cut at the acceptance threshold. Two
groups join only if their records are, on average, linked at least as strongly
as the threshold, so one bad link between two groups is outvoted by the
missing links around it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components as _cc

from matchmaker.errors import ValidationError

__all__ = ["cluster_pairs", "connected_components"]

IntArray = npt.NDArray[np.int64]


def connected_components(n_nodes: int, left: npt.ArrayLike, right: npt.ArrayLike) -> IntArray:
    """Component label of every node of an undirected graph given by its edges.

    Parameters
    ----------
    n_nodes:
        Number of nodes, labelled ``0 … n_nodes - 1``.
    left, right:
        End points of the edges (equal length).

    Returns
    -------
    numpy.ndarray
        ``labels[i]`` is the smallest node of ``i``'s component, so labels
        are deterministic and comparable across runs. ``O(n + e)``.

    Raises
    ------
    ValidationError
        If an end point is outside ``0 … n_nodes - 1``.
    """
    a = np.asarray(left, dtype=np.int64)
    b = np.asarray(right, dtype=np.int64)
    if len(a) != len(b):
        raise ValidationError("left and right must list the same number of edge ends")
    if len(a) and (min(a.min(), b.min()) < 0 or max(a.max(), b.max()) >= n_nodes):
        raise ValidationError(f"edge end points must lie in 0 … {n_nodes - 1}")
    if n_nodes == 0:
        return np.empty(0, dtype=np.int64)
    graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(n_nodes, n_nodes))
    _, raw = _cc(graph, directed=False)
    smallest = np.full(raw.max() + 1, n_nodes, dtype=np.int64)
    np.minimum.at(smallest, raw, np.arange(n_nodes, dtype=np.int64))
    return np.asarray(smallest[raw], dtype=np.int64)


def _average_linkage_groups(
    members: IntArray, pairs: pd.DataFrame, threshold: float
) -> list[IntArray]:
    size = len(members)
    local = {int(node): i for i, node in enumerate(members)}
    dist = np.ones((size, size), dtype=np.float64)
    ia = np.asarray([local[int(x)] for x in pairs["a"]], dtype=np.int64)
    ib = np.asarray([local[int(x)] for x in pairs["b"]], dtype=np.int64)
    d = 1.0 - pairs["score"].to_numpy(dtype=np.float64)
    dist[ia, ib] = np.minimum(dist[ia, ib], d)
    dist[ib, ia] = dist[ia, ib]
    np.fill_diagonal(dist, 0.0)
    condensed = dist[np.triu_indices(size, k=1)]
    tree = linkage(condensed, method="average")
    flat = fcluster(tree, t=1.0 - threshold + 1e-12, criterion="distance")
    return [members[flat == label] for label in np.unique(flat)]


def cluster_pairs(
    scored: pd.DataFrame,
    threshold: float,
    *,
    ids: Sequence[str] | None = None,
    include_singletons: bool = False,
) -> pd.DataFrame:
    """Group records into clusters of one business each.

    Parameters
    ----------
    scored:
        Pairs with ``id_a``, ``id_b`` and ``score`` in ``[0, 1]`` (pairs below
        the threshold may be included: they inform the average links).
    threshold:
        Pairs scoring at least this are accepted links; clusters are cut
        where the average link falls below it.
    ids:
        All record ids (to report singletons); by default the ids in ``scored``.
    include_singletons:
        Whether records without an accepted link appear as clusters of one.

    Returns
    -------
    pandas.DataFrame
        ``id`` and ``cluster_id`` (the smallest id of the cluster), sorted by
        ``cluster_id`` then ``id``; by default only clusters of two or more.

    Raises
    ------
    ValidationError
        If the threshold is outside ``[0, 1]`` or columns are missing.
    """
    if not 0.0 <= threshold <= 1.0:
        raise ValidationError(f"threshold must be in [0, 1], got {threshold}")
    for col in ("id_a", "id_b", "score"):
        if col not in scored.columns:
            raise ValidationError(f"scored pairs lack the {col!r} column")
    all_ids = pd.Index(
        sorted(set(ids) if ids is not None else set(scored["id_a"]) | set(scored["id_b"])),
        dtype=object,
    )
    a = all_ids.get_indexer(pd.Index(scored["id_a"], dtype=object))
    b = all_ids.get_indexer(pd.Index(scored["id_b"], dtype=object))
    if (a < 0).any() or (b < 0).any():
        raise ValidationError("scored pairs mention ids that are not in 'ids'")
    pairs = pd.DataFrame(
        {"a": np.minimum(a, b), "b": np.maximum(a, b), "score": scored["score"].to_numpy()}
    )
    pairs = pairs[pairs["a"] != pairs["b"]]
    strong = pairs[pairs["score"] >= threshold]
    n = len(all_ids)
    labels = connected_components(n, strong["a"].to_numpy(), strong["b"].to_numpy())
    cluster = labels.copy()
    sizes = np.bincount(labels, minlength=n)
    big = np.flatnonzero(sizes > 2)
    if len(big):
        comp_of_a = labels[pairs["a"].to_numpy()]
        comp_of_b = labels[pairs["b"].to_numpy()]
        inside = pairs[(comp_of_a == comp_of_b) & np.isin(comp_of_a, big)]
        inside_comp = labels[inside["a"].to_numpy()]
        for comp, group in inside.groupby(inside_comp, sort=True):
            members = np.flatnonzero(labels == comp).astype(np.int64)
            for part in _average_linkage_groups(members, group, threshold):
                cluster[part] = part.min()
    out = pd.DataFrame({"id": all_ids.to_numpy(dtype=object), "row": np.arange(n)})
    cluster_sizes = np.bincount(cluster, minlength=n)
    out["cluster_id"] = all_ids.to_numpy(dtype=object)[cluster]
    if not include_singletons:
        out = out[cluster_sizes[cluster] > 1]
    out = out.sort_values(["cluster_id", "id"], kind="stable")
    return out[["id", "cluster_id"]].reset_index(drop=True)
