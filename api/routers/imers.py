"""Imers (internet marketers): create, read, update, list (staff)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, status

from api import profiles
from api.access import profile_access
from api.deps import MemberDep, SettingsDep, StaffDep, StoreDep
from api.errors import error_responses
from api.listing import filter_profiles, page, parse_query
from api.schemas import ID_PATTERN, Contact, ImerCreate, ImerList, ImerPublic, ImerUpdate
from matchmaker import parsing
from matchmaker.auth import PermissionDeniedError

__all__ = ["ImerIdPath", "router"]

router = APIRouter(prefix="/imers", tags=["imers"])

ImerIdPath = Annotated[
    str,
    Path(
        min_length=1,
        max_length=64,
        pattern=ID_PATTERN,
        description="The Imer's id.",
        examples=["I-0001"],
    ),
]


def _public(store: StoreDep, imer_id: str, show_contact: bool) -> ImerPublic:
    record = profiles.load_profile(store, "imer", imer_id)
    contact = None
    if show_contact:
        found = profiles.contacts_of(store, "imer", [record["imer_id"]])
        contact = Contact(**found.get(record["imer_id"], {}))
    return ImerPublic(**record, contact=contact)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ImerPublic,
    summary="Create an Imer",
    responses=error_responses(401, 403, 409),
)
def create_imer(body: ImerCreate, store: StoreDep, _staff: StaffDep) -> ImerPublic:
    """Register a new Imer (staff). Values are parsed like the CSV importer's; the
    stage follows ``monthly_revenue_idr`` and ``stage`` is used only without it. A value
    that cannot be resolved is a 422 naming the field; an existing id is a 409."""
    new_id = profiles.create_profile(store, "imer", body.model_dump())
    return _public(store, new_id, True)


@router.get(
    "",
    response_model=ImerList,
    summary="List Imers",
    responses=error_responses(401, 403),
)
def list_imers(
    store: StoreDep,
    settings: SettingsDep,
    _staff: StaffDep,
    province: Annotated[
        str | None,
        Query(max_length=100, description="Province, tolerant ('Jabar').", examples=["Jabar"]),
    ] = None,
    category: Annotated[
        str | None, Query(max_length=100, description="Category slug, label or synonym.")
    ] = None,
    stage: Annotated[
        Literal["hit_and_runner", "survivor", "pioneer", "rising", "challenger"] | None,
        Query(),
    ] = None,
    needs_dropship: Annotated[bool | None, Query()] = None,
    q: Annotated[
        str | None, Query(max_length=100, description="Words in the name or products.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> ImerList:
    """Imers matching every given filter, sorted by id, a page at a time (staff)."""
    frame = store.imers()
    frame = filter_profiles(
        frame,
        province=parse_query("province", parsing.parse_province, province),
        category=parse_query("category", parsing.parse_category, category),
        equals={"stage": stage, "needs_dropship": needs_dropship},
        text=q,
    )
    rows, total, limit = page(frame, limit, offset, settings.max_page_size)
    contacts = profiles.contacts_of(store, "imer", [str(r["imer_id"]) for r in rows])
    items = [
        ImerPublic(
            **profiles.public_record("imer", r),
            contact=Contact(**contacts.get(str(r["imer_id"]), {})),
        )
        for r in rows
    ]
    return ImerList(items=items, total=total, limit=limit, offset=offset)


@router.get(
    "/{imer_id}",
    response_model=ImerPublic,
    summary="Read an Imer",
    responses=error_responses(401, 403, 404),
)
def get_imer(imer_id: ImerIdPath, store: StoreDep, principal: MemberDep) -> ImerPublic:
    """One Imer. Staff and the Imer itself see its contact details; a supplier that shares
    a partnership with it sees the profile, and the contact details only once the
    partnership is accepted. A merged id answers with the surviving record."""
    resolved = store.resolve_id("imer", imer_id)
    show_contact = profile_access(store, principal, "imer", resolved)
    return _public(store, resolved, show_contact)


@router.patch(
    "/{imer_id}",
    response_model=ImerPublic,
    summary="Update an Imer",
    responses=error_responses(401, 403, 404),
)
def update_imer(
    imer_id: ImerIdPath, body: ImerUpdate, store: StoreDep, principal: MemberDep
) -> ImerPublic:
    """Change the fields sent (staff, or the Imer's own member token). ``null`` clears an
    optional field; the stage follows the revenue."""
    resolved = store.resolve_id("imer", imer_id)
    if not principal.may_edit_profile("imer", resolved):
        raise PermissionDeniedError("a member may change only its own profile")
    profiles.update_profile(store, "imer", resolved, body.model_dump(exclude_unset=True))
    return _public(store, resolved, True)
