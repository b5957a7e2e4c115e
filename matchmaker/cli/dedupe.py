"""Commands of the ``dedupe`` group: find duplicates, review them, merge and undo."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import pandas as pd
import typer
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from matchmaker.cli.common import DbOption, console, err_console, open_store
from matchmaker.errors import ValidationError

if TYPE_CHECKING:
    from matchmaker.dedupe import ModelSpec

__all__ = ["dedupe_app", "register", "review_app"]

dedupe_app = typer.Typer(
    help=(
        "Duplicate suppliers or Imers: find them in a file (--input) or in the registry "
        "(--kind), review, merge, undo."
    ),
)
review_app = typer.Typer(
    help="The review queue of possible duplicates: list, accept (merge), reject.",
    no_args_is_help=True,
)
dedupe_app.add_typer(review_app, name="review")

KindOpt = Annotated[
    str | None,
    typer.Option("--kind", help="suppliers or imers (records in the registry)."),
]
ActorOpt = Annotated[str, typer.Option("--actor", help="Who decides (recorded).")]
NoteOpt = Annotated[str | None, typer.Option("--note", help="Optional note (recorded).")]


def _spinner(text: str) -> Progress:
    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    )
    progress.add_task(text, total=None)
    return progress


def _load_spec(model: Path | None, high: float | None, low: float | None) -> ModelSpec:
    from matchmaker.dedupe import ModelSpec, default_spec

    spec = default_spec()
    if model is not None:
        try:
            spec = ModelSpec.from_json(model.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ValidationError(f"cannot read the model file {model}: {exc}") from exc
    return spec.with_thresholds(high=high, low=low)


def _summary(title: str, rows: list[tuple[str, str]]) -> None:
    table = Table(title=title, show_header=False)
    table.add_column("what")
    table.add_column("value", justify="right")
    for what, value in rows:
        table.add_row(what, value)
    console.print(table)


def _preview(pairs: pd.DataFrame, limit: int) -> None:
    if pairs.empty:
        return
    level_cols = [c for c in pairs.columns if c.endswith("_level")]
    table = Table(title=f"best pairs (first {min(limit, len(pairs))} of {len(pairs)})")
    for col in ("id_a", "id_b", "score", "decision"):
        table.add_column(col, justify="right" if col == "score" else "left")
    table.add_column("levels")
    for data in pairs.head(limit).to_dict("records"):
        levels = ", ".join(f"{c.removesuffix('_level')} {data[c]}" for c in level_cols)
        table.add_row(
            str(data["id_a"]),
            str(data["id_b"]),
            f"{float(data['score']):.3f}",
            str(data["decision"]),
            escape(levels),
        )
    console.print(table)


@dedupe_app.callback(invoke_without_command=True)
def run(
    ctx: typer.Context,
    input_file: Annotated[
        Path | None,
        typer.Option("--input", help="suppliers or Imers file (CSV/XLSX, contract columns)."),
    ] = None,
    kind: KindOpt = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help=(
                "Write the pairs scoring at least --low: id_a, id_b, score, then the decision "
                "(merge/review) and each field's level and weight; no names or contacts."
            ),
        ),
    ] = None,
    auto_merge: Annotated[
        bool,
        typer.Option("--auto-merge", help="Merge clusters at or above --high (registry only)."),
    ] = False,
    high: Annotated[
        float | None, typer.Option("--high", help="Score for automatic merging (default 0.95).")
    ] = None,
    low: Annotated[
        float | None, typer.Option("--low", help="Score to report or review (default 0.6).")
    ] = None,
    queue: Annotated[
        bool, typer.Option("--queue/--no-queue", help="Put pairs in the review queue (registry).")
    ] = True,
    model: Annotated[
        Path | None, typer.Option("--model", help="Start from this model (JSON).")
    ] = None,
    save_model: Annotated[
        Path | None, typer.Option("--save-model", help="Write the fitted model as JSON.")
    ] = None,
    show: Annotated[int, typer.Option("--show", help="Pairs to preview on screen.")] = 10,
    db: DbOption = None,
) -> None:
    """Find records that are one business or person, with a score and per-field levels."""
    if ctx.invoked_subcommand is not None:
        return
    from matchmaker.dedupe import dedupe_store, find_duplicates, pairs_table
    from matchmaker.dedupe.files import read_profiles

    if (input_file is None) == (kind is None):
        console.print(ctx.get_help())
        raise ValidationError("give either --input FILE or --kind suppliers|imers")
    spec = _load_spec(model, high, low)
    if input_file is not None:
        if auto_merge:
            raise ValidationError("--auto-merge merges stored records; use it with --kind")
        with _spinner(f"reading and comparing {input_file.name}"):
            profiles = read_profiles(input_file)
            result = find_duplicates(profiles.frame, profiles.contacts, spec=spec)
            pairs = pairs_table(result.scored, result.model)
        for line in profiles.errors[:20]:
            err_console.print(f"[yellow]skipped:[/] {escape(line)}")
        if len(profiles.errors) > 20:
            err_console.print(f"[yellow]… and {len(profiles.errors) - 20} more rows skipped[/]")
        merges_made = 0
        queued = 0
        title = f"duplicates in {input_file.name} ({profiles.kind}s)"
    else:
        assert kind is not None
        store = open_store(db)
        with _spinner(f"comparing stored {kind}"):
            report = dedupe_store(store, kind, spec=spec, auto_merge=auto_merge, queue=queue)
        result, pairs = report.result, report.pairs
        merges_made, queued = len(report.merges), report.queued
        title = f"duplicates among stored {kind}"
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        pairs.to_csv(out, index=False)
    if save_model is not None:
        save_model.parent.mkdir(parents=True, exist_ok=True)
        save_model.write_text(result.model.to_json(), encoding="utf-8")
    n_high = int((pairs["decision"] == "merge").sum()) if not pairs.empty else 0
    rows = [
        ("records", str(result.stats.get("records", 0))),
        ("candidate pairs compared", str(result.stats.get("candidates", 0))),
        (f"pairs >= {result.model.low:g}", str(len(pairs))),
        (f"  of which >= {result.model.high:g}", str(n_high)),
        ("records in clusters", str(len(result.clusters))),
    ]
    if kind is not None:
        rows += [("merged automatically", str(merges_made)), ("queued for review", str(queued))]
    if out is not None:
        rows.append(("pairs written to", str(out)))
    _summary(title, rows)
    _preview(pairs, show)


@review_app.command("list")
def review_list(
    kind: KindOpt = None,
    status: Annotated[
        str, typer.Option("--status", help="pending, accepted, rejected, merged, undone or all.")
    ] = "pending",
    limit: Annotated[int, typer.Option("--limit", help="Rows to show.")] = 50,
    show_contacts: Annotated[
        bool,
        typer.Option("--show-contacts", help="Also show phone numbers (staff only)."),
    ] = False,
    db: DbOption = None,
) -> None:
    """List queued pairs with both records' names (and phones on request)."""
    from matchmaker.dedupe import list_reviews
    from matchmaker.dedupe.merge import normalise_kind

    store = open_store(db)
    reviews = list_reviews(store, kind, None if status == "all" else status)
    if reviews.empty:
        console.print("no reviews")
        return
    shown = reviews.head(limit)
    names: dict[tuple[str, str], str] = {}
    phones: dict[tuple[str, str], str] = {}
    for k in shown["kind"].unique():
        ids = sorted(
            set(shown.loc[shown["kind"] == k, "id_a"]) | set(shown.loc[shown["kind"] == k, "id_b"])
        )
        kk = normalise_kind(k)
        frame = (store.suppliers if kk == "supplier" else store.imers)(ids, include_merged=True)
        key = "supplier_id" if kk == "supplier" else "imer_id"
        names.update({(k, str(i)): str(n) for i, n in zip(frame[key], frame["name"], strict=True)})
        if show_contacts:
            contacts = store.contacts(kk, ids)
            phones.update(
                {
                    (k, str(i)): str(p)
                    for i, p in zip(contacts["profile_id"], contacts["phone"], strict=True)
                    if p
                }
            )
    table = Table(title=f"review queue ({status}): {len(shown)} of {len(reviews)}")
    for col in ("review", "kind", "record a", "record b", "score", "levels"):
        table.add_column(col)

    def label(kind_: str, pid: str) -> str:
        text = f"{pid} {names.get((kind_, pid), '')}"
        if show_contacts and (kind_, pid) in phones:
            text += f" ({phones[(kind_, pid)]})"
        return escape(text)

    for rec in shown.to_dict("records"):
        k_ = str(rec["kind"])
        table.add_row(
            str(rec["review_id"]),
            k_,
            label(k_, str(rec["id_a"])),
            label(k_, str(rec["id_b"])),
            f"{float(rec['score']):.3f}",
            escape(str(rec["levels"]).replace(";", ", ")),
        )
    console.print(table)


@review_app.command("accept")
def review_accept(
    review_id: Annotated[int, typer.Argument(help="Review number (from 'dedupe review list').")],
    actor: ActorOpt = "staff",
    note: NoteOpt = None,
    db: DbOption = None,
) -> None:
    """Accept a pair as one business or person and merge it (undo with 'dedupe undo')."""
    from matchmaker.dedupe import accept_review

    store = open_store(db)
    record = accept_review(store, review_id, actor=actor, note=note)
    if record is None:
        console.print(f"review {review_id} accepted: the records were already one")
    else:
        console.print(
            f"review {review_id} accepted: merge {record.merge_id} keeps {record.survivor_id}, "
            f"merged {', '.join(record.member_ids)}"
            + (f"; filled {', '.join(record.filled)}" if record.filled else "")
        )


@review_app.command("reject")
def review_reject(
    review_id: Annotated[int, typer.Argument(help="Review number (from 'dedupe review list').")],
    actor: ActorOpt = "staff",
    note: NoteOpt = None,
    db: DbOption = None,
) -> None:
    """Reject a pair: two different businesses, never merged automatically."""
    from matchmaker.dedupe import reject_review

    store = open_store(db)
    reject_review(store, review_id, actor=actor, note=note)
    console.print(f"review {review_id} rejected")


@dedupe_app.command("merge")
def merge(
    ids: Annotated[list[str], typer.Argument(help="Two or more ids of one business or person.")],
    kind: Annotated[str, typer.Option("--kind", help="suppliers or imers.")],
    survivor: Annotated[
        str | None, typer.Option("--survivor", help="Record to keep (default the most complete).")
    ] = None,
    actor: ActorOpt = "staff",
    reason: Annotated[str | None, typer.Option("--reason", help="Why (recorded).")] = None,
    db: DbOption = None,
) -> None:
    """Merge records into one surviving record; nothing is deleted and it can be undone."""
    from matchmaker.dedupe import merge_records

    store = open_store(db)
    record = merge_records(store, kind, ids, survivor=survivor, actor=actor, reason=reason)
    console.print(
        f"merge {record.merge_id}: kept {record.survivor_id}, merged {', '.join(record.member_ids)}"
        + (f"; filled {', '.join(record.filled)}" if record.filled else "")
    )


@dedupe_app.command("undo")
def undo(
    merge_id: Annotated[int, typer.Argument(help="Merge number (from 'dedupe merges').")],
    actor: ActorOpt = "staff",
    force: Annotated[
        bool,
        typer.Option("--force", help="Undo even if the surviving record changed since."),
    ] = False,
    db: DbOption = None,
) -> None:
    """Undo a merge exactly: every record and value as before it."""
    from matchmaker.dedupe import undo_merge

    store = open_store(db)
    record = undo_merge(store, merge_id, actor=actor, force=force)
    console.print(
        f"merge {record.merge_id} undone: {', '.join(record.member_ids)} separate from "
        f"{record.survivor_id} again"
    )


@dedupe_app.command("merges")
def merges(
    kind: KindOpt = None,
    active: Annotated[bool, typer.Option("--active", help="Hide undone merges.")] = False,
    db: DbOption = None,
) -> None:
    """List merges, newest first."""
    from matchmaker.dedupe import list_merges

    store = open_store(db)
    frame = list_merges(store, kind, include_undone=not active)
    if frame.empty:
        console.print("no merges")
        return
    table = Table(title="merges")
    for col in ("merge", "kind", "survivor", "members", "score", "by", "when", "undone"):
        table.add_column(col)
    for rec in frame.to_dict("records"):
        score = rec["score"]
        undone = rec["undone_at"]
        table.add_row(
            str(rec["merge_id"]),
            str(rec["kind"]),
            str(rec["survivor_id"]),
            str(rec["member_ids"]).replace(";", ", "),
            "" if score is None or pd.isna(score) else f"{float(score):.3f}",
            escape(str(rec["actor"])),
            str(rec["created_at"])[:19],
            "" if undone is None or pd.isna(undone) else str(undone)[:19],
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add the ``dedupe`` group to the main app."""
    app.add_typer(dedupe_app, name="dedupe")
