"""Tolerant import of supplier, Imer and partnership files into the registry.

Reading (:func:`read_table`) accepts CSV in UTF-8 (with or without BOM) or
Windows-1252, comma-, semicolon- or tab-delimited, and XLSX; headers are
matched case- and spacing-insensitively. Parsing (:func:`parse_suppliers`,
:func:`parse_imers`, :func:`parse_partnerships`) turns every row into the
canonical frames of :mod:`matchmaker.schema` or into :class:`RowError` records
naming the file, row, column and reason. A bad row never stops the good ones;
:func:`import_file` then upserts the good rows and writes the rejects.

Row numbers are those a person sees in a spreadsheet: the header is row 1.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import re
from collections.abc import Callable, Hashable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from rapidfuzz import process

from matchmaker import parsing
from matchmaker.errors import InputFileError, MatchmakerError, ParseError
from matchmaker.reference import stage_for_revenue, umkm_class_for_revenue
from matchmaker.schema import IMER_COLUMNS, SUPPLIER_COLUMNS
from matchmaker.store import NewEvent, Store, UpsertResult

__all__ = [
    "IMER_SPEC",
    "PARTNERSHIP_SPEC",
    "SUPPLIER_SPEC",
    "ImportKind",
    "ImportReport",
    "IngestResult",
    "RawTable",
    "RowError",
    "import_file",
    "parse_imers",
    "parse_partnerships",
    "parse_suppliers",
    "partnership_events",
    "read_table",
    "write_rejects",
]

log = logging.getLogger(__name__)

ImportKind = Literal["suppliers", "imers", "partnerships"]

_MAX_UNITS = 1_000_000_000
_MAX_MOQ = 10_000_000
_MAX_ID_LEN = 64
_EMAIL = re.compile(r"^[^@\s;,]+@[^@\s;,]+\.[^@\s;,]+$")
_PHONE = re.compile(r"^[+()\d][\d\s().\-/]{5,24}$")


# --------------------------------------------------------------------- records
@dataclass(frozen=True)
class RowError:
    """One reason a row was rejected."""

    file: str
    row: int
    column: str | None
    value: str | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}, row {self.row}"
        if self.column:
            where += f", column {self.column}"
        shown = "" if self.value is None else f" (value {self.value!r})"
        return f"{where}: {self.reason}{shown}"


@dataclass
class RawTable:
    """A file read as text cells: normalised headers, values and spreadsheet row numbers."""

    source: str
    columns: list[str]
    rows: list[list[Any]]
    row_numbers: list[int]
    encoding: str | None = None
    delimiter: str | None = None
    errors: list[RowError] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.rows)


@dataclass
class IngestResult:
    """Canonical frames for the good rows and the errors of the bad ones."""

    kind: ImportKind
    source: str
    frame: pd.DataFrame
    contacts: pd.DataFrame
    errors: list[RowError]
    n_rows: int
    row_numbers: list[int] = field(default_factory=list)

    @property
    def rejected_rows(self) -> list[int]:
        """Sorted row numbers with at least one error."""
        return sorted({e.row for e in self.errors if e.row > 1})


@dataclass
class ImportReport:
    """What an import did, for people and scripts."""

    kind: ImportKind
    source: str
    rows: int
    loaded: int
    rejected: int
    inserted: int
    updated: int
    unchanged: int
    errors: list[RowError]
    encoding: str | None = None
    delimiter: str | None = None
    derived: dict[str, dict[str, int]] = field(default_factory=dict)
    rejects_path: str | None = None
    summary_path: str | None = None

    @property
    def ok(self) -> bool:
        """Whether every row loaded."""
        return self.rejected == 0 and not any(e.row <= 1 for e in self.errors)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable summary (errors included)."""
        data = asdict(self)
        data["ok"] = self.ok
        return data


# --------------------------------------------------------------------- reading
def _normalise_header(name: object) -> str:
    text = str(name or "").replace("\ufeff", "").strip().lower()
    text = re.sub(r"[\s\-./]+", "_", text)
    return re.sub(r"_+", "_", text).strip("_")


def _decode(data: bytes, source: str) -> tuple[str, str]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    # Windows-1252 leaves five bytes undefined; Latin-1 maps every byte.
    log.warning("%s is neither UTF-8 nor Windows-1252; read as Latin-1", source)
    return data.decode("latin-1"), "latin-1"


def _sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] > 0 else ","


def read_table(path: str | Path, *, sheet: str | None = None) -> RawTable:
    """Read a CSV or XLSX file into text cells with normalised headers.

    Parameters
    ----------
    path:
        A ``.csv`` (or ``.txt``/``.tsv``) or ``.xlsx`` file.
    sheet:
        The worksheet of an XLSX file (default: the first).

    Raises
    ------
    InputFileError
        The file is missing, empty, has no header, or is not CSV/XLSX.
    """
    p = Path(path)
    source = p.name
    if not p.exists():
        raise InputFileError(f"{p}: no such file")
    if p.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(p, sheet)
    data = p.read_bytes()
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(p, sheet)
    return read_csv_bytes(data, source)


def read_csv_bytes(data: bytes, source: str) -> RawTable:
    """Read CSV content (see :func:`read_table`)."""
    if not data.strip(b"\xef\xbb\xbf \r\n\t"):
        raise InputFileError(f"{source}: the file is empty; expected a header row and data rows")
    if b"\x00" in data[:4096]:
        raise InputFileError(
            f"{source}: looks like a binary file, not CSV; save it as CSV (UTF-8) or XLSX"
        )
    text, encoding = _decode(data, source)
    first_line = text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""
    delimiter = _sniff_delimiter(first_line)
    reader = csv.reader(
        io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=delimiter, strict=True
    )
    table = RawTable(source, [], [], [], encoding=encoding, delimiter=delimiter)
    try:
        header: list[str] | None = None
        while True:
            start_line = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                break
            if header is None:
                if not any(c.strip() for c in cells):
                    continue
                header = [_normalise_header(c) for c in cells]
                table.columns = header
                continue
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                if len(cells) > len(header) and not any(c.strip() for c in cells[len(header) :]):
                    cells = cells[: len(header)]
                else:
                    table.errors.append(
                        RowError(
                            source,
                            start_line,
                            None,
                            None,
                            f"row has {len(cells)} fields but the header has {len(header)}; "
                            f"check quoting and the delimiter ({delimiter!r})",
                        )
                    )
                    continue
            table.rows.append(cells)
            table.row_numbers.append(start_line)
    except csv.Error as exc:
        raise InputFileError(
            f"{source}, line {reader.line_num}: malformed CSV ({exc}); check for an unclosed quote"
        ) from exc
    if not table.columns:
        raise InputFileError(f"{source}: the file has no header row")
    _check_header(table)
    return table


def _read_xlsx(p: Path, sheet: str | None) -> RawTable:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(p, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for broken files
        raise InputFileError(f"{p.name}: cannot be read as XLSX ({exc})") from exc
    try:
        if sheet is not None and sheet not in wb.sheetnames:
            raise InputFileError(f"{p.name}: no worksheet {sheet!r}; sheets are {wb.sheetnames}")
        ws = wb[sheet] if sheet is not None else wb.worksheets[0]
        table = RawTable(p.name, [], [], [], encoding="xlsx", delimiter=None)
        header: list[str] | None = None
        for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
            cells = ["" if v is None else v for v in values]
            if not any(str(c).strip() for c in cells):
                continue
            if header is None:
                header = [_normalise_header(c) for c in cells]
                while header and not header[-1]:
                    header.pop()
                table.columns = header
                continue
            cells = list(cells[: len(header)]) + [""] * max(0, len(header) - len(cells))
            table.rows.append(cells)
            table.row_numbers.append(number)
    finally:
        wb.close()
    if not table.columns:
        raise InputFileError(f"{p.name}: the worksheet is empty; expected a header row")
    _check_header(table)
    return table


def _check_header(table: RawTable) -> None:
    seen: set[str] = set()
    for col in table.columns:
        if col and col in seen:
            raise InputFileError(f"{table.source}: column {col!r} appears twice in the header")
        seen.add(col)


# --------------------------------------------------------------------- parsing
Parser = Callable[[Any], Any]


@dataclass(frozen=True)
class ColumnSpec:
    """How one contract column is parsed."""

    name: str
    parse: Parser
    required: bool = False


def _text(value: Any) -> str | None:
    if parsing.is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", " ", str(value)).strip() or None


def _identifier(value: Any) -> str | None:
    text = _text(value)
    if text is not None and len(text) > _MAX_ID_LEN:
        raise ParseError(f"id is longer than {_MAX_ID_LEN} characters")
    return text


def _email(value: Any) -> str | None:
    text = _text(value)
    if text is None:
        return None
    if not _EMAIL.match(text):
        raise ParseError("not an email address (expected name@domain)")
    return text


def _phone(value: Any) -> str | None:
    text = _text(value)
    if text is None:
        return None
    if not _PHONE.match(text) or sum(ch.isdigit() for ch in text) < 6:
        raise ParseError("not a phone number (expected digits such as 0812-3456-7890 or +62 …)")
    return text


def _units(value: Any) -> int | None:
    return parsing.parse_int(value, minimum=0, maximum=_MAX_UNITS, field="units")


def _moq(value: Any) -> int | None:
    return parsing.parse_int(value, minimum=1, maximum=_MAX_MOQ, field="minimum order")


def _outcome_units(value: Any) -> float | None:
    return parsing.parse_float(value, minimum=0, maximum=_MAX_UNITS, field="monthly units")


_STATUS_WORDS = {
    "proposed": "proposed",
    "diusulkan": "proposed",
    "usulan": "proposed",
    "accepted": "accepted",
    "diterima": "accepted",
    "active": "active",
    "aktif": "active",
    "ended": "ended",
    "selesai": "ended",
    "berakhir": "ended",
    "declined": "declined",
    "ditolak": "declined",
    "rejected": "declined",
}


def _status(value: Any) -> str | None:
    text = _text(value)
    if text is None:
        return None
    key = text.casefold()
    if key in _STATUS_WORDS:
        return _STATUS_WORDS[key]
    found = process.extract(key, list(_STATUS_WORDS), limit=3)
    raise ParseError(
        f"unknown status {text!r}; use proposed, active, ended or declined",
        [_STATUS_WORDS[m[0]] for m in found if m[1] >= 60],
    )


SUPPLIER_SPEC: tuple[ColumnSpec, ...] = (
    ColumnSpec("supplier_id", _identifier, required=True),
    ColumnSpec("name", _text, required=True),
    ColumnSpec("province", parsing.parse_province, required=True),
    ColumnSpec("city", _text),
    ColumnSpec("categories", parsing.parse_categories, required=True),
    ColumnSpec("products", _text),
    ColumnSpec("annual_revenue_idr", parsing.parse_money),
    ColumnSpec("monthly_capacity_units", _units),
    ColumnSpec("min_order_qty", _moq),
    ColumnSpec("unit_price_idr", parsing.parse_money),
    ColumnSpec("dropship", parsing.parse_bool),
    ColumnSpec("certifications", parsing.parse_certifications),
    ColumnSpec("ships_to", parsing.parse_provinces),
    ColumnSpec("phone", _phone),
    ColumnSpec("email", _email),
)

IMER_SPEC: tuple[ColumnSpec, ...] = (
    ColumnSpec("imer_id", _identifier, required=True),
    ColumnSpec("name", _text, required=True),
    ColumnSpec("province", parsing.parse_province, required=True),
    ColumnSpec("city", _text),
    ColumnSpec("monthly_revenue_idr", parsing.parse_money),
    ColumnSpec("stage", parsing.parse_stage),
    ColumnSpec("categories", parsing.parse_categories, required=True),
    ColumnSpec("products", _text),
    ColumnSpec("channels", parsing.parse_channels),
    ColumnSpec("target_provinces", parsing.parse_provinces),
    ColumnSpec("monthly_ad_budget_idr", parsing.parse_money),
    ColumnSpec("monthly_orders", _units),
    ColumnSpec("needs_dropship", parsing.parse_bool),
    ColumnSpec("required_certifications", parsing.parse_certifications),
    ColumnSpec("phone", _phone),
    ColumnSpec("email", _email),
)

PARTNERSHIP_SPEC: tuple[ColumnSpec, ...] = (
    ColumnSpec("supplier_id", _identifier, required=True),
    ColumnSpec("imer_id", _identifier, required=True),
    ColumnSpec("status", _status, required=True),
    ColumnSpec("started_at", parsing.parse_date),
    ColumnSpec("ended_at", parsing.parse_date),
    ColumnSpec("monthly_units", _outcome_units),
    ColumnSpec("rating", parsing.parse_rating),
)

_SPECS: dict[ImportKind, tuple[ColumnSpec, ...]] = {
    "suppliers": SUPPLIER_SPEC,
    "imers": IMER_SPEC,
    "partnerships": PARTNERSHIP_SPEC,
}


def _column_positions(
    table: RawTable, spec: tuple[ColumnSpec, ...], kind: ImportKind
) -> dict[str, int]:
    positions = {name: i for i, name in enumerate(table.columns) if name}
    missing = [c.name for c in spec if c.required and c.name not in positions]
    if missing:
        hints = []
        for name in missing:
            best = process.extractOne(name, list(positions)) if positions else None
            if best and best[1] >= 70:
                hints.append(f"{name} (found {best[0]!r}: rename it)")
            else:
                hints.append(name)
        raise InputFileError(
            f"{table.source}: missing required column(s) {', '.join(hints)} for {kind}; "
            f"columns found: {', '.join(table.columns) or 'none'}"
        )
    return positions


def _parse_rows(
    table: RawTable, kind: ImportKind
) -> tuple[list[dict[str, Any]], list[int], list[RowError], list[dict[str, Any]]]:
    """Parse every cell of every row; memoised per distinct value and column."""
    spec = _SPECS[kind]
    positions = _column_positions(table, spec, kind)
    known = {c.name for c in spec}
    extra_cols = [c for c in table.columns if c and c not in known]
    errors = list(table.errors)
    good: list[dict[str, Any]] = []
    good_rows: list[int] = []
    extras: list[dict[str, Any]] = []
    caches: dict[str, dict[Hashable, tuple[bool, Any]]] = {c.name: {} for c in spec}
    for cells, number in zip(table.rows, table.row_numbers, strict=True):
        record: dict[str, Any] = {}
        row_errors: list[RowError] = []
        for col in spec:
            pos = positions.get(col.name)
            raw = cells[pos] if pos is not None else None
            cache = caches[col.name]
            key: Hashable = raw if isinstance(raw, Hashable) else repr(raw)
            hit = cache.get(key)
            if hit is None:
                try:
                    hit = (True, col.parse(raw))
                except ParseError as exc:
                    hit = (False, exc.args[0] if exc.args else str(exc))
                except MatchmakerError as exc:
                    hit = (False, str(exc))
                if len(cache) < 50_000:
                    cache[key] = hit
            ok, value = hit
            if not ok:
                row_errors.append(RowError(table.source, number, col.name, _shown(raw), value))
                continue
            if col.required and (value is None or value == []):
                row_errors.append(
                    RowError(table.source, number, col.name, None, f"{col.name} is required")
                )
                continue
            record[col.name] = value
        if row_errors:
            errors.extend(row_errors)
            continue
        good.append(record)
        good_rows.append(number)
        extras.append({c: _text(cells[positions[c]]) for c in extra_cols})
    return good, good_rows, errors, extras


def _shown(raw: Any) -> str | None:
    if raw is None:
        return None
    text = str(raw)
    return text if len(text) <= 80 else text[:77] + "..."


def _drop_duplicate_ids(
    records: list[dict[str, Any]],
    rows: list[int],
    extras: list[dict[str, Any]],
    key: tuple[str, ...],
    source: str,
) -> tuple[list[dict[str, Any]], list[int], list[dict[str, Any]], list[RowError]]:
    first: dict[tuple[Any, ...], int] = {}
    keep_r: list[dict[str, Any]] = []
    keep_n: list[int] = []
    keep_e: list[dict[str, Any]] = []
    errors: list[RowError] = []
    for rec, number, extra in zip(records, rows, extras, strict=True):
        k = tuple(rec[c] for c in key)
        if k in first:
            label = "/".join(str(v) for v in k)
            errors.append(
                RowError(
                    source,
                    number,
                    key[0] if len(key) == 1 else "+".join(key),
                    label,
                    f"duplicate {' + '.join(key)} {label!r} in this file (first at row "
                    f"{first[k]}); keep one row per id",
                )
            )
            continue
        first[k] = number
        keep_r.append(rec)
        keep_n.append(number)
        keep_e.append(extra)
    return keep_r, keep_n, keep_e, errors


def _contacts_frame(records: list[dict[str, Any]], key: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "profile_id": [r[key] for r in records],
            "phone": [r.get("phone") for r in records],
            "email": [r.get("email") for r in records],
        }
    )


def _float(value: Any) -> float:
    return float("nan") if value is None else float(value)


def parse_suppliers(table: RawTable, *, keep_extra: bool = False) -> IngestResult:
    """Parse a suppliers table into the canonical supplier frame and contacts.

    The UMKM class is derived from ``annual_revenue_idr`` (PP 7/2021 bands).
    """
    records, rows, errors, extras = _parse_rows(table, "suppliers")
    records, rows, extras, dupes = _drop_duplicate_ids(
        records, rows, extras, ("supplier_id",), table.source
    )
    errors.extend(dupes)
    data = {
        "supplier_id": [r["supplier_id"] for r in records],
        "name": [r["name"] for r in records],
        "province": [r["province"] for r in records],
        "city": [r.get("city") for r in records],
        "categories": [r["categories"] for r in records],
        "products": [r.get("products") or "" for r in records],
        "annual_revenue_idr": [_float(r.get("annual_revenue_idr")) for r in records],
        "umkm_class": [
            None
            if r.get("annual_revenue_idr") is None
            else umkm_class_for_revenue(r["annual_revenue_idr"])
            for r in records
        ],
        "monthly_capacity_units": [_float(r.get("monthly_capacity_units")) for r in records],
        "min_order_qty": [int(r.get("min_order_qty") or 1) for r in records],
        "unit_price_idr": [_float(r.get("unit_price_idr")) for r in records],
        "dropship": [bool(r.get("dropship") or False) for r in records],
        "certifications": [r.get("certifications") or [] for r in records],
        "ships_to": [r.get("ships_to") or parsing.parse_provinces(None) for r in records],
    }
    frame = pd.DataFrame(data, columns=list(SUPPLIER_COLUMNS))
    frame = _typed(frame)
    if keep_extra:
        frame["extra"] = pd.Series(extras, index=frame.index, dtype=object)
    return IngestResult(
        "suppliers",
        table.source,
        frame,
        _contacts_frame(records, "supplier_id"),
        _sorted(errors),
        len(table) + len(table.errors),
        rows,
    )


def parse_imers(table: RawTable, *, keep_extra: bool = False) -> IngestResult:
    """Parse an Imers table into the canonical Imer frame and contacts.

    The stage is derived from ``monthly_revenue_idr``; the ``stage`` column is
    used only when the revenue is missing, and one of the two is required.
    """
    records, rows, errors, extras = _parse_rows(table, "imers")
    kept: list[dict[str, Any]] = []
    kept_rows: list[int] = []
    kept_extras: list[dict[str, Any]] = []
    for rec, number, extra in zip(records, rows, extras, strict=True):
        revenue = rec.get("monthly_revenue_idr")
        if revenue is not None:
            rec["stage"] = stage_for_revenue(revenue)
        elif rec.get("stage") is None:
            errors.append(
                RowError(
                    table.source,
                    number,
                    "monthly_revenue_idr",
                    None,
                    "give monthly_revenue_idr or stage: the Imer's stage cannot be derived",
                )
            )
            continue
        kept.append(rec)
        kept_rows.append(number)
        kept_extras.append(extra)
    kept, kept_rows, kept_extras, dupes = _drop_duplicate_ids(
        kept, kept_rows, kept_extras, ("imer_id",), table.source
    )
    errors.extend(dupes)
    data = {
        "imer_id": [r["imer_id"] for r in kept],
        "name": [r["name"] for r in kept],
        "province": [r["province"] for r in kept],
        "city": [r.get("city") for r in kept],
        "monthly_revenue_idr": [_float(r.get("monthly_revenue_idr")) for r in kept],
        "stage": [r["stage"] for r in kept],
        "categories": [r["categories"] for r in kept],
        "products": [r.get("products") or "" for r in kept],
        "channels": [r.get("channels") or [] for r in kept],
        "target_provinces": [
            r.get("target_provinces") or parsing.parse_provinces(None) for r in kept
        ],
        "monthly_ad_budget_idr": [_float(r.get("monthly_ad_budget_idr")) for r in kept],
        "monthly_orders": [_float(r.get("monthly_orders")) for r in kept],
        "needs_dropship": [bool(r.get("needs_dropship") or False) for r in kept],
        "required_certifications": [r.get("required_certifications") or [] for r in kept],
    }
    frame = _typed(pd.DataFrame(data, columns=list(IMER_COLUMNS)))
    if keep_extra:
        frame["extra"] = pd.Series(kept_extras, index=frame.index, dtype=object)
    return IngestResult(
        "imers",
        table.source,
        frame,
        _contacts_frame(kept, "imer_id"),
        _sorted(errors),
        len(table) + len(table.errors),
        kept_rows,
    )


def parse_partnerships(
    table: RawTable,
    *,
    known_suppliers: Iterable[str] | None = None,
    known_imers: Iterable[str] | None = None,
) -> IngestResult:
    """Parse a partnerships table; rows naming unknown suppliers or Imers are rejected.

    Rules beyond the cell parsers: ``ended`` needs no ``ended_at`` but an
    ``ended_at`` before ``started_at`` is an error; a ``declined`` or
    ``proposed`` row carries no outcome (units or rating).
    """
    records, rows, errors, extras = _parse_rows(table, "partnerships")
    sup = set(known_suppliers) if known_suppliers is not None else None
    imr = set(known_imers) if known_imers is not None else None
    kept: list[dict[str, Any]] = []
    kept_rows: list[int] = []
    kept_extras: list[dict[str, Any]] = []
    for rec, number, extra in zip(records, rows, extras, strict=True):
        problems: list[RowError] = []
        if sup is not None and rec["supplier_id"] not in sup:
            problems.append(
                RowError(
                    table.source,
                    number,
                    "supplier_id",
                    rec["supplier_id"],
                    "unknown supplier: import it in suppliers first",
                )
            )
        if imr is not None and rec["imer_id"] not in imr:
            problems.append(
                RowError(
                    table.source,
                    number,
                    "imer_id",
                    rec["imer_id"],
                    "unknown Imer: import it in imers first",
                )
            )
        start, end = rec.get("started_at"), rec.get("ended_at")
        if start is not None and end is not None and end < start:
            problems.append(
                RowError(
                    table.source,
                    number,
                    "ended_at",
                    str(end),
                    f"ended_at is before started_at ({start})",
                )
            )
        if rec["status"] in ("declined", "proposed") and (
            rec.get("monthly_units") is not None or rec.get("rating") is not None
        ):
            problems.append(
                RowError(
                    table.source,
                    number,
                    "status",
                    rec["status"],
                    "a declined or proposed pair has no outcome; "
                    "remove monthly_units and rating or fix the status",
                )
            )
        if rec["status"] in ("active", "proposed", "declined", "accepted") and end is not None:
            problems.append(
                RowError(
                    table.source,
                    number,
                    "ended_at",
                    str(end),
                    f"a {rec['status']} pair has no ended_at; use status ended",
                )
            )
        if problems:
            errors.extend(problems)
            continue
        kept.append(rec)
        kept_rows.append(number)
        kept_extras.append(extra)
    kept, kept_rows, kept_extras, dupes = _drop_duplicate_ids(
        kept, kept_rows, kept_extras, ("supplier_id", "imer_id"), table.source
    )
    errors.extend(dupes)
    frame = pd.DataFrame(
        {
            "supplier_id": [r["supplier_id"] for r in kept],
            "imer_id": [r["imer_id"] for r in kept],
            "status": [r["status"] for r in kept],
            "started_at": [r.get("started_at") for r in kept],
            "ended_at": [r.get("ended_at") for r in kept],
            "monthly_units": [_float(r.get("monthly_units")) for r in kept],
            "rating": [_float(r.get("rating")) for r in kept],
        }
    )
    return IngestResult(
        "partnerships",
        table.source,
        frame,
        pd.DataFrame(),
        _sorted(errors),
        len(table) + len(table.errors),
        kept_rows,
    )


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    for col in frame.columns:
        if col.endswith("_idr") or col in ("monthly_capacity_units", "monthly_orders"):
            frame[col] = frame[col].astype("float64")
    if "min_order_qty" in frame.columns:
        frame["min_order_qty"] = frame["min_order_qty"].astype("int64")
    return frame


def _sorted(errors: list[RowError]) -> list[RowError]:
    return sorted(errors, key=lambda e: (e.row, e.column or ""))


# ---------------------------------------------------------------------- events
def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def partnership_events(
    rows: pd.DataFrame, current: pd.DataFrame, *, source: str, actor: str = "import"
) -> tuple[list[NewEvent], int]:
    """Events that bring each pair in ``rows`` to the state the file states.

    A pair whose current state already equals the row (status, dates,
    outcomes) gets no event, which makes re-importing a file a no-op. An
    ``ended`` row for a pair with no ``active`` event yet records the start
    first, so the history shows both. Event times are the historical dates
    (``started_at`` for the start, ``ended_at`` for the end) when known. The
    outcome of a still-running pair (``monthly_units``, ``rating`` on an
    ``active`` row) is a separate event stamped at import time, since that is
    when it became known; stamping it at ``started_at`` would leak later
    knowledge into history-based signals.

    Returns the events and the number of unchanged pairs.
    """
    state: dict[tuple[str, str], dict[str, Any]] = {}
    if not current.empty:
        for rec in current.to_dict("records"):
            state[(str(rec["supplier_id"]), str(rec["imer_id"]))] = {
                str(k): v for k, v in rec.items()
            }
    events: list[NewEvent] = []
    unchanged = 0
    now = dt.datetime.now(dt.UTC)
    for rec in rows.to_dict("records"):
        pair = (str(rec["supplier_id"]), str(rec["imer_id"]))
        units = None if pd.isna(rec["monthly_units"]) else float(rec["monthly_units"])
        rating = None if pd.isna(rec["rating"]) else float(rec["rating"])
        start, end = rec["started_at"], rec["ended_at"]
        old = state.get(pair)
        if old is not None and _same_state(old, rec["status"], start, end, units, rating):
            unchanged += 1
            continue
        status = rec["status"]
        common: dict[str, Any] = {
            "supplier_id": pair[0],
            "imer_id": pair[1],
            "actor": actor,
            "source": source,
        }
        if status == "ended":
            had_active = old is not None and old.get("status") in ("active", "ended")
            if not had_active:
                events.append(
                    NewEvent(
                        status="active",
                        started_at=start,
                        at=_day_start(start) if start else now,
                        **common,
                    )
                )
            events.append(
                NewEvent(
                    status="ended",
                    started_at=start,
                    ended_at=end,
                    monthly_units=units,
                    rating=rating,
                    at=_day_start(end) if end else now,
                    **common,
                )
            )
        else:
            starts_now = old is None or old.get("status") != status
            if starts_now:
                events.append(
                    NewEvent(
                        status=status,
                        started_at=start,
                        at=_day_start(start) if start else now,
                        **common,
                    )
                )
            if units is not None or rating is not None or not starts_now:
                # Outcomes of a running partnership were learned when the file
                # was made, not when the pair started: stamp them at import
                # time so no history-based signal sees them earlier.
                events.append(
                    NewEvent(
                        status=status,
                        started_at=start,
                        monthly_units=units,
                        rating=rating,
                        at=now,
                        reason="outcome reported",
                        **common,
                    )
                )
    return events, unchanged


def _same_state(
    old: dict[str, Any],
    status: str,
    start: Any,
    end: Any,
    units: float | None,
    rating: float | None,
) -> bool:
    def norm_date(v: Any) -> Any:
        if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NaT:
            return None
        return v.date() if isinstance(v, (pd.Timestamp, dt.datetime)) else v

    def norm_num(v: Any) -> float | None:
        return None if v is None or pd.isna(v) else round(float(v), 9)

    return (
        old.get("status") == status
        and norm_date(old.get("started_at")) == norm_date(start)
        and norm_date(old.get("ended_at")) == norm_date(end)
        and norm_num(old.get("monthly_units")) == norm_num(units)
        and norm_num(old.get("rating")) == norm_num(rating)
    )


# ---------------------------------------------------------------------- import
def import_table(
    store: Store,
    kind: ImportKind,
    table: RawTable,
    *,
    keep_extra: bool = False,
) -> ImportReport:
    """Parse ``table`` and upsert its good rows into ``store``.

    Nothing already stored is removed; a bad row is reported and skipped.
    """
    derived: dict[str, dict[str, int]] = {}
    if kind == "suppliers":
        result = parse_suppliers(table, keep_extra=keep_extra)
        upsert = store.upsert_suppliers(result.frame, result.contacts)
        derived["umkm_class"] = _counts(result.frame["umkm_class"].fillna("unknown"))
    elif kind == "imers":
        result = parse_imers(table, keep_extra=keep_extra)
        upsert = store.upsert_imers(result.frame, result.contacts)
        derived["stage"] = _counts(result.frame["stage"])
    elif kind == "partnerships":
        suppliers = store.supplier_ids() | set(store.merged_map("supplier"))
        imers = store.imer_ids() | set(store.merged_map("imer"))
        result = parse_partnerships(table, known_suppliers=suppliers, known_imers=imers)
        events, unchanged = partnership_events(
            result.frame, store.partnerships(), source=f"import:{table.source}"
        )
        store.append_events(events)
        changed = len(result.frame) - unchanged
        upsert = UpsertResult(inserted=changed, updated=0, unchanged=unchanged)
        derived["status"] = _counts(result.frame["status"])
    else:  # pragma: no cover - guarded by the type
        raise InputFileError(f"unknown import kind {kind!r}")
    return ImportReport(
        kind=kind,
        source=table.source,
        rows=result.n_rows,
        loaded=len(result.frame),
        rejected=len(result.rejected_rows),
        inserted=upsert.inserted,
        updated=upsert.updated,
        unchanged=upsert.unchanged,
        errors=result.errors,
        encoding=table.encoding,
        delimiter=table.delimiter,
        derived=derived,
    )


def import_file(
    store: Store,
    kind: ImportKind,
    path: str | Path,
    *,
    keep_extra: bool = False,
    sheet: str | None = None,
    report_dir: str | Path | None = None,
) -> ImportReport:
    """Read, parse and import one file; optionally write rejects and a summary.

    With ``report_dir`` the rejects go to ``<stem>.rejects.csv`` and the summary
    to ``<stem>.summary.json`` in that folder.
    """
    table = read_table(path, sheet=sheet)
    report = import_table(store, kind, table, keep_extra=keep_extra)
    if report_dir is not None:
        write_rejects(report, Path(report_dir), Path(path).stem)
    return report


def write_rejects(report: ImportReport, directory: Path, stem: str) -> None:
    """Write ``<stem>.rejects.csv`` and ``<stem>.summary.json`` into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    rejects = directory / f"{stem}.rejects.csv"
    summary = directory / f"{stem}.summary.json"
    with rejects.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["file", "row", "column", "value", "reason"])
        for e in report.errors:
            writer.writerow([e.file, e.row, e.column or "", e.value or "", e.reason])
    report.rejects_path = str(rejects)
    report.summary_path = str(summary)
    summary.write_text(json.dumps(report.to_dict(), indent=2, default=str), encoding="utf-8")


def _counts(series: pd.Series) -> dict[str, int]:
    return {str(k): int(v) for k, v in series.value_counts().sort_index().items()}
