"""Shortlists through the API with the real fitted engine, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from matchmaker import auth, ingest
from matchmaker.ranking import Recommender, RecommenderConfig, ShortlistFilters
from matchmaker.store import Store
from matchmaker.synthetic import generate_registry, write_registry
from tests.api.conftest import TestClient, make_client

FAST = RecommenderConfig(text_dim=8, exposure_sample=0)


@dataclass(frozen=True)
class Fitted:
    """CSV files of a synthetic registry and a model fitted on it."""

    csv: dict[str, Path]
    model_dir: Path


def _load(store: Store, csv: dict[str, Path]) -> None:
    for kind in ("suppliers", "imers", "partnerships"):
        report = ingest.import_file(store, kind, csv[kind])
        assert report.rejected == 0


@pytest.fixture(scope="module")
def fitted(tmp_path_factory: pytest.TempPathFactory) -> Fitted:
    folder = tmp_path_factory.mktemp("fitted")
    reg = generate_registry(n_suppliers=150, n_imers=50, seed=11, messy=True)
    csv = write_registry(reg, folder / "csv")
    store = Store(f"sqlite:///{folder / 'fit.db'}")
    store.init()
    _load(store, csv)
    Recommender(FAST).fit(store.registry()).save(folder / "models")
    store.dispose()
    return Fitted(csv, folder / "models")


@dataclass
class Served:
    store: Store
    client: TestClient
    staff: dict[str, str]
    rec: Recommender

    def get(self, path: str, headers: dict[str, str] | None = None) -> dict:  # type: ignore[type-arg]
        response = self.client.get(path, headers=self.staff if headers is None else headers)
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]


@pytest.fixture
def served(store: Store, fitted: Fitted, tmp_path: Path) -> Iterator[Served]:
    _load(store, fitted.csv)
    staff = {"Authorization": f"Bearer {auth.create_token(store, 'staff')[1]}"}
    rec = Recommender.load(fitted.model_dir, store.registry())
    with make_client(store, tmp_path, model_dir=fitted.model_dir) as client:
        yield Served(store, client, staff, rec)


def _member(store: Store, **profile: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {auth.create_token(store, 'member', **profile)[1]}"}


def test_shortlists_are_the_library_s(served: Served) -> None:
    imer_id = sorted(served.store.imer_ids())[3]
    for lang in ("id", "en"):
        got = served.get(f"/imers/{imer_id}/shortlist?k=5&lang={lang}")
        want = served.rec.recommend_suppliers([imer_id], k=5, lang=lang)
        assert got["for_kind"] == "imer" and got["for_id"] == imer_id and got["lang"] == lang
        assert [i["supplier_id"] for i in got["items"]] == list(want["supplier_id"])
        assert [i["rank"] for i in got["items"]] == [1, 2, 3, 4, 5]
        assert [i["score"] for i in got["items"]] == pytest.approx(list(want["score"]))
        assert [";".join(i["reasons"]) for i in got["items"]] == [
            ";".join(p.strip() for p in r.split(";") if p.strip()) for r in want["reasons"]
        ]
        assert all(i["name"] and i["province"] and i["categories"] for i in got["items"])
    supplier_id = sorted(served.store.supplier_ids())[5]
    got = served.get(f"/suppliers/{supplier_id}/shortlist?k=4")
    want = served.rec.recommend_imers([supplier_id], k=4)
    assert [i["imer_id"] for i in got["items"]] == list(want["imer_id"])


def test_filters_are_the_cli_s(served: Served) -> None:
    imer_id = sorted(served.store.imer_ids())[0]
    query = "province=jatim&province=Jawa%20Barat&category=camilan&category=minuman"
    got = served.get(f"/imers/{imer_id}/shortlist?k=10&{query}")
    filters = ShortlistFilters(
        provinces=("Jawa Timur", "Jawa Barat"), categories=("food", "beverages")
    )
    want = served.rec.recommend_suppliers([imer_id], k=10, filters=filters)
    assert [i["supplier_id"] for i in got["items"]] == list(want["supplier_id"])
    for item in got["items"]:
        assert item["province"] in ("Jawa Timur", "Jawa Barat")
        assert {"food", "beverages"} & set(item["categories"])

    got = served.get(f"/imers/{imer_id}/shortlist?k=10&dropship_only=true&max_moq=50")
    ids = [i["supplier_id"] for i in got["items"]]
    stored = served.store.suppliers(ids)
    assert stored["dropship"].all() and (stored["min_order_qty"] <= 50).all()
    got = served.get(f"/imers/{imer_id}/shortlist?k=10&certification=halal")
    stored = served.store.suppliers([i["supplier_id"] for i in got["items"]])
    assert all("halal" in c for c in stored["certifications"])

    bad = served.client.get(f"/imers/{imer_id}/shortlist?province=atlantis", headers=served.staff)
    assert bad.status_code == 422
    assert bad.json()["details"][0]["field"] == "query.province"
    supplier_id = sorted(served.store.supplier_ids())[0]
    # Supplier-only filters do not exist for Imer shortlists.
    bad = served.client.get(f"/suppliers/{supplier_id}/shortlist?max_moq=5", headers=served.staff)
    assert bad.status_code == 422
    for path in (f"/imers/{imer_id}/shortlist?k=0", f"/imers/{imer_id}/shortlist?k=101"):
        assert served.client.get(path, headers=served.staff).status_code == 422
    assert served.client.get("/imers/nobody/shortlist", headers=served.staff).status_code == 404


def test_preview_for_an_unstored_profile(served: Served) -> None:
    body = {
        "profile": {
            "province": "Jatim",
            "categories": "kosmetik",
            "monthly_revenue_idr": "80 juta",
            "needs_dropship": "ya",
        },
        "k": 5,
        "lang": "en",
        "filters": {"province": ["Jatim", "Jateng"]},
    }
    member = _member(served.store, imer_id=sorted(served.store.imer_ids())[0])
    response = served.client.post("/shortlists/preview", json=body, headers=member)
    assert response.status_code == 200, response.text
    got = response.json()
    assert got["for_kind"] == "preview" and got["for_id"] is None
    assert 1 <= len(got["items"]) <= 5
    assert {i["province"] for i in got["items"]} <= {"Jawa Timur", "Jawa Tengah"}
    from api.profiles import parse_profile

    frame, _ = parse_profile(
        "imer",
        {**body["profile"], "imer_id": "preview", "name": "preview"},  # type: ignore[dict-item]
    )
    want = served.rec.recommend_suppliers_for_profile(
        frame,
        k=5,
        lang="en",
        filters=ShortlistFilters(provinces=("Jawa Timur", "Jawa Tengah")),
    )
    assert [i["supplier_id"] for i in got["items"]] == list(want["supplier_id"])
    assert "preview" not in served.store.imer_ids()

    bad = served.client.post(
        "/shortlists/preview",
        json={
            "profile": {"province": "Atlantis", "categories": "x"},
            "filters": {"province": ["y"]},
        },
        headers=member,
    )
    assert bad.status_code == 422
    fields = {d["field"] for d in bad.json()["details"]}
    assert {"body.profile.province", "body.profile.categories"} <= fields


def test_new_profiles_and_new_partnerships_are_seen_at_once(served: Served) -> None:
    # A profile stored after the model was loaded gets a shortlist, not a 404.
    created = served.client.post(
        "/imers",
        json={
            "imer_id": "I-fresh",
            "name": "Baru",
            "province": "Bali",
            "categories": "camilan",
            "stage": "survivor",
        },
        headers=served.staff,
    )
    assert created.status_code == 201
    fresh = served.get("/imers/I-fresh/shortlist?k=3")["items"]
    # Answered as a newcomer from its stored profile, without re-binding the model.
    want = served.rec.recommend_suppliers_for_profile(served.store.imers(["I-fresh"]), k=3)
    assert [i["supplier_id"] for i in fresh] == list(want["supplier_id"])
    created = served.client.post(
        "/suppliers",
        json={
            "supplier_id": "S-fresh",
            "name": "CV Baru",
            "province": "Bali",
            "categories": "camilan",
        },
        headers=served.staff,
    )
    assert created.status_code == 201
    assert len(served.get("/suppliers/S-fresh/shortlist?k=3")["items"]) == 3

    # A partnership activated now is left out of the next shortlist at once.
    before = served.get("/imers/I-fresh/shortlist?k=3")["items"]
    top = before[0]["supplier_id"]
    for step in ("", "/accept", "/activate"):
        if step:
            r = served.client.post(f"/partnerships/{top}/I-fresh{step}", headers=served.staff)
        else:
            r = served.client.post(
                "/partnerships",
                json={"supplier_id": top, "imer_id": "I-fresh"},
                headers=served.staff,
            )
        assert r.status_code in (200, 201), r.text
    after = served.get("/imers/I-fresh/shortlist?k=3")["items"]
    assert top not in [i["supplier_id"] for i in after]
    assert len(after) == 3
    assert [i["rank"] for i in after] == [1, 2, 3]


def test_shortlists_respect_privacy(served: Served) -> None:
    supplier_id = sorted(served.store.supplier_ids())[2]
    own = _member(served.store, supplier_id=supplier_id)
    got = served.get(f"/suppliers/{supplier_id}/shortlist?k=5", headers=own)
    assert got["items"] and all(i["name"] is None for i in got["items"])
    staff_view = served.get(f"/suppliers/{supplier_id}/shortlist?k=5")
    assert all(i["name"] for i in staff_view["items"])
    contacts = served.store.contacts("imer")
    response = served.client.get(f"/suppliers/{supplier_id}/shortlist?k=50", headers=own)
    for value in [*contacts["phone"].dropna(), *contacts["email"].dropna()]:
        assert str(value) not in response.text
    other = sorted(served.store.supplier_ids())[3]
    assert served.client.get(f"/suppliers/{other}/shortlist", headers=own).status_code == 403


def test_precomputed_shortlists_still_leave_out_pairs_activated_since(served: Served) -> None:
    from api.main import precompute_default_shortlists
    from api.routers.shortlists import shortlist_cache

    model = served.client.app.state.models.get()  # type: ignore[attr-defined]
    imers = sorted(served.store.imer_ids())
    suppliers = served.store.supplier_ids()
    filled = precompute_default_shortlists(model, lambda: False, suppliers_too=True)
    assert filled == len(imers) + len(suppliers)
    assert precompute_default_shortlists(model, lambda: True) == 0  # stops when replaced
    cache = shortlist_cache(model)
    imer_id = imers[7]
    hits = cache.hits
    before = served.get(f"/imers/{imer_id}/shortlist")["items"]
    assert cache.hits == hits + 1  # served from the precomputed entry
    want = served.rec.recommend_suppliers([imer_id], k=10)
    assert [i["supplier_id"] for i in before] == list(want["supplier_id"])

    top = before[0]["supplier_id"]
    r = served.client.post(
        "/partnerships", json={"supplier_id": top, "imer_id": imer_id}, headers=served.staff
    )
    assert r.status_code == 201, r.text
    for step in ("/accept", "/activate"):
        r = served.client.post(f"/partnerships/{top}/{imer_id}{step}", headers=served.staff)
        assert r.status_code == 200, r.text
    after = served.get(f"/imers/{imer_id}/shortlist")["items"]
    assert top not in [i["supplier_id"] for i in after]
    fresh = served.rec.recommend_suppliers([imer_id], k=11)
    assert [i["supplier_id"] for i in after] == [s for s in fresh["supplier_id"] if s != top][:10]
    assert [i["rank"] for i in after] == list(range(1, 11))
    # A supplier's (precomputed) shortlist leaves the new partner out too.
    hits = cache.hits
    got = served.get(f"/suppliers/{top}/shortlist?k=3")["items"]
    fresh = served.rec.recommend_imers([top], k=4)
    assert [i["imer_id"] for i in got] == [i for i in fresh["imer_id"] if i != imer_id][:3]
    assert cache.hits == hits + 1


def test_a_reloaded_model_starts_its_own_cache(served: Served) -> None:
    from api.routers.shortlists import shortlist_cache

    holder = served.client.app.state.models  # type: ignore[attr-defined]
    first = holder.get()
    imer_id = sorted(served.store.imer_ids())[1]
    served.get(f"/imers/{imer_id}/shortlist?k=3")
    assert len(shortlist_cache(first)) >= 1
    second = holder.reload()
    assert second is not first and holder.current() is second
    assert shortlist_cache(second) is not shortlist_cache(first)
    assert shortlist_cache(second).recommender is second
    served.get(f"/imers/{imer_id}/shortlist?k=3")
    assert ("suppliers", imer_id) in {key[:2] for key in shortlist_cache(second)._entries}
