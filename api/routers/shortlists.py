"""Shortlists: suppliers for an Imer, Imers for a supplier, and a preview for a new profile."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import pandas as pd
from fastapi import APIRouter, Query

from api import profiles
from api.deps import MemberDep, RecommenderDep, StoreDep
from api.errors import error_responses
from api.routers.imers import ImerIdPath
from api.routers.suppliers import SupplierIdPath
from api.schemas import ShortlistItem, ShortlistPreviewRequest, ShortlistPublic
from matchmaker.auth import PermissionDeniedError

__all__ = ["router"]

router = APIRouter(tags=["shortlists"])

K = Annotated[int, Query(ge=1, le=100, description="How many partners to return.")]
Lang = Annotated[Literal["id", "en"], Query(description="Language of the reasons.")]
_ERRORS = error_responses(401, 403, 404)


def _reasons(value: Any) -> list[str]:
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return []
    return [part.strip() for part in str(value).split(";") if part.strip()]


def _items(frame: pd.DataFrame, target: Literal["supplier", "imer"]) -> list[ShortlistItem]:
    key = profiles.id_column(target)
    items = []
    for r in frame.to_dict("records"):
        items.append(
            ShortlistItem(
                rank=int(r["rank"]),
                score=float(r["score"]),
                reasons=_reasons(r.get("reasons")),
                **{key: str(r[key])},
            )
        )
    return items


@router.get(
    "/imers/{imer_id}/shortlist",
    response_model=ShortlistPublic,
    summary="Suppliers for an Imer",
    responses=_ERRORS,
)
def imer_shortlist(
    imer_id: ImerIdPath,
    store: StoreDep,
    principal: MemberDep,
    rec: RecommenderDep,
    k: K = 10,
    lang: Lang = "id",
) -> ShortlistPublic:
    """The ``k`` best suppliers for a stored Imer with short reasons (staff, or the Imer's
    own member token). Suppliers it already has an active partnership with are left out."""
    resolved = store.resolve_id("imer", imer_id)
    if not principal.is_staff and not principal.owns("imer", resolved):
        raise PermissionDeniedError("a member may ask only for its own shortlist")
    frame = rec.recommend_suppliers([resolved], k=k, lang=lang)
    return ShortlistPublic(
        for_kind="imer", for_id=resolved, k=k, lang=lang, items=_items(frame, "supplier")
    )


@router.get(
    "/suppliers/{supplier_id}/shortlist",
    response_model=ShortlistPublic,
    summary="Imers for a supplier",
    responses=_ERRORS,
)
def supplier_shortlist(
    supplier_id: SupplierIdPath,
    store: StoreDep,
    principal: MemberDep,
    rec: RecommenderDep,
    k: K = 10,
    lang: Lang = "id",
) -> ShortlistPublic:
    """The ``k`` best Imers for a stored supplier (staff, or the supplier's own token)."""
    resolved = store.resolve_id("supplier", supplier_id)
    if not principal.is_staff and not principal.owns("supplier", resolved):
        raise PermissionDeniedError("a member may ask only for its own shortlist")
    frame = rec.recommend_imers([resolved], k=k, lang=lang)
    return ShortlistPublic(
        for_kind="supplier", for_id=resolved, k=k, lang=lang, items=_items(frame, "imer")
    )


@router.post(
    "/shortlists/preview",
    response_model=ShortlistPublic,
    summary="Suppliers for a profile not stored yet",
    responses=_ERRORS,
)
def preview(
    body: ShortlistPreviewRequest, principal: MemberDep, rec: RecommenderDep
) -> ShortlistPublic:
    """The registration form's preview: the best suppliers for an Imer profile as typed,
    without storing it. Values are parsed like the importer's (422 names the field)."""
    del principal
    values = body.profile.model_dump()
    values["imer_id"] = "preview"
    if values.get("name") is None:
        values["name"] = "preview"
    frame, _contacts = profiles.parse_profile("imer", values, loc_prefix=("body", "profile"))
    result = rec.recommend_suppliers_for_profile(frame, k=body.k, lang=body.lang)
    return ShortlistPublic(
        for_kind="preview",
        for_id=None,
        k=body.k,
        lang=body.lang,
        items=_items(result, "supplier"),
    )
