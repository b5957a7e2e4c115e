"""The SMESCO hub's HTTP API: a thin FastAPI layer over the matchmaker library."""

from api.main import create_app
from api.settings import Settings

__all__ = ["Settings", "create_app"]
