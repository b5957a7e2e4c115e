"""The matching view of a profile frame: one row per record with normalised keys.

This is the one place where profile ids become row positions for duplicate
detection: :func:`prepare` sorts records by id, and every later stage
(blocking, comparing) refers to records by their position in that frame and
reports them by id.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from matchmaker.dedupe.normalise import (
    name_parts,
    normalise_city,
    normalise_email,
    normalise_phones,
    normalise_province,
)
from matchmaker.errors import ValidationError

__all__ = ["ID_COLUMNS", "PREPARED_COLUMNS", "id_column", "prepare"]

#: Id columns that identify the kind of a profile frame.
ID_COLUMNS: dict[str, str] = {"supplier_id": "supplier", "imer_id": "imer"}

#: Columns of the prepared matching frame.
PREPARED_COLUMNS: tuple[str, ...] = (
    "id",
    "name",
    "name_key",
    "tokens",
    "owner",
    "words",
    "phone",
    "phones",
    "email",
    "emails",
    "province",
    "city",
    "categories",
    "revenue",
)


def id_column(frame: pd.DataFrame) -> str:
    """The id column of a profile frame (``supplier_id``, ``imer_id`` or ``id``).

    Raises
    ------
    ValidationError
        If the frame has none of them.
    """
    for col in (*ID_COLUMNS, "id"):
        if col in frame.columns:
            return col
    raise ValidationError(
        "the profile frame has no id column; it needs 'supplier_id' (suppliers) or "
        "'imer_id' (Imers)"
    )


def _as_list(value: object) -> list[str]:
    if isinstance(value, (list, tuple, set, frozenset, np.ndarray)):
        return [str(v) for v in value if isinstance(v, str) and v]
    if isinstance(value, str) and value.strip():
        return [p.strip() for p in value.split(";") if p.strip()]
    return []


def _contact_sets(
    ids: pd.Series, contacts: pd.DataFrame | None, kind: str | None
) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    phones: dict[str, list[str]] = {}
    emails: dict[str, list[str]] = {}
    if contacts is not None and not contacts.empty:
        rows = contacts
        if kind is not None and "kind" in rows.columns:
            rows = rows[rows["kind"].astype(str) == kind]
        pid_col = "profile_id" if "profile_id" in rows.columns else id_column(rows)
        for pid, phone, email in zip(
            rows[pid_col].astype(str).tolist(),
            rows["phone"].tolist() if "phone" in rows.columns else [None] * len(rows),
            rows["email"].tolist() if "email" in rows.columns else [None] * len(rows),
            strict=True,
        ):
            bucket = phones.setdefault(pid, [])
            bucket.extend(p for p in normalise_phones(phone) if p not in bucket)
            mail = normalise_email(email)
            ebucket = emails.setdefault(pid, [])
            if mail is not None and mail not in ebucket:
                ebucket.append(mail)
    return (
        [tuple(phones.get(i, ())) for i in ids.tolist()],
        [tuple(emails.get(i, ())) for i in ids.tolist()],
    )


def _first(values: Iterable[tuple[str, ...]]) -> list[str | None]:
    return [v[0] if v else None for v in values]


def prepare(
    frame: pd.DataFrame,
    contacts: pd.DataFrame | None = None,
    *,
    kind: str | None = None,
) -> pd.DataFrame:
    """Normalise profiles (and their contacts) into the matching frame.

    Parameters
    ----------
    frame:
        Canonical suppliers or Imers frame (``matchmaker.schema``); only the
        id, ``name``, ``province``, ``city`` and ``categories`` columns are
        read. ``phone``/``email`` columns in the frame itself are used too
        (input files carry them).
    contacts:
        Contact rows (``profile_id``, ``phone``, ``email``, optionally
        ``kind``); a profile may have several rows.
    kind:
        ``supplier`` or ``imer``; by default taken from the id column.

    Returns
    -------
    pandas.DataFrame
        :data:`PREPARED_COLUMNS`, one row per record, sorted by id with a
        fresh ``RangeIndex`` (the row position is the record's position in
        every later stage). ``phones``/``emails`` hold every normalised
        contact; ``phone``/``email`` the first or ``None``; ``tokens`` the name
        tokens; ``name_key`` the sorted distinct tokens; ``categories`` a
        sorted tuple; ``revenue`` the annual (suppliers) or monthly (Imers)
        revenue, NaN when missing; ``owner`` the owner's name found after an honorific
        (``""`` when none), kept out of ``tokens`` and ``name_key``;
        ``words`` both together (what blocking keys are made of).

    Raises
    ------
    ValidationError
        If the frame has no id or ``name`` column, or an id appears twice.
    """
    col = id_column(frame)
    if kind is None:
        kind = ID_COLUMNS.get(col)
    if "name" not in frame.columns:
        raise ValidationError(f"the profile frame lacks the 'name' column (id column {col!r})")
    ids = frame[col].astype(str)
    if ids.duplicated().any():
        dupes = sorted(ids[ids.duplicated()].unique())[:5]
        raise ValidationError(f"{col} must be unique for duplicate detection; repeated: {dupes}")
    order = np.argsort(ids.to_numpy(dtype=object), kind="stable")
    src = frame.iloc[order].reset_index(drop=True)
    ids = ids.iloc[order].reset_index(drop=True)

    parts = [name_parts(n) for n in src["name"].tolist()]
    tokens = [p[0] for p in parts]
    phones, emails = _contact_sets(ids, contacts, kind)
    if "phone" in src.columns:
        phones = [
            tuple(dict.fromkeys((*have, *normalise_phones(cell))))
            for have, cell in zip(phones, src["phone"].tolist(), strict=True)
        ]
    if "email" in src.columns:
        own = [normalise_email(cell) for cell in src["email"].tolist()]
        emails = [
            tuple(dict.fromkeys((*have, *((e,) if e else ()))))
            for have, e in zip(emails, own, strict=True)
        ]
    province = (
        [normalise_province(v) for v in src["province"].tolist()]
        if "province" in src.columns
        else [""] * len(src)
    )
    city = (
        [normalise_city(v) for v in src["city"].tolist()]
        if "city" in src.columns
        else [""] * len(src)
    )
    categories = (
        [tuple(sorted(set(_as_list(v)))) for v in src["categories"].tolist()]
        if "categories" in src.columns
        else [()] * len(src)
    )
    revenue_col = next(
        (c for c in ("annual_revenue_idr", "monthly_revenue_idr", "revenue") if c in src.columns),
        None,
    )
    revenue = (
        pd.to_numeric(src[revenue_col], errors="coerce").astype("float64").to_numpy()
        if revenue_col is not None
        else np.full(len(src), np.nan)
    )
    revenue = np.where(revenue > 0, revenue, np.nan)
    out = pd.DataFrame(
        {
            "id": ids.astype(object),
            "name": pd.Series([" ".join(t) for t in tokens], dtype=object),
            "name_key": pd.Series([" ".join(sorted(set(t))) for t in tokens], dtype=object),
            "tokens": pd.Series(tokens, dtype=object),
            "owner": pd.Series([" ".join(p[1]) for p in parts], dtype=object),
            "words": pd.Series([p[0] + p[1] for p in parts], dtype=object),
            "phone": pd.Series(_first(phones), dtype=object),
            "phones": pd.Series(phones, dtype=object),
            "email": pd.Series(_first(emails), dtype=object),
            "emails": pd.Series(emails, dtype=object),
            "province": pd.Series(province, dtype=object),
            "city": pd.Series(city, dtype=object),
            "categories": pd.Series(categories, dtype=object),
            "revenue": revenue,
        }
    )
    return out
