"""Commands of the compatibility engine: ``shortlist``, ``fit`` and ``evaluate``.

* ``matchmaker fit`` trains the engine on the stored registry and saves the
  model (``config.json``, ``model.json``, ``arrays.npz``) in ``--model DIR``
  (default: a ``models/`` folder next to the SQLite database, or in the working
  directory for other databases).
* ``matchmaker shortlist`` loads that model, binds it to the *current*
  registry and writes shortlists in the contract's shape (CSV, JSON on request,
  or a table on screen).
* ``matchmaker evaluate`` holds out the most recent months of history and
  prints held-out ranking quality of the engine and the baselines.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from matchmaker.cli.common import DbOption, console, err_console, open_store, state_dir
from matchmaker.errors import ValidationError

__all__ = ["default_model_dir", "register"]


class OutputFormat(StrEnum):
    """Shortlist output formats."""

    csv = "csv"
    json = "json"
    table = "table"


class Lang(StrEnum):
    """Reason languages."""

    id = "id"
    en = "en"


ModelOption = Annotated[
    Path | None,
    typer.Option(
        "--model",
        help="Model folder (default: models/ next to the SQLite database, else ./models).",
        show_default=False,
    ),
]


def default_model_dir(db: str | None) -> Path:
    """Where models live by default: ``models/`` in the database's state folder."""
    return state_dir(db) / "models"


def _progress(enabled: bool = True) -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=not enabled,
    )


def shortlist(
    db: DbOption = None,
    imer: Annotated[
        list[str] | None, typer.Option("--imer", help="Imer id (repeat for several).")
    ] = None,
    supplier: Annotated[
        list[str] | None, typer.Option("--supplier", help="Supplier id (repeat for several).")
    ] = None,
    all_imers: Annotated[
        bool, typer.Option("--all-imers", help="Suppliers for every Imer.")
    ] = False,
    all_suppliers: Annotated[
        bool, typer.Option("--all-suppliers", help="Imers for every supplier.")
    ] = False,
    k: Annotated[int, typer.Option("--k", min=1, help="Shortlist length.")] = 10,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write to this file (default: screen).")
    ] = None,
    fmt: Annotated[
        OutputFormat | None,
        typer.Option(
            "--format",
            help="csv or json (default: csv for --out, a table on screen otherwise).",
            show_default=False,
        ),
    ] = None,
    lang: Annotated[Lang, typer.Option("--lang", help="Language of the reasons.")] = Lang.id,
    province: Annotated[
        list[str] | None,
        typer.Option("--province", help="Only recommend profiles based in this province."),
    ] = None,
    category: Annotated[
        list[str] | None,
        typer.Option("--category", help="Only recommend profiles listing this category."),
    ] = None,
    dropship_only: Annotated[
        bool,
        typer.Option(
            "--dropship-only",
            help="Only suppliers offering dropship (for suppliers: Imers needing it).",
        ),
    ] = False,
    certification: Annotated[
        list[str] | None,
        typer.Option("--certification", help="Only suppliers holding this certification."),
    ] = None,
    max_moq: Annotated[
        int | None, typer.Option("--max-moq", min=1, help="Only suppliers with MOQ at most this.")
    ] = None,
    model: ModelOption = None,
) -> None:
    """Shortlist suppliers for Imers or Imers for suppliers, with reasons.

    Uses the model saved by `matchmaker fit` and the registry as it is now.
    Pairs already in an active partnership are left out.
    """
    from matchmaker import parsing
    from matchmaker.ranking import Recommender, ShortlistFilters

    chosen = [bool(imer), bool(supplier), all_imers, all_suppliers]
    if sum(chosen) != 1:
        raise ValidationError(
            "choose exactly one of --imer, --supplier, --all-imers, --all-suppliers"
        )
    filters = ShortlistFilters(
        provinces=tuple(parsing.parse_province(p) for p in province or ()),
        categories=tuple(parsing.parse_category(c) for c in category or ()),
        dropship_only=dropship_only,
        certifications=tuple(parsing.parse_certification(c) for c in certification or ()),
        max_moq=max_moq,
    )
    output = fmt or (
        OutputFormat.table
        if out is None
        else (OutputFormat.json if out.suffix.lower() == ".json" else OutputFormat.csv)
    )
    if output is OutputFormat.table and out is not None:
        raise ValidationError("--format table prints to the screen; use csv or json with --out")
    folder = model or default_model_dir(db)
    store = open_store(db)
    with _progress(output is not OutputFormat.table or out is not None) as progress:
        progress.add_task("loading the registry and the model", total=None)
        rec = Recommender.load(folder, store.registry())
        progress.add_task("ranking", total=None)
        if imer or all_imers:
            frame = rec.recommend_suppliers(
                None if all_imers else imer, k=k, filters=filters, lang=lang.value
            )
        else:
            frame = rec.recommend_imers(
                None if all_suppliers else supplier, k=k, filters=filters, lang=lang.value
            )
    _write(frame, output, out)


def _write(frame: pd.DataFrame, output: OutputFormat, out: Path | None) -> None:
    if output is OutputFormat.table:
        _print_table(frame)
        return
    text = (
        frame.to_csv(index=False, lineterminator="\n")
        if output is OutputFormat.csv
        else json.dumps(frame.to_dict(orient="records"), ensure_ascii=False, indent=1) + "\n"
    )
    if out is None:
        typer.echo(text, nl=False)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    queries = frame.iloc[:, 0].nunique() if len(frame) else 0
    err_console.print(f"wrote {len(frame)} rows for {queries} profiles to {escape(str(out))}")


def _print_table(frame: pd.DataFrame) -> None:
    if frame.empty:
        console.print("no recommendation (check the filters)")
        return
    q_col, i_col = frame.columns[0], frame.columns[2]
    for query, group in frame.groupby(q_col, sort=False):
        table = Table(title=f"{q_col} {escape(str(query))}", show_lines=False)
        table.add_column("rank", justify="right")
        table.add_column(i_col)
        table.add_column("score", justify="right")
        table.add_column("reasons")
        for row in group.itertuples(index=False):
            table.add_row(
                str(row.rank), escape(str(getattr(row, i_col))), f"{row.score:.4f}",
                escape(str(row.reasons)),
            )  # fmt: skip
        console.print(table)


def fit(
    db: DbOption = None,
    model: ModelOption = None,
    config: Annotated[
        Path | None,
        typer.Option("--config", help="JSON file of engine settings (RecommenderConfig)."),
    ] = None,
    graph_signals: Annotated[
        bool | None,
        typer.Option(
            "--graph-signals/--no-graph-signals",
            help="Use partnership-graph pair features (default: as in --config, else off).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Train the engine on the stored registry and save the model."""
    from matchmaker.ranking import Recommender, RecommenderConfig

    settings = RecommenderConfig()
    if config is not None:
        try:
            data = json.loads(config.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise ValidationError(f"{config}: cannot read the JSON settings ({exc})") from exc
        settings = RecommenderConfig.from_dict(data)
    if graph_signals is not None:
        settings = settings.replace(use_graph_signals=graph_signals)
    folder = model or default_model_dir(db)
    store = open_store(db)
    with _progress() as progress:
        progress.add_task("reading the registry", total=None)
        registry = store.registry()
        progress.add_task("fitting", total=None)
        rec = Recommender(settings).fit(registry)
        rec.save(folder)
    meta = rec.metadata_
    how = (
        f"learned from {meta['n_decided_pairs']} decided proposals "
        f"({meta['n_training_pairs']} training pairs)"
        if meta["learned_from_history"]
        else "no usable history: using the content prior"
    )
    console.print(
        f"model saved to {escape(str(folder))}: {meta['n_suppliers']} suppliers, "
        f"{meta['n_imers']} Imers; {how}"
    )
    table = Table(title="Strongest signals (log-odds per unit)")
    table.add_column("side")
    table.add_column("signal")
    table.add_column("weight", justify="right")
    for label, side in (("Imer", rec.scorer_.imer_), ("supplier", rec.scorer_.supplier_)):
        impact = abs(side.weights * side.scale)
        for idx in impact.argsort()[::-1][:6]:
            table.add_row(label, side.features[idx], f"{side.weights[idx]:+.3f}")
    console.print(table)


def evaluate(
    db: DbOption = None,
    holdout_months: Annotated[
        int, typer.Option("--holdout-months", min=1, help="Months of recent history held out.")
    ] = 6,
    k: Annotated[int, typer.Option("--k", min=1, help="Cut-off of NDCG and recall.")] = 10,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Also write the full report as JSON.")
    ] = None,
    graph_signals: Annotated[
        bool | None,
        typer.Option(
            "--graph-signals/--no-graph-signals",
            help="Also evaluate the engine with graph signals (default: when available).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Held-out evaluation of the engine against random, popularity and a content rule."""
    from matchmaker.ranking.evaluation import evaluate as run_evaluation

    store = open_store(db)
    with _progress() as progress:
        progress.add_task("fitting on the past and ranking the held-out months", total=None)
        report = run_evaluation(
            store.registry(), holdout_months=holdout_months, k=k, graph_signals=graph_signals
        )
    console.print(report.render())
    info = report.info
    console.print(
        f"relevant: {escape(str(info['relevance']))}; training events before "
        f"{info['cutoff']}: {info['train_events']}; held-out pairs: {info['test_pairs']}"
    )
    verdict = "beats" if info["engine_beats_baselines_ndcg"] else "does NOT beat"
    console.print(f"engine {verdict} every baseline on NDCG@{k} in every direction and segment")
    if json_out is not None:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(report.to_dict(), indent=2, default=str), encoding="utf-8")
        err_console.print(f"report written to {escape(str(json_out))}")


def register(app: typer.Typer) -> None:
    """Add ``shortlist``, ``fit`` and ``evaluate`` to the main app."""
    app.command("shortlist")(shortlist)
    app.command("fit")(fit)
    app.command("evaluate")(evaluate)
