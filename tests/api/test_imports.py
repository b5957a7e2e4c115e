"""Bulk upload returns the same per-row report as `matchmaker import`."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from matchmaker import ingest
from matchmaker.store import Store
from tests.api.conftest import Hub, make_client

SUPPLIERS_CSV = (
    "supplier_id;name;province;categories;annual_revenue_idr;dropship\n"
    "N1;CV Satu;Jatim;camilan;1,5 miliar;ya\n"
    "N2;CV Dua;Atlantis;camilan;;tidak\n"
    "N3;CV Tiga;Bali;kosmetik;20 miliar;y\n"
    "N1;CV Satu lagi;Bali;camilan;;\n"
).encode("cp1252")


def _upload(hub: Hub, path: str, name: str, data: bytes, role: str = "staff") -> Any:
    response = hub.request("POST", path, role, files={"file": (name, data, "text/csv")})
    assert response.status_code == 200, response.text
    return response.json()


def test_csv_report_matches_the_cli_importer(hub: Hub, sqlite_store: Store) -> None:
    report = _upload(hub, "/suppliers/import", "suppliers.csv", SUPPLIERS_CSV)
    expected = ingest.import_table(
        sqlite_store, "suppliers", ingest.read_csv_bytes(SUPPLIERS_CSV, "suppliers.csv")
    ).to_dict()
    for key in (
        "rows",
        "loaded",
        "rejected",
        "inserted",
        "updated",
        "unchanged",
        "ok",
        "delimiter",
        "derived",
    ):
        assert report[key] == expected[key], key
    assert [(e["row"], e["column"]) for e in report["errors"]] == [
        (3, "province"),
        (5, "supplier_id"),
    ]
    assert report["errors"][0]["file"] == "suppliers.csv"
    assert {"N1", "N3"} <= hub.store.supplier_ids() and "N2" not in hub.store.supplier_ids()
    again = _upload(hub, "/suppliers/import", "suppliers.csv", SUPPLIERS_CSV)
    assert (again["inserted"], again["updated"], again["unchanged"]) == (0, 0, 2)


def test_xlsx_upload(hub: Hub) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["imer_id", "name", "province", "categories", "monthly_revenue_idr"])
    ws.append(["X1", "Toko X", "Jabar", "fashion", 250_000_000])
    ws.append(["X2", "Toko Y", "Jabar", "fashion", None])
    buffer = io.BytesIO()
    wb.save(buffer)
    report = _upload(hub, "/imers/import", "imers form.xlsx", buffer.getvalue())
    assert (report["rows"], report["loaded"], report["rejected"]) == (2, 1, 1)
    assert report["source"] == "imers_form.xlsx"
    assert report["errors"][0]["row"] == 3
    assert report["derived"] == {"stage": {"survivor": 1}}
    assert hub.store.imers(["X1"]).iloc[0]["stage"] == "survivor"


def test_partnership_history_upload(hub: Hub) -> None:
    text = (
        b"supplier_id,imer_id,status,started_at,ended_at,rating\n"
        b"S1,I1,ended,2023-01-01,2023-06-30,5\n"
        b"S9,I1,active,,,\n"
    )
    report = _upload(hub, "/partnerships/import", "p.csv", text)
    assert (report["loaded"], report["rejected"]) == (1, 1)
    state = hub.store.pair_state("S1", "I1")
    assert state is not None and state.status == "ended"


def test_unreadable_and_oversized_files_are_422(hub: Hub, tmp_path: Path) -> None:
    for data, words in (
        (b"", "empty"),
        (b"\x00\x01\x02binary", "binary"),
        (b"name,province\nX,Bali\n", "missing required column"),
        (b"PK\x03\x04not really a workbook", "XLSX"),
    ):
        response = hub.request(
            "POST", "/suppliers/import", "staff", files={"file": ("f.csv", data, "text/csv")}
        )
        assert response.status_code == 422, data
        assert response.json()["error"] == "unreadable_file"
        assert words in response.json()["message"], response.json()["message"]
    missing = hub.request("POST", "/suppliers/import", "staff")
    assert missing.status_code == 422
    assert missing.json()["details"][0]["field"] == "body.file"

    with make_client(hub.store, tmp_path, max_upload_bytes=64) as small:
        response = small.post(
            "/suppliers/import",
            headers=hub.h("staff"),
            files={"file": ("s.csv", SUPPLIERS_CSV, "text/csv")},
        )
        assert response.status_code == 422
        assert "larger than 64 bytes" in response.json()["message"]
