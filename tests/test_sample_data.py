"""The committed sample imports with zero rejects, and `stats` counts match the files."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd

from matchmaker import parsing
from matchmaker.demo import find_sample_data, load_sample
from matchmaker.reference import stage_for_revenue
from matchmaker.stats import registry_stats
from matchmaker.store import Store

DATA = Path(__file__).resolve().parents[1] / "data"


def test_sample_imports_cleanly_and_stats_match_the_files(
    sqlite_store: Store, tmp_path: Path
) -> None:
    folder = find_sample_data(DATA)
    assert folder is not None
    reports = load_sample(sqlite_store, folder, tmp_path)
    assert [r.rejected for r in reports] == [0, 0, 0]
    assert all(r.ok for r in reports)

    suppliers = pd.read_csv(DATA / "suppliers.csv", dtype=str, keep_default_na=False)
    imers = pd.read_csv(DATA / "imers.csv", dtype=str, keep_default_na=False)
    pairs = pd.read_csv(DATA / "partnerships.csv", dtype=str, keep_default_na=False)
    stats = registry_stats(sqlite_store.registry())
    assert stats["totals"] == {
        "suppliers": len(suppliers),
        "imers": len(imers),
        "partnerships": len(pairs),
    }
    # Counts recomputed straight from the files, cell by cell.
    provinces = Counter(parsing.parse_province(p) for p in suppliers["province"])
    assert {k: v for k, v in stats["suppliers_by_province"].items() if v} == dict(provinces)
    stages = Counter(
        stage_for_revenue(parsing.parse_money(r)) if r else parsing.parse_stage(s)
        for r, s in zip(imers["monthly_revenue_idr"], imers["stage"], strict=True)
    )
    assert {k: v for k, v in stats["imers_by_stage"].items() if v} == dict(stages)
    categories = Counter(c for cell in imers["categories"] for c in parsing.parse_categories(cell))
    assert {k: v for k, v in stats["imers_by_category"].items() if v} == dict(categories)
    assert stats["partnerships_by_status"] == {
        "proposed": int((pairs["status"] == "proposed").sum()),
        "accepted": 0,
        "declined": int((pairs["status"] == "declined").sum()),
        "active": int((pairs["status"] == "active").sum()),
        "ended": int((pairs["status"] == "ended").sum()),
    }
