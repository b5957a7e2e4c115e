"""The contract's meeting-schedule files: PAIRS.csv and UNAVAILABLE.csv in, SCHEDULE.csv out.

Bad rows are collected as :class:`~matchmaker.ingest.RowError` (file, row,
column, value, reason) and the rest of the file still loads. Row numbers are
spreadsheet rows: the header is row 1.

An id in UNAVAILABLE.csv is looked up among the suppliers and the Imers of
PAIRS.csv. When the same id names a supplier *and* an Imer, the row applies to
both (a plan never puts anyone in a slot they may have ruled out) and a note
says so; an optional ``role`` column (``supplier``/``imer``) picks one side.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from matchmaker.errors import InputFileError, ParseError
from matchmaker.events.model import PAIR_COLUMNS, SCHEDULE_COLUMNS, Role
from matchmaker.ingest import RawTable, RowError, read_table
from matchmaker.parsing import is_blank, parse_bool, parse_float, parse_int

__all__ = [
    "PairsFile",
    "ParticipantsFile",
    "UnavailableFile",
    "parse_pairs",
    "parse_participants",
    "parse_slots",
    "parse_unavailable",
    "read_pairs",
    "read_participants",
    "read_unavailable",
    "write_schedule",
]

_PAIR_ALIASES: dict[str, tuple[str, ...]] = {
    "supplier_id": ("supplier_id", "supplier", "umkm_id", "id_supplier"),
    "imer_id": ("imer_id", "imer", "id_imer"),
    "score": ("score", "skor", "compatibility"),
    "must_meet": ("must_meet", "must", "wajib_bertemu", "wajib"),
}
_UNAVAILABLE_ALIASES: dict[str, tuple[str, ...]] = {
    "participant_id": ("participant_id", "participant", "id", "peserta_id", "id_peserta"),
    "slot": ("slot", "slots", "sesi"),
    "role": ("role", "side", "kind", "peran"),
}
_ROLE_WORDS: dict[str, Role] = {
    "supplier": "supplier",
    "suppliers": "supplier",
    "umkm": "supplier",
    "pemasok": "supplier",
    "imer": "imer",
    "imers": "imer",
    "marketer": "imer",
}


@dataclass
class PairsFile:
    """Good rows of a PAIRS file (``PAIR_COLUMNS``) and the bad ones."""

    source: str
    pairs: pd.DataFrame
    errors: list[RowError] = field(default_factory=list)


@dataclass
class ParticipantsFile:
    """Good rows of a participants file and the bad ones.

    ``participants``: ``role, participant_id, max_meetings`` (``None`` for the
    event default), ``display_name``, ``row``; ``unavailable``: ``(role, id,
    slot)`` from an ``unavailable_slots`` column.
    """

    source: str
    participants: pd.DataFrame
    unavailable: frozenset[tuple[Role, str, int]]
    errors: list[RowError] = field(default_factory=list)


@dataclass
class UnavailableFile:
    """Good rows of an UNAVAILABLE file as ``(role, id, slot)`` and the bad ones."""

    source: str
    unavailable: frozenset[tuple[Role, str, int]]
    errors: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _columns(
    table: RawTable, aliases: dict[str, tuple[str, ...]], required: tuple[str, ...]
) -> dict[str, int]:
    found: dict[str, int] = {}
    for name, options in aliases.items():
        for option in options:
            if option in table.columns:
                found[name] = table.columns.index(option)
                break
    missing = [c for c in required if c not in found]
    if missing:
        raise InputFileError(
            f"{table.source}: missing column(s) {', '.join(missing)}; the header has "
            f"{', '.join(c for c in table.columns if c) or 'no names'}"
        )
    return found


def _shown(value: Any) -> str | None:
    if is_blank(value):
        return None
    return str(value)[:80]


def _identifier(value: Any) -> str | None:
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_pairs(table: RawTable) -> PairsFile:
    """Parse a read PAIRS table (see :func:`read_pairs`)."""
    cols = _columns(table, _PAIR_ALIASES, ("supplier_id", "imer_id", "score"))
    errors = list(table.errors)
    records: list[tuple[str, str, float, bool]] = []
    seen: dict[tuple[str, str], int] = {}
    for cells, row in zip(table.rows, table.row_numbers, strict=True):
        bad: list[RowError] = []
        sid = _identifier(cells[cols["supplier_id"]])
        iid = _identifier(cells[cols["imer_id"]])
        if sid is None:
            bad.append(RowError(table.source, row, "supplier_id", None, "supplier_id is empty"))
        if iid is None:
            bad.append(RowError(table.source, row, "imer_id", None, "imer_id is empty"))
        raw_score = cells[cols["score"]]
        score: float | None = None
        try:
            score = parse_float(raw_score, field="score")
            if score is None:
                bad.append(RowError(table.source, row, "score", None, "score is empty"))
            elif not math.isfinite(score):
                bad.append(
                    RowError(table.source, row, "score", _shown(raw_score), "score must be finite")
                )
        except ParseError as exc:
            bad.append(RowError(table.source, row, "score", _shown(raw_score), str(exc)))
        must = False
        if "must_meet" in cols:
            raw_must = cells[cols["must_meet"]]
            try:
                must = bool(parse_bool(raw_must))
            except ParseError as exc:
                bad.append(RowError(table.source, row, "must_meet", _shown(raw_must), str(exc)))
        if not bad and sid is not None and iid is not None and score is not None:
            key = (sid, iid)
            if key in seen:
                bad.append(
                    RowError(
                        table.source,
                        row,
                        None,
                        None,
                        f"pair ({sid}, {iid}) is already listed on row {seen[key]}; "
                        "keep one row per pair",
                    )
                )
            else:
                seen[key] = row
                records.append((sid, iid, score, must))
        errors.extend(bad)
    pairs = pd.DataFrame(records, columns=list(PAIR_COLUMNS)).astype(
        {"supplier_id": str, "imer_id": str, "score": "float64", "must_meet": bool}
    )
    return PairsFile(table.source, pairs, sorted(errors, key=lambda e: e.row))


def read_pairs(path: str | Path, *, sheet: str | None = None) -> PairsFile:
    """Read PAIRS.csv (or XLSX): ``supplier_id, imer_id, score`` and optional ``must_meet``.

    Parameters
    ----------
    path:
        The file.
    sheet:
        Worksheet of an XLSX file (default: the first).

    Returns
    -------
    PairsFile
        The good rows (one per pair) and a :class:`RowError` per bad row:
        an empty id, a score that is not a finite number, a ``must_meet``
        that is not a yes/no value, or a pair listed again.

    Raises
    ------
    InputFileError
        If the file cannot be read or lacks a required column.
    """
    return parse_pairs(read_table(path, sheet=sheet))


_SLOT_SPLIT = re.compile(r"\s*[;,/]\s*|\s+")
_SLOT_RANGE = re.compile(r"^(\d+)\s*(?:-|–|s/d|sd|to|sampai)\s*(\d+)$")


def parse_slots(value: Any, n_slots: int) -> list[int]:
    """Slot numbers from a cell: ``3``, a range ``3-5`` or a list ``3;5;7``.

    Raises
    ------
    ParseError
        If the cell is empty, not numbers, or a slot is outside ``1 … n_slots``.
    """
    if is_blank(value):
        raise ParseError("slot is empty")
    text = str(value).strip().casefold()
    match = _SLOT_RANGE.match(text)
    if match is not None:
        first, last = int(match[1]), int(match[2])
        if first > last:
            raise ParseError(f"slot range {value!r} runs backwards; write it as {last}-{first}")
        numbers = list(range(first, last + 1))
    else:
        numbers = []
        for part in _SLOT_SPLIT.split(text):
            if not part:
                continue
            number = parse_int(part, minimum=1, field="slot")
            if number is None:  # pragma: no cover - part is not blank
                continue
            numbers.append(number)
        if not numbers:
            raise ParseError("slot is empty")
    for number in numbers:
        if not 1 <= number <= n_slots:
            raise ParseError(f"slot {number} is outside 1-{n_slots} (slots count from 1)")
    return numbers


def parse_unavailable(
    table: RawTable, *, n_slots: int, suppliers: set[str], imers: set[str]
) -> UnavailableFile:
    """Parse a read UNAVAILABLE table (see :func:`read_unavailable`)."""
    cols = _columns(table, _UNAVAILABLE_ALIASES, ("participant_id", "slot"))
    errors = list(table.errors)
    notes: list[str] = []
    found: set[tuple[Role, str, int]] = set()
    for cells, row in zip(table.rows, table.row_numbers, strict=True):
        pid = _identifier(cells[cols["participant_id"]])
        if pid is None:
            errors.append(
                RowError(table.source, row, "participant_id", None, "participant_id is empty")
            )
            continue
        raw_slot = cells[cols["slot"]]
        try:
            slots = parse_slots(raw_slot, n_slots)
        except ParseError as exc:
            errors.append(RowError(table.source, row, "slot", _shown(raw_slot), str(exc)))
            continue
        roles: list[Role] = []
        raw_role = cells[cols["role"]] if "role" in cols else None
        if not is_blank(raw_role):
            role = _ROLE_WORDS.get(str(raw_role).strip().casefold())
            if role is None:
                errors.append(
                    RowError(
                        table.source, row, "role", _shown(raw_role), "role must be supplier or imer"
                    )
                )
                continue
            known = suppliers if role == "supplier" else imers
            if pid not in known:
                errors.append(
                    RowError(
                        table.source,
                        row,
                        "participant_id",
                        pid,
                        f"no {role} {pid!r} in the pairs file; check the id or the role",
                    )
                )
                continue
            roles = [role]
        else:
            if pid in suppliers:
                roles.append("supplier")
            if pid in imers:
                roles.append("imer")
            if not roles:
                errors.append(
                    RowError(
                        table.source,
                        row,
                        "participant_id",
                        pid,
                        "not a supplier or Imer of the pairs file; check the id",
                    )
                )
                continue
            if len(roles) == 2:
                notes.append(
                    f"{table.source}, row {row}: {pid!r} is both a supplier and an Imer in the "
                    "pairs file; the unavailability applies to both (add a role column to pick one)"
                )
        for role in roles:
            for slot in slots:
                found.add((role, pid, slot))
    return UnavailableFile(
        table.source, frozenset(found), sorted(errors, key=lambda e: e.row), notes
    )


def read_unavailable(
    path: str | Path,
    *,
    n_slots: int,
    suppliers: set[str],
    imers: set[str],
    sheet: str | None = None,
) -> UnavailableFile:
    """Read UNAVAILABLE.csv (or XLSX): ``participant_id, slot`` and optional ``role``.

    Parameters
    ----------
    path:
        The file.
    n_slots:
        Number of slots of the event (slots count from 1).
    suppliers, imers:
        Ids of the pairs file, to tell which side an id is on.
    sheet:
        Worksheet of an XLSX file.

    Returns
    -------
    UnavailableFile
        ``(role, id, slot)`` triples. A ``slot`` cell may hold one slot, a
        range (``3-5``) or a list (``3;7``). Bad rows: an empty id, an id in
        no pair, a slot outside ``1 … n_slots``, an unknown role.

    Raises
    ------
    InputFileError
        If the file cannot be read or lacks a required column.
    """
    return parse_unavailable(
        read_table(path, sheet=sheet), n_slots=n_slots, suppliers=suppliers, imers=imers
    )


def write_schedule(schedule: pd.DataFrame, path: str | Path) -> Path:
    """Write SCHEDULE.csv: ``slot, table, supplier_id, imer_id, score`` (UTF-8, sorted).

    Parameters
    ----------
    schedule:
        A frame with at least ``SCHEDULE_COLUMNS`` (``Plan.meetings`` or
        ``Plan.schedule()``).
    path:
        Target file (its folder is created).

    Returns
    -------
    pathlib.Path
        The file written.
    """
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    frame = schedule.loc[:, list(SCHEDULE_COLUMNS)].sort_values(["slot", "table"], kind="stable")
    frame.to_csv(out, index=False, lineterminator="\n")
    return out


_PARTICIPANT_ALIASES: dict[str, tuple[str, ...]] = {
    "role": ("role", "side", "kind", "peran"),
    "participant_id": ("participant_id", "participant", "id", "peserta_id", "id_peserta"),
    "supplier_id": ("supplier_id", "umkm_id"),
    "imer_id": ("imer_id",),
    "max_meetings": ("max_meetings", "maks_pertemuan", "max"),
    "display_name": ("display_name", "nama_tampil", "public_name"),
    "unavailable_slots": ("unavailable_slots", "unavailable", "tidak_bisa", "sesi_tidak_bisa"),
}


def parse_participants(table: RawTable, *, n_slots: int) -> ParticipantsFile:
    """Parse a read participants table (see :func:`read_participants`)."""
    cols = _columns(table, _PARTICIPANT_ALIASES, ())
    if "participant_id" not in cols and "supplier_id" not in cols and "imer_id" not in cols:
        raise InputFileError(
            f"{table.source}: needs role and participant_id columns, or supplier_id / imer_id "
            "columns"
        )
    if "participant_id" in cols and "role" not in cols:
        raise InputFileError(f"{table.source}: a participant_id column needs a role column")
    errors = list(table.errors)
    records: list[tuple[Role, str, int | None, str | None, int]] = []
    unavailable: set[tuple[Role, str, int]] = set()
    seen: dict[tuple[Role, str], int] = {}
    for cells, row in zip(table.rows, table.row_numbers, strict=True):
        entries: list[tuple[Role, str]] = []
        if "participant_id" in cols:
            pid = _identifier(cells[cols["participant_id"]])
            raw_role = cells[cols["role"]]
            role = _ROLE_WORDS.get(str(raw_role).strip().casefold())
            if pid is None:
                errors.append(
                    RowError(table.source, row, "participant_id", None, "participant_id is empty")
                )
                continue
            if role is None:
                errors.append(
                    RowError(
                        table.source, row, "role", _shown(raw_role), "role must be supplier or imer"
                    )
                )
                continue
            entries.append((role, pid))
        for col, role_name in (("supplier_id", "supplier"), ("imer_id", "imer")):
            if col in cols:
                pid = _identifier(cells[cols[col]])
                if pid is not None:
                    entries.append((_ROLE_WORDS[role_name], pid))
        if not entries:
            errors.append(RowError(table.source, row, None, None, "no participant id on this row"))
            continue
        max_value: int | None = None
        if "max_meetings" in cols:
            raw = cells[cols["max_meetings"]]
            try:
                max_value = parse_int(raw, minimum=0, field="max_meetings")
            except ParseError as exc:
                errors.append(RowError(table.source, row, "max_meetings", _shown(raw), str(exc)))
                continue
        shown: str | None = None
        if "display_name" in cols and not is_blank(cells[cols["display_name"]]):
            shown = str(cells[cols["display_name"]]).strip()[:300]
        slots: list[int] = []
        if "unavailable_slots" in cols and not is_blank(cells[cols["unavailable_slots"]]):
            raw = cells[cols["unavailable_slots"]]
            try:
                slots = parse_slots(raw, n_slots)
            except ParseError as exc:
                errors.append(
                    RowError(table.source, row, "unavailable_slots", _shown(raw), str(exc))
                )
                continue
        for role, pid in entries:
            if (role, pid) in seen:
                errors.append(
                    RowError(
                        table.source,
                        row,
                        None,
                        pid,
                        f"{role} {pid!r} is already listed on row {seen[(role, pid)]}",
                    )
                )
                continue
            seen[(role, pid)] = row
            records.append((role, pid, max_value, shown, row))
            unavailable.update((role, pid, slot) for slot in slots)
    names = ["role", "participant_id", "max_meetings", "display_name", "row"]
    frame = pd.DataFrame(
        {name: pd.Series([r[k] for r in records], dtype=object) for k, name in enumerate(names)}
    )
    return ParticipantsFile(
        table.source, frame, frozenset(unavailable), sorted(errors, key=lambda e: e.row)
    )


def read_participants(
    path: str | Path, *, n_slots: int, sheet: str | None = None
) -> ParticipantsFile:
    """Read an event's participants file (CSV or XLSX).

    Columns: ``role`` (``supplier``/``imer``) and ``participant_id`` — or a
    ``supplier_id`` and/or ``imer_id`` column — and optionally
    ``max_meetings``, ``display_name`` (the name shown to the other side)
    and ``unavailable_slots`` (``1-3``, ``2;7``).

    Returns
    -------
    ParticipantsFile

    Raises
    ------
    InputFileError
        If the file cannot be read or has no id column.
    """
    return parse_participants(read_table(path, sheet=sheet), n_slots=n_slots)
