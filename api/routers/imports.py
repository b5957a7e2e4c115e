"""Bulk upload of CSV/XLSX files (staff), answering with the importer's per-row report."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, File, Query, UploadFile

from api.deps import SettingsDep, StaffDep, StoreDep
from api.errors import error_responses
from api.schemas import ImportReportPublic
from matchmaker import ingest
from matchmaker.errors import InputFileError
from matchmaker.store import Store

__all__ = ["router"]

router = APIRouter(tags=["imports"])

_XLSX_MAGIC = b"PK\x03\x04"


def _safe_name(filename: str | None, kind: str, is_xlsx: bool) -> str:
    base = Path(filename or "").name
    base = re.sub(r"[^A-Za-z0-9._\-]+", "_", base).strip("._")[:100]
    suffix = ".xlsx" if is_xlsx else ".csv"
    if not base:
        return f"{kind}{suffix}"
    if is_xlsx and not base.lower().endswith((".xlsx", ".xlsm")):
        base += ".xlsx"
    return base


def _read_upload(upload: UploadFile, kind: str, max_bytes: int) -> ingest.RawTable:
    data = upload.file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputFileError(
            f"{upload.filename or 'the upload'} is larger than {max_bytes} bytes; split it "
            "into smaller files or import it with `matchmaker import`"
        )
    name = upload.filename or ""
    is_xlsx = data.startswith(_XLSX_MAGIC) or name.lower().endswith((".xlsx", ".xlsm"))
    source = _safe_name(name, kind, is_xlsx)
    if not is_xlsx:
        return ingest.read_csv_bytes(data, source)
    with tempfile.TemporaryDirectory(prefix="matchmaker-upload-") as folder:
        path = Path(folder) / source
        path.write_bytes(data)
        return ingest.read_table(path)


def _import(
    store: Store,
    kind: Literal["suppliers", "imers", "partnerships"],
    upload: UploadFile,
    max_bytes: int,
    keep_extra: bool,
) -> ImportReportPublic:
    table = _read_upload(upload, kind, max_bytes)
    report = ingest.import_table(store, kind, table, keep_extra=keep_extra)
    return ImportReportPublic.model_validate(report.to_dict())


_DOC = """Upload a CSV (UTF-8 or Windows-1252; comma, semicolon or tab) or XLSX file with
the contract's columns (staff). Good rows are upserted by id; every bad row is reported
with its row number, column and reason, and the rest still loads, exactly like
`matchmaker import`. A file that cannot be read at all is a 422."""

FileField = Annotated[UploadFile, File(description="The CSV or XLSX file.")]
KeepExtra = Annotated[
    bool, Query(description="Keep columns the contract does not know with each profile.")
]


@router.post(
    "/suppliers/import",
    response_model=ImportReportPublic,
    summary="Import suppliers from CSV/XLSX",
    description=_DOC,
    responses=error_responses(401, 403),
)
def import_suppliers(
    file: FileField,
    store: StoreDep,
    settings: SettingsDep,
    _staff: StaffDep,
    keep_extra: KeepExtra = False,
) -> ImportReportPublic:
    return _import(store, "suppliers", file, settings.max_upload_bytes, keep_extra)


@router.post(
    "/imers/import",
    response_model=ImportReportPublic,
    summary="Import Imers from CSV/XLSX",
    description=_DOC,
    responses=error_responses(401, 403),
)
def import_imers(
    file: FileField,
    store: StoreDep,
    settings: SettingsDep,
    _staff: StaffDep,
    keep_extra: KeepExtra = False,
) -> ImportReportPublic:
    return _import(store, "imers", file, settings.max_upload_bytes, keep_extra)


@router.post(
    "/partnerships/import",
    response_model=ImportReportPublic,
    summary="Import partnership history from CSV/XLSX",
    description=_DOC + " Rows naming unknown suppliers or Imers are rejected.",
    responses=error_responses(401, 403),
)
def import_partnerships(
    file: FileField,
    store: StoreDep,
    settings: SettingsDep,
    _staff: StaffDep,
) -> ImportReportPublic:
    return _import(store, "partnerships", file, settings.max_upload_bytes, False)
