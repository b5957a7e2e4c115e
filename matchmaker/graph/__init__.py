"""Partnership graph: lifecycle, graph signals for ranking, analytics for staff."""

from __future__ import annotations

from matchmaker.graph.build import (
    IMER,
    SUMMARY_COLUMNS,
    SUPPLIER,
    EdgeEvent,
    build_graph,
    events_before,
    graph_from_store,
    imer_node,
    normalise_events,
    parse_node,
    summarise_pairs,
    supplier_node,
    update_graph,
)
from matchmaker.graph.signals import (
    GRAPH_FEATURES,
    GraphSignalConfig,
    graph_pair_features,
    pair_weights,
)

__all__ = [
    "GRAPH_FEATURES",
    "IMER",
    "SUMMARY_COLUMNS",
    "SUPPLIER",
    "EdgeEvent",
    "GraphSignalConfig",
    "build_graph",
    "events_before",
    "graph_from_store",
    "graph_pair_features",
    "imer_node",
    "normalise_events",
    "pair_weights",
    "parse_node",
    "summarise_pairs",
    "supplier_node",
    "update_graph",
]
