"""Generate the sample registry: suppliers.csv, imers.csv and partnerships.csv.

Usage::

    python data/generate.py [--suppliers 2000] [--imers 600] [--partnerships N]
                            [--seed 42] [--out data/] [--canonical]

The same arguments always write byte-identical files. The hidden ground truth of the
simulation (supplier quality, Imer skill, pair utility) is never written here; get it
from ``matchmaker.synthetic.generate_registry(...).truth`` in evaluation code.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

import pandas as pd

from matchmaker.synthetic import SyntheticRegistry, generate_registry, write_registry

HERE = Path(__file__).resolve().parent


def _window_start(end: date, months: int) -> date:
    """First day of the last ``months`` calendar months up to ``end``."""
    index = end.year * 12 + end.month - 1 - (months - 1)
    return date(index // 12, index % 12 + 1, 1)


def summary(reg: SyntheticRegistry, end: date, window_months: int = 6) -> list[str]:
    """Key statistics of a generated registry, one line each."""
    p = reg.partnerships
    status = p["status"].value_counts()
    decided = int(status.reindex(["active", "ended", "declined"]).fillna(0).sum())
    started = pd.to_datetime(p["started_at"])
    cut = pd.Timestamp(_window_start(end, window_months))
    recent = started >= cut
    first = started.groupby(p["imer_id"]).min()
    new_imers = set(first[first >= cut].index)
    rating = pd.to_numeric(p["rating"], errors="coerce")
    good = recent & (rating >= 4)
    is_new = p["imer_id"].isin(new_imers)
    stages = reg.truth["imers"]["stage"].value_counts(normalize=True)
    classes = reg.truth["suppliers"]["umkm_class"].value_counts(normalize=True)
    return [
        f"suppliers: {len(reg.suppliers)}, imers: {len(reg.imers)}, partnership rows: {len(p)}",
        "rows by status: " + ", ".join(f"{k} {v}" for k, v in status.items()),
        f"decline rate (declined / decided): {status.get('declined', 0) / max(decided, 1):.1%}",
        "stage mix: " + ", ".join(f"{k} {v:.1%}" for k, v in stages.items()),
        "UMKM class mix: " + ", ".join(f"{k} {v:.1%}" for k, v in classes.items()),
        f"rows started since {cut.date()} (last {window_months} months): "
        f"{int(recent.sum())} ({recent.mean():.1%})",
        f"brand-new Imers (first row in that window): {len(new_imers)}",
        f"rated >= 4 in that window: {int((good & is_new).sum())} for brand-new Imers, "
        f"{int((good & ~is_new).sum())} for Imers with earlier history",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--suppliers", type=int, default=2000, help="supplier profiles")
    parser.add_argument("--imers", type=int, default=600, help="Imer profiles")
    parser.add_argument(
        "--partnerships", type=int, default=None, help="partnership rows (default 10 per Imer)"
    )
    parser.add_argument("--seed", type=int, default=42, help="random seed")
    parser.add_argument("--out", type=Path, default=HERE, help="output folder (default data/)")
    parser.add_argument(
        "--canonical", action="store_true", help="write canonical values instead of messy ones"
    )
    parser.add_argument("--start", type=date.fromisoformat, default=date(2023, 1, 1))
    parser.add_argument("--end", type=date.fromisoformat, default=date(2026, 10, 31))
    args = parser.parse_args(argv)
    began = time.perf_counter()
    reg = generate_registry(
        args.suppliers,
        args.imers,
        args.partnerships,
        seed=args.seed,
        messy=not args.canonical,
        start=args.start,
        end=args.end,
    )
    elapsed = time.perf_counter() - began
    paths = write_registry(reg, args.out)
    for line in summary(reg, args.end):
        print(line)
    print(f"generated in {elapsed:.2f} s; wrote " + ", ".join(str(p) for p in paths.values()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
