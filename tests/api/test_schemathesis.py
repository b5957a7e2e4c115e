"""Property-based run of schemathesis against the app's own OpenAPI schema.

Every operation is called with generated requests (valid and invalid) under an
admin token, so requests reach the handlers; no response may be a server error
or break the status codes, content types, headers and bodies the schema
documents. Bounded per operation to keep the suite fast.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks

from api.main import create_app
from api.settings import Settings
from matchmaker import auth
from matchmaker.store import Store
from tests.api.conftest import seed_registry
from tests.api.test_roles import FakeRecommender

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
    checks.negative_data_rejection,
]


def _build_app() -> tuple[Any, str]:
    """An app over an in-memory SQLite registry (built at import: schemathesis needs it then)."""
    store = Store("sqlite://")
    store.init()
    seed_registry(store)
    models = Path(tempfile.mkdtemp(prefix="matchmaker-schemathesis-"))
    (models / "model.json").write_text("{}")
    bearer = auth.create_token(store, "admin", label="schemathesis")[1]
    config = Settings(
        database_url=store.url,
        model_dir=models,
        environment="test",
        init_db=False,
        stats_cache_seconds=0,
    )
    return create_app(config, store=store, loader=lambda _d: FakeRecommender(store)), bearer


APP, BEARER = _build_app()
ADMIN = {"Authorization": f"Bearer {BEARER}"}
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_server_error_and_schema_conformance(case: Any) -> None:
    case.call_and_validate(headers=ADMIN, checks=CHECKS)


def test_openapi_documents_every_endpoint_with_examples() -> None:
    raw = schema.raw_schema
    operations = [(p, m, op) for p, item in raw["paths"].items() for m, op in item.items()]
    assert len(operations) >= 20
    for path, method, op in operations:
        assert op.get("summary"), f"{method} {path} has no summary"
        assert op.get("description"), f"{method} {path} has no description"
        assert "422" in op["responses"], f"{method} {path} does not document 422"
        body = op.get("requestBody", {}).get("content", {}).get("application/json")
        if body is not None:
            ref = body["schema"].get("$ref") or str(body["schema"])
            name = ref.rsplit("/", 1)[-1]
            component = raw["components"]["schemas"].get(name, {})
            assert component.get("examples") or "anyOf" in str(body["schema"]), (
                f"{method} {path} request body {name} has no example"
            )
