"""Profiles through the importer: one JSON record becomes a one-row table parsed by ingest.

This keeps a single definition of what a valid supplier or Imer is: the API
accepts exactly what ``matchmaker import`` accepts and rejects it with the
same reasons, reported as 422 field problems instead of reject rows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Literal

import pandas as pd
from sqlalchemy import update

from api.errors import ApiValidationError, FieldProblem
from matchmaker import ingest
from matchmaker.errors import ConflictError, NotFoundError
from matchmaker.schema import IMER_COLUMNS, SUPPLIER_COLUMNS
from matchmaker.store import Store
from matchmaker.store.tables import ContactRow

__all__ = [
    "CONTACT_FIELDS",
    "Kind",
    "contacts_of",
    "create_profile",
    "exists",
    "id_column",
    "load_profile",
    "parse_profile",
    "public_record",
    "raw_from_stored",
    "update_profile",
]

Kind = Literal["supplier", "imer"]
CONTACT_FIELDS = ("phone", "email")
_LIST_FIELDS = {
    "categories",
    "certifications",
    "ships_to",
    "channels",
    "target_provinces",
    "required_certifications",
}


def id_column(kind: Kind) -> str:
    """``supplier_id`` or ``imer_id``."""
    return "supplier_id" if kind == "supplier" else "imer_id"


def _cell(value: Any) -> str:
    """A JSON value written as the importer reads a CSV cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 1e18:
            return str(int(value))
        return repr(value)
    if isinstance(value, (list, tuple)):
        return ";".join(_cell(v) for v in value)
    return str(value)


def parse_profile(
    kind: Kind, values: Mapping[str, Any], *, loc_prefix: tuple[str, ...] = ("body",)
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Parse one profile record with the importer's rules.

    Parameters
    ----------
    kind:
        ``supplier`` or ``imer``.
    values:
        Field name to JSON value (text, number, boolean, list or ``None``).
    loc_prefix:
        Where the fields sit in the request, for error paths.

    Returns
    -------
    tuple
        The one-row canonical frame and its contacts frame.

    Raises
    ------
    ApiValidationError
        One problem per field that cannot be resolved, with suggestions.
    """
    spec = ingest.SUPPLIER_SPEC if kind == "supplier" else ingest.IMER_SPEC
    columns = [c.name for c in spec]
    table = ingest.RawTable(
        source="request",
        columns=columns,
        rows=[[_cell(values.get(c)) for c in columns]],
        row_numbers=[2],
    )
    result = ingest.parse_suppliers(table) if kind == "supplier" else ingest.parse_imers(table)
    if result.errors:
        problems = []
        for err in result.errors:
            field = err.column or id_column(kind)
            message, suggestions = _split_suggestions(err.reason)
            problems.append(FieldProblem([*loc_prefix, field], message, suggestions))
        raise ApiValidationError(problems)
    return result.frame, result.contacts


def _split_suggestions(reason: str) -> tuple[str, list[str]]:
    marker = "; did you mean: "
    if marker in reason:
        tail = reason.split(marker, 1)[1]
        return reason, [s.strip() for s in tail.rstrip("?").split(",") if s.strip()]
    return reason, []


def raw_from_stored(
    kind: Kind, row: Mapping[str, Any], contact: Mapping[str, Any] | None
) -> dict[str, Any]:
    """A stored canonical profile as importer input, so an update can be re-parsed whole."""
    columns = SUPPLIER_COLUMNS if kind == "supplier" else IMER_COLUMNS
    out: dict[str, Any] = {}
    for col in columns:
        if col == "umkm_class":
            continue
        value = row.get(col)
        if col in _LIST_FIELDS:
            out[col] = list(value) if isinstance(value, (list, tuple)) else []
        elif _missing(value):
            out[col] = None
        elif isinstance(value, float) and value.is_integer():
            out[col] = int(value)
        else:
            out[col] = value
    for field in CONTACT_FIELDS:
        out[field] = None if contact is None else contact.get(field)
    return out


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def public_record(kind: Kind, row: Mapping[str, Any]) -> dict[str, Any]:
    """A canonical frame row as plain JSON values (NaN → ``None``, lists as lists)."""
    columns = SUPPLIER_COLUMNS if kind == "supplier" else IMER_COLUMNS
    out: dict[str, Any] = {}
    for col in columns:
        value = row.get(col)
        if col in _LIST_FIELDS:
            out[col] = [str(v) for v in value] if isinstance(value, (list, tuple)) else []
        elif _missing(value):
            out[col] = None
        elif value is not None and hasattr(value, "item") and not isinstance(value, str):
            out[col] = value.item()
        else:
            out[col] = value
    return out


# ------------------------------------------------------------ store access
def load_profile(store: Store, kind: Kind, profile_id: str) -> dict[str, Any]:
    """One stored profile (merged ids followed to the survivor) as a plain record.

    Raises
    ------
    NotFoundError
        The id is not in the registry.
    """
    resolved = store.resolve_id(kind, profile_id)
    frame = store.suppliers([resolved]) if kind == "supplier" else store.imers([resolved])
    if frame.empty:  # pragma: no cover - resolve_id found it a moment ago
        raise NotFoundError(f"{kind} {profile_id!r} is not in the registry")
    return public_record(kind, {str(k): v for k, v in frame.iloc[0].to_dict().items()})


def contacts_of(store: Store, kind: Kind, ids: list[str]) -> dict[str, dict[str, Any]]:
    """Phone and email by profile id (only profiles that have any)."""
    if not ids:
        return {}
    frame = store.contacts(kind, ids)
    return {
        str(r["profile_id"]): {
            "phone": None if _missing(r["phone"]) else str(r["phone"]),
            "email": None if _missing(r["email"]) else str(r["email"]),
        }
        for r in frame.to_dict("records")
    }


def exists(store: Store, kind: Kind, profile_id: str) -> bool:
    """Whether the id is stored (merged records included)."""
    try:
        store.resolve_id(kind, profile_id)
    except NotFoundError:
        return False
    return True


def create_profile(store: Store, kind: Kind, values: Mapping[str, Any]) -> str:
    """Parse and store a new profile; returns its id.

    Raises
    ------
    ApiValidationError
        A field cannot be resolved.
    ConflictError
        A profile with that id exists already (use the update endpoint).
    """
    frame, contacts = parse_profile(kind, values)
    new_id = str(frame.iloc[0][id_column(kind)])
    if exists(store, kind, new_id):
        raise ConflictError(
            f"{kind} {new_id!r} exists already; change it with PATCH or pick another id"
        )
    if kind == "supplier":
        store.upsert_suppliers(frame, contacts)
    else:
        store.upsert_imers(frame, contacts)
    return new_id


def update_profile(store: Store, kind: Kind, profile_id: str, changes: Mapping[str, Any]) -> str:
    """Apply ``changes`` to a stored profile, re-parsing the whole record; returns its id.

    Contact details not mentioned in ``changes`` are kept.

    Raises
    ------
    NotFoundError
        The id is not in the registry.
    ApiValidationError
        A changed field cannot be resolved, or a required one is cleared.
    """
    resolved = store.resolve_id(kind, profile_id)
    current = load_profile(store, kind, resolved)
    contact = contacts_of(store, kind, [resolved]).get(resolved)
    merged = raw_from_stored(kind, current, contact)
    merged.update(changes)
    merged[id_column(kind)] = resolved
    frame, contacts = parse_profile(kind, merged)
    if kind == "supplier":
        store.upsert_suppliers(frame, contacts)
    else:
        store.upsert_imers(frame, contacts)
    if contact is not None and all(merged.get(f) is None for f in CONTACT_FIELDS):
        # upsert_contacts skips all-empty rows, so clearing both is written here.
        with store.session() as session:
            session.execute(
                update(ContactRow)
                .where(ContactRow.kind == kind, ContactRow.profile_id == resolved)
                .values(phone=None, email=None)
            )
    return resolved
