"""PNG charts of the partnership graph for staff reports (matplotlib, Agg canvas).

Three charts, each with a title and labelled axes, sized for an A4 report:

* ``degree_distribution.png`` — how many suppliers / Imers have 0, 1, 2, ...
  established partnerships (log-scaled counts);
* ``province_flows.png`` — heat-map of active partnerships from supplier
  provinces (rows) to Imer provinces (columns), busiest provinces first;
* ``stage_class_matrix.png`` — active partnerships by Imer stage and supplier
  UMKM class.

Figures are drawn on :class:`matplotlib.backends.backend_agg.FigureCanvasAgg`
directly, so no GUI backend or global pyplot state is touched.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from matchmaker.graph.analytics import province_flows, stage_class_matrix
from matchmaker.graph.build import IMER, SUPPLIER, build_graph
from matchmaker.schema import Registry

__all__ = [
    "PLOT_FILES",
    "plot_degree_distribution",
    "plot_graph_charts",
    "plot_province_flows",
    "plot_stage_class_matrix",
]

#: File names written by :func:`plot_graph_charts`, in order.
PLOT_FILES: tuple[str, ...] = (
    "degree_distribution.png",
    "province_flows.png",
    "stage_class_matrix.png",
)

_DPI = 150
_STAGE_LABELS = {
    "hit_and_runner": "Hit and runner",
    "survivor": "Survivor",
    "pioneer": "Pioneer",
    "rising": "Rising",
    "challenger": "Challenger",
}


def _save(fig: Figure, path: Path) -> Path:
    FigureCanvasAgg(fig)
    fig.savefig(path, dpi=_DPI, bbox_inches="tight", facecolor="white")
    return path


def _degrees(graph: nx.Graph, side: int) -> np.ndarray:
    deg: Counter[str] = Counter()
    for u, v, d in graph.edges(data=True):
        if d.get("ever_active"):
            deg[u] += 1
            deg[v] += 1
    nodes = [n for n, d in graph.nodes(data=True) if d.get("bipartite") == side]
    return np.array([deg.get(n, 0) for n in nodes], dtype=int)


def plot_degree_distribution(graph: nx.Graph, path: Path) -> Path:
    """Bar charts of established partnerships per supplier and per Imer.

    Parameters
    ----------
    graph:
        A partnership graph.
    path:
        PNG file to write.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    fig = Figure(figsize=(10, 4.2))
    axes = fig.subplots(1, 2)
    for ax, side, who, one, colour in (
        (axes[0], SUPPLIER, "suppliers", "supplier", "#2a6f97"),
        (axes[1], IMER, "Imers", "Imer", "#c05621"),
    ):
        deg = _degrees(graph, side)
        counts = np.bincount(deg) if deg.size else np.zeros(1, dtype=int)
        xs = np.arange(counts.size)
        ax.bar(xs[counts > 0], counts[counts > 0], color=colour, width=0.8)
        if counts.max() > 0:
            ax.set_yscale("log")
        ax.set_title(f"Partnerships per {one}")
        ax.set_xlabel("established partnerships (active or ended)")
        ax.set_ylabel(f"number of {who} (log scale)")
        mean = float(deg.mean()) if deg.size else 0.0
        ax.text(
            0.98,
            0.95,
            f"{deg.size:,} {who}\nmean {mean:.2f}, max {int(deg.max()) if deg.size else 0}",
            transform=ax.transAxes,
            ha="right",
            va="top",
            fontsize=9,
        )
        ax.grid(axis="y", alpha=0.3)
    fig.suptitle("Degree distribution of the partnership graph", fontsize=13)
    fig.tight_layout()
    return _save(fig, path)


def _heatmap(
    fig: Figure,
    ax: Any,
    matrix: np.ndarray,
    rows: list[str],
    cols: list[str],
    colorbar_label: str,
) -> None:
    image = ax.imshow(matrix, cmap="YlGnBu", aspect="auto")
    ax.set_xticks(np.arange(len(cols)), labels=cols, rotation=45, ha="right", fontsize=9)
    ax.set_yticks(np.arange(len(rows)), labels=rows, fontsize=9)
    peak = float(matrix.max()) if matrix.size else 0.0
    size = 10 if matrix.size <= 40 else 8
    if matrix.size <= 400:
        for r in range(matrix.shape[0]):
            for c in range(matrix.shape[1]):
                value = int(matrix[r, c])
                if value:
                    ax.text(
                        c,
                        r,
                        f"{value:,}",
                        ha="center",
                        va="center",
                        fontsize=size,
                        color="white" if value > peak * 0.6 else "black",
                    )
    bar = fig.colorbar(image, ax=ax, shrink=0.8)
    bar.set_label(colorbar_label)


def plot_province_flows(graph: nx.Graph, path: Path, *, top: int = 15) -> Path:
    """Heat-map of active partnerships from supplier provinces to Imer provinces.

    Parameters
    ----------
    graph:
        A partnership graph.
    path:
        PNG file to write.
    top:
        Provinces shown on each axis (busiest first); the rest are summed in
        ``Other provinces``.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    data = province_flows(graph)
    flows = data["flows"]
    out_tot: Counter[str] = Counter()
    in_tot: Counter[str] = Counter()
    for f in flows:
        out_tot[f["supplier_province"]] += f["count"]
        in_tot[f["imer_province"]] += f["count"]

    def axis(tot: Counter[str]) -> list[str]:
        ranked = [k for k, _ in sorted(tot.items(), key=lambda kv: (-kv[1], kv[0]))]
        return ranked[:top] + (["Other provinces"] if len(ranked) > top else [])

    rows, cols = axis(out_tot), axis(in_tot)
    matrix = np.zeros((max(len(rows), 1), max(len(cols), 1)), dtype=float)
    for f in flows:
        r = f["supplier_province"] if f["supplier_province"] in rows else "Other provinces"
        c = f["imer_province"] if f["imer_province"] in cols else "Other provinces"
        matrix[rows.index(r), cols.index(c)] += f["count"]
    fig = Figure(figsize=(11, 9))
    ax = fig.subplots()
    _heatmap(fig, ax, matrix, rows or ["(none)"], cols or ["(none)"], "active partnerships")
    ax.set_title(
        f"Active partnerships by supplier and Imer province (total {data['total']:,})",
        fontsize=12,
    )
    ax.set_xlabel("Imer province")
    ax.set_ylabel("supplier province")
    fig.tight_layout()
    return _save(fig, path)


def plot_stage_class_matrix(graph: nx.Graph, path: Path) -> Path:
    """Heat-map of active partnerships by Imer stage and supplier UMKM class.

    Parameters
    ----------
    graph:
        A partnership graph.
    path:
        PNG file to write.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    data = stage_class_matrix(graph)
    rows, cols = data["rows"], data["columns"]
    matrix = np.array([[data["counts"][r][c] for c in cols] for r in rows], dtype=float)
    fig = Figure(figsize=(8, 5.5))
    ax = fig.subplots()
    _heatmap(
        fig,
        ax,
        matrix,
        [_STAGE_LABELS.get(r, r) for r in rows],
        [c.capitalize() for c in cols],
        "active partnerships",
    )
    ax.set_title("Active partnerships: Imer stage × supplier UMKM class", fontsize=12)
    ax.set_xlabel("supplier UMKM class")
    ax.set_ylabel("Imer stage")
    fig.tight_layout()
    return _save(fig, path)


def plot_graph_charts(source: Registry | nx.Graph, out_dir: str | Path) -> list[Path]:
    """Write every chart of :data:`PLOT_FILES` into ``out_dir``.

    Parameters
    ----------
    source:
        A registry or a partnership graph.
    out_dir:
        Folder for the PNG files (created if needed).

    Returns
    -------
    list[pathlib.Path]
        The written files, in :data:`PLOT_FILES` order.
    """
    graph = build_graph(source) if isinstance(source, Registry) else source
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    return [
        plot_degree_distribution(graph, folder / PLOT_FILES[0]),
        plot_province_flows(graph, folder / PLOT_FILES[1]),
        plot_stage_class_matrix(graph, folder / PLOT_FILES[2]),
    ]
