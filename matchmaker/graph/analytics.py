"""Analytics of the partnership graph for SMESCO staff (plain, JSON-serialisable values).

Definitions used throughout:

* an **active partnership** is a pair whose latest status is ``active``;
* an **established partnership** is a pair that has been active at some
  point (active now, or ended);
* a supplier **without a partner** has no established partnership.

Stats carry ids and profile attributes (stage, class, province) only, never
names or contact details. Counts are exact: they are meant for staff; pass
them through :func:`matchmaker.stats.suppress_small_cells` before publishing.
"""

from __future__ import annotations

import math
from collections import Counter
from datetime import datetime
from typing import Any

import networkx as nx
import numpy as np

from matchmaker.graph.build import IMER, SUPPLIER, build_graph
from matchmaker.reference import PROVINCE_NAMES, STAGE_SLUGS, UMKM_CLASS_SLUGS
from matchmaker.schema import Registry

__all__ = [
    "UNKNOWN",
    "active_partnership_graph",
    "concentration",
    "connected_components_summary",
    "gini",
    "graph_stats",
    "imers_with_active_supplier",
    "province_flows",
    "stage_class_matrix",
    "suppliers_without_partner",
    "top_share",
]

#: Label for a missing stage, class or province.
UNKNOWN = "unknown"


def _as_graph(source: Registry | nx.Graph, as_of: datetime | None) -> nx.Graph:
    if isinstance(source, nx.Graph):
        return source
    return build_graph(source, as_of=as_of)


def _label(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value == "":
        return UNKNOWN
    return str(value)


def _ordered_keys(values: set[str], order: tuple[str, ...]) -> list[str]:
    known = [k for k in order if k in values]
    rest = sorted(v for v in values if v not in order and v != UNKNOWN)
    return known + rest + ([UNKNOWN] if UNKNOWN in values else [])


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _nodes(graph: nx.Graph, side: int) -> list[str]:
    return sorted(n for n, d in graph.nodes(data=True) if d.get("bipartite") == side)


def _ends(graph: nx.Graph, u: str, v: str) -> tuple[str, str]:
    return (u, v) if graph.nodes[u].get("bipartite") == SUPPLIER else (v, u)


def _edges_where(graph: nx.Graph, *, active_only: bool) -> list[tuple[str, str]]:
    out = []
    for u, v, d in graph.edges(data=True):
        if (d.get("status") == "active") if active_only else bool(d.get("ever_active")):
            out.append(_ends(graph, u, v))
    return sorted(out)


def active_partnership_graph(graph: nx.Graph, *, established: bool = False) -> nx.Graph:
    """Subgraph with every node and only active (or established) partnerships.

    Parameters
    ----------
    graph:
        A graph from :func:`matchmaker.graph.build.build_graph`.
    established:
        Keep pairs that have ever been active (active or ended) instead of
        only currently active ones.

    Returns
    -------
    networkx.Graph
        A new graph (attributes are shared with ``graph``).
    """
    sub = nx.Graph()
    sub.add_nodes_from(graph.nodes(data=True))
    for s, i in _edges_where(graph, active_only=not established):
        sub.add_edge(s, i, **graph.edges[s, i])
    return sub


def gini(values: Any) -> float | None:
    """Gini coefficient of non-negative values (0 = equal, towards 1 = concentrated).

    Parameters
    ----------
    values:
        Array-like of non-negative numbers (zeros included).

    Returns
    -------
    float | None
        ``None`` when there are no values or they sum to zero.

    Notes
    -----
    ``G = sum_i (2 i - n - 1) x_(i) / (n * sum x)`` over values sorted
    ascending (``i`` from 1); O(n log n).
    """
    x = np.sort(np.asarray(values, dtype=float))
    n = x.size
    total = float(x.sum())
    if n == 0 or total <= 0:
        return None
    ranks = np.arange(1, n + 1, dtype=float)
    return float(((2 * ranks - n - 1) * x).sum() / (n * total))


def top_share(values: Any, fraction: float = 0.01) -> tuple[int, float | None]:
    """How many items are in the top ``fraction`` and the share of the total they hold.

    Parameters
    ----------
    values:
        Array-like of non-negative numbers, one per item.
    fraction:
        Top fraction of items (``0.01`` = top 1%); at least one item counts.

    Returns
    -------
    tuple[int, float | None]
        ``(k, share)`` with ``k = max(1, ceil(fraction * n))``; share is
        ``None`` when the total is zero.
    """
    x = np.sort(np.asarray(values, dtype=float))[::-1]
    if x.size == 0:
        return 0, None
    k = max(1, math.ceil(fraction * x.size))
    total = float(x.sum())
    return k, (float(x[:k].sum()) / total if total > 0 else None)


def imers_with_active_supplier(source: Registry | nx.Graph) -> dict[str, Any]:
    """How many Imers have at least one active supplier, overall, by stage and province.

    Parameters
    ----------
    source:
        A registry or a graph from :func:`~matchmaker.graph.build.build_graph`.

    Returns
    -------
    dict
        ``imers``, ``with_active_supplier``, ``share`` and ``by_stage`` /
        ``by_province`` mapping each value to the same three numbers (reference
        order, ``unknown`` last).
    """
    graph = _as_graph(source, None)
    imers = _nodes(graph, IMER)
    has_active = {i for _, i in _edges_where(graph, active_only=True)}

    def grouped(attr: str, order: tuple[str, ...]) -> dict[str, dict[str, Any]]:
        total: Counter[str] = Counter()
        hit: Counter[str] = Counter()
        for n in imers:
            key = _label(graph.nodes[n].get(attr))
            total[key] += 1
            hit[key] += n in has_active
        return {
            k: {
                "imers": total[k],
                "with_active_supplier": hit[k],
                "share": _share(hit[k], total[k]),
            }
            for k in _ordered_keys(set(total), order)
        }

    k = sum(1 for n in imers if n in has_active)
    return {
        "imers": len(imers),
        "with_active_supplier": k,
        "share": _share(k, len(imers)),
        "by_stage": grouped("stage", STAGE_SLUGS),
        "by_province": grouped("province", PROVINCE_NAMES),
    }


def suppliers_without_partner(source: Registry | nx.Graph) -> dict[str, Any]:
    """Suppliers that have never had an established partnership.

    Parameters
    ----------
    source:
        A registry or a partnership graph.

    Returns
    -------
    dict
        ``count``, ``suppliers``, ``share``, ``by_province`` and
        ``by_umkm_class`` counts, and ``ids`` (sorted supplier ids).
    """
    graph = _as_graph(source, None)
    suppliers = _nodes(graph, SUPPLIER)
    partnered = {s for s, _ in _edges_where(graph, active_only=False)}
    lonely = [n for n in suppliers if n not in partnered]
    by_prov = Counter(_label(graph.nodes[n].get("province")) for n in lonely)
    by_class = Counter(_label(graph.nodes[n].get("umkm_class")) for n in lonely)
    return {
        "count": len(lonely),
        "suppliers": len(suppliers),
        "share": _share(len(lonely), len(suppliers)),
        "by_province": {k: by_prov[k] for k in _ordered_keys(set(by_prov), PROVINCE_NAMES)},
        "by_umkm_class": {k: by_class[k] for k in _ordered_keys(set(by_class), UMKM_CLASS_SLUGS)},
        "ids": [str(graph.nodes[n]["profile_id"]) for n in lonely],
    }


def concentration(source: Registry | nx.Graph, *, top_fraction: float = 0.01) -> dict[str, Any]:
    """How concentrated established partnerships are over suppliers.

    Parameters
    ----------
    source:
        A registry or a partnership graph.
    top_fraction:
        The top share of suppliers to report on (default 1%).

    Returns
    -------
    dict
        ``partnerships``, ``suppliers``, ``suppliers_with_partner``,
        ``max_per_supplier``, ``top_suppliers`` (how many make the top
        fraction), ``top_share`` (share of partnerships they hold), ``gini``
        (over all suppliers, zeros included), ``top_fraction``.
    """
    graph = _as_graph(source, None)
    suppliers = _nodes(graph, SUPPLIER)
    degree = Counter(s for s, _ in _edges_where(graph, active_only=False))
    counts = np.array([degree.get(s, 0) for s in suppliers], dtype=float)
    k, share = top_share(counts, top_fraction)
    return {
        "partnerships": int(counts.sum()),
        "suppliers": len(suppliers),
        "suppliers_with_partner": int((counts > 0).sum()),
        "max_per_supplier": int(counts.max()) if counts.size else 0,
        "top_fraction": top_fraction,
        "top_suppliers": k,
        "top_share": share,
        "gini": gini(counts),
    }


def stage_class_matrix(source: Registry | nx.Graph) -> dict[str, Any]:
    """Active partnerships by Imer stage (rows) and supplier UMKM class (columns).

    Parameters
    ----------
    source:
        A registry or a partnership graph.

    Returns
    -------
    dict
        ``rows`` (every stage in reference order, plus ``unknown`` if seen),
        ``columns`` (every class, plus ``unknown`` if seen) and ``counts``
        (``{stage: {class: n}}``, zeros included).
    """
    graph = _as_graph(source, None)
    cells: Counter[tuple[str, str]] = Counter()
    for s, i in _edges_where(graph, active_only=True):
        cells[(_label(graph.nodes[i].get("stage")), _label(graph.nodes[s].get("umkm_class")))] += 1
    rows = list(STAGE_SLUGS) + sorted({r for r, _ in cells} - set(STAGE_SLUGS) - {UNKNOWN})
    cols = list(UMKM_CLASS_SLUGS) + sorted(
        {c for _, c in cells} - set(UMKM_CLASS_SLUGS) - {UNKNOWN}
    )
    if any(r == UNKNOWN for r, _ in cells):
        rows.append(UNKNOWN)
    if any(c == UNKNOWN for _, c in cells):
        cols.append(UNKNOWN)
    return {
        "rows": rows,
        "columns": cols,
        "counts": {r: {c: cells[(r, c)] for c in cols} for r in rows},
    }


def province_flows(source: Registry | nx.Graph) -> dict[str, Any]:
    """Active partnerships from supplier provinces to Imer provinces.

    Parameters
    ----------
    source:
        A registry or a partnership graph.

    Returns
    -------
    dict
        ``flows``: list of ``{"supplier_province", "imer_province", "count"}``
        sorted by count (descending) then names; ``total``; ``same_province``
        (count within one province) and ``same_province_share``.
    """
    graph = _as_graph(source, None)
    flows: Counter[tuple[str, str]] = Counter()
    for s, i in _edges_where(graph, active_only=True):
        flows[(_label(graph.nodes[s].get("province")), _label(graph.nodes[i].get("province")))] += 1
    total = sum(flows.values())
    same = sum(n for (a, b), n in flows.items() if a == b and a != UNKNOWN)
    return {
        "flows": [
            {"supplier_province": a, "imer_province": b, "count": n}
            for (a, b), n in sorted(flows.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
        "total": total,
        "same_province": same,
        "same_province_share": _share(same, total),
    }


def connected_components_summary(source: Registry | nx.Graph) -> dict[str, Any]:
    """Connected components of the graph of established partnerships.

    Parameters
    ----------
    source:
        A registry or a partnership graph.

    Returns
    -------
    dict
        ``components`` (components with at least one partnership),
        ``isolated_suppliers`` and ``isolated_imers`` (no partnership),
        ``largest`` (``suppliers``, ``imers``, ``partnerships`` of the biggest
        component; ties broken by the smallest node id) and ``size_distribution``
        (``{"<nodes>": number of components}``, ascending size).
    """
    graph = active_partnership_graph(_as_graph(source, None), established=True)
    comps = [c for c in nx.connected_components(graph) if len(c) > 1]
    isolated = [n for n in graph.nodes if graph.degree(n) == 0]
    largest: dict[str, int] = {"suppliers": 0, "imers": 0, "partnerships": 0}
    if comps:
        big = min(comps, key=lambda c: (-len(c), min(c)))
        largest = {
            "suppliers": sum(1 for n in big if graph.nodes[n].get("bipartite") == SUPPLIER),
            "imers": sum(1 for n in big if graph.nodes[n].get("bipartite") == IMER),
            "partnerships": graph.subgraph(big).number_of_edges(),
        }
    sizes = Counter(len(c) for c in comps)
    return {
        "components": len(comps),
        "isolated_suppliers": sum(
            1 for n in isolated if graph.nodes[n].get("bipartite") == SUPPLIER
        ),
        "isolated_imers": sum(1 for n in isolated if graph.nodes[n].get("bipartite") == IMER),
        "largest": largest,
        "size_distribution": {str(k): sizes[k] for k in sorted(sizes)},
    }


def graph_stats(
    source: Registry | nx.Graph,
    *,
    as_of: datetime | None = None,
    top_fraction: float = 0.01,
) -> dict[str, Any]:
    """Everything staff ask of the partnership graph, as one JSON-serialisable dict.

    Parameters
    ----------
    source:
        A registry snapshot or a graph built from one.
    as_of:
        With a registry, only events strictly before this time count.
    top_fraction:
        Top share of suppliers for the concentration figure (default 1%).

    Returns
    -------
    dict
        ``totals``, ``imers_with_active_supplier``, ``suppliers_without_partner``,
        ``concentration``, ``stage_class_matrix``, ``province_flows``,
        ``components`` and ``definitions`` (see the module docstring).
    """
    graph = _as_graph(source, as_of)
    statuses = Counter(str(d.get("status")) for _, _, d in graph.edges(data=True))
    order = ("proposed", "accepted", "declined", "active", "ended")
    return {
        "totals": {
            "suppliers": len(_nodes(graph, SUPPLIER)),
            "imers": len(_nodes(graph, IMER)),
            "pairs_with_history": graph.number_of_edges(),
            "pairs_by_status": {s: statuses.get(s, 0) for s in order},
            "active_partnerships": statuses.get("active", 0),
            "established_partnerships": len(_edges_where(graph, active_only=False)),
        },
        "imers_with_active_supplier": imers_with_active_supplier(graph),
        "suppliers_without_partner": suppliers_without_partner(graph),
        "concentration": concentration(graph, top_fraction=top_fraction),
        "stage_class_matrix": stage_class_matrix(graph),
        "province_flows": province_flows(graph),
        "components": connected_components_summary(graph),
        "definitions": {
            "active partnership": "a pair whose latest status is 'active'",
            "established partnership": "a pair that has been active (active now or ended)",
            "supplier without partner": "a supplier with no established partnership",
            "concentration": "established partnerships per supplier, over all suppliers",
            "components": "connected components of the established-partnership graph",
        },
    }
