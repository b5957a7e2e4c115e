"""A small registry and a stored event for the events tests."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from matchmaker.events import create_event, register_participants
from matchmaker.store import Store
from tests.factories import imer, imers_frame, supplier, suppliers_frame

CATS = ["food", "fashion", "beauty", "herbal"]
N = 6


def build_registry(store: Store) -> None:
    """Six suppliers and six Imers with contacts (which must never reach an agenda)."""
    store.upsert_suppliers(
        suppliers_frame(
            *[supplier(f"S{k}", name=f"CV Usaha {k}", categories=[CATS[k % 4]]) for k in range(N)]
        ),
        contacts=pd.DataFrame(
            {
                "profile_id": [f"S{k}" for k in range(N)],
                "phone": [f"+62 812 0000 00{k}" for k in range(N)],
                "email": [f"owner{k}@example.id" for k in range(N)],
            }
        ),
    )
    store.upsert_imers(
        imers_frame(
            *[
                imer(f"I{k}", name=f"Budi Santoso {k}", categories=[CATS[k % 4], CATS[(k + 1) % 4]])
                for k in range(N)
            ]
        ),
        contacts=pd.DataFrame(
            {
                "profile_id": [f"I{k}" for k in range(N)],
                "phone": [f"+62 813 1111 11{k}" for k in range(N)],
                "email": [f"budi{k}@example.id" for k in range(N)],
            }
        ),
    )


def build_event(store: Store, event_id: str = "expo") -> None:
    """Registry plus an event: 4 slots of 20 minutes from 09:00 WIB, 3 tables, 3 meetings each."""
    build_registry(store)
    create_event(
        store,
        event_id,
        "Temu Bisnis SMESCO",
        first_start=dt.datetime(2025, 3, 10, 9, 0),
        n_slots=4,
        slot_minutes=20,
        break_minutes=5,
        n_tables=3,
        max_meetings=3,
        venue="SMESCO, Jakarta",
    )
    people = pd.DataFrame(
        {
            "role": ["supplier"] * N + ["imer"] * N,
            "participant_id": [f"S{k}" for k in range(N)] + [f"I{k}" for k in range(N)],
            "display_name": [None] * N + ["Toko Kopi, Teh; & Co"] + [None] * (N - 1),
        }
    )
    register_participants(store, event_id, people)
