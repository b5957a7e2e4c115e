"""Privacy: contact details only where allowed, small statistics cells suppressed."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from matchmaker import auth
from matchmaker.store import Store
from tests.api.conftest import IMER_CONTACT, SUPPLIER_CONTACT, Hub, make_client
from tests.factories import imer, imers_frame, supplier, suppliers_frame

PERSONAL = [*SUPPLIER_CONTACT.values(), *IMER_CONTACT.values()]


def _leaks(response_text: str) -> list[str]:
    return [value for value in PERSONAL if value in response_text]


def test_counterpart_contact_appears_only_after_acceptance(hub: Hub) -> None:
    # Before any partnership the Imer may not even read the supplier.
    assert hub.request("GET", "/suppliers/S1", "imer_I1").status_code == 403

    assert (
        hub.request(
            "POST", "/partnerships", "imer_I1", json={"supplier_id": "S1", "imer_id": "I1"}
        ).status_code
        == 201
    )
    # Proposed: each side reads the other's profile, without contact details.
    as_imer = hub.request("GET", "/suppliers/S1", "imer_I1")
    assert as_imer.status_code == 200
    assert as_imer.json()["contact"] is None
    assert not [v for v in SUPPLIER_CONTACT.values() if v in as_imer.text]
    as_supplier = hub.request("GET", "/imers/I1", "supplier_S1")
    assert as_supplier.json()["contact"] is None
    assert not [v for v in IMER_CONTACT.values() if v in as_supplier.text]
    detail = hub.request("GET", "/partnerships/S1/I1", "imer_I1").json()
    assert detail["contacts"]["supplier"] is None
    assert detail["contacts"]["imer"] == IMER_CONTACT  # its own

    # Accepted by the other side: both see each other's contact.
    assert hub.request("POST", "/partnerships/S1/I1/accept", "supplier_S1").status_code == 200
    for status_path in ("/partnerships/S1/I1",):
        for role in ("imer_I1", "supplier_S1"):
            contacts = hub.request("GET", status_path, role).json()["contacts"]
            assert contacts == {"supplier": SUPPLIER_CONTACT, "imer": IMER_CONTACT}
    assert hub.request("GET", "/suppliers/S1", "imer_I1").json()["contact"] == SUPPLIER_CONTACT
    assert hub.request("GET", "/imers/I1", "supplier_S1").json()["contact"] == IMER_CONTACT

    # Active and ended keep them visible.
    hub.request("POST", "/partnerships/S1/I1/activate", "staff")
    assert hub.request("GET", "/suppliers/S1", "imer_I1").json()["contact"] == SUPPLIER_CONTACT
    hub.request("POST", "/partnerships/S1/I1/end", "staff")
    assert hub.request("GET", "/suppliers/S1", "imer_I1").json()["contact"] == SUPPLIER_CONTACT

    # A new proposal after the end hides them again until it is accepted.
    hub.request("POST", "/partnerships", "staff", json={"supplier_id": "S1", "imer_id": "I1"})
    assert hub.request("GET", "/suppliers/S1", "imer_I1").json()["contact"] is None


def test_declined_pair_never_shows_contacts(hub: Hub) -> None:
    hub.request("POST", "/partnerships", "supplier_S1", json={"supplier_id": "S1", "imer_id": "I1"})
    hub.request("POST", "/partnerships/S1/I1/accept", "imer_I1")
    hub.request("POST", "/partnerships/S1/I1/decline", "imer_I1", json={"reason": "harga"})
    response = hub.request("GET", "/partnerships/S1/I1", "supplier_S1")
    assert response.json()["contacts"]["imer"] is None
    assert not [v for v in IMER_CONTACT.values() if v in response.text]
    assert hub.request("GET", "/imers/I1", "supplier_S1").json()["contact"] is None


def test_member_outputs_carry_no_other_contacts(hub: Hub) -> None:
    hub.request("POST", "/partnerships", "staff", json={"supplier_id": "S2", "imer_id": "I1"})
    for role, path in (
        ("imer_I1", "/partnerships"),
        ("imer_I1", "/partnerships/S2/I1"),
        ("imer_I1", "/suppliers/S2"),
        ("supplier_S2", "/imers/I1"),
        ("supplier_S2", "/partnerships"),
        (None, "/stats"),
        ("imer_I1", "/stats"),
    ):
        response = hub.request("GET", path, role)
        assert response.status_code == 200, (role, path, response.text)
        assert "0812-1111-0002" not in response.text and "s2@usaha" not in response.text
        if role != "imer_I1":
            assert not _leaks(response.text), (role, path)


def test_staff_and_owner_see_contacts(hub: Hub) -> None:
    for role in ("staff", "admin", "supplier_S1"):
        assert hub.request("GET", "/suppliers/S1", role).json()["contact"] == SUPPLIER_CONTACT
    listed = hub.request("GET", "/suppliers", "staff").json()["items"]
    assert {s["supplier_id"]: s["contact"]["phone"] for s in listed}["S1"] == "0812-1111-0001"


def test_public_stats_suppress_small_cells(store: Store, tmp_path: Path) -> None:
    # 7 suppliers in Jawa Timur, 2 in Bali; 6 Imers hit_and_runner, 1 pioneer.
    store.upsert_suppliers(
        suppliers_frame(
            *[supplier(f"J{n}") for n in range(7)],
            *[supplier(f"B{n}", province="Bali", categories=["beauty"]) for n in range(2)],
        ),
        pd.DataFrame([{"profile_id": "J0", "phone": "0812-9999-0000", "email": "j0@x.example"}]),
    )
    store.upsert_imers(
        imers_frame(
            *[imer(f"H{n}") for n in range(6)],
            imer("P1", stage="pioneer", monthly_revenue_idr=2e9, province="Bali"),
        )
    )
    staff = auth.create_token(store, "staff")[1]
    with make_client(store, tmp_path) as client:
        public = client.get("/stats")
        assert public.status_code == 200
        body = public.json()
        assert body["suppressed"] is True and body["min_cell"] == 5
        assert body["totals"] == {"suppliers": 9, "imers": 7, "partnerships": 0}
        assert body["suppliers_by_province"]["Jawa Timur"] == 7
        assert body["suppliers_by_province"]["Bali"] is None  # 2 < 5
        assert body["suppliers_by_province"]["Aceh"] == 0  # empty cells reveal no one
        assert body["imers_by_stage"]["hit_and_runner"] == 6
        assert body["imers_by_stage"]["pioneer"] is None
        assert body["suppliers_by_category"]["beauty"] is None
        for section, counts in body.items():
            if isinstance(counts, dict) and section != "totals":
                assert all(v is None or v == 0 or v >= 5 for v in counts.values()), section
        assert "0812-9999-0000" not in public.text and "j0@x" not in public.text
        assert "CV Usaha" not in public.text  # no names in public output

        raw = client.get("/stats?raw=true", headers={"Authorization": f"Bearer {staff}"}).json()
        assert raw["suppressed"] is False
        assert raw["suppliers_by_province"]["Bali"] == 2
        assert raw["imers_by_stage"]["pioneer"] == 1
        json.dumps(raw)


def test_stats_are_cached_for_anonymous_readers(sqlite_store: Store, tmp_path: Path) -> None:
    with make_client(sqlite_store, tmp_path, stats_cache_seconds=3600) as client:
        assert client.get("/stats").json()["totals"]["suppliers"] == 0
        sqlite_store.upsert_suppliers(suppliers_frame(*[supplier(f"X{n}") for n in range(6)]))
        # Within the cache period the counts are reused (a public endpoint stays cheap).
        assert client.get("/stats").json()["totals"]["suppliers"] == 0
    with make_client(sqlite_store, tmp_path, stats_cache_seconds=0) as client:
        assert client.get("/stats").json()["totals"]["suppliers"] == 6
