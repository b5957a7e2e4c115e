"""Property-based run of schemathesis against the app's own OpenAPI schema.

Every operation is called with generated requests (valid and invalid) under an
admin token, so requests reach the handlers, over a small registry with a really
fitted model; no response may be a server error or break the status codes,
content types, headers and bodies the schema documents, and a request that breaks
the schema must be refused. Bounded per operation to keep the suite fast.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks

from api.main import create_app
from api.profiles import parse_profile
from api.schemas import ImerCreate, SupplierCreate
from api.settings import Settings
from matchmaker import auth, ingest
from matchmaker.ranking import Recommender, RecommenderConfig
from matchmaker.store import Store
from matchmaker.synthetic import generate_registry, write_registry
from tests.api.conftest import seed_registry

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
    checks.negative_data_rejection,
]


def _build_app() -> tuple[Any, str]:
    """An app over a small fitted registry (built at import: schemathesis needs it then).

    The registry holds the ids used in the schema's examples (S-0001, I-0001), so
    example-driven requests reach the handlers' deeper paths.
    """
    folder = Path(tempfile.mkdtemp(prefix="matchmaker-schemathesis-"))
    csv = write_registry(generate_registry(n_suppliers=60, n_imers=25, seed=5), folder / "csv")
    store = Store(f"sqlite:///{folder / 'hub.db'}")
    store.init()
    for kind in ("suppliers", "imers", "partnerships"):
        ingest.import_file(store, kind, csv[kind])
    seed_registry(store)
    for kind, example in (("supplier", SupplierCreate), ("imer", ImerCreate)):
        values = example.model_config["json_schema_extra"]["examples"][0]  # type: ignore[index]
        frame, contacts = parse_profile(kind, values)  # type: ignore[arg-type]
        if kind == "supplier":
            store.upsert_suppliers(frame, contacts)
        else:
            store.upsert_imers(frame, contacts)
    Recommender(RecommenderConfig(text_dim=8, exposure_sample=0)).fit(store.registry()).save(
        folder / "models"
    )
    bearer = auth.create_token(store, "admin", label="schemathesis")[1]
    config = Settings(
        database_url=store.url,
        model_dir=folder / "models",
        environment="test",
        init_db=False,
        stats_cache_seconds=0,
        model_refresh_seconds=0,
        preload_model=False,
        freeze_gc=False,
    )
    return create_app(config, store=store), bearer


APP, BEARER = _build_app()
ADMIN = {"Authorization": f"Bearer {BEARER}"}
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_server_error_and_schema_conformance(case: Any) -> None:
    case.call_and_validate(headers=ADMIN, checks=CHECKS)


def _component(raw: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        return dict(raw["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]])
    if schema.get("type") == "array":
        return _component(raw, schema["items"])
    if "anyOf" in schema:  # an optional body: the model or null
        refs = [_component(raw, s) for s in schema["anyOf"] if s.get("type") != "null"]
        return refs[0] if len(refs) == 1 else schema
    return schema


def test_openapi_documents_every_endpoint_with_examples() -> None:
    raw = schema.raw_schema
    operations = [(p, m, op) for p, item in raw["paths"].items() for m, op in item.items()]
    assert len(operations) >= 20
    for path, method, op in operations:
        where = f"{method.upper()} {path}"
        assert op.get("summary"), f"{where} has no summary"
        assert op.get("description"), f"{where} has no description"
        assert "422" in op["responses"], f"{where} does not document 422"
        for param in op.get("parameters", []):
            if param["in"] == "path":
                has = param.get("examples") or param["schema"].get("examples")
                assert has, f"{where}: path parameter {param['name']} has no example"
        content = op.get("requestBody", {}).get("content", {})
        for media, body in content.items():
            if media == "application/json":
                component = _component(raw, body["schema"])
                assert component.get("examples"), f"{where}: request body has no example"
        ok = [code for code in op["responses"] if code.startswith("2")]
        assert ok, f"{where} documents no success response"
        body = op["responses"][ok[0]]["content"]["application/json"]["schema"]
        assert _component(raw, body).get("examples"), f"{where}: response has no example"
        error = op["responses"]["422"]["content"]["application/json"]["schema"]
        assert _component(raw, error).get("examples"), f"{where}: error body has no example"
