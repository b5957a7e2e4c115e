"""One router per resource of the hub API."""

__all__: list[str] = []
