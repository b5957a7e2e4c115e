"""Filtering and paging of profile lists, and tolerant query parameters."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import pandas as pd

from api.errors import ApiValidationError, FieldProblem
from matchmaker.errors import ParseError

__all__ = ["filter_profiles", "page", "parse_query"]

T = TypeVar("T")


def parse_query(name: str, parse: Callable[[str], T], value: str | None) -> T | None:
    """Resolve a tolerant query value (``"Jatim"``) or answer 422 naming the parameter."""
    if value is None or not value.strip():
        return None
    try:
        return parse(value)
    except ParseError as exc:
        raise ApiValidationError(
            [FieldProblem(["query", name], str(exc), exc.suggestions)]
        ) from exc


def filter_profiles(
    frame: pd.DataFrame,
    *,
    province: str | None = None,
    category: str | None = None,
    equals: Mapping[str, Any] | None = None,
    text: str | None = None,
) -> pd.DataFrame:
    """Rows matching every filter given (``None`` means no filter).

    ``equals`` compares a column with a value; the value ``"unknown"`` matches
    a missing cell. ``text`` looks for every word, case-insensitively, in the
    name or the products.
    """
    mask = pd.Series(True, index=frame.index)
    if province is not None:
        mask &= frame["province"] == province
    if category is not None:
        mask &= frame["categories"].map(lambda cats: category in cats)
    for column, value in (equals or {}).items():
        if value is None:
            continue
        if value == "unknown":
            mask &= frame[column].isna()
        else:
            mask &= frame[column] == value
    if text is not None and text.strip():
        haystack = (frame["name"].astype(str) + " " + frame["products"].astype(str)).str.lower()
        for word in text.lower().split():
            mask &= haystack.str.contains(word, regex=False)
    return frame[mask]


def page(
    frame: pd.DataFrame, limit: int, offset: int, max_limit: int
) -> tuple[list[dict[str, Any]], int, int]:
    """The records of one page, the total before paging, and the limit applied."""
    limit = min(limit, max_limit)
    rows = frame.iloc[offset : offset + limit].to_dict("records")
    return [{str(k): v for k, v in r.items()} for r in rows], len(frame), limit
