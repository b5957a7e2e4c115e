"""Who may see what: profile reads, contact details and partnership actions.

The rules (the roles themselves are in :mod:`matchmaker.auth`):

* staff and admins read every profile with its contact details;
* a member reads its own profile with its contact details, and the profile
  of a counterpart it shares a partnership history with; that counterpart's
  contact details appear only while the pair is ``accepted``, ``active`` or
  ``ended`` (both sides have accepted it), never while it is only
  ``proposed`` or after it was ``declined``;
* a member acts only on pairs it is one side of, cannot accept a proposal its
  own side made, and records only its own side's rating.
"""

from __future__ import annotations

from matchmaker.auth import PermissionDeniedError, Principal
from matchmaker.errors import ConflictError
from matchmaker.store import Store

__all__ = [
    "CONTACT_STATUSES",
    "check_accept",
    "check_pair",
    "counterpart_contacts_visible",
    "profile_access",
]

#: Pair states in which both sides have accepted, so each may see the other's contact.
CONTACT_STATUSES = frozenset({"accepted", "active", "ended"})


def profile_access(store: Store, principal: Principal, kind: str, profile_id: str) -> bool:
    """Check that ``principal`` may read the (resolved) profile; return whether contacts show.

    Raises
    ------
    PermissionDeniedError
        A member asking for a profile that is neither its own nor a counterpart's.
    """
    if principal.is_staff:
        return True
    if kind == "supplier":
        if principal.owns("supplier", profile_id):
            return True
        if principal.imer_id is not None:
            state = store.pair_state(profile_id, principal.imer_id)
            if state is not None:
                return state.status in CONTACT_STATUSES
    else:
        if principal.owns("imer", profile_id):
            return True
        if principal.supplier_id is not None:
            state = store.pair_state(principal.supplier_id, profile_id)
            if state is not None:
                return state.status in CONTACT_STATUSES
    raise PermissionDeniedError(
        f"a member may read only its own profile and those of its partners; {kind} "
        f"{profile_id!r} is neither"
    )


def counterpart_contacts_visible(principal: Principal, status: str | None) -> bool:
    """Whether a member may see the other side's contact in a pair with ``status``."""
    return principal.is_staff or (status is not None and status in CONTACT_STATUSES)


def check_pair(principal: Principal, supplier_id: str, imer_id: str) -> None:
    """Refuse a member acting on a pair it is not part of.

    Raises
    ------
    PermissionDeniedError
        The caller is a member of neither side.
    """
    if not principal.may_act_on_pair(supplier_id, imer_id):
        raise PermissionDeniedError(
            f"a member may act only on its own partnerships; {supplier_id}/{imer_id} is not "
            "one of them"
        )


def check_accept(principal: Principal, proposer: str | None) -> None:
    """Refuse a member accepting a proposal its own side made.

    Raises
    ------
    ConflictError
        The open proposal came from the caller's side; the other side accepts it.
    """
    if principal.is_staff or proposer is None:
        return
    if proposer == principal.actor:
        raise ConflictError(
            "this proposal came from your side; the other side accepts or declines it"
        )
