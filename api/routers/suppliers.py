"""UMKM suppliers: create, read, update, list (staff)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, status

from api import profiles
from api.access import profile_access
from api.deps import MemberDep, SettingsDep, StaffDep, StoreDep
from api.errors import error_responses
from api.listing import filter_profiles, page, parse_query
from api.schemas import (
    ID_PATTERN,
    Contact,
    SupplierCreate,
    SupplierList,
    SupplierPublic,
    SupplierUpdate,
)
from matchmaker import parsing
from matchmaker.auth import PermissionDeniedError

__all__ = ["SupplierIdPath", "router"]

router = APIRouter(prefix="/suppliers", tags=["suppliers"])

SupplierIdPath = Annotated[
    str,
    Path(
        min_length=1,
        max_length=64,
        pattern=ID_PATTERN,
        description="The supplier's id.",
        examples=["S-0001"],
    ),
]


def _public(store: StoreDep, supplier_id: str, show_contact: bool) -> SupplierPublic:
    record = profiles.load_profile(store, "supplier", supplier_id)
    contact = None
    if show_contact:
        found = profiles.contacts_of(store, "supplier", [record["supplier_id"]])
        contact = Contact(**found.get(record["supplier_id"], {}))
    return SupplierPublic(**record, contact=contact)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=SupplierPublic,
    summary="Create a supplier",
    responses=error_responses(401, 403, 409),
)
def create_supplier(body: SupplierCreate, store: StoreDep, _staff: StaffDep) -> SupplierPublic:
    """Register a new UMKM supplier (staff). Values are parsed like the CSV importer's
    (``"Jatim"``, ``"1,5 juta"``, ``"ya"``); a value that cannot be resolved is a 422
    naming the field, with suggestions. An existing id is a 409."""
    new_id = profiles.create_profile(store, "supplier", body.model_dump())
    return _public(store, new_id, True)


@router.get(
    "",
    response_model=SupplierList,
    summary="List suppliers",
    responses=error_responses(401, 403),
)
def list_suppliers(
    store: StoreDep,
    settings: SettingsDep,
    _staff: StaffDep,
    province: Annotated[
        str | None,
        Query(max_length=100, description="Province, tolerant ('Jatim').", examples=["Jatim"]),
    ] = None,
    category: Annotated[
        str | None, Query(max_length=100, description="Category slug, label or synonym.")
    ] = None,
    umkm_class: Annotated[
        Literal["mikro", "kecil", "menengah", "besar", "unknown"] | None, Query()
    ] = None,
    dropship: Annotated[bool | None, Query()] = None,
    q: Annotated[
        str | None, Query(max_length=100, description="Words in the name or products.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> SupplierList:
    """Suppliers matching every given filter, sorted by id, a page at a time (staff)."""
    frame = store.suppliers()
    prov = parse_query("province", parsing.parse_province, province)
    cat = parse_query("category", parsing.parse_category, category)
    frame = filter_profiles(
        frame,
        province=prov,
        category=cat,
        equals={
            "umkm_class": umkm_class,
            "dropship": dropship,
        },
        text=q,
    )
    rows, total, limit = page(frame, limit, offset, settings.max_page_size)
    contacts = profiles.contacts_of(store, "supplier", [str(r["supplier_id"]) for r in rows])
    items = [
        SupplierPublic(
            **profiles.public_record("supplier", r),
            contact=Contact(**contacts.get(str(r["supplier_id"]), {})),
        )
        for r in rows
    ]
    return SupplierList(items=items, total=total, limit=limit, offset=offset)


@router.get(
    "/{supplier_id}",
    response_model=SupplierPublic,
    summary="Read a supplier",
    responses=error_responses(401, 403, 404),
)
def get_supplier(
    supplier_id: SupplierIdPath, store: StoreDep, principal: MemberDep
) -> SupplierPublic:
    """One supplier. Staff and the supplier itself see its contact details; an Imer that
    shares a partnership with it sees the profile, and the contact details only once the
    partnership is accepted. A merged id answers with the surviving record."""
    resolved = store.resolve_id("supplier", supplier_id)
    show_contact = profile_access(store, principal, "supplier", resolved)
    return _public(store, resolved, show_contact)


@router.patch(
    "/{supplier_id}",
    response_model=SupplierPublic,
    summary="Update a supplier",
    responses=error_responses(401, 403, 404),
)
def update_supplier(
    supplier_id: SupplierIdPath, body: SupplierUpdate, store: StoreDep, principal: MemberDep
) -> SupplierPublic:
    """Change the fields sent (staff, or the supplier's own member token). ``null``
    clears an optional field; the UMKM class follows the revenue."""
    resolved = store.resolve_id("supplier", supplier_id)
    if not principal.may_edit_profile("supplier", resolved):
        raise PermissionDeniedError("a member may change only its own profile")
    profiles.update_profile(store, "supplier", resolved, body.model_dump(exclude_unset=True))
    return _public(store, resolved, True)
