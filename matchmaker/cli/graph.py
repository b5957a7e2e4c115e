"""Commands of the `graph` group (filled in by its module's work)."""

from __future__ import annotations

import typer

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add this group's commands to the main app (none yet)."""
    del app
