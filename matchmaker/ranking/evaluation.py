"""Offline evaluation: hold out the most recent history, fit on the rest, compare with baselines.

Protocol (:func:`evaluate`):

1. **Split by time.** The cut-off is ``holdout_months`` before the newest
   pair's first event (the latest proposal). Pairs whose first event is on
   or after the cut-off are held out.
   The training registry keeps only events strictly before the cut-off, and
   outcomes (rating, units) only from ``ended`` events before it — an outcome
   recorded on a still-running partnership has no reliable date, so it is
   treated as unknown at the cut-off. Every history-derived feature (records,
   channel lift, graph signals) is computed from this training registry only.
2. **Relevance.** A held-out pair is relevant when it was accepted (``active``
   or ``ended``) and not rated poorly (rating above ``poor_rating``, or not
   rated yet). Declined, pending and poorly rated pairs are not relevant.
3. **Queries.** Imers with at least one relevant held-out pair (direction
   "supplier shortlists for Imers"), and suppliers with one (direction "Imer
   shortlists for suppliers"). Each query ranks the whole catalogue except its
   partners active at the cut-off. Queries are split into those *with history*
   (a decided proposal before the cut-off) and *new* ones; supplier queries are
   also scored against only their held-out partner Imers *with history*
   (segment ``Imer history``) and only the *brand-new* ones (``new Imer``), so
   both directions report Imers with history and new Imers.
4. **Metrics.** NDCG@k and Recall@k (binary gains) and MRR (reciprocal rank of
   the first relevant item within the top ``depth``) averaged over queries;
   catalogue coverage (share of items in at least one top-k list over *all*
   queries) and concentration (Gini of item exposure, share of slots taken by
   the top 1% of items).
5. **Models** in the same run: the engine, the engine with graph signals
   (when available), a seeded random ranking, popularity (most good
   partnerships before the cut-off) and a hand-written content rule (shared
   categories, delivery reach, dropship, certifications).

No number is computed on training pairs.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from matchmaker.errors import ValidationError
from matchmaker.features import (
    ImerProfiles,
    ProfileEncoder,
    SupplierProfiles,
    days,
    pair_outcomes,
)
from matchmaker.ranking.config import RecommenderConfig
from matchmaker.ranking.recommender import Recommender
from matchmaker.schema import Registry

__all__ = [
    "BASELINES",
    "EvaluationReport",
    "HoldoutSplit",
    "concentration",
    "evaluate",
    "holdout_split",
    "ranking_metrics",
    "registry_as_of",
]

log = logging.getLogger(__name__)

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
Direction = Literal["suppliers", "imers"]

#: Baselines evaluated next to the engine.
BASELINES: tuple[str, ...] = ("random", "popularity", "content_rule")
_DIRECTION_LABEL = {"suppliers": "Imer -> suppliers", "imers": "supplier -> Imers"}


def registry_as_of(registry: Registry, cutoff: dt.datetime) -> Registry:
    """The registry as it was known just before ``cutoff``.

    Events at or after the cut-off are dropped; ratings and units survive only
    on ``ended`` events (whose time is the end date), since an outcome carried
    by another event may have been recorded later than the event's time.

    Parameters
    ----------
    registry:
        Full registry.
    cutoff:
        Time-zone aware (or naive UTC) cut-off.

    Returns
    -------
    Registry
        Same profiles; events and derived partnerships before the cut-off.
    """
    from matchmaker.store import derive_partnerships

    ev = registry.events
    at = pd.to_datetime(ev["at"], utc=True)
    cut = pd.Timestamp(cutoff)
    cut = cut.tz_localize("UTC") if cut.tzinfo is None else cut.tz_convert("UTC")
    kept = ev.loc[(at < cut).to_numpy()].copy()
    not_ended = (kept["status"] != "ended").to_numpy()
    for col in ("rating", "monthly_units", "supplier_rating"):
        if col in kept.columns:
            kept.loc[not_ended, col] = np.nan
    kept = kept.reset_index(drop=True)
    if "seq" not in kept.columns:
        kept["seq"] = kept.groupby(["supplier_id", "imer_id"]).cumcount() + 1
    if "supplier_rating" not in kept.columns:
        kept["supplier_rating"] = np.nan
    parts = derive_partnerships(kept)
    return Registry(
        suppliers=registry.suppliers, imers=registry.imers, events=kept, partnerships=parts
    )


@dataclass(frozen=True)
class HoldoutSplit:
    """A time split of a registry.

    Attributes
    ----------
    cutoff:
        First instant of the held-out window.
    train:
        The registry as known before the cut-off.
    test:
        Held-out pairs: ``supplier_id``, ``imer_id``, ``status``, ``rating``,
        ``relevant``.
    """

    cutoff: dt.datetime
    train: Registry
    test: pd.DataFrame


def holdout_split(
    registry: Registry, holdout_months: int = 6, *, poor_rating: float = 2.0
) -> HoldoutSplit:
    """Split a registry at ``holdout_months`` before its newest pair's first event.

    Parameters
    ----------
    registry:
        Full registry with events.
    holdout_months:
        Length of the held-out window.
    poor_rating:
        Ratings at or below this make a held-out pair not relevant.

    Returns
    -------
    HoldoutSplit

    Raises
    ------
    ValidationError
        If the registry has no events or the window leaves nothing to train on.
    """
    if holdout_months < 1:
        raise ValidationError(f"holdout_months must be >= 1, got {holdout_months}")
    if len(registry.events) == 0:
        raise ValidationError(
            "the registry has no partnership history to hold out; import partnerships first"
        )
    at = pd.to_datetime(registry.events["at"], utc=True)
    # The window ends at the newest pair's first event: later events (e.g. an
    # outcome reported at import time) do not stretch it past the proposals.
    firsts = at.groupby([registry.events["supplier_id"], registry.events["imer_id"]]).min()
    latest = firsts.max()
    cutoff = (latest - pd.DateOffset(months=holdout_months)).normalize()
    if not (at < cutoff).any():
        raise ValidationError(
            f"no event before the cut-off {cutoff.date()}: shorten --holdout-months"
        )
    outcomes = pair_outcomes(registry.events)
    held = outcomes.proposed_at >= days(cutoff)[0]
    poor = np.isfinite(outcomes.rating) & (outcomes.rating <= poor_rating)
    test = pd.DataFrame(
        {
            "supplier_id": outcomes.supplier_id[held],
            "imer_id": outcomes.imer_id[held],
            "status": outcomes.status[held],
            "rating": outcomes.rating[held],
            "relevant": (outcomes.accepted & ~poor)[held],
        }
    )
    return HoldoutSplit(
        cutoff=cutoff.to_pydatetime(), train=registry_as_of(registry, cutoff), test=test
    )


def ranking_metrics(
    ranked: Sequence[Sequence[str]], relevant: Sequence[set[str]], k: int
) -> dict[str, float]:
    """Mean NDCG@k, Recall@k and MRR (within each list) over queries.

    Parameters
    ----------
    ranked:
        Per query, recommended ids best first (at least ``k`` deep for NDCG and
        recall; MRR uses the whole list).
    relevant:
        Per query, the relevant ids (non-empty).
    k:
        Cut-off of NDCG and recall.

    Returns
    -------
    dict
        ``ndcg``, ``recall``, ``mrr`` (0.0 each for no query).

    Examples
    --------
    >>> ranking_metrics([["a", "b"]], [{"b"}], k=2)["mrr"]
    0.5
    """
    if not ranked:
        return {"ndcg": 0.0, "recall": 0.0, "mrr": 0.0}
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    ndcg, recall, mrr = [], [], []
    for items, rel in zip(ranked, relevant, strict=True):
        hits = np.array([it in rel for it in items], dtype=bool)
        top = hits[:k]
        dcg = float((top * discounts[: len(top)]).sum())
        ideal = float(discounts[: min(k, len(rel))].sum())
        ndcg.append(dcg / ideal if ideal > 0 else 0.0)
        recall.append(float(top.sum()) / len(rel))
        first = np.flatnonzero(hits)
        mrr.append(1.0 / (first[0] + 1) if first.size else 0.0)
    return {
        "ndcg": float(np.mean(ndcg)),
        "recall": float(np.mean(recall)),
        "mrr": float(np.mean(mrr)),
    }


def concentration(lists: Sequence[Sequence[str]], n_items: int) -> dict[str, float]:
    """Catalogue coverage and concentration of a set of shortlists.

    Parameters
    ----------
    lists:
        Shortlists (ids).
    n_items:
        Catalogue size.

    Returns
    -------
    dict
        ``coverage`` (share of the catalogue shown at least once), ``gini`` of
        exposure over the whole catalogue (0 even, 1 one item takes all) and
        ``top1_share`` (share of slots taken by the most shown 1% of items).
    """
    counts = pd.Series([it for lst in lists for it in lst], dtype=object).value_counts()
    exposure = np.zeros(max(n_items, len(counts)))
    exposure[: len(counts)] = np.sort(counts.to_numpy(np.float64))[::-1]
    total = exposure.sum()
    if total == 0:
        return {"coverage": 0.0, "gini": 0.0, "top1_share": 0.0}
    asc = np.sort(exposure)
    n = len(asc)
    gini = float((2 * np.arange(1, n + 1) - n - 1) @ asc / (n * total))
    top = max(1, int(np.ceil(0.01 * n)))
    return {
        "coverage": float((exposure > 0).sum() / max(n_items, 1)),
        "gini": gini,
        "top1_share": float(exposure[:top].sum() / total),
    }


@dataclass
class EvaluationReport:
    """Results of :func:`evaluate`.

    Attributes
    ----------
    metrics:
        One row per model, direction and segment: ``model``, ``direction``,
        ``segment`` (``history``/``new``/``all``), ``queries``, ``ndcg``,
        ``recall``, ``mrr``.
    catalogue:
        One row per model and direction: ``coverage``, ``gini``, ``top1_share``.
    info:
        Cut-off, sizes, relevance definition, k, notes.
    """

    metrics: pd.DataFrame
    catalogue: pd.DataFrame
    info: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form."""
        return {
            "info": self.info,
            "metrics": self.metrics.to_dict(orient="records"),
            "catalogue": self.catalogue.to_dict(orient="records"),
        }

    def engine_beats_baselines(self, metric: str = "ndcg") -> bool:
        """Whether the engine beats every baseline on ``metric`` in every direction and segment."""
        m = self.metrics
        for _, grp in m.groupby(["direction", "segment"]):
            engine = grp.loc[grp["model"] == "engine", metric]
            base = grp.loc[grp["model"].isin(BASELINES), metric]
            if engine.empty or base.empty or not float(engine.iloc[0]) > float(base.max()):
                return False
        return True

    def render(self) -> Any:
        """A rich renderable: one metrics table per direction, then the catalogue table."""
        from rich.console import Group
        from rich.table import Table

        k = self.info.get("k", 10)
        depth = self.info.get("depth", 100)
        best: dict[tuple[str, str], float] = {}
        for d, s, v in zip(
            self.metrics["direction"].astype(str),
            self.metrics["segment"].astype(str),
            self.metrics["ndcg"].to_numpy(np.float64),
            strict=True,
        ):
            best[(d, s)] = max(best.get((d, s), -1.0), float(v))
        tables: list[Any] = []
        for direction in ("suppliers", "imers"):
            rows = self.metrics[self.metrics["direction"] == direction]
            if rows.empty:
                continue
            table = Table(
                title=f"{_DIRECTION_LABEL[direction]}: held-out ranking quality "
                f"(cut-off {self.info.get('cutoff')})",
                title_justify="left",
            )
            table.add_column("segment", no_wrap=True)
            table.add_column("model", no_wrap=True)
            table.add_column("queries", justify="right")
            for col in (f"NDCG@{k}", f"Recall@{k}", f"MRR@{depth}"):
                table.add_column(col, justify="right")
            for row in rows.itertuples(index=False):
                top = row.ndcg == best[(str(row.direction), str(row.segment))]
                ndcg = f"{row.ndcg:.4f}"
                table.add_row(
                    str(row.segment),
                    str(row.model),
                    str(row.queries),
                    f"[bold]{ndcg}[/]" if top else ndcg,
                    f"{row.recall:.4f}",
                    f"{row.mrr:.4f}",
                )
            tables.append(table)
        cat = Table(
            title=f"Catalogue coverage and concentration of top-{k} lists (all queries)",
            title_justify="left",
        )
        cat.add_column("direction", no_wrap=True)
        cat.add_column("model", no_wrap=True)
        for col in ("coverage", "Gini", "top-1% share"):
            cat.add_column(col, justify="right")
        for row in self.catalogue.itertuples(index=False):
            cat.add_row(
                _DIRECTION_LABEL.get(str(row.direction), str(row.direction)),
                str(row.model),
                f"{row.coverage:.3f}",
                f"{row.gini:.3f}",
                f"{row.top1_share:.3f}",
            )
        return Group(*tables, cat)


# ---------------------------------------------------------------------------
# baselines: full score matrices over the catalogue (queries x items)
# ---------------------------------------------------------------------------
class _Baselines:
    """Random, popularity and content-rule rankings on the training registry."""

    def __init__(self, train: Registry, poor_rating: float, random_state: int) -> None:
        enc = ProfileEncoder(text_dim=2, random_state=random_state).fit(
            suppliers=train.suppliers, imers=train.imers
        )
        self.s: SupplierProfiles = enc.encode_suppliers(train.suppliers)
        self.i: ImerProfiles = enc.encode_imers(train.imers)
        self.random_state = random_state
        o = pair_outcomes(train.events)
        sup_index = pd.Index(self.s.ids.astype(object))
        imr_index = pd.Index(self.i.ids.astype(object))
        srow = sup_index.get_indexer(o.supplier_id)
        irow = imr_index.get_indexer(o.imer_id)
        ok = (srow >= 0) & (irow >= 0)
        poor = np.isfinite(o.rating) & (o.rating <= poor_rating)
        good = (o.accepted & ~poor & ok).astype(np.float64)
        self.sup_pop = np.bincount(srow[ok], weights=good[ok], minlength=len(self.s))
        self.imr_pop = np.bincount(irow[ok], weights=good[ok], minlength=len(self.i))
        active = np.isin(o.status, ("active", "accepted")) & ok
        self.active_pairs = set(zip(srow[active].tolist(), irow[active].tolist(), strict=True))

    def _exclude(self, direction: Direction, rows: I64, scores: F64) -> None:
        for r, q in enumerate(rows.tolist()):
            for s_row, i_row in self.active_pairs:
                if direction == "suppliers" and i_row == q:
                    scores[r, s_row] = -np.inf
                elif direction == "imers" and s_row == q:
                    scores[r, i_row] = -np.inf

    def content(self, direction: Direction, rows: I64) -> F64:
        s, i = self.s, self.i
        if direction == "suppliers":
            q = i
            shared = q.wants[rows] @ s.sells.T
            related = (q.relevant[rows] @ s.sells.T) > 0
            reach = q.target_weights[rows] @ s.ships.T
            need = q.needs_dropship[rows][:, None]
            drop = np.where(need > 0, np.where(s.dropship[None, :] > 0, 1.0, -2.0), 0.0)
            missing = q.required[rows] @ (1.0 - s.certs).T
        else:
            shared = s.sells[rows] @ i.wants.T
            related = (_relevant(s.sells[rows]) @ i.wants.T) > 0
            reach = s.ships[rows] @ i.target_weights.T
            offers = s.dropship[rows][:, None]
            drop = np.where(i.needs_dropship[None, :] > 0, np.where(offers > 0, 1.0, -2.0), 0.0)
            missing = (1.0 - s.certs[rows]) @ i.required.T
        out: F64 = (3.0 * shared + 1.0 * related + 2.0 * reach + drop - 1.0 * missing).astype(
            np.float64
        )
        return out

    def scores(self, model: str, direction: Direction, rows: I64) -> F64:
        n_items = len(self.s) if direction == "suppliers" else len(self.i)
        if model == "random":
            rng = np.random.default_rng(self.random_state)
            out = rng.random((len(rows), n_items))
        elif model == "popularity":
            pop = self.sup_pop if direction == "suppliers" else self.imr_pop
            out = np.tile(pop, (len(rows), 1))
        elif model == "content_rule":
            out = self.content(direction, rows).astype(np.float64)
        else:  # pragma: no cover - guarded by BASELINES
            raise ValidationError(f"unknown baseline {model!r}")
        self._exclude(direction, rows, out)
        return out

    def rank(self, model: str, direction: Direction, rows: I64, depth: int) -> list[list[str]]:
        ids = self.s.ids if direction == "suppliers" else self.i.ids
        out: list[list[str]] = []
        for start in range(0, len(rows), 256):
            chunk = rows[start : start + 256]
            sc = self.scores(model, direction, chunk)
            for r in range(len(chunk)):
                # best score first, ties by id (ids are sorted in the frames' order)
                order = np.lexsort((ids, -sc[r]))[:depth]
                out.append([str(ids[j]) for j in order if np.isfinite(sc[r, j])])
        return out


def _relevant(members: npt.NDArray[Any]) -> npt.NDArray[np.float32]:
    from matchmaker import reference

    sim = reference.category_similarity_matrix().astype(np.float32)
    out: npt.NDArray[np.float32] = ((members @ sim) > 0).astype(np.float32)
    return out


def _engine_rank(
    rec: Recommender, direction: Direction, ids: Sequence[str], depth: int
) -> list[list[str]]:
    if not ids:
        return []
    if direction == "suppliers":
        frame = rec.recommend_suppliers(ids, k=depth, with_reasons=False)
        q_col, i_col = "imer_id", "supplier_id"
    else:
        frame = rec.recommend_imers(ids, k=depth, with_reasons=False)
        q_col, i_col = "supplier_id", "imer_id"
    grouped = frame.groupby(q_col, sort=False)[i_col].agg(list).to_dict()
    return [list(map(str, grouped.get(q, []))) for q in ids]


def evaluate(
    registry: Registry,
    *,
    holdout_months: int = 6,
    k: int = 10,
    depth: int = 100,
    config: RecommenderConfig | None = None,
    graph_signals: bool | None = None,
    random_state: int = 0,
) -> EvaluationReport:
    """Held-out evaluation of the engine against random, popularity and a content rule.

    Parameters
    ----------
    registry:
        Full registry (profiles and partnership events).
    holdout_months:
        Months of the most recent history held out.
    k:
        Cut-off of NDCG, recall and the catalogue statistics.
    depth:
        Ranking depth for MRR.
    config:
        Engine configuration (defaults when ``None``).
    graph_signals:
        Also evaluate the engine with graph signals: ``None`` (default) does so
        when :mod:`matchmaker.graph.signals` is importable.
    random_state:
        Seed of the random baseline.

    Returns
    -------
    EvaluationReport

    Raises
    ------
    ValidationError
        If the registry has no history or no relevant held-out pair.
    """
    cfg = config or RecommenderConfig()
    split = holdout_split(registry, holdout_months, poor_rating=cfg.poor_rating)
    train = split.train
    test = split.test
    relevant = test[test["relevant"].to_numpy(bool)]
    if relevant.empty:
        raise ValidationError(
            f"no relevant held-out pair after {split.cutoff.date()}: lengthen --holdout-months"
        )
    base = _Baselines(train, cfg.poor_rating, random_state)
    train_out = pair_outcomes(train.events)
    decided = np.isfinite(train_out.decided_at)
    with_history = {
        "suppliers": set(train_out.imer_id[decided].tolist()),
        "imers": set(train_out.supplier_id[decided].tolist()),
    }
    engines: dict[str, Recommender] = {
        "engine": Recommender(cfg.replace(use_graph_signals=False)).fit(train)
    }
    if graph_signals is None:
        graph_signals = _graph_available()
    if graph_signals:
        engines["engine+graph"] = Recommender(cfg.replace(use_graph_signals=True)).fit(train)

    rows: list[dict[str, Any]] = []
    catalogue: list[dict[str, Any]] = []
    for direction in ("suppliers", "imers"):
        q_col, i_col = (
            ("imer_id", "supplier_id") if direction == "suppliers" else ("supplier_id", "imer_id")
        )
        known_q = set((base.i.ids if direction == "suppliers" else base.s.ids).tolist())
        rel = relevant[relevant[q_col].isin(known_q)].groupby(q_col)[i_col].agg(set)
        queries = sorted(rel.index.tolist())
        q_index = pd.Index((base.i.ids if direction == "suppliers" else base.s.ids).astype(object))
        q_rows = q_index.get_indexer(queries).astype(np.int64)
        segments = {
            "history": [q in with_history[direction] for q in queries],
            "new": [q not in with_history[direction] for q in queries],
        }
        all_rows = np.arange(len(q_index), dtype=np.int64)
        all_ids = [str(x) for x in q_index]
        n_items = len(base.s) if direction == "suppliers" else len(base.i)
        models = [*engines, *BASELINES]
        d: Direction = "suppliers" if direction == "suppliers" else "imers"

        def rank_fn(name: str, q: I64, ids: list[str], n: int, d: Direction = d) -> list[list[str]]:
            if name in engines:
                return _engine_rank(engines[name], d, ids, n)
            return base.rank(name, d, q, n)

        for name in models:
            ranked = rank_fn(name, q_rows, queries, depth)
            for segment, mask in (("all", [True] * len(queries)), *segments.items()):
                sel = [r for r, m in zip(ranked, mask, strict=True) if m]
                rels = [rel[q] for q, m in zip(queries, mask, strict=True) if m]
                metrics = ranking_metrics(sel, rels, k)
                rows.append(
                    {"model": name, "direction": direction, "segment": segment,
                     "queries": len(sel), **metrics}
                )  # fmt: skip
            if direction == "imers":
                # how well suppliers' lists find held-out partner Imers with history / new
                for segment, keep_known in (("Imer history", True), ("new Imer", False)):
                    pick = [
                        (r, {x for x in rel[q] if (x in with_history["suppliers"]) == keep_known})
                        for r, q in zip(ranked, queries, strict=True)
                    ]
                    pick = [(r, s_) for r, s_ in pick if s_]
                    metrics = ranking_metrics([r for r, _ in pick], [s_ for _, s_ in pick], k)
                    rows.append(
                        {"model": name, "direction": direction, "segment": segment,
                         "queries": len(pick), **metrics}
                    )  # fmt: skip
            lists = rank_fn(name, all_rows, all_ids, k)
            catalogue.append(
                {"model": name, "direction": direction, **concentration(lists, n_items)}
            )
    metrics_frame = pd.DataFrame(rows)
    rank = {
        "suppliers": 0, "imers": 1, "all": 0, "history": 1, "new": 2, "Imer history": 3,
        "new Imer": 4,
    }  # fmt: skip
    model_rank = {m: k for k, m in enumerate(models)}
    metrics_frame = metrics_frame.sort_values(
        ["direction", "segment", "model"],
        key=lambda c: c.map(model_rank) if c.name == "model" else c.map(rank),
        kind="stable",
    ).reset_index(drop=True)
    info = {
        "cutoff": str(split.cutoff.date()),
        "holdout_months": holdout_months,
        "k": k,
        "depth": depth,
        "train_events": len(train.events),
        "test_pairs": len(test),
        "test_pairs_relevant": len(relevant),
        "relevance": (
            f"held-out pair accepted (active or ended) and not rated <= {cfg.poor_rating}"
        ),
        "models": list(models),
        "engine_training_pairs": engines["engine"].metadata_["n_training_pairs"],
        "graph_signals": bool(graph_signals),
    }
    report = EvaluationReport(metrics=metrics_frame, catalogue=pd.DataFrame(catalogue), info=info)
    info["engine_beats_baselines_ndcg"] = report.engine_beats_baselines("ndcg")
    return report


def _graph_available() -> bool:
    try:
        import matchmaker.graph.signals  # noqa: F401
    except ImportError:
        return False
    return True
