"""Commands of the ``graph`` group (stats, export, plot) and the ``partnership`` lifecycle."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.markup import escape
from rich.table import Table

from matchmaker.cli.common import DbOption, console, open_store
from matchmaker.errors import ValidationError

__all__ = ["graph_app", "partnership_app", "register"]

graph_app = typer.Typer(
    help="The partnership graph: stats for staff, GraphML/GEXF export, PNG charts.",
    no_args_is_help=True,
)
partnership_app = typer.Typer(
    help="Partnership lifecycle: propose, accept, decline, activate, end, history.",
    no_args_is_help=True,
)

SupplierOpt = Annotated[str, typer.Option("--supplier", help="Supplier id.")]
ImerOpt = Annotated[str, typer.Option("--imer", help="Imer id.")]
ActorOpt = Annotated[
    str,
    typer.Option("--actor", help="Who acts, e.g. supplier:S1, imer:I7 or staff:desk-3 (recorded)."),
]
AtOpt = Annotated[
    str | None,
    typer.Option("--at", help="When it happened (ISO date or time, UTC); default now."),
]
ReasonOpt = Annotated[str | None, typer.Option("--reason", help="Optional reason or context.")]
AsOfOpt = Annotated[
    str | None,
    typer.Option("--as-of", help="Only count events before this ISO date/time (UTC)."),
]


def _parse_time(value: str | None, option: str) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ValidationError(
            f"{option} {value!r} is not an ISO date or time; write e.g. 2024-05-01 or "
            "2024-05-01T14:30"
        ) from exc
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


def _parse_date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ValidationError(
            f"{option} {value!r} is not an ISO date; write e.g. 2024-05-01"
        ) from exc


def _present(value: Any) -> bool:
    if value is None or value == "":
        return False
    try:
        return not bool(pd.isna(value))
    except (TypeError, ValueError):
        return True


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


# ------------------------------------------------------------------- graph stats
def _print_stats(data: dict[str, Any], *, top_flows: int = 15) -> None:
    t = data["totals"]
    console.print(
        f"[bold]{t['suppliers']:,}[/] suppliers · [bold]{t['imers']:,}[/] Imers · "
        f"{t['pairs_with_history']:,} pairs with history · "
        f"[bold]{t['active_partnerships']:,}[/] active · "
        f"{t['established_partnerships']:,} established (active or ended)"
    )
    status = Table(title="Pairs by latest status")
    status.add_column("status")
    status.add_column("pairs", justify="right")
    for key, n in t["pairs_by_status"].items():
        status.add_row(key, f"{n:,}")
    console.print(status)

    cov = data["imers_with_active_supplier"]
    console.print(
        f"Imers with at least one active supplier: [bold]{cov['with_active_supplier']:,}[/] "
        f"of {cov['imers']:,} ({_pct(cov['share'])})"
    )
    for title, key, label in (
        ("Imers with an active supplier, by stage", "by_stage", "stage"),
        ("Imers with an active supplier, by province", "by_province", "province"),
    ):
        tbl = Table(title=title)
        tbl.add_column(label)
        tbl.add_column("Imers", justify="right")
        tbl.add_column("with active supplier", justify="right")
        tbl.add_column("share", justify="right")
        for name, row in cov[key].items():
            tbl.add_row(
                escape(name),
                f"{row['imers']:,}",
                f"{row['with_active_supplier']:,}",
                _pct(row["share"]),
            )
        console.print(tbl)

    lonely = data["suppliers_without_partner"]
    console.print(
        f"Suppliers without a partner yet: [bold]{lonely['count']:,}[/] of "
        f"{lonely['suppliers']:,} ({_pct(lonely['share'])}); ids in the JSON output"
    )
    conc = data["concentration"]
    gini = "–" if conc["gini"] is None else f"{conc['gini']:.3f}"
    console.print(
        f"Concentration of {conc['partnerships']:,} established partnerships over "
        f"{conc['suppliers']:,} suppliers: top {100 * conc['top_fraction']:g}% "
        f"({conc['top_suppliers']:,} suppliers) hold {_pct(conc['top_share'])}; "
        f"Gini {gini}; busiest supplier has {conc['max_per_supplier']:,}"
    )

    matrix = data["stage_class_matrix"]
    tbl = Table(title="Active partnerships: Imer stage × supplier UMKM class")
    tbl.add_column("stage")
    for col in matrix["columns"]:
        tbl.add_column(col, justify="right")
    for row in matrix["rows"]:
        tbl.add_row(row, *(f"{matrix['counts'][row][c]:,}" for c in matrix["columns"]))
    console.print(tbl)

    flows = data["province_flows"]
    tbl = Table(
        title=f"Top province flows of active partnerships (same province: "
        f"{_pct(flows['same_province_share'])})"
    )
    tbl.add_column("supplier province")
    tbl.add_column("Imer province")
    tbl.add_column("active", justify="right")
    for flow in flows["flows"][:top_flows]:
        tbl.add_row(
            escape(flow["supplier_province"]), escape(flow["imer_province"]), f"{flow['count']:,}"
        )
    console.print(tbl)

    comp = data["components"]
    big = comp["largest"]
    console.print(
        f"Connected components (established partnerships): {comp['components']:,}; largest "
        f"has {big['suppliers']:,} suppliers, {big['imers']:,} Imers and "
        f"{big['partnerships']:,} partnerships; {comp['isolated_suppliers']:,} suppliers and "
        f"{comp['isolated_imers']:,} Imers have none"
    )


@graph_app.command("stats")
def stats_command(
    db: DbOption = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Also write the full stats as JSON to this file.")
    ] = None,
    as_of: AsOfOpt = None,
) -> None:
    """Coverage, partner-less suppliers, concentration, stage × class, flows, components."""
    from matchmaker.graph.analytics import graph_stats

    store = open_store(db)
    data = graph_stats(store.registry(), as_of=_parse_time(as_of, "--as-of"))
    _print_stats(data)
    if json_out is not None:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
        console.print(f"written: {escape(str(json_out))}")


@graph_app.command("export")
def export_command(
    out: Annotated[Path, typer.Option("--out", help="Output file.")],
    fmt: Annotated[
        str, typer.Option("--format", help="graphml or gexf (both open in Gephi).")
    ] = "graphml",
    db: DbOption = None,
) -> None:
    """Write the partnership graph (ids and profile attributes only) for Gephi."""
    from matchmaker.graph.build import build_graph
    from matchmaker.graph.export import export_graph

    store = open_store(db)
    graph = build_graph(store.registry())
    path = export_graph(graph, out, format=fmt)
    console.print(
        f"written: {escape(str(path))} ({graph.number_of_nodes():,} nodes, "
        f"{graph.number_of_edges():,} edges)"
    )


@graph_app.command("plot")
def plot_command(
    out_dir: Annotated[Path, typer.Option("--out-dir", help="Folder for the PNG charts.")],
    db: DbOption = None,
) -> None:
    """Degree distributions, province flow heat-map and stage × class matrix as PNG."""
    from matchmaker.graph.plots import plot_graph_charts

    store = open_store(db)
    for path in plot_graph_charts(store.registry(), out_dir):
        console.print(f"written: {escape(str(path))}")


# --------------------------------------------------------------- partnerships
def _report(state: Any) -> None:
    console.print(
        f"{escape(state.supplier_id)}/{escape(state.imer_id)}: [bold]{state.status}[/] "
        f"(event {state.seq}; history: {' → '.join(state.history)})"
    )


@partnership_app.command("propose")
def propose_command(
    supplier: SupplierOpt,
    imer: ImerOpt,
    actor: ActorOpt,
    reason: ReasonOpt = None,
    at: AtOpt = None,
    db: DbOption = None,
) -> None:
    """Propose a partnership (by either side or by staff)."""
    from matchmaker.graph import lifecycle

    state = lifecycle.propose(
        open_store(db), supplier, imer, actor=actor, reason=reason, at=_parse_time(at, "--at")
    )
    _report(state)


@partnership_app.command("accept")
def accept_command(
    supplier: SupplierOpt, imer: ImerOpt, actor: ActorOpt, at: AtOpt = None, db: DbOption = None
) -> None:
    """Accept the open proposal of a pair."""
    from matchmaker.graph import lifecycle

    _report(
        lifecycle.accept(open_store(db), supplier, imer, actor=actor, at=_parse_time(at, "--at"))
    )


@partnership_app.command("decline")
def decline_command(
    supplier: SupplierOpt,
    imer: ImerOpt,
    actor: ActorOpt,
    reason: ReasonOpt = None,
    at: AtOpt = None,
    db: DbOption = None,
) -> None:
    """Decline a proposed or accepted pair (a new proposal is needed afterwards)."""
    from matchmaker.graph import lifecycle

    state = lifecycle.decline(
        open_store(db), supplier, imer, actor=actor, reason=reason, at=_parse_time(at, "--at")
    )
    _report(state)


@partnership_app.command("activate")
def activate_command(
    supplier: SupplierOpt,
    imer: ImerOpt,
    actor: ActorOpt,
    started_at: Annotated[
        str | None, typer.Option("--started-at", help="Start date (default: today).")
    ] = None,
    at: AtOpt = None,
    db: DbOption = None,
) -> None:
    """Start an accepted partnership."""
    from matchmaker.graph import lifecycle

    state = lifecycle.activate(
        open_store(db),
        supplier,
        imer,
        actor=actor,
        at=_parse_time(at, "--at"),
        started_at=_parse_date(started_at, "--started-at"),
    )
    _report(state)


@partnership_app.command("end")
def end_command(
    supplier: SupplierOpt,
    imer: ImerOpt,
    actor: ActorOpt,
    ended_at: Annotated[
        str | None, typer.Option("--ended-at", help="End date (default: today).")
    ] = None,
    monthly_units: Annotated[
        float | None, typer.Option("--monthly-units", help="Average units sold a month.")
    ] = None,
    rating: Annotated[
        float | None, typer.Option("--rating", help="The Imer's rating of the supplier, 1-5.")
    ] = None,
    supplier_rating: Annotated[
        float | None,
        typer.Option("--supplier-rating", help="The supplier's rating of the Imer, 1-5."),
    ] = None,
    at: AtOpt = None,
    db: DbOption = None,
) -> None:
    """End an active partnership and record its outcome."""
    from matchmaker.graph import lifecycle

    state = lifecycle.end(
        open_store(db),
        supplier,
        imer,
        actor=actor,
        at=_parse_time(at, "--at"),
        ended_at=_parse_date(ended_at, "--ended-at"),
        monthly_units=monthly_units,
        rating=rating,
        supplier_rating=supplier_rating,
    )
    _report(state)


@partnership_app.command("history")
def history_command(
    supplier: SupplierOpt,
    imer: ImerOpt,
    as_json: Annotated[bool, typer.Option("--json", help="Print the events as JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Every event of one pair, oldest first (who, when, why, outcome)."""
    from matchmaker.graph import lifecycle

    events = lifecycle.history(open_store(db), supplier, imer)
    if as_json:
        console.print_json(events.to_json(orient="records", date_format="iso"))
        return
    if events.empty:
        console.print(f"{escape(supplier)}/{escape(imer)}: no history yet")
        return
    tbl = Table(title=f"Partnership {supplier}/{imer}")
    for col in ("seq", "status", "at", "actor", "reason", "dates", "outcome"):
        tbl.add_column(col)
    for rec in events.to_dict("records"):
        dates = " → ".join(str(rec[k]) for k in ("started_at", "ended_at") if _present(rec.get(k)))
        outcome = ", ".join(
            f"{label} {rec[k]:g}"
            for k, label in (
                ("monthly_units", "units/month"),
                ("rating", "rating"),
                ("supplier_rating", "supplier's rating"),
            )
            if _present(rec.get(k))
        )
        reason = rec.get("reason")
        tbl.add_row(
            str(rec["seq"]),
            str(rec["status"]),
            str(rec["at"])[:19],
            escape(str(rec["actor"])),
            escape(str(reason)) if isinstance(reason, str) else "",
            dates,
            outcome,
        )
    console.print(tbl)


def register(app: typer.Typer) -> None:
    """Add the ``graph`` and ``partnership`` groups to the main app."""
    app.add_typer(graph_app, name="graph")
    app.add_typer(partnership_app, name="partnership")
