"""Import from files as they come from the field: every bad row reported, no good row lost."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matchmaker import ingest
from matchmaker.errors import InputFileError
from matchmaker.store import Store

HEADER = "supplier_id,name,province,categories,annual_revenue_idr,min_order_qty,dropship,phone"
GOOD = [
    "S1,CV Sumber Rejeki,Jatim,kosmetik,Rp 1.500.000,10,ya,0812-3456-7890",
    "S2,UD Berkah Jaya,East Java,hijab,2 miliar,,tidak,",
    "S3,Keripik Bu Sri,DIY,camilan,750rb,5,y,+62 812 1111 2222",
]
IMERS = (
    "imer_id,name,province,categories,monthly_revenue_idr,stage,channels,needs_dropship\n"
    "I1,Rina Jualan,Jakarta,skincare,50 juta,,tiktok;whatsapp,ya\n"
    "I2,Toko Budi,JAWA BARAT,gamis,,pioneer,facebook_ads,tidak\n"
)


def _write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _import(store: Store, kind: str, path: Path) -> ingest.ImportReport:
    return ingest.import_file(store, kind, path, report_dir=path.parent / "reports")  # type: ignore[arg-type]


def test_good_file_loads_and_derives_class(store: Store, tmp_path: Path) -> None:
    report = _import(store, "suppliers", _write(tmp_path, "s.csv", "\n".join([HEADER, *GOOD])))
    assert report.ok and report.loaded == 3 and report.inserted == 3
    sup = store.suppliers().set_index("supplier_id")
    assert sup.loc["S1", "province"] == "Jawa Timur"
    assert sup.loc["S2", "categories"] == ["fashion_muslim"]
    assert sup.loc["S2", "umkm_class"] == "mikro"  # exactly 2 miliar is still mikro
    assert sup.loc["S3", "annual_revenue_idr"] == 750_000
    assert report.derived["umkm_class"] == {"mikro": 3}
    assert set(store.contacts("supplier")["profile_id"]) == {"S1", "S3"}


def test_reimport_changes_nothing(store: Store, tmp_path: Path) -> None:
    path = _write(tmp_path, "s.csv", "\n".join([HEADER, *GOOD]))
    _import(store, "suppliers", path)
    again = _import(store, "suppliers", path)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        ("S9,Toko,Atlantis,food,,,,", "province", "unknown province"),
        ("S9,Toko,Jatim,spaceships,,,,", "categories", "category"),
        ("S9,Toko,Jatim,food,-5,,,", "annual_revenue_idr", "negative"),
        ("S9,Toko,Jatim,food,999999999999999999999,,,", "annual_revenue_idr", ""),
        ("S9,Toko,Jatim,food,,-3,,", "min_order_qty", ""),
        ("S9,Toko,Jatim,food,,,maybe,", "dropship", ""),
        ("S9,,Jatim,food,,,,", "name", "required"),
        ("S9,Toko,Jatim,food,,,,not-a-phone", "phone", "phone"),
    ],
)
def test_bad_rows_are_reported_and_good_rows_still_load(
    store: Store, tmp_path: Path, row: str, column: str, reason: str
) -> None:
    path = _write(tmp_path, "s.csv", "\n".join([HEADER, GOOD[0], row, GOOD[1]]))
    report = _import(store, "suppliers", path)
    assert not report.ok
    assert report.loaded == 2 and report.rejected == 1
    [err] = report.errors
    assert (err.file, err.row, err.column) == ("s.csv", 3, column)
    assert reason in err.reason
    assert store.supplier_ids() == {"S1", "S2"}
    rejects = (tmp_path / "reports" / "s.rejects.csv").read_text(encoding="utf-8")
    assert "s.csv,3," in rejects and column in rejects


def test_unknown_province_suggests_the_closest(store: Store, tmp_path: Path) -> None:
    path = _write(tmp_path, "s.csv", "\n".join([HEADER, "S9,Toko,Jawa Timr Raya,food,,,,"]))
    report = _import(store, "suppliers", path)
    assert report.errors and "did you mean" in report.errors[0].reason
    assert "Jawa Timur" in report.errors[0].reason


def test_duplicate_ids_in_one_file_keep_the_first(store: Store, tmp_path: Path) -> None:
    path = _write(tmp_path, "s.csv", "\n".join([HEADER, GOOD[0], GOOD[0].replace("Jatim", "DIY")]))
    report = _import(store, "suppliers", path)
    assert report.loaded == 1 and report.rejected == 1
    assert "duplicate supplier_id" in report.errors[0].reason and "row 2" in report.errors[0].reason
    assert store.suppliers()["province"].tolist() == ["Jawa Timur"]


def test_semicolons_bom_and_windows_1252(store: Store, tmp_path: Path) -> None:
    text = "\n".join([HEADER.replace(",", ";"), "S1;Kopi Café Aroma;Jatim;kopi;;;;"])
    bom = _write(tmp_path, "bom.csv", "\ufeff" + text)
    cp = _write(tmp_path, "cp.csv", text, encoding="cp1252")
    r1 = _import(store, "suppliers", bom)
    assert r1.ok and r1.delimiter == ";" and r1.encoding == "utf-8-sig"
    r2 = _import(store, "suppliers", cp)
    assert r2.ok and r2.encoding == "cp1252"
    assert store.suppliers()["name"].tolist() == ["Kopi Café Aroma"]


def test_header_case_and_spacing_and_extra_columns(store: Store, tmp_path: Path) -> None:
    text = " Supplier ID ,NAME,Province,Categories,Catatan\nS1,Toko A,Bali,food,pelanggan lama\n"
    path = _write(tmp_path, "s.csv", text)
    report = ingest.import_table(store, "suppliers", ingest.read_table(path), keep_extra=True)
    assert report.ok
    assert store.suppliers()["supplier_id"].tolist() == ["S1"]


def test_malformed_rows_are_rejected_with_their_line(store: Store, tmp_path: Path) -> None:
    path = _write(tmp_path, "s.csv", "\n".join([HEADER, GOOD[0], "S7,too,few", GOOD[1]]))
    report = _import(store, "suppliers", path)
    assert report.loaded == 2 and report.rejected == 1
    assert report.errors[0].row == 3 and "fields" in report.errors[0].reason


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "empty"),
        ("\n\n  \n", "empty"),
        ("name,province,categories\nToko,Bali,food\n", "missing required column"),
        ('supplier_id,name,province,categories\nS1,"unclosed,Bali,food\n', "quote"),
    ],
)
def test_unreadable_files_give_a_clear_error_and_keep_the_store(
    store: Store, tmp_path: Path, content: str, message: str
) -> None:
    _import(store, "suppliers", _write(tmp_path, "ok.csv", "\n".join([HEADER, *GOOD])))
    with pytest.raises(InputFileError, match=message):
        _import(store, "suppliers", _write(tmp_path, "bad.csv", content))
    assert store.supplier_ids() == {"S1", "S2", "S3"}


def test_missing_column_error_names_a_near_miss(tmp_path: Path) -> None:
    path = _write(tmp_path, "s.csv", "supplierid,name,province,categories\nS1,A,Bali,food\n")
    with pytest.raises(InputFileError, match=r"supplier_id \(found 'supplierid'"):
        ingest.parse_suppliers(ingest.read_table(path))


def test_imers_stage_from_revenue_or_declared(store: Store, tmp_path: Path) -> None:
    bad = "I3,Tanpa Omset,Bali,food,,,,\n"
    report = _import(store, "imers", _write(tmp_path, "i.csv", IMERS + bad))
    assert report.loaded == 2 and report.rejected == 1
    assert "monthly_revenue_idr or stage" in report.errors[0].reason
    imers = store.imers().set_index("imer_id")
    assert imers.loc["I1", "stage"] == "hit_and_runner"
    assert imers.loc["I1", "province"] == "DKI Jakarta"
    assert imers.loc["I1", "channels"] == ["tiktok", "whatsapp"]
    assert imers.loc["I2", "stage"] == "pioneer"
    assert len(imers.loc["I1", "target_provinces"]) == 38


def test_partnerships_need_known_pairs_and_are_idempotent(store: Store, tmp_path: Path) -> None:
    _import(store, "suppliers", _write(tmp_path, "s.csv", "\n".join([HEADER, *GOOD])))
    _import(store, "imers", _write(tmp_path, "i.csv", IMERS))
    text = (
        "supplier_id,imer_id,status,started_at,ended_at,monthly_units,rating\n"
        "S1,I1,ended,2024-01-05,2024-06-30,120,4\n"
        "S2,I1,declined,2024-02-01,,,\n"
        "S3,I2,active,2025-03-01,,40,\n"
        "S404,I1,active,2025-03-01,,,\n"
        "S1,I2,ended,2024-05-01,2024-04-01,,\n"
        "S2,I2,active,2024-01-01,,,9\n"
    )
    path = _write(tmp_path, "p.csv", text)
    report = _import(store, "partnerships", path)
    assert report.loaded == 3 and report.rejected == 3
    reasons = {e.row: e.reason for e in report.errors}
    assert "unknown supplier" in reasons[5]
    assert "before started_at" in reasons[6]
    assert 7 in reasons
    pairs = store.partnerships().set_index(["supplier_id", "imer_id"])
    assert pairs.loc[("S1", "I1"), "status"] == "ended"
    assert pairs.loc[("S1", "I1"), "monthly_units"] == 120
    assert store.events(supplier_id="S1")["status"].tolist() == ["active", "ended"]
    n_events = store.counts()["events"]
    again = _import(store, "partnerships", path)
    assert again.unchanged == 3 and store.counts()["events"] == n_events


def test_xlsx_import(store: Store, tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["supplier_id", "name", "province", "categories", "annual_revenue_idr", "dropship"])
    ws.append(["S1", "CV A", "Jawa Tengah", "food", 3_000_000_000, True])
    ws.append([101, "CV B", "bali", "fashion", "1,5 juta", "tidak"])
    ws.append(["S3", "CV C", "Nowhere", "food", None, None])
    path = tmp_path / "s.xlsx"
    wb.save(path)
    report = _import(store, "suppliers", path)
    assert report.loaded == 2 and report.rejected == 1 and report.errors[0].row == 4
    sup = store.suppliers().set_index("supplier_id")
    assert sup.loc["S1", "umkm_class"] == "kecil"
    assert "101" in sup.index


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["Jatim", "DIY", "Bali", "Atlantis", "East Java"]),
            st.sampled_from(["food", "kosmetik", "hijab", "xyz"]),
            st.sampled_from(["", "1,5 juta", "-1", "2 miliar", "abc"]),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_property_every_row_is_loaded_or_reported(
    sqlite_store: Store, tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[str, str, str]]
) -> None:
    lines = ["supplier_id,name,province,categories,annual_revenue_idr"]
    lines += [f"P{i},Toko {i},{p},{c},{m}" for i, (p, c, m) in enumerate(rows)]
    path = tmp_path_factory.mktemp("p") / "s.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    report = ingest.import_file(sqlite_store, "suppliers", path)
    assert report.loaded + report.rejected == len(rows)
    again = ingest.import_file(sqlite_store, "suppliers", path)
    assert again.inserted == 0 and again.updated == 0


def test_running_outcomes_are_stamped_when_learned_not_at_the_start(
    store: Store, tmp_path: Path
) -> None:
    _import(store, "suppliers", _write(tmp_path, "s.csv", "\n".join([HEADER, *GOOD])))
    _import(store, "imers", _write(tmp_path, "i.csv", IMERS))
    text = (
        "supplier_id,imer_id,status,started_at,ended_at,monthly_units,rating\n"
        "S3,I2,active,2025-03-01,,40,4\n"
    )
    _import(store, "partnerships", _write(tmp_path, "p.csv", text))
    events = store.events(supplier_id="S3")
    assert events["status"].tolist() == ["active", "active"]
    start, outcome = events.iloc[0], events.iloc[1]
    assert pd.isna(start["monthly_units"]) and pd.isna(start["rating"])
    assert start["at"].date().isoformat() == "2025-03-01"
    assert outcome["monthly_units"] == 40 and outcome["rating"] == 4
    assert outcome["at"] > start["at"] + pd.Timedelta(days=365)
    state = store.pair_state("S3", "I2")
    assert state is not None and (state.status, state.monthly_units) == ("active", 40)
