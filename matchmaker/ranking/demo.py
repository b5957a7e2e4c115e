"""Example shortlists with reasons, for ``matchmaker demo``."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Protocol

import numpy as np
from rich.console import Group, RenderableType
from rich.markup import escape
from rich.table import Table

from matchmaker.features import pair_outcomes
from matchmaker.ranking.config import RecommenderConfig
from matchmaker.ranking.recommender import Recommender
from matchmaker.schema import Registry

__all__ = ["demo_shortlists"]

log = logging.getLogger(__name__)


class _RegistrySource(Protocol):
    def registry(self) -> Registry: ...


def _table(title: str, frame_rows: list[tuple[str, str, str, str]], item: str) -> Table:
    table = Table(title=title, title_justify="left", expand=True)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column(item, no_wrap=True)
    table.add_column("score", justify="right", no_wrap=True)
    table.add_column("reasons", ratio=1)
    for row in frame_rows:
        table.add_row(*row)
    return table


def demo_shortlists(
    source: Registry | _RegistrySource,
    *,
    k: int = 5,
    lang: str = "id",
    model_dir: str | Path | None = None,
    recommender: Recommender | None = None,
    config: RecommenderConfig | None = None,
) -> RenderableType:
    """Example shortlists: an Imer with history, a brand-new Imer and a supplier.

    Parameters
    ----------
    source:
        A :class:`~matchmaker.schema.Registry` or anything with ``registry()``
        (a :class:`~matchmaker.store.Store`).
    k:
        Shortlist length shown.
    lang:
        Language of the reasons (``"id"`` or ``"en"``).
    model_dir:
        When given, the fitted model is saved there, so ``matchmaker shortlist``
        can use it afterwards (pass the ``models/`` folder next to the database).
    recommender:
        An already fitted recommender to use instead of fitting one.
    config:
        Settings used when fitting.

    Returns
    -------
    rich.console.RenderableType
        Tables with titles, ready for ``console.print``.
    """
    registry = source if isinstance(source, Registry) else source.registry()
    rec = recommender or Recommender(config).fit(registry)
    if model_dir is not None and recommender is None:
        rec.save(model_dir)
    outcomes = pair_outcomes(registry.events)
    decided = np.isfinite(outcomes.decided_at)
    experienced = sorted(set(outcomes.imer_id[decided].tolist()))
    all_imers = registry.imers["imer_id"].astype(str).tolist()
    newcomers = sorted(set(all_imers) - set(experienced))
    parts: list[RenderableType] = []
    picks: list[tuple[str, str]] = []
    if experienced:
        picks.append(("an Imer with partnership history", experienced[0]))
    if newcomers:
        picks.append(("a brand-new Imer (no history)", newcomers[0]))
    if not picks and all_imers:
        picks.append(("an Imer", all_imers[0]))
    imers = registry.imers.set_index("imer_id")
    for label, imer_id in picks:
        out = rec.recommend_suppliers([imer_id], k=k, lang=lang)
        who = imers.loc[imer_id]
        cats = ", ".join(who["categories"])
        title = (
            f"Suppliers for {label}: {escape(imer_id)} "
            f"({escape(str(who['stage']))}, {escape(cats)}, {escape(str(who['province']))})"
        )
        rows = [
            (str(r.rank), escape(str(r.supplier_id)), f"{r.score:.3f}", escape(str(r.reasons)))
            for r in out.itertuples(index=False)
        ]
        parts.append(_table(title, rows, "supplier"))
    supplier_ids = registry.suppliers["supplier_id"].astype(str).tolist()
    if supplier_ids:
        sid = supplier_ids[0]
        out = rec.recommend_imers([sid], k=k, lang=lang)
        who = registry.suppliers.set_index("supplier_id").loc[sid]
        title = (
            f"Imers for a supplier: {escape(sid)} ({escape(', '.join(who['categories']))}, "
            f"{escape(str(who['province']))})"
        )
        rows = [
            (str(r.rank), escape(str(r.imer_id)), f"{r.score:.3f}", escape(str(r.reasons)))
            for r in out.itertuples(index=False)
        ]
        parts.append(_table(title, rows, "Imer"))
    meta = rec.metadata_
    note = (
        f"model learned from {meta['n_decided_pairs']} decided proposals"
        if meta["learned_from_history"]
        else "no history yet: the content prior ranks"
    )
    parts.append(f"[dim]{note}; active partners are never recommended[/]")
    return Group(*parts)
