"""Write the partnership graph as GraphML or GEXF for Gephi and other graph tools.

Only ids and profile attributes leave the registry: node ``profile_id``,
``kind``, ``bipartite``, ``province``, ``categories``, ``stage`` /
``umkm_class``, ``monthly_capacity_units``; edge status, dates, counts and
outcomes, with the sequence of statuses as ``statuses``. Actors and free-text
reasons stay in the store (they may name people). Lists are joined with
``;``, dates and times written as ISO 8601 text, and missing values left
out (GraphML/GEXF treat an absent attribute as missing).
"""

from __future__ import annotations

import math
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

import networkx as nx
import pandas as pd

from matchmaker.errors import ValidationError
from matchmaker.graph.build import build_graph
from matchmaker.schema import Registry

__all__ = [
    "EDGE_EXPORT_ATTRIBUTES",
    "EXPORT_FORMATS",
    "NODE_EXPORT_ATTRIBUTES",
    "export_graph",
    "graph_for_export",
]

ExportFormat = Literal["graphml", "gexf"]

#: Supported file formats.
EXPORT_FORMATS: tuple[str, ...] = ("graphml", "gexf")

#: Node attributes written to files.
NODE_EXPORT_ATTRIBUTES: tuple[str, ...] = (
    "kind",
    "bipartite",
    "profile_id",
    "province",
    "categories",
    "stage",
    "umkm_class",
    "monthly_capacity_units",
)

#: Edge attributes written to files (``statuses`` is derived from ``history``).
EDGE_EXPORT_ATTRIBUTES: tuple[str, ...] = (
    "status",
    "statuses",
    "n_events",
    "first_at",
    "last_at",
    "n_proposals",
    "n_declines",
    "ever_accepted",
    "ever_active",
    "started_at",
    "ended_at",
    "monthly_units",
    "rating",
    "supplier_rating",
)


def _plain(value: Any) -> str | int | float | bool | None:
    """A value GraphML and GEXF can store, or ``None`` to leave it out."""
    if value is None:
        return None
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, pd.Timestamp | datetime | date):
        return value.isoformat()
    if isinstance(value, tuple | list | set | frozenset):
        items = sorted(value) if isinstance(value, set | frozenset) else list(value)
        return ";".join(str(v) for v in items)
    if hasattr(value, "item"):
        return _plain(value.item())
    return str(value)


def graph_for_export(source: Registry | nx.Graph) -> nx.Graph:
    """A copy of the graph with only exportable, file-safe attributes.

    Parameters
    ----------
    source:
        A registry or a graph from :func:`~matchmaker.graph.build.build_graph`.

    Returns
    -------
    networkx.Graph
        Same nodes and edges; attributes limited to
        :data:`NODE_EXPORT_ATTRIBUTES` and :data:`EDGE_EXPORT_ATTRIBUTES`,
        as str / int / float / bool (missing values omitted).
    """
    graph = build_graph(source) if isinstance(source, Registry) else source
    out = nx.Graph()
    for node, data in sorted(graph.nodes(data=True), key=lambda nd: str(nd[0])):
        attrs = {k: _plain(data.get(k)) for k in NODE_EXPORT_ATTRIBUTES}
        out.add_node(node, **{k: v for k, v in attrs.items() if v is not None})
    for u, v, data in sorted(graph.edges(data=True), key=lambda e: (str(e[0]), str(e[1]))):
        values = dict(data)
        values["statuses"] = tuple(h.status for h in data.get("history", ()))
        attrs = {k: _plain(values.get(k)) for k in EDGE_EXPORT_ATTRIBUTES}
        out.add_edge(u, v, **{k: val for k, val in attrs.items() if val is not None})
    return out


def export_graph(
    source: Registry | nx.Graph,
    path: str | Path,
    *,
    format: str = "graphml",
) -> Path:
    """Write the partnership graph to ``path`` as GraphML or GEXF.

    Parameters
    ----------
    source:
        A registry or a graph from :func:`~matchmaker.graph.build.build_graph`.
    path:
        Output file; its folder is created if needed.
    format:
        ``"graphml"`` or ``"gexf"``.

    Returns
    -------
    pathlib.Path
        The written file.

    Raises
    ------
    ValidationError
        If ``format`` is not supported.
    """
    fmt = format.lower()
    if fmt not in EXPORT_FORMATS:
        raise ValidationError(
            f"export format {format!r} is not supported; use one of {', '.join(EXPORT_FORMATS)}"
        )
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    graph = graph_for_export(source)
    if fmt == "graphml":
        nx.write_graphml(graph, out, encoding="utf-8", prettyprint=True)
    else:
        nx.write_gexf(graph, out, encoding="utf-8", prettyprint=True)
    return out
