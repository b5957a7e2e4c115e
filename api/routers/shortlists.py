"""Shortlists: suppliers for an Imer, Imers for a supplier, and a preview for a new profile.

The fitted recommender (``matchmaker fit``) is loaded once per app and bound to
the registry as it was then; it is re-bound in the background when the
registry has changed (at most every ``model_refresh_seconds``). An Imer stored
since then is answered from its stored profile as a newcomer (like the
registration preview); a supplier stored since then makes the model re-bind at
once. Pairs that are active *now* in the store are always left out, so a
partnership activated a moment ago never comes back as a recommendation.

The two stored-profile shortlists are the hub's hottest requests. They run on
the event loop, not in a worker thread, while the model is loaded: the answer
is a few indexed reads and, most often, a cache lookup, and handing it to a
thread costs more than the work once many requests compete for the
interpreter. A request that needs a model load (none loaded yet, or a
supplier the model has not seen) moves to a worker thread instead.
"""

from __future__ import annotations

import json
import math
import threading
import time
import weakref
from collections.abc import Callable
from typing import Annotated, Any, Literal

import pandas as pd
from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from api import profiles
from api.deps import MemberDep, ModelHolder, StoreDep
from api.errors import ApiValidationError, FieldProblem, error_responses
from api.queries import pair_statuses
from api.routers.imers import ImerIdPath
from api.routers.suppliers import SupplierIdPath
from api.schemas import (
    ShortlistFiltersBody,
    ShortlistPreviewRequest,
    ShortlistPublic,
)
from matchmaker import parsing
from matchmaker.auth import PermissionDeniedError, Principal
from matchmaker.errors import NotFoundError, ParseError
from matchmaker.ranking import ShortlistFilters
from matchmaker.ranking.cache import ShortlistCache
from matchmaker.store import Store

__all__ = ["DEFAULT_K", "DEFAULT_LANG", "router", "shortlist_cache"]

#: The default query of the shortlist endpoints (what is precomputed).
DEFAULT_K = 10
DEFAULT_LANG: Literal["id", "en"] = "id"
#: Spare candidates kept per cached shortlist (more active partners: a live computation).
CACHE_EXTRA = 5
#: Cached shortlists per served model: a national registry's profiles, both sides.
CACHE_MAX_ENTRIES = 250_000

router = APIRouter(tags=["shortlists"])

K = Annotated[int, Query(ge=1, le=100, description="How many partners to return.")]
Lang = Annotated[Literal["id", "en"], Query(description="Language of the reasons.")]
Provinces = Annotated[
    list[str] | None,
    Query(description="Only partners based in one of these provinces (tolerant, repeatable)."),
]
Categories = Annotated[
    list[str] | None,
    Query(description="Only partners listing one of these categories (repeatable)."),
]
DropshipOnly = Annotated[
    bool,
    Query(description="Suppliers offering dropship (for a supplier: Imers needing it)."),
]
_ERRORS = error_responses(401, 403, 404)


def _parse_many(
    loc: tuple[str, ...], parse: Callable[[str], str], values: list[str] | None
) -> tuple[str, ...]:
    out: list[str] = []
    problems: list[FieldProblem] = []
    for value in values or []:
        if len(value) > 100:
            problems.append(FieldProblem(loc, "must have at most 100 characters"))
            continue
        try:
            out.append(parse(value))
        except ParseError as exc:
            problems.append(FieldProblem(loc, str(exc), exc.suggestions))
    if problems:
        raise ApiValidationError(problems)
    return tuple(dict.fromkeys(out))


def _filters(
    where: tuple[str, ...],
    province: list[str] | None,
    category: list[str] | None,
    dropship_only: bool,
    certification: list[str] | None = None,
    max_moq: int | None = None,
) -> ShortlistFilters:
    return ShortlistFilters(
        provinces=_parse_many((*where, "province"), parsing.parse_province, province),
        categories=_parse_many((*where, "category"), parsing.parse_category, category),
        dropship_only=dropship_only,
        certifications=_parse_many(
            (*where, "certification"), parsing.parse_certification, certification
        ),
        max_moq=max_moq,
    )


def _resolve(
    store: Store, principal: Principal, kind: Literal["imer", "supplier"], profile_id: str
) -> tuple[str, set[str]]:
    """The profile's surviving id and the partners it is active with now (404, 403)."""
    resolved, statuses = pair_statuses(store, kind, profile_id)
    if not principal.is_staff and not principal.owns(kind, resolved):
        raise PermissionDeniedError("a member may ask only for its own shortlist")
    return resolved, {other for other, status in statuses.items() if status == "active"}


_SUMMARIES: weakref.WeakKeyDictionary[Any, dict[str, dict[str, dict[str, Any]]]] = (
    weakref.WeakKeyDictionary()
)
_SUMMARY_LOCK = threading.Lock()


def _summaries(rec: Any, target: Literal["supplier", "imer"]) -> dict[str, dict[str, Any]]:
    """Name, province and categories by id, from the registry the model is bound to."""
    try:
        cached = _SUMMARIES.setdefault(rec, {})
    except TypeError:  # an object without weak references: no cache
        cached = {}
    found = cached.get(target)
    if found is not None:
        return found
    registry = getattr(rec, "registry", None)
    frame = None
    if registry is not None:
        frame = registry.suppliers if target == "supplier" else registry.imers
    table: dict[str, dict[str, Any]] = {}
    if frame is not None and len(frame):
        key = profiles.id_column(target)
        for ident, name, province, cats in zip(
            frame[key], frame["name"], frame["province"], frame["categories"], strict=True
        ):
            table[str(ident)] = {"name": name, "province": province, "categories": cats}
    with _SUMMARY_LOCK:
        cached[target] = table
    return table


_CACHES: weakref.WeakKeyDictionary[Any, ShortlistCache] = weakref.WeakKeyDictionary()
_CACHE_LOCK = threading.Lock()


def shortlist_cache(rec: Any) -> ShortlistCache:
    """The shortlist cache of one served recommender (a new model starts an empty one).

    The served model is never changed in place (a reload swaps in a new object
    bound to the registry as it is then), so entries keyed by the model object
    cannot outlive a model or registry change.
    """
    with _CACHE_LOCK:
        cache = _CACHES.get(rec)
        if cache is None:
            cache = ShortlistCache(rec, extra=CACHE_EXTRA, max_entries=CACHE_MAX_ENTRIES)
            _CACHES[rec] = cache
        return cache


Records = list[dict[str, Any]]


def _records(frame: pd.DataFrame) -> Records:
    return [{str(c): v for c, v in r.items()} for r in frame.to_dict("records")]


class _NeedsLoad(Exception):
    """The answer needs the model loaded or re-bound: not for the event loop."""


def _ask(
    request: Request,
    ask: Callable[[Any], Records],
    newcomer: Callable[[Any], Records] | None = None,
    *,
    on_loop: bool = False,
) -> tuple[Any, Records]:
    """Ask the served model; handle a profile stored after the model was bound.

    ``newcomer`` answers for such a profile from its stored fields (as the
    registration preview does: it has no history yet), which costs a few
    milliseconds; without it the model is re-bound to the registry at once.
    With ``on_loop``, :class:`_NeedsLoad` is raised instead of loading.
    """
    holder: ModelHolder = request.app.state.models
    started = time.monotonic()
    if on_loop and holder.current() is None:
        raise _NeedsLoad
    rec = holder.get()
    try:
        return rec, ask(rec)
    except NotFoundError:
        if newcomer is not None:
            return rec, newcomer(rec)
        if on_loop:
            raise _NeedsLoad from None
        rec = holder.refresh(newer_than=started)
        return rec, ask(rec)


async def _on_loop_or_thread(answer: Callable[[bool], Response]) -> Response:
    """``answer(True)`` on the event loop; ``answer(False)`` in a thread if it needs a load."""
    try:
        return answer(True)
    except _NeedsLoad:
        return await run_in_threadpool(answer, False)


def _items(
    store: Store,
    principal: Principal,
    answer: tuple[Any, Records],
    target: Literal["supplier", "imer"],
    k: int,
    drop: set[str],
) -> list[dict[str, Any]]:
    """The answer's items, as :class:`ShortlistItem` fields (in its order)."""
    model, records = answer
    key = profiles.id_column(target)
    rows = [r for r in records if str(r[key]) not in drop][:k]
    ids = [str(r[key]) for r in rows]
    known = _summaries(model, target)
    info = {i: known[i] for i in ids if i in known}
    missing = [i for i in ids if i not in info]
    if missing:
        stored = store.suppliers(missing) if target == "supplier" else store.imers(missing)
        for rec in stored.to_dict("records"):
            info[str(rec[key])] = {str(c): v for c, v in rec.items()}
    # An Imer's name may be a person's: only staff see it in a shortlist.
    show_name = target == "supplier" or principal.is_staff
    items = []
    for rank, (ident, r) in enumerate(zip(ids, rows, strict=True), start=1):
        about = info.get(ident, {})
        score = float(r["score"])
        items.append(
            {
                "rank": rank,
                "supplier_id": ident if target == "supplier" else None,
                "imer_id": ident if target == "imer" else None,
                "score": score if math.isfinite(score) else None,
                "reasons": _reasons(r.get("reasons")),
                "name": str(about["name"]) if about and show_name else None,
                "province": str(about["province"]) if about else None,
                "categories": [str(c) for c in about.get("categories", [])],
            }
        )
    return items


def _json(
    for_kind: Literal["imer", "supplier", "preview"],
    for_id: str | None,
    k: int,
    lang: str,
    items: list[dict[str, Any]],
) -> Response:
    """A :class:`ShortlistPublic` answer, serialised here from plain values.

    The endpoints still declare ``response_model`` (their documented schema,
    which the schema tests check every answer against), but the answer is
    built from values that already have the schema's types: validating it
    through the model again (and, for a plain endpoint, in a second hop to a
    worker thread) would cost as much as answering from the cache.
    """
    body = {"for_kind": for_kind, "for_id": for_id, "k": k, "lang": lang, "items": items}
    return Response(
        content=json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode(),
        media_type="application/json",
    )


def _reasons(value: Any) -> list[str]:
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return []
    return [part.strip() for part in str(value).split(";") if part.strip()]


@router.get(
    "/imers/{imer_id}/shortlist",
    response_model=ShortlistPublic,
    summary="Suppliers for an Imer",
    responses=_ERRORS,
)
async def imer_shortlist(
    request: Request,
    imer_id: ImerIdPath,
    principal: MemberDep,
    k: K = DEFAULT_K,
    lang: Lang = DEFAULT_LANG,
    province: Provinces = None,
    category: Categories = None,
    dropship_only: DropshipOnly = False,
    certification: Annotated[
        list[str] | None, Query(description="Suppliers holding all of these (repeatable).")
    ] = None,
    max_moq: Annotated[
        int | None, Query(ge=1, le=10_000_000, description="Suppliers with MOQ at most this.")
    ] = None,
) -> Response:
    """The ``k`` best suppliers for a stored Imer, each with short reasons in ``lang``
    (staff, or the Imer's own member token), with the same filters as ``matchmaker
    shortlist``. Suppliers it has an active partnership with are left out. Without a
    fitted model the answer is 503: run ``matchmaker fit``."""

    store: Store = request.app.state.store  # not a dependency: one solving pass less

    def answer(on_loop: bool) -> Response:
        resolved, drop = _resolve(store, principal, "imer", imer_id)
        filters = _filters(("query",), province, category, dropship_only, certification, max_moq)
        found = _ask(
            request,
            lambda rec: shortlist_cache(rec).records(
                "suppliers", resolved, k, filters, lang, exclude=drop
            ),
            newcomer=lambda rec: _records(
                rec.recommend_suppliers_for_profile(
                    store.imers([resolved]), k=k + len(drop), filters=filters, lang=lang
                )
            ),
            on_loop=on_loop,
        )
        items = _items(store, principal, found, "supplier", k, drop)
        return _json("imer", resolved, k, lang, items)

    return await _on_loop_or_thread(answer)


@router.get(
    "/suppliers/{supplier_id}/shortlist",
    response_model=ShortlistPublic,
    summary="Imers for a supplier",
    responses=_ERRORS,
)
async def supplier_shortlist(
    request: Request,
    supplier_id: SupplierIdPath,
    principal: MemberDep,
    k: K = DEFAULT_K,
    lang: Lang = DEFAULT_LANG,
    province: Provinces = None,
    category: Categories = None,
    dropship_only: DropshipOnly = False,
) -> Response:
    """The ``k`` best Imers for a stored supplier (staff, or the supplier's own token).
    Imers' names are shown to staff only; contact details never appear here."""

    store: Store = request.app.state.store  # not a dependency: one solving pass less

    def answer(on_loop: bool) -> Response:
        resolved, drop = _resolve(store, principal, "supplier", supplier_id)
        filters = _filters(("query",), province, category, dropship_only)
        found = _ask(
            request,
            lambda rec: shortlist_cache(rec).records(
                "imers", resolved, k, filters, lang, exclude=drop
            ),
            on_loop=on_loop,
        )
        items = _items(store, principal, found, "imer", k, drop)
        return _json("supplier", resolved, k, lang, items)

    return await _on_loop_or_thread(answer)


@router.post(
    "/shortlists/preview",
    response_model=ShortlistPublic,
    summary="Suppliers for a profile not stored yet",
    responses=_ERRORS,
)
def preview(
    request: Request, body: ShortlistPreviewRequest, store: StoreDep, principal: MemberDep
) -> Response:
    """The registration form's preview (any token): the best suppliers for an Imer profile
    as typed, without storing it. Values are parsed like the importer's, so a value that
    cannot be resolved is a 422 naming the field (``body.profile.province``)."""
    values = body.profile.model_dump()
    values["imer_id"] = "preview"
    if values.get("name") is None:
        values["name"] = "preview"
    frame, _contacts = profiles.parse_profile("imer", values, loc_prefix=("body", "profile"))
    f = body.filters or ShortlistFiltersBody()
    filters = _filters(
        ("body", "filters"), f.province, f.category, f.dropship_only, f.certification, f.max_moq
    )
    answer = _ask(
        request,
        lambda rec: _records(
            rec.recommend_suppliers_for_profile(frame, k=body.k, filters=filters, lang=body.lang)
        ),
    )
    items = _items(store, principal, answer, "supplier", body.k, set())
    return _json("preview", None, body.k, body.lang, items)
