"""Suppliers and Imers through the API: the importer's tolerance, 422/404/409, lists."""

from __future__ import annotations

from tests.api.conftest import Hub


def test_create_parses_like_the_importer(hub: Hub) -> None:
    body = {
        "supplier_id": "S-new",
        "name": "  CV   Baru  ",
        "province": "jatim",
        "categories": "kosmetik; hijab",
        "annual_revenue_idr": "Rp 3.000.000.000",
        "monthly_capacity_units": 1500,
        "unit_price_idr": "12,5rb",
        "dropship": "ya",
        "certifications": ["halal", "BPOM"],
        "ships_to": "Jawa Timur; Bali",
        "email": "baru@usaha.example",
    }
    created = hub.request("POST", "/suppliers", "staff", json=body)
    assert created.status_code == 201, created.text
    got = created.json()
    assert got["name"] == "CV Baru"
    assert got["province"] == "Jawa Timur"
    assert got["categories"] == ["beauty", "fashion_muslim"]
    assert got["annual_revenue_idr"] == 3_000_000_000
    assert got["umkm_class"] == "kecil"  # derived from revenue (over 2 up to 15 miliar)
    assert got["unit_price_idr"] == 12_500
    assert got["dropship"] is True
    assert sorted(got["certifications"]) == ["bpom", "halal"]
    assert sorted(got["ships_to"]) == ["Bali", "Jawa Timur"]
    assert got["contact"] == {"phone": None, "email": "baru@usaha.example"}
    # Stored exactly as the importer would store it.
    stored = hub.store.suppliers(["S-new"]).iloc[0]
    assert stored["province"] == "Jawa Timur" and stored["umkm_class"] == "kecil"

    imer = hub.request(
        "POST",
        "/imers",
        "admin",
        json={
            "imer_id": "I-new",
            "name": "Toko",
            "province": "DIY",
            "categories": "camilan",
            "monthly_revenue_idr": "1,5 miliar",
            "channels": "TikTok; IG",
        },
    )
    assert imer.status_code == 201, imer.text
    assert imer.json()["stage"] == "pioneer"
    assert imer.json()["province"] == "DI Yogyakarta"


def test_unresolvable_values_are_422_with_field_paths(hub: Hub) -> None:
    response = hub.request(
        "POST",
        "/suppliers",
        "staff",
        json={
            "supplier_id": "S-bad",
            "name": "X",
            "province": "Jawa Tmur Raya",
            "categories": "camilan",
            "dropship": "mungkin",
            "email": "not-an-email",
        },
    )
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "validation_error"
    by_field = {d["field"]: d for d in body["details"]}
    assert set(by_field) == {"body.dropship", "body.email", "body.province"}
    assert "Jawa Timur" in by_field["body.province"]["suggestions"]
    assert by_field["body.province"]["loc"] == ["body", "province"]
    assert "email" in by_field["body.email"]["message"]
    assert "S-bad" not in hub.store.supplier_ids()

    # Imers need a revenue or a stage.
    response = hub.request(
        "POST",
        "/imers",
        "staff",
        json={"imer_id": "I-bad", "name": "X", "province": "Bali", "categories": "food"},
    )
    assert response.status_code == 422
    assert response.json()["details"][0]["field"] == "body.monthly_revenue_idr"


def test_request_shape_errors_are_plain_422(hub: Hub) -> None:
    cases = [
        ({"supplier_id": "S9", "name": "X", "province": "Bali"}, "body.categories", "required"),
        (
            {"supplier_id": "", "name": "X", "province": "B", "categories": "food"},
            "body.supplier_id",
            "at least 1",
        ),
        (
            {"supplier_id": "S9", "name": "X", "province": "B", "categories": "f", "colour": "red"},
            "body.colour",
            "not known",
        ),
        (
            {"supplier_id": "S9", "name": "X\x00", "province": "B", "categories": "f"},
            "body.name",
            "not allowed",
        ),
        (
            {"supplier_id": "S9", "name": "X", "province": "B", "categories": "f", "dropship": 0},
            "body.dropship",
            "expected",
        ),
    ]
    for body, field, words in cases:
        response = hub.request("POST", "/suppliers", "staff", json=body)
        assert response.status_code == 422, (body, response.text)
        details = response.json()["details"]
        assert any(d["field"] == field and words in d["message"] for d in details), details
    broken = hub.client.post(
        "/suppliers",
        content=b"{not json",
        headers={**hub.h("staff"), "Content-Type": "application/json"},
    )
    assert broken.status_code == 422
    assert "JSON" in broken.json()["message"]
    for path in ("/suppliers?limit=0", "/suppliers?limit=abc", "/suppliers?colour=red"):
        response = hub.request("GET", path, "staff")
        assert response.status_code == 422, path
        assert response.json()["details"][0]["field"].startswith("query.")


def test_duplicate_id_is_409_and_unknown_is_404(hub: Hub) -> None:
    body = {"supplier_id": "S1", "name": "X", "province": "Bali", "categories": "food"}
    response = hub.request("POST", "/suppliers", "staff", json=body)
    assert response.status_code == 409
    assert "PATCH" in response.json()["message"]
    for method, path in (
        ("GET", "/suppliers/S404"),
        ("PATCH", "/suppliers/S404"),
        ("GET", "/imers/I404"),
        ("PATCH", "/imers/I404"),
        ("GET", "/partnerships/S404/I1"),
        ("POST", "/partnerships/S1/I404/accept"),
    ):
        kwargs: dict[str, object] = {"json": {}} if method == "PATCH" else {}
        response = hub.request(method, path, "staff", **kwargs)
        assert response.status_code == 404, (method, path, response.text)
        assert response.json()["error"] == "not_found"
    assert hub.request("GET", "/partnerships/S1/I1", "staff").status_code == 404  # no history


def test_update_changes_only_what_is_sent(hub: Hub) -> None:
    before = hub.request("GET", "/suppliers/S1", "staff").json()
    response = hub.request(
        "PATCH", "/suppliers/S1", "supplier_S1", json={"unit_price_idr": "20rb", "city": None}
    )
    assert response.status_code == 200, response.text
    after = response.json()
    assert after["unit_price_idr"] == 20_000
    assert after["city"] is None
    for key in ("name", "province", "categories", "certifications", "ships_to", "contact"):
        assert after[key] == before[key], key
    # Revenue drives the class; clearing a required field is refused.
    assert (
        hub.request(
            "PATCH", "/suppliers/S1", "staff", json={"annual_revenue_idr": "20 miliar"}
        ).json()["umkm_class"]
        == "menengah"
    )
    refused = hub.request("PATCH", "/suppliers/S1", "staff", json={"province": None})
    assert refused.status_code == 422
    assert refused.json()["details"][0]["field"] == "body.province"
    # Contact details: change one, keep the other; clear both.
    got = hub.request("PATCH", "/suppliers/S1", "staff", json={"phone": "+62 811 000 000"}).json()
    assert got["contact"] == {"phone": "+62 811 000 000", "email": "s1@usaha.example"}
    got = hub.request("PATCH", "/suppliers/S1", "staff", json={"phone": None, "email": None})
    assert got.json()["contact"] == {"phone": None, "email": None}
    # The Imer's stage follows its revenue.
    got = hub.request("PATCH", "/imers/I1", "imer_I1", json={"monthly_revenue_idr": "6 miliar"})
    assert got.json()["stage"] == "rising"


def test_lists_filter_and_page(hub: Hub) -> None:
    everyone = hub.request("GET", "/suppliers", "staff").json()
    assert everyone["total"] == 3
    assert [s["supplier_id"] for s in everyone["items"]] == ["S1", "S2", "S3"]
    bali = hub.request("GET", "/suppliers?province=bali", "staff").json()
    assert [s["supplier_id"] for s in bali["items"]] == ["S2"]
    beauty = hub.request("GET", "/suppliers?category=kosmetik", "staff").json()
    assert [s["supplier_id"] for s in beauty["items"]] == ["S2"]
    no_dropship = hub.request("GET", "/suppliers?dropship=false", "staff").json()
    assert [s["supplier_id"] for s in no_dropship["items"]] == ["S3"]
    kecil = hub.request("GET", "/suppliers?umkm_class=kecil", "staff").json()
    assert [s["supplier_id"] for s in kecil["items"]] == ["S2"]
    named = hub.request("GET", "/suppliers?q=usaha%20s3", "staff").json()
    assert [s["supplier_id"] for s in named["items"]] == ["S3"]
    paged = hub.request("GET", "/suppliers?limit=2&offset=1", "staff").json()
    assert paged["total"] == 3 and [s["supplier_id"] for s in paged["items"]] == ["S2", "S3"]
    past_end = hub.request("GET", "/suppliers?offset=10", "staff").json()
    assert past_end["items"] == [] and past_end["total"] == 3
    bad = hub.request("GET", "/suppliers?province=atlantis", "staff")
    assert bad.status_code == 422
    assert bad.json()["details"][0]["field"] == "query.province"

    survivors = hub.request("GET", "/imers?stage=survivor", "staff").json()
    assert [i["imer_id"] for i in survivors["items"]] == ["I2"]
    capped = hub.request("GET", "/imers?limit=10000", "staff").json()
    assert capped["limit"] == 500 and capped["total"] == 3


def test_merged_ids_answer_with_the_survivor(hub: Hub) -> None:
    hub.store.set_merged_into("supplier", "S3", "S1")
    got = hub.request("GET", "/suppliers/S3", "staff")
    assert got.status_code == 200
    assert got.json()["supplier_id"] == "S1"
    body = {"supplier_id": "S3", "name": "X", "province": "Bali", "categories": "food"}
    assert hub.request("POST", "/suppliers", "staff", json=body).status_code == 409
