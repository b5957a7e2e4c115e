"""Arrays behind a planning problem: the one place that maps ids to rows."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from matchmaker.errors import ValidationError
from matchmaker.events.model import PlanningProblem, Role

__all__ = ["Instance", "build_instance", "slot_list"]

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass
class Instance:
    """Index arrays of a :class:`PlanningProblem`.

    Participant rows: suppliers ``0 … n_suppliers-1`` then Imers. Slots are
    0-based here and 1-based everywhere outside this module's users.
    """

    suppliers: list[str]
    imers: list[str]
    n_slots: int
    n_tables: int
    max_meetings: IntArray  # (P,)
    available: BoolArray  # (P, S): not declared unavailable
    open_slot: BoolArray  # (S,)
    # fixed meetings
    fixed_s: IntArray
    fixed_i: IntArray  # participant rows (imer rows are offset)
    fixed_slot: IntArray
    fixed_table: IntArray
    fixed_score: FloatArray
    busy: BoolArray  # (P, S): in a fixed meeting
    fixed_degree: IntArray  # (P,)
    slot_capacity: IntArray  # (S,): tables left for new meetings
    used_tables: list[set[int]]
    # candidate pairs (pairs that already met in a fixed meeting are left out)
    edge_s: IntArray
    edge_i: IntArray  # participant rows
    score: FloatArray
    must_meet: BoolArray
    # derived
    free: BoolArray  # (P, S): may take a new meeting in the slot
    capacity: IntArray  # (P,): new meetings it may still take
    common: BoolArray  # (E, S): both free in the slot

    @property
    def n_suppliers(self) -> int:
        return len(self.suppliers)

    @property
    def n_participants(self) -> int:
        return len(self.suppliers) + len(self.imers)

    def role(self, v: int) -> Role:
        return "supplier" if v < self.n_suppliers else "imer"

    def ident(self, v: int) -> str:
        return self.suppliers[v] if v < self.n_suppliers else self.imers[v - self.n_suppliers]

    def label(self, v: int) -> str:
        kind = "supplier" if v < self.n_suppliers else "Imer"
        return f"{kind} {self.ident(v)}"


def slot_list(slots: npt.NDArray[np.bool_] | list[int]) -> str:
    """Render 0-based slots as a compact 1-based list: ``1-3, 7``."""
    if isinstance(slots, np.ndarray):
        numbers = [int(t) + 1 for t in np.flatnonzero(slots)]
    else:
        numbers = [t + 1 for t in slots]
    if not numbers:
        return "none"
    parts: list[str] = []
    start = prev = numbers[0]
    for n in [*numbers[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        parts.append(str(start) if start == prev else f"{start}-{prev}")
        if n is not None:
            start = prev = n
    return ", ".join(parts)


def _ids(values: pd.Series) -> list[str]:
    return [str(v) for v in values.tolist()]


def build_instance(problem: PlanningProblem) -> Instance:
    """Validate a problem and build its arrays.

    Raises
    ------
    ValidationError
        On a missing column, a non-finite score, a pair listed twice, a slot
        or table out of range, or fixed meetings that double-book someone.
    """
    n_slots, n_tables = int(problem.n_slots), int(problem.n_tables)
    if n_slots < 1:
        raise ValidationError(f"slots must be at least 1 (got {n_slots})")
    if n_tables < 1:
        raise ValidationError(f"tables must be at least 1 (got {n_tables})")
    if problem.max_meetings < 0:
        raise ValidationError(f"max meetings must be 0 or more (got {problem.max_meetings})")
    pairs = problem.pairs
    for col in ("supplier_id", "imer_id", "score"):
        if col not in pairs.columns:
            raise ValidationError(f"pairs: missing column {col!r}")
    ps = _ids(pairs["supplier_id"])
    pi = _ids(pairs["imer_id"])
    scores = [float(x) for x in pairs["score"].tolist()]
    if "must_meet" in pairs.columns:
        must = [bool(x) for x in pairs["must_meet"].fillna(False).tolist()]
    else:
        must = [False] * len(ps)
    for row, value in enumerate(scores):
        if not math.isfinite(value):
            raise ValidationError(
                f"pairs row {row + 1} ({ps[row]}, {pi[row]}): score must be a finite number"
            )
    fixed = problem.fixed
    if fixed is None:
        fixed = pd.DataFrame(columns=["slot", "table", "supplier_id", "imer_id", "score"])
    fs_ids = _ids(fixed["supplier_id"])
    fi_ids = _ids(fixed["imer_id"])
    suppliers = sorted(set(ps) | set(problem.suppliers) | set(fs_ids))
    imers = sorted(set(pi) | set(problem.imers) | set(fi_ids))
    n_sup = len(suppliers)
    s_pos = {x: k for k, x in enumerate(suppliers)}
    i_pos = {x: n_sup + k for k, x in enumerate(imers)}
    n_part = n_sup + len(imers)

    def row_of(role: Role, ident: str) -> int | None:
        return (s_pos if role == "supplier" else i_pos).get(ident)

    max_m = np.full(n_part, int(problem.max_meetings), dtype=np.int64)
    for (role, ident), m in problem.max_meetings_by.items():
        if int(m) < 0:
            raise ValidationError(f"max meetings of {role} {ident} must be 0 or more (got {m})")
        v = row_of(role, ident)
        if v is not None:
            max_m[v] = int(m)

    available = np.ones((n_part, n_slots), dtype=bool)
    for role, ident, slot in problem.unavailable:
        if not 1 <= int(slot) <= n_slots:
            raise ValidationError(
                f"unavailability of {role} {ident}: slot {slot} is outside 1-{n_slots}"
            )
        v = row_of(role, ident)
        if v is not None:
            available[v, int(slot) - 1] = False
    open_slot = np.ones(n_slots, dtype=bool)
    for slot in problem.closed_slots:
        if 1 <= int(slot) <= n_slots:
            open_slot[int(slot) - 1] = False

    # fixed meetings
    busy = np.zeros((n_part, n_slots), dtype=bool)
    used_tables: list[set[int]] = [set() for _ in range(n_slots)]
    fixed_pairs: set[tuple[int, int]] = set()
    f_s: list[int] = []
    f_i: list[int] = []
    f_t: list[int] = []
    f_tab: list[int] = []
    f_score = [float(x) for x in fixed["score"].tolist()] if len(fixed) else []
    for k, (sid, iid, slot, table) in enumerate(
        zip(fs_ids, fi_ids, fixed["slot"].tolist(), fixed["table"].tolist(), strict=True)
    ):
        where = f"fixed meeting {k + 1} ({sid}, {iid})"
        t, tab = int(slot) - 1, int(table)
        if not 0 <= t < n_slots:
            raise ValidationError(f"{where}: slot {slot} is outside 1-{n_slots}")
        if not 1 <= tab <= n_tables:
            raise ValidationError(f"{where}: table {table} is outside 1-{n_tables}")
        s, i = s_pos[sid], i_pos[iid]
        if busy[s, t] or busy[i, t]:
            raise ValidationError(f"{where}: a participant already meets someone in slot {slot}")
        if tab in used_tables[t]:
            raise ValidationError(f"{where}: table {table} is already used in slot {slot}")
        if (s, i) in fixed_pairs:
            raise ValidationError(f"{where}: the pair already has a fixed meeting")
        busy[s, t] = busy[i, t] = True
        used_tables[t].add(tab)
        fixed_pairs.add((s, i))
        f_s.append(s)
        f_i.append(i)
        f_t.append(t)
        f_tab.append(tab)
    fixed_degree = busy.sum(axis=1).astype(np.int64)
    slot_capacity = np.array(
        [n_tables - len(used_tables[t]) if open_slot[t] else 0 for t in range(n_slots)],
        dtype=np.int64,
    )

    # candidate pairs
    seen: dict[tuple[int, int], int] = {}
    e_s: list[int] = []
    e_i: list[int] = []
    e_w: list[float] = []
    e_m: list[bool] = []
    for row, (sid, iid) in enumerate(zip(ps, pi, strict=True)):
        key = (s_pos[sid], i_pos[iid])
        if key in seen:
            raise ValidationError(
                f"pairs row {row + 1}: pair ({sid}, {iid}) is listed twice "
                f"(first on row {seen[key] + 1}); keep one row per pair"
            )
        seen[key] = row
        if key in fixed_pairs:
            continue
        e_s.append(key[0])
        e_i.append(key[1])
        e_w.append(scores[row])
        e_m.append(must[row])

    free = available & ~busy & (open_slot & (slot_capacity > 0))[None, :]
    capacity = np.minimum(max_m - fixed_degree, free.sum(axis=1)).clip(min=0).astype(np.int64)
    edge_s = np.asarray(e_s, dtype=np.int64)
    edge_i = np.asarray(e_i, dtype=np.int64)
    common = free[edge_s] & free[edge_i] if len(e_s) else np.zeros((0, n_slots), dtype=bool)
    return Instance(
        suppliers=suppliers,
        imers=imers,
        n_slots=n_slots,
        n_tables=n_tables,
        max_meetings=max_m,
        available=available,
        open_slot=open_slot,
        fixed_s=np.asarray(f_s, dtype=np.int64),
        fixed_i=np.asarray(f_i, dtype=np.int64),
        fixed_slot=np.asarray(f_t, dtype=np.int64),
        fixed_table=np.asarray(f_tab, dtype=np.int64),
        fixed_score=np.asarray(f_score, dtype=np.float64),
        busy=busy,
        fixed_degree=fixed_degree,
        slot_capacity=slot_capacity,
        used_tables=used_tables,
        edge_s=edge_s,
        edge_i=edge_i,
        score=np.asarray(e_w, dtype=np.float64),
        must_meet=np.asarray(e_m, dtype=bool),
        free=free,
        capacity=capacity,
        common=common,
    )
