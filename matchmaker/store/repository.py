"""The registry's repository: profiles, contacts and append-only partnership events."""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Literal

import pandas as pd
from sqlalchemy import Engine, bindparam, create_engine, event, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from matchmaker.errors import ConflictError, NotFoundError, ValidationError
from matchmaker.schema import (
    EVENT_COLUMNS,
    IMER_COLUMNS,
    PARTNERSHIP_COLUMNS,
    PARTNERSHIP_STATUSES,
    SUPPLIER_COLUMNS,
    Registry,
)
from matchmaker.store.tables import ContactRow, ImerRow, PartnershipEventRow, SupplierRow

__all__ = [
    "DEFAULT_URL",
    "NewEvent",
    "PairState",
    "ProfileKind",
    "Store",
    "UpsertResult",
]

log = logging.getLogger(__name__)

DEFAULT_URL = "sqlite:///matchmaker.db"

ProfileKind = Literal["supplier", "imer"]

_LIST_COLUMNS = {
    "categories",
    "certifications",
    "ships_to",
    "channels",
    "target_provinces",
    "required_certifications",
}
_CHUNK = 2_000


@dataclass(frozen=True)
class UpsertResult:
    """What an upsert did: rows inserted, updated and left unchanged."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        """All rows seen."""
        return self.inserted + self.updated + self.unchanged


@dataclass(frozen=True)
class NewEvent:
    """A partnership event to append (the store fills ``seq`` and defaults)."""

    supplier_id: str
    imer_id: str
    status: str
    actor: str = "system"
    at: dt.datetime | None = None
    reason: str | None = None
    started_at: dt.date | None = None
    ended_at: dt.date | None = None
    monthly_units: float | None = None
    rating: float | None = None
    supplier_rating: float | None = None
    source: str = "api"


@dataclass(frozen=True)
class PairState:
    """The current state of one supplier–Imer pair, derived from its events."""

    supplier_id: str
    imer_id: str
    status: str
    seq: int
    started_at: dt.date | None = None
    ended_at: dt.date | None = None
    monthly_units: float | None = None
    rating: float | None = None
    supplier_rating: float | None = None
    n_events: int = 0
    history: tuple[str, ...] = field(default_factory=tuple)


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _as_utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _clean(value: Any) -> Any:
    """Turn pandas/numpy missing values and scalars into plain Python for SQL."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    if value is pd.NaT:
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return _clean(value.item())
    return value


def _record(row: dict[str, Any], columns: Sequence[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for col in columns:
        value = _clean(row.get(col))
        if col in _LIST_COLUMNS and value is None:
            value = []
        out[col] = value
    return out


class Store:
    """The registry on SQLite (default) or PostgreSQL.

    Parameters
    ----------
    url:
        A SQLAlchemy URL; ``None`` means :data:`DEFAULT_URL`, a SQLite file
        ``matchmaker.db`` in the working directory.
    connect_args:
        Extra DBAPI connection arguments (e.g. a PostgreSQL ``options`` string).

    Examples
    --------
    >>> store = Store("sqlite://")
    >>> store.init()
    >>> store.supplier_ids()
    set()
    """

    def __init__(self, url: str | None = None, *, connect_args: dict[str, Any] | None = None):
        self.url = url or DEFAULT_URL
        args = dict(connect_args or {})
        kwargs: dict[str, Any] = {"future": True}
        if self.url.startswith("sqlite"):
            args.setdefault("check_same_thread", False)
            args.setdefault("timeout", 30)
            if self.url in ("sqlite://", "sqlite:///:memory:"):
                from sqlalchemy.pool import StaticPool

                kwargs["poolclass"] = StaticPool
        else:
            kwargs["pool_pre_ping"] = True
        self.engine: Engine = create_engine(self.url, connect_args=args, **kwargs)
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    # ------------------------------------------------------------------ basics
    @property
    def is_sqlite(self) -> bool:
        """Whether the store is a SQLite database."""
        return self.engine.dialect.name == "sqlite"

    def init(self) -> None:
        """Create or upgrade the schema to the newest revision (idempotent)."""
        from alembic import command
        from alembic.config import Config

        cfg = Config()
        location = resources.files("matchmaker.store") / "migrations"
        cfg.set_main_option("script_location", str(location))
        with self.engine.begin() as connection:
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, "heads")

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on error."""
        with self._sessions() as session, session.begin():
            yield session

    # ---------------------------------------------------------------- profiles
    def upsert_suppliers(
        self, frame: pd.DataFrame, contacts: pd.DataFrame | None = None
    ) -> UpsertResult:
        """Insert new suppliers and update changed ones, by ``supplier_id``."""
        result = self._upsert(SupplierRow, "supplier_id", SUPPLIER_COLUMNS, frame)
        if contacts is not None:
            self.upsert_contacts("supplier", contacts)
        return result

    def upsert_imers(
        self, frame: pd.DataFrame, contacts: pd.DataFrame | None = None
    ) -> UpsertResult:
        """Insert new Imers and update changed ones, by ``imer_id``."""
        result = self._upsert(ImerRow, "imer_id", IMER_COLUMNS, frame)
        if contacts is not None:
            self.upsert_contacts("imer", contacts)
        return result

    def _upsert(
        self,
        table: type[SupplierRow] | type[ImerRow],
        key: str,
        columns: Sequence[str],
        frame: pd.DataFrame,
    ) -> UpsertResult:
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise ValidationError(f"profile frame lacks columns {missing}")
        if frame[key].duplicated().any():
            dupes = sorted(frame.loc[frame[key].duplicated(), key].astype(str).unique())[:5]
            raise ValidationError(f"duplicate {key} in one upsert: {dupes}")
        records = [
            _record({str(k): v for k, v in r.items()}, columns)
            for r in frame[list(columns)].to_dict("records")
        ]
        extras: list[dict[str, Any]] = (
            [dict(e) if isinstance(e, dict) else {} for e in frame["extra"]]
            if "extra" in frame.columns
            else [{} for _ in records]
        )
        inserted = updated = unchanged = 0
        now = _utcnow()
        key_col = getattr(table, key)
        data_cols = [getattr(table, c) for c in columns]
        with self.session() as session:
            for start in range(0, len(records), _CHUNK):
                chunk = records[start : start + _CHUNK]
                chunk_extra = extras[start : start + _CHUNK]
                ids = [r[key] for r in chunk]
                existing = {
                    row[0]: (dict(zip(columns, row[:-1], strict=True)), row[-1])
                    for row in session.execute(
                        select(*data_cols, table.extra).where(key_col.in_(ids))
                    ).all()
                }
                to_insert: list[dict[str, Any]] = []
                to_update: list[dict[str, Any]] = []
                for rec, extra in zip(chunk, chunk_extra, strict=True):
                    old = existing.get(rec[key])
                    if old is None:
                        to_insert.append(
                            {**rec, "extra": extra, "created_at": now, "updated_at": now}
                        )
                    elif _same(old[0], rec) and (old[1] or {}) == extra:
                        unchanged += 1
                    else:
                        to_update.append({**rec, "extra": extra, "updated_at": now})
                if to_insert:
                    session.execute(insert(table), to_insert)
                if to_update:
                    session.execute(update(table), to_update)
                inserted += len(to_insert)
                updated += len(to_update)
        return UpsertResult(inserted, updated, unchanged)

    def upsert_contacts(self, kind: ProfileKind, contacts: pd.DataFrame) -> UpsertResult:
        """Store phone/email of ``kind`` profiles (frame: ``profile_id``, ``phone``, ``email``)."""
        _check_kind(kind)
        rows = [
            {
                "kind": kind,
                "profile_id": str(r["profile_id"]),
                "phone": _clean(r.get("phone")),
                "email": _clean(r.get("email")),
            }
            for r in contacts.to_dict("records")
        ]
        rows = [r for r in rows if r["phone"] is not None or r["email"] is not None]
        inserted = updated = unchanged = 0
        now = _utcnow()
        with self.session() as session:
            for start in range(0, len(rows), _CHUNK):
                chunk = rows[start : start + _CHUNK]
                ids = [r["profile_id"] for r in chunk]
                existing = {
                    pid: (phone, email)
                    for pid, phone, email in session.execute(
                        select(ContactRow.profile_id, ContactRow.phone, ContactRow.email).where(
                            ContactRow.kind == kind, ContactRow.profile_id.in_(ids)
                        )
                    ).all()
                }
                new = [{**r, "updated_at": now} for r in chunk if r["profile_id"] not in existing]
                changed = [
                    {**r, "updated_at": now}
                    for r in chunk
                    if r["profile_id"] in existing
                    and existing[r["profile_id"]] != (r["phone"], r["email"])
                ]
                if new:
                    session.execute(insert(ContactRow), new)
                if changed:
                    session.execute(update(ContactRow), changed)
                inserted += len(new)
                updated += len(changed)
                unchanged += len(chunk) - len(new) - len(changed)
        return UpsertResult(inserted, updated, unchanged)

    def suppliers(
        self, ids: Sequence[str] | None = None, *, include_merged: bool = False
    ) -> pd.DataFrame:
        """Supplier profiles as a canonical frame (``SUPPLIER_COLUMNS``), sorted by id."""
        return self._profiles(SupplierRow, "supplier_id", SUPPLIER_COLUMNS, ids, include_merged)

    def imers(
        self, ids: Sequence[str] | None = None, *, include_merged: bool = False
    ) -> pd.DataFrame:
        """Imer profiles as a canonical frame (``IMER_COLUMNS``), sorted by id."""
        return self._profiles(ImerRow, "imer_id", IMER_COLUMNS, ids, include_merged)

    def _profiles(
        self,
        table: type[SupplierRow] | type[ImerRow],
        key: str,
        columns: Sequence[str],
        ids: Sequence[str] | None,
        include_merged: bool,
    ) -> pd.DataFrame:
        cols = [getattr(table, c) for c in columns]
        extra_cols = [table.merged_into] if include_merged else []
        stmt = select(*cols, *extra_cols).order_by(getattr(table, key))
        if not include_merged:
            stmt = stmt.where(table.merged_into.is_(None))
        rows: list[Any] = []
        with self.engine.connect() as conn:
            if ids is None:
                rows = list(conn.execute(stmt).all())
            else:
                id_list = [str(i) for i in ids]
                for start in range(0, len(id_list), _CHUNK):
                    part = id_list[start : start + _CHUNK]
                    rows.extend(conn.execute(stmt.where(getattr(table, key).in_(part))).all())
                rows.sort(key=lambda r: r[0])
        names = list(columns) + (["merged_into"] if include_merged else [])
        frame = pd.DataFrame.from_records(rows, columns=names)
        return _finish_profile_frame(frame)

    def contacts(self, kind: ProfileKind, ids: Sequence[str] | None = None) -> pd.DataFrame:
        """Contact details (personal data) of ``kind`` profiles: staff and owners only."""
        _check_kind(kind)
        stmt = (
            select(ContactRow.kind, ContactRow.profile_id, ContactRow.phone, ContactRow.email)
            .where(ContactRow.kind == kind)
            .order_by(ContactRow.profile_id)
        )
        if ids is not None:
            stmt = stmt.where(ContactRow.profile_id.in_([str(i) for i in ids]))
        with self.engine.connect() as conn:
            rows = conn.execute(stmt).all()
        return pd.DataFrame.from_records(rows, columns=["kind", "profile_id", "phone", "email"])

    def supplier_ids(self) -> set[str]:
        """Ids of the suppliers that are not merged into another record."""
        with self.engine.connect() as conn:
            return set(
                conn.execute(
                    select(SupplierRow.supplier_id).where(SupplierRow.merged_into.is_(None))
                ).scalars()
            )

    def imer_ids(self) -> set[str]:
        """Ids of the Imers that are not merged into another record."""
        with self.engine.connect() as conn:
            return set(
                conn.execute(select(ImerRow.imer_id).where(ImerRow.merged_into.is_(None))).scalars()
            )

    def merged_map(self, kind: ProfileKind) -> dict[str, str]:
        """Each merged record's id mapped to its final surviving id (chains followed)."""
        table, key = _table_of(kind)
        with self.engine.connect() as conn:
            direct = {
                pid: target
                for pid, target in conn.execute(
                    # ``> ''`` (ids are never empty) lets SQLite use the index
                    # on merged_into, where ``IS NOT NULL`` scans the table.
                    select(getattr(table, key), table.merged_into).where(table.merged_into > "")
                ).all()
            }
        return resolve_chains(direct)

    def set_merged_into(
        self,
        kind: ProfileKind,
        profile_id: str,
        survivor_id: str | None,
        *,
        session: Session | None = None,
    ) -> None:
        """Mark ``profile_id`` as merged into ``survivor_id`` (``None`` undoes the mark)."""
        table, key = _table_of(kind)

        def _do(s: Session) -> None:
            ids = [profile_id] + ([survivor_id] if survivor_id else [])
            found = set(
                s.execute(select(getattr(table, key)).where(getattr(table, key).in_(ids))).scalars()
            )
            for pid in ids:
                if pid not in found:
                    raise NotFoundError(f"{kind} {pid!r} is not in the registry")
            if survivor_id == profile_id:
                raise ValidationError(f"{kind} {profile_id!r} cannot be merged into itself")
            s.execute(
                update(table)
                .where(getattr(table, key) == profile_id)
                .values(merged_into=survivor_id, updated_at=_utcnow())
            )

        if session is not None:
            _do(session)
        else:
            with self.session() as s:
                _do(s)

    def resolve_id(self, kind: ProfileKind, profile_id: str) -> str:
        """The surviving id for ``profile_id``; :class:`NotFoundError` if unknown."""
        _check_kind(kind)
        stmt = _MERGED_INTO_OF[kind]
        current = profile_id
        with self.engine.connect() as conn:
            for _ in range(100):
                row = conn.execute(stmt, {"profile_id": current}).first()
                if row is None:
                    raise NotFoundError(
                        f"{kind} {profile_id!r} is not in the registry; import or create it first"
                    )
                if row[0] is None:
                    return current
                current = row[0]
        raise ConflictError(f"merge chain of {kind} {profile_id!r} does not end")

    # ------------------------------------------------------------ partnerships
    def append_event(self, ev: NewEvent, *, expected_seq: int | None = None) -> int:
        """Append one event to a pair's history and return its ``event_id``.

        With ``expected_seq`` (the ``seq`` of the state the caller decided on),
        a concurrent write to the same pair raises :class:`ConflictError`
        instead of being interleaved; the caller re-reads and retries.
        """
        _check_status(ev.status)
        supplier_id = self.resolve_id("supplier", ev.supplier_id)
        imer_id = self.resolve_id("imer", ev.imer_id)
        attempts = 1 if expected_seq is not None else 5
        for _ in range(attempts):
            try:
                with self.session() as session:
                    if expected_seq is None:
                        current = session.execute(
                            select(func.max(PartnershipEventRow.seq)).where(
                                PartnershipEventRow.supplier_id == supplier_id,
                                PartnershipEventRow.imer_id == imer_id,
                            )
                        ).scalar()
                        seq = int(current or 0) + 1
                    else:
                        seq = expected_seq + 1
                    row = PartnershipEventRow(**_event_values(ev, supplier_id, imer_id, seq))
                    session.add(row)
                    session.flush()
                    return int(row.event_id)
            except IntegrityError as exc:
                log.debug("concurrent write on pair %s/%s: %s", supplier_id, imer_id, exc)
                continue
        raise ConflictError(
            f"the partnership {supplier_id}/{imer_id} was changed by someone else at the same "
            "time; read its state again and retry"
        )

    def append_events(self, events: Iterable[NewEvent]) -> int:
        """Append many events in one transaction (bulk history import); returns the count."""
        evs = list(events)
        if not evs:
            return 0
        for ev in evs:
            _check_status(ev.status)
        sup_alias = self.merged_map("supplier")
        imer_alias = self.merged_map("imer")
        known_s = self.supplier_ids()
        known_i = self.imer_ids()
        resolved: list[tuple[str, str, NewEvent]] = []
        for ev in evs:
            s = sup_alias.get(ev.supplier_id, ev.supplier_id)
            i = imer_alias.get(ev.imer_id, ev.imer_id)
            if s not in known_s:
                raise NotFoundError(f"supplier {ev.supplier_id!r} is not in the registry")
            if i not in known_i:
                raise NotFoundError(f"Imer {ev.imer_id!r} is not in the registry")
            resolved.append((s, i, ev))
        with self.session() as session:
            current = {
                (s, i): int(m)
                for s, i, m in session.execute(
                    select(
                        PartnershipEventRow.supplier_id,
                        PartnershipEventRow.imer_id,
                        func.max(PartnershipEventRow.seq),
                    ).group_by(PartnershipEventRow.supplier_id, PartnershipEventRow.imer_id)
                ).all()
            }
            values = []
            for s, i, ev in resolved:
                seq = current.get((s, i), 0) + 1
                current[(s, i)] = seq
                values.append(_event_values(ev, s, i, seq))
            for start in range(0, len(values), _CHUNK):
                session.execute(insert(PartnershipEventRow), values[start : start + _CHUNK])
        return len(values)

    def events(self, supplier_id: str | None = None, imer_id: str | None = None) -> pd.DataFrame:
        """Partnership events, oldest first, merged ids reported under their survivor.

        Columns: ``EVENT_COLUMNS`` plus ``seq`` and ``supplier_rating``. Events
        are ordered per pair by ``seq`` and overall by time then ``event_id``.
        """
        sup_alias = self.merged_map("supplier")
        imer_alias = self.merged_map("imer")
        t = PartnershipEventRow
        stmt = select(
            t.event_id,
            t.supplier_id,
            t.imer_id,
            t.status,
            t.at,
            t.actor,
            t.reason,
            t.started_at,
            t.ended_at,
            t.monthly_units,
            t.rating,
            t.source,
            t.seq,
            t.supplier_rating,
        )
        if supplier_id is not None:
            members = [supplier_id, *[k for k, v in sup_alias.items() if v == supplier_id]]
            stmt = stmt.where(t.supplier_id.in_(members))
        if imer_id is not None:
            members = [imer_id, *[k for k, v in imer_alias.items() if v == imer_id]]
            stmt = stmt.where(t.imer_id.in_(members))
        with self.engine.connect() as conn:
            rows = conn.execute(stmt.order_by(t.event_id)).all()
        columns = [*EVENT_COLUMNS, "seq", "supplier_rating"]
        frame = pd.DataFrame.from_records(rows, columns=columns)
        if sup_alias:
            frame["supplier_id"] = frame["supplier_id"].map(lambda x: sup_alias.get(x, x))
        if imer_alias:
            frame["imer_id"] = frame["imer_id"].map(lambda x: imer_alias.get(x, x))
        return _finish_event_frame(frame)

    def partnerships(self) -> pd.DataFrame:
        """The current state of every pair, derived from its events."""
        return derive_partnerships(self.events())

    def pair_state(self, supplier_id: str, imer_id: str) -> PairState | None:
        """The current state of one pair, or ``None`` if it has no history yet.

        ``seq`` is the sequence number of the pair's last event under the
        surviving ids, to pass to :meth:`append_event` as ``expected_seq``.
        """
        s = self.resolve_id("supplier", supplier_id)
        i = self.resolve_id("imer", imer_id)
        events = self.events(supplier_id=s, imer_id=i)
        if events.empty:
            return None
        with self.engine.connect() as conn:
            seq = conn.execute(
                select(func.max(PartnershipEventRow.seq)).where(
                    PartnershipEventRow.supplier_id == s, PartnershipEventRow.imer_id == i
                )
            ).scalar()
        state = derive_partnerships(events).iloc[0]
        return PairState(
            supplier_id=s,
            imer_id=i,
            status=str(state["status"]),
            seq=int(seq or 0),
            started_at=_none(state["started_at"]),
            ended_at=_none(state["ended_at"]),
            monthly_units=_none(state["monthly_units"]),
            rating=_none(state["rating"]),
            supplier_rating=_none(state["supplier_rating"]),
            n_events=int(state["n_events"]),
            history=tuple(str(x) for x in events["status"]),
        )

    def registry(self) -> Registry:
        """A snapshot of the whole registry as canonical frames."""
        events = self.events()
        return Registry(
            suppliers=self.suppliers(),
            imers=self.imers(),
            events=events,
            partnerships=derive_partnerships(events),
        )

    def counts(self) -> dict[str, int]:
        """How many suppliers, Imers, contacts and events are stored."""
        with self.engine.connect() as conn:
            return {
                "suppliers": int(
                    conn.execute(
                        select(func.count())
                        .select_from(SupplierRow)
                        .where(SupplierRow.merged_into.is_(None))
                    ).scalar_one()
                ),
                "imers": int(
                    conn.execute(
                        select(func.count())
                        .select_from(ImerRow)
                        .where(ImerRow.merged_into.is_(None))
                    ).scalar_one()
                ),
                "events": int(
                    conn.execute(select(func.count()).select_from(PartnershipEventRow)).scalar_one()
                ),
            }


# ---------------------------------------------------------------------- helpers
def derive_partnerships(events: pd.DataFrame) -> pd.DataFrame:
    """The current state of every pair from its events (latest ``seq`` wins).

    Dates and outcomes are the latest non-missing value in the pair's history,
    so an ``ended`` event that only adds ``ended_at`` keeps the earlier
    ``started_at`` and units. Sorted by ``supplier_id`` then ``imer_id``.
    """
    columns = [*PARTNERSHIP_COLUMNS, "supplier_rating"]
    if events.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    ev = events.sort_values(["supplier_id", "imer_id", "at", "seq", "event_id"], kind="stable")
    grouped = ev.groupby(["supplier_id", "imer_id"], sort=True)
    out = grouped.agg(
        status=("status", "last"),
        started_at=("started_at", "last"),
        ended_at=("ended_at", "last"),
        monthly_units=("monthly_units", "last"),
        rating=("rating", "last"),
        supplier_rating=("supplier_rating", "last"),
        first_at=("at", "min"),
        last_at=("at", "max"),
        n_events=("event_id", "count"),
    ).reset_index()
    # "last" in pandas skips missing values, which is the rule we want for
    # dates and outcomes, but the status must be the very last event's.
    out["status"] = grouped["status"].nth(-1).to_numpy()
    return out[columns].reset_index(drop=True)


def _same(old: dict[str, Any], new: dict[str, Any]) -> bool:
    for key, value in new.items():
        prev = old.get(key)
        if isinstance(value, float) and isinstance(prev, (int, float)):
            if not math.isclose(value, float(prev), rel_tol=1e-12, abs_tol=1e-9):
                return False
        elif prev != value:
            return False
    return True


def _none(value: Any) -> Any:
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value


def _event_values(ev: NewEvent, supplier_id: str, imer_id: str, seq: int) -> dict[str, Any]:
    for name, value in (("rating", ev.rating), ("supplier_rating", ev.supplier_rating)):
        if value is not None and not 1 <= float(value) <= 5:
            raise ValidationError(f"{name} must be between 1 and 5, got {value}")
    if ev.monthly_units is not None and float(ev.monthly_units) < 0:
        raise ValidationError(f"monthly_units cannot be negative, got {ev.monthly_units}")
    return {
        "supplier_id": supplier_id,
        "imer_id": imer_id,
        "seq": seq,
        "status": ev.status,
        "at": _as_utc(ev.at) or _utcnow(),
        "actor": ev.actor,
        "reason": ev.reason,
        "started_at": ev.started_at,
        "ended_at": ev.ended_at,
        "monthly_units": None if ev.monthly_units is None else float(ev.monthly_units),
        "rating": None if ev.rating is None else float(ev.rating),
        "supplier_rating": None if ev.supplier_rating is None else float(ev.supplier_rating),
        "source": ev.source,
    }


def _check_status(status: str) -> None:
    if status not in PARTNERSHIP_STATUSES:
        raise ValidationError(
            f"unknown partnership status {status!r}; use one of {', '.join(PARTNERSHIP_STATUSES)}"
        )


def _check_kind(kind: str) -> None:
    if kind not in ("supplier", "imer"):
        raise ValidationError(f"kind must be 'supplier' or 'imer', got {kind!r}")


# Built once: constructing a statement costs more than running it on an indexed key,
# and :meth:`Store.resolve_id` runs on every API request.
_MERGED_INTO_OF = {
    "supplier": select(SupplierRow.merged_into).where(
        SupplierRow.supplier_id == bindparam("profile_id")
    ),
    "imer": select(ImerRow.merged_into).where(ImerRow.imer_id == bindparam("profile_id")),
}


def _table_of(kind: ProfileKind) -> tuple[type[SupplierRow] | type[ImerRow], str]:
    _check_kind(kind)
    return (SupplierRow, "supplier_id") if kind == "supplier" else (ImerRow, "imer_id")


def resolve_chains(direct: dict[str, str]) -> dict[str, str]:
    """Each merged id (``direct``: id → the id it was merged into) → its final survivor."""
    out: dict[str, str] = {}
    for start in direct:
        current = start
        seen = {start}
        while current in direct:
            current = direct[current]
            if current in seen:
                break
            seen.add(current)
        out[start] = current
    return out


def _finish_profile_frame(frame: pd.DataFrame) -> pd.DataFrame:
    for col in frame.columns:
        if col in _LIST_COLUMNS:
            frame[col] = [list(v) if isinstance(v, list) else [] for v in frame[col]]
    float_cols = [
        "annual_revenue_idr",
        "monthly_capacity_units",
        "unit_price_idr",
        "monthly_revenue_idr",
        "monthly_ad_budget_idr",
        "monthly_orders",
    ]
    for col in float_cols:
        if col in frame.columns:
            frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("float64")
    if "min_order_qty" in frame.columns:
        frame["min_order_qty"] = frame["min_order_qty"].fillna(1).astype("int64")
    for col in ("dropship", "needs_dropship"):
        if col in frame.columns:
            frame[col] = frame[col].fillna(False).astype(bool)
    if "products" in frame.columns:
        frame["products"] = frame["products"].fillna("").astype(str)
    for col in ("city", "umkm_class", "merged_into"):
        if col in frame.columns:
            frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
    return frame


def _finish_event_frame(frame: pd.DataFrame) -> pd.DataFrame:
    frame["at"] = pd.to_datetime(frame["at"], utc=True)
    for col in ("monthly_units", "rating", "supplier_rating"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("float64")
    frame = frame.sort_values(["at", "event_id"], kind="stable").reset_index(drop=True)
    return frame


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
