"""Partnerships: propose, accept, decline, activate, end, and each pair's history.

Every action appends one event through :mod:`matchmaker.graph.lifecycle`,
which enforces the allowed steps (an illegal one is a 409 saying what is
allowed instead) and retries on concurrent writes, so no event is lost.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

import pandas as pd
from fastapi import APIRouter, Body, Path, Query, status

from api import profiles
from api.access import CONTACT_STATUSES, check_accept, check_pair
from api.deps import MemberDep, SettingsDep, StoreDep
from api.errors import error_responses
from api.schemas import (
    ID_PATTERN,
    AcceptRequest,
    ActivateRequest,
    Contact,
    DeclineRequest,
    EndRequest,
    PartnershipContacts,
    PartnershipDetail,
    PartnershipEvent,
    PartnershipList,
    PartnershipState,
    ProposeRequest,
)
from matchmaker.auth import PermissionDeniedError, Principal
from matchmaker.errors import NotFoundError
from matchmaker.graph import lifecycle
from matchmaker.store import PairState, Store, derive_partnerships

__all__ = ["router", "state_public"]

router = APIRouter(prefix="/partnerships", tags=["partnerships"])

SupplierPath = Annotated[
    str,
    Path(min_length=1, max_length=64, pattern=ID_PATTERN, examples=["S-0001"]),
]
ImerPath = Annotated[
    str,
    Path(min_length=1, max_length=64, pattern=ID_PATTERN, examples=["I-0001"]),
]
_ACTION_ERRORS = error_responses(401, 403, 404, 409)


def _none(value: Any) -> Any:
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item"):
        return value.item()
    return value


def _date(value: Any) -> Any:
    value = _none(value)
    if value is not None and hasattr(value, "date") and callable(value.date):
        return value.date()
    return value


def state_public(state: PairState) -> PartnershipState:
    """A store :class:`~matchmaker.store.PairState` as the API shows it."""
    return PartnershipState(
        supplier_id=state.supplier_id,
        imer_id=state.imer_id,
        status=state.status,
        seq=state.seq,
        started_at=_date(state.started_at),
        ended_at=_date(state.ended_at),
        monthly_units=_none(state.monthly_units),
        rating=_none(state.rating),
        supplier_rating=_none(state.supplier_rating),
        n_events=state.n_events,
        allowed_actions=list(lifecycle.allowed_actions(state.status)),
    )


def _events_public(events: pd.DataFrame) -> list[PartnershipEvent]:
    out = []
    for r in events.to_dict("records"):
        out.append(
            PartnershipEvent(
                seq=int(r["seq"]),
                status=str(r["status"]),
                at=_none(r["at"]),
                actor=str(r["actor"]),
                reason=_none(r["reason"]),
                started_at=_date(r["started_at"]),
                ended_at=_date(r["ended_at"]),
                monthly_units=_none(r["monthly_units"]),
                rating=_none(r["rating"]),
                supplier_rating=_none(r["supplier_rating"]),
                source=str(r["source"]),
            )
        )
    return out


def _resolve_pair(store: Store, principal: Principal, s: str, i: str) -> tuple[str, str]:
    supplier_id = store.resolve_id("supplier", s)
    imer_id = store.resolve_id("imer", i)
    check_pair(principal, supplier_id, imer_id)
    return supplier_id, imer_id


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=PartnershipState,
    summary="Propose a partnership",
    responses=_ACTION_ERRORS,
)
def propose(body: ProposeRequest, store: StoreDep, principal: MemberDep) -> PartnershipState:
    """Propose a pair: by staff, or by a member for a pair it is one side of. A pair with
    an open proposal or an active partnership is a 409."""
    s, i = _resolve_pair(store, principal, body.supplier_id, body.imer_id)
    state = lifecycle.propose(store, s, i, actor=principal.actor, reason=body.reason)
    return state_public(state)


@router.get(
    "",
    response_model=PartnershipList,
    summary="List partnerships",
    responses=error_responses(401, 403),
)
def list_partnerships(
    store: StoreDep,
    settings: SettingsDep,
    principal: MemberDep,
    supplier_id: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    imer_id: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    status_: Annotated[
        Literal["proposed", "accepted", "declined", "active", "ended"] | None,
        Query(alias="status"),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> PartnershipList:
    """Current states of pairs, sorted by supplier then Imer. Staff see every pair; a
    member sees only the pairs it is one side of."""
    if not principal.is_staff:
        own_s, own_i = principal.supplier_id, principal.imer_id
        if (own_s is not None and supplier_id not in (None, own_s)) or (
            own_i is not None and imer_id not in (None, own_i)
        ):
            raise PermissionDeniedError("a member may list only its own partnerships")
        supplier_id = own_s if own_s is not None else supplier_id
        imer_id = own_i if own_i is not None else imer_id
    events = store.events(supplier_id=supplier_id, imer_id=imer_id)
    pairs = _derive(events)
    if status_ is not None:
        pairs = pairs[pairs["status"] == status_]
    limit = min(limit, settings.max_page_size)
    window = pairs.iloc[offset : offset + limit]
    items = [
        PartnershipState(
            supplier_id=str(r["supplier_id"]),
            imer_id=str(r["imer_id"]),
            status=r["status"],
            seq=int(r["seq"]),
            started_at=_date(r["started_at"]),
            ended_at=_date(r["ended_at"]),
            monthly_units=_none(r["monthly_units"]),
            rating=_none(r["rating"]),
            supplier_rating=_none(r["supplier_rating"]),
            n_events=int(r["n_events"]),
            allowed_actions=list(lifecycle.allowed_actions(str(r["status"]))),
        )
        for r in window.to_dict("records")
    ]
    return PartnershipList(items=items, total=len(pairs), limit=limit, offset=offset)


def _derive(events: pd.DataFrame) -> pd.DataFrame:
    pairs = derive_partnerships(events)
    if events.empty:
        pairs["seq"] = pd.Series(dtype="int64")
        return pairs
    seq = events.groupby(["supplier_id", "imer_id"])["seq"].max().rename("seq").reset_index()
    return pairs.merge(seq, on=["supplier_id", "imer_id"], how="left")


@router.get(
    "/{supplier_id}/{imer_id}",
    response_model=PartnershipDetail,
    summary="A pair's state and history",
    responses=error_responses(401, 403, 404),
)
def get_partnership(
    supplier_id: SupplierPath, imer_id: ImerPath, store: StoreDep, principal: MemberDep
) -> PartnershipDetail:
    """The pair's current state, every event oldest first, and contact details: staff see
    both sides'; a member sees its own and, once the pair is accepted, active or ended,
    the other side's. A pair without history is a 404."""
    s, i = _resolve_pair(store, principal, supplier_id, imer_id)
    state = store.pair_state(s, i)
    if state is None:
        raise NotFoundError(
            f"partnership {s}/{i} has no history yet; propose it with POST /partnerships"
        )
    events = lifecycle.history(store, s, i)
    agreed = state.status in CONTACT_STATUSES
    show_s = principal.is_staff or principal.owns("supplier", s) or agreed
    show_i = principal.is_staff or principal.owns("imer", i) or agreed
    found_s = profiles.contacts_of(store, "supplier", [s]) if show_s else {}
    found_i = profiles.contacts_of(store, "imer", [i]) if show_i else {}
    contacts = PartnershipContacts(
        supplier=Contact(**found_s.get(s, {})) if show_s else None,
        imer=Contact(**found_i.get(i, {})) if show_i else None,
    )
    return PartnershipDetail(
        state=state_public(state), events=_events_public(events), contacts=contacts
    )


def _proposer(store: Store, s: str, i: str) -> str | None:
    events = lifecycle.history(store, s, i)
    proposals = events[events["status"] == "proposed"]
    return None if proposals.empty else str(proposals.iloc[-1]["actor"])


@router.post(
    "/{supplier_id}/{imer_id}/accept",
    response_model=PartnershipState,
    summary="Accept a proposal",
    responses=_ACTION_ERRORS,
)
def accept(
    supplier_id: SupplierPath,
    imer_id: ImerPath,
    store: StoreDep,
    principal: MemberDep,
    body: Annotated[AcceptRequest | None, Body()] = None,
) -> PartnershipState:
    """Accept the open proposal: the other side of the proposer, or staff. After this both
    sides see each other's contact details."""
    del body
    s, i = _resolve_pair(store, principal, supplier_id, imer_id)
    check_accept(principal, _proposer(store, s, i))
    return state_public(lifecycle.accept(store, s, i, actor=principal.actor))


@router.post(
    "/{supplier_id}/{imer_id}/decline",
    response_model=PartnershipState,
    summary="Decline a proposal",
    responses=_ACTION_ERRORS,
)
def decline(
    supplier_id: SupplierPath,
    imer_id: ImerPath,
    store: StoreDep,
    principal: MemberDep,
    body: Annotated[DeclineRequest | None, Body()] = None,
) -> PartnershipState:
    """Decline a proposed or accepted (not yet active) pair, with an optional reason."""
    s, i = _resolve_pair(store, principal, supplier_id, imer_id)
    reason = body.reason if body is not None else None
    return state_public(lifecycle.decline(store, s, i, actor=principal.actor, reason=reason))


@router.post(
    "/{supplier_id}/{imer_id}/activate",
    response_model=PartnershipState,
    summary="Start an accepted partnership",
    responses=_ACTION_ERRORS,
)
def activate(
    supplier_id: SupplierPath,
    imer_id: ImerPath,
    store: StoreDep,
    principal: MemberDep,
    body: Annotated[ActivateRequest | None, Body()] = None,
) -> PartnershipState:
    """Mark an accepted pair as trading, from ``started_at`` (default today)."""
    s, i = _resolve_pair(store, principal, supplier_id, imer_id)
    started = body.started_at if body is not None else None
    return state_public(lifecycle.activate(store, s, i, actor=principal.actor, started_at=started))


@router.post(
    "/{supplier_id}/{imer_id}/end",
    response_model=PartnershipState,
    summary="End a partnership with its outcome",
    responses=_ACTION_ERRORS,
)
def end(
    supplier_id: SupplierPath,
    imer_id: ImerPath,
    store: StoreDep,
    principal: MemberDep,
    body: Annotated[EndRequest | None, Body()] = None,
) -> PartnershipState:
    """End an active partnership. ``rating`` is the Imer's rating of the supplier and
    ``supplier_rating`` the supplier's of the Imer: a member gives only its own side's."""
    s, i = _resolve_pair(store, principal, supplier_id, imer_id)
    req = body if body is not None else EndRequest()
    if not principal.is_staff:
        if req.rating is not None and not principal.owns("imer", i):
            raise PermissionDeniedError("rating is the Imer's rating of the supplier")
        if req.supplier_rating is not None and not principal.owns("supplier", s):
            raise PermissionDeniedError("supplier_rating is the supplier's rating of the Imer")
    state = lifecycle.end(
        store,
        s,
        i,
        actor=principal.actor,
        ended_at=req.ended_at,
        monthly_units=req.monthly_units,
        rating=req.rating,
        supplier_rating=req.supplier_rating,
    )
    return state_public(state)
