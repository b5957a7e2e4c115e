"""The shortlist, fit and evaluate commands end to end on a small stored registry."""

from __future__ import annotations

import json

import pandas as pd
from typer.testing import CliRunner

from matchmaker.cli.main import app

runner = CliRunner()


def _db(store) -> str:
    return str(store.engine.url.render_as_string(hide_password=False))


def test_fit_then_shortlist_in_the_contract_shape(synthetic_store, tmp_path):
    db, model = _db(synthetic_store), str(tmp_path / "model")
    missing = runner.invoke(app, ["shortlist", "--db", db, "--model", model, "--imer", "x"])
    assert missing.exit_code == 2 and "matchmaker fit" in missing.output
    fitted = runner.invoke(app, ["fit", "--db", db, "--model", model])
    assert fitted.exit_code == 0, fitted.output
    assert "model saved" in fitted.output
    out = tmp_path / "all.csv"
    res = runner.invoke(
        app, ["shortlist", "--db", db, "--model", model, "--all-imers", "--k", "3",
              "--out", str(out)],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    frame = pd.read_csv(out)
    assert list(frame.columns) == ["imer_id", "rank", "supplier_id", "score", "reasons"]
    assert frame["imer_id"].nunique() == len(synthetic_store.imer_ids())
    assert frame["rank"].max() == 3 and frame["reasons"].notna().all()
    active = synthetic_store.partnerships().query("status == 'active'")
    pairs = set(zip(frame["supplier_id"], frame["imer_id"], strict=True))
    assert not pairs & set(zip(active["supplier_id"], active["imer_id"], strict=True))
    sup = sorted(synthetic_store.supplier_ids())[0]
    as_json = runner.invoke(
        app, ["shortlist", "--db", db, "--model", model, "--supplier", sup, "--k", "2",
              "--format", "json", "--lang", "en"],
    )  # fmt: skip
    assert as_json.exit_code == 0, as_json.output
    records = json.loads(as_json.output)
    assert [r["rank"] for r in records] == [1, 2]
    assert set(records[0]) == {"supplier_id", "rank", "imer_id", "score", "reasons"}
    screen = runner.invoke(
        app, ["shortlist", "--db", db, "--model", model, "--imer", frame["imer_id"].iloc[0],
              "--dropship-only", "--province", "jatim", "--k", "2"],
    )  # fmt: skip
    assert screen.exit_code == 0, screen.output


def test_shortlist_rejects_ambiguous_or_bad_requests(synthetic_store, tmp_path):
    db, model = _db(synthetic_store), str(tmp_path / "model")
    both = runner.invoke(app, ["shortlist", "--db", db, "--all-imers", "--all-suppliers"])
    assert both.exit_code == 2 and "exactly one" in both.output
    runner.invoke(app, ["fit", "--db", db, "--model", model])
    bad = runner.invoke(
        app, ["shortlist", "--db", db, "--model", model, "--all-imers", "--province", "Atlantis"]
    )
    assert bad.exit_code == 2 and "Traceback" not in bad.output


def test_evaluate_prints_the_table_and_writes_json(synthetic_store, tmp_path):
    report = tmp_path / "eval.json"
    res = runner.invoke(
        app, ["evaluate", "--db", _db(synthetic_store), "--holdout-months", "6",
              "--json", str(report), "--no-graph-signals"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "NDCG@10" in res.output and "content_rule" in res.output
    data = json.loads(report.read_text())
    assert {m["model"] for m in data["metrics"]} == {
        "engine",
        "random",
        "popularity",
        "content_rule",
    }
