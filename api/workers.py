"""Worker processes for ``matchmaker serve --workers N``, each with its own listening socket.

With one listening socket shared by all workers, the worker that wakes first
accepts a whole burst of new connections, and keep-alive clients then stay
where they landed: under 50 clients on two workers, one was seen holding
about 40 connections and the other 10, so most requests waited behind the
busy worker while the other idled. Here each worker binds its own socket with
``SO_REUSEPORT`` and the kernel spreads new connections over them by a hash
of the client's address and port. This module is the supervisor: it starts
the workers, starts a new one when one dies, and stops them all on SIGINT or
SIGTERM.

:func:`supported` says whether the platform spreads connections this way
(Linux); elsewhere ``matchmaker serve`` uses uvicorn's own supervisor.
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.connection
import signal
import socket
import sys
import time
from typing import Any

__all__ = ["run", "supported"]

log = logging.getLogger(__name__)

#: A worker that exits sooner than this after starting is a failure to start,
#: not a crash to recover from: the supervisor stops instead of looping.
_MIN_LIFETIME_SECONDS = 5.0


def supported() -> bool:
    """Whether the kernel balances connections over ``SO_REUSEPORT`` sockets (Linux)."""
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def _bound_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    # Accepted connections inherit this: no Nagle delay on small responses.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    return sock


def _worker(config: dict[str, Any]) -> None:  # pragma: no cover - runs in a child process
    import uvicorn

    sock = _bound_socket(config["host"], config["port"])
    sock.listen(2048)
    uvicorn.Server(uvicorn.Config(**config)).run(sockets=[sock])


def run(config: dict[str, Any], workers: int) -> None:
    """Serve with ``workers`` processes until SIGINT or SIGTERM.

    Parameters
    ----------
    config:
        Keyword arguments of :class:`uvicorn.Config`, with ``host`` and
        ``port``; the app must be an import string (each worker imports it).
    workers:
        How many worker processes.

    Raises
    ------
    OSError
        The address cannot be bound (e.g. another program listens on it).
    RuntimeError
        A worker exited right after starting (see its log lines).
    """
    # Bound but never listening: claims the port now, so a clash is reported
    # here, and takes no share of the connections.
    guard = _bound_socket(config["host"], config["port"])
    context = multiprocessing.get_context("spawn")
    stopping: list[int] = []

    def start() -> tuple[Any, float]:
        process = context.Process(target=_worker, args=(config,), name="matchmaker-worker")
        process.start()
        return process, time.monotonic()

    previous = {sig: signal.signal(sig, lambda s, _f: stopping.append(s)) for sig in
                (signal.SIGINT, signal.SIGTERM)}  # fmt: skip
    running = [start() for _ in range(workers)]
    failed: str | None = None
    try:
        while not stopping and failed is None:
            multiprocessing.connection.wait([p.sentinel for p, _ in running], timeout=0.5)
            for i, (process, started) in enumerate(running):
                if process.is_alive() or stopping:
                    continue
                if time.monotonic() - started < _MIN_LIFETIME_SECONDS:
                    failed = f"a worker exited with code {process.exitcode} right after starting"
                    break
                log.warning("worker %s exited (code %s); starting another",
                            process.pid, process.exitcode)  # fmt: skip
                running[i] = start()
    finally:
        for process, _ in running:
            if process.is_alive():
                process.terminate()
        for process, _ in running:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
        guard.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if failed is not None:
        raise RuntimeError(failed)
