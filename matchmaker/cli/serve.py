"""Commands ``matchmaker serve`` (the hub API) and ``matchmaker token`` (API tokens).

``serve`` starts the FastAPI app of :mod:`api` under uvicorn on the configured
database; ``token create`` prints a new token once (only its hash is kept),
``token revoke`` disables one at once, ``token list`` shows them without
secrets. :func:`serve` is the function ``matchmaker demo`` calls to serve the
demo database::

    from matchmaker.cli.serve import serve
    serve("sqlite:///demo/matchmaker-demo.db", host="127.0.0.1", port=8000)
"""

from __future__ import annotations

import logging
import socket
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from matchmaker import auth
from matchmaker.cli.common import DbOption, console, open_store, resolve_db_url
from matchmaker.errors import ValidationError

__all__ = ["build_app", "register", "serve", "token_app"]

log = logging.getLogger(__name__)

token_app = typer.Typer(
    help="Issue, list and revoke API tokens (admin work, on the server's database).",
    no_args_is_help=True,
)

HostOption = Annotated[str, typer.Option("--host", help="Interface to listen on.")]
PortOption = Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")]
ModelOption = Annotated[
    Path | None,
    typer.Option(
        "--model",
        help="Folder of the fitted recommender (default: models/ next to a SQLite database).",
        show_default=False,
    ),
]


def build_app(db_url: str, model_dir: Path | None = None, **settings: Any) -> Any:
    """The hub API app for ``db_url`` (the schema is created or upgraded first).

    Parameters
    ----------
    db_url:
        SQLAlchemy URL of the registry.
    model_dir:
        Folder of the fitted recommender (default next to the database).
    **settings:
        Further :class:`api.settings.Settings` fields.
    """
    from api.main import create_app
    from api.settings import Settings

    return create_app(Settings(database_url=db_url, model_dir=model_dir, **settings))


def serve(
    db_url: str,
    host: str = "127.0.0.1",
    port: int = 8000,
    model_dir: Path | None = None,
    *,
    log_level: str = "info",
    workers: int = 1,
) -> None:
    """Serve the hub API for ``db_url`` with uvicorn until interrupted.

    Parameters
    ----------
    db_url:
        SQLAlchemy URL of the registry (e.g. the demo's SQLite file).
    host, port:
        Where to listen; the docs are then at ``http://HOST:PORT/docs``.
    model_dir:
        Folder of the fitted recommender (default: ``models/`` next to a
        SQLite database).
    log_level:
        uvicorn's log level.
    workers:
        Worker processes; more than one re-creates the app in each worker
        from ``MATCHMAKER_*`` environment variables set here. On Linux each
        worker listens on its own socket (:mod:`api.workers`).
    """
    import os

    import uvicorn

    if workers <= 1:
        uvicorn.run(build_app(db_url, model_dir), host=host, port=port, log_level=log_level)
        return
    os.environ["MATCHMAKER_DATABASE_URL"] = db_url
    if model_dir is not None:
        os.environ["MATCHMAKER_MODEL_DIR"] = str(model_dir)
    build_app(db_url, model_dir)  # create or upgrade the schema once, before the workers
    from api import workers as supervisor

    if supervisor.supported():  # one listening socket per worker (see api.workers)
        supervisor.run(
            {
                "app": "api.main:app_from_environment",
                "factory": True,
                "host": host,
                "port": port,
                "log_level": log_level,
            },
            workers,
        )
        return
    from uvicorn.supervisors import Multiprocess

    config = uvicorn.Config(
        "api.main:app_from_environment",
        factory=True,
        host=host,
        port=port,
        log_level=log_level,
        workers=workers,
    )
    sock = config.bind_socket()
    # Connections accepted on this shared socket would otherwise keep Nagle's
    # algorithm on (asyncio only disables it on sockets it creates itself), which
    # delays every small response by a delayed-ACK period (~40 ms).
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        Multiprocess(config, sockets=[sock]).run()
    finally:
        sock.close()


def _serve_command(
    db: DbOption = None,
    host: HostOption = "127.0.0.1",
    port: PortOption = 8000,
    model: ModelOption = None,
    workers: Annotated[int, typer.Option("--workers", min=1, max=64, help="Worker processes.")] = 1,
    log_level: Annotated[
        str, typer.Option("--log-level", help="critical, error, warning, info or debug.")
    ] = "info",
) -> None:
    """Serve the hub API (OpenAPI docs at /docs) on the configured database."""
    url = resolve_db_url(db)
    console.print(
        f"serving the hub API on http://{escape(host)}:{port} (docs: http://{escape(host)}:"
        f"{port}/docs)"
    )
    if log_level not in ("critical", "error", "warning", "info", "debug", "trace"):
        raise ValidationError(f"--log-level must be warning, info, debug ..., got {log_level!r}")
    serve(url, host, port, model, workers=workers, log_level=log_level)


def _create(
    role: Annotated[str, typer.Option("--role", help="member, staff or admin.")],
    imer: Annotated[
        str | None, typer.Option("--imer", help="The Imer a member token speaks for.")
    ] = None,
    supplier: Annotated[
        str | None, typer.Option("--supplier", help="The supplier a member token speaks for.")
    ] = None,
    label: Annotated[str | None, typer.Option("--label", help="Who holds the token.")] = None,
    db: DbOption = None,
) -> None:
    """Issue a token and print it once: only its hash is stored."""
    if role not in ("member", "staff", "admin"):
        raise ValidationError(f"--role must be member, staff or admin, got {role!r}")
    store = open_store(db)
    info, bearer = auth.create_token(store, role, imer_id=imer, supplier_id=supplier, label=label)
    bound = f" for {info.profile_kind} {info.profile_id}" if info.profile_id else ""
    console.print(f"issued {info.role} token {info.token_id}{escape(bound)}")
    console.print("copy it now; it is not shown again:")
    typer.echo(bearer)


def _revoke(
    token_id: Annotated[str, typer.Argument(help="The token's id (mmt_…), see `token list`.")],
    db: DbOption = None,
) -> None:
    """Revoke a token at once."""
    store = open_store(db)
    info = auth.revoke_token(store, token_id)
    console.print(f"revoked {info.token_id} ({info.role})")


def _list(db: DbOption = None) -> None:
    """Show every token (never the secrets)."""
    store = open_store(db)
    table = Table(title="API tokens")
    for col in ("id", "role", "profile", "label", "created", "revoked"):
        table.add_column(col)
    for t in auth.list_tokens(store):
        table.add_row(
            t.token_id,
            t.role,
            f"{t.profile_kind} {t.profile_id}" if t.profile_id else "",
            escape(t.label or ""),
            t.created_at.strftime("%Y-%m-%d %H:%M"),
            t.revoked_at.strftime("%Y-%m-%d %H:%M") if t.revoked_at else "",
        )
    console.print(table)


token_app.command("create")(_create)
token_app.command("revoke")(_revoke)
token_app.command("list")(_list)


def register(app: typer.Typer) -> None:
    """Add ``serve`` and the ``token`` group to the main app."""
    app.command("serve")(_serve_command)
    app.add_typer(token_app, name="token")
