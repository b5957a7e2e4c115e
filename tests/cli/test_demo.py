"""`matchmaker demo` (the README's main command) runs end to end on the sample data."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from matchmaker.cli.main import app


def test_demo_builds_a_registry_and_shows_every_section(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["demo", "--dir", str(tmp_path / "demo")])
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.count("all rows loaded") == 3
    for section in ("Shortlists with reasons", "partnership graph", "matchmaking day", "hub API"):
        assert section in out
    assert (tmp_path / "demo" / "matchmaker-demo.db").exists()
    assert (tmp_path / "demo" / "models" / "model.json").exists()
    assert list((tmp_path / "demo" / "event").glob("agenda-*.ics"))
    assert "@" not in out  # no e-mail address leaks into the public demo output
