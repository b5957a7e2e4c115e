"""``matchmaker demo``: a fresh SQLite registry from the sample data, and a tour of it."""

from __future__ import annotations

import logging
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from matchmaker import ingest
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

    print_stats(registry_stats(store.registry()))
    _extensions(store, directory, console)
    console.print(f"\ndemo database: {escape(str(db_path))}")
    return store


def _extensions(store: Store, directory: Path, console: Console) -> None:
    """Further demo sections contributed by the engine, graph, events and hub modules."""
    del store, directory, console
