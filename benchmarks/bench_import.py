"""Import throughput: 100,000 supplier rows from a field-style CSV into SQLite (or --db).

Prints a table of rows per second for reading, parsing and storing, for a
first import and for a re-import of the same file (which must change nothing).

    python benchmarks/bench_import.py [--rows 100000] [--db URL]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from matchmaker import ingest
from matchmaker.store import Store

PROVINCES = [
    "Jatim",
    "JAWA BARAT",
    "East Java",
    "DKI Jakarta",
    "DIY",
    "Bali",
    "Sumatera Utara",
    "jateng",
    "Banten",
    "Sulawesi Selatan",
    "Kalimantan Timur",
    "Aceh",
]
CATEGORIES = [
    "food",
    "kosmetik",
    "hijab",
    "fashion",
    "camilan",
    "skincare;beauty",
    "herbal",
    "kitchen;home_living",
    "gamis",
    "electronics",
]
MONEY = ["Rp 1.500.000", "1,5 juta", "2 miliar", "750rb", "250000000", ""]


def make_csv(path: Path, rows: int, seed: int = 7) -> None:
    """Write ``rows`` supplier rows with field-style variation (semicolon-delimited)."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "supplier_id": [f"S{i:07d}" for i in range(rows)],
            "name": [f"CV Usaha Bersama {i}" for i in range(rows)],
            "province": rng.choice(PROVINCES, rows),
            "city": rng.choice(["Surabaya", "Bandung", "", "Medan"], rows),
            "categories": rng.choice(CATEGORIES, rows),
            "products": rng.choice(["keripik pedas", "gamis katun", "serum wajah", ""], rows),
            "annual_revenue_idr": rng.choice(MONEY, rows),
            "monthly_capacity_units": rng.integers(10, 50_000, rows),
            "min_order_qty": rng.integers(1, 500, rows),
            "unit_price_idr": rng.integers(5_000, 500_000, rows),
            "dropship": rng.choice(["ya", "tidak", "true", "0"], rows),
            "certifications": rng.choice(["halal;pirt", "bpom", "", "sni"], rows),
            "ships_to": rng.choice(["nasional", "Jatim;Bali", "Jawa Barat"], rows),
            "phone": [f"0812{i:08d}" for i in range(rows)],
            "email": "",
        }
    )
    frame.to_csv(path, sep=";", index=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--db", default=None, help="database URL (default: a temp SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "suppliers.csv"
        make_csv(path, args.rows)
        store = Store(args.db or f"sqlite:///{Path(tmp) / 'bench.db'}")
        store.init()
        results = []
        for label in ("first import", "re-import (no change)"):
            t0 = time.perf_counter()
            table = ingest.read_table(path)
            t1 = time.perf_counter()
            parsed = ingest.parse_suppliers(table)
            t2 = time.perf_counter()
            up = store.upsert_suppliers(parsed.frame, parsed.contacts)
            t3 = time.perf_counter()
            assert not parsed.errors, parsed.errors[:3]
            results.append((label, len(table), t1 - t0, t2 - t1, t3 - t2, t3 - t0, up))
        print(f"\nimport benchmark: {args.rows:,} supplier rows, {store.engine.dialect.name}\n")
        print(
            f"{'run':<24}{'read s':>9}{'parse s':>9}{'store s':>9}{'total s':>9}"
            f"{'rows/s':>10}  result"
        )
        for label, n, r, p, s, total, up in results:
            print(
                f"{label:<24}{r:>9.2f}{p:>9.2f}{s:>9.2f}{total:>9.2f}{n / total:>10,.0f}  "
                f"new {up.inserted}, updated {up.updated}, unchanged {up.unchanged}"
            )
        print("\ntarget: well under 60 s for 100,000 rows")


if __name__ == "__main__":
    main()
