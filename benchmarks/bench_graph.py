"""Partnership graph at national scale: build the graph and the graph signals for all Imers.

Generates a registry of 100,000 suppliers, 20,000 Imers and 200,000
partnership events (skewed popularity: a few suppliers and Imers are very
busy, most have no partner), then times

* summarising the events per pair,
* building the networkx graph (every profile a node, full histories on edges),
* the graph signals (``graph_pair_features``) for every Imer against
  ``--candidates`` suppliers each (its 2-hop neighbourhood first, then random),
* the staff analytics (``graph_stats``) on the built graph.

Target: graph build + signals for all Imers under 60 s.

    python benchmarks/bench_graph.py [--suppliers 100000] [--imers 20000]
        [--events 200000] [--candidates 50] [--hops 2] [--seed 7]
"""

from __future__ import annotations

import argparse
import platform
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from matchmaker.graph.analytics import graph_stats
from matchmaker.graph.build import build_graph, summarise_pairs
from matchmaker.graph.signals import GRAPH_FEATURES, GraphSignalConfig, graph_pair_features
from matchmaker.reference import PROVINCE_NAMES, STAGE_SLUGS, UMKM_CLASS_SLUGS
from matchmaker.schema import EVENT_COLUMNS, Registry

CATEGORIES = ["food", "beauty", "fashion_muslim", "herbal", "home_living", "kitchen", "toys_kids"]

# (share of pairs, statuses of the pair's story)
STORIES: tuple[tuple[float, tuple[str, ...]], ...] = (
    (0.28, ("proposed", "declined")),
    (0.22, ("active",)),  # imported history
    (0.30, ("active", "ended")),
    (0.08, ("proposed",)),
    (0.07, ("proposed", "accepted", "active")),
    (0.05, ("proposed", "accepted", "active", "ended")),
)


def make_registry(n_sup: int, n_imr: int, n_events: int, seed: int) -> Registry:
    """A synthetic registry with exactly ``n_events`` events (numpy, seconds)."""
    rng = np.random.default_rng(seed)
    provinces = np.array(PROVINCE_NAMES, dtype=object)
    prov_w = rng.dirichlet(np.full(len(provinces), 0.6))
    suppliers = pd.DataFrame(
        {
            "supplier_id": [f"S{k:06d}" for k in range(n_sup)],
            "name": "",
            "province": rng.choice(provinces, n_sup, p=prov_w),
            "city": None,
            "categories": [[c] for c in rng.choice(CATEGORIES, n_sup)],
            "umkm_class": rng.choice(np.array(UMKM_CLASS_SLUGS, dtype=object), n_sup),
            "monthly_capacity_units": rng.lognormal(6.0, 1.0, n_sup).round(),
        }
    )
    imers = pd.DataFrame(
        {
            "imer_id": [f"I{k:06d}" for k in range(n_imr)],
            "name": "",
            "province": rng.choice(provinces, n_imr, p=prov_w),
            "stage": rng.choice(
                np.array(STAGE_SLUGS, dtype=object), n_imr, p=[0.5, 0.27, 0.13, 0.07, 0.03]
            ),
            "categories": [[c] for c in rng.choice(CATEGORIES, n_imr)],
        }
    )
    shares = np.array([s for s, _ in STORIES])
    lengths = np.array([len(st) for _, st in STORIES])
    n_pairs = int(n_events / float(shares @ lengths) * 1.15) + 10
    # Skewed popularity: Zipf-like suppliers, log-normal Imer activity.
    sup_p = 1.0 / np.power(np.arange(1, n_sup + 1) + 20.0, 1.1)
    sup_p /= sup_p.sum()
    imr_p = rng.lognormal(0.0, 0.8, n_imr)
    imr_p /= imr_p.sum()
    s_idx = rng.permutation(n_sup)[rng.choice(n_sup, n_pairs, p=sup_p)]
    i_idx = rng.choice(n_imr, n_pairs, p=imr_p)
    keys = np.unique(s_idx.astype(np.int64) * n_imr + i_idx)
    keys = rng.permutation(keys)
    story = rng.choice(len(STORIES), keys.size, p=shares)
    per_pair = lengths[story]
    cum = np.cumsum(per_pair)
    keep = int(np.searchsorted(cum, n_events, side="left")) + 1
    keys, story, per_pair = keys[:keep], story[:keep], per_pair[:keep]
    rep = np.repeat(np.arange(keep), per_pair)
    step = np.arange(rep.size) - np.repeat(np.cumsum(per_pair) - per_pair, per_pair)
    status = np.array([STORIES[story[p]][1][k] for p, k in zip(rep, step, strict=True)])
    start = rng.uniform(0, 3 * 365, keep)[rep] + step * rng.uniform(5, 90, rep.size)
    t0 = pd.Timestamp(datetime(2022, 1, 1, tzinfo=UTC))
    at = t0 + pd.to_timedelta(np.round(start * 86400), unit="s")
    ended = status == "ended"
    rating = np.where(ended & (rng.random(rep.size) < 0.7), rng.integers(1, 6, rep.size), np.nan)
    units = np.where(ended, rng.lognormal(4.0, 1.0, rep.size).round(), np.nan)
    events = pd.DataFrame(
        {
            "event_id": np.arange(1, rep.size + 1),
            "supplier_id": suppliers["supplier_id"].to_numpy()[keys[rep] // n_imr],
            "imer_id": imers["imer_id"].to_numpy()[keys[rep] % n_imr],
            "status": status,
            "at": at,
            "actor": "import",
            "reason": None,
            "started_at": None,
            "ended_at": None,
            "monthly_units": units,
            "rating": rating.astype(float),
            "source": "bench",
        }
    )[list(EVENT_COLUMNS)].iloc[:n_events]
    return Registry(suppliers=suppliers, imers=imers, events=events.reset_index(drop=True))


def candidate_pairs(reg: Registry, k: int, seed: int) -> pd.DataFrame:
    """``k`` candidate suppliers per Imer: 2-hop neighbours first, random for the rest."""
    rng = np.random.default_rng(seed)
    sup_ids = reg.suppliers["supplier_id"].to_numpy(dtype=object)
    imr_ids = reg.imers["imer_id"].to_numpy(dtype=object)
    s_pos = pd.Index(sup_ids)
    i_pos = pd.Index(imr_ids)
    ev = reg.events
    a = sp.csr_matrix(
        (
            np.ones(len(ev)),
            (i_pos.get_indexer(ev["imer_id"]), s_pos.get_indexer(ev["supplier_id"])),
        ),
        shape=(len(imr_ids), len(sup_ids)),
    )
    a.data[:] = 1.0
    two_hop = sp.csr_matrix((a @ a.T) @ a)
    rows, cols = [], []
    for i in range(len(imr_ids)):
        lo, hi = two_hop.indptr[i], two_hop.indptr[i + 1]
        near = two_hop.indices[lo:hi][np.argsort(-two_hop.data[lo:hi], kind="stable")][:k]
        rest = rng.choice(len(sup_ids), k - near.size, replace=False)
        chosen = np.concatenate([near, rest])
        rows.append(np.full(k, i))
        cols.append(chosen)
    r = np.concatenate(rows)
    c = np.concatenate(cols)
    return pd.DataFrame({"supplier_id": sup_ids[c], "imer_id": imr_ids[r]})


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suppliers", type=int, default=100_000)
    parser.add_argument("--imers", type=int, default=20_000)
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--candidates", type=int, default=50, help="candidate suppliers per Imer")
    parser.add_argument("--hops", type=int, default=2, help="walk hops (1-3)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    reg, t_gen = timed(lambda: make_registry(args.suppliers, args.imers, args.events, args.seed))
    pairs, t_cand = timed(lambda: candidate_pairs(reg, args.candidates, args.seed))
    summary, t_sum = timed(lambda: summarise_pairs(reg.events))
    graph, t_build = timed(lambda: build_graph(reg))
    cfg = GraphSignalConfig(hops=args.hops)
    feats, t_sig = timed(lambda: graph_pair_features(reg, pairs, config=cfg))
    stats, t_stats = timed(lambda: graph_stats(graph))

    n_pairs_hist = len(summary)
    nonzero_walk = float((feats["graph_rwr"] > 0).mean())
    print(
        f"registry: {len(reg.suppliers):,} suppliers, {len(reg.imers):,} Imers, "
        f"{len(reg.events):,} events over {n_pairs_hist:,} pairs; "
        f"{stats['totals']['established_partnerships']:,} established partnerships"
    )
    print(
        f"machine: {platform.processor() or platform.machine()}, python {platform.python_version()}"
    )
    print()
    rows = [
        ("generate registry (not timed against target)", t_gen, ""),
        ("candidate pairs (not timed against target)", t_cand, f"{len(pairs):,} pairs"),
        ("summarise events per pair", t_sum, f"{n_pairs_hist:,} pairs"),
        (
            "build networkx graph",
            t_build,
            f"{graph.number_of_nodes():,} nodes, {graph.number_of_edges():,} edges",
        ),
        (
            f"graph signals, all Imers (hops={args.hops})",
            t_sig,
            f"{len(feats):,} pairs x {len(GRAPH_FEATURES)} features; walk>0 on {nonzero_walk:.1%}",
        ),
        ("graph_stats (staff analytics)", t_stats, ""),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'step':<{width}}  {'seconds':>8}  notes")
    print(f"{'-' * width}  {'-' * 8}  {'-' * 40}")
    for name, secs, note in rows:
        print(f"{name:<{width}}  {secs:>8.2f}  {note}")
    total = t_build + t_sig
    verdict = "meets" if total < 60 else "MISSES"
    print(f"{'-' * width}  {'-' * 8}")
    print(
        f"{'build graph + signals for all Imers':<{width}}  {total:>8.2f}  {verdict} target < 60 s"
    )


if __name__ == "__main__":
    main()
