"""The ``matchmaker`` command: one Typer app with a sub-app or commands per module."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from typer.core import TyperGroup

from matchmaker import __version__
from matchmaker.cli import dedupe as dedupe_cli
from matchmaker.cli import event as event_cli
from matchmaker.cli import graph as graph_cli
from matchmaker.cli import serve as serve_cli
from matchmaker.cli import shortlist as shortlist_cli
from matchmaker.cli.common import DbOption, console, err_console, open_store, resolve_db_url
from matchmaker.errors import MatchmakerError

__all__ = ["app", "main"]

EXIT_REJECTS = 1
EXIT_ERROR = 2


class _Group(TyperGroup):
    """Prints a :class:`MatchmakerError` as one clear line instead of a traceback."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except MatchmakerError as exc:
            err_console.print(f"[bold red]error:[/] {escape(str(exc))}", soft_wrap=True)
            raise typer.Exit(EXIT_ERROR) from exc


app = typer.Typer(
    cls=_Group,
    name="matchmaker",
    help="Match Indonesia's Imers with UMKM suppliers: import, rank, plan events, serve the hub.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
import_app = typer.Typer(
    help="Import suppliers, Imers or partnerships from CSV/XLSX (upsert by id).",
    no_args_is_help=True,
)
app.add_typer(import_app, name="import")


def _version(value: bool) -> None:
    if value:
        console.print(f"matchmaker {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Match Indonesia's Imers with UMKM suppliers."""


@app.command()
def init(db: DbOption = None) -> None:
    """Create the database or upgrade its schema to the newest version."""
    store = open_store(db)
    console.print(f"database ready: {escape(_safe_url(resolve_db_url(db)))}")
    counts = store.counts()
    console.print(
        f"{counts['suppliers']} suppliers, {counts['imers']} Imers, {counts['events']} "
        "partnership events"
    )


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


# ----------------------------------------------------------------------- import
KeepExtra = Annotated[
    bool,
    typer.Option(
        "--keep-extra/--ignore-extra",
        help="Keep columns the contract does not know (stored with the profile) or ignore them.",
    ),
]
ReportDir = Annotated[
    Path,
    typer.Option("--report-dir", help="Where the rejects file and the summary are written."),
]
Sheet = Annotated[str | None, typer.Option("--sheet", help="XLSX worksheet (default: first).")]
JsonOut = Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")]


def _run_import(
    kind: str,
    file: Path,
    db: str | None,
    keep_extra: bool,
    report_dir: Path,
    sheet: str | None,
    as_json: bool,
) -> None:
    from matchmaker import ingest

    store = open_store(db)
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=as_json,
    ) as progress:
        task = progress.add_task(f"reading {file.name}", total=None)
        table = ingest.read_table(file, sheet=sheet)
        progress.update(task, description=f"parsing and storing {len(table)} rows")
        report = ingest.import_table(store, kind, table, keep_extra=keep_extra)  # type: ignore[arg-type]
        ingest.write_rejects(report, report_dir, file.stem)
    warnings = _similar_warnings(store, kind, report, table) if not as_json else []
    if as_json:
        console.print_json(json.dumps(report.to_dict(), default=str))
    else:
        _print_report(report, warnings)
    if not report.ok:
        raise typer.Exit(EXIT_REJECTS)


def _similar_warnings(store: Any, kind: str, report: Any, table: Any) -> list[str]:
    """Rows of this import that look like other stored records (possible duplicates)."""
    if kind not in ("suppliers", "imers") or report.loaded == 0:
        return []
    from matchmaker.dedupe import import_warnings

    return list(import_warnings(store, kind, table))


def _print_report(report: Any, warnings: list[str]) -> None:
    summary = Table(title=f"import {report.kind}: {report.source}", show_header=False)
    summary.add_column("what")
    summary.add_column("count", justify="right")
    summary.add_row("rows read", str(report.rows))
    summary.add_row("loaded", str(report.loaded))
    summary.add_row("  new", str(report.inserted))
    summary.add_row("  updated", str(report.updated))
    summary.add_row("  unchanged", str(report.unchanged))
    summary.add_row("rejected rows", f"[red]{report.rejected}[/]" if report.rejected else "0")
    for name, counts in report.derived.items():
        summary.add_row(f"by {name}", ", ".join(f"{k} {v}" for k, v in counts.items()))
    summary.add_row(
        "read as",
        f"{report.encoding}, delimiter {report.delimiter!r}"
        if report.delimiter
        else str(report.encoding),
    )
    console.print(summary)
    for err in report.errors[:20]:
        console.print(f"[red]✗[/] {escape(str(err))}")
    if len(report.errors) > 20:
        console.print(f"… and {len(report.errors) - 20} more in {report.rejects_path}")
    for line in warnings[:20]:
        console.print(f"[yellow]![/] {escape(line)}")
    console.print(f"rejects: {report.rejects_path}\nsummary: {report.summary_path}")


def _import_command(kind: str, doc: str) -> None:
    def command(
        file: Annotated[Path, typer.Argument(help="CSV or XLSX file.")],
        db: DbOption = None,
        keep_extra: KeepExtra = False,
        report_dir: ReportDir = Path("import-reports"),
        sheet: Sheet = None,
        as_json: JsonOut = False,
    ) -> None:
        _run_import(kind, file, db, keep_extra, report_dir, sheet, as_json)

    command.__doc__ = doc
    import_app.command(kind)(command)


_import_command(
    "suppliers",
    "Import UMKM supplier profiles. Exit 0: every row loaded; 1: some rows rejected; 2: error.",
)
_import_command(
    "imers", "Import Imers profiles. Exit 0: every row loaded; 1: some rows rejected; 2: error."
)
_import_command(
    "partnerships",
    "Import partnership history (pairs must exist). Exit 0: all loaded; 1: rejects; 2: error.",
)


# ------------------------------------------------------------------------ stats
@app.command()
def stats(
    db: DbOption = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Also write the counts as JSON to this file.")
    ] = None,
) -> None:
    """Counts by stage, UMKM class, province and category, as readable tables."""
    from matchmaker.stats import registry_stats

    store = open_store(db)
    data = registry_stats(store.registry())
    print_stats(data)
    if json_out is not None:
        json_out.write_text(json.dumps(data, indent=2), encoding="utf-8")
        console.print(f"written: {json_out}")


def print_stats(data: dict[str, Any]) -> None:
    """Render :func:`matchmaker.stats.registry_stats` output as tables."""
    t = data["totals"]
    console.print(
        f"[bold]{t['suppliers']}[/] suppliers · [bold]{t['imers']}[/] Imers · "
        f"[bold]{t['partnerships']}[/] partnership pairs · "
        f"{data['imers_with_active_supplier']} Imers with an active supplier"
    )
    pairs = [
        ("Imers by stage", data["imers_by_stage"]),
        ("Suppliers by UMKM class", data["suppliers_by_umkm_class"]),
        ("Partnerships by status", data["partnerships_by_status"]),
    ]
    grid = Table.grid(padding=(0, 2))
    row = []
    for title, counts in pairs:
        tbl = Table(title=title)
        tbl.add_column("")
        tbl.add_column("n", justify="right")
        for k, v in counts.items():
            tbl.add_row(k, str(v))
        row.append(tbl)
    grid.add_row(*row)
    console.print(grid)
    for title, left, right in (
        ("By province", data["suppliers_by_province"], data["imers_by_province"]),
        ("By category", data["suppliers_by_category"], data["imers_by_category"]),
    ):
        tbl = Table(title=title)
        tbl.add_column("")
        tbl.add_column("suppliers", justify="right")
        tbl.add_column("Imers", justify="right")
        for key in left:
            tbl.add_row(key, str(left.get(key, 0)), str(right.get(key, 0)))
        console.print(tbl)


# ------------------------------------------------------------------------- demo
@app.command()
def demo(
    directory: Annotated[
        Path, typer.Option("--dir", help="Folder for the demo database and outputs.")
    ] = Path("demo"),
    data: Annotated[
        Path | None,
        typer.Option("--data", help="Folder with suppliers.csv, imers.csv, partnerships.csv."),
    ] = None,
    serve: Annotated[
        bool, typer.Option("--serve", help="Then serve the hub API on the demo database.")
    ] = False,
    host: Annotated[str, typer.Option("--host", help="Address to serve on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to serve on.")] = 8000,
) -> None:
    """Build a fresh SQLite registry from the sample data and show what matchmaker offers."""
    from matchmaker.demo import run_demo

    run_demo(directory, data, console=console)
    if serve:
        from matchmaker.cli.serve import serve as serve_api

        db_path = (directory / "matchmaker-demo.db").resolve()
        console.print(f"serving the hub API on http://{host}:{port}/docs (Ctrl-C stops)")
        serve_api(f"sqlite:///{db_path}", host=host, port=port, model_dir=directory / "models")


for module in (shortlist_cli, graph_cli, event_cli, dedupe_cli, serve_cli):
    module.register(app)


def main() -> None:
    """Console entry point."""
    app()
