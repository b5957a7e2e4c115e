"""The one exception family of matchmaker.

Every error the library raises on purpose derives from :class:`MatchmakerError`
and carries a message that says what went wrong and how to fix it::

    MatchmakerError
    ├── ParseError            a cell value that cannot be resolved (with suggestions)
    ├── InputFileError        a file that cannot be read at all (encoding, empty, no header)
    ├── ValidationError       a record or request that breaks the contract
    ├── NotFoundError         an id that is not in the registry
    ├── ConflictError         an action the current state does not allow
    │   └── TransitionError   an illegal partnership lifecycle step
    ├── NotFittedError        a model is needed but has not been fitted or saved
    └── UnfeasibleError       an optimisation problem with no admissible solution

The CLI prints these as one clear line and exits non-zero; the API maps them to
HTTP statuses in one place (422, 404, 409).
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "ConflictError",
    "InputFileError",
    "MatchmakerError",
    "NotFittedError",
    "NotFoundError",
    "ParseError",
    "TransitionError",
    "UnfeasibleError",
    "ValidationError",
]


class MatchmakerError(Exception):
    """Base class of every error matchmaker raises on purpose."""


class ParseError(MatchmakerError, ValueError):
    """A cell value that cannot be resolved to a contract value.

    Parameters
    ----------
    message:
        What is wrong, in plain words.
    suggestions:
        The closest admissible values, best first (may be empty).
    """

    def __init__(self, message: str, suggestions: Sequence[str] = ()) -> None:
        self.suggestions: tuple[str, ...] = tuple(suggestions)
        text = message
        if self.suggestions:
            text = f"{message}; did you mean: {', '.join(self.suggestions)}?"
        super().__init__(text)
        self.reason = message


class InputFileError(MatchmakerError):
    """A whole input file that cannot be read (encoding, empty, missing columns)."""


class ValidationError(MatchmakerError, ValueError):
    """A record or request that breaks the data contract."""


class NotFoundError(MatchmakerError, LookupError):
    """An id that is not in the registry."""


class ConflictError(MatchmakerError):
    """An action that the current state of the registry does not allow."""


class TransitionError(ConflictError):
    """An illegal step in a partnership's lifecycle."""


class NotFittedError(MatchmakerError):
    """A fitted model is needed but none is available."""


class UnfeasibleError(MatchmakerError):
    """An optimisation problem that has no admissible solution."""
