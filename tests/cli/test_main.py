"""The foundation commands: init, import (exit codes), stats."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from matchmaker.cli.main import app

runner = CliRunner()

SUPPLIERS = (
    "supplier_id,name,province,categories,annual_revenue_idr\n"
    "S1,CV Maju,Jatim,food,1 miliar\n"
    "S2,UD Jaya,Bali,hijab,20 miliar\n"
)


def test_init_creates_the_database(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    result = runner.invoke(app, ["init", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert db.exists() and "database ready" in result.output


def test_import_exit_codes_and_stats(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'r.db'}"
    good = tmp_path / "s.csv"
    good.write_text(SUPPLIERS, encoding="utf-8")
    reports = tmp_path / "rep"
    ok = runner.invoke(
        app, ["import", "suppliers", str(good), "--db", db, "--report-dir", str(reports)]
    )
    assert ok.exit_code == 0, ok.output
    assert (reports / "s.rejects.csv").exists() and (reports / "s.summary.json").exists()
    bad = tmp_path / "b.csv"
    bad.write_text(SUPPLIERS + "S3,CV X,Atlantis,food,\n", encoding="utf-8")
    partial = runner.invoke(
        app, ["import", "suppliers", str(bad), "--db", db, "--report-dir", str(reports)]
    )
    assert partial.exit_code == 1
    assert "row 4" in partial.output and "province" in partial.output
    empty = tmp_path / "e.csv"
    empty.write_text("", encoding="utf-8")
    failed = runner.invoke(app, ["import", "suppliers", str(empty), "--db", db])
    assert failed.exit_code == 2
    assert "empty" in failed.output and "Traceback" not in failed.output
    out = tmp_path / "stats.json"
    stats = runner.invoke(app, ["stats", "--db", db, "--json", str(out)])
    assert stats.exit_code == 0, stats.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["totals"]["suppliers"] == 2
    assert data["suppliers_by_umkm_class"]["mikro"] == 1
    assert data["suppliers_by_umkm_class"]["menengah"] == 1
    assert data["suppliers_by_province"]["Bali"] == 1


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["import", "imers", str(tmp_path / "nope.csv"), "--db", str(tmp_path / "r.db")]
    )
    assert result.exit_code == 2 and "no such file" in result.output
