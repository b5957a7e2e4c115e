"""Build the bipartite partnership graph from the stored partnership events.

The stored events are the source of truth: the graph is derived from them
(:func:`build_graph`) or brought up to date with newer ones
(:func:`update_graph`), never the other way round.

Node ids
--------
Suppliers and Imers live in one :class:`networkx.Graph`, so their ids are
prefixed to keep supplier ``"S1"`` and Imer ``"S1"`` apart:
``supplier_node("S1") == "supplier:S1"`` and ``imer_node("I1") == "imer:I1"``.
Every node also carries ``bipartite`` (0 = supplier, 1 = Imer, as networkx's
bipartite algorithms expect), ``kind`` (``"supplier"`` / ``"imer"``) and
``profile_id`` (the unprefixed id).

Node attributes (profile attributes that matter, never names or contacts):
    suppliers: ``province``, ``categories`` (tuple of slugs), ``umkm_class``,
    ``monthly_capacity_units`` (float, NaN when unknown);
    Imers: ``province``, ``categories``, ``stage``.

Edge attributes (one edge per pair that has at least one event):
    ``history``: tuple of :class:`EdgeEvent`, oldest first (the whole story);
    ``status`` (latest status), ``n_events``, ``first_at``, ``last_at``,
    ``n_proposals``, ``n_declines``, ``ever_accepted``, ``ever_active``,
    ``started_at``, ``ended_at`` (latest known dates, ``None`` when unknown),
    ``monthly_units``, ``rating`` (the Imer's rating of the supplier),
    ``supplier_rating`` (the supplier's rating of the Imer) — latest known
    values, NaN when unknown.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any, NamedTuple, Protocol

import networkx as nx
import numpy as np
import pandas as pd

from matchmaker.errors import ValidationError
from matchmaker.schema import Registry

__all__ = [
    "IMER",
    "SUMMARY_COLUMNS",
    "SUPPLIER",
    "EdgeEvent",
    "build_graph",
    "events_before",
    "graph_from_store",
    "imer_node",
    "normalise_events",
    "parse_node",
    "summarise_pairs",
    "supplier_node",
    "update_graph",
]

logger = logging.getLogger(__name__)

#: ``bipartite`` attribute of supplier nodes.
SUPPLIER = 0
#: ``bipartite`` attribute of Imer nodes.
IMER = 1

_SUPPLIER_PREFIX = "supplier:"
_IMER_PREFIX = "imer:"

#: Columns of :func:`summarise_pairs` (one row per pair).
SUMMARY_COLUMNS: tuple[str, ...] = (
    "supplier_id",
    "imer_id",
    "status",
    "n_events",
    "first_at",
    "last_at",
    "n_proposals",
    "n_declines",
    "ever_accepted",
    "ever_active",
    "started_at",
    "ended_at",
    "monthly_units",
    "rating",
    "supplier_rating",
)

_EVENT_FIELDS: tuple[str, ...] = (
    "event_id",
    "seq",
    "status",
    "at",
    "actor",
    "reason",
    "started_at",
    "ended_at",
    "monthly_units",
    "rating",
    "supplier_rating",
    "source",
)


class EdgeEvent(NamedTuple):
    """One partnership event as kept in an edge's ``history``."""

    event_id: int
    seq: int
    status: str
    at: pd.Timestamp
    actor: str
    reason: str | None
    started_at: date | None
    ended_at: date | None
    monthly_units: float
    rating: float
    supplier_rating: float
    source: str


class _RegistrySource(Protocol):
    def registry(self) -> Registry: ...


def supplier_node(supplier_id: str) -> str:
    """Graph node id of a supplier (``"supplier:<id>"``)."""
    return f"{_SUPPLIER_PREFIX}{supplier_id}"


def imer_node(imer_id: str) -> str:
    """Graph node id of an Imer (``"imer:<id>"``)."""
    return f"{_IMER_PREFIX}{imer_id}"


def parse_node(node: str) -> tuple[str, str]:
    """Split a graph node id into ``(kind, profile_id)``.

    Parameters
    ----------
    node:
        A node id made by :func:`supplier_node` or :func:`imer_node`.

    Returns
    -------
    tuple[str, str]
        ``("supplier", id)`` or ``("imer", id)``.

    Raises
    ------
    ValidationError
        If the id has neither prefix.
    """
    if node.startswith(_SUPPLIER_PREFIX):
        return "supplier", node[len(_SUPPLIER_PREFIX) :]
    if node.startswith(_IMER_PREFIX):
        return "imer", node[len(_IMER_PREFIX) :]
    raise ValidationError(
        f"graph node {node!r} is neither 'supplier:<id>' nor 'imer:<id>'; "
        "make node ids with supplier_node() / imer_node()"
    )


def _to_utc(value: datetime | pd.Timestamp) -> pd.Timestamp:
    ts = pd.Timestamp(value)
    if ts.tzinfo is None:
        return ts.tz_localize("UTC")
    return ts.tz_convert("UTC")


def _as_date(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp | datetime):
        return value.date()
    if isinstance(value, date):
        return value
    parsed = pd.to_datetime(value, errors="coerce")
    if pd.isna(parsed):
        return None
    return pd.Timestamp(parsed).date()


def _as_text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if value is pd.NA:
        return None
    return str(value)


def normalise_events(events: pd.DataFrame) -> pd.DataFrame:
    """Events in one predictable shape, sorted oldest first.

    Accepts the registry's event frame (``EVENT_COLUMNS``) with or without the
    store's extra ``seq`` and ``supplier_rating`` columns. ``at`` becomes a UTC
    timestamp, outcomes floats (NaN when unknown), dates ``date | None``.
    Sorted by ``at`` then ``event_id`` (the registry's order); ``seq`` (the
    store's per-pair sequence number) is 0 when the frame does not carry it.

    Parameters
    ----------
    events:
        Partnership events.

    Returns
    -------
    pandas.DataFrame
        Columns ``supplier_id``, ``imer_id`` and the :class:`EdgeEvent` fields.

    Raises
    ------
    ValidationError
        If ``supplier_id``, ``imer_id``, ``status`` or ``at`` is missing.
    """
    missing = [c for c in ("supplier_id", "imer_id", "status", "at") if c not in events.columns]
    if missing:
        raise ValidationError(
            f"partnership events lack column(s) {', '.join(missing)}; "
            "pass the events frame of a Registry (matchmaker.schema.EVENT_COLUMNS)"
        )
    n = len(events)
    out = pd.DataFrame(
        {
            "supplier_id": events["supplier_id"].astype(str).to_numpy(dtype=object),
            "imer_id": events["imer_id"].astype(str).to_numpy(dtype=object),
            "status": events["status"].astype(str).to_numpy(dtype=object),
            "at": pd.to_datetime(events["at"], utc=True).to_numpy(),
        }
    )
    out["at"] = pd.to_datetime(out["at"], utc=True)
    if "event_id" in events.columns:
        out["event_id"] = pd.to_numeric(events["event_id"]).to_numpy(dtype=np.int64)
    else:
        out["event_id"] = np.arange(1, n + 1, dtype=np.int64)
    for col in ("monthly_units", "rating", "supplier_rating"):
        if col in events.columns:
            out[col] = pd.to_numeric(events[col], errors="coerce").to_numpy(dtype=float)
        else:
            out[col] = np.full(n, np.nan)
    for col in ("started_at", "ended_at"):
        if col in events.columns:
            out[col] = [_as_date(v) for v in events[col].to_numpy(dtype=object)]
        else:
            out[col] = [None] * n
    for col, default in (("actor", "system"), ("reason", None), ("source", "")):
        if col in events.columns:
            values = [_as_text(v) for v in events[col].to_numpy(dtype=object)]
            out[col] = [default if v is None else v for v in values]
        else:
            out[col] = [default] * n
    has_seq = "seq" in events.columns
    if has_seq:
        out["seq"] = pd.to_numeric(events["seq"]).to_numpy(dtype=np.int64)
    out = out.sort_values(["at", "event_id"], kind="stable").reset_index(drop=True)
    if not has_seq:
        out["seq"] = np.zeros(len(out), dtype=np.int64)
    return out[["supplier_id", "imer_id", *_EVENT_FIELDS]]


def events_before(events: pd.DataFrame, as_of: datetime | None) -> pd.DataFrame:
    """The normalised events strictly before ``as_of`` (all when ``None``).

    Parameters
    ----------
    events:
        Partnership events (any shape :func:`normalise_events` accepts).
    as_of:
        Cut-off; a naive datetime is taken as UTC.

    Returns
    -------
    pandas.DataFrame
        Normalised events with ``at < as_of``, oldest first.
    """
    ev = normalise_events(events)
    if as_of is None:
        return ev
    cut = _to_utc(as_of)
    return ev.loc[ev["at"] < cut].reset_index(drop=True)


def _is_normalised(events: pd.DataFrame) -> bool:
    return list(events.columns) == ["supplier_id", "imer_id", *_EVENT_FIELDS] and (
        isinstance(events["at"].dtype, pd.DatetimeTZDtype)
    )


def summarise_pairs(events: pd.DataFrame) -> pd.DataFrame:
    """Current state and outcomes of every pair, derived from its events.

    Parameters
    ----------
    events:
        Partnership events (normalised or raw; see :func:`normalise_events`).

    Returns
    -------
    pandas.DataFrame
        One row per pair (``SUMMARY_COLUMNS``), sorted by ``supplier_id`` then
        ``imer_id``. ``status`` is the latest event's status; dates and
        outcomes are the latest known (non-missing) values.
    """
    ev = events if _is_normalised(events) else normalise_events(events)
    if ev.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in SUMMARY_COLUMNS})
    status = ev["status"].to_numpy(dtype=object)
    work = ev.assign(
        _prop=(status == "proposed").astype(np.int64),
        _decl=(status == "declined").astype(np.int64),
        _acc=np.isin(status, ["accepted", "active", "ended"]),
        _act=np.isin(status, ["active", "ended"]),
    )
    g = work.groupby(["supplier_id", "imer_id"], sort=True)
    out = pd.DataFrame(
        {
            "status": g["status"].last(),
            "n_events": g.size(),
            "first_at": g["at"].min(),
            "last_at": g["at"].max(),
            "n_proposals": g["_prop"].sum(),
            "n_declines": g["_decl"].sum(),
            "ever_accepted": g["_acc"].any(),
            "ever_active": g["_act"].any(),
            "started_at": g["started_at"].last(),
            "ended_at": g["ended_at"].last(),
            "monthly_units": g["monthly_units"].last(),
            "rating": g["rating"].last(),
            "supplier_rating": g["supplier_rating"].last(),
        }
    ).reset_index()
    for col in ("started_at", "ended_at"):
        out[col] = [_as_date(v) for v in out[col].to_numpy(dtype=object)]
    out["n_events"] = out["n_events"].astype(np.int64)
    out["n_proposals"] = out["n_proposals"].astype(np.int64)
    out["n_declines"] = out["n_declines"].astype(np.int64)
    out["ever_accepted"] = out["ever_accepted"].astype(bool)
    out["ever_active"] = out["ever_active"].astype(bool)
    return out[list(SUMMARY_COLUMNS)]


def _tuple_of_str(value: Any) -> tuple[str, ...]:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ()
    if isinstance(value, str):
        return tuple(v for v in value.split(";") if v)
    return tuple(str(v) for v in value)


def _float(value: Any) -> float:
    if value is None:
        return math.nan
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _opt_str(value: Any) -> str | None:
    text = _as_text(value)
    return text if text else None


def _add_profile_nodes(graph: nx.Graph, registry: Registry) -> None:
    sup = registry.suppliers
    cols = sup.columns
    for rec in sup.to_dict("records"):
        sid = str(rec["supplier_id"])
        graph.add_node(
            supplier_node(sid),
            bipartite=SUPPLIER,
            kind="supplier",
            profile_id=sid,
            province=_opt_str(rec.get("province")),
            categories=_tuple_of_str(rec.get("categories")),
            umkm_class=_opt_str(rec.get("umkm_class")) if "umkm_class" in cols else None,
            monthly_capacity_units=_float(rec.get("monthly_capacity_units")),
        )
    for rec in registry.imers.to_dict("records"):
        iid = str(rec["imer_id"])
        graph.add_node(
            imer_node(iid),
            bipartite=IMER,
            kind="imer",
            profile_id=iid,
            province=_opt_str(rec.get("province")),
            categories=_tuple_of_str(rec.get("categories")),
            stage=_opt_str(rec.get("stage")),
        )


def _ensure_node(graph: nx.Graph, kind: str, profile_id: str) -> str:
    node = supplier_node(profile_id) if kind == "supplier" else imer_node(profile_id)
    if node not in graph:
        logger.warning(
            "partnership events name %s %r which has no profile; added without attributes",
            kind,
            profile_id,
        )
        base: dict[str, Any] = {
            "bipartite": SUPPLIER if kind == "supplier" else IMER,
            "kind": kind,
            "profile_id": profile_id,
            "province": None,
            "categories": (),
        }
        if kind == "supplier":
            base.update(umkm_class=None, monthly_capacity_units=math.nan)
        else:
            base.update(stage=None)
        graph.add_node(node, **base)
    return node


def _edge_attrs(history: Sequence[EdgeEvent]) -> dict[str, Any]:
    """Summary attributes of one pair from its (sorted) history."""
    last_known: dict[str, Any] = {
        "started_at": None,
        "ended_at": None,
        "monthly_units": math.nan,
        "rating": math.nan,
        "supplier_rating": math.nan,
    }
    for ev in history:
        if ev.started_at is not None:
            last_known["started_at"] = ev.started_at
        if ev.ended_at is not None:
            last_known["ended_at"] = ev.ended_at
        for key in ("monthly_units", "rating", "supplier_rating"):
            value = getattr(ev, key)
            if not math.isnan(value):
                last_known[key] = value
    statuses = [ev.status for ev in history]
    return {
        "history": tuple(history),
        "status": statuses[-1],
        "n_events": len(history),
        "first_at": min(ev.at for ev in history),
        "last_at": max(ev.at for ev in history),
        "n_proposals": statuses.count("proposed"),
        "n_declines": statuses.count("declined"),
        "ever_accepted": any(s in ("accepted", "active", "ended") for s in statuses),
        "ever_active": any(s in ("active", "ended") for s in statuses),
        **last_known,
    }


def _iter_edge_events(ev: pd.DataFrame) -> Iterable[tuple[str, str, EdgeEvent]]:
    cols = [ev[c].to_numpy(dtype=object) for c in ("supplier_id", "imer_id", *_EVENT_FIELDS)]
    for values in zip(*cols, strict=True):
        sid, iid, event_id, seq, status, at, actor, reason, sa, ea, mu, rt, srt, src = values
        yield (
            str(sid),
            str(iid),
            EdgeEvent(
                event_id=int(event_id),
                seq=int(seq),
                status=str(status),
                at=at,
                actor=str(actor),
                reason=_as_text(reason),
                started_at=_as_date(sa),
                ended_at=_as_date(ea),
                monthly_units=float(mu),
                rating=float(rt),
                supplier_rating=float(srt),
                source=str(src),
            ),
        )


def _apply(graph: nx.Graph, ev: pd.DataFrame) -> None:
    grouped: dict[tuple[str, str], list[EdgeEvent]] = {}
    for sid, iid, edge_event in _iter_edge_events(ev):
        grouped.setdefault((sid, iid), []).append(edge_event)
    max_id = int(graph.graph.get("max_event_id", 0))
    for (sid, iid), new in grouped.items():
        s_node = _ensure_node(graph, "supplier", sid)
        i_node = _ensure_node(graph, "imer", iid)
        old: tuple[EdgeEvent, ...] = ()
        if graph.has_edge(s_node, i_node):
            old = graph.edges[s_node, i_node]["history"]
        seen = {e.event_id for e in old}
        merged = list(old) + [e for e in new if e.event_id not in seen]
        merged.sort(key=lambda e: (e.at, e.event_id))
        graph.add_edge(s_node, i_node, **_edge_attrs(merged))
        max_id = max(max_id, max(e.event_id for e in new))
    graph.graph["max_event_id"] = max_id


def build_graph(registry: Registry, *, as_of: datetime | None = None) -> nx.Graph:
    """The bipartite partnership graph of a registry snapshot.

    Every supplier and Imer profile is a node (also those without partners);
    every pair with at least one event is an edge carrying its whole history.
    See the module docstring for node ids and attributes.

    Parameters
    ----------
    registry:
        Profiles and partnership events.
    as_of:
        When given, only events strictly before it are used.

    Returns
    -------
    networkx.Graph
        Graph with ``graph.graph["max_event_id"]`` set to the newest event id
        applied (0 without events), so :func:`update_graph` can add later ones.

    Notes
    -----
    Linear in the number of profiles and events.
    """
    graph = nx.Graph(max_event_id=0)
    _add_profile_nodes(graph, registry)
    ev = events_before(registry.events, as_of)
    if not ev.empty:
        _apply(graph, ev)
    return graph


def update_graph(graph: nx.Graph, events: pd.DataFrame) -> nx.Graph:
    """Add events to a graph in place (events already applied are skipped).

    Events with an ``event_id`` already in an edge's history are ignored, so
    passing the full event frame again is harmless; the result equals
    :func:`build_graph` on the combined events.

    Parameters
    ----------
    graph:
        A graph made by :func:`build_graph`.
    events:
        New (or all) partnership events.

    Returns
    -------
    networkx.Graph
        The same graph object, updated.
    """
    ev = events if _is_normalised(events) else normalise_events(events)
    if not ev.empty:
        _apply(graph, ev)
    return graph


def graph_from_store(store: _RegistrySource, *, as_of: datetime | None = None) -> nx.Graph:
    """:func:`build_graph` over a store's current snapshot (``store.registry()``)."""
    return build_graph(store.registry(), as_of=as_of)
