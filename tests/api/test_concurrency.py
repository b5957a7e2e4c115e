"""Many clients proposing and accepting the same pairs at once lose no event.

Each client thread has its own TestClient and fires a seeded sequence of
propose / accept / decline requests at the same few pairs, released together
by a barrier. Afterwards every pair's history must hold exactly one event per
successful (2xx) response, numbered 1..n without gaps, follow the lifecycle's
allowed transitions, and end in the state the store reports; every refused
request must be a 409 (an illegal step or a retry-exhausted race), never a 500.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from pathlib import Path

from matchmaker.graph.lifecycle import ALLOWED_TRANSITIONS
from matchmaker.store import Store
from tests.api.conftest import TestClient, make_client, seed_registry

PAIRS = [("S1", "I1"), ("S2", "I2"), ("S3", "I3")]
ACTIONS = ("propose", "accept", "decline")


def _run_clients(
    store: Store, tmp_path: Path, n_clients: int, n_requests: int
) -> list[tuple[tuple[str, str], str, int]]:
    from matchmaker import auth

    bearer = auth.create_token(store, "staff")[1]
    headers = {"Authorization": f"Bearer {bearer}"}
    barrier = threading.Barrier(n_clients)
    results: list[tuple[tuple[str, str], str, int]] = []
    lock = threading.Lock()
    errors: list[BaseException] = []

    # One app shared by every client (as under a server); building apps in parallel threads
    # would race on the process-wide warning filters pydantic uses while making schemas.
    app = make_client(store, tmp_path).app

    def client_loop(seed: int) -> None:
        rng = random.Random(seed)
        try:
            with TestClient(app) as client:
                barrier.wait(timeout=30)
                for _ in range(n_requests):
                    pair = rng.choice(PAIRS)
                    action = rng.choice(ACTIONS)
                    if action == "propose":
                        r = client.post(
                            "/partnerships",
                            json={"supplier_id": pair[0], "imer_id": pair[1]},
                            headers=headers,
                        )
                    else:
                        r = client.post(
                            f"/partnerships/{pair[0]}/{pair[1]}/{action}", headers=headers
                        )
                    with lock:
                        results.append((pair, action, r.status_code))
        except BaseException as exc:  # reported in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=client_loop, args=(seed,)) for seed in range(n_clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    return results


def test_concurrent_writes_keep_every_event(store: Store, tmp_path: Path) -> None:
    seed_registry(store)
    n_clients, n_requests = 12, 12
    results = _run_clients(store, tmp_path, n_clients, n_requests)
    assert len(results) == n_clients * n_requests
    statuses = Counter(code for _, _, code in results)
    assert set(statuses) <= {200, 201, 409}, statuses
    successes = Counter(pair for pair, _, code in results if code in (200, 201))
    assert sum(successes.values()) > len(PAIRS), "the run should change some pairs"

    events = store.events()
    for pair in PAIRS:
        mine = events[(events["supplier_id"] == pair[0]) & (events["imer_id"] == pair[1])]
        mine = mine.sort_values("seq")
        # One event per success, numbered without gaps: nothing lost, nothing doubled.
        assert len(mine) == successes[pair], (pair, len(mine), successes[pair])
        assert list(mine["seq"]) == list(range(1, len(mine) + 1))
        previous: str | None = None
        for status in mine["status"]:
            assert status in ALLOWED_TRANSITIONS[previous], (pair, previous, status)
            previous = status
        state = store.pair_state(*pair)
        if previous is None:
            assert state is None
        else:
            assert state is not None
            assert state.status == previous
            assert state.n_events == len(mine)
            assert state.seq == len(mine)
