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

``--quality`` instead runs a held-out check of the graph signals on the
sample data (``--data data``): the files are imported into a temporary
SQLite store, time is split at the 60th and 80th percentiles of the dates
partnerships started, a logistic regression is trained on partnerships that
started between the two cut-offs (features as of the first cut-off, sampled
non-partners as negatives) and evaluated on Imers whose new partnerships
started after the second cut-off (features as of that cut-off; every
supplier the Imer had no partnership with before is a candidate). It prints
NDCG@10 for a content-only model, content + the default graph signals,
content + every graph signal, one-at-a-time ablations around the default set
and each walk signal alone, for both directions. The content model has no
partnership records of its own, so popularity and activity counts help it
much more than they help the engine, which already has them: the default set
(``GRAPH_FEATURES``) was chosen on the engine (``matchmaker evaluate`` prints
the engine with and without the graph signals); this check is a second,
independent view.

    python benchmarks/bench_graph.py --quality [--data data]
"""

from __future__ import annotations

import argparse
import itertools
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
from matchmaker.graph.signals import (
    ALL_GRAPH_FEATURES,
    GRAPH_FEATURES,
    GraphSignalConfig,
    graph_pair_features,
)
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


# ------------------------------------------------------------------- quality
def _load_sample(data_dir: str) -> Registry:
    import tempfile
    from pathlib import Path

    from matchmaker import ingest
    from matchmaker.store import Store

    folder = Path(tempfile.mkdtemp(prefix="bench-graph-"))
    store = Store(f"sqlite:///{folder / 'sample.db'}")
    store.init()
    for kind in ("suppliers", "imers", "partnerships"):
        table = ingest.read_table(Path(data_dir) / f"{kind}.csv")
        report = ingest.import_table(store, kind, table)
        if report.rejected:
            print(f"warning: {report.rejected} rejected rows in {kind}.csv")
    reg = store.registry()
    store.dispose()
    return reg


def _multi_hot(lists: pd.Series, vocab: dict[str, int]) -> sp.csr_matrix:
    rows, cols = [], []
    for r, values in enumerate(lists):
        for v in values if isinstance(values, list | tuple) else []:
            if v in vocab:
                rows.append(r)
                cols.append(vocab[v])
    data = np.ones(len(rows))
    return sp.csr_matrix((data, (rows, cols)), shape=(len(lists), len(vocab)))


class _Content:
    """Simple profile-only pair features (the baseline the graph signals must beat)."""

    names = ("cat_jaccard", "reach", "same_province", "dropship_ok", "certs_ok", "log_capacity")

    def __init__(self, reg: Registry) -> None:
        sup, imr = reg.suppliers, reg.imers
        self.s_pos = pd.Index(sup["supplier_id"])
        self.i_pos = pd.Index(imr["imer_id"])
        cats = {
            c: k
            for k, c in enumerate(
                sorted(
                    {c for v in sup["categories"] for c in v}
                    | {c for v in imr["categories"] for c in v}
                )
            )
        }
        provs = {p: k for k, p in enumerate(PROVINCE_NAMES)}
        certs = {c: k for k, c in enumerate(["halal", "bpom", "pirt", "sni"])}
        self.s_cat = _multi_hot(sup["categories"], cats).toarray()
        self.i_cat = _multi_hot(imr["categories"], cats).toarray()
        self.s_ship = _multi_hot(sup["ships_to"], provs).toarray()
        self.s_prov = np.array([provs.get(p, -1) for p in sup["province"]])
        self.i_prov = np.array([provs.get(p, -1) for p in imr["province"]])
        self.s_drop = sup["dropship"].to_numpy(dtype=bool)
        self.i_drop = imr["needs_dropship"].to_numpy(dtype=bool)
        self.s_cert = _multi_hot(sup["certifications"], certs).toarray()
        self.i_cert = _multi_hot(imr["required_certifications"], certs).toarray()
        cap = sup["monthly_capacity_units"].to_numpy(dtype=float)
        self.s_cap = np.log10(np.where(np.isnan(cap), np.nanmedian(cap), cap) + 1.0)

    def features(self, pairs: pd.DataFrame) -> np.ndarray:
        s = self.s_pos.get_indexer(pairs["supplier_id"])
        i = self.i_pos.get_indexer(pairs["imer_id"])
        inter = (self.s_cat[s] * self.i_cat[i]).sum(axis=1)
        union = np.maximum(((self.s_cat[s] + self.i_cat[i]) > 0).sum(axis=1), 1)
        ip = np.maximum(self.i_prov[i], 0)
        reach = self.s_ship[s, ip]
        same = (self.s_prov[s] == self.i_prov[i]).astype(float)
        drop = (~self.i_drop[i] | self.s_drop[s]).astype(float)
        certs = ((self.i_cert[i] * (1 - self.s_cert[s])).sum(axis=1) == 0).astype(float)
        return np.column_stack([inter / union, reach, same, drop, certs, self.s_cap[s]])


def _ndcg_at_10(scores: np.ndarray, rel: np.ndarray, groups: np.ndarray, ids: np.ndarray) -> float:
    """Mean NDCG@10 over groups (ties broken by supplier id)."""
    out = []
    order = np.lexsort((ids, -scores, groups))
    g_sorted = groups[order]
    bounds = np.flatnonzero(np.r_[True, g_sorted[1:] != g_sorted[:-1], True])
    disc = 1.0 / np.log2(np.arange(2, 12))
    for a, b in itertools.pairwise(bounds):
        r = rel[order[a:b]]
        n_pos = int(r.sum())
        if n_pos == 0:
            continue
        top = r[:10]
        dcg = float((top * disc[: top.size]).sum())
        idcg = float(disc[: min(n_pos, 10)].sum())
        out.append(dcg / idcg)
    return float(np.mean(out)) if out else float("nan")


SPLITS: tuple[tuple[float, float], ...] = ((0.5, 0.7), (0.6, 0.8), (0.7, 0.9))


class _Split:
    """Training and test pairs of one temporal split, with their features."""

    def __init__(
        self,
        reg: Registry,
        content: _Content,
        first_pos: pd.DataFrame,
        quantiles: tuple[float, float],
        rng: np.random.Generator,
        side: str = "imer",
    ) -> None:
        t_train, t_test = (
            pd.Timestamp(t) for t in first_pos["t_pos"].quantile(list(quantiles)).tolist()
        )
        # The query side asks, the other side is ranked.
        q_col, r_col = ("imer_id", "supplier_id") if side == "imer" else ("supplier_id", "imer_id")
        frame = reg.suppliers if side == "imer" else reg.imers
        ranked_ids = frame[r_col].to_numpy(dtype=object)

        def established_before(t: pd.Timestamp) -> set[tuple[str, str]]:
            f = first_pos[first_pos["t_pos"] < t]
            return set(zip(f["supplier_id"], f["imer_id"], strict=True))

        def new_between(known: set[tuple[str, str]], lo: Any, hi: Any) -> pd.DataFrame:
            w = first_pos[(first_pos["t_pos"] >= lo) & (first_pos["t_pos"] < hi)]
            pairs = zip(w["supplier_id"], w["imer_id"], strict=True)
            return pd.DataFrame(w[[p not in known for p in pairs]])

        # Training: partnerships that started in [t_train, t_test), features as of t_train.
        known_train = established_before(t_train)
        window = new_between(known_train, t_train, t_test)
        rows = []
        for query, group in window.groupby(q_col):
            found = set(group[r_col])
            rows += [{q_col: query, r_col: r, "y": 1} for r in found]
            for r in rng.choice(ranked_ids, min(20 * len(group), len(ranked_ids)), replace=False):
                pair = (r, query) if side == "imer" else (query, r)
                if r not in found and pair not in known_train:
                    rows.append({q_col: query, r_col: r, "y": 0})
        train = pd.DataFrame(rows, columns=["supplier_id", "imer_id", "y"])
        # Test: queries with new partnerships from t_test on; candidates = every
        # profile of the other side the query had no partnership with before t_test.
        known_test = established_before(t_test)
        later = new_between(known_test, t_test, first_pos["t_pos"].max() + pd.Timedelta(days=1))
        test_pos = set(zip(later["supplier_id"], later["imer_id"], strict=True))
        queries = sorted(later[q_col].unique())
        grid = pd.DataFrame(
            {
                r_col: np.tile(ranked_ids, len(queries)),
                q_col: np.repeat(np.array(queries, dtype=object), len(ranked_ids)),
            }
        )[["supplier_id", "imer_id"]]
        pairs = zip(grid["supplier_id"], grid["imer_id"], strict=True)
        test = grid[[p not in known_test for p in pairs]].reset_index(drop=True)
        pairs = zip(test["supplier_id"], test["imer_id"], strict=True)
        self.rel = np.array([p in test_pos for p in pairs], dtype=float)
        self.label = f"{t_test.date()}"
        who = "Imers" if side == "imer" else "suppliers"
        self.summary = (
            f"split at {quantiles}: train [{t_train.date()}, {t_test.date()}) "
            f"{int(train['y'].sum())} new partnerships + {int((1 - train['y']).sum())} "
            f"sampled non-partners; test from {t_test.date()}: {len(queries)} {who}, "
            f"{int(self.rel.sum())} new partnerships, {len(test):,} candidate pairs"
        )
        self.y = train["y"].to_numpy()
        every = list(ALL_GRAPH_FEATURES)
        self.g_train = graph_pair_features(
            reg, train, as_of=t_train.to_pydatetime(), features=every
        )
        self.g_test = graph_pair_features(reg, test, as_of=t_test.to_pydatetime(), features=every)
        self.c_train, self.c_test = content.features(train), content.features(test)
        self.groups = pd.Index(queries).get_indexer(test[q_col])
        self.ids = pd.Index(ranked_ids).get_indexer(test[r_col])

    def fit_eval(self, graph_cols: list[str]) -> float:
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        xtr, xte = self.c_train, self.c_test
        if graph_cols:
            xtr = np.column_stack([xtr, self.g_train[graph_cols].to_numpy()])
            xte = np.column_stack([xte, self.g_test[graph_cols].to_numpy()])
        model = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=2000))
        model.fit(xtr, self.y)
        return _ndcg_at_10(model.decision_function(xte), self.rel, self.groups, self.ids)

    def alone(self, col: str) -> float:
        return _ndcg_at_10(self.g_test[col].to_numpy(), self.rel, self.groups, self.ids)


def run_quality(data_dir: str, seed: int) -> None:
    """Print the held-out NDCG@10 table (see the module docstring)."""
    rng = np.random.default_rng(seed)
    reg, t_load = timed(lambda: _load_sample(data_dir))
    ev = reg.events.assign(at=pd.to_datetime(reg.events["at"], utc=True))
    pos_ev = ev[ev["status"].isin(["accepted", "active"])]
    first_pos = pos_ev.groupby(["supplier_id", "imer_id"])["at"].min().rename("t_pos").reset_index()
    content = _Content(reg)
    print(
        f"sample data: {len(reg.suppliers):,} suppliers, {len(reg.imers):,} Imers, "
        f"{len(reg.events):,} events (loaded in {t_load:.1f} s)"
    )
    for side, title in (
        ("imer", "suppliers ranked for each Imer"),
        ("supplier", "Imers ranked for each supplier"),
    ):
        splits = [_Split(reg, content, first_pos, q, rng, side) for q in SPLITS]
        print()
        print(f"== {title} ==")
        for sp_ in splits:
            print(sp_.summary)
        _print_quality(splits)


def _print_quality(splits: list[_Split]) -> None:
    all_cols = list(ALL_GRAPH_FEATURES)
    rows: list[tuple[str, list[float]]] = [
        ("content only (no graph signals)", [x.fit_eval([]) for x in splits]),
        ("content + default graph signals", [x.fit_eval(list(GRAPH_FEATURES)) for x in splits]),
        ("content + every graph signal", [x.fit_eval(all_cols) for x in splits]),
    ]
    default = list(GRAPH_FEATURES)
    base = rows[1][1]
    for col in all_cols:
        if col in default:
            other = [x.fit_eval([c for c in default if c != col]) for x in splits]
            gain = [b - o for b, o in zip(base, other, strict=True)]
            rows.append((f"  kept {col}: default vs default without it", gain))
        else:
            other = [x.fit_eval([*default, col]) for x in splits]
            gain = [o - b for b, o in zip(base, other, strict=True)]
            rows.append((f"  left out {col}: default + it vs default", gain))
    for col in ("graph_rwr", "graph_rwr_reverse", "graph_cooccur"):
        rows.append((f"content + {col}", [x.fit_eval([col]) for x in splits]))
        rows.append((f"{col} alone (no model)", [x.alone(col) for x in splits]))
    width = max(len(r[0]) for r in rows)
    heads = "  ".join(f"{x.label:>10}" for x in splits)
    print(f"{'NDCG@10 by test start':<{width}}  {heads}  {'mean':>8}")
    print(f"{'-' * width}  {'  '.join(['-' * 10] * len(splits))}  {'-' * 8}")
    for name, values in rows:
        delta = name.startswith("  ")
        fmt = "{:>+10.4f}" if delta else "{:>10.4f}"
        cells = "  ".join(fmt.format(v) for v in values)
        mean = ("{:>+8.4f}" if delta else "{:>8.4f}").format(float(np.mean(values)))
        print(f"{name:<{width}}  {cells}  {mean}")


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
    parser.add_argument(
        "--quality", action="store_true", help="held-out NDCG@10 check on the sample data"
    )
    parser.add_argument("--data", default="data", help="folder of the sample CSV files")
    args = parser.parse_args()
    if args.quality:
        run_quality(args.data, args.seed)
        return

    reg, t_gen = timed(lambda: make_registry(args.suppliers, args.imers, args.events, args.seed))
    pairs, t_cand = timed(lambda: candidate_pairs(reg, args.candidates, args.seed))
    summary, t_sum = timed(lambda: summarise_pairs(reg.events))
    graph, t_build = timed(lambda: build_graph(reg))
    cfg = GraphSignalConfig(hops=args.hops)
    feats, t_sig = timed(lambda: graph_pair_features(reg, pairs, config=cfg))
    every, t_every = timed(
        lambda: graph_pair_features(reg, pairs, config=cfg, features=ALL_GRAPH_FEATURES)
    )
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
        (
            "  (every graph column, for reference)",
            t_every,
            f"{len(every):,} pairs x {len(ALL_GRAPH_FEATURES)} features",
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
