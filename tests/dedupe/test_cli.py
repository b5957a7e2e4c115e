"""The ``matchmaker dedupe`` commands: files, the registry, review, merge and undo."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from matchmaker.cli.main import app
from matchmaker.dedupe.synthetic import PlantedRegistry, plant_duplicates

runner = CliRunner()


def _write(reg: PlantedRegistry, path: Path, rows: slice | None = None) -> Path:
    """The registry as a contract input file (lists joined by ';', contacts as columns)."""
    frame = reg.frame.copy()
    key = frame.columns[0]
    contacts = reg.contacts.set_index("profile_id")
    frame["phone"] = frame[key].map(contacts["phone"])
    frame["email"] = frame[key].map(contacts["email"])
    for col in frame.columns:
        if frame[col].map(lambda v: isinstance(v, list)).any():
            frame[col] = frame[col].map(lambda v: ";".join(v) if isinstance(v, list) else v)
    frame = frame.drop(columns=[c for c in ("umkm_class", "stage") if c in frame.columns])
    if rows is not None:
        frame = frame.iloc[rows]
    frame.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def reg() -> PlantedRegistry:
    return plant_duplicates(300, seed=21)


def test_dedupe_a_file_writes_the_contract_pairs(tmp_path: Path, reg: PlantedRegistry) -> None:
    source = _write(reg, tmp_path / "suppliers.csv")
    out = tmp_path / "out" / "pairs.csv"
    model = tmp_path / "model.json"
    result = runner.invoke(
        app, ["dedupe", "--input", str(source), "--out", str(out), "--save-model", str(model)]
    )
    assert result.exit_code == 0, result.output
    pairs = pd.read_csv(out)
    assert list(pairs.columns[:3]) == ["id_a", "id_b", "score"]
    found = set(zip(pairs["id_a"], pairs["id_b"], strict=True))
    truth = reg.true_pairs()
    assert len(found & truth) > 0.8 * len(truth)
    assert len(found & truth) > 0.8 * len(found)
    text = out.read_text(encoding="utf-8")
    assert not re.search(r"\+?62\d{8,}|08\d{8,}|@example", text)  # no phones or e-mails
    assert "duplicates in suppliers.csv" in result.output
    # the saved model is reusable as a starting point
    again = runner.invoke(
        app, ["dedupe", "--input", str(source), "--model", str(model), "--low", "0.9"]
    )
    assert again.exit_code == 0, again.output


def test_dedupe_tells_imers_from_their_id_column(tmp_path: Path) -> None:
    imers = plant_duplicates(120, kind="imer", seed=2)
    source = _write(imers, tmp_path / "imers.csv")
    out = tmp_path / "pairs.csv"
    result = runner.invoke(app, ["dedupe", "--input", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "(imers)" in result.output
    assert pd.read_csv(out)["id_a"].str.startswith("I").all()


def test_dedupe_needs_a_source(tmp_path: Path) -> None:
    result = runner.invoke(app, ["dedupe", "--db", str(tmp_path / "r.db")])
    assert result.exit_code == 2
    assert "--input FILE or --kind" in result.output


def test_registry_review_merge_and_undo(tmp_path: Path, reg: PlantedRegistry) -> None:
    db = f"sqlite:///{tmp_path / 'r.db'}"
    first = _write(reg, tmp_path / "first.csv", slice(0, 200))
    second = _write(reg, tmp_path / "second.csv", slice(200, 300))
    reports = tmp_path / "reports"
    ok = runner.invoke(
        app, ["import", "suppliers", str(first), "--db", db, "--report-dir", str(reports)]
    )
    assert ok.exit_code == 0, ok.output
    # importing rows that look like stored records warns about them (ids and rows, no names)
    warn = runner.invoke(
        app, ["import", "suppliers", str(second), "--db", db, "--report-dir", str(reports)]
    )
    assert warn.exit_code == 0, warn.output
    assert "looks like supplier" in warn.output

    found = runner.invoke(
        app, ["dedupe", "--kind", "suppliers", "--db", db, "--out", str(tmp_path / "p.csv")]
    )
    assert found.exit_code == 0, found.output
    assert "queued for review" in found.output
    wide = {"COLUMNS": "300"}
    listing = runner.invoke(app, ["dedupe", "review", "list", "--db", db, "--limit", "3"], env=wide)
    assert listing.exit_code == 0, listing.output
    assert "review queue (pending)" in listing.output
    staff = runner.invoke(
        app, ["dedupe", "review", "list", "--db", db, "--limit", "3", "--show-contacts"], env=wide
    )
    assert staff.exit_code == 0, staff.output
    phones = [p for p in reg.contacts["phone"].dropna() if p in staff.output]
    assert phones  # staff see phones on request …
    assert not any(p in listing.output for p in phones)  # … and only then

    rejected = runner.invoke(app, ["dedupe", "review", "reject", "1", "--db", db, "--note", "beda"])
    assert rejected.exit_code == 0 and "review 1 rejected" in rejected.output
    accepted = runner.invoke(app, ["dedupe", "review", "accept", "2", "--db", db])
    assert accepted.exit_code == 0, accepted.output
    assert "merge 1 keeps" in accepted.output
    twice = runner.invoke(app, ["dedupe", "review", "accept", "2", "--db", db])
    assert twice.exit_code == 2 and "already merged" in twice.output

    pair = pd.read_csv(tmp_path / "p.csv").iloc[-1]
    manual = runner.invoke(
        app,
        [
            "dedupe",
            "merge",
            str(pair["id_a"]),
            str(pair["id_b"]),
            "--kind",
            "suppliers",
            "--db",
            db,
        ],
    )
    assert manual.exit_code == 0, manual.output
    listed = runner.invoke(app, ["dedupe", "merges", "--db", db])
    assert listed.exit_code == 0 and "merges" in listed.output
    undo = runner.invoke(app, ["dedupe", "undo", "2", "--db", db])
    assert undo.exit_code == 0 and "merge 2 undone" in undo.output
    undo_again = runner.invoke(app, ["dedupe", "undo", "2", "--db", db])
    assert undo_again.exit_code == 2 and "already undone" in undo_again.output
