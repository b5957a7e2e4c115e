"""The app around the routers: settings, failure modes (503, 500 without traceback), serving."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from api.main import create_app
from api.settings import Settings, default_model_dir
from matchmaker import auth
from matchmaker.cli.main import app as cli
from matchmaker.store import Store
from tests.api.conftest import Hub, TestClient, make_client, seed_registry


def test_settings_from_environment_at_the_edge(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MATCHMAKER_DATABASE_URL", "sqlite:////srv/hub/registry.db")
    monkeypatch.setenv("MATCHMAKER_STATS_CACHE_SECONDS", "5")
    settings = Settings()
    assert settings.database_url == "sqlite:////srv/hub/registry.db"
    assert settings.stats_cache_seconds == 5
    assert settings.resolved_model_dir() == Path("/srv/hub/models")
    assert default_model_dir("postgresql+psycopg://h/db") == Path.cwd() / "models"
    monkeypatch.delenv("MATCHMAKER_DATABASE_URL")
    with pytest.raises(ValueError, match="MATCHMAKER_DATABASE_URL"):
        Settings(environment="production")
    with pytest.raises(ValueError, match="cors_origins"):
        Settings(environment="production", database_url="sqlite:///x.db", cors_origins=["*"])


def test_missing_model_is_503_saying_run_fit(sqlite_store: Store, tmp_path: Path) -> None:
    seed_registry(sqlite_store)
    staff = auth.create_token(sqlite_store, "staff")[1]
    with make_client(sqlite_store, tmp_path) as client:
        response = client.get("/imers/I1/shortlist", headers={"Authorization": f"Bearer {staff}"})
        assert response.status_code == 503
        assert response.json()["error"] == "model_not_fitted"
        assert "matchmaker fit" in response.json()["message"]
        assert client.get("/health").json()["model"] == "not_fitted"


def test_unexpected_error_is_500_without_traceback(sqlite_store: Store, tmp_path: Path) -> None:
    seed_registry(sqlite_store)
    staff = auth.create_token(sqlite_store, "staff")[1]
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "m.json").write_text("{}")

    def broken(_folder: Path) -> object:
        raise RuntimeError("secret internals /etc/passwd")

    settings = Settings(
        database_url=sqlite_store.url,
        model_dir=tmp_path / "models",
        init_db=False,
        preload_model=False,
        freeze_gc=False,
    )
    app = create_app(settings, store=sqlite_store, loader=broken)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/imers/I1/shortlist", headers={"Authorization": f"Bearer {staff}"})
    assert response.status_code == 500
    body = response.json()
    assert body["error"] == "internal_error" and "incident" in body["message"]
    assert "Traceback" not in response.text and "passwd" not in response.text


def test_unreachable_database_is_503(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'missing' / 'dir' / 'x.db'}")
    settings = Settings(database_url=store.url, init_db=False, model_dir=tmp_path, freeze_gc=False)
    with TestClient(create_app(settings, store=store)) as client:
        health = client.get("/health")
        assert health.status_code == 503
        assert health.json()["database"] == "unavailable"
        response = client.get("/stats")
        assert response.status_code == 503
        assert response.json()["error"] == "database_unavailable"
        assert response.headers["retry-after"] == "1"


def test_token_commands(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'hub.db'}"
    runner = CliRunner()
    created = runner.invoke(cli, ["token", "create", "--role", "admin", "--db", db])
    assert created.exit_code == 0, created.output
    bearer = created.output.strip().splitlines()[-1]
    token_id = bearer.split(".")[0]
    store = Store(db)
    assert auth.authenticate(store, bearer).role == "admin"
    listed = runner.invoke(cli, ["token", "list", "--db", db])
    assert token_id in listed.output and bearer.split(".")[1] not in listed.output
    refused = runner.invoke(
        cli, ["token", "create", "--role", "member", "--imer", "I1", "--db", db]
    )
    assert refused.exit_code == 2 and "not in the registry" in refused.output
    revoked = runner.invoke(cli, ["token", "revoke", token_id, "--db", db])
    assert revoked.exit_code == 0 and "revoked" in revoked.output
    with pytest.raises(auth.AuthenticationError):
        auth.authenticate(store, bearer)
    store.dispose()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_serve(tmp_path: Path, workers: int) -> tuple[subprocess.Popen[bytes], int, Path]:
    """``matchmaker serve`` on a fresh SQLite file and a free port; its output goes to a log."""
    db = f"sqlite:///{tmp_path / 'hub.db'}"
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MATCHMAKER_")}
    command = Path(sys.executable).parent / "matchmaker"
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(command), "serve", "--db", db, "--port", str(port), "--workers", str(workers)],
            cwd=tmp_path,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return proc, port, log


@pytest.mark.parametrize("workers", [1, 2])
def test_serve_command_answers_over_http(tmp_path: Path, workers: int) -> None:
    proc, port, log = _start_serve(tmp_path, workers)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"server did not start: {log.read_text()}")
                time.sleep(0.2)
        assert response.status_code == 200
        assert response.json()["status"] == "ok"
        docs = httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=5).json()
        assert "/imers/{imer_id}/shortlist" in docs["paths"]
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_model_holder_loads_once_and_follows_the_registry(tmp_path: Path) -> None:
    from api.deps import ModelHolder
    from matchmaker.errors import NotFittedError

    folder = tmp_path / "models"
    loads: list[int] = []
    registry_version = [1]

    def loader(_folder: Path) -> tuple[int, int]:
        loads.append(registry_version[0])
        return (len(loads), registry_version[0])

    read_on: list[int] = []

    def fingerprint() -> int:
        read_on.append(threading.get_ident())
        return registry_version[0]

    holder = ModelHolder(
        folder, loader, fingerprint=fingerprint, refresh_seconds=0.05, check_seconds=0
    )
    with pytest.raises(NotFittedError, match="matchmaker fit"):
        holder.get()
    folder.mkdir()
    (folder / "model.json").write_text("{}")
    first = holder.get()
    assert first == (1, 1) and holder.get() is first  # loaded once, reused
    read_on.clear()
    time.sleep(0.06)
    assert holder.get() is first  # due: the fingerprint is read in the background ...
    deadline = time.monotonic() + 5
    while not read_on and time.monotonic() < deadline:
        time.sleep(0.01)
    assert read_on and threading.get_ident() not in read_on  # ... never on the request's thread
    assert holder.get() is first and len(loads) == 1  # unchanged registry: no reload
    registry_version[0] = 2
    time.sleep(0.06)
    holder.get()  # starts a background re-binding; the old copy still answers
    deadline = time.monotonic() + 5
    while holder.get()[1] != 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert holder.get()[1] == 2
    assert holder.refresh() == (len(loads), 2)
    # A new fit (changed files) is loaded in the background, then served.
    count = len(loads)
    (folder / "arrays.npz").write_bytes(b"new")
    holder.get()
    deadline = time.monotonic() + 5
    while len(loads) == count and time.monotonic() < deadline:
        time.sleep(0.01)
        holder.get()
    assert len(loads) == count + 1
    # Several requests needing a fresh copy at once share one load. First let
    # any background load still binding finish, so it cannot count as "newer".
    holder.refresh()
    time.sleep(0.01)
    started = time.monotonic()
    count = len(loads)
    holder.refresh(newer_than=started)
    holder.refresh(newer_than=started)
    assert len(loads) == count + 1


def test_model_holder_pauses_the_collector_while_loading_then_freezes(tmp_path: Path) -> None:
    import gc

    from api.deps import ModelHolder
    from matchmaker.errors import MatchmakerError, NotFittedError

    (tmp_path / "model.json").write_text("{}")
    seen: list[bool] = []

    def loader(_folder: Path) -> object:
        seen.append(gc.isenabled())
        if len(seen) > 1:
            raise MatchmakerError("damaged arrays")
        return object()

    holder = ModelHolder(tmp_path, loader, freeze_gc=True)
    try:
        assert gc.isenabled()
        holder.get()
        assert seen == [False] and gc.isenabled()  # off during the load only
        assert gc.get_freeze_count() > 0  # what survived the load is frozen
        with pytest.raises(NotFittedError, match="damaged arrays"):
            holder.refresh()
        assert seen == [False, False] and gc.isenabled()  # back on after a failed load
    finally:
        gc.unfreeze()


def test_precomputed_shortlists_are_frozen_unless_the_model_was_replaced(
    sqlite_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    import api.main

    (tmp_path / "model.json").write_text("{}")
    frozen: list[bool] = []
    finished: list[str] = []
    replace_first = [True]

    def precompute(model: object, replaced: object, *, suppliers_too: bool) -> int:
        if replace_first[0]:  # the model is replaced while its precompute runs
            replace_first[0] = False
            app.state.models.refresh()
        return 0

    def freeze() -> None:
        frozen.append(True)

    monkeypatch.setattr(api.main, "precompute_default_shortlists", precompute)
    monkeypatch.setattr(api.main, "freeze_survivors", freeze)
    original_thread = threading.Thread

    class RecordingThread(original_thread):  # type: ignore[valid-type,misc]
        def run(self) -> None:
            try:
                super().run()
            finally:
                if self.name == "shortlist-precompute":
                    finished.append(self.name)

    monkeypatch.setattr("api.main.threading.Thread", RecordingThread)
    settings = Settings(
        database_url=sqlite_store.url,
        init_db=False,
        model_dir=tmp_path,
        preload_model=False,
        precompute_shortlists="imers",
        freeze_gc=True,
    )
    app = create_app(settings, store=sqlite_store, loader=lambda _d: object())
    try:
        app.state.models.get()
        deadline = time.monotonic() + 10
        while len(finished) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        # Two precomputes ran (the replaced model's and the current one's);
        # only the one whose model is still served froze what it built.
        assert frozen == [True]
    finally:
        gc.unfreeze()


def test_broken_model_files_are_503(sqlite_store: Store, tmp_path: Path) -> None:
    seed_registry(sqlite_store)
    staff = auth.create_token(sqlite_store, "staff")[1]
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "model.json").write_text('{"format": "something else"}')
    (tmp_path / "models" / "config.json").write_text("{}")
    with make_client(sqlite_store, tmp_path) as client:
        response = client.get("/imers/I1/shortlist", headers={"Authorization": f"Bearer {staff}"})
    assert response.status_code == 503
    assert "matchmaker fit" in response.json()["message"]


def test_registry_fingerprint_changes_with_the_registry(sqlite_store: Store) -> None:
    from api.main import registry_fingerprint

    before = registry_fingerprint(sqlite_store)
    seed_registry(sqlite_store)
    seeded = registry_fingerprint(sqlite_store)
    assert seeded != before
    assert registry_fingerprint(sqlite_store) == seeded
    from matchmaker.graph import lifecycle

    lifecycle.propose(sqlite_store, "S1", "I1", actor="staff:test")
    assert registry_fingerprint(sqlite_store) != seeded


def test_default_model_dir_is_the_cli_s(tmp_path: Path) -> None:
    from matchmaker.cli.shortlist import default_model_dir as cli_default

    db = f"sqlite:///{tmp_path / 'hub.db'}"
    assert Settings(database_url=db).resolved_model_dir() == cli_default(db)


def test_unknown_and_repeated_query_parameters_are_422_per_route(sqlite_hub: Hub) -> None:
    def problem(path: str) -> dict[str, str]:
        response = sqlite_hub.request("GET", path, "staff")
        assert response.status_code == 422, (path, response.text)
        detail: dict[str, str] = response.json()["details"][0]
        return detail

    # The known names are worked out once per route and kept: each route keeps its own.
    for _ in range(2):
        on_suppliers = problem("/suppliers?colour=red")
        assert on_suppliers["field"] == "query.colour"
        assert "umkm_class" in on_suppliers["message"]
        on_imers = problem("/imers?colour=red")
        assert on_imers["field"] == "query.colour"
        assert "umkm_class" not in on_imers["message"]
        assert "stage" in on_imers["message"]
    repeated = problem("/suppliers?province=Bali&province=Jatim")
    assert repeated["field"] == "query.province"
    assert "only once" in repeated["message"]
    assert sqlite_hub.request("GET", "/suppliers?province=Bali", "staff").status_code == 200


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="SO_REUSEPORT balancing")
def test_workers_listen_on_their_own_sockets_and_a_dead_worker_is_replaced(
    tmp_path: Path,
) -> None:
    from api import workers as supervisor

    assert supervisor.supported()
    proc, port, log = _start_serve(tmp_path, 2)

    def children() -> list[int]:
        path = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
        pids = [int(p) for p in path.read_text().split()]
        return [p for p in pids if "spawn_main" in Path(f"/proc/{p}/cmdline").read_text()]

    def socket_inodes(pid: int) -> set[str]:
        inodes = set()
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:"):
                inodes.add(target)
        return inodes

    def wait_healthy() -> None:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"server did not answer: {log.read_text()}")
            time.sleep(0.2)

    try:
        wait_healthy()
        deadline = time.monotonic() + 30
        while len(workers := children()) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(workers) == 2, log.read_text()
        # Each worker has its own sockets: no listening socket is shared between them.
        deadline = time.monotonic() + 60
        while not all(socket_inodes(p) for p in workers) and time.monotonic() < deadline:
            time.sleep(0.2)  # a worker opens its socket once it has imported the app
        first, second = (socket_inodes(p) for p in workers)
        assert first and second and not first & second
        time.sleep(6)  # past the supervisor's start-up grace: a later exit is a crash
        os.kill(workers[0], signal.SIGKILL)
        deadline = time.monotonic() + 30
        while (workers[0] in children() or len(children()) < 2) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert workers[0] not in children() and len(children()) == 2, log.read_text()
        wait_healthy()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert proc.returncode is not None
