"""Request and response shapes of the hub API (one ``Create``/``Update``/``Public`` per resource).

Profile inputs accept exactly what the importer accepts: free text that the
tolerant parsers resolve (``"Jatim"``, ``"1,5 juta"``, ``"kosmetik; hijab"``)
or plain JSON values (numbers, booleans, lists). Outputs are canonical.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StringConstraints,
)

__all__ = [
    "ID_PATTERN",
    "TEXT_PATTERN",
    "AcceptRequest",
    "ActivateRequest",
    "Contact",
    "DeclineRequest",
    "EndRequest",
    "ErrorBody",
    "ErrorDetail",
    "Health",
    "ImerCreate",
    "ImerDraft",
    "ImerList",
    "ImerPublic",
    "ImerUpdate",
    "ImportError_",
    "ImportReportPublic",
    "Me",
    "ModelStatus",
    "PartnershipContacts",
    "PartnershipDetail",
    "PartnershipEvent",
    "PartnershipList",
    "PartnershipState",
    "ProfileId",
    "ProposeRequest",
    "ShortlistFiltersBody",
    "ShortlistItem",
    "ShortlistPreviewRequest",
    "ShortlistPublic",
    "Stats",
    "SupplierCreate",
    "SupplierList",
    "SupplierPublic",
    "SupplierUpdate",
    "TokenCreate",
    "TokenIssued",
    "TokenPublic",
]


def _valid_text(value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("contains characters that are not valid text") from exc
    return value


#: No control characters (a tab or line break inside free text is fine).
TEXT_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
#: An id as the importer stores it: 1-64 characters, no control characters or slashes.
ID_PATTERN = r"^[^\x00-\x1f\x7f/]+$"

ProfileId = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64, pattern=ID_PATTERN),
    AfterValidator(_valid_text),
]
ShortText = Annotated[
    str,
    StringConstraints(max_length=300, pattern=TEXT_PATTERN),
    AfterValidator(_valid_text),
]
LongText = Annotated[
    str,
    StringConstraints(max_length=5_000, pattern=TEXT_PATTERN),
    AfterValidator(_valid_text),
]
ListText = Annotated[list[ShortText], Field(max_length=100)]
#: A number, or Indonesian money/amount text such as "Rp 1.500.000" or "1,5 juta".
Amount = Annotated[StrictInt | StrictFloat | ShortText, Field(union_mode="left_to_right")]
#: true/false, or ya/tidak, yes/no, y/n, 1/0.
Flag = Annotated[StrictBool | ShortText, Field(union_mode="left_to_right")]
#: A ';'-separated text or a list of values.
Many = Annotated[ShortText | ListText, Field(union_mode="left_to_right")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ------------------------------------------------------------------- errors
class ErrorDetail(BaseModel):
    """One problem with one field."""

    loc: list[str] = Field(description="Where: 'body', 'query' or 'path', then the field.")
    field: str = Field(description="The same path, dotted: body.province.")
    message: str = Field(description="What is wrong, in plain words.")
    suggestions: list[str] = Field(default_factory=list, description="Closest valid values.")


class ErrorBody(BaseModel):
    """The body of every error response."""

    error: str = Field(description="A stable code: validation_error, not_found, conflict ...")
    message: str = Field(description="What went wrong and how to fix it.")
    details: list[ErrorDetail] = Field(default_factory=list)

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "error": "validation_error",
                    "message": "the request is not valid: body.province: unknown province 'xx'",
                    "details": [
                        {
                            "loc": ["body", "province"],
                            "field": "body.province",
                            "message": "unknown province 'xx'",
                            "suggestions": [],
                        }
                    ],
                }
            ]
        }
    )


# ----------------------------------------------------------------- profiles
class Contact(BaseModel):
    """Contact details (personal data): shown to staff, the owner, and accepted partners."""

    phone: str | None = None
    email: str | None = None


_SUPPLIER_EXAMPLE: dict[str, Any] = {
    "supplier_id": "S-0001",
    "name": "CV Keripik Makmur",
    "province": "Jatim",
    "city": "Malang",
    "categories": "camilan; minuman",
    "products": "keripik tempe, kopi bubuk",
    "annual_revenue_idr": "1,5 miliar",
    "monthly_capacity_units": 5000,
    "min_order_qty": 20,
    "unit_price_idr": "Rp 12.500",
    "dropship": "ya",
    "certifications": ["halal", "pirt"],
    "ships_to": "nasional",
    "phone": "0812-3456-7890",
    "email": "owner@keripikmakmur.id",
}


class _SupplierFields(_Strict):
    name: ShortText | None = Field(default=None, description="Business name.")
    province: ShortText | None = Field(
        default=None, description="Where it produces; tolerant: 'Jatim', 'East Java'."
    )
    city: ShortText | None = None
    categories: Many | None = Field(
        default=None, description="Product categories (slugs, labels, synonyms)."
    )
    products: LongText | None = Field(default=None, description="What it makes, free text.")
    annual_revenue_idr: Amount | None = Field(default=None, description="Gives the UMKM class.")
    monthly_capacity_units: Amount | None = None
    min_order_qty: Amount | None = None
    unit_price_idr: Amount | None = None
    dropship: Flag | None = None
    certifications: Many | None = None
    ships_to: Many | None = Field(default=None, description="Provinces it delivers to.")
    phone: ShortText | None = Field(default=None, description="Personal data, never public.")
    email: ShortText | None = Field(default=None, description="Personal data, never public.")


class SupplierCreate(_SupplierFields):
    """A new UMKM supplier; values are parsed exactly as the CSV importer parses them."""

    supplier_id: ProfileId
    name: ShortText
    province: ShortText
    categories: Many

    model_config = ConfigDict(json_schema_extra={"examples": [_SUPPLIER_EXAMPLE]})


class SupplierUpdate(_SupplierFields):
    """Changes to a supplier: only the fields sent are changed (``null`` clears one)."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"unit_price_idr": "11rb", "dropship": False}]}
    )


class SupplierPublic(BaseModel):
    """A supplier as stored (canonical values); ``contact`` only where allowed."""

    supplier_id: str
    name: str
    province: str
    city: str | None
    categories: list[str]
    products: str
    annual_revenue_idr: float | None
    umkm_class: str | None
    monthly_capacity_units: float | None
    min_order_qty: int
    unit_price_idr: float | None
    dropship: bool
    certifications: list[str]
    ships_to: list[str]
    contact: Contact | None = Field(
        default=None, description="Staff, the owner, and accepted partners only."
    )

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "supplier_id": "S-0001",
                    "name": "CV Keripik Makmur",
                    "province": "Jawa Timur",
                    "city": "Malang",
                    "categories": ["food", "beverages"],
                    "products": "keripik tempe, kopi bubuk",
                    "annual_revenue_idr": 1_500_000_000.0,
                    "umkm_class": "mikro",
                    "monthly_capacity_units": 5000.0,
                    "min_order_qty": 20,
                    "unit_price_idr": 12500.0,
                    "dropship": True,
                    "certifications": ["halal", "pirt"],
                    "ships_to": ["Aceh", "Bali"],
                    "contact": None,
                }
            ]
        }
    )


_IMER_EXAMPLE: dict[str, Any] = {
    "imer_id": "I-0001",
    "name": "Toko Berkah Online",
    "province": "Jabar",
    "city": "Bandung",
    "monthly_revenue_idr": "150 juta",
    "categories": "kosmetik; skincare",
    "products": "serum wajah, masker",
    "channels": ["tiktok", "instagram"],
    "target_provinces": "nasional",
    "monthly_ad_budget_idr": "20 juta",
    "monthly_orders": 1200,
    "needs_dropship": "ya",
    "required_certifications": "bpom",
    "phone": "+62 812 0000 1111",
    "email": "berkah@example.id",
}


class _ImerFields(_Strict):
    name: ShortText | None = Field(default=None, description="Person or business name.")
    province: ShortText | None = None
    city: ShortText | None = None
    monthly_revenue_idr: Amount | None = Field(default=None, description="Gives the stage.")
    stage: ShortText | None = Field(default=None, description="Used when revenue is missing.")
    categories: Many | None = None
    products: LongText | None = None
    channels: Many | None = None
    target_provinces: Many | None = None
    monthly_ad_budget_idr: Amount | None = None
    monthly_orders: Amount | None = None
    needs_dropship: Flag | None = None
    required_certifications: Many | None = None
    phone: ShortText | None = Field(default=None, description="Personal data, never public.")
    email: ShortText | None = Field(default=None, description="Personal data, never public.")


class ImerCreate(_ImerFields):
    """A new Imer; give ``monthly_revenue_idr`` or ``stage``."""

    imer_id: ProfileId
    name: ShortText
    province: ShortText
    categories: Many

    model_config = ConfigDict(json_schema_extra={"examples": [_IMER_EXAMPLE]})


class ImerUpdate(_ImerFields):
    """Changes to an Imer: only the fields sent are changed (``null`` clears one)."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"monthly_revenue_idr": "2 miliar", "channels": "seo"}]}
    )


class ImerPublic(BaseModel):
    """An Imer as stored (canonical values); ``contact`` only where allowed."""

    imer_id: str
    name: str
    province: str
    city: str | None
    monthly_revenue_idr: float | None
    stage: str
    categories: list[str]
    products: str
    channels: list[str]
    target_provinces: list[str]
    monthly_ad_budget_idr: float | None
    monthly_orders: float | None
    needs_dropship: bool
    required_certifications: list[str]
    contact: Contact | None = Field(
        default=None, description="Staff, the owner, and accepted partners only."
    )

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "imer_id": "I-0001",
                    "name": "Toko Berkah Online",
                    "province": "Jawa Barat",
                    "city": "Bandung",
                    "monthly_revenue_idr": 150_000_000.0,
                    "stage": "survivor",
                    "categories": ["beauty"],
                    "products": "serum wajah, masker",
                    "channels": ["instagram", "tiktok"],
                    "target_provinces": ["Jawa Barat"],
                    "monthly_ad_budget_idr": 20_000_000.0,
                    "monthly_orders": 1200.0,
                    "needs_dropship": True,
                    "required_certifications": ["bpom"],
                    "contact": None,
                }
            ]
        }
    )


class _Page(BaseModel):
    total: int = Field(description="Matching records before paging.")
    limit: int
    offset: int


class SupplierList(_Page):
    """A page of suppliers."""

    items: list[SupplierPublic]

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "total": 1,
                    "limit": 50,
                    "offset": 0,
                    "items": SupplierPublic.model_config["json_schema_extra"]["examples"],  # type: ignore[index]
                }
            ]
        }
    )


class ImerList(_Page):
    """A page of Imers."""

    items: list[ImerPublic]

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "total": 1,
                    "limit": 50,
                    "offset": 0,
                    "items": ImerPublic.model_config["json_schema_extra"]["examples"],  # type: ignore[index]
                }
            ]
        }
    )


# ------------------------------------------------------------------- import
class ImportError_(BaseModel):
    """One rejected cell or row of an import."""

    file: str
    row: int = Field(description="Spreadsheet row number (the header is row 1).")
    column: str | None
    value: str | None
    reason: str


class ImportReportPublic(BaseModel):
    """The per-row report of an import, the same as ``matchmaker import --json`` prints."""

    kind: Literal["suppliers", "imers", "partnerships"]
    source: str
    rows: int
    loaded: int
    rejected: int
    inserted: int
    updated: int
    unchanged: int
    ok: bool
    errors: list[ImportError_]
    encoding: str | None = None
    delimiter: str | None = None
    derived: dict[str, dict[str, int]] = Field(default_factory=dict)

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "kind": "suppliers",
                    "source": "suppliers.csv",
                    "rows": 3,
                    "loaded": 2,
                    "rejected": 1,
                    "inserted": 2,
                    "updated": 0,
                    "unchanged": 0,
                    "ok": False,
                    "errors": [
                        {
                            "file": "suppliers.csv",
                            "row": 4,
                            "column": "province",
                            "value": "Jawa Tmur Raya",
                            "reason": "unknown province; did you mean: Jawa Timur?",
                        }
                    ],
                    "encoding": "utf-8-sig",
                    "delimiter": ",",
                    "derived": {"umkm_class": {"mikro": 2}},
                }
            ]
        }
    )


# --------------------------------------------------------------- shortlists
class ShortlistItem(BaseModel):
    """One recommended partner."""

    rank: int
    supplier_id: str | None = Field(default=None, description="Set in supplier shortlists.")
    imer_id: str | None = Field(default=None, description="Set in Imer shortlists.")
    score: float = Field(description="Higher is better; comparable within one shortlist.")
    reasons: list[str] = Field(description="Short human-readable reasons.")
    name: str | None = Field(default=None, description="Business name (suppliers only).")
    province: str | None = None
    categories: list[str] = Field(default_factory=list)


class ShortlistPublic(BaseModel):
    """The best partners for one profile."""

    for_kind: Literal["imer", "supplier", "preview"]
    for_id: str | None
    k: int
    lang: str
    items: list[ShortlistItem]

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "for_kind": "imer",
                    "for_id": "I-0001",
                    "k": 2,
                    "lang": "id",
                    "items": [
                        {
                            "rank": 1,
                            "supplier_id": "S-0042",
                            "score": 0.91,
                            "reasons": ["kategori sama: kecantikan", "bersertifikat BPOM"],
                            "name": "CV Cantik Alami",
                            "province": "Jawa Barat",
                            "categories": ["beauty"],
                        }
                    ],
                }
            ]
        }
    )


class ImerDraft(_ImerFields):
    """An Imer profile that is not stored (yet): the registration form's fields."""

    province: ShortText
    categories: Many


class ShortlistFiltersBody(_Strict):
    """The shortlist filters of ``matchmaker shortlist`` (tolerant values)."""

    province: list[ShortText] | None = Field(
        default=None, max_length=40, description="Suppliers based in one of these provinces."
    )
    category: list[ShortText] | None = Field(
        default=None, max_length=30, description="Suppliers listing one of these categories."
    )
    dropship_only: StrictBool = Field(default=False, description="Suppliers offering dropship.")
    certification: list[ShortText] | None = Field(
        default=None, max_length=10, description="Suppliers holding all of these."
    )
    max_moq: StrictInt | None = Field(
        default=None, ge=1, le=10_000_000, description="Suppliers with MOQ at most this."
    )


class ShortlistPreviewRequest(_Strict):
    """A profile that is not stored yet (the registration form) and what to ask."""

    profile: ImerDraft = Field(description="The Imer as typed into the form.")
    k: StrictInt = Field(default=10, ge=1, le=100)
    lang: Literal["id", "en"] = "id"
    filters: ShortlistFiltersBody | None = None

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "profile": {
                        "name": "Calon Imers",
                        "province": "Jatim",
                        "categories": "camilan",
                        "monthly_revenue_idr": "50 juta",
                        "needs_dropship": "ya",
                    },
                    "k": 5,
                    "lang": "id",
                    "filters": {"province": ["Jatim", "Jateng"], "dropship_only": True},
                }
            ]
        }
    )


# ------------------------------------------------------------- partnerships
class ProposeRequest(_Strict):
    """Propose a partnership between a supplier and an Imer."""

    supplier_id: ProfileId
    imer_id: ProfileId
    reason: LongText | None = Field(default=None, description="Context, e.g. an event.")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"supplier_id": "S-0001", "imer_id": "I-0001", "reason": "met at SMESCO expo"}
            ]
        }
    )


class AcceptRequest(_Strict):
    """Accept the open proposal (no fields needed)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{}]})


class DeclineRequest(_Strict):
    """Decline a proposed or accepted pair."""

    reason: LongText | None = None

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"reason": "minimum order too high"}]}
    )


class ActivateRequest(_Strict):
    """Start an accepted partnership."""

    started_at: dt.date | None = Field(default=None, description="Default: today.")

    model_config = ConfigDict(json_schema_extra={"examples": [{"started_at": "2024-06-01"}]})


class EndRequest(_Strict):
    """End an active partnership with its outcome."""

    ended_at: dt.date | None = Field(default=None, description="Default: today.")
    monthly_units: StrictFloat | None = Field(
        default=None, ge=0, le=1e9, description="Average units sold a month through the pair."
    )
    rating: StrictFloat | None = Field(
        default=None, ge=1, le=5, description="The Imer's rating of the supplier."
    )
    supplier_rating: StrictFloat | None = Field(
        default=None, ge=1, le=5, description="The supplier's rating of the Imer."
    )

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"ended_at": "2024-12-31", "monthly_units": 350, "rating": 4}]
        }
    )


class PartnershipState(BaseModel):
    """The current state of one pair, derived from its events."""

    supplier_id: str
    imer_id: str
    status: Literal["proposed", "accepted", "declined", "active", "ended"]
    seq: int = Field(description="Number of the pair's last event.")
    started_at: dt.date | None = None
    ended_at: dt.date | None = None
    monthly_units: float | None = None
    rating: float | None = None
    supplier_rating: float | None = None
    n_events: int
    allowed_actions: list[str] = Field(description="What may happen next.")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "supplier_id": "S-0001",
                    "imer_id": "I-0001",
                    "status": "proposed",
                    "seq": 1,
                    "n_events": 1,
                    "allowed_actions": ["accept", "decline"],
                }
            ]
        }
    )


class PartnershipEvent(BaseModel):
    """One event in a pair's history."""

    seq: int
    status: str
    at: dt.datetime
    actor: str
    reason: str | None = None
    started_at: dt.date | None = None
    ended_at: dt.date | None = None
    monthly_units: float | None = None
    rating: float | None = None
    supplier_rating: float | None = None
    source: str

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "seq": 1,
                    "status": "proposed",
                    "at": "2024-05-02T03:04:05Z",
                    "actor": "imer:I-0001",
                    "reason": "met at SMESCO expo",
                    "source": "api",
                }
            ]
        }
    )


class PartnershipContacts(BaseModel):
    """Both sides' contacts, each shown only where the caller may see it."""

    supplier: Contact | None = None
    imer: Contact | None = None


class PartnershipDetail(BaseModel):
    """A pair's state, its full history and the contacts the caller may see."""

    state: PartnershipState
    events: list[PartnershipEvent]
    contacts: PartnershipContacts

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "state": {
                        "supplier_id": "S-0001",
                        "imer_id": "I-0001",
                        "status": "accepted",
                        "seq": 2,
                        "n_events": 2,
                        "allowed_actions": ["activate", "decline"],
                    },
                    "events": [
                        {
                            "seq": 1,
                            "status": "proposed",
                            "at": "2024-05-02T03:04:05Z",
                            "actor": "imer:I-0001",
                            "source": "api",
                        },
                        {
                            "seq": 2,
                            "status": "accepted",
                            "at": "2024-05-03T08:00:00Z",
                            "actor": "supplier:S-0001",
                            "source": "api",
                        },
                    ],
                    "contacts": {
                        "supplier": {"phone": "0812-3456-7890", "email": None},
                        "imer": {"phone": None, "email": "berkah@example.id"},
                    },
                }
            ]
        }
    )


class PartnershipList(_Page):
    """A page of pairs (current states)."""

    items: list[PartnershipState]

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "total": 1,
                    "limit": 50,
                    "offset": 0,
                    "items": PartnershipState.model_config["json_schema_extra"]["examples"],  # type: ignore[index]
                }
            ]
        }
    )


# -------------------------------------------------------------------- stats
_Counts = dict[str, int | None]


class Stats(BaseModel):
    """Aggregated counts; cells of 1 to ``min_cell - 1`` profiles are ``null`` when suppressed."""

    suppressed: bool
    min_cell: int
    totals: dict[str, int]
    imers_by_stage: _Counts
    suppliers_by_umkm_class: _Counts
    suppliers_by_province: _Counts
    imers_by_province: _Counts
    suppliers_by_category: _Counts
    imers_by_category: _Counts
    partnerships_by_status: _Counts
    imers_with_active_supplier: int | None

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "suppressed": True,
                    "min_cell": 5,
                    "totals": {"suppliers": 120, "imers": 40, "partnerships": 25},
                    "imers_by_stage": {"hit_and_runner": 30, "survivor": 8, "pioneer": None},
                    "suppliers_by_umkm_class": {"mikro": 100, "kecil": 17, "menengah": None},
                    "suppliers_by_province": {"Jawa Timur": 60, "Bali": None},
                    "imers_by_province": {"Jawa Barat": 22},
                    "suppliers_by_category": {"food": 50},
                    "imers_by_category": {"food": 18},
                    "partnerships_by_status": {"active": 12, "ended": 9, "proposed": None},
                    "imers_with_active_supplier": 11,
                }
            ]
        }
    )


# ------------------------------------------------------------ tokens & misc
class TokenCreate(_Strict):
    """Issue a token: a member is bound to exactly one Imer or supplier."""

    role: Literal["member", "staff", "admin"]
    imer_id: ProfileId | None = None
    supplier_id: ProfileId | None = None
    label: ShortText | None = Field(default=None, max_length=200, description="Who holds it.")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"role": "member", "imer_id": "I-0001", "label": "registration form"}]
        }
    )


_TOKEN_EXAMPLE: dict[str, Any] = {
    "token_id": "mmt_3f9a0c1d2e4b5a69",
    "role": "member",
    "profile_kind": "imer",
    "profile_id": "I-0001",
    "label": "registration form",
    "created_at": "2024-05-01T09:00:00Z",
    "revoked_at": None,
    "active": True,
}


class TokenPublic(BaseModel):
    """An issued token, without its secret."""

    token_id: str
    role: str
    profile_kind: str | None
    profile_id: str | None
    label: str | None
    created_at: dt.datetime
    revoked_at: dt.datetime | None
    active: bool

    model_config = ConfigDict(json_schema_extra={"examples": [_TOKEN_EXAMPLE]})


class TokenIssued(BaseModel):
    """A new token: ``bearer`` is shown this once and cannot be recovered."""

    token: TokenPublic
    bearer: str = Field(description="Send as 'Authorization: Bearer <bearer>'.")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "token": _TOKEN_EXAMPLE,
                    "bearer": "mmt_3f9a0c1d2e4b5a69.5mN0q-example-secret-shown-once-Zr8",
                }
            ]
        }
    )


class Me(BaseModel):
    """Who the caller is."""

    role: Literal["anonymous", "member", "staff", "admin"]
    token_id: str | None = None
    imer_id: str | None = None
    supplier_id: str | None = None

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"role": "member", "token_id": "mmt_3f9a0c1d2e4b5a69", "imer_id": "I-0001"}
            ]
        }
    )


class ModelStatus(BaseModel):
    """The recommender this instance serves."""

    loaded: bool
    model_dir: str
    message: str

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"loaded": True, "model_dir": "/srv/hub/models", "message": "model loaded"}
            ]
        }
    )


class Health(BaseModel):
    """Liveness, version and what the instance can serve."""

    status: Literal["ok", "degraded"]
    version: str
    database: Literal["ok", "unavailable"]
    model: Literal["loaded", "not_loaded", "not_fitted"]

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"status": "ok", "version": "0.1.0", "database": "ok", "model": "loaded"}]
        }
    )
