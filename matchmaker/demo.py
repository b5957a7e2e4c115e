"""``matchmaker demo``: a fresh SQLite registry from the sample data, and a tour of it."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape

if TYPE_CHECKING:
    from matchmaker.ranking import Recommender

from matchmaker import ingest
from matchmaker.schema import Registry
from matchmaker.store import Store

__all__ = ["find_sample_data", "load_sample", "run_demo"]

log = logging.getLogger(__name__)

SAMPLE_FILES = ("suppliers.csv", "imers.csv", "partnerships.csv")


def find_sample_data(data: Path | None = None) -> Path | None:
    """The folder holding the sample CSVs: ``data`` if given, else the repository's ``data/``."""
    candidates = (
        [data]
        if data is not None
        else [
            Path(__file__).resolve().parents[1] / "data",
            Path.cwd() / "data",
        ]
    )
    for folder in candidates:
        if folder is not None and all((folder / f).exists() for f in SAMPLE_FILES):
            return folder
    return None


def load_sample(store: Store, folder: Path, report_dir: Path) -> list[ingest.ImportReport]:
    """Import the three sample files into ``store`` (suppliers, Imers, partnerships)."""
    reports = []
    for kind, name in zip(("suppliers", "imers", "partnerships"), SAMPLE_FILES, strict=True):
        reports.append(
            ingest.import_file(store, kind, folder / name, report_dir=report_dir)  # type: ignore[arg-type]
        )
    return reports


def run_demo(directory: Path, data: Path | None, *, console: Console) -> Store:
    """Build ``directory/matchmaker-demo.db`` afresh from the sample data and show it.

    If no sample folder is found, a sample is generated with the seeded
    generator into ``directory/sample``.
    """
    directory.mkdir(parents=True, exist_ok=True)
    folder = find_sample_data(data)
    if folder is None:
        if data is not None:
            from matchmaker.errors import InputFileError

            raise InputFileError(f"{data}: expected {', '.join(SAMPLE_FILES)} in this folder")
        from matchmaker.synthetic import generate_registry, write_registry

        folder = directory / "sample"
        write_registry(generate_registry(seed=42), folder)
        console.print(f"generated a sample registry in {folder}")
    db_path = directory / "matchmaker-demo.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    store = Store(f"sqlite:///{db_path}")
    store.init()
    console.rule("[bold]1. Import the sample registry")
    for report in load_sample(store, folder, directory / "import-reports"):
        status = "[green]all rows loaded[/]" if report.ok else f"[red]{report.rejected} rejected[/]"
        console.print(f"{report.kind:>13}: {report.loaded} of {report.rows} rows · {status}")
    console.rule("[bold]2. What is in the registry")
    from matchmaker.cli.main import print_stats
    from matchmaker.stats import registry_stats

    registry = store.registry()
    print_stats(registry_stats(registry))
    _extensions(store, registry, directory, console)
    console.rule("[bold]6. The hub API")
    console.print(
        f"demo database: {escape(str(db_path))}\n"
        "serve it:  matchmaker serve --db "
        f"{escape(str(db_path))} --model {escape(str(directory / 'models'))}\n"
        "then open http://127.0.0.1:8000/docs (OpenAPI with examples); anonymous callers "
        "read GET /stats, staff create tokens with: matchmaker token create --role staff "
        f"--db {escape(str(db_path))}"
    )
    return store


def _extensions(store: Store, registry: Registry, directory: Path, console: Console) -> None:
    """The engine, graph and events sections of the demo."""
    from matchmaker.graph.analytics import graph_stats
    from matchmaker.graph.plots import plot_graph_charts
    from matchmaker.ranking import Recommender, demo_shortlists

    console.rule("[bold]3. Shortlists with reasons (held-out quality: matchmaker evaluate)")
    model_dir = directory / "models"
    recommender = Recommender().fit(registry)
    recommender.save(model_dir)
    console.print(demo_shortlists(registry, k=5, recommender=recommender))
    console.print(f"model saved in {escape(str(model_dir))}")

    console.rule("[bold]4. The partnership graph")
    stats = graph_stats(registry)
    covered = stats["imers_with_active_supplier"]
    conc = stats["concentration"]
    comps = stats["components"]
    console.print(
        f"Imers with at least one active supplier: {covered['with_active_supplier']} of "
        f"{covered['imers']}; "
        f"suppliers without any partner yet: {stats['suppliers_without_partner']['count']}; "
        f"Gini of partnerships over suppliers: {_fmt(conc.get('gini'))}, "
        f"top 1% of suppliers hold {_fmt(conc.get('top_share'))} of them; "
        f"{comps.get('components')} connected components (largest: "
        f"{comps['largest']['suppliers']} suppliers, {comps['largest']['imers']} Imers)."
    )
    charts = plot_graph_charts(registry, directory / "charts")
    console.print("charts: " + ", ".join(escape(str(p)) for p in charts))

    console.rule("[bold]5. A matchmaking day")
    _demo_event(store, registry, recommender, directory, console)


def _fmt(value: object) -> str:
    return f"{value:.2f}" if isinstance(value, float) else str(value)


def _demo_event(
    store: Store, registry: Registry, recommender: Recommender, directory: Path, console: Console
) -> None:
    """Plan a small event on the demo registry and write its agendas."""
    import datetime as dt

    import pandas as pd

    from matchmaker.events import (
        agenda,
        agenda_html,
        agenda_ics,
        create_event,
        event_summary,
        plan_event,
        register_participants,
        table_plan_html,
    )

    event_id = "demo-expo"
    create_event(
        store,
        event_id,
        "Temu Bisnis UMKM x Imers (demo)",
        first_start=dt.datetime(2026, 12, 12, 2, 0, tzinfo=dt.UTC),
        n_slots=8,
        slot_minutes=20,
        n_tables=25,
        max_meetings=5,
        venue="SMESCO Convention Hall, Jakarta",
    )
    suppliers = registry.suppliers.sort_values("supplier_id").head(60)["supplier_id"]
    imers = registry.imers.sort_values("imer_id").head(60)["imer_id"]
    frame = pd.concat(
        [
            pd.DataFrame({"role": "supplier", "participant_id": suppliers}),
            pd.DataFrame({"role": "imer", "participant_id": imers}),
        ],
        ignore_index=True,
    )
    register_participants(store, event_id, frame)
    stored = plan_event(store, event_id, scorer=recommender.score_pairs)
    summary = event_summary(store, event_id)
    totals = summary.totals
    console.print(
        f"{len(frame)} participants, 8 slots x 25 tables: {totals.get('meetings')} meetings "
        f"planned (plan version {stored.version}, "
        f"{'proven optimal' if stored.plan.optimal else 'within the planner bound'})."
    )
    out = directory / "event"
    out.mkdir(parents=True, exist_ok=True)
    first = str(imers.iloc[0])
    item = agenda(store, event_id, "imer", first)
    (out / f"agenda-{first}.html").write_text(agenda_html(item), encoding="utf-8")
    (out / f"agenda-{first}.ics").write_text(agenda_ics(item), encoding="utf-8")
    (out / "table-plan.html").write_text(table_plan_html(store, event_id), encoding="utf-8")
    console.print(f"agenda and table plan written to {escape(str(out))}")
