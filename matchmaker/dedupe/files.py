"""Duplicate detection on input files and the import-time "looks like" warnings."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from matchmaker.dedupe.merge import normalise_kind
from matchmaker.dedupe.pipeline import find_similar_existing
from matchmaker.dedupe.spec import ModelSpec
from matchmaker.errors import InputFileError

if TYPE_CHECKING:
    from matchmaker.store import Store

__all__ = ["ProfileFile", "import_warnings", "read_profiles"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProfileFile:
    """Suppliers or Imers read from a file in the contract's input format.

    Attributes
    ----------
    kind:
        ``supplier`` or ``imer`` (from the file's id column).
    frame:
        Canonical frame of the rows that parsed.
    contacts:
        ``profile_id``, ``phone``, ``email`` of those rows.
    errors:
        Rejected rows, each as one readable line.
    row_numbers:
        Spreadsheet row number of each frame row (header is row 1).
    """

    kind: str
    frame: pd.DataFrame
    contacts: pd.DataFrame
    errors: list[str]
    row_numbers: list[int]


def _kind_of_table(columns: list[str], source: str) -> str:
    if "supplier_id" in columns:
        return "supplier"
    if "imer_id" in columns:
        return "imer"
    raise InputFileError(
        f"{source}: no 'supplier_id' or 'imer_id' column, so it holds neither suppliers nor "
        "Imers; use the contract's suppliers.csv or imers.csv columns"
    )


def _parse(table: Any, kind: str) -> Any:
    from matchmaker import ingest

    if normalise_kind(kind) == "supplier":
        return ingest.parse_suppliers(table)
    return ingest.parse_imers(table)


def read_profiles(path: str | Path, *, sheet: str | None = None) -> ProfileFile:
    """Read a suppliers or Imers file (CSV or XLSX) for duplicate detection.

    The kind is told by the id column (``supplier_id`` or ``imer_id``); rows
    are parsed as the importer does (:mod:`matchmaker.ingest`), and rows that
    break the contract are reported, not compared.

    Parameters
    ----------
    path:
        The file.
    sheet:
        XLSX worksheet (default the first).

    Returns
    -------
    ProfileFile

    Raises
    ------
    InputFileError
        If the file cannot be read or has neither id column.
    """
    from matchmaker import ingest

    table = ingest.read_table(path, sheet=sheet)
    kind = _kind_of_table(list(table.columns), str(path))
    parsed = _parse(table, kind)
    return ProfileFile(
        kind=kind,
        frame=parsed.frame,
        contacts=parsed.contacts,
        errors=[str(e) for e in parsed.errors],
        row_numbers=list(parsed.row_numbers),
    )


def import_warnings(
    store: Store, kind: str, table: Any, *, spec: ModelSpec | None = None
) -> list[str]:
    """Lines warning about imported rows that look like other stored records.

    Called after an import: each imported row is compared with the stored
    records other than itself. The lines name rows and ids and the score,
    never names or contacts.

    Parameters
    ----------
    store:
        The registry (already holding the imported rows).
    kind:
        ``suppliers`` or ``imers``.
    table:
        The :class:`matchmaker.ingest.RawTable` that was imported.
    spec:
        The duplicate model (default thresholds: ``low`` reports).

    Returns
    -------
    list of str
        One line per (row, stored record) pair, best first within a row.
    """
    k = normalise_kind(kind)
    parsed = _parse(table, k)
    if parsed.frame.empty:
        return []
    similar = find_similar_existing(store, parsed.frame, parsed.contacts, spec=spec)
    if similar.empty:
        return []
    id_col = "supplier_id" if k == "supplier" else "imer_id"
    row_of = dict(zip(parsed.frame[id_col].astype(str), parsed.row_numbers, strict=False))
    label = "supplier" if k == "supplier" else "Imer"
    return [
        f"row {row_of.get(new, '?')}: {label} {new} looks like {label} {old} already in the "
        f"registry (score {score:.2f}); check with 'matchmaker dedupe --kind {k}s'"
        for new, old, score in similar.itertuples(index=False)
    ]
