"""Partnership graph: lifecycle, graph signals for ranking, analytics for staff.

Modules: :mod:`~matchmaker.graph.build` (graph from stored events),
:mod:`~matchmaker.graph.lifecycle` (propose/accept/decline/activate/end on the
store), :mod:`~matchmaker.graph.signals` (features for the ranker),
:mod:`~matchmaker.graph.analytics` (stats for staff),
:mod:`~matchmaker.graph.export` (GraphML/GEXF) and
:mod:`~matchmaker.graph.plots` (PNG charts). The lifecycle is imported on
demand (``from matchmaker.graph import lifecycle``) because it needs the store.
"""

from __future__ import annotations

from matchmaker.graph.analytics import (
    concentration,
    connected_components_summary,
    gini,
    graph_stats,
    imers_with_active_supplier,
    province_flows,
    stage_class_matrix,
    suppliers_without_partner,
    top_share,
)
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
from matchmaker.graph.export import EXPORT_FORMATS, export_graph, graph_for_export
from matchmaker.graph.plots import PLOT_FILES, plot_graph_charts
from matchmaker.graph.signals import (
    ALL_GRAPH_FEATURES,
    GRAPH_FEATURES,
    GraphSignalConfig,
    graph_pair_features,
    pair_weights,
)

__all__ = [
    "ALL_GRAPH_FEATURES",
    "EXPORT_FORMATS",
    "GRAPH_FEATURES",
    "IMER",
    "PLOT_FILES",
    "SUMMARY_COLUMNS",
    "SUPPLIER",
    "EdgeEvent",
    "GraphSignalConfig",
    "build_graph",
    "concentration",
    "connected_components_summary",
    "events_before",
    "export_graph",
    "gini",
    "graph_for_export",
    "graph_from_store",
    "graph_pair_features",
    "graph_stats",
    "imer_node",
    "imers_with_active_supplier",
    "normalise_events",
    "pair_weights",
    "parse_node",
    "plot_graph_charts",
    "province_flows",
    "stage_class_matrix",
    "summarise_pairs",
    "supplier_node",
    "suppliers_without_partner",
    "top_share",
    "update_graph",
]
