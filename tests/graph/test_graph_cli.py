"""The graph and partnership commands, end to end on a SQLite file."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
from typer.testing import CliRunner

from matchmaker.cli.main import app

runner = CliRunner()

SUPPLIERS = (
    "supplier_id,name,province,categories,annual_revenue_idr\n"
    "S1,CV Maju,Jatim,food,1 miliar\n"
    "S2,UD Jaya,Bali,hijab,20 miliar\n"
    "S3,CV Sepi,Aceh,food,\n"
)
IMERS = (
    "imer_id,name,province,categories,monthly_revenue_idr\n"
    "I1,Toko Ani,Jabar,food,50 juta\n"
    "I2,Rina Shop,DKI,fashion_muslim,2 miliar\n"
)
PARTNERSHIPS = (
    "supplier_id,imer_id,status,started_at,ended_at,monthly_units,rating\n"
    "S1,I1,active,2024-01-05,,,\n"
    "S2,I2,ended,2023-03-01,2023-09-30,150,4\n"
)


def _db(tmp_path: Path) -> str:
    db = f"sqlite:///{tmp_path / 'r.db'}"
    for kind, text in (("suppliers", SUPPLIERS), ("imers", IMERS), ("partnerships", PARTNERSHIPS)):
        file = tmp_path / f"{kind}.csv"
        file.write_text(text, encoding="utf-8")
        result = runner.invoke(
            app, ["import", kind, str(file), "--db", db, "--report-dir", str(tmp_path / "rep")]
        )
        assert result.exit_code == 0, result.output
    return db


def test_lifecycle_commands_and_refusals(tmp_path: Path) -> None:
    db = _db(tmp_path)
    pair = ["--supplier", "S3", "--imer", "I1", "--db", db]
    steps = [
        ["propose", *pair, "--actor", "staff:desk-1", "--reason", "met at SMESCO expo"],
        ["accept", *pair, "--actor", "supplier:S3"],
        ["activate", *pair, "--actor", "staff:desk-1", "--started-at", "2030-01-02"],
        [
            *("end", *pair, "--actor", "staff:desk-1", "--ended-at", "2030-06-30"),
            *("--monthly-units", "80", "--rating", "5", "--supplier-rating", "4"),
        ],
    ]
    for step, status in zip(steps, ["proposed", "accepted", "active", "ended"], strict=True):
        result = runner.invoke(app, ["partnership", *step])
        assert result.exit_code == 0, result.output
        assert status in result.output
    again = runner.invoke(app, ["partnership", "end", *pair, "--actor", "staff:desk-1"])
    assert again.exit_code == 2
    assert "cannot be ended again" in again.output
    assert "Traceback" not in again.output
    hist = runner.invoke(app, ["partnership", "history", *pair, "--json"])
    assert hist.exit_code == 0, hist.output
    events = json.loads(hist.output)
    assert [e["status"] for e in events] == ["proposed", "accepted", "active", "ended"]
    assert events[0]["reason"] == "met at SMESCO expo"
    assert events[3]["rating"] == 5.0 and events[3]["supplier_rating"] == 4.0
    table = runner.invoke(app, ["partnership", "history", *pair])
    assert table.exit_code == 0
    assert all(s in table.output for s in ("proposed", "accepted", "active", "ended"))
    # The imported history continues through the lifecycle: an imported active pair ends.
    ended = runner.invoke(
        app,
        ["partnership", "end", "--supplier", "S1", "--imer", "I1", "--db", db, "--actor", "x"],
    )
    assert ended.exit_code == 0, ended.output
    unknown = runner.invoke(
        app,
        ["partnership", "propose", "--supplier", "S9", "--imer", "I1", "--db", db, "--actor", "x"],
    )
    assert unknown.exit_code == 2 and "S9" in unknown.output
    bad_time = runner.invoke(
        app, ["partnership", "propose", *pair, "--actor", "x", "--at", "yesterday"]
    )
    assert bad_time.exit_code == 2 and "ISO" in bad_time.output


def test_graph_stats_export_and_plot(tmp_path: Path) -> None:
    db = _db(tmp_path)
    out = tmp_path / "out"
    result = runner.invoke(app, ["graph", "stats", "--db", db, "--json", str(out / "s.json")])
    assert result.exit_code == 0, result.output
    assert "Imers with at least one active supplier: 1 of 2" in result.output
    stats = json.loads((out / "s.json").read_text(encoding="utf-8"))
    assert stats["suppliers_without_partner"]["ids"] == ["S3"]
    assert stats["totals"]["established_partnerships"] == 2
    for private in ("CV Maju", "Toko Ani", "Rina"):
        assert private not in json.dumps(stats)
    for fmt in ("graphml", "gexf"):
        path = out / f"g.{fmt}"
        result = runner.invoke(
            app, ["graph", "export", "--db", db, "--format", fmt, "--out", str(path)]
        )
        assert result.exit_code == 0, result.output
        back = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
        assert back.number_of_nodes() == 5 and back.number_of_edges() == 2
    bad = runner.invoke(app, ["graph", "export", "--db", db, "--format", "csv", "--out", "x"])
    assert bad.exit_code == 2 and "graphml" in bad.output
    result = runner.invoke(app, ["graph", "plot", "--db", db, "--out-dir", str(out / "charts")])
    assert result.exit_code == 0, result.output
    assert len(list((out / "charts").glob("*.png"))) == 3
