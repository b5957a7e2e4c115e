"""Commands of the ``event`` group: plan meeting schedules, run the day, hand out agendas.

Exit codes: 0 done; 1 done but some input rows were rejected (each reported
with file, row, column and reason); 2 error (one clear line, no traceback).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.markup import escape
from rich.table import Table

from matchmaker.cli.common import DbOption, console, err_console, open_store, state_dir
from matchmaker.errors import InputFileError, NotFittedError, NotFoundError, ValidationError
from matchmaker.ingest import RowError

__all__ = ["event_app", "register"]

EXIT_REJECTS = 1

event_app = typer.Typer(
    help=(
        "Matchmaking events: plan optimal meeting schedules (from files or the database), "
        "record the day, re-plan, agendas, table plans, summaries and outcomes."
    ),
    no_args_is_help=True,
)

EventArg = Annotated[str, typer.Argument(help="Event id.")]
SupplierOpt = Annotated[str, typer.Option("--supplier", help="Supplier id.")]
ImerOpt = Annotated[str, typer.Option("--imer", help="Imer id.")]
RoleOpt = Annotated[str, typer.Option("--role", help="supplier or imer.")]
ParticipantOpt = Annotated[str, typer.Option("--id", help="Participant id.")]
ActorOpt = Annotated[
    str, typer.Option("--actor", help="Who records this, e.g. staff:desk-3 (kept in the log).")
]
TimeLimitOpt = Annotated[
    float, typer.Option("--time-limit", help="Seconds for the planner's MILP steps.", min=0.5)
]
MinMeetingsOpt = Annotated[
    int,
    typer.Option(
        "--min-meetings",
        help="Give every participant at least this many meetings where the event allows; "
        "who cannot get them is reported with the reason.",
        min=0,
    ),
]


def _print_errors(errors: list[RowError], limit: int = 30) -> None:
    for err in errors[:limit]:
        err_console.print(f"[red]✗[/] {escape(str(err))}", soft_wrap=True)
    if len(errors) > limit:
        err_console.print(f"… and {len(errors) - limit} more rejected rows")


def _print_plan(plan: Any, *, title: str) -> None:
    """Show a :class:`~matchmaker.events.Plan`'s numbers, issues and shortfalls."""
    meetings = plan.meetings
    table = Table(title=title, show_header=False)
    table.add_column("what")
    table.add_column("value", justify="right")
    table.add_row("meetings", f"{len(meetings):,}")
    table.add_row("total score", f"{plan.total_score:.4f}")
    if plan.upper_bound is not None:
        table.add_row("upper bound (flow relaxation)", f"{plan.upper_bound:.4f}")
        if plan.upper_bound > 0:
            table.add_row("score / bound", f"{plan.total_score / plan.upper_bound:.4f}")
    table.add_row("proven optimal", "yes" if plan.optimal else "no")
    if len(meetings):
        per = (
            meetings.groupby("supplier_id").size().tolist()
            + meetings.groupby("imer_id").size().tolist()
        )
        table.add_row("meetings per participant (met)", f"{min(per)}–{max(per)}")
        table.add_row("slots used", str(meetings["slot"].nunique()))
        table.add_row("most tables in a slot", str(int(meetings.groupby("slot").size().max())))
    console.print(table)
    for issue in plan.unplaced_must_meets:
        console.print(
            f"[yellow]must-meet not placed[/] {escape(issue.supplier_id)}–"
            f"{escape(issue.imer_id)}: {escape(issue.reason)}",
            soft_wrap=True,
        )
    for short in plan.shortfalls[:50]:
        console.print(
            f"[yellow]below minimum[/] {short.role} {escape(short.participant_id)}: "
            f"{short.meetings} of {short.wanted} — {escape(short.reason)}",
            soft_wrap=True,
        )
    if len(plan.shortfalls) > 50:
        console.print(f"… and {len(plan.shortfalls) - 50} more below the minimum")
    for note in plan.notes:
        console.print(f"[yellow]note[/] {escape(note)}", soft_wrap=True)


def _plan_report(plan: Any, errors: list[RowError], notes: list[str]) -> dict[str, Any]:
    return {
        "meetings": len(plan.meetings),
        "total_score": plan.total_score,
        "upper_bound": plan.upper_bound,
        "optimal": plan.optimal,
        "unplaced_must_meets": [vars(m) for m in plan.unplaced_must_meets],
        "shortfalls": [vars(s) for s in plan.shortfalls],
        "notes": [*plan.notes, *notes],
        "rejected_rows": [str(e) for e in errors],
    }


def _scorer(db: str | None, store: Any, model: Path | None, no_model: bool) -> Any:
    """The engine's pair scorer from a saved model, or ``None`` for the content score."""
    if no_model:
        return None
    folder = model if model is not None else state_dir(db) / "models"
    try:
        from matchmaker.ranking import Recommender

        rec = Recommender.load(folder, store.registry())
    except NotFittedError:
        err_console.print(
            f"[yellow]no fitted model in {escape(str(folder))}: scores come from the content "
            "score (categories, reach, dropship, certifications); fit a model or pass --pairs"
        )
        return None
    return rec.score_pairs


# ------------------------------------------------------------------------- plan
@event_app.command("plan")
def plan_command(
    event_id: Annotated[
        str | None, typer.Option("--event", help="Plan a stored event (else: file mode).")
    ] = None,
    pairs: Annotated[
        Path | None,
        typer.Option("--pairs", help="PAIRS.csv: supplier_id, imer_id, score[, must_meet]."),
    ] = None,
    slots: Annotated[int | None, typer.Option("--slots", help="Number of slots.", min=1)] = None,
    tables: Annotated[
        int | None, typer.Option("--tables", help="Tables (meetings per slot).", min=1)
    ] = None,
    max_meetings: Annotated[
        int | None, typer.Option("--max-meetings", help="Meetings per participant.", min=0)
    ] = None,
    unavailable: Annotated[
        Path | None,
        typer.Option(
            "--unavailable", help="UNAVAILABLE.csv: participant_id, slot[, role] (slots from 1)."
        ),
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", help="SCHEDULE.csv to write.")] = None,
    min_meetings: MinMeetingsOpt = 0,
    report: Annotated[
        Path | None, typer.Option("--report", help="Also write the plan's report as JSON.")
    ] = None,
    model: Annotated[
        Path | None,
        typer.Option("--model", help="Fitted model folder (stored events; default models/)."),
    ] = None,
    no_model: Annotated[
        bool, typer.Option("--no-model", help="Stored events: use the content score.")
    ] = False,
    candidates: Annotated[
        int,
        typer.Option(
            "--candidates", help="Stored events: candidate partners per participant (0: all)."
        ),
    ] = 30,
    time_limit: TimeLimitOpt = 8.0,
    actor: ActorOpt = "staff",
    db: DbOption = None,
) -> None:
    """Plan the meetings: the highest total compatibility under every constraint.

    File mode (the contract): --pairs, --slots, --tables, --max-meetings,
    [--unavailable], --out. Stored event: --event ID (slots, tables, limits,
    unavailability and wishes from the database; --pairs optional).
    """
    from matchmaker.events import (
        PlanningProblem,
        plan_event,
        plan_meetings,
        read_pairs,
        read_unavailable,
        write_schedule,
    )

    if event_id is not None:
        store = open_store(db)
        frame = None
        errors: list[RowError] = []
        if pairs is not None:
            pf = read_pairs(pairs)
            frame, errors = pf.pairs, pf.errors
            _print_errors(errors)
        scorer = None if frame is not None else _scorer(db, store, model, no_model)
        stored = plan_event(
            store,
            event_id,
            scorer=scorer,
            pairs=frame,
            min_meetings=min_meetings,
            candidates_per_participant=candidates,
            time_limit=time_limit,
            actor=actor,
        )
        _print_plan(stored.plan, title=f"event {event_id}: plan version {stored.version}")
        console.print(f"scores from: {stored.score_source}")
        if out is not None:
            console.print(f"written: {write_schedule(stored.plan.meetings, out)}")
        if report is not None:
            report.write_text(
                json.dumps(_plan_report(stored.plan, errors, []), indent=2, default=str),
                encoding="utf-8",
            )
        if errors:
            raise typer.Exit(EXIT_REJECTS)
        return

    missing = [
        name
        for name, value in (
            ("--pairs", pairs),
            ("--slots", slots),
            ("--tables", tables),
            ("--max-meetings", max_meetings),
            ("--out", out),
        )
        if value is None
    ]
    if missing:
        raise ValidationError(
            f"file mode needs {', '.join(missing)} (or plan a stored event with --event ID)"
        )
    assert pairs is not None and slots is not None and tables is not None
    assert max_meetings is not None and out is not None
    pf = read_pairs(pairs)
    errors = list(pf.errors)
    notes: list[str] = []
    unavailable_set: frozenset[Any] = frozenset()
    if unavailable is not None:
        uf = read_unavailable(
            unavailable,
            n_slots=slots,
            suppliers=set(pf.pairs["supplier_id"]),
            imers=set(pf.pairs["imer_id"]),
        )
        errors += uf.errors
        notes += uf.notes
        unavailable_set = uf.unavailable
    _print_errors(errors)
    for note in notes:
        err_console.print(f"[yellow]![/] {escape(note)}", soft_wrap=True)
    problem = PlanningProblem(
        pairs=pf.pairs,
        n_slots=slots,
        n_tables=tables,
        max_meetings=max_meetings,
        unavailable=unavailable_set,
    )
    plan = plan_meetings(problem, min_meetings=min_meetings, time_limit=time_limit)
    _print_plan(plan, title=f"plan: {pairs.name}")
    console.print(f"written: {write_schedule(plan.meetings, out)}")
    if report is not None:
        report.write_text(
            json.dumps(_plan_report(plan, errors, notes), indent=2, default=str), encoding="utf-8"
        )
    if errors:
        raise typer.Exit(EXIT_REJECTS)


# ------------------------------------------------------------------- set-up
@event_app.command("create")
def create_command(
    event_id: EventArg,
    name: Annotated[str, typer.Option("--name", help="Title shown on agendas.")],
    start: Annotated[
        str, typer.Option("--start", help="Local start of slot 1, e.g. '2025-03-10 09:00'.")
    ],
    slots: Annotated[int, typer.Option("--slots", help="Number of slots.", min=1)],
    slot_minutes: Annotated[int, typer.Option("--slot-minutes", help="Slot length.", min=1)],
    tables: Annotated[int, typer.Option("--tables", help="Tables on the floor.", min=1)],
    max_meetings: Annotated[
        int, typer.Option("--max-meetings", help="Default meetings per participant.", min=1)
    ],
    break_minutes: Annotated[
        int, typer.Option("--break-minutes", help="Pause between slots.", min=0)
    ] = 0,
    venue: Annotated[str | None, typer.Option("--venue", help="Where it takes place.")] = None,
    utc_offset: Annotated[
        float,
        typer.Option("--utc-offset", help="Local UTC offset in hours (WIB 7, WITA 8, WIT 9)."),
    ] = 7.0,
    tz_label: Annotated[str, typer.Option("--tz-label", help="Local time label.")] = "WIB",
    db: DbOption = None,
) -> None:
    """Create an event with evenly spaced slots."""
    from matchmaker.events import create_event

    try:
        first = dt.datetime.fromisoformat(start)
    except ValueError as exc:
        raise ValidationError(
            f"--start {start!r} is not a date and time; write e.g. '2025-03-10 09:00'"
        ) from exc
    store = open_store(db)
    info = create_event(
        store,
        event_id,
        name,
        first_start=first,
        n_slots=slots,
        slot_minutes=slot_minutes,
        n_tables=tables,
        max_meetings=max_meetings,
        break_minutes=break_minutes,
        venue=venue,
        utc_offset_minutes=round(utc_offset * 60),
        timezone_label=tz_label,
    )
    last = info.slots[-1]
    console.print(
        f"event {escape(info.event_id)} created: {info.n_slots} slots "
        f"{info.local(info.slots[0].starts_at):%Y-%m-%d %H:%M}–{info.local(last.ends_at):%H:%M} "
        f"{info.timezone_label}, {info.n_tables} tables, up to {info.max_meetings} meetings each"
    )


@event_app.command("list")
def list_command(db: DbOption = None) -> None:
    """List the events in the database."""
    from matchmaker.events import list_events

    frame = list_events(open_store(db))
    table = Table(title="events")
    for col in frame.columns:
        table.add_column(col)
    for row in frame.itertuples(index=False):
        table.add_row(*(escape(str(v)) for v in row))
    console.print(table)


@event_app.command("register")
def register_command(
    event_id: EventArg,
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV/XLSX: role, participant_id (or supplier_id / imer_id)[, max_meetings, "
            "display_name, unavailable_slots]."
        ),
    ],
    db: DbOption = None,
) -> None:
    """Register participants from a file (upsert; ids must be in the registry)."""
    from matchmaker.events import get_event, register_participants, set_unavailable
    from matchmaker.events.files import read_participants

    store = open_store(db)
    info = get_event(store, event_id)
    pf = read_participants(file, n_slots=info.n_slots)
    errors = list(pf.errors)
    good_rows = []
    resolved: dict[tuple[str, str], str] = {}
    for rec in pf.participants.to_dict("records"):
        try:
            resolved[(rec["role"], rec["participant_id"])] = store.resolve_id(
                rec["role"], rec["participant_id"]
            )
            good_rows.append(rec)
        except NotFoundError as exc:
            errors.append(
                RowError(pf.source, int(rec["row"]), None, rec["participant_id"], str(exc))
            )
    frame = pd.DataFrame(good_rows, columns=list(pf.participants.columns))
    added, updated = register_participants(store, event_id, frame)
    changed = 0
    for role, pid, slot in sorted(pf.unavailable):
        if (role, pid) in resolved:
            changed += set_unavailable(store, event_id, role, resolved[(role, pid)], [slot])
    console.print(
        f"event {escape(event_id)}: {added} registered, {updated} updated, "
        f"{changed} unavailable slots recorded, {len(errors)} rows rejected"
    )
    _print_errors(sorted(errors, key=lambda e: e.row))
    if errors:
        raise typer.Exit(EXIT_REJECTS)


@event_app.command("participants")
def participants_command(event_id: EventArg, db: DbOption = None) -> None:
    """List registered participants with their limits and public names."""
    from matchmaker.events import participants, unavailability

    store = open_store(db)
    frame = participants(store, event_id)
    missing = unavailability(store, event_id)
    slots: dict[tuple[str, str], list[int]] = {}
    for role, pid, slot in missing.itertuples(index=False):
        slots.setdefault((str(role), str(pid)), []).append(int(slot))
    table = Table(title=f"participants of {event_id}")
    for col in ("role", "id", "max meetings", "public name", "unavailable slots"):
        table.add_column(col)
    for row in frame.itertuples(index=False):
        key = (str(row.role), str(row.participant_id))
        table.add_row(
            str(row.role),
            escape(str(row.participant_id)),
            str(row.max_meetings),
            escape(str(row.public_name)),
            ", ".join(map(str, slots.get(key, []))),
        )
    console.print(table)


@event_app.command("wish")
def wish_command(
    event_id: EventArg,
    supplier: Annotated[str | None, typer.Option("--supplier", help="Supplier id.")] = None,
    imer: Annotated[str | None, typer.Option("--imer", help="Imer id.")] = None,
    by: Annotated[str, typer.Option("--by", help="supplier, imer or staff.")] = "staff",
    wish: Annotated[str, typer.Option("--wish", help="must, like, not, or none.")] = "must",
    file: Annotated[
        Path | None,
        typer.Option("--file", help="CSV/XLSX of wishes: supplier_id, imer_id, by, wish."),
    ] = None,
    actor: ActorOpt = "staff",
    db: DbOption = None,
) -> None:
    """Record a wish about a pair: must meet, would like to meet, do not want to meet."""
    from matchmaker.events import set_wish
    from matchmaker.ingest import read_table

    store = open_store(db)
    if file is None:
        if supplier is None or imer is None:
            raise ValidationError("give --supplier and --imer, or --file")
        set_wish(store, event_id, supplier, imer, by=by, wish=wish, actor=actor)
        console.print(f"wish recorded: {by} {wish} {escape(supplier)}–{escape(imer)}")
        return
    table = read_table(file)
    needed = ("supplier_id", "imer_id", "by", "wish")
    missing = [c for c in needed if c not in table.columns]
    if missing:
        raise InputFileError(f"{table.source}: missing column(s) {', '.join(missing)}")
    pos = {c: table.columns.index(c) for c in needed}
    errors: list[RowError] = []
    done = 0
    for cells, row in zip(table.rows, table.row_numbers, strict=True):
        values = {c: str(cells[pos[c]]).strip() for c in needed}
        try:
            set_wish(
                store,
                event_id,
                values["supplier_id"],
                values["imer_id"],
                by=values["by"].lower(),
                wish=values["wish"].lower(),
                actor=actor,
            )
            done += 1
        except (NotFoundError, ValidationError) as exc:
            errors.append(RowError(table.source, row, None, None, str(exc)))
    console.print(f"{done} wishes recorded, {len(errors)} rows rejected")
    _print_errors(errors)
    if errors:
        raise typer.Exit(EXIT_REJECTS)


@event_app.command("unavailable")
def unavailable_command(
    event_id: EventArg,
    role: RoleOpt,
    participant: ParticipantOpt,
    slots: Annotated[str, typer.Option("--slots", help="Slots, e.g. 3, 1-3 or 2;7.")],
    available: Annotated[
        bool, typer.Option("--available", help="Mark the slots available again.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Mark slots a participant cannot attend."""
    from matchmaker.errors import ParseError
    from matchmaker.events import get_event, set_unavailable
    from matchmaker.events.files import parse_slots

    store = open_store(db)
    info = get_event(store, event_id)
    try:
        numbers = parse_slots(slots, info.n_slots)
    except ParseError as exc:
        raise ValidationError(f"--slots: {exc}") from exc
    changed = set_unavailable(store, event_id, role, participant, numbers, available=available)
    console.print(f"{changed} slot(s) changed for {role} {escape(participant)}")


# ------------------------------------------------------------------ the day
@event_app.command("checkin")
def checkin_command(
    event_id: EventArg,
    role: RoleOpt,
    participant: ParticipantOpt,
    slot: Annotated[
        int | None, typer.Option("--slot", help="Present from this slot (default: now).")
    ] = None,
    actor: ActorOpt = "staff",
    db: DbOption = None,
) -> None:
    """Record that a participant has arrived."""
    from matchmaker.events import check_in

    check_in(open_store(db), event_id, role, participant, slot=slot, actor=actor)
    console.print(f"checked in: {role} {escape(participant)}")


@event_app.command("noshow")
def noshow_command(
    event_id: EventArg,
    role: RoleOpt,
    participant: ParticipantOpt,
    slot: Annotated[int, typer.Option("--slot", help="The slot they missed.")],
    note: Annotated[str | None, typer.Option("--note", help="Optional note.")] = None,
    actor: ActorOpt = "staff",
    db: DbOption = None,
) -> None:
    """Record a no-show: absent from this slot until a check-in."""
    from matchmaker.events import no_show

    no_show(open_store(db), event_id, role, participant, slot=slot, note=note, actor=actor)
    console.print(
        f"no-show: {role} {escape(participant)} from slot {slot}; run `event replan` to fill "
        "the holes"
    )


def _mark(event_id: str, supplier: str, imer: str, kind: str, actor: str, db: str | None) -> None:
    from matchmaker.events import mark_meeting

    mark_meeting(open_store(db), event_id, supplier, imer, kind=kind, actor=actor)  # type: ignore[arg-type]
    console.print(f"meeting {escape(supplier)}–{escape(imer)}: {kind}")


@event_app.command("held")
def held_command(
    event_id: EventArg,
    supplier: SupplierOpt,
    imer: ImerOpt,
    actor: ActorOpt = "staff",
    db: DbOption = None,
) -> None:
    """Record that a meeting took place (it never moves in a re-plan)."""
    _mark(event_id, supplier, imer, "held", actor, db)


@event_app.command("confirm")
def confirm_command(
    event_id: EventArg,
    supplier: SupplierOpt,
    imer: ImerOpt,
    actor: ActorOpt = "staff",
    db: DbOption = None,
) -> None:
    """Record that both sides confirmed a meeting (it never moves in a re-plan)."""
    _mark(event_id, supplier, imer, "confirmed", actor, db)


@event_app.command("replan")
def replan_command(
    event_id: EventArg,
    from_slot: Annotated[
        int, typer.Option("--from-slot", help="First slot that may change.", min=1)
    ],
    min_meetings: Annotated[
        int | None,
        typer.Option(
            "--min-meetings", help="Minimum meetings (default: the current plan's).", min=0
        ),
    ] = None,
    favour_fewest: Annotated[
        float,
        typer.Option("--favour-fewest", help="How much to favour those with few meetings so far."),
    ] = 0.5,
    require_checkin: Annotated[
        bool, typer.Option("--require-checkin", help="Leave out who has not checked in.")
    ] = False,
    pairs: Annotated[
        Path | None,
        typer.Option("--pairs", help="PAIRS.csv with the scores to use (as for `event plan`)."),
    ] = None,
    model: Annotated[Path | None, typer.Option("--model", help="Fitted model folder.")] = None,
    no_model: Annotated[bool, typer.Option("--no-model", help="Use the content score.")] = False,
    candidates: Annotated[
        int, typer.Option("--candidates", help="Candidate partners per participant (0: all).")
    ] = 30,
    time_limit: TimeLimitOpt = 8.0,
    actor: ActorOpt = "staff",
    db: DbOption = None,
) -> None:
    """Re-plan the remaining slots; held and confirmed meetings stay exactly where they are."""
    from matchmaker.events import read_pairs, replan_event

    store = open_store(db)
    frame = None
    errors: list[RowError] = []
    if pairs is not None:
        pf = read_pairs(pairs)
        frame, errors = pf.pairs, pf.errors
        _print_errors(errors)
    stored = replan_event(
        store,
        event_id,
        from_slot=from_slot,
        pairs=frame,
        scorer=None if frame is not None else _scorer(db, store, model, no_model),
        min_meetings=min_meetings,
        favour_fewest=favour_fewest,
        require_checkin=require_checkin,
        candidates_per_participant=candidates,
        time_limit=time_limit,
        actor=actor,
    )
    _print_plan(stored.plan, title=f"event {event_id}: plan version {stored.version} (re-plan)")
    if errors:
        raise typer.Exit(EXIT_REJECTS)


# ------------------------------------------------------------------ outputs
def _write_or_print(text: str, out: Path | None, *, newline: str = "\n") -> None:
    if out is None:
        typer.echo(text, nl=False)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline=newline) as handle:
        handle.write(text)
    console.print(f"written: {out}")


@event_app.command("agenda")
def agenda_command(
    event_id: EventArg,
    participant: Annotated[str, typer.Option("--participant", help="Participant id.")],
    fmt: Annotated[str, typer.Option("--format", help="csv, ics or html.")] = "html",
    lang: Annotated[str, typer.Option("--lang", help="id (Indonesian) or en.")] = "id",
    role: Annotated[
        str | None, typer.Option("--role", help="supplier or imer (when the id is both).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="File to write (default: stdout).")
    ] = None,
    db: DbOption = None,
) -> None:
    """A participant's agenda: CSV, an .ics calendar or a printable HTML page."""
    from matchmaker.events import agenda, agenda_csv, agenda_html, agenda_ics, participants

    store = open_store(db)
    if role is None:
        people = participants(store, event_id)
        roles = sorted(set(people.loc[people["participant_id"] == participant, "role"]))
        if not roles:
            raise NotFoundError(f"{participant!r} is not registered for event {event_id!r}")
        if len(roles) > 1:
            raise ValidationError(
                f"{participant!r} is both a supplier and an Imer of {event_id!r}; add --role"
            )
        role = roles[0]
    item = agenda(store, event_id, role, participant)
    if fmt == "csv":
        _write_or_print(agenda_csv(item, lang=lang), out)
    elif fmt == "ics":
        _write_or_print(agenda_ics(item, lang=lang), out, newline="")
    elif fmt == "html":
        _write_or_print(agenda_html(item, lang=lang), out)
    else:
        raise ValidationError(f"--format {fmt!r}: use csv, ics or html")


@event_app.command("tables")
def tables_command(
    event_id: EventArg,
    fmt: Annotated[str, typer.Option("--format", help="table, csv or html.")] = "table",
    lang: Annotated[str, typer.Option("--lang", help="id or en (html).")] = "id",
    out: Annotated[Path | None, typer.Option("--out", help="File to write.")] = None,
    db: DbOption = None,
) -> None:
    """The table plan per slot for the floor staff."""
    from matchmaker.events import table_plan, table_plan_html

    store = open_store(db)
    if fmt == "html":
        _write_or_print(table_plan_html(store, event_id, lang=lang), out)
        return
    frame = table_plan(store, event_id)
    if fmt == "csv":
        _write_or_print(frame.to_csv(index=False, lineterminator="\n"), out)
        return
    if fmt != "table":
        raise ValidationError(f"--format {fmt!r}: use table, csv or html")
    for slot, part in frame.groupby("slot", sort=True):
        first = part.iloc[0]
        tbl = Table(title=f"slot {slot} · {first['start']}–{first['end']}")
        for col in ("table", "supplier", "Imer", "status"):
            tbl.add_column(col)
        for row in part.itertuples(index=False):
            tbl.add_row(
                str(row.table),
                escape(f"{row.supplier_name} ({row.supplier_id})"),
                escape(f"{row.imer_name} ({row.imer_id})"),
                str(row.status),
            )
        console.print(tbl)


@event_app.command("summary")
def summary_command(
    event_id: EventArg,
    as_json: Annotated[bool, typer.Option("--json", help="Print the totals as JSON.")] = False,
    per_participant: Annotated[
        Path | None, typer.Option("--per-participant", help="Write meetings per participant (CSV).")
    ] = None,
    db: DbOption = None,
) -> None:
    """The event's numbers: meetings per participant, wishes honoured, slots and tables used."""
    from matchmaker.events import event_summary

    summary = event_summary(open_store(db), event_id)
    if per_participant is not None:
        summary.per_participant.to_csv(per_participant, index=False, lineterminator="\n")
    if as_json:
        console.print_json(json.dumps(summary.totals, default=float))
        return
    totals = Table(title=f"event {event_id}", show_header=False)
    totals.add_column("what")
    totals.add_column("value", justify="right")
    for key, value in summary.totals.items():
        totals.add_row(
            key.replace("_", " "), f"{value:.3f}" if isinstance(value, float) else str(value)
        )
    console.print(totals)
    slots = Table(title="slots")
    for col in ("slot", "meetings", "tables used"):
        slots.add_column(col, justify="right")
    for row in summary.per_slot.itertuples(index=False):
        slots.add_row(str(row.slot), str(row.meetings), str(row.tables_used))
    console.print(slots)


@event_app.command("outcome")
def outcome_command(
    event_id: EventArg,
    supplier: SupplierOpt,
    imer: ImerOpt,
    outcome: Annotated[str, typer.Option("--outcome", help="no_interest, follow_up or deal.")],
    note: Annotated[str | None, typer.Option("--note", help="Optional note.")] = None,
    actor: ActorOpt = "staff",
    db: DbOption = None,
) -> None:
    """Record a meeting's outcome; a deal becomes a partnership proposal."""
    from matchmaker.events import record_outcome

    result = record_outcome(
        open_store(db), event_id, supplier, imer, outcome, actor=actor, note=note
    )
    console.print(f"{escape(supplier)}–{escape(imer)}: {outcome} · {escape(result.message)}")


def register(app: typer.Typer) -> None:
    """Add the ``event`` group to the main app."""
    app.add_typer(event_app, name="event")
