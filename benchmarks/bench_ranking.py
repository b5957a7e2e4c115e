"""Benchmark of the compatibility engine at national scale.

Generates a registry with the seeded synthetic generator (canonical values),
parses it through :mod:`matchmaker.ingest`, fits the engine, saves and reloads
the model, then measures:

* candidate recall: for a sample of Imers, the share of the exhaustive top-10
  (every supplier scored exactly) that the blocked nearest-neighbour retrieval
  plus exact re-scoring also returns (target >= 0.95);
* one shortlist's latency with the model loaded, p50 and p95 (target p95 < 50 ms);
* every Imer's top-10 in one batch (target < 2 minutes on 2 cores);
* peak memory of the whole run (max RSS; target < 4 GB).

Run::

    python benchmarks/bench_ranking.py --suppliers 100000 --imers 20000

Targets are reported, never asserted.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from rich.console import Console
from rich.table import Table

from matchmaker import ingest
from matchmaker.ranking import Recommender, RecommenderConfig
from matchmaker.schema import EVENT_COLUMNS, Registry
from matchmaker.store import derive_partnerships
from matchmaker.synthetic import generate_registry


def peak_rss_gb() -> float:
    """Peak resident memory of this process so far, in GB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6


def build_registry(n_suppliers: int, n_imers: int, seed: int) -> tuple[Registry, dict[str, float]]:
    """Generate a registry and parse it through ingest into canonical frames."""
    times: dict[str, float] = {}
    t = time.perf_counter()
    raw = generate_registry(n_suppliers=n_suppliers, n_imers=n_imers, seed=seed, messy=False)
    times["generate"] = time.perf_counter() - t
    t = time.perf_counter()

    def table(frame: pd.DataFrame, name: str) -> ingest.RawTable:
        return ingest.read_csv_bytes(frame.to_csv(index=False).encode("utf-8"), name)

    sup = ingest.parse_suppliers(table(raw.suppliers, "suppliers.csv")).frame
    imr = ingest.parse_imers(table(raw.imers, "imers.csv")).frame
    parts = ingest.parse_partnerships(
        table(raw.partnerships, "partnerships.csv"),
        known_suppliers=sup["supplier_id"],
        known_imers=imr["imer_id"],
    ).frame
    events, _ = ingest.partnership_events(parts, pd.DataFrame(), source="bench")
    ev = pd.DataFrame([e.__dict__ for e in events])
    ev["event_id"] = np.arange(1, len(ev) + 1)
    ev["at"] = pd.to_datetime(ev["at"], utc=True)
    ev = ev.sort_values(["at", "event_id"], kind="stable").reset_index(drop=True)
    ev["seq"] = ev.groupby(["supplier_id", "imer_id"]).cumcount() + 1
    ev = ev[[*EVENT_COLUMNS, "seq", "supplier_rating"]]
    times["parse"] = time.perf_counter() - t
    reg = Registry(suppliers=sup, imers=imr, events=ev, partnerships=derive_partnerships(ev))
    return reg, times


def candidate_recall(rec: Recommender, imer_ids: list[str], k: int) -> tuple[float, float]:
    """Mean recall@k of the indexed pipeline against exhaustive exact scoring."""
    fast = rec.recommend_suppliers(imer_ids, k=k, with_reasons=False)
    t = time.perf_counter()
    full = rec.recommend_suppliers(imer_ids, k=k, with_reasons=False, exhaustive=True)
    seconds = time.perf_counter() - t
    got = fast.groupby("imer_id")["supplier_id"].agg(set)
    want = full.groupby("imer_id")["supplier_id"].agg(set)
    recalls = [len(got.get(i, set()) & want[i]) / max(len(want[i]), 1) for i in want.index]
    return float(np.mean(recalls)), seconds


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--suppliers", type=int, default=100_000)
    parser.add_argument("--imers", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--recall-sample", type=int, default=200, help="Imers for the recall check")
    parser.add_argument("--latency-sample", type=int, default=200, help="single shortlists timed")
    parser.add_argument("--candidates", type=int, default=None, help="override n_candidates")
    args = parser.parse_args(argv)
    console = Console()
    rows: list[tuple[str, str, str]] = []
    threads = os.environ.get("OMP_NUM_THREADS") or os.environ.get("OPENBLAS_NUM_THREADS") or "-"
    console.print(
        f"registry: {args.suppliers:,} suppliers, {args.imers:,} Imers; "
        f"CPU cores: {os.cpu_count()}, BLAS threads env: {threads}"
    )

    reg, times = build_registry(args.suppliers, args.imers, args.seed)
    rows.append(("generate + parse", f"{times['generate']:.1f} s + {times['parse']:.1f} s", ""))
    rows.append(("partnership events", f"{len(reg.events):,}", ""))

    config = RecommenderConfig()
    if args.candidates:
        config = config.replace(n_candidates=args.candidates)
    t = time.perf_counter()
    rec = Recommender(config).fit(reg)
    rows.append(("fit (incl. exposure estimate)", f"{time.perf_counter() - t:.1f} s", ""))
    rows.append(("training pairs", f"{rec.metadata_['n_training_pairs']:,}", ""))

    with tempfile.TemporaryDirectory() as tmp:
        folder = rec.save(Path(tmp) / "model")
        size = sum(p.stat().st_size for p in folder.iterdir()) / 1e6
        del rec
        t = time.perf_counter()
        rec = Recommender.load(folder, reg)
        rows.append(("load model + bind registry", f"{time.perf_counter() - t:.1f} s",
                     f"{size:.1f} MB on disk"))  # fmt: skip

    rng = np.random.default_rng(args.seed)
    all_ids = reg.imers["imer_id"].tolist()
    sample = [all_ids[i] for i in rng.choice(len(all_ids), size=args.recall_sample, replace=False)]
    recall, exhaustive_s = candidate_recall(rec, sample, args.k)
    rows.append((f"candidate recall@{args.k} vs exhaustive ({len(sample)} Imers)",
                 f"{recall:.4f}", "target >= 0.95"))  # fmt: skip
    per = exhaustive_s / len(sample) * 1000
    rows.append(("exhaustive exact scoring, per Imer", f"{per:.0f} ms", "for comparison"))

    latency = []
    picks = [all_ids[i] for i in rng.choice(len(all_ids), size=args.latency_sample, replace=False)]
    rec.recommend_suppliers(picks[:1], k=args.k)  # warm-up
    for imer_id in picks:
        t = time.perf_counter()
        rec.recommend_suppliers([imer_id], k=args.k)
        latency.append((time.perf_counter() - t) * 1000)
    p50, p95 = np.percentile(latency, [50, 95])
    rows.append(("single shortlist latency p50 / p95", f"{p50:.1f} / {p95:.1f} ms",
                 "target p95 < 50 ms"))  # fmt: skip

    t = time.perf_counter()
    everyone = rec.recommend_suppliers(None, k=args.k)
    wall = time.perf_counter() - t
    rows.append((f"all {args.imers:,} Imers' top-{args.k} (with reasons)", f"{wall:.1f} s",
                 "target < 120 s"))  # fmt: skip
    assert everyone["imer_id"].nunique() == len(all_ids)

    rows.append(("peak memory (max RSS, whole run)", f"{peak_rss_gb():.2f} GB", "target < 4 GB"))
    table = Table(title="Compatibility engine benchmark")
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_column("note")
    for row in rows:
        table.add_row(*row)
    console.print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
