"""A materialised shortlist cache in front of a fitted :class:`Recommender`.

A shortlist depends only on the recommender (and the registry it is bound to),
the profile, the filters and the language; ``k`` only cuts the ranked list, and
the ranked list of a larger ``k`` starts with the list of a smaller one. So the
cache keeps, per ``(direction, profile id, filters, lang)``, the top
``depth`` rows (``depth`` = asked ``k`` plus ``extra`` spare candidates) and
answers any ``k`` from them, after leaving out the partners the caller says are
excluded *now* (e.g. partnerships activated after the model was bound). When
too few rows remain, or a ``k`` deeper than the kept rows is asked, it falls
back to a live computation (and keeps that deeper answer).

Entries are filled lazily on first request or ahead of time with
:meth:`ShortlistCache.precompute` (batched, much cheaper per profile). The
cache belongs to one recommender object and one registry fingerprint;
:meth:`ShortlistCache.validate` empties it when either changes. Thread-safe.

Example::

    cache = ShortlistCache(rec, fingerprint=registry_version)
    cache.precompute("suppliers", imer_ids, k=10)
    cache.shortlist("suppliers", "I000001", k=10, exclude={"S000042"})
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Collection, Hashable, Iterable
from typing import Any, Literal

import pandas as pd

from matchmaker.errors import ValidationError
from matchmaker.ranking.recommender import Recommender, ShortlistFilters

__all__ = ["Direction", "ShortlistCache"]

#: ``"suppliers"``: suppliers for an Imer; ``"imers"``: Imers for a supplier.
Direction = Literal["suppliers", "imers"]

_Key = tuple[str, str, ShortlistFilters, str]
_NO_FILTERS = ShortlistFilters()
_OTHER = {"suppliers": "supplier_id", "imers": "imer_id"}


class _Entry:
    __slots__ = ("complete", "rows")

    def __init__(self, rows: tuple[tuple[Any, ...], ...], complete: bool) -> None:
        self.rows = rows
        self.complete = complete  # fewer rows than asked: the whole ranked list


class ShortlistCache:
    """Shortlists of one recommender, kept for repeated and precomputed queries.

    Parameters
    ----------
    recommender:
        The fitted recommender (bound to a registry) whose answers are kept.
    fingerprint:
        A value that changes whenever the registry changes; see :meth:`validate`.
    extra:
        Spare candidates kept beyond the asked ``k``, so that a few partners
        excluded at request time still leave ``k`` rows.
    max_entries:
        Most entries kept; the oldest are dropped first.

    Raises
    ------
    ValidationError
        ``extra`` is negative or ``max_entries`` is not positive.
    """

    def __init__(
        self,
        recommender: Recommender,
        *,
        fingerprint: Hashable = None,
        extra: int = 10,
        max_entries: int = 100_000,
    ) -> None:
        if extra < 0:
            raise ValidationError(f"extra must be 0 or more, got {extra}")
        if max_entries < 1:
            raise ValidationError(f"max_entries must be at least 1, got {max_entries}")
        self.recommender = recommender
        self.fingerprint = fingerprint
        self.extra = extra
        self.max_entries = max_entries
        self.hits = 0
        self.misses = 0
        self._lock = threading.Lock()
        self._entries: OrderedDict[_Key, _Entry] = OrderedDict()
        self._columns: dict[str, list[str]] = {}

    def __len__(self) -> int:
        return len(self._entries)

    # ---------------------------------------------------------------- state
    def clear(self) -> None:
        """Drop every entry."""
        with self._lock:
            self._entries.clear()

    def validate(self, recommender: Recommender, fingerprint: Hashable = None) -> bool:
        """Keep the entries only if they were computed by ``recommender`` on ``fingerprint``.

        Parameters
        ----------
        recommender:
            The recommender that answers now.
        fingerprint:
            The registry's fingerprint now.

        Returns
        -------
        bool
            Whether the entries were kept (``False``: the cache was emptied and
            now belongs to ``recommender`` and ``fingerprint``).
        """
        with self._lock:
            if recommender is self.recommender and fingerprint == self.fingerprint:
                return True
            self._entries.clear()
            self.recommender, self.fingerprint = recommender, fingerprint
            return False

    # ------------------------------------------------------------ computing
    def _live(
        self, direction: Direction, ids: list[str], k: int, filters: ShortlistFilters, lang: str
    ) -> pd.DataFrame:
        if direction == "suppliers":
            return self.recommender.recommend_suppliers(ids, k=k, filters=filters, lang=lang)
        if direction == "imers":
            return self.recommender.recommend_imers(ids, k=k, filters=filters, lang=lang)
        raise ValidationError(f"direction must be 'suppliers' or 'imers', got {direction!r}")

    def _store(
        self,
        direction: Direction,
        frame: pd.DataFrame,
        ids: Iterable[str],
        depth: int,
        filters: ShortlistFilters,
        lang: str,
    ) -> None:
        """Keep each id's rows of ``frame`` (asked with ``k=depth``).

        Rows are matched to the asked ids by the frame's first column; if the
        recommender answered under other ids (e.g. a merged record's survivor),
        nothing is kept for the ids without rows rather than an empty list.
        """
        columns = [str(c) for c in frame.columns]
        asked = [str(i) for i in ids]
        rows_of = list(frame.itertuples(index=False, name=None))
        grouped: dict[str, list[tuple[Any, ...]]] = {i: [] for i in asked}
        if len(asked) == 1:
            grouped[asked[0]] = rows_of
        else:
            for row in rows_of:
                grouped.setdefault(str(row[0]), []).append(row)
            if len(grouped) > len(asked):  # answered under ids not asked for
                grouped = {i: r for i, r in grouped.items() if r}
        with self._lock:
            self._columns.setdefault(direction, columns)
            for ident, rows in grouped.items():
                key = (direction, ident, filters, lang)
                old = self._entries.get(key)
                if old is not None and (old.complete or len(old.rows) >= len(rows)):
                    continue
                self._entries[key] = _Entry(tuple(rows), len(rows) < depth)
                self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def _frame(self, direction: Direction, rows: list[tuple[Any, ...]]) -> pd.DataFrame:
        columns = self._columns[direction]
        frame = pd.DataFrame.from_records(rows, columns=columns) if rows else None
        if frame is None:
            frame = pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
        if "rank" in frame.columns:
            frame["rank"] = range(1, len(frame) + 1)
        return frame

    def shortlist(
        self,
        direction: Direction,
        profile_id: str,
        k: int = 10,
        filters: ShortlistFilters | None = None,
        lang: str = "id",
        *,
        exclude: Collection[str] = (),
    ) -> pd.DataFrame:
        """The ``k`` best partners of one profile, leaving out ``exclude``.

        The same rows (and ranks, renumbered from 1 after the exclusion) as
        ``recommend_suppliers([profile_id], k=k + len(exclude), ...)`` (or
        ``recommend_imers``) with the ``exclude`` partners dropped and cut to ``k``.

        Parameters
        ----------
        direction:
            ``"suppliers"`` (suppliers for an Imer) or ``"imers"`` (Imers for a supplier).
        profile_id:
            The Imer's or supplier's id, as the recommender knows it.
        k:
            How many partners.
        filters, lang:
            As for :meth:`Recommender.recommend_suppliers`.
        exclude:
            Partner ids to leave out (e.g. partnerships active now).

        Returns
        -------
        pandas.DataFrame
            The recommender's columns, at most ``k`` rows, best first.

        Raises
        ------
        NotFoundError
            The recommender does not know ``profile_id`` (from the live computation).
        ValidationError
            ``k`` is below 1 or ``direction`` is unknown.
        """
        rows = self._rows(direction, profile_id, k, filters, lang, exclude)
        return self._frame(direction, rows)

    def records(
        self,
        direction: Direction,
        profile_id: str,
        k: int = 10,
        filters: ShortlistFilters | None = None,
        lang: str = "id",
        *,
        exclude: Collection[str] = (),
    ) -> list[dict[str, Any]]:
        """:meth:`shortlist` as plain dicts (column → value), without building a frame.

        For request paths, where a DataFrame costs more than the lookup itself.
        The same rows, ranks and errors as :meth:`shortlist`.
        """
        rows = self._rows(direction, profile_id, k, filters, lang, exclude)
        columns = self._columns[direction]
        out = [dict(zip(columns, row, strict=True)) for row in rows]
        if out and "rank" in columns:
            for rank, record in enumerate(out, start=1):
                record["rank"] = rank
        return out

    def _rows(
        self,
        direction: Direction,
        profile_id: str,
        k: int,
        filters: ShortlistFilters | None,
        lang: str,
        exclude: Collection[str],
    ) -> list[tuple[Any, ...]]:
        """The kept (or freshly computed) rows of one query, ``exclude`` left out, cut to ``k``."""
        if k < 1:
            raise ValidationError(f"k must be at least 1, got {k}")
        filters = filters if filters is not None else _NO_FILTERS
        key = (direction, str(profile_id), filters, lang)
        drop = {str(x) for x in exclude}
        with self._lock:
            entry = self._entries.get(key)
        if entry is not None:
            other = self._columns[direction].index(_OTHER[direction])
            kept = [r for r in entry.rows if str(r[other]) not in drop]
            if len(kept) >= k or entry.complete:
                with self._lock:
                    self.hits += 1
                return kept[:k]
        with self._lock:
            self.misses += 1
        depth = k + max(len(drop), self.extra)
        frame = self._live(direction, [str(profile_id)], depth, filters, lang)
        self._store(direction, frame, [str(profile_id)], depth, filters, lang)
        with self._lock:
            entry = self._entries.get(key)
        rows = list(frame.itertuples(index=False, name=None)) if entry is None else entry.rows
        other = [str(c) for c in frame.columns].index(_OTHER[direction])
        return [r for r in rows if str(r[other]) not in drop][:k]

    def precompute(
        self,
        direction: Direction,
        ids: Iterable[str],
        k: int = 10,
        filters: ShortlistFilters | None = None,
        lang: str = "id",
        *,
        batch_size: int = 256,
        should_stop: Callable[[], bool] | None = None,
    ) -> int:
        """Fill the entries of ``ids`` ahead of time, ``batch_size`` profiles per call.

        Parameters
        ----------
        direction, k, filters, lang:
            The query to keep (``k + extra`` rows are kept per profile).
        ids:
            The profiles, as the recommender knows them.
        batch_size:
            Profiles per batched recommender call.
        should_stop:
            Checked between batches; ``True`` stops early (e.g. the model was replaced).

        Returns
        -------
        int
            How many profiles were filled.

        Raises
        ------
        ValidationError
            ``k`` or ``batch_size`` is below 1.
        """
        if k < 1 or batch_size < 1:
            raise ValidationError(f"k and batch_size must be at least 1, got {k}, {batch_size}")
        filters = filters if filters is not None else _NO_FILTERS
        depth = k + self.extra
        pending = [str(i) for i in ids]
        done = 0
        for start in range(0, len(pending), batch_size):
            if should_stop is not None and should_stop():
                break
            batch = pending[start : start + batch_size]
            frame = self._live(direction, batch, depth, filters, lang)
            self._store(direction, frame, batch, depth, filters, lang)
            done += len(batch)
        return done
