"""What an event hands out: agendas (CSV, .ics, printable HTML), the floor's table plan, summaries.

Agendas and the table plan show each side by its public name (a supplier's
business name or the name registered for the event; an Imer without one as
``Imer <id>``), the table and the time — never a phone number or an e-mail.
HTML is Indonesian by default (``lang="en"`` for English).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape

from matchmaker import reference
from matchmaker.errors import NotFoundError, ValidationError
from matchmaker.events.model import Role
from matchmaker.events.stored import (
    EventInfo,
    get_event,
    meetings,
    participants,
    plan_versions,
    wishes,
)
from matchmaker.store import Store

__all__ = [
    "LANGS",
    "Agenda",
    "Summary",
    "agenda",
    "agenda_csv",
    "agenda_html",
    "agenda_ics",
    "event_summary",
    "plan_summary",
    "table_plan",
    "table_plan_html",
]

#: Languages of the printable pages.
LANGS: tuple[str, ...] = ("id", "en")

_TEXT: dict[str, dict[str, str]] = {
    "id": {
        "agenda": "Jadwal pertemuan",
        "for": "untuk",
        "slot": "Sesi",
        "time": "Waktu",
        "table": "Meja",
        "partner": "Bertemu dengan",
        "categories": "Kategori",
        "status": "Status",
        "no_meetings": "Belum ada pertemuan terjadwal.",
        "meetings": "pertemuan",
        "venue": "Tempat",
        "date": "Tanggal",
        "printed": "Dicetak",
        "plan_version": "versi jadwal",
        "table_plan": "Denah meja per sesi",
        "supplier": "UMKM",
        "imer": "Imer",
        "meeting_with": "Pertemuan dengan",
        "note": "Harap datang 5 menit sebelum sesi dimulai.",
        "planned": "terjadwal",
        "confirmed": "terkonfirmasi",
        "held": "selesai",
        "no_show": "tidak hadir",
        "free": "kosong",
        "print": "Cetak",
    },
    "en": {
        "agenda": "Meeting agenda",
        "for": "for",
        "slot": "Slot",
        "time": "Time",
        "table": "Table",
        "partner": "Meeting with",
        "categories": "Categories",
        "status": "Status",
        "no_meetings": "No meetings scheduled yet.",
        "meetings": "meetings",
        "venue": "Venue",
        "date": "Date",
        "printed": "Printed",
        "plan_version": "plan version",
        "table_plan": "Table plan per slot",
        "supplier": "Supplier",
        "imer": "Imer",
        "meeting_with": "Meeting with",
        "note": "Please arrive 5 minutes before your slot starts.",
        "planned": "planned",
        "confirmed": "confirmed",
        "held": "held",
        "no_show": "no-show",
        "free": "free",
        "print": "Print",
    },
}
_DAYS = {
    "id": ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
_MONTHS = {
    "id": (
        "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
        "September", "Oktober", "November", "Desember",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June", "July", "August",
        "September", "October", "November", "December",
    ),
}  # fmt: skip


def _check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValidationError(f"language {lang!r}: use id (Bahasa Indonesia) or en (English)")
    return lang


def _long_date(day: dt.date, lang: str) -> str:
    return f"{_DAYS[lang][day.weekday()]}, {day.day} {_MONTHS[lang][day.month - 1]} {day.year}"


def _category_labels(slugs: Any, lang: str) -> list[str]:
    labels: list[str] = []
    for slug in list(slugs) if isinstance(slugs, list | tuple) else []:
        try:
            cat = reference.category(str(slug))
        except Exception:  # an unknown slug is shown as is
            labels.append(str(slug))
            continue
        labels.append(cat.label if lang == "id" else cat.label_en)
    return labels


@dataclass(frozen=True, eq=False)
class Agenda:
    """One participant's meetings.

    ``rows``: ``slot, starts_at, ends_at`` (UTC), ``local_start, local_end``
    (``HH:MM`` local), ``table, partner_role, partner_id, partner_name,
    partner_categories`` (slugs), ``status``; sorted by slot.
    """

    event: EventInfo
    role: Role
    participant_id: str
    name: str
    version: int
    rows: pd.DataFrame


def agenda(
    store: Store, event_id: str, role: str, participant_id: str, *, version: int | None = None
) -> Agenda:
    """A participant's agenda from the event's current plan (or ``version``).

    Raises
    ------
    NotFoundError
        If the participant is not registered or the event has no plan.
    """
    info = get_event(store, event_id)
    people = participants(store, event_id)
    me = people.loc[(people["role"] == role) & (people["participant_id"] == participant_id)]
    if me.empty:
        raise NotFoundError(f"{role} {participant_id!r} is not registered for event {event_id!r}")
    plan = meetings(store, event_id, version)
    versions = plan_versions(store, event_id)
    used = int(versions["version"].iloc[-1]) if version is None else version
    names = dict(
        zip(
            zip(people["role"], people["participant_id"], strict=True),
            people["public_name"],
            strict=True,
        )
    )
    mine = plan.loc[plan["supplier_id" if role == "supplier" else "imer_id"] == participant_id]
    partner_role: Role = "imer" if role == "supplier" else "supplier"
    partner_col = "imer_id" if role == "supplier" else "supplier_id"
    partner_ids = sorted(set(mine[partner_col].astype(str)))
    profiles = (
        (store.imers(partner_ids) if partner_role == "imer" else store.suppliers(partner_ids))
        if partner_ids
        else None
    )
    cats: dict[str, list[str]] = {}
    if profiles is not None:
        key = "imer_id" if partner_role == "imer" else "supplier_id"
        cats = {str(k): list(v) for k, v in zip(profiles[key], profiles["categories"], strict=True)}
    slots = {s.slot: s for s in info.slots}
    rows = []
    for m in mine.sort_values("slot").to_dict("records"):
        s = slots[int(m["slot"])]
        pid = str(m[partner_col])
        rows.append(
            {
                "slot": int(m["slot"]),
                "starts_at": s.starts_at,
                "ends_at": s.ends_at,
                "local_start": info.local(s.starts_at).strftime("%H:%M"),
                "local_end": info.local(s.ends_at).strftime("%H:%M"),
                "table": int(m["table"]),
                "partner_role": partner_role,
                "partner_id": pid,
                "partner_name": names.get((partner_role, pid), pid),
                "partner_categories": cats.get(pid, []),
                "status": str(m["status"]),
            }
        )
    frame = pd.DataFrame(
        rows,
        columns=[
            "slot", "starts_at", "ends_at", "local_start", "local_end", "table", "partner_role",
            "partner_id", "partner_name", "partner_categories", "status",
        ],
    )  # fmt: skip
    return Agenda(info, role, participant_id, str(me["public_name"].iloc[0]), used, frame)  # type: ignore[arg-type]


def agenda_csv(item: Agenda, *, lang: str = "id") -> str:
    """The agenda as CSV.

    Columns: ``slot, date, start, end, table, partner_role, partner_id,
    partner_name, categories, status`` (local times; category labels in
    ``lang``).
    """
    lang = _check_lang(lang)
    out = pd.DataFrame(
        {
            "slot": item.rows["slot"],
            "date": [item.event.local(t).date().isoformat() for t in item.rows["starts_at"]],
            "start": item.rows["local_start"],
            "end": item.rows["local_end"],
            "table": item.rows["table"],
            "partner_role": item.rows["partner_role"],
            "partner_id": item.rows["partner_id"],
            "partner_name": item.rows["partner_name"],
            "categories": [
                "; ".join(_category_labels(c, lang)) for c in item.rows["partner_categories"]
            ],
            "status": item.rows["status"],
        }
    )
    buffer = io.StringIO()
    out.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


# --------------------------------------------------------------------- iCalendar
def _ics_text(value: str) -> str:
    """Escape TEXT per RFC 5545 §3.3.11."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 §3.1), never inside a UTF-8 character."""
    out: list[str] = []
    current = ""
    size = 0
    limit = 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current = " "
            size = 1
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def _ics_time(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def agenda_ics(item: Agenda, *, lang: str = "id", stamp: dt.datetime | None = None) -> str:
    """The agenda as an iCalendar file (RFC 5545), one VEVENT per meeting.

    Times are UTC; ``UID`` is stable per event and pair, and ``SEQUENCE`` is
    the plan version, so importing a re-planned agenda updates the meetings
    instead of duplicating them. Lines end in CRLF and are folded at 75
    octets.

    Parameters
    ----------
    item:
        The agenda.
    lang:
        ``id`` or ``en`` for the texts.
    stamp:
        ``DTSTAMP`` (default now), fixed for reproducible files.
    """
    text = _TEXT[_check_lang(lang)]
    when = stamp if stamp is not None else dt.datetime.now(dt.UTC)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//matchmaker//event agenda//" + lang.upper(),
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:" + _ics_text(f"{item.event.name} — {item.name}"),
    ]
    for row in item.rows.to_dict("records"):
        me = item.participant_id
        other = str(row["partner_id"])
        sid, iid = (me, other) if item.role == "supplier" else (other, me)
        uid = ".".join(quote(x, safe="") for x in (item.event.event_id, sid, iid)) + "@matchmaker"
        table_no, slot_no, partner = int(row["table"]), int(row["slot"]), str(row["partner_name"])
        where = f"{text['table']} {table_no}"
        if item.event.venue:
            where = f"{item.event.venue}, {where}"
        cats = ", ".join(_category_labels(row["partner_categories"], lang))
        desc = f"{text['slot']} {slot_no}, {text['table']} {table_no}: {partner} ({other})"
        if cats:
            desc += f"\n{text['categories']}: {cats}"
        lines += [
            "BEGIN:VEVENT",
            "UID:" + uid,
            "DTSTAMP:" + _ics_time(when),
            f"SEQUENCE:{item.version}",
            "DTSTART:" + _ics_time(row["starts_at"]),
            "DTEND:" + _ics_time(row["ends_at"]),
            "SUMMARY:"
            + _ics_text(f"{text['meeting_with']} {partner} ({text['table']} {table_no})"),
            "LOCATION:" + _ics_text(where),
            "DESCRIPTION:" + _ics_text(desc),
            "STATUS:" + ("CANCELLED" if row["status"] == "no_show" else "CONFIRMED"),
            "TRANSP:OPAQUE",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


# --------------------------------------------------------------------- HTML
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("matchmaker.events", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def agenda_html(item: Agenda, *, lang: str = "id") -> str:
    """A printable HTML page of the agenda (Indonesian, or English with ``lang="en"``)."""
    lang = _check_lang(lang)
    first = item.event.slots[0].starts_at if item.event.slots else None
    rows = [
        {
            "slot": int(r["slot"]),
            "time": f"{r['local_start']}–{r['local_end']}",
            "table": int(r["table"]),
            "partner_name": str(r["partner_name"]),
            "partner_id": str(r["partner_id"]),
            "categories": ", ".join(_category_labels(r["partner_categories"], lang)),
            "status": _TEXT[lang].get(str(r["status"]), str(r["status"])),
        }
        for r in item.rows.to_dict("records")
    ]
    return (
        _environment()
        .get_template("agenda.html.j2")
        .render(
            t=_TEXT[lang],
            lang=lang,
            event=item.event,
            date=_long_date(item.event.local(first).date(), lang) if first else "",
            tz=item.event.timezone_label,
            role_label=_TEXT[lang][item.role],
            name=item.name,
            participant_id=item.participant_id,
            version=item.version,
            rows=rows,
        )
    )


def table_plan(store: Store, event_id: str, *, version: int | None = None) -> pd.DataFrame:
    """Who sits at which table in each slot, for the floor staff.

    Returns
    -------
    pandas.DataFrame
        ``slot, start, end`` (local ``HH:MM``), ``table, supplier_id,
        supplier_name, imer_id, imer_name, status``, sorted by slot and table.
    """
    info = get_event(store, event_id)
    plan = meetings(store, event_id, version)
    people = participants(store, event_id)
    names = dict(
        zip(
            zip(people["role"], people["participant_id"], strict=True),
            people["public_name"],
            strict=True,
        )
    )
    slots = {s.slot: s for s in info.slots}
    return pd.DataFrame(
        {
            "slot": plan["slot"].astype(int),
            "start": [info.local(slots[int(s)].starts_at).strftime("%H:%M") for s in plan["slot"]],
            "end": [info.local(slots[int(s)].ends_at).strftime("%H:%M") for s in plan["slot"]],
            "table": plan["table"].astype(int),
            "supplier_id": plan["supplier_id"],
            "supplier_name": [names.get(("supplier", s), s) for s in plan["supplier_id"]],
            "imer_id": plan["imer_id"],
            "imer_name": [names.get(("imer", i), i) for i in plan["imer_id"]],
            "status": plan["status"],
        }
    ).reset_index(drop=True)


def table_plan_html(
    store: Store, event_id: str, *, lang: str = "id", version: int | None = None
) -> str:
    """The table plan as a printable page: one section per slot, every table listed."""
    lang = _check_lang(lang)
    info = get_event(store, event_id)
    plan = table_plan(store, event_id, version=version)
    sections = []
    for s in info.slots:
        here = plan.loc[plan["slot"] == s.slot].set_index("table")
        tables = []
        for n in range(1, info.n_tables + 1):
            if n in here.index:
                r = here.loc[n]
                tables.append(
                    {
                        "table": n,
                        "supplier": f"{r['supplier_name']} ({r['supplier_id']})",
                        "imer": f"{r['imer_name']} ({r['imer_id']})",
                        "status": _TEXT[lang].get(str(r["status"]), str(r["status"])),
                    }
                )
        sections.append(
            {
                "slot": s.slot,
                "time": f"{info.local(s.starts_at):%H:%M}–{info.local(s.ends_at):%H:%M}",
                "tables": tables,
                "free": info.n_tables - len(tables),
            }
        )
    first = info.slots[0].starts_at if info.slots else None
    return (
        _environment()
        .get_template("table_plan.html.j2")
        .render(
            t=_TEXT[lang],
            lang=lang,
            event=info,
            date=_long_date(info.local(first).date(), lang) if first else "",
            tz=info.timezone_label,
            sections=sections,
        )
    )


# --------------------------------------------------------------------- summaries
@dataclass(frozen=True, eq=False)
class Summary:
    """An event's (or a plan file's) numbers.

    Attributes
    ----------
    totals:
        Meetings, total score, participants, meetings per participant
        (mean, min, max), participants without a meeting, slots used,
        tables used at most in a slot, seat use (meetings / slots × tables),
        wishes honoured.
    per_participant:
        ``role, participant_id, meetings`` (+ ``held``, ``no_show`` for a
        stored event), sorted by role and id.
    per_slot:
        ``slot, meetings, tables_used``.
    wishes:
        ``supplier_id, imer_id, by, wish, honoured`` (a like/must is
        honoured when the pair meets; a "not" when it does not).
    """

    totals: dict[str, Any]
    per_participant: pd.DataFrame
    per_slot: pd.DataFrame
    wishes: pd.DataFrame


def plan_summary(
    schedule: pd.DataFrame,
    *,
    n_slots: int,
    n_tables: int,
    suppliers: list[str] | None = None,
    imers: list[str] | None = None,
    wish_frame: pd.DataFrame | None = None,
) -> Summary:
    """Summarise a schedule (``slot, table, supplier_id, imer_id, score`` and optional ``status``).

    Parameters
    ----------
    schedule:
        The meetings.
    n_slots, n_tables:
        The event's size.
    suppliers, imers:
        All participants (those in no meeting count with 0); default: those
        in the schedule.
    wish_frame:
        ``supplier_id, imer_id, by, wish`` to check against the schedule.
    """
    sup = sorted(set(suppliers or []) | set(schedule["supplier_id"].astype(str)))
    imr = sorted(set(imers or []) | set(schedule["imer_id"].astype(str)))
    rows = []
    has_status = "status" in schedule.columns
    for role, ids, col in (("supplier", sup, "supplier_id"), ("imer", imr, "imer_id")):
        counts = schedule.groupby(col).size()
        held = (
            schedule.loc[schedule["status"] == "held"].groupby(col).size() if has_status else None
        )
        missed = (
            schedule.loc[schedule["status"] == "no_show"].groupby(col).size()
            if has_status
            else None
        )
        for pid in ids:
            row: dict[str, Any] = {
                "role": role,
                "participant_id": pid,
                "meetings": int(counts.get(pid, 0)),
            }
            if held is not None and missed is not None:
                row["held"] = int(held.get(pid, 0))
                row["no_show"] = int(missed.get(pid, 0))
            rows.append(row)
    per_participant = pd.DataFrame(
        rows,
        columns=[
            "role",
            "participant_id",
            "meetings",
            *(["held", "no_show"] if has_status else []),
        ],
    )
    per_slot = pd.DataFrame(
        {
            "slot": range(1, n_slots + 1),
            "meetings": [int((schedule["slot"] == s).sum()) for s in range(1, n_slots + 1)],
            "tables_used": [
                int(schedule.loc[schedule["slot"] == s, "table"].max())
                if (schedule["slot"] == s).any()
                else 0
                for s in range(1, n_slots + 1)
            ],
        }
    )
    met = set(
        zip(schedule["supplier_id"].astype(str), schedule["imer_id"].astype(str), strict=True)
    )
    wish_rows = []
    if wish_frame is not None and not wish_frame.empty:
        for s, i, by, w in zip(
            wish_frame["supplier_id"],
            wish_frame["imer_id"],
            wish_frame["by"],
            wish_frame["wish"],
            strict=True,
        ):
            ok = ((s, i) in met) if w in ("must", "like") else ((s, i) not in met)
            wish_rows.append((s, i, by, w, ok))
    wish_table = pd.DataFrame(
        wish_rows, columns=["supplier_id", "imer_id", "by", "wish", "honoured"]
    )
    counts = per_participant["meetings"] if len(per_participant) else pd.Series([0])
    totals: dict[str, Any] = {
        "meetings": len(schedule),
        "total_score": float(schedule["score"].sum()) if len(schedule) else 0.0,
        "suppliers": len(sup),
        "imers": len(imr),
        "meetings_per_participant_mean": float(counts.mean()) if len(counts) else 0.0,
        "meetings_per_participant_min": int(counts.min()) if len(counts) else 0,
        "meetings_per_participant_max": int(counts.max()) if len(counts) else 0,
        "participants_without_meeting": int((per_participant["meetings"] == 0).sum()),
        "slots_used": int((per_slot["meetings"] > 0).sum()),
        "slots": n_slots,
        "tables": n_tables,
        "tables_used_max": int(per_slot["tables_used"].max()) if len(per_slot) else 0,
        "seat_use": len(schedule) / (n_slots * n_tables) if n_slots * n_tables else 0.0,
    }
    for kind in ("must", "like", "not"):
        part = wish_table.loc[wish_table["wish"] == kind]
        totals[f"wishes_{kind}"] = len(part)
        totals[f"wishes_{kind}_honoured"] = int(part["honoured"].sum()) if len(part) else 0
    return Summary(totals, per_participant, per_slot, wish_table)


def event_summary(store: Store, event_id: str, *, version: int | None = None) -> Summary:
    """Summary of a stored event's current plan (or ``version``) with statuses and wishes."""
    info = get_event(store, event_id)
    plan = meetings(store, event_id, version)
    people = participants(store, event_id)
    summary = plan_summary(
        plan,
        n_slots=info.n_slots,
        n_tables=info.n_tables,
        suppliers=people.loc[people["role"] == "supplier", "participant_id"].tolist(),
        imers=people.loc[people["role"] == "imer", "participant_id"].tolist(),
        wish_frame=wishes(store, event_id),
    )
    totals = dict(summary.totals)
    totals["held"] = int((plan["status"] == "held").sum())
    totals["no_show"] = int((plan["status"] == "no_show").sum())
    for outcome in ("no_interest", "follow_up", "deal"):
        totals[f"outcome_{outcome}"] = int((plan["outcome"] == outcome).sum())
    return Summary(totals, summary.per_participant, summary.per_slot, summary.wishes)
