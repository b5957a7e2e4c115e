"""Analytics on tiny graphs with answers computed by hand; exports read back by networkx."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import matplotlib.image as mpimg
import networkx as nx
import numpy as np
import pytest

from matchmaker.errors import ValidationError
from matchmaker.graph.analytics import (
    active_partnership_graph,
    connected_components_summary,
    gini,
    graph_stats,
    top_share,
)
from matchmaker.graph.build import build_graph
from matchmaker.graph.export import export_graph, graph_for_export
from matchmaker.graph.plots import PLOT_FILES, plot_graph_charts
from matchmaker.reference import STAGE_SLUGS, UMKM_CLASS_SLUGS

from .factories import registry


def _tiny() -> Any:
    return registry(
        [
            {"supplier_id": "S1", "province": "Bali", "umkm_class": "mikro"},
            {"supplier_id": "S2", "province": "Aceh", "umkm_class": "kecil"},
            {"supplier_id": "S3", "province": "Bali", "umkm_class": None},
            {"supplier_id": "S4", "province": "Aceh", "umkm_class": "mikro"},
        ],
        [
            {"imer_id": "I1", "stage": "survivor", "province": "Bali"},
            {"imer_id": "I2", "stage": "pioneer", "province": "Aceh"},
            {"imer_id": "I3", "stage": "survivor", "province": "Jawa Timur"},
        ],
        [
            ("S1", "I1", "active", 1),
            ("S1", "I2", "active", 2),
            ("S2", "I2", "ended", 3, {"rating": 4.0}),
            ("S3", "I3", "proposed", 4, {"reason": "Pak Budi suggested it"}),
            ("S4", "I3", "declined", 5, {"actor": "Ibu Sari"}),
        ],
    )


def test_stats_of_a_tiny_graph_by_hand() -> None:
    stats = graph_stats(_tiny())
    assert stats["totals"] == {
        "suppliers": 4,
        "imers": 3,
        "pairs_with_history": 5,
        "pairs_by_status": {"proposed": 1, "accepted": 0, "declined": 1, "active": 2, "ended": 1},
        "active_partnerships": 2,
        "established_partnerships": 3,
    }
    imers = stats["imers_with_active_supplier"]
    assert (imers["imers"], imers["with_active_supplier"]) == (3, 2)
    assert imers["share"] == pytest.approx(2 / 3)
    assert imers["by_stage"] == {
        "survivor": {"imers": 2, "with_active_supplier": 1, "share": 0.5},
        "pioneer": {"imers": 1, "with_active_supplier": 1, "share": 1.0},
    }
    # Reference order of provinces: Aceh, ..., Jawa Timur, Bali.
    assert list(imers["by_province"]) == ["Aceh", "Jawa Timur", "Bali"]
    assert imers["by_province"]["Jawa Timur"] == {
        "imers": 1,
        "with_active_supplier": 0,
        "share": 0.0,
    }
    lonely = stats["suppliers_without_partner"]
    assert lonely["ids"] == ["S3", "S4"]
    assert (lonely["count"], lonely["share"]) == (2, 0.5)
    assert lonely["by_province"] == {"Aceh": 1, "Bali": 1}
    assert lonely["by_umkm_class"] == {"mikro": 1, "unknown": 1}
    conc = stats["concentration"]
    assert conc["partnerships"] == 3
    assert conc["suppliers_with_partner"] == 2
    assert conc["max_per_supplier"] == 2
    assert conc["top_suppliers"] == 1
    assert conc["top_share"] == pytest.approx(2 / 3)
    assert conc["gini"] == pytest.approx(7 / 12)  # degrees 0, 0, 1, 2
    matrix = stats["stage_class_matrix"]
    assert matrix["rows"] == list(STAGE_SLUGS)
    assert matrix["columns"] == list(UMKM_CLASS_SLUGS)
    nonzero = {(r, c): n for r, row in matrix["counts"].items() for c, n in row.items() if n}
    assert nonzero == {("survivor", "mikro"): 1, ("pioneer", "mikro"): 1}
    flows = stats["province_flows"]
    assert flows["flows"] == [
        {"supplier_province": "Bali", "imer_province": "Aceh", "count": 1},
        {"supplier_province": "Bali", "imer_province": "Bali", "count": 1},
    ]
    assert (flows["total"], flows["same_province"], flows["same_province_share"]) == (2, 1, 0.5)
    assert stats["components"] == {
        "components": 1,
        "isolated_suppliers": 2,
        "isolated_imers": 1,
        "largest": {"suppliers": 2, "imers": 2, "partnerships": 3},
        "size_distribution": {"4": 1},
    }


def test_stats_are_json_and_carry_no_personal_data() -> None:
    text = json.dumps(graph_stats(_tiny()))
    for private in ("Usaha", "Penjual", "Budi", "Sari"):
        assert private not in text


def test_empty_registry_gives_empty_but_valid_stats() -> None:
    stats = graph_stats(registry([], []))
    assert stats["totals"]["suppliers"] == 0
    assert stats["concentration"]["gini"] is None
    assert stats["imers_with_active_supplier"]["share"] is None
    json.dumps(stats)


def test_gini_and_top_share_by_hand() -> None:
    assert gini([3, 3, 3]) == pytest.approx(0.0)
    assert gini([0, 0, 0, 10]) == pytest.approx(0.75)
    assert gini([]) is None and gini([0, 0]) is None
    values = [100] + [1] * 199
    k, share = top_share(values, 0.01)
    assert k == 2 and share == pytest.approx(101 / 299)
    assert top_share([], 0.01) == (0, None)


@pytest.mark.parametrize("seed", range(5))
def test_components_agree_with_networkx_on_random_graphs(seed: int) -> None:
    rng = np.random.default_rng(seed)
    statuses = ["proposed", "declined", "active", "ended"]
    events = [
        (f"S{rng.integers(12)}", f"I{rng.integers(9)}", str(rng.choice(statuses)), k)
        for k in range(20)
    ]
    reg = registry([f"S{k}" for k in range(12)], [f"I{k}" for k in range(9)], events)
    g = build_graph(reg)
    est = nx.Graph()
    est.add_nodes_from(g.nodes)
    est.add_edges_from((u, v) for u, v, d in g.edges(data=True) if d["ever_active"])
    comps = [c for c in nx.connected_components(est) if len(c) > 1]
    got = connected_components_summary(g)
    assert got["components"] == len(comps)
    assert got["isolated_suppliers"] + got["isolated_imers"] == nx.number_of_isolates(est)
    sub = active_partnership_graph(g, established=True)
    assert set(sub.nodes) == set(est.nodes)
    assert {frozenset(e) for e in sub.edges} == {frozenset(e) for e in est.edges}


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_export_reads_back_with_same_nodes_edges_and_attributes(tmp_path: Path, fmt: str) -> None:
    reg = _tiny()
    g = build_graph(reg)
    path = export_graph(reg, tmp_path / f"partners.{fmt}", format=fmt)
    back = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
    assert set(back.nodes) == set(g.nodes)
    assert {frozenset(e) for e in back.edges} == {frozenset(e) for e in g.edges}
    assert back.nodes["supplier:S1"]["province"] == "Bali"
    assert back.nodes["supplier:S1"]["categories"] == "food"
    assert back.nodes["imer:I2"]["stage"] == "pioneer"
    assert int(back.nodes["imer:I2"]["bipartite"]) == 1
    assert back.edges["supplier:S2", "imer:I2"]["status"] == "ended"
    assert back.edges["supplier:S2", "imer:I2"]["statuses"] == "ended"
    assert float(back.edges["supplier:S2", "imer:I2"]["rating"]) == 4.0
    assert "rating" not in back.edges["supplier:S1", "imer:I1"]  # missing stays missing
    text = path.read_text(encoding="utf-8")
    for private in ("Usaha", "Penjual", "Budi", "Sari", "actor", "reason"):
        assert private not in text


def test_export_preparation_keeps_the_graph_shape() -> None:
    g = build_graph(_tiny())
    flat = graph_for_export(g)
    assert set(flat.nodes) == set(g.nodes) and set(map(frozenset, flat.edges)) == set(
        map(frozenset, g.edges)
    )
    for _, _, d in flat.edges(data=True):
        assert all(isinstance(v, str | int | float | bool) for v in d.values())
    with pytest.raises(ValidationError, match="graphml"):
        export_graph(g, "x.csv", format="csv")


@pytest.mark.parametrize("events", [True, False])
def test_plots_write_readable_pngs(tmp_path: Path, events: bool) -> None:
    reg = _tiny() if events else registry(["S1"], ["I1"])
    paths = plot_graph_charts(reg, tmp_path / "charts")
    assert [p.name for p in paths] == list(PLOT_FILES)
    for p in paths:
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        height, width = mpimg.imread(p).shape[:2]
        assert width >= 800 and height >= 500
